import type { CovenantError } from '../../common/errors.js';
import type { RemoteOptions } from '../git/remote.js';
import type { GivenCredentials, HandlerContext, RemoteOp } from './context.js';

/**
 * Runs a remote operation with progress events and credentials: those the person just typed, else the ones the
 * desktop app remembered for the server, else the environment or git's credential helper. Typed credentials that
 * worked are remembered when asked to; remembered ones the server refused are forgotten.
 */
export async function remoteRun<T>(c: HandlerContext, op: RemoteOp, given: GivenCredentials, run: (o: RemoteOptions) => Promise<T>): Promise<T> {
  let last = 0;
  let usedUrl: string | null = null;
  const store = c.options.credentials;
  const options: RemoteOptions = {
    onProgress: (phase, loaded, total) => {
      const now = Date.now();
      if (now - last < 100 && total !== loaded) return; // a few events a second are enough to watch
      last = now;
      c.emit({ type: 'remote-progress', op, phase, loaded, total: total ?? null });
    },
    warn: (message) => c.emit({ type: 'notice', level: 'warning', message }),
    credentials: async (url) => {
      usedUrl = url;
      if (given) return { username: given.username, password: given.password };
      const { credentialsFor } = await import('../git/remote.js');
      return (await store?.get(url)) ?? credentialsFor(url);
    },
  };
  try {
    const r = await run(options);
    if (usedUrl && given?.remember && store) await store.set(usedUrl, given);
    return r;
  } catch (e) {
    if (usedUrl && !given && (e as CovenantError).reason === 'credentials-refused') await store?.forget(usedUrl);
    throw e;
  }
}
