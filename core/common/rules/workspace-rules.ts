/**
 * Rules over the whole workspace, on the typed model (files that passed their schema) plus every file's id for
 * duplicate and reference checks. Cheap and linear in the number of files: they run after every change. The rules
 * themselves live by subject in sow-rules.ts, cr-rules.ts and below; this file runs them in order.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { ContractModel, ModelInput } from '../model/contract.js';
import { judgedAt, measureDefects } from '../collaboration.js';
import { addendumPath } from '../model/kinds.js';
import { shown } from '../shown.js';
import { unknownsOf, type RuleContext, type Unknowns } from './context.js';
import { approvalChecks, crChecks, memberChecks } from './cr-rules.js';
import { criterionChecks, gateChecks, idChecks, resultChecks, sowLinkChecks, stopTheLineChecks } from './sow-rules.js';

export type { RuleContext } from './context.js';

export function workspaceDiagnostics(model: ContractModel, files: readonly ModelInput[], ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const step = workspaceChecks(model, files, ctx, out); !step.next().done;);
  return out;
}

/**
 * The same rules as a generator that pauses after each file it checks, so that a caller can spread thousands of files
 * over several turns of the event loop (`Snapshot.validateSliced`). Diagnostics are pushed onto `out`.
 */
export function* workspaceChecks(model: ContractModel, files: readonly ModelInput[], ctx: RuleContext, out: Diagnostic[]): Generator<void, void, void> {
  const unknowns = unknownsOf(ctx);
  idChecks(model, files, out);
  yield* sowLinkChecks(model, ctx, unknowns, out);
  yield* resultChecks(model, unknowns, out);
  yield* gateChecks(model, ctx, out);
  yield* criterionChecks(model, ctx, out);
  stopTheLineChecks(model, unknowns, out);
  yield* crChecks(model, ctx, unknowns, out);
  yield* approvalChecks(model, ctx, out);
  memberChecks(model, out);
  yield* addendumChecks(model, ctx, unknowns, out);
  yield* defectChecks(model, ctx, unknowns, out);
  ledgerChecks(model, unknowns, out);
}

/** Addenda: one per approved change, naming real files. */
function* addendumChecks(model: ContractModel, ctx: RuleContext, unknowns: Unknowns, out: Diagnostic[]): Generator<void, void, void> {
  for (const a of model.addenda) {
    yield;
    const y = a.yaml;
    const expected = addendumPath(a.data.cr);
    if (a.path !== expected && a.path !== expected.replace(/\.yaml$/, '.yml'))
      out.push(y.at(['cr'], 'error', 'id-filename-mismatch', `cr is ${shown(a.data.cr)}, so this addendum belongs at ${expected}.`));
    const cr = model.cr(a.data.cr);
    if (!cr && !model.knownIds.cr.has(a.data.cr) && !unknowns.crFolder)
      out.push(y.at(['cr'], 'error', 'unknown-reference', `cr names ${shown(a.data.cr)}, but there is no change request with that id.`));
    else if (cr && cr.data.decision.status !== 'approved' && a.data.applied)
      out.push(y.at(['applied'], 'error', 'addendum-mismatch', `${cr.id} is ${cr.data.decision.status}; only an approved change's addendum can be applied.`));
    a.data.edits.forEach((e, i) => {
      if (!ctx.exists(e.file) && !ctx.unknown(e.file))
        out.push(y.at(['edits', i, 'file'], 'error', 'unknown-reference', `file ${shown(e.file)} does not exist in the workspace.`));
    });
  }
}

/** Defect records: timestamps in order, iterations that exist; untriaged ones past the SLO are findings. */
function* defectChecks(model: ContractModel, ctx: RuleContext, unknowns: Unknowns, out: Diagnostic[]): Generator<void, void, void> {
  for (const file of model.defects) {
    yield;
    file.data.defects.forEach((d, i) => {
      if (d.triaged !== undefined && Date.parse(d.triaged) < Date.parse(d.reported))
        out.push(file.yaml.at(['defects', i, 'triaged'], 'error', 'date-order', `triaged (${d.triaged}) is before reported (${d.reported}).`));
      if (d.sow !== undefined && !model.knownIds.sow.has(d.sow) && !unknowns.sowFolder)
        out.push(file.yaml.at(['defects', i, 'sow'], 'warning', 'unknown-reference', `sow names ${shown(d.sow)}, but there is no SOW with that id.`));
    });
  }
  const triageSeverity = model.findingSeverity('triage-overdue');
  const triage = model.defects.length && triageSeverity ? measureDefects({ model, now: judgedAt(ctx.today) }) : null;
  const triageSlo = triage?.measure.sloHours ?? null;
  if (!triage || !triageSeverity || triageSlo === null) return;
  for (const d of triage.defects) {
    if (d.triaged !== null || d.withinSlo !== false) continue;
    const file = model.defects.find((f) => f.path === d.file)!;
    const i = file.data.defects.findIndex((x) => x.id === d.id);
    out.push(
      file.yaml.at(
        ['defects', i, 'id'],
        triageSeverity,
        'triage-overdue',
        `Defect ${d.id} reported ${d.reported} is not triaged; the defect triage SLO is ${triageSlo} hours. Import the tracker's export again once it is triaged.`,
      ),
    );
  }
}

/** Ledger periods name SOWs. */
function ledgerChecks(model: ContractModel, unknowns: Unknowns, out: Diagnostic[]): void {
  if (!model.ledger) return;
  const y = model.ledger.yaml;
  model.ledger.data.entries.forEach((entry, i) => {
    if (!model.knownIds.sow.has(entry.period) && !unknowns.sowFolder)
      out.push(
        y.at(
          ['entries', i, 'period'],
          'error',
          'unknown-reference',
          `period ${shown(entry.period)} names no SOW; each ledger period must be the id of a SOW under contracts/sow/.`,
        ),
      );
  });
}
