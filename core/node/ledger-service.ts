import type { LedgerEntryInput, LedgerView, WriteResult } from '../common/api.js';
import { CovenantError } from '../common/errors.js';
import { LEDGER_PATH } from '../common/model/kinds.js';
import { editYaml, type YamlEdit } from '../common/yaml/edit.js';
import type { Snapshot } from '../common/workspace.js';
import type { OpenWorkspace } from './workspace-service.js';

/** The ledger of the open workspace: the computed table, and entries written back with comments kept. */
export function ledgerView(snap: Snapshot): LedgerView {
  const { ledger, compliance, ledgerProblem } = snap.figures();
  const model = snap.model;
  const approved = new Map(compliance.crs.filter((c) => c.status === 'approved').map((c) => [c.id, c]));
  const changesByPeriod: LedgerView['changesByPeriod'] = {};
  for (const sow of model.sows) {
    // a CR belongs to a period whichever side names the link
    const linked = model
      .crsOfSow(sow.id)
      .map((id) => approved.get(id))
      .filter((c) => c !== undefined);
    if (linked.length) changesByPeriod[sow.id] = linked.map((c) => ({ id: c.id, path: c.path, verdict: c.verdict }));
  }
  return { summary: ledger, problem: ledger ? null : ledgerProblem, periods: model.sows.map((s) => s.id), changesByPeriod };
}

/** Adds or updates the entry of one period in contracts/ledger.yaml (created when missing). */
export async function upsertLedgerEntry(ws: OpenWorkspace, entry: LedgerEntryInput): Promise<WriteResult> {
  for (const [name, v] of [
    ['target cost', entry.target_cost],
    ['actual cost', entry.actual_cost],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new CovenantError('invalid-input', `The ${name} must be a number of 0 or more (got ${String(v)}).`);
  }
  await ws.settle();
  const snap = ws.snapshot;
  const model = snap.model;
  if (!model.sow(entry.period)) throw new CovenantError('invalid-input', `${entry.period} is not a SOW of this workspace; a ledger period is the id of a SOW.`);
  if (snap.has(LEDGER_PATH) && !model.ledger)
    throw new CovenantError('invalid-input', `${LEDGER_PATH} has problems (see Problems); fix them before adding entries.`, { path: LEDGER_PATH });
  const current = snap.has(LEDGER_PATH) ? await ws.read(LEDGER_PATH) : null;
  const text = current?.text ?? '# Incentive ledger: one entry per iteration, amounts in the currency below.\ncurrency: EUR\nentries: []\n';
  const index = (model.ledger?.data.entries ?? []).findIndex((e) => e.period === entry.period);
  const edits: YamlEdit[] = [];
  if (index === -1) {
    const item: Record<string, string | number> = { period: entry.period, target_cost: entry.target_cost, actual_cost: entry.actual_cost };
    if (entry.note) item.note = entry.note;
    edits.push({ op: 'append', path: ['entries'], value: item });
  } else {
    edits.push(
      { op: 'set', path: ['entries', index, 'target_cost'], value: entry.target_cost },
      { op: 'set', path: ['entries', index, 'actual_cost'], value: entry.actual_cost },
    );
    if (entry.note !== undefined) edits.push({ op: 'set', path: ['entries', index, 'note'], value: entry.note });
  }
  let next: string;
  try {
    next = editYaml(text, edits);
  } catch (e) {
    if (e instanceof CovenantError) throw new CovenantError('invalid-input', `contracts/ledger.yaml could not be updated: ${e.message}.`);
    throw e;
  }
  return ws.write(LEDGER_PATH, next, current ? current.hash : null);
}
