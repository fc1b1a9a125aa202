import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Author } from './author.js';
import { commit } from './commit.js';
import { GitError } from './errors.js';
import { git, fs, isRepository } from './repo.js';
import { status } from './status.js';

/** Makes `dir` a git repository (branch main) and commits what is there as the first commit. */
export async function initRepository(dir: string, author: Author, message = 'Covenant workspace created'): Promise<string | null> {
  if (isRepository(dir)) throw new GitError('failed', `${dir} is already a git repository.`);
  if (!existsSync(dir) || readdirSync(dir).length === 0) {
    await git.init({ fs, dir, defaultBranch: 'main' });
    return null;
  }
  await git.init({ fs, dir, defaultBranch: 'main' });
  if (!existsSync(path.join(dir, '.gitignore'))) {
    const { writeFileAtomic } = await import('../fs/atomic.js');
    writeFileAtomic(path.join(dir, '.gitignore'), 'node_modules/\n.covenant-tmp-*\n');
  }
  const files = (await status(dir)).map((c) => c.path);
  return files.length ? commit(dir, files, message, author) : null;
}
