import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Author } from './author.js';
import { commit } from './commit.js';
import { gitError } from './errors.js';
import { git, fs, isRepository } from './repo.js';
import { status } from './status.js';
import { writeFileAtomic } from '../fs/atomic.js';

/** Makes `dir` a git repository (branch main) and commits what is there as the first commit. */
export async function initRepository(dir: string, author: Author, message = 'Covenant workspace created'): Promise<string | null> {
  if (await isRepository(dir)) throw gitError('failed', `${dir} is already a git repository.`);
  if ((await readdir(dir).catch(() => [])).length === 0) {
    await git.init({ fs, dir, defaultBranch: 'main' });
    return null;
  }
  await git.init({ fs, dir, defaultBranch: 'main' });
  if (!(await stat(path.join(dir, '.gitignore')).catch(() => null))) {
    await writeFileAtomic(path.join(dir, '.gitignore'), 'node_modules/\n.covenant-tmp-*\n');
  }
  const files = (await status(dir)).map((c) => c.path);
  return files.length ? commit(dir, files, message, author) : null;
}
