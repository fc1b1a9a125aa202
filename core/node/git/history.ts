import { isValidDate } from '../../common/dates.js';
import { MASTER_PATH } from '../../common/model/kinds.js';
import type { MasterVersion } from '../../common/model/versions.js';
import { parseYaml } from '../../common/yaml/parse.js';
import { CommitIndex, type IndexedCommit } from './commit-index.js';
import { walk } from './log.js';
import { HISTORY_BLOB_BUDGET } from './budget.js';
import { historyFacts, type HistoryFacts, type PathFacts } from './history-facts.js';
import { ObjectStore } from './objects.js';
import { commitSignature } from './signature.js';
import { findRepo, type Repo } from './repo.js';
import { refs } from './refs.js';

export { HISTORY_BLOB_BUDGET };

/** Dates git knows about each change request (by path): when its file was added, when its status left "proposed". */
export interface CrHistory {
  created?: string;
  /** The time of the commit that added the file (ISO). */
  createdAt?: string;
  decided?: string;
  /** Why the decision day could not be read from history (a version over the size budget): it is unknown, not absent. */
  unread?: string;
}

/**
 * The commits that changed `filepath` (a file or a folder), newest first, with git's history simplification, read
 * through the commit index (kept up to date and saved); null before the first commit. One walk, for one file a person
 * asked about (its log, its redline); the figures read the kept history facts instead.
 */
export async function commitsTouching(repo: Repo, filepath: string): Promise<{ index: CommitIndex; commits: [string, IndexedCommit][] } | null> {
  try {
    const tip = refs.resolve(repo, 'HEAD');
    const index = await CommitIndex.open(repo);
    await index.prepareChanged(tip);
    const commits = await walk(index, tip, filepath);
    await index.save();
    return { index, commits };
  } catch {
    return null;
  }
}

const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

/** A CR's dates as the figures read them, from its kept facts. */
function crDates(f: PathFacts): CrHistory {
  const h: CrHistory = {};
  if (f.c !== undefined) [h.created, h.createdAt] = [day(f.c), new Date(f.c * 1000).toISOString()];
  // the earliest version that is decided, or too big to read (then the decision day is unknown)
  if (f.m?.[1] === 'd') h.decided = day(f.m[0]);
  else if (f.m) h.unread = `its version of ${day(f.m[0])} is ${f.m[1]} KB, over the ${HISTORY_BLOB_BUDGET / 1024} KB read from history`;
  return h;
}

/** When each CR was created and decided, from the history facts kept beside the commit index (history-facts.ts). */
export async function crHistory(dir: string): Promise<Map<string, CrHistory>> {
  const repo = await findRepo(dir);
  return crHistoryOf(repo ? await historyFacts(repo) : null);
}

/** The CR dates of facts already read. */
export function crHistoryOf(facts: HistoryFacts | null): Map<string, CrHistory> {
  const out = new Map<string, CrHistory>();
  for (const [p, f] of Object.entries(facts?.paths ?? {})) if (f.c !== undefined) out.set(p, crDates(f));
  return out;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** What a committed master says about its identity and thresholds (loosely: an old version may not pass today's schema). */
function masterFacts(parsed: unknown): Pick<MasterVersion, 'id' | 'effectiveDate' | 'thresholds'> {
  const value = obj(parsed);
  const meta = obj(value?.meta);
  const t = obj(obj(value?.change_policy)?.thresholds);
  const [b, s, r] = [num(t?.budget_delta_pct_major), num(t?.schedule_slip_days_major), num(t?.risk_score_major)];
  return {
    id: typeof meta?.id === 'string' ? meta.id : null,
    effectiveDate: typeof meta?.effective_date === 'string' && isValidDate(meta.effective_date) ? meta.effective_date : null,
    thresholds: b !== null && s !== null && r !== null ? { budget_delta_pct_major: b, schedule_slip_days_major: s, risk_score_major: r } : null,
  };
}

/** "member|at" of each approval entry of a parsed master. */
function approvalKeys(value: unknown): Set<string> {
  const list = obj(value)?.approvals;
  return new Set((Array.isArray(list) ? list : []).map(obj).map((a) => `${String(a?.member)}|${String(a?.at)}`));
}

/**
 * Every committed version of the master contract, oldest first, from the commits that changed it (git's history
 * simplification, kept in the history facts, read once by the caller): which thresholds were in force when. None
 * before the first commit.
 */
export async function masterHistoryOf(repo: Repo, facts: HistoryFacts | null): Promise<MasterVersion[]> {
  if (!facts) return []; // no commit yet
  const store = ObjectStore.for(repo);
  const out: MasterVersion[] = [];
  let approvals = new Set<string>(); // the master's approval entries in the version before, to find the commits adding one
  for (const [oid, authored, committed, blob] of [...(facts.paths[MASTER_PATH]?.v ?? [])].reverse()) {
    let text: string;
    try {
      if (!blob) continue; // the commit deleted it
      const bytes = store.read(blob).content;
      if (bytes.length > HISTORY_BLOB_BUDGET) continue; // too big to read: its members, keys and approvals never count
      text = bytes.toString('utf8');
    } catch {
      continue; // missing from the repository
    }
    let value: unknown;
    try {
      value = parseYaml(MASTER_PATH, text).value;
    } catch {
      continue; // unparsable at that commit: not a version anyone could have applied
    }
    const entries = approvalKeys(value);
    const adds = [...entries].some((k) => !approvals.has(k));
    approvals = entries;
    out.push({
      commit: oid,
      date: day(authored),
      committedAt: new Date(committed * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...masterFacts(value),
      value,
      ...(adds ? { signature: await commitSignature(repo, oid) } : {}),
    });
  }
  return out;
}
