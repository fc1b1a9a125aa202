import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Signature } from './author.js';
import { commit } from './commit.js';
import { gitError } from './errors.js';
import { isRepository } from './repo.js';
import { status } from './status.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { newRepository } from './new-repo.js';

/**
 * Makes `dir` a git repository (branch main) and, when it is known who commits, commits as the first commit what is
 * there, or only `only` (what covenant init created, and the .gitignore it writes): files that were in the folder
 * before are left out and listed, never committed unasked (a key or a secret beside the contract). Without an
 * identity the repository is made and nothing is committed, as `git init` would leave it.
 */
export async function initRepository(
  dir: string,
  who: { author: Signature; committer: Signature } | null,
  message = 'Covenant workspace created',
  only?: readonly string[],
): Promise<{ commit: string | null; leftOut: string[] }> {
  if (await isRepository(dir)) throw gitError('failed', `${dir} is already a git repository.`);
  const empty = (await readdir(dir).catch(() => [])).length === 0;
  await newRepository(dir, 'main');
  if (empty) return { commit: null, leftOut: [] };
  const wanted = only ? new Set(only) : null;
  if (!(await stat(path.join(dir, '.gitignore')).catch(() => null))) {
    await writeFileAtomic(path.join(dir, '.gitignore'), 'node_modules/\n.covenant-tmp-*\n');
    wanted?.add('.gitignore');
  }
  const present = (await status(dir)).map((c) => c.path);
  const files = wanted ? present.filter((p) => wanted.has(p)) : present;
  const leftOut = wanted ? present.filter((p) => !wanted.has(p)) : [];
  if (!who) return { commit: null, leftOut };
  return { commit: files.length ? await commit(dir, files, message, who) : null, leftOut };
}
