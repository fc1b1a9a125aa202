/**
 * What history says about each change request (when its file was added, when it was first decided), kept beside the
 * commit index and brought up to date with the commits not seen yet (issue 26, item 1), never walked again per run.
 * The facts are minima over every commit reachable from HEAD that changed the CR (the earliest commit holding it, the
 * earliest holding a decided version), so they do not depend on the order commits are seen in: adding the commits
 * after the last tip seen gives what a full rebuild gives (tested). HEAD moved somewhere the stored tip does not lead
 * (a checkout of another branch, a reset) rebuilds them. The file is versioned, written atomically, and rebuildable:
 * deleting it costs one slower run.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { parseYaml } from '../../common/yaml/parse.js';
import { HISTORY_BLOB_BUDGET } from './budget.js';
import { CommitIndex } from './commit-index.js';
import { git, type Repo } from './repo.js';

/** Dates git knows about each change request (by path): when its file was added, when its status left "proposed". */
export interface CrHistory {
  created?: string;
  /** The time of the commit that added the file (ISO). */
  createdAt?: string;
  decided?: string;
  /** Why the decision day could not be read from history (a version over the size budget): it is unknown, not absent. */
  unread?: string;
}

const VERSION = 1;
const CHANGES = 'contracts/changes/';

/** A CR's facts as stored: each a minimum, kept with what is needed to take the next one. */
interface PathFacts {
  /** Earliest author time (s) of a commit holding the file, and that commit's day. */
  createdT?: number;
  /** Earliest author time (s) of a commit holding a decided version. */
  decidedT?: number;
  /** Earliest author time (s) of a version too big to read, and how big it was (KB). */
  unreadT?: number;
  unreadKb?: number;
}

interface Stored {
  version: number;
  tip: string;
  /** Every commit the facts include (all reachable from `tip`). */
  seen: string[];
  facts: Record<string, PathFacts>;
  /** What each CR blob read so far says: p(roposed), d(ecided), x (unparsable), or its size in KB when over the budget. */
  blobs: Record<string, string>;
}

const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

/** The facts as the figures read them, from what is stored. */
function asHistory(facts: Record<string, PathFacts>): Map<string, CrHistory> {
  const out = new Map<string, CrHistory>();
  for (const [p, f] of Object.entries(facts)) {
    const h: CrHistory = {};
    if (f.createdT !== undefined) [h.created, h.createdAt] = [day(f.createdT), new Date(f.createdT * 1000).toISOString()];
    // a version that could not be read, at or before the first decided one: the decision day is unknown
    if (f.unreadT !== undefined && (f.decidedT === undefined || f.unreadT <= f.decidedT))
      h.unread = `its version of ${day(f.unreadT)} is ${f.unreadKb} KB, over the ${HISTORY_BLOB_BUDGET / 1024} KB read from history`;
    else if (f.decidedT !== undefined) h.decided = day(f.decidedT);
    out.set(p, h);
  }
  return out;
}

async function load(file: string): Promise<Stored | null> {
  try {
    const s = JSON.parse(await readFile(file, 'utf8')) as Stored;
    return s.version === VERSION && typeof s.tip === 'string' && Array.isArray(s.seen) && s.facts && s.blobs ? s : null;
  } catch {
    return null; // missing or damaged: rebuilt
  }
}

/** The commits reachable from `tip` that `known` lacks, and whether `knownTip` was among their parents. */
async function unseen(index: CommitIndex, tip: string, known: Set<string>, knownTip: string | null): Promise<{ todo: string[]; reached: boolean }> {
  const todo: string[] = [];
  const queued = new Set([tip]);
  const stack = [tip];
  let reached = false;
  while (stack.length) {
    const oid = stack.pop()!;
    if (known.has(oid)) {
      reached ||= oid === knownTip;
      continue;
    }
    todo.push(oid);
    for (const p of (await index.get(oid)).parents)
      if (!queued.has(p)) {
        queued.add(p);
        stack.push(p);
      }
  }
  return { todo, reached };
}

/** What a CR blob says, read once (its verdict kept by blob id). */
async function blobState(repo: Repo, oid: string, p: string, blobs: Record<string, string>): Promise<string> {
  const known = blobs[oid];
  if (known) return known;
  let state = 'x';
  try {
    const { blob } = await git.readBlob({ ...repo.opts, oid });
    if (blob.length > HISTORY_BLOB_BUDGET) state = String(Math.round(blob.length / 1024));
    else {
      // the hardened parser: size cap, linear duplicate-key check, depth and alias limits (old blobs are untrusted)
      const value = parseYaml(p, Buffer.from(blob).toString('utf8')).value as { decision?: { status?: unknown } } | null;
      const status = value && typeof value === 'object' && value.decision && typeof value.decision === 'object' ? value.decision.status : undefined;
      state = typeof status === 'string' && status !== 'proposed' ? 'd' : 'p';
    }
  } catch {
    /* unparsable at that commit */
  }
  return (blobs[oid] = state);
}

/** Adds one commit's CR versions (the CR files it changed) to the facts. */
async function addCommit(repo: Repo, index: CommitIndex, oid: string, s: Stored): Promise<void> {
  const changed = new Set((await index.changed(oid)).flat().filter((p) => /^contracts\/changes\/[^/]+\.ya?ml$/.test(p)));
  if (changed.size === 0) return;
  const c = await index.get(oid);
  const t = c.author.timestamp;
  let tree: { path: string; oid: string; type: string }[] = [];
  try {
    tree = (await git.readTree({ ...repo.opts, oid: c.tree, filepath: 'contracts/changes' })).tree;
  } catch {
    return; // the folder is gone in this commit
  }
  for (const e of tree) {
    const p = `${CHANGES}${e.path}`;
    if (e.type !== 'blob' || !changed.has(p)) continue;
    const f = (s.facts[p] ??= {});
    if (f.createdT === undefined || t < f.createdT) f.createdT = t;
    const state = await blobState(repo, e.oid, p, s.blobs);
    if (state === 'd' && (f.decidedT === undefined || t < f.decidedT)) f.decidedT = t;
    if (/^\d+$/.test(state) && (f.unreadT === undefined || t < f.unreadT)) [f.unreadT, f.unreadKb] = [t, Number(state)];
  }
}

/** The CR facts of HEAD: from the store when HEAD is its tip, brought up to date when HEAD descends from it. */
export async function crFacts(repo: Repo): Promise<Map<string, CrHistory>> {
  let tip: string;
  try {
    tip = await git.resolveRef({ ...repo.opts, ref: 'HEAD' });
  } catch {
    return new Map(); // no commit yet
  }
  const file = path.join(repo.commondir, 'covenant', 'cr-facts.json');
  const stored = await load(file);
  if (stored?.tip === tip) return asHistory(stored.facts);
  const index = await CommitIndex.open(repo);
  const known = new Set(stored?.seen ?? []);
  const first = await unseen(index, tip, known, stored?.tip ?? null);
  let todo = first.todo;
  const reached = first.reached;
  let s: Stored = stored && reached ? stored : { version: VERSION, tip, seen: [], facts: {}, blobs: stored?.blobs ?? {} };
  if (stored && s !== stored) ({ todo } = await unseen(index, tip, new Set(), null)); // HEAD left the stored tip's line: all again
  for (const oid of todo) await addCommit(repo, index, oid, s);
  s = { ...s, tip, seen: [...(s === stored ? known : []), ...todo] };
  await index.save();
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify(s));
  } catch {
    /* a read-only repository: the facts serve this run */
  }
  return asHistory(s.facts);
}
