import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed app's root folder: the nearest folder above this module that holds package.json (core/node in the
 * sources; dist/node or a chunk folder below it in the build).
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const base = path.basename(dir);
    if (base !== 'node' && base !== 'chunks' && base !== 'dist' && base !== 'core') return dir;
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The built renderer (vite build), served by browser mode and loaded by Electron. */
export function rendererDir(): string {
  return path.join(packageRoot(), 'dist', 'renderer');
}
