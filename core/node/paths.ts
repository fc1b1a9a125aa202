import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed app's root folder: two levels above this module in the sources (core/node) and the build (dist/node). */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The built renderer (vite build), served by browser mode and loaded by Electron. */
export function rendererDir(): string {
  return path.join(packageRoot(), 'dist', 'renderer');
}
