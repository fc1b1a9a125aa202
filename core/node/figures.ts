import { classifyPath } from '../common/model/kinds.js';
import type { Snapshot, SnapshotFacts } from '../common/workspace.js';
import { signatureFacts } from './approvals.js';
import { crHistoryOf, masterHistoryOf } from './git/history.js';
import { historyFacts } from './git/history-facts.js';
import { findRepo } from './git/repo.js';
import { sowVolatility } from './git/volatility.js';

/** What git knows that the files do not say: CR dates, scope volatility of every valid SOW, the master's versions. */
export async function gitFacts(root: string, snapshot: Snapshot): Promise<SnapshotFacts> {
  const repo = await findRepo(root);
  if (!repo) return { history: new Map() };
  const facts = await historyFacts(repo); // read once: every figure below takes what it needs from it
  const history = crHistoryOf(facts);
  const masters = await masterHistoryOf(repo, facts);
  const signatures = await signatureFacts(root, snapshot.model);
  const volatility = await sowVolatility(repo, facts, snapshot.model.sows);
  // CR dates are keyed by path; paths of files that are not CRs any more are dropped
  for (const p of [...history.keys()]) if (classifyPath(p) !== 'cr') history.delete(p);
  return { history, volatility, masters, signatures };
}
