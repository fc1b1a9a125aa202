import { computeCompliance, type Compliance } from '../common/compliance.js';
import { computeLedger, type Incentives, type LedgerSummary } from '../common/ledger.js';
import { classifyPath, LEDGER_PATH, MASTER_PATH } from '../common/model/kinds.js';
import { asObject, dig } from '../common/model/read.js';
import type { Ledger } from '../common/model/schema-types.js';
import type { ContractEngine } from '../common/workspace.js';
import { crHistory } from './git/history.js';
import { isRepository } from './git/repo.js';
import { scopeVolatility } from './git/volatility.js';

export interface Figures {
  compliance: Compliance;
  /** Null when there is no valid ledger or no incentive model. */
  ledger: LedgerSummary | null;
}

/** The one computation behind the dashboard and the Prometheus export. */
export function figuresFrom(engine: ContractEngine, history: ReadonlyMap<string, { created?: string; decided?: string }>, today?: string, volatility?: ReadonlyMap<string, number>): Figures {
  const { diagnostics } = engine.validate(today ? { today } : {});
  const data = (p: string) => engine.parsed(p)?.value;
  const paths = engine.contractPaths();
  const compliance = computeCompliance({
    master: engine.has(MASTER_PATH) ? { path: MASTER_PATH, data: data(MASTER_PATH) } : null,
    sows: paths.filter((p) => classifyPath(p) === 'sow').map((p) => ({ path: p, data: data(p) })),
    crs: paths.filter((p) => classifyPath(p) === 'cr').map((p) => ({ path: p, data: data(p) })),
    exists: (p) => engine.has(p),
    history,
    volatility,
    diagnostics,
  });
  const ledgerFile = data(LEDGER_PATH);
  const incentives = asObject(dig(data(MASTER_PATH), 'incentives')) as Incentives | undefined;
  const ledgerValid = ledgerFile !== undefined && !diagnostics.some((d) => d.file === LEDGER_PATH && d.code === 'schema');
  const ledger = ledgerValid && incentives?.model ? computeLedger(ledgerFile as Ledger, incentives) : null;
  return { compliance, ledger };
}

/** Figures for a workspace folder read from disk, with git's dates when it is a repository. */
export async function figuresForFolder(root: string, engine: ContractEngine, today?: string): Promise<Figures> {
  const repo = isRepository(root);
  const history = repo ? await crHistory(root) : new Map();
  for (const p of engine.contractPaths()) if (classifyPath(p) === 'cr') engine.setHistoryCreated(p, history.get(p)?.created);
  return figuresFrom(engine, history, today, repo ? await volatilityOf(root, engine) : undefined);
}

/** Scope volatility of every SOW, from git history. */
export async function volatilityOf(root: string, engine: ContractEngine): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const p of engine.contractPaths()) {
    if (classifyPath(p) !== 'sow') continue;
    const v = await scopeVolatility(root, p, engine.parsed(p)?.value);
    if (v !== null) out.set(p, v);
  }
  return out;
}
