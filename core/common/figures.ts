/**
 * The one computation behind the dashboard, the ledger view, the Prometheus export and the PDF: compliance figures
 * and the ledger, from the typed model of one snapshot. Files that failed their schema are left out, and say so.
 */
import { computeCompliance, type Compliance } from './compliance.js';
import type { Diagnostic } from './diagnostics.js';
import type { SignatureFact } from './approvals.js';
import { computeLedger, type LedgerSummary } from './ledger.js';
import type { ContractModel, LeftOut } from './model/contract.js';
import { LEDGER_PATH, MASTER_PATH } from './model/kinds.js';

/** Dates git knows of a CR: when its file was added, when its status left "proposed". */
export interface HistoryFacts {
  created?: string;
  /** The time of the commit that added the CR (ISO). */
  createdAt?: string;
  decided?: string;
  /** Why the decision day could not be read from history (a version over the size budget): unknown, not absent. */
  unread?: string;
}

export interface Figures {
  compliance: Compliance;
  /** Null when there is no valid ledger or master (see ledgerProblem). */
  ledger: LedgerSummary | null;
  /** Why the ledger cannot be computed, in words; null when it was. */
  ledgerProblem: string | null;
  /** Files that failed their schema and are in no figure. */
  leftOut: readonly LeftOut[];
  /** Contract files whose unsaved text these figures include (empty: saved files only). */
  unsaved: readonly string[];
}

export interface FigureInput {
  model: ContractModel;
  diagnostics: readonly Diagnostic[];
  exists(path: string): boolean;
  facts: { history: ReadonlyMap<string, HistoryFacts>; volatility?: ReadonlyMap<string, number>; signatures?: ReadonlyMap<string, readonly SignatureFact[]> };
  unsaved: readonly string[];
  /** The day the figures are for (YYYY-MM-DD): overdue decisions are counted up to it. */
  today?: string;
  data?: (path: string) => { text: string } | { problem: string } | undefined;
}

export function computeFigures(input: FigureInput): Figures {
  const { model } = input;
  const compliance = computeCompliance({
    model,
    exists: input.exists,
    history: input.facts.history,
    volatility: input.facts.volatility,
    signatures: input.facts.signatures,
    diagnostics: input.diagnostics,
    today: input.today,
    data: input.data,
  });
  let ledger: LedgerSummary | null = null;
  let ledgerProblem: string | null = null;
  const leftOut = (p: string) => model.leftOut.find((l) => l.path === p);
  if (!model.ledger) {
    const bad = leftOut(LEDGER_PATH);
    ledgerProblem = bad
      ? `${LEDGER_PATH} is left out: line ${bad.line}: ${bad.reason}`
      : 'There is no ledger yet: add the first entry to create contracts/ledger.yaml.';
  } else if (!model.master) {
    const bad = leftOut(MASTER_PATH);
    ledgerProblem = bad
      ? `${MASTER_PATH} is left out, so its incentive model is unknown: line ${bad.line}: ${bad.reason}`
      : `There is no master contract (${MASTER_PATH}), so the incentive model is unknown.`;
  } else {
    ledger = computeLedger(model.ledger.data, model.master.data.incentives);
  }
  return { compliance, ledger, ledgerProblem, leftOut: model.leftOut, unsaved: input.unsaved };
}

/** "2 files left out: contracts/a.yaml (line 3: ...), ..." or null. */
export function describeLeftOut(leftOut: readonly LeftOut[]): string | null {
  if (leftOut.length === 0) return null;
  return `${leftOut.length} file${leftOut.length === 1 ? '' : 's'} left out of the figures (they fail their schema): ${leftOut.map((l) => `${l.path}:${l.line} ${l.reason}`).join('; ')}`;
}
