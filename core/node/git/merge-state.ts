/**
 * A pull that met conflicts, kept until a person settles it. The working tree gets the merge as far as it goes (their
 * changes applied, my value left in every conflicting field, so nothing is lost); git's MERGE_HEAD and MERGE_MSG say a
 * merge is in progress (git tools agree); .git/covenant/merge.json keeps each conflict by file and field with base,
 * mine, theirs and the resolution chosen. Resolving a field writes the chosen value into the file; continuing commits
 * the merge (two parents) once every conflict is resolved and the contract validates; aborting puts every file the
 * merge touched back as it was before the pull.
 */
import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { Diagnostic } from '../../common/diagnostics.js';
import { setField, WHOLE_FILE, type MergeConflictEntry, type MergeState, type Take } from '../../common/merge.js';

export type { MergeConflictEntry, MergeState, Take };
import { writeFileAtomic } from '../fs/atomic.js';
import { confine } from '../fs/confine.js';
import { eolRules, looksBinary, type EolRules } from './attributes.js';
import { mergeOffThread } from '../analysis/offload.js';
import type { Signature } from './author.js';
import { commit } from './commit.js';
import { GitConfig } from './config.js';
import { gitError } from './errors.js';
import { requireRepo, type Repo } from './repo.js';
import { git } from './iso.js';
import { setIndexEntries, type StagedEntry } from './index-stages.js';
import { ObjectStore } from './objects.js';

const STATE_FILE = path.join('covenant', 'merge.json');
const isYaml = (p: string) => /\.ya?ml$/i.test(p);

/** The files of the three trees, by path: blob oids (null where absent). */
async function threeTrees(repo: Repo, ours: string, base: string, theirs: string) {
  const files: { path: string; o: string | null; b: string | null; t: string | null }[] = [];
  await git.walk({
    ...repo.opts,
    trees: [git.TREE({ ref: ours }), git.TREE({ ref: base }), git.TREE({ ref: theirs })],
    map: async (filepath, entries) => {
      if (filepath === '.') return true;
      const types = await Promise.all(entries.map((e) => (e ? e.type() : null)));
      if (types.every((t) => t !== 'blob')) return true; // folders (descend) and submodules (left alone)
      const oids = await Promise.all(entries.map(async (e, i) => (e && types[i] === 'blob' ? e.oid() : null)));
      files.push({ path: filepath, o: oids[0]!, b: oids[1]!, t: oids[2]! });
      return true;
    },
  });
  return files;
}

async function blob(repo: Repo, oid: string): Promise<Buffer> {
  return Buffer.from((await git.readBlob({ ...repo.opts, oid })).blob);
}

/** Writes (or with null, deletes) a working-tree file: confined, atomic, line endings as a checkout writes them. */
async function writeWorking(repo: Repo, rel: string, content: Buffer | string | null): Promise<void> {
  const abs = await confine(repo.dir, rel);
  if (content === null) {
    await rm(abs, { force: true });
    return;
  }
  const eol = await eolRules(repo, await GitConfig.load(repo));
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const data = looksBinary(bytes) ? bytes : await eol.smudge(rel, bytes.toString('utf8'));
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFileAtomic(abs, data, { within: repo.dir });
}

/** The index mode of `filepath` at a commit, as git records it (a regular file is 100644 or 100755); null where absent. */
function modeAt(repo: Repo, commitOid: string, filepath: string): number | null {
  const store = ObjectStore.for(repo);
  const e = store.entryAt(store.commit(commitOid).tree, filepath);
  if (!e) return null;
  const m = Number.parseInt(e.mode, 8);
  return m === 0o120000 || m === 0o160000 ? m : m & 0o100 ? 0o100755 : 0o100644;
}

/** The working file at stage 0, its blob written as git stores it (line endings cleaned); none when the file is gone. */
async function staged(repo: Repo, rel: string, mode: number | null, eol: EolRules): Promise<StagedEntry[]> {
  const abs = await confine(repo.dir, rel);
  const st = await lstat(abs, { bigint: true }).catch(() => null);
  if (!st) return [];
  const raw = await readFile(abs);
  const oid = await git.writeBlob({ ...repo.opts, blob: looksBinary(raw) ? raw : await eol.clean(rel, raw) });
  return [{ stage: 0, oid, mode: mode ?? 0o100644, stat: st }];
}

