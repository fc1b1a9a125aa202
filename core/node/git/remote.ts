/**
 * Sharing one contract: clone, pull and push over smart HTTP with isomorphic-git (it has no SSH transport). A pull
 * fetches, then merges with the contract-aware merge (core/common/merge.ts) as isomorphic-git's merge driver; a
 * conflict leaves the repository as it was and comes back as data. Credentials come from the environment or git's
 * credential helper protocol, and never reach a file or a log.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LEFTOVER_AGE_MS, TEMP_PREFIX } from '../fs/atomic.js';
import { httpSettings } from './http-settings.js';
import { AuthProblem, gitTransport } from './transport.js';
import type { Diagnostic } from '../../common/diagnostics.js';
import type { Snapshot } from '../../common/workspace.js';
import { CovenantError } from '../../common/errors.js';
import { mergeOffThread } from '../analysis/offload.js';
import { classifyPath, isDataFile } from '../../common/model/kinds.js';
import type { Signature } from './author.js';
import { gitError, gitFailure } from './errors.js';
import { streamClone } from './clone-stream.js';
import { deferredRefsFs } from './fs.js';
import { gitFs, requireRepo, type Repo } from './repo.js';
import { git } from './iso.js';
import { beginMerge, readMergeState, type MergeConflictEntry } from './merge-state.js';
import { status } from './status.js';
import { compareCommits } from './compare.js';
import { readAt } from './read-at.js';
import { moveBranchWithFiles, resumePull } from './pull-journal.js';

export interface Credentials {
  username: string;
  password: string;
  /** From git's credential helper: told whether they worked (approve) or not (reject), as git tells it. */
  helper?: boolean;
}

/**
 * git's credential helpers (git credential fill, approve, reject), never prompting; fill answers null when git or a
 * helper has none. git runs in an empty folder of our own with no repository above it: a workspace's (or /tmp's)
 * .git/config never names the helper that runs, only the global and system config do.
 */
async function gitCredential(op: 'fill' | 'approve' | 'reject', url: string, given?: Credentials): Promise<Credentials | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const neutral = await mkdtemp(path.join(tmpdir(), 'covenant-credential-'));
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '', GIT_CEILING_DIRECTORIES: path.dirname(neutral) };
  for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_CONFIG', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT']) delete env[k];
  const fields = [`protocol=${u.protocol.replace(':', '')}`, `host=${u.host}`, `path=${u.pathname.replace(/^\//, '')}`];
  if (given) fields.push(`username=${given.username}`, `password=${given.password}`);
  try {
    return await new Promise((resolve) => {
      const child = spawn('git', ['credential', op], { cwd: neutral, env });
      let out = '';
      child.on('error', () => resolve(null)); // no git installed: the environment is the other way
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', () => undefined);
      child.on('close', (code) => {
        if (code !== 0 || op !== 'fill') return resolve(null);
        const f = Object.fromEntries(out.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
        resolve(f.username && f.password ? { username: f.username, password: f.password, helper: true } : null);
      });
      child.stdin.end(`${fields.join('\n')}\n\n`);
    });
  } finally {
    await rm(neutral, { recursive: true, force: true });
  }
}

/**
 * Credentials for a URL: COVENANT_GIT_USERNAME and COVENANT_GIT_PASSWORD (or COVENANT_GIT_TOKEN), else git's credential
 * helper. Asked only when the server says 401.
 */
export async function credentialsFor(url: string): Promise<Credentials | null> {
  const env = process.env;
  if (env.COVENANT_GIT_TOKEN) return { username: env.COVENANT_GIT_USERNAME ?? 'token', password: env.COVENANT_GIT_TOKEN };
  if (env.COVENANT_GIT_USERNAME && env.COVENANT_GIT_PASSWORD) return { username: env.COVENANT_GIT_USERNAME, password: env.COVENANT_GIT_PASSWORD };
  return gitCredential('fill', url);
}

export interface RemoteOptions {
  onProgress?: (phase: string, loaded: number, total: number | undefined) => void;
  /** Credentials for the origin of `url` (the one that said 401: after a redirect, the new one). */
  credentials?: (url: string) => Promise<Credentials | null>;
  /** A sentence for the person (a check their settings switched off). */
  warn?: (message: string) => void;
}

/** The HTTP transport of one operation on `url` (transport.ts), with the settings git would use and the credentials asked for. */
async function transportFor(url: string, repo: Repo | null, opts: RemoteOptions) {
  const settings = await httpSettings(url, repo);
  let said = -1;
  return gitTransport({
    settings,
    credentials: (u) => (opts.credentials ?? credentialsFor)(u),
    outcome: async (u, c, worked) => void ((c as Credentials).helper ? await gitCredential(worked ? 'approve' : 'reject', u, c) : undefined),
    onBytes: (n) => {
      if (n - said < 256 * 1024) return;
      said = n;
      opts.onProgress?.(`Receiving ${(n / 1024 / 1024).toFixed(1)} MB`, n, undefined);
    },
    warn: opts.warn,
  });
}

