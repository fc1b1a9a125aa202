import { ApiFailure, type LedgerEntryInput, type LedgerView, type WriteResult } from '../common/api.js';
import { classifyPath, LEDGER_PATH } from '../common/model/kinds.js';
import { asArray, asString, dig } from '../common/model/read.js';
import { editYaml, YamlEditError, type YamlEdit } from '../common/yaml/edit.js';
import { figuresFrom } from './figures.js';
import type { OpenWorkspace } from './workspace-service.js';

/** The ledger of the open workspace: the computed table, and entries written back with comments kept. */
export function ledgerView(ws: OpenWorkspace, history: ReadonlyMap<string, { created?: string; decided?: string }>): LedgerView {
  const { ledger, compliance } = figuresFrom(ws.engine, history);
  const sows = ws.engine.contractPaths().filter((p) => classifyPath(p) === 'sow');
  const periods = sows.map((p) => asString(dig(ws.engine.parsed(p)?.value, 'id'))).filter((x): x is string => !!x);
  const approved = new Map(compliance.crs.filter((c) => c.status === 'approved').map((c) => [c.id, c]));
  const changesByPeriod: LedgerView['changesByPeriod'] = {};
  for (const p of sows) {
    const sow = ws.engine.parsed(p)?.value;
    const id = asString(dig(sow, 'id'));
    if (!id) continue;
    const linked = asArray(dig(sow, 'links', 'changes')).map((x) => approved.get(String(x))).filter((c) => c !== undefined);
    if (linked.length) changesByPeriod[id] = linked.map((c) => ({ id: c.id, path: c.path, verdict: c.verdict }));
  }
  let problem: string | null = null;
  if (!ledger) {
    problem = !ws.engine.has(LEDGER_PATH)
      ? 'There is no ledger yet: add the first entry below to create contracts/ledger.yaml.'
      : 'The ledger or the master contract\'s incentives have problems; fix them (see Problems) to see the figures.';
  }
  return { summary: ledger, problem, periods, changesByPeriod };
}

/** Adds or updates the entry of one period in contracts/ledger.yaml (created when missing). */
export async function upsertLedgerEntry(ws: OpenWorkspace, entry: LedgerEntryInput): Promise<WriteResult> {
  for (const [name, v] of [['target cost', entry.target_cost], ['actual cost', entry.actual_cost]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ApiFailure('bad-request', `The ${name} must be a number of 0 or more (got ${String(v)}).`);
  }
  const sowIds = ws.engine.contractPaths().filter((p) => classifyPath(p) === 'sow').map((p) => asString(dig(ws.engine.parsed(p)?.value, 'id')));
  if (!sowIds.includes(entry.period)) throw new ApiFailure('bad-request', `${entry.period} is not a SOW of this workspace; a ledger period is the id of a SOW.`);
  const current = ws.engine.has(LEDGER_PATH) ? await ws.read(LEDGER_PATH) : null;
  const text = current?.text ?? '# Incentive ledger: one entry per iteration, amounts in the currency below.\ncurrency: EUR\nentries: []\n';
  const data = ws.engine.parsed(LEDGER_PATH)?.value;
  const index = asArray(dig(data, 'entries')).findIndex((e) => asString(dig(e, 'period')) === entry.period);
  const edits: YamlEdit[] = [];
  if (index === -1) {
    const item: Record<string, string | number> = { period: entry.period, target_cost: entry.target_cost, actual_cost: entry.actual_cost };
    if (entry.note) item.note = entry.note;
    edits.push({ op: 'append', path: ['entries'], value: item });
  } else {
    edits.push({ op: 'set', path: ['entries', index, 'target_cost'], value: entry.target_cost }, { op: 'set', path: ['entries', index, 'actual_cost'], value: entry.actual_cost });
    if (entry.note !== undefined) edits.push({ op: 'set', path: ['entries', index, 'note'], value: entry.note });
  }
  let next: string;
  try {
    next = editYaml(text, edits);
  } catch (e) {
    if (e instanceof YamlEditError) throw new ApiFailure('bad-request', `contracts/ledger.yaml could not be updated: ${e.message}.`);
    throw e;
  }
  return ws.write(LEDGER_PATH, next, current ? current.hash : null);
}
