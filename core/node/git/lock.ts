import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { GitError } from './errors.js';

/**
 * Holds `.git/index.lock` (exclusive create, as git itself does) for the duration of a writing operation, so
 * Covenant and any other git never write the index at the same time. Refuses when another git holds it.
 */
export async function withIndexLock<T>(dir: string, run: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, '.git', 'index.lock');
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new GitError('locked', 'Another git process is working in this repository (.git/index.lock exists). Wait for it to finish; if none is running, delete .git/index.lock.');
    }
    throw new GitError('failed', `Could not lock the repository (${(e as NodeJS.ErrnoException).code ?? 'unknown error'}).`);
  }
  try {
    writeSync(fd, `covenant ${process.pid}\n`);
    closeSync(fd);
    return await run();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      /* already gone */
    }
  }
}
