import { isValidDate } from '../../common/dates.js';
import { MASTER_PATH } from '../../common/model/kinds.js';
import type { MasterVersion } from '../../common/model/versions.js';
import { parseYaml } from '../../common/yaml/parse.js';
import { CommitIndex, type IndexedCommit } from './commit-index.js';
import { walk } from './log.js';
import { HISTORY_BLOB_BUDGET } from './budget.js';
import { crFacts, type CrHistory } from './cr-facts.js';
import { commitSignature } from './signature.js';

export type { CrHistory };
import { git, findRepo, type Repo } from './repo.js';

export { HISTORY_BLOB_BUDGET };

/**
 * The commits that changed `filepath` (a file or a folder), newest first, with git's history simplification, read
 * through the commit index (kept up to date and saved); null before the first commit.
 */
export async function commitsTouching(repo: Repo, filepath: string): Promise<{ index: CommitIndex; commits: [string, IndexedCommit][] } | null> {
  try {
    const tip = await git.resolveRef({ ...repo.opts, ref: 'HEAD' });
    const index = await CommitIndex.open(repo);
    await index.prepareChanged(tip);
    const commits = await walk(index, tip, filepath);
    await index.save();
    return { index, commits };
  } catch {
    return null;
  }
}

/** When each CR was created and decided, from the facts kept beside the commit index (cr-facts.ts). */
export async function crHistory(dir: string): Promise<Map<string, CrHistory>> {
  const repo = await findRepo(dir);
  return repo ? crFacts(repo) : new Map();
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
 * simplification, read through the commit index): which thresholds were in force when.
 */
export async function masterHistory(dir: string): Promise<MasterVersion[]> {
  const repo = await findRepo(dir);
  const found = repo ? await commitsTouching(repo, MASTER_PATH) : null;
  if (!repo || !found) return []; // no commit yet
  const { commits, index } = found;
  const out: MasterVersion[] = [];
  let approvals = new Set<string>(); // the master's approval entries in the version before, to find the commits adding one
  for (const [oid, commit] of commits.reverse()) {
    let text: string;
    try {
      const { blob } = await git.readBlob({ ...repo.opts, oid: commit.tree, filepath: MASTER_PATH, cache: index.cache });
      if (blob.length > HISTORY_BLOB_BUDGET) continue; // too big to read: its members, keys and approvals never count
      text = Buffer.from(blob).toString('utf8');
    } catch {
      continue; // the commit deleted it
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
      date: new Date(commit.author.timestamp * 1000).toISOString().slice(0, 10),
      committedAt: new Date(commit.committed * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...masterFacts(value),
      value,
      ...(adds ? { signature: await commitSignature(repo, oid) } : {}),
    });
  }
  return out;
}
