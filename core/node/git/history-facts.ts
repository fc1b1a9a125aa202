/**
 * Everything Covenant derives from history, kept (issue 26, item 1): when each CR was created and decided, every
 * version of the master and of each SOW, and the first commit holding each approval entry of every contract file.
 * They are computed once, in one pass over the commits (git's history simplification applied to every file at once),
 * stored beside the commit index in <commondir>/covenant/history-facts.json (versioned, written atomically, rebuildable:
 * deleting it costs one slower run), and brought up to date rather than recomputed:
 *
 * - HEAD is the stored tip: read, nothing else.
 * - HEAD descends from the stored tip through commits with one parent each (a commit, a fast-forward pull): only those
 *   commits are read, and added on top. A file's simplified history from a new tip is then its history from the old
 *   tip plus the new commits that changed it, exactly.
 * - Anything else (a merge, a checkout of another branch, a reset): the pass again, over the commit index (which keeps
 *   every commit's changed paths, so this reads only commits it has never seen).
 *
 * A test on a generated history of 2,000 commits checks that facts brought up to date commit by commit equal a rebuild.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { parseYaml } from '../../common/yaml/parse.js';
import { HISTORY_BLOB_BUDGET } from './budget.js';
import { CommitIndex, type IndexedCommit } from './commit-index.js';
import { breathe, ObjectStore, type CommitObject } from './objects.js';
import { changedPaths } from './tree-diff.js';
import { findRepo, type Repo } from './repo.js';
import { refs } from './refs.js';
import type { HistoryFacts, PathFacts, Version } from './facts-types.js';

export type { HistoryFacts, PathFacts, Version };

const VERSION = 1;
const FILE = 'history-facts.json';
/** Commits a fast update follows from HEAD looking for the stored tip before it gives up and rebuilds. */
const FAST_LIMIT = 2_000;

const isContract = (p: string) => /^contracts\/.+\.ya?ml$/.test(p);
const isCr = (p: string) => /^contracts\/changes\/[^/]+\.ya?ml$/.test(p);
/** Files whose every version is listed (the master, the SOWs); a CR keeps only its dates and approvals. */
const keepsVersions = (p: string) => p === 'contracts/master_contract.yaml' || /^contracts\/sow\/[^/]+\.ya?ml$/.test(p);

interface Stored {
  version: number;
  tip: string;
  paths: Record<string, PathFacts>;
}

/** A shown version of a file in a commit (the pass's output, oldest first when applied). */
interface Shown {
  path: string;
  version: Version;
}

/** The facts one version adds: applied oldest first (its rules are minima, or first-seen, so order is git log's). */
function apply(store: ObjectStore, facts: Record<string, PathFacts>, { path: p, version }: Shown, newest: boolean): void {
  const [commit, t, ct, blob] = version;
  const f = (facts[p] ??= {});
  if (keepsVersions(p)) {
    if (newest) (f.v ??= []).unshift(version);
    else (f.v ??= []).push(version);
  }
  if (!blob) return;
  const cr = isCr(p);
  if (cr && (f.c === undefined || t < f.c)) f.c = t;
  // a CR's decision day: only a version before the earliest decided (or unread) one can change it
  const wantsState = cr && (!f.m || t < f.m[0] || (t === f.m[0] && f.m[1] === 'd'));
  let bytes: Buffer;
  try {
    bytes = store.read(blob).content;
  } catch {
    return; // missing from a damaged or shallow repository: unknown, never a guess
  }
  if (bytes.length > HISTORY_BLOB_BUDGET) {
    (f.big ??= []).push([commit, ct, blob, bytes.length]);
    if (cr && wantsState) f.m = [t, String(Math.round(bytes.length / 1024))];
    return;
  }
  const text = bytes.toString('utf8');
  if (!wantsState && !text.includes('approvals')) return;
  let value: unknown;
  try {
    value = parseYaml(p, text).value; // the hardened parser: old blobs are untrusted
  } catch {
    return; // unparsable at that commit
  }
  const v = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  if (wantsState) {
    const d = v.decision !== null && typeof v.decision === 'object' ? (v.decision as Record<string, unknown>).status : undefined;
    if (typeof d === 'string' && d !== 'proposed' && (!f.m || t < f.m[0])) f.m = [t, 'd'];
  }
  for (const a of Array.isArray(v.approvals) ? v.approvals : []) {
    const e = a !== null && typeof a === 'object' ? (a as Record<string, unknown>) : {};
    if (typeof e.member !== 'string' || typeof e.at !== 'string') continue;
    const key = `${e.member}|${e.at}`;
    if (!(f.a ??= {})[key]) f.a[key] = [commit, ct, blob];
  }
}