const withoutSecrets = (url: string) => url.replace(/\/\/[^@/]*@/, '//');

function remoteFailure(e: unknown, doing: string, url: string): Error {
  if (e instanceof AuthProblem) {
    const elsewhere = origin(url) === e.origin ? '' : ` (redirected to ${e.origin})`;
    if (e.kind === 'needs-credentials')
      return new CovenantError(
        'io',
        `${doing} ${withoutSecrets(url)}${elsewhere} needs credentials: set COVENANT_GIT_TOKEN (or COVENANT_GIT_USERNAME and COVENANT_GIT_PASSWORD), or configure a git credential helper.`,
        { reason: 'needs-credentials' },
      );
    return new CovenantError('io', `${doing} ${withoutSecrets(url)}${elsewhere}: the server refused the credentials.`, { reason: 'credentials-refused' });
  }
  return gitFailure(e, `${doing} ${withoutSecrets(url)}`);
}

function origin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Clones a URL into a new (or empty) folder. */
export async function clone(given: string, dir: string, opts: RemoteOptions = {}): Promise<{ branch: string | null; credentialsInUrl: boolean }> {
  const existing = await readdir(dir).catch(() => null);
  if (existing && existing.length) throw gitError('failed', `${dir} is not empty; clone into a new folder.`);
  // a user and password in the URL are used for this clone, never written into .git/config with it
  const { url, credentials } = splitCredentials(given);
  if (credentials) opts = { ...opts, credentials: async () => credentials }; // typed in the URL: they are the ones meant
  // cloned into a hidden folder beside the target and moved into place when whole: a clone killed or failed midway
  // leaves the target as it was (a leftover .covenant-tmp-clone-* folder is removed by the next clone)
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  await removeOldClones(parent);
  const work = path.join(parent, `${TEMP_PREFIX}clone-${randomBytes(6).toString('hex')}`);
  try {
    // streamed with bounded memory (clone-stream.ts); the index it writes has every file's stats
    await streamClone(url, work, { http: await transportFor(url, null, opts), onProgress: opts.onProgress });
    if (existing) await rmdir(target); // empty: the finished clone takes its place
    await rename(work, target);
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw remoteFailure(e, 'Cloning', url);
  }
  return { branch: (await git.currentBranch({ fs: gitFs, dir: target })) ?? null, credentialsInUrl: credentials !== null };
}

