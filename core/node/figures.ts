import { classifyPath } from '../common/model/kinds.js';
import type { Snapshot, SnapshotFacts } from '../common/workspace.js';
import { signatureFacts } from './approvals.js';
import { crHistory, masterHistory } from './git/history.js';
import { historyFacts } from './git/history-facts.js';
import { findRepo, isRepository } from './git/repo.js';
import { sowVolatility } from './git/volatility.js';

/** What git knows that the files do not say: CR dates, scope volatility of every valid SOW, the master's versions. */
export async function gitFacts(root: string, snapshot: Snapshot): Promise<SnapshotFacts> {
  if (!(await isRepository(root))) return { history: new Map() };
  const history = await crHistory(root);
  const masters = await masterHistory(root);
  const signatures = await signatureFacts(root, snapshot.model);
  const repo = await findRepo(root);
  const volatility = await sowVolatility(repo, repo ? await historyFacts(repo) : null, snapshot.model.sows);
  // CR dates are keyed by path; paths of files that are not CRs any more are dropped
  for (const p of [...history.keys()]) if (classifyPath(p) !== 'cr') history.delete(p);
  return { history, volatility, masters, signatures };
}
