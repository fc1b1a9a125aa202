// `npm start`: the desktop app where Electron's runtime exists; otherwise, in one line, why not, and the same app in
// browser mode (covenant serve). Arguments are passed on: `npm start -- path/to/workspace`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

const built = ['dist/renderer/index.html', 'dist/electron/main.mjs', 'dist/node/cli.mjs'].every((f) => existsSync(path.join(root, f)));
if (!built) {
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron binary if it was downloaded, without triggering a download (require('electron') would). */
function electronBinary() {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = path.join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const bin = electronBinary();
const child = bin
  ? spawn(bin, [root, ...args], { stdio: 'inherit' })
  : (console.log("Electron's runtime is not installed on this machine (its download is blocked here); starting Covenant in browser mode instead."),
    spawn(process.execPath, [path.join(root, 'bin', 'covenant.mjs'), 'serve', ...args], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