/** Clones that a kill left half-made beside a target (older than a minute: a younger one may be running now). */
async function removeOldClones(parent: string): Promise<void> {
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (!name.startsWith(`${TEMP_PREFIX}clone-`)) continue;
    const info = await stat(path.join(parent, name)).catch(() => null);
    if (info && Date.now() - info.mtimeMs > LEFTOVER_AGE_MS) await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

/** A URL without the user and password it may carry, and those credentials. */
export function splitCredentials(given: string): { url: string; credentials: Credentials | null } {
  let u: URL;
  try {
    u = new URL(given);
  } catch {
    return { url: given, credentials: null };
  }
  if (!u.username && !u.password) return { url: given, credentials: null };
  const credentials = { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  u.username = '';
  u.password = '';
  return { url: u.toString(), credentials };
}

/** origin's URL as people may see it (no user or password in it), or null when there is no origin. */
export async function originOf(dir: string): Promise<string | null> {
  const repo = await requireRepo(dir);
  const url = (await git.getConfig({ ...repo.opts, path: 'remote.origin.url' })) as string | undefined;
  return url ? withoutSecrets(url) : null;
}

/**
 * Commits on the current branch that origin's branch (as last fetched) does not have, and the other way round; null
 * when there is no branch or no remote branch to compare with.
 */
export async function aheadBehind(dir: string): Promise<{ branch: string | null; ahead: number | null; behind: number | null }> {
  const repo = await requireRepo(dir);
  const o = repo.opts;
  const branch = (await git.currentBranch({ ...o })) ?? null;
  if (!branch) return { branch, ahead: null, behind: null };
  const [mine, theirs] = await Promise.all([
    git.resolveRef({ ...o, ref: `refs/heads/${branch}` }).catch(() => null),
    git.resolveRef({ ...o, ref: `refs/remotes/origin/${branch}` }).catch(() => null),
  ]);
  if (!mine || !theirs) return { branch, ahead: null, behind: null };
  const ancestors = async (start: string) => {
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length) {
      const oid = todo.pop()!;
      if (seen.has(oid)) continue;
      seen.add(oid);
      const { commit } = await git.readCommit({ ...o, oid });
      todo.push(...commit.parent);
    }
    return seen;
  };
  const [a, b] = await Promise.all([ancestors(mine), ancestors(theirs)]);
  let ahead = 0;
  let behind = 0;
  for (const x of a) if (!b.has(x)) ahead++;
  for (const x of b) if (!a.has(x)) behind++;
  return { branch, ahead, behind };
}

/** Reads origin's branch (nothing else changes), so that ahead and behind are current. */
export async function fetchOrigin(dir: string, opts: RemoteOptions = {}): Promise<void> {
  const repo = await requireRepo(dir);
  const branch = await git.currentBranch({ ...repo.opts });
  if (!branch) throw gitError('failed', 'HEAD is detached: check out a branch to compare it with origin.');
  const url = await originUrl(dir);
  // the remote-tracking refs move only once every object they name is written (see deferredRefsFs)
  const refs = deferredRefsFs(repo.opts.fs, repo.opts.gitdir);
  try {
    await git.fetch({
      ...repo.opts,
      fs: refs.fs,
      http: await transportFor(url, repo, opts),
      remote: 'origin',
      ref: branch,
      singleBranch: true,
      onProgress: (p) => opts.onProgress?.(p.phase, p.loaded, p.total),
    });
    await refs.commit();
  } catch (e) {
    throw remoteFailure(e, 'Fetching from', url);
  }
}

async function originUrl(dir: string): Promise<string> {
  const repo = await requireRepo(dir);
  const url = await git.getConfig({ ...repo.opts, path: 'remote.origin.url' });
  if (!url) throw gitError('failed', 'This repository has no remote called origin; clone the shared repository, or add it with git remote add origin URL.');
  return url as string;
}

export interface PullResult {
  /**
   * fast-forward, merged, up to date; conflicts: the merge waits in the working tree for each conflict to be resolved
   * (continueMerge / abortMerge); invalid: the merged contract would have errors, nothing changed.
   */
  outcome: 'fast-forward' | 'merged' | 'up-to-date' | 'conflicts' | 'invalid';
  oid: string | null;
  conflicts: MergeConflictEntry[];
  /** For 'invalid': the errors the merged contract would have. */
  errors: Diagnostic[];
}

/** The files a merge changes, with their merged text (null: deleted). */
export type MergedFiles = { path: string; text: string | null }[];

/**
 * What a merge would add to the contract's errors: the workspace as it is, and with the merged files over it. Errors
 * the workspace already had are not the merge's. The app passes its own snapshot (incremental); the CLI reads the
 * folder once.
 */
export type MergeCheck = (changes: MergedFiles) => Promise<Diagnostic[]>;

const diagnosticKey = (d: Diagnostic) => `${d.file}\u0000${d.code}\u0000${d.message}`;

/** The errors in `after` that `before` did not have. */
export function newErrors(before: Diagnostic[], after: Diagnostic[]): Diagnostic[] {
  const known = new Set(before.filter((d) => d.severity === 'error').map(diagnosticKey));
  return after.filter((d) => d.severity === 'error' && !known.has(diagnosticKey(d)));
}

/** A snapshot with files laid over it as a merge (or the commit before it) has them; null text: deleted. */
export function withFiles(snapshot: Snapshot, files: MergedFiles): Snapshot {
  return snapshot.edit((b) => {
    for (const c of files) {
      if (c.text === null) b.remove(c.path);
      else if (classifyPath(c.path) !== null || isDataFile(c.path)) b.setText(c.path, c.text);
      else b.addPath(c.path);
    }
  });
}

/**
 * The errors `now` (the working tree during a merge) has that the contract did not have at commit `before`: the files
 * in `paths` are read as they were there, the rest is shared.
 */
export async function errorsAddedSince(dir: string, before: string, paths: string[], now: Snapshot): Promise<Diagnostic[]> {
  const old: MergedFiles = [];
  for (const p of paths) old.push({ path: p, text: await readAt(dir, before, p) });
  const then = withFiles(now, old);
  return newErrors(then.validate().diagnostics, now.validate().diagnostics);
}

/** The default check: the folder read from disk, validated as it is and with the merged files laid over it. */
export async function checkOnDisk(dir: string, changes: MergedFiles): Promise<Diagnostic[]> {
  const { loadWorkspace } = await import('../workspace-loader.js');
  const { snapshot } = await loadWorkspace(dir);
  const merged = withFiles(snapshot, changes);
  return newErrors(snapshot.validate().diagnostics, merged.validate().diagnostics);
}

/**
 * Fetches origin's branch and merges it into the current one with the contract-aware merge. Refuses with uncommitted
 * changes (they could be overwritten). On conflicts the repository is left as it was and they are returned as data.
 */
export async function pull(
  dir: string,
  who: { author: Signature; committer: Signature },
  opts: RemoteOptions & { onWrite?: (paths: string[]) => void; check?: MergeCheck } = {},
): Promise<PullResult> {
  const repo = await requireRepo(dir);
  const o = repo.opts;
  const branch = await git.currentBranch({ ...o });
  if (!branch) throw gitError('failed', 'HEAD is detached: check out a branch before pulling.');
  const resumed = await resumePull(repo); // the last pull was killed halfway: finished first
  if (resumed.length) opts.onWrite?.(resumed);
  if (await readMergeState(dir))
    throw gitError('unclean-state', 'The last pull is still waiting to be merged: resolve its conflicts and continue, or abort it, before pulling again.');
  const changed = await status(dir);
  if (changed.length) throw gitError('failed', `Commit or discard your changes first (${changed.map((c) => c.path).join(', ')}): a pull could overwrite them.`);
  await fetchOrigin(dir, opts);
  const theirs = `refs/remotes/origin/${branch}`;
  const message = `Merge ${theirs.replace('refs/remotes/', '')} into ${branch}`;
  let conflicted = false;
  try {
    const r = await git.merge({
      ...o,
      ours: branch,
      theirs,
      fastForward: true,
      abortOnConflict: true,
      noUpdateBranch: true, // validated first, then the branch moves
      author: who.author,
      committer: who.committer,
      message,
      mergeDriver: async ({ contents, path: name }) => {
        const [base = '', mine = '', other = ''] = contents;
        // a big file merges on the worker thread; binary content never merges (a conflict, settled by beginMerge)
        const m = await mergeOffThread(name, base, mine, other);
        const clean = m.conflicts.length === 0;
        if (!clean) conflicted = true;
        return { cleanMerge: clean, mergedText: m.text };
      },
    });
    if (r.alreadyMerged) return { outcome: 'up-to-date', oid: r.oid ?? null, conflicts: [], errors: [] };
    const head = await git.resolveRef({ ...o, ref: branch });
    const changed = await compareCommits(dir, head, r.oid!);
    if (!r.fastForward) {
      // a merge commit is ours: the contract it makes is checked before anything points at it (a fast-forward is
      // their commit as the shared repository has it; its problems show as usual)
      const files: MergedFiles = [];
      for (const c of changed) files.push({ path: c.path, text: c.status === 'deleted' ? null : await readAt(dir, r.oid!, c.path) });
      const errors = await (opts.check ?? ((f: MergedFiles) => checkOnDisk(dir, f)))(files);
      if (errors.length) return { outcome: 'invalid', oid: null, conflicts: [], errors };
    }
    // the tree was clean: the changed files are written from the new commit (and its index entries with them), and
    // only then does the branch move; a pull killed in between is finished by the next (pull-journal.ts)
    await moveBranchWithFiles(repo, { branch, from: head, to: r.oid!, paths: changed.map((c) => ({ path: c.path, deleted: c.status === 'deleted' })) });
    opts.onWrite?.(changed.map((c) => c.path));
    return { outcome: r.fastForward ? 'fast-forward' : 'merged', oid: r.oid ?? null, conflicts: [], errors: [] };
  } catch (e) {
    if ((e as { code?: string }).code !== 'MergeConflictError' && !conflicted) throw gitFailure(e, 'Merging');
    // the merge goes into the working tree as far as it goes; each conflict waits for a person
    const ours = await git.resolveRef({ ...o, ref: branch });
    const other = await git.resolveRef({ ...o, ref: theirs });
    const state = await beginMerge(dir, { branch, ours, theirs: other, from: theirs.replace('refs/remotes/', ''), message }, opts.onWrite);
    return { outcome: 'conflicts', oid: null, conflicts: state.conflicts, errors: [] };
  }
}

/** Pushes the current branch to origin; a refused non-fast-forward says to pull first. */
export async function push(dir: string, opts: RemoteOptions = {}): Promise<{ branch: string }> {
  const repo = await requireRepo(dir);
  const branch = await git.currentBranch({ ...repo.opts });
  if (!branch) throw gitError('failed', 'HEAD is detached: check out a branch before pushing.');
  const url = await originUrl(dir);
  try {
    const r = await git.push({
      ...repo.opts,
      http: await transportFor(url, repo, opts),
      remote: 'origin',
      ref: branch,
      onProgress: (p) => opts.onProgress?.(p.phase, p.loaded, p.total),
    });
    if (!r.ok) throw gitError('failed', `The remote refused the push: ${r.error ?? 'no reason given'}.`);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'PushRejectedError') throw gitError('failed', `The shared repository has commits you do not have: pull first (covenant pull), then push.`);
    if ((e as { name?: string }).name === 'CovenantError') throw e;
    throw remoteFailure(e, 'Pushing to', url);
  }
  return { branch };
}