/** Where a flow of paths may go: everything but `set` (all), or only `set`. */
interface Allow {
  all: boolean;
  set: Set<string>;
}
const EVERY: Allow = { all: true, set: new Set() };
const allows = (a: Allow, p: string) => (a.all ? !a.set.has(p) : a.set.has(p));

function union(a: Allow | undefined, b: Allow): Allow {
  if (!a) return b;
  if (a.all && b.all) return { all: true, set: new Set([...a.set].filter((p) => b.set.has(p))) };
  if (a.all || b.all) {
    const [all, only] = a.all ? [a, b] : [b, a];
    return { all: true, set: new Set([...all.set].filter((p) => !only.set.has(p))) };
  }
  return { all: false, set: new Set([...a.set, ...b.set]) };
}

/**
 * What a merge passes to each parent, by git's rule: a path TREESAME to a parent follows the first such parent only;
 * a path changed against every parent follows them all. `changed[i]`: the paths differing from parent i.
 */
function split(a: Allow, changed: string[][]): Allow[] {
  const sets = changed.map((c) => new Set(c));
  const differsFromAll = (p: string) => sets.every((s) => s.has(p));
  const firstSame = (p: string) => sets.findIndex((s) => !s.has(p));
  const candidates = new Set(changed.flat());
  return changed.map((_, k) => {
    if (k === 0) {
      // every path not changed against the first parent, and those changed against all of them
      const away = new Set([...candidates].filter((p) => sets[0]!.has(p) && !differsFromAll(p)));
      return a.all ? { all: true, set: new Set([...a.set, ...away]) } : { all: false, set: new Set([...a.set].filter((p) => !away.has(p))) };
    }
    const here = [...candidates].filter((p) => allows(a, p) && (firstSame(p) === k || differsFromAll(p)));
    return { all: false, set: new Set(here) };
  });
}

/** The commits reachable from `tip` with children before parents, each with what the walk shows of it. */
async function pass(index: CommitIndex, tip: string, since: { t: number }): Promise<Shown[]> {
  const commits = new Map<string, IndexedCommit>();
  const children = new Map<string, number>();
  const stack = [tip];
  while (stack.length) {
    const oid = stack.pop()!;
    if (commits.has(oid)) continue;
    const c = await index.get(oid);
    commits.set(oid, c);
    for (const p of c.parents) {
      children.set(p, (children.get(p) ?? 0) + 1);
      if (!commits.has(p)) stack.push(p);
    }
    await breathe(since);
  }
  // git log's order (newest commit time first, among those whose children are done) gives each file's versions
  const flow = new Map<string, Allow>([[tip, EVERY]]);
  const ready: [string, IndexedCommit][] = [[tip, commits.get(tip)!]];
  const shown: Shown[] = [];
  while (ready.length) {
    const [oid, c] = ready.shift()!;
    const allowed = flow.get(oid);
    flow.delete(oid);
    const { changed, blobs } = await index.changes(oid);
    if (allowed) {
      const show = c.parents.length <= 1 ? (changed[0] ?? []) : changed[0]!.filter((p) => changed.every((l) => l.includes(p)));
      for (const p of show) if (isContract(p) && allows(allowed, p)) shown.push({ path: p, version: [oid, c.author.timestamp, c.committed, blobs[p] ?? null] });
      const flows = c.parents.length > 1 ? split(allowed, changed) : [allowed];
      c.parents.forEach((p, i) => {
        const f = flows[i]!;
        if (f.all || f.set.size) flow.set(p, union(flow.get(p), f));
      });
    }
    for (const p of c.parents) {
      const left = children.get(p)! - 1;
      children.set(p, left);
      if (left > 0) continue;
      const pc = commits.get(p)!;
      let i = ready.length;
      while (i > 0 && ready[i - 1]![1].committed < pc.committed) i--;
      ready.splice(i, 0, [p, pc]);
    }
    await breathe(since);
  }
  return shown;
}

/** The commits from HEAD down to `known` when each has one parent (newest first); null when they do not lead there. */
function linearTo(store: ObjectStore, head: string, known: string): { oid: string; c: CommitObject }[] | null {
  const out: { oid: string; c: CommitObject }[] = [];
  for (let oid = head; oid !== known;) {
    if (out.length >= FAST_LIMIT) return null;
    let c;
    try {
      c = store.commit(oid);
    } catch {
      return null;
    }
    if (c.parents.length !== 1) return null;
    out.push({ oid, c });
    oid = c.parents[0]!;
  }
  return out;
}

