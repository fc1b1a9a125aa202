import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Signature } from './author.js';
import { commit } from './commit.js';
import { gitError } from './errors.js';
import { git, gitFs, isRepository } from './repo.js';
import { status } from './status.js';
import { writeFileAtomic } from '../fs/atomic.js';

/**
 * Makes `dir` a git repository (branch main) and, when it is known who commits, commits what is there as the first
 * commit. Without an identity the repository is made and nothing is committed, as `git init` would leave it.
 */
export async function initRepository(
  dir: string,
  who: { author: Signature; committer: Signature } | null,
  message = 'Covenant workspace created',
): Promise<string | null> {
  if (await isRepository(dir)) throw gitError('failed', `${dir} is already a git repository.`);
  const empty = (await readdir(dir).catch(() => [])).length === 0;
  await git.init({ fs: gitFs, dir, defaultBranch: 'main' });
  if (empty) return null;
  if (!(await stat(path.join(dir, '.gitignore')).catch(() => null))) {
    await writeFileAtomic(path.join(dir, '.gitignore'), 'node_modules/\n.covenant-tmp-*\n');
  }
  if (!who) return null;
  const files = (await status(dir)).map((c) => c.path);
  return files.length ? commit(dir, files, message, who) : null;
}
