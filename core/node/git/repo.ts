import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { GitError } from './errors.js';
import type { GitState } from '../../common/api.js';
import { gitFs } from './fs.js';

export { git };
export const fs = gitFs;

export function isRepository(dir: string): boolean {
  try {
    return statSync(path.join(dir, '.git')).isDirectory();
  } catch {
    return false;
  }
}

export function requireRepository(dir: string): void {
  if (!isRepository(dir)) throw new GitError('not-a-repository', `${dir} is not a git repository yet. Initialise it to track changes.`);
}

/** The state of the repository beyond files: what a person must know before committing or restoring. */
export type RepoState = Omit<GitState, 'repository' | 'conflictFiles'>;

export async function repoState(dir: string): Promise<RepoState> {
  requireRepository(dir);
  const gitdir = path.join(dir, '.git');
  const headText = readFileSync(path.join(gitdir, 'HEAD'), 'utf8').trim();
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
    mergeInProgress: existsSync(path.join(gitdir, 'MERGE_HEAD')),
    rebaseInProgress: existsSync(path.join(gitdir, 'rebase-merge')) || existsSync(path.join(gitdir, 'rebase-apply')),
    cherryPickInProgress: existsSync(path.join(gitdir, 'CHERRY_PICK_HEAD')),
    locked: existsSync(path.join(gitdir, 'index.lock')),
  };
}

/** Refuses to write while a merge, rebase or cherry-pick is unfinished: those belong to the git tool that started them. */
export async function requireCleanState(dir: string): Promise<RepoState> {
  const s = await repoState(dir);
  if (s.mergeInProgress) throw new GitError('unclean-state', 'A merge is in progress in this repository. Finish or abort it with your git tool first.');
  if (s.rebaseInProgress) throw new GitError('unclean-state', 'A rebase is in progress in this repository. Finish or abort it with your git tool first.');
  if (s.cherryPickInProgress) throw new GitError('unclean-state', 'A cherry-pick is in progress in this repository. Finish or abort it with your git tool first.');
  return s;
}