/** The contract files a commit changed against its one parent, with their blobs: two trees compared, no more. */
function changedContracts(store: ObjectStore, tree: string, parentTree: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const within = (p: string) => p === 'contracts' || p.startsWith('contracts/');
  changedPaths(store, parentTree, tree, '', (p, after) => isContract(p) && out.set(p, after && after.mode.startsWith('100') ? after.oid : null), within);
  return out;
}

async function load(file: string): Promise<Stored | null> {
  try {
    const s = JSON.parse(await readFile(file, 'utf8')) as Stored;
    return s.version === VERSION && typeof s.tip === 'string' && s.paths && typeof s.paths === 'object' ? s : null;
  } catch {
    return null; // missing or damaged: rebuilt
  }
}

/** The facts rebuilt from the commit index: the pass over every commit from `tip`, applied oldest first. */
export async function rebuildFacts(repo: Repo, tip: string): Promise<HistoryFacts> {
  const since = { t: performance.now() };
  const index = await CommitIndex.open(repo);
  await index.prepareChanged(tip);
  const shown = await pass(index, tip, since);
  await index.save();
  CommitIndex.forget(repo); // 50,000 commits in memory serve no figure: the next reader loads what was kept
  const store = ObjectStore.for(repo);
  const paths: Record<string, PathFacts> = {};
  for (let i = shown.length - 1; i >= 0; i--) {
    apply(store, paths, shown[i]!, false);
    await breathe(since);
  }
  for (const f of Object.values(paths)) f.v?.reverse(); // pushed oldest first: kept newest first
  return { tip, paths };
}

/** The facts last computed, by repository: the newest only (a HEAD moved on makes the old ones worthless). */
const latest = new Map<string, { tip: string; facts: Promise<HistoryFacts> }>();

/**
 * The history facts of HEAD (null before the first commit): from the store, brought up to date. One computation per
 * repository and HEAD in a process, however many figures ask.
 */
export async function historyFacts(repo: Repo): Promise<HistoryFacts | null> {
  const tip = refs.resolveOrNull(repo, 'HEAD');
  if (!tip) return null; // no commit yet
  const known = latest.get(repo.commondir);
  if (known?.tip === tip) return known.facts;
  const facts = offThread(repo, tip);
  latest.set(repo.commondir, { tip, facts });
  facts.catch(() => latest.get(repo.commondir)?.facts === facts && latest.delete(repo.commondir));
  return facts;
}

/**
 * In the app the facts are brought up to date on the worker thread: a first reading of a long history takes seconds,
 * and the window's requests must not share a thread with it. A CLI command (nobody waits on it) reads them itself.
 */
async function offThread(repo: Repo, tip: string): Promise<HistoryFacts> {
  const { coreWorker, isAlone } = await import('../analysis/offload.js');
  const there = isAlone()
    ? null
    : await coreWorker()
        .history(repo.dir)
        .catch(() => null);
  return there?.tip === tip ? there : update(repo, tip);
}

/** The facts of the repository at `dir` read here (on the worker thread); null without a repository or a commit. */
export async function localHistoryFacts(dir: string): Promise<HistoryFacts | null> {
  const repo = await findRepo(dir);
  if (!repo) return null;
  const tip = refs.resolveOrNull(repo, 'HEAD');
  return tip ? update(repo, tip) : null; // null: no commit yet
}

async function update(repo: Repo, tip: string): Promise<HistoryFacts> {
  const file = path.join(repo.commondir, 'covenant', FILE);
  const stored = await load(file);
  if (stored?.tip === tip) return stored;
  const store = ObjectStore.for(repo);
  const fresh = stored ? linearTo(store, tip, stored.tip) : null;
  let facts: HistoryFacts;
  if (stored && fresh) {
    facts = { tip, paths: stored.paths };
    for (let i = fresh.length - 1; i >= 0; i--) {
      const { oid, c } = fresh[i]!;
      const parent = store.commit(c.parents[0]!);
      for (const [p, blob] of changedContracts(store, c.tree, parent.tree))
        apply(store, facts.paths, { path: p, version: [oid, c.author.timestamp, c.committer.timestamp, blob] }, true);
    }
  } else facts = await rebuildFacts(repo, tip);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify({ version: VERSION, tip, paths: facts.paths } satisfies Stored));
  } catch {
    /* a read-only repository: the facts serve this run */
  }
  return facts;
}
