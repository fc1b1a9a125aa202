import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Author } from './author.js';
import { gitError, gitFailure } from './errors.js';
import { withIndexLock } from './lock.js';
import { git, fs, requireCleanState, requireRepository } from './repo.js';

/**
 * Stages exactly `paths` (added when present, removed when deleted; never the whole tree: isomorphic-git's add costs
 * about 1.5 ms a file) and commits them, holding .git/index.lock throughout. Returns the new commit's oid.
 */
export async function commit(dir: string, paths: string[], message: string, author: Author): Promise<string> {
  await requireRepository(dir);
  if (paths.length === 0) throw gitError('nothing-to-commit', 'Choose at least one changed file to commit.');
  if (message.trim() === '') throw gitError('nothing-to-commit', 'A commit needs a message.');
  return withIndexLock(dir, async () => {
    await requireCleanState(dir);
    try {
      const present: string[] = [];
      for (const p of paths) {
        const info = await lstat(path.join(dir, ...p.split('/'))).catch(() => null);
        if (info?.isSymbolicLink()) throw gitError('symlink', `${p} is a symbolic link; Covenant does not commit links.`);
        if (info) present.push(p);
        else await git.remove({ fs, dir, filepath: p });
      }
      if (present.length) await git.add({ fs, dir, filepath: present });
      const now = Math.floor(Date.now() / 1000);
      const who = { ...author, timestamp: now, timezoneOffset: new Date().getTimezoneOffset() };
      return await git.commit({ fs, dir, message: message.endsWith('\n') ? message : `${message}\n`, author: who, committer: who });
    } catch (e) {
      throw gitFailure(e, 'Committing');
    }
  });
}
