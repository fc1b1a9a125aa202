import { open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { gitError } from './errors.js';

/**
 * Holds `.git/index.lock` (exclusive create, as git itself does) for the duration of a writing operation, so
 * Covenant and any other git never write the index at the same time. Refuses when another git holds it.
 */
export async function withIndexLock<T>(dir: string, run: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, '.git', 'index.lock');
  let fd: FileHandle;
  try {
    fd = await open(lock, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw gitError(
        'locked',
        'Another git process is working in this repository (.git/index.lock exists). Wait for it to finish; if none is running, delete .git/index.lock.',
      );
    }
    throw gitError('failed', `Could not lock the repository (${(e as NodeJS.ErrnoException).code ?? 'unknown error'}).`);
  }
  try {
    await fd.writeFile(`covenant ${process.pid}\n`);
    await fd.close();
    return await run();
  } finally {
    await unlink(lock).catch(() => undefined); // already gone
  }
}
