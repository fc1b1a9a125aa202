import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import { gitError } from './errors.js';
import type { GitState } from '../../common/api.js';
import { gitFs } from './fs.js';

export { git };
export const fs = gitFs;

export async function isRepository(dir: string): Promise<boolean> {
  return (await stat(path.join(dir, '.git')).catch(() => null))?.isDirectory() ?? false;
}

const exists = async (p: string) => (await stat(p).catch(() => null)) !== null;

export async function requireRepository(dir: string): Promise<void> {
  if (!(await isRepository(dir))) throw gitError('not-a-repository', `${dir} is not a git repository yet. Initialise it to track changes.`);
}

/** The state of the repository beyond files: what a person must know before committing or restoring. */
export type RepoState = Omit<GitState, 'repository' | 'conflictFiles'>;

export async function repoState(dir: string): Promise<RepoState> {
  await requireRepository(dir);
  const gitdir = path.join(dir, '.git');
  const headText = (await readFile(path.join(gitdir, 'HEAD'), 'utf8')).trim();
  const detached = !headText.startsWith('ref:');
  let head: string | null = null;
  try {
    head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  } catch {
    head = null;
  }
  return {
    branch: detached ? null : headText.replace(/^ref:\s*refs\/heads\//, ''),
    detached,
    head,
    mergeInProgress: await exists(path.join(gitdir, 'MERGE_HEAD')),
    rebaseInProgress: (await exists(path.join(gitdir, 'rebase-merge'))) || (await exists(path.join(gitdir, 'rebase-apply'))),
    cherryPickInProgress: await exists(path.join(gitdir, 'CHERRY_PICK_HEAD')),
    locked: await exists(path.join(gitdir, 'index.lock')),
  };
}

/** Refuses to write while a merge, rebase or cherry-pick is unfinished: those belong to the git tool that started them. */
export async function requireCleanState(dir: string): Promise<RepoState> {
  const s = await repoState(dir);
  if (s.mergeInProgress) throw gitError('unclean-state', 'A merge is in progress in this repository. Finish or abort it with your git tool first.');
  if (s.rebaseInProgress) throw gitError('unclean-state', 'A rebase is in progress in this repository. Finish or abort it with your git tool first.');
  if (s.cherryPickInProgress) throw gitError('unclean-state', 'A cherry-pick is in progress in this repository. Finish or abort it with your git tool first.');
  return s;
}
