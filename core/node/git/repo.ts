// eslint-disable-next-line no-restricted-syntax -- finding a repository is three stats of tiny files: microseconds, where promises cost a turn of the thread pool each
import { lstatSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gitError } from './errors.js';
import type { GitState } from '../../common/api.js';
import { gitFs, worktreeFs } from './fs.js';
import { refs } from './refs.js';

export { gitFs };

/**
 * Where a working tree's repository is, the way git finds it: `.git` is the repository folder, or a file
 * `gitdir: <path>` (a linked worktree or a submodule). A linked worktree keeps HEAD and its index in its own folder
 * and shares objects, refs and config with the main repository (its `commondir`).
 */
export interface Repo {
  /** The working tree. */
  dir: string;
  /** This working tree's repository folder (HEAD, index, locks). */
  gitdir: string;
  /** Where objects, refs and config live (the gitdir itself unless this is a linked worktree). */
  commondir: string;
  /** What isomorphic-git needs: the file system (with the worktree's layout mapped) and both folders. */
  opts: { fs: typeof gitFs; dir: string; gitdir: string; cache: object };
}

/**
 * isomorphic-git's object cache, one per repository in a process: without one, every read parses the pack's index
 * again (1.6 s of a commit in a repository of 1,000 commits went to that). Packs never change under their name, and
 * the index it caches is checked against the file's stat, so a cache outlives any one operation safely.
 */
const caches = new Map<string, object>();
function objectCache(commondir: string): object {
  let c = caches.get(commondir);
  if (!c) caches.set(commondir, (c = {}));
  return c;
}

/** The repository of `dir`, or null when it is none. */
export async function findRepo(dir: string): Promise<Repo | null> {
  const dotgit = path.join(dir, '.git');
  const info = quietly(() => lstatSync(dotgit));
  if (!info) return null;
  let gitdir: string;
  if (info.isDirectory()) gitdir = dotgit;
  else if (info.isFile()) {
    const text = quietly(() => readFileSync(dotgit, 'utf8')) ?? '';
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
    if (!m) return null;
    gitdir = path.resolve(dir, m[1]!);
  } else return null;
  if (!quietly(() => statSync(path.join(gitdir, 'HEAD')))) return null;
  const common = quietly(() => readFileSync(path.join(gitdir, 'commondir'), 'utf8'))?.trim();
  const commondir = common ? path.resolve(gitdir, common) : gitdir;
  // git's SHA-256 repositories name every object by a longer id that nothing here reads: refused, never misread
  if (/^\s*objectformat\s*=\s*sha256\s*$/im.test(quietly(() => readFileSync(path.join(commondir, 'config'), 'utf8')) ?? ''))
    throw gitError(
      'failed',
      `${dir} is a git repository in the SHA-256 object format (extensions.objectformat = sha256): object format sha256 is not supported yet. Use a repository in git's default format (SHA-1).`,
    );
  const fs = commondir === gitdir ? gitFs : worktreeFs(gitdir, commondir);
  return { dir, gitdir, commondir, opts: { fs, dir, gitdir, cache: objectCache(commondir) } };
}

export async function isRepository(dir: string): Promise<boolean> {
  return (await findRepo(dir)) !== null;
}

export async function requireRepo(dir: string): Promise<Repo> {
  const repo = await findRepo(dir);
  if (!repo) throw gitError('not-a-repository', `${dir} is not a git repository yet. Initialise it to track changes.`);
  return repo;
}

/** `read()`, or null when it throws (no such file, no permission). */
function quietly<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

const exists = async (p: string) => quietly(() => statSync(p)) !== null;

/** The state of the repository beyond files: what a person must know before committing or restoring. */
export type RepoState = Omit<GitState, 'repository' | 'conflictFiles'>;

export async function repoState(dir: string): Promise<RepoState> {
  const repo = await requireRepo(dir);
  const { gitdir } = repo;
  const headText = readFileSync(path.join(gitdir, 'HEAD'), 'utf8').trim();
  const detached = !headText.startsWith('ref:');
  const head = refs.resolveOrNull(repo, 'HEAD');
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
  if (s.mergeInProgress) {
    const repo = await requireRepo(dir);
    if (await exists(path.join(repo.gitdir, 'covenant', 'merge.json')))
      throw gitError(
        'unclean-state',
        'A pull is waiting to be merged: resolve its conflicts (the conflict view, or covenant pull --continue), or abort it (covenant pull --abort).',
      );
    throw gitError('unclean-state', 'A merge is in progress in this repository. Finish or abort it with your git tool first.');
  }
  if (s.rebaseInProgress) throw gitError('unclean-state', 'A rebase is in progress in this repository. Finish or abort it with your git tool first.');
  if (s.cherryPickInProgress) throw gitError('unclean-state', 'A cherry-pick is in progress in this repository. Finish or abort it with your git tool first.');
  return s;
}