/** A conflicting file as git's merge leaves it in the index: base, ours and theirs at stages 1, 2 and 3. */
function unmerged(repo: Repo, rel: string, base: string, args: { ours: string; theirs: string }, oids: (string | null)[]): StagedEntry[] {
  return [base, args.ours, args.theirs].flatMap((commitOid, i) => {
    const oid = oids[i];
    return oid ? [{ stage: (i + 1) as 1 | 2 | 3, oid, mode: modeAt(repo, commitOid, rel) ?? 0o100644 }] : [];
  });
}

async function saveState(repo: Repo, state: MergeState): Promise<void> {
  await mkdir(path.join(repo.gitdir, 'covenant'), { recursive: true });
  await writeFileAtomic(path.join(repo.gitdir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, { within: repo.gitdir });
}

async function clearState(repo: Repo): Promise<void> {
  for (const f of ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', STATE_FILE]) await rm(path.join(repo.gitdir, f), { force: true });
}

/**
 * Merges `theirs` into the working tree as far as it goes and records the conflicts; HEAD does not move. The tree
 * must be clean (the caller checked). Returns the state, which `continueMerge` or `abortMerge` ends.
 */
export async function beginMerge(
  dir: string,
  args: { branch: string; ours: string; theirs: string; from: string; message: string },
  onWrite: (paths: string[]) => void = () => undefined,
): Promise<MergeState> {
  const repo = await requireRepo(dir);
  const [base] = await git.findMergeBase({ ...repo.opts, oids: [args.ours, args.theirs] });
  if (!base) throw gitError('failed', `${args.from} shares no history with ${args.branch}: these are two different contracts, not two versions of one.`);
  const touched: string[] = [];
  const conflicts: MergeConflictEntry[] = [];
  const add = (p: string, c: Omit<MergeConflictEntry, 'key' | 'path' | 'resolution'>) =>
    conflicts.push({ key: `${p}#${c.field}`, path: p, resolution: null, ...c });
  const writes: [string, Buffer | string | null][] = [];
  const files = await threeTrees(repo, args.ours, base, args.theirs);
  for (const f of files) {
    if (f.o === f.t || f.b === f.t) continue; // nothing new from them
    if (f.b === f.o) {
      writes.push([f.path, f.t ? await blob(repo, f.t) : null]); // only they changed it
      continue;
    }
    const raw = await Promise.all([f.b, f.o, f.t].map((oid) => (oid ? blob(repo, oid) : null)));
    if (raw.some((x) => x && looksBinary(x))) {
      // git's rule: binary content is never merged as text; mine stays, byte for byte, until someone chooses
      add(f.path, { field: WHOLE_FILE, at: [], kind: f.b ? (f.o && f.t ? 'both-changed' : f.o ? 'deleted-by-them' : 'deleted-by-me') : 'both-added' });
      continue;
    }
    const [b, o, t] = raw.map((x) => (x ? x.toString('utf8') : null)) as [string | null, string | null, string | null];
    if (o === null || t === null) {
      // deleted on one side, changed on the other: my side stays until someone chooses
      add(f.path, {
        field: WHOLE_FILE,
        at: [],
        kind: o === null ? 'deleted-by-me' : 'deleted-by-them',
        base: b ?? undefined,
        mine: o ?? undefined,
        theirs: t ?? undefined,
      });
      continue;
    }
    const m = await mergeOffThread(f.path, b ?? '', o, t);
    if (isYaml(f.path)) {
      if (m.text !== o) writes.push([f.path, m.text]);
      for (const c of m.conflicts) add(f.path, c);
      continue;
    }
    if (!m.conflicts.length) writes.push([f.path, m.text]);
    else add(f.path, { field: WHOLE_FILE, at: [], kind: b === null ? 'both-added' : 'both-changed', base: b ?? undefined, mine: o, theirs: t, draft: m.text });
  }
  const conflicting = new Map<string, (string | null)[]>(); // path -> base, ours, theirs blobs
  for (const f of files) if (conflicts.some((c) => c.path === f.path)) conflicting.set(f.path, [f.b, f.o, f.t]);
  for (const [p, content] of writes) {
    await writeWorking(repo, p, content);
    touched.push(p);
  }
  // git sees what Covenant sees: merged files staged, conflicting ones unmerged (git status lists them, git commit refuses)
  const entries = new Map<string, StagedEntry[]>();
  const eol = await eolRules(repo, await GitConfig.load(repo));
  for (const p of touched) if (!conflicting.has(p)) entries.set(p, await staged(repo, p, modeAt(repo, args.theirs, p) ?? modeAt(repo, args.ours, p), eol));
  for (const [p, oids] of conflicting) entries.set(p, unmerged(repo, p, base, args, oids));
  await setIndexEntries(repo.gitdir, entries);
  const state: MergeState = { version: 1, ...args, startedAt: new Date().toISOString(), touched, conflicts };
  await saveState(repo, state);
  await writeFileAtomic(path.join(repo.gitdir, 'MERGE_HEAD'), `${args.theirs}\n`, { within: repo.gitdir });
  await writeFileAtomic(path.join(repo.gitdir, 'MERGE_MSG'), `${args.message}\n`, { within: repo.gitdir });
  onWrite(touched);
  return state;
}

/**
 * The merge in progress that Covenant began, or null. A merge git finished (or aborted) by itself leaves a stale
 * record: HEAD moved or MERGE_HEAD went away; it is dropped.
 */
export async function readMergeState(dir: string): Promise<MergeState | null> {
  const repo = await requireRepo(dir);
  const file = path.join(repo.gitdir, STATE_FILE);
  const raw = await readFile(file, 'utf8').catch(() => null);
  if (raw === null) return null;
  let state: MergeState;
  try {
    state = JSON.parse(raw) as MergeState;
    if (state.version !== 1 || !Array.isArray(state.conflicts) || !Array.isArray(state.touched)) throw new Error('shape');
  } catch {
    throw gitError('failed', `${file} is not a merge record Covenant can read; abort the merge with git (git merge --abort) and delete that file.`);
  }
  const mergeHead = (await readFile(path.join(repo.gitdir, 'MERGE_HEAD'), 'utf8').catch(() => '')).trim();
  const head = await git.resolveRef({ ...repo.opts, ref: 'HEAD' }).catch(() => null);
  if (mergeHead !== state.theirs || head !== state.ours) {
    await rm(file, { force: true });
    return null;
  }
  return state;
}

export async function requireMergeState(dir: string): Promise<MergeState> {
  const state = await readMergeState(dir);
  if (state) return state;
  const repo = await requireRepo(dir);
  const other = await readFile(path.join(repo.gitdir, 'MERGE_HEAD'), 'utf8').catch(() => null);
  if (other) throw gitError('unclean-state', 'A merge started by another git tool is in progress: finish or abort it there (git merge --abort).');
  throw gitError('not-found', 'No pull is waiting to be merged.');
}

/** Where a key names no conflict: what the keys are. */
function findConflict(state: MergeState, key: string): MergeConflictEntry {
  const c = state.conflicts.find((x) => x.key === key);
  if (!c) throw gitError('not-found', `No conflict ${key}. The conflicts are: ${state.conflicts.map((x) => x.key).join(', ')}.`);
  return c;
}

/**
 * Settles one conflict: keep mine, take theirs, or an edit (for a field, the value as YAML; for a whole file, its text;
 * none: keep what the file holds now). The chosen value is written into the working-tree file.
 */
export async function resolveConflict(
  dir: string,
  key: string,
  choice: { take: Take; edit?: string; by?: string },
  onWrite: (paths: string[]) => void = () => undefined,
): Promise<MergeState> {
  const repo = await requireRepo(dir);
  const state = await requireMergeState(dir);
  const c = findConflict(state, key);
  const bytes = (oid: string) =>
    git
      .readBlob({ ...repo.opts, oid, filepath: c.path })
      .then((r) => Buffer.from(r.blob))
      .catch(() => null);
  const side = async (oid: string) => (await bytes(oid))?.toString('utf8') ?? null;
  let next: Buffer | string | null | undefined; // undefined: leave the file as it is
  if (c.field === WHOLE_FILE) {
    // a whole file is taken as its bytes: a binary one stays byte for byte
    if (choice.take === 'mine') next = await bytes(state.ours);
    else if (choice.take === 'theirs') next = await bytes(state.theirs);
    else next = choice.edit;
  } else {
    const abs = await confine(repo.dir, c.path);
    const current = await readFile(abs, 'utf8').catch(() => null);
    if (current === null) throw gitError('not-found', `${c.path} is gone from the working tree; abort the pull to start again.`);
    let from: { text: string } | { value: unknown } | null | undefined;
    if (choice.take === 'mine') from = { text: (await side(state.ours)) ?? '' };
    else if (choice.take === 'theirs') from = { text: (await side(state.theirs)) ?? '' };
    else if (choice.edit !== undefined) {
      try {
        from = choice.edit.trim() === '' ? null : { value: parse(choice.edit) as unknown };
      } catch (e) {
        throw gitError('failed', `${c.field}: the edited value is not YAML (${(e as Error).message.split('\n')[0]}).`);
      }
    }
    if (from !== undefined) {
      try {
        next = setField(current, c.at, from);
      } catch (e) {
        throw gitError('failed', `${c.path}: ${c.field}: ${(e as Error).message}.`);
      }
    }
  }
  if (next !== undefined) {
    await writeWorking(repo, c.path, next);
    if (!state.touched.includes(c.path)) state.touched.push(c.path);
    onWrite([c.path]);
  }
  c.resolution = { take: choice.take, by: choice.by, at: new Date().toISOString() };
  // the file's last conflict settled: staged, as git add does after a resolution
  if (state.conflicts.every((x) => x.path !== c.path || x.resolution)) {
    const entry = await staged(
      repo,
      c.path,
      modeAt(repo, state.ours, c.path) ?? modeAt(repo, state.theirs, c.path),
      await eolRules(repo, await GitConfig.load(repo)),
    );
    await setIndexEntries(repo.gitdir, new Map([[c.path, entry]]));
  }
  await saveState(repo, state);
  return state;
}

/**
 * Commits the merge (HEAD and theirs as parents) with every file it touched, once each conflict is resolved and
 * `check` finds no errors in the contract as the working tree now holds it; then the merge record is gone.
 */
export async function continueMerge(
  dir: string,
  who: { author: Signature; committer: Signature },
  /** The errors the merge adds (given the files it touched), which refuse the commit. */
  check: (touched: string[], ours: string) => Promise<Diagnostic[]>,
): Promise<{ oid: string; state: MergeState }> {
  const repo = await requireRepo(dir);
  const state = await requireMergeState(dir);
  const open = state.conflicts.filter((c) => !c.resolution);
  if (open.length)
    throw gitError('unresolved', `${open.length} conflict${open.length === 1 ? ' is' : 's are'} not resolved yet: ${open.map((c) => c.key).join(', ')}.`);
  const paths = [...new Set([...state.touched, ...state.conflicts.map((c) => c.path)])];
  const errors = (await check(paths, state.ours)).filter((d) => d.severity === 'error');
  if (errors.length)
    throw gitError(
      'failed',
      `The merge would add ${errors.length} error${errors.length === 1 ? '' : 's'} to the contract; fix ${errors.length === 1 ? 'it' : 'them'}, then continue:\n${errors
        .slice(0, 10)
        .map((d) => `${d.file}:${d.line} ${d.message}`)
        .join('\n')}`,
    );
  const oid = await commit(dir, paths, state.message, who, undefined, undefined, state.theirs);
  await clearState(repo);
  return { oid, state };
}

/** Puts every file the merge touched back as it was at HEAD (before the pull) and forgets the merge. */
export async function abortMerge(dir: string, onWrite: (paths: string[]) => void = () => undefined): Promise<MergeState> {
  const repo = await requireRepo(dir);
  const state = await requireMergeState(dir);
  const restored = [...new Set([...state.touched, ...state.conflicts.map((c) => c.path)])];
  for (const p of restored) {
    const before = await git.readBlob({ ...repo.opts, oid: state.ours, filepath: p }).catch(() => null);
    await writeWorking(repo, p, before ? Buffer.from(before.blob) : null);
  }
  const entries = new Map<string, StagedEntry[]>();
  const eol = await eolRules(repo, await GitConfig.load(repo));
  for (const p of restored) entries.set(p, await staged(repo, p, modeAt(repo, state.ours, p), eol));
  await setIndexEntries(repo.gitdir, entries);
  await clearState(repo);
  onWrite(restored);
  return state;
}
