import { classifyPath } from '../common/model/kinds.js';
import type { Snapshot, SnapshotFacts } from '../common/workspace.js';
import { crHistory } from './git/history.js';
import { isRepository } from './git/repo.js';
import { scopeVolatility } from './git/volatility.js';

/** What git knows that the files do not say: CR dates from history, scope volatility of every valid SOW. */
export async function gitFacts(root: string, snapshot: Snapshot): Promise<SnapshotFacts> {
  if (!(await isRepository(root))) return { history: new Map() };
  const history = await crHistory(root);
  const volatility = new Map<string, number>();
  for (const sow of snapshot.model.sows) {
    const v = await scopeVolatility(root, sow.path, sow.data);
    if (v !== null) volatility.set(sow.path, v);
  }
  // CR dates are keyed by path; paths of files that are not CRs any more are dropped
  for (const p of [...history.keys()]) if (classifyPath(p) !== 'cr') history.delete(p);
  return { history, volatility };
}

/** A snapshot of a folder read from disk with git's facts, for one-shot commands (metrics, export-pdf). */
export async function withGitFacts(root: string, snapshot: Snapshot): Promise<Snapshot> {
  return snapshot.withFacts(await gitFacts(root, snapshot));
}
