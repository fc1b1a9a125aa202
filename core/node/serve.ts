import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CovenantError } from '../common/errors.js';

/**
 * `covenant serve`: the app and its API on 127.0.0.1 in the browser, over one Session, until Ctrl+C. Returns the exit
 * code once stopped.
 */
export async function serve(io: { out: (s: string) => void }, dir: string | undefined, port: number | undefined): Promise<number> {
  const [{ rendererDir }, { Session }, { startBridge }] = await Promise.all([import('./paths.js'), import('./session.js'), import('./server.js')]);
  const staticDir = rendererDir();
  if (!(await stat(path.join(staticDir, 'index.html')).catch(() => null)))
    throw new CovenantError('invalid-input', 'the app is not built yet; run `npm run build` first');
  const session = new Session({ mode: 'browser' });
  if (dir !== undefined) {
    const info = await session.open(dir);
    // warm: the first page load gets answers at once (analysed and validated; a long history goes on being read)
    await session.saved({ early: true });
    io.out(`Workspace: ${info.root}\n`);
  }
  const bridge = await startBridge({ session, staticDir, port });
  io.out(`Covenant is running at ${bridge.launchUrl}\nOpen that URL in your browser. Press Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await bridge.close();
  await session.close();
  return 0;
}
