/**
 * Workspace rules about ids, SOWs and what is recorded against them: duplicate ids, links between SOWs and changes,
 * evidence paths, recorded results, DAG nodes, gates, acceptance criteria and stop-the-line raisings. Each is a
 * generator that pauses after each file it checks (see `workspaceChecks`).
 */
import { dayNumber } from '../dates.js';
import type { Diagnostic } from '../diagnostics.js';
import { rawId, type ContractModel, type Doc, type ModelInput } from '../model/contract.js';
import { crPath, idFromPath, KIND_LABELS, MASTER_PATH, type FileKind } from '../model/kinds.js';
import type { Sow } from '../model/schema-types.js';
import type { CriterionCheck } from '../measure.js';
import { quoted, shown } from '../shown.js';
import { checkRefPath, or, type RuleContext, type Unknowns } from './context.js';

/** No master while SOWs or CRs exist; ids used by two files (every file, valid or not). */
export function idChecks(model: ContractModel, files: readonly ModelInput[], out: Diagnostic[]): void {
  const { counts } = model;
  if (counts.master === 0 && (counts.sow > 0 || counts.cr > 0)) {
    out.push({
      file: MASTER_PATH,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      severity: 'error',
      code: 'no-master',
      message: `There is no master contract (${MASTER_PATH}), yet the workspace has ${counts.sow} SOW(s) and ${counts.cr} change request(s); their thresholds and SLAs come from it.`,
    });
  }
  const ids: Record<'sow' | 'cr' | 'adr', Map<string, ModelInput[]>> = { sow: new Map(), cr: new Map(), adr: new Map() };
  for (const f of files) {
    if (f.kind !== 'sow' && f.kind !== 'cr' && f.kind !== 'adr') continue;
    const id = f.kind === 'adr' ? (idFromPath(f.path) ?? undefined) : (rawId(f.yaml) ?? idFromPath(f.path) ?? undefined);
    if (id === undefined) continue;
    const list = ids[f.kind].get(id);
    if (list) list.push(f);
    else ids[f.kind].set(id, [f]);
  }
  for (const kind of ['sow', 'cr', 'adr'] as const) {
    for (const [id, list] of ids[kind]) {
      if (list.length < 2) continue;
      for (const f of list) {
        if (!f.yaml) continue;
        const others = list
          .filter((o) => o !== f)
          .map((o) => o.path)
          .join(', ');
        const message = `${KIND_LABELS[kind as FileKind]} id ${shown(id)} is also used by ${others}; ids must be unique.`;
        out.push(kind === 'adr' ? f.yaml.atTop('error', 'duplicate-id', message) : f.yaml.at(['id'], 'error', 'duplicate-id', message));
      }
    }
  }
}

/** SOWs: links to changes and evidence paths; then links named on one side only. */
export function* sowLinkChecks(model: ContractModel, ctx: RuleContext, unknowns: Unknowns, out: Diagnostic[]): Generator<void, void, void> {
  for (const sow of model.sows) {
    yield;
    (sow.data.links?.changes ?? []).forEach((ref, i) => {
      if (!model.knownIds.cr.has(ref) && !unknowns.crFolder) {
        out.push(
          sow.yaml.at(
            ['links', 'changes', i],
            'error',
            'unknown-reference',
            `links.changes names ${shown(ref)}, but there is no such change request (expected ${shown(crPath(ref))}).`,
          ),
        );
      }
    });
    sow.data.acceptance_criteria.forEach((c, i) => {
      checkRefPath(sow.yaml, c.evidence, ['acceptance_criteria', i, 'evidence'], `acceptance_criteria[${i}].evidence`, ctx, out, 'warning');
    });
  }
  for (const d of model.linkDisagreements()) {
    if (d.namedBy === 'sow') {
      const cr = model.cr(d.cr)!;
      out.push(
        cr.yaml.at(
          ['sows'],
          'warning',
          'link-mismatch',
          `${shown(d.sow)} lists this change under links.changes, but sows does not name ${shown(d.sow)}; add it here or remove the link there.`,
          true,
        ),
      );
    } else {
      const sow = model.sow(d.sow)!;
      out.push(
        sow.yaml.at(
          ['links', 'changes'],
          'warning',
          'link-mismatch',
          `${shown(d.cr)} names this SOW in its sows, but links.changes does not list ${shown(d.cr)}; add it here or remove it there.`,
          true,
        ),
      );
    }
  }
}

/** Recorded results must name a SOW and one of its gates or criteria; DAG nodes belong to one SOW each. */
export function* resultChecks(model: ContractModel, unknowns: Unknowns, out: Diagnostic[]): Generator<void, void, void> {
  for (const r of model.results) {
    yield;
    const sow = model.sow(r.data.sow);
    if (!sow) {
      if (!unknowns.sowFolder)
        out.push(
          r.yaml.at(['sow'], 'error', 'unknown-reference', `sow names ${shown(r.data.sow)}, but there is no SOW with that id; a result belongs to a SOW.`),
        );
      continue;
    }
    if (r.data.gate !== undefined && !(sow.data.gates ?? []).some((g) => g.name === r.data.gate)) {
      const names = (sow.data.gates ?? []).map((g) => shown(g.name));
      out.push(
        r.yaml.at(
          ['gate'],
          'error',
          'unknown-reference',
          `${shown(r.data.sow)} declares no gate ${shown(r.data.gate)}${names.length ? `; its gates are ${or(names)}` : ''}.`,
        ),
      );
    }
    if (r.data.criterion !== undefined && !sow.data.acceptance_criteria.some((c) => c.id === r.data.criterion)) {
      out.push(r.yaml.at(['criterion'], 'error', 'unknown-reference', `${shown(r.data.sow)} has no acceptance criterion ${shown(r.data.criterion)}.`));
    }
  }

  // DAG nodes: each belongs to one SOW; a result may name the node that produced it
  const claimedBy = new Map<string, string>();
  for (const sow of model.sows) {
    (sow.data.links?.dag_nodes ?? []).forEach((node, i) => {
      const first = claimedBy.get(node);
      if (first === undefined) claimedBy.set(node, sow.id);
      else if (first !== sow.id)
        out.push(
          sow.yaml.at(
            ['links', 'dag_nodes', i],
            'error',
            'dag-node-conflict',
            `DAG node ${shown(node)} is already claimed by ${shown(first)}; a node carries one contract_ref, so it must belong to one SOW.`,
          ),
        );
    });
  }
  for (const r of model.results) {
    const sow = model.sow(r.data.sow);
    if (r.data.node !== undefined && sow && !(sow.data.links?.dag_nodes ?? []).includes(r.data.node))
      out.push(r.yaml.at(['node'], 'error', 'unknown-reference', `node ${shown(r.data.node)} is not one of ${shown(sow.id)}'s DAG nodes (links.dag_nodes).`));
  }
}

/** Gates: their status comes from recorded results, never from what is typed; one never run by the end is missing. */
export function* gateChecks(model: ContractModel, ctx: RuleContext, out: Diagnostic[]): Generator<void, void, void> {
  const failedSeverity = model.findingSeverity('gate-failed');
  const unverifiedSeverity = model.findingSeverity('gate-unverified');
  const missingSeverity = model.findingSeverity('gate-missing');
  for (const sow of model.sows) {
    yield;
    model.gateStatuses(sow, ctx.today).forEach((g, i) => {
      if (g.status === 'failed' && g.stoppedBy) {
        // reported once, at the raising (stop-the-line-open); the gate shows it as failed
      } else if (g.status === 'failed' && failedSeverity) {
        const r = g.result!.data;
        const detail = r.counts?.failures !== undefined && r.counts.tests !== undefined ? `: ${r.counts.failures} of ${r.counts.tests} failed` : '';
        const first = r.failing?.length
          ? ` (${r.failing
              .slice(0, 3)
              .map((f) => shown(f))
              .join(', ')}${r.failing.length > 3 ? ', …' : ''})`
          : '';
        out.push(
          sow.yaml.at(
            ['gates', i, 'name'],
            failedSeverity,
            'gate-failed',
            `Gate ${shown(g.gate)} failed${detail}${first}, recorded ${r.recorded.at} in ${g.result!.path}.`,
          ),
        );
      } else if (g.status === 'unverified' && unverifiedSeverity) {
        out.push(
          sow.yaml.at(
            ['gates', i, 'status'],
            unverifiedSeverity,
            'gate-unverified',
            `Gate ${shown(g.gate)} says ${shown(g.typed ?? '')}, but no result is recorded for it; record one (covenant record ${sow.id} ${g.gate} --junit FILE, or by hand in the dashboard) so the status rests on evidence.`,
          ),
        );
      } else if (g.status === 'missing' && missingSeverity) {
        out.push(
          sow.yaml.at(
            ['gates', i, 'name'],
            missingSeverity,
            'gate-missing',
            `Gate ${shown(g.gate)} has no recorded result, and ${sow.id} ended ${sow.data.dates.end}: it never ran, so it counts as missing, not passed. Record its result (covenant record ${sow.id} ${g.gate} --junit FILE, or by hand in the dashboard).`,
          ),
        );
      }
    });
  }
}

const TARGET_HELP =
  'write a comparison and a number, such as ">= 85", "at least 85", "<= 0.5" or "no more than 3 days" (an optional % or unit after the number)';

/** The diagnostic of one criterion's check, if any. */
function criterionDiagnostic(model: ContractModel, sow: Doc<Sow>, c: CriterionCheck, i: number): Diagnostic | null {
  const criterion = sow.data.acceptance_criteria[i]!;
  const typed = criterion.status;
  const at = (field: 'target' | 'description' | 'status') => ['acceptance_criteria', i, field];
  const fromText = c.targetFrom === 'description' ? ' (from its description)' : '';
  if (c.unreadable === 'target') {
    const raw = criterion.target!;
    return sow.yaml.at(
      at('target'),
      'error',
      'criterion-target-unreadable',
      `${c.id}'s target ${typeof raw === 'string' ? quoted(raw) : String(raw)} cannot be read: ${TARGET_HELP}.`,
    );
  }
  if (c.unreadable === 'description')
    return sow.yaml.at(
      at('description'),
      'warning',
      'criterion-target-unreadable',
      `${c.id}'s description states more than one comparison, so its target cannot be read from it: give the criterion a target (e.g. target: ">= 85").`,
    );
  const unmet = model.findingSeverity('criterion-unmet');
  if (c.status === 'unmet' && unmet)
    return sow.yaml.at(
      at(c.targetFrom === 'description' ? 'description' : 'target'),
      unmet,
      'criterion-unmet',
      `${c.id} is not met: the value is ${c.value} (${c.source}), the target ${c.target}${fromText}.`,
    );
  const unverified = model.findingSeverity('criterion-unverified');
  if (c.status !== 'unverified' || !unverified) return null;
  const where = at(c.targetFrom === 'target' ? 'target' : c.targetFrom === 'description' ? 'description' : 'status');
  let message: string;
  if (c.value !== null && c.target !== null)
    // the value meets the target: only the evidence file is lacking
    message =
      c.evidence === 'none'
        ? `${c.id} has the value ${c.value} against its target ${c.target}${fromText}, but names no evidence file; add evidence: (the file that shows it) so the criterion rests on evidence.`
        : `${c.id} has the value ${c.value} against its target ${c.target}${fromText}, but its evidence ${criterion.evidence} is not in the workspace; add the file so the criterion rests on evidence.`;
  else if (c.target !== null)
    message = `${c.id}${typed === 'met' || typed === 'not_met' ? ` says ${typed}, but` : ''} has no value to check against its target ${c.target}${fromText}: ${c.source}; record one (covenant record ${sow.id} --criterion ${c.id} --value N) or measure it from CSV evidence.`;
  else
    message = `${c.id} says ${typed}, but has no target to check it against; give it a target (e.g. target: ">= 85") and a value (a recorded one, or a column of its CSV evidence).`;
  return sow.yaml.at(where, unverified, 'criterion-unverified', message);
}

/** Criteria: met or unmet by a measured value against the target; a claim with nothing to check it is unverified. */
export function* criterionChecks(model: ContractModel, ctx: RuleContext, out: Diagnostic[]): Generator<void, void, void> {
  // evidence that may not be read (in a folder nobody can read, or a link leading outside) shows nothing
  const exists = (p: string) => ctx.exists(p) && !ctx.unknown(p) && !ctx.leadsOutside(p);
  for (const sow of model.sows) {
    yield;
    model
      .criterionChecks(sow, (p) => ctx.data?.(p), exists)
      .forEach((c, i) => {
        const d = criterionDiagnostic(model, sow, c, i);
        if (d) out.push(d);
      });
  }
}

/** Stop-the-line raisings: a trigger the master names, an existing SOW, resolved after raised; open ones are findings. */
export function stopTheLineChecks(model: ContractModel, unknowns: Unknowns, out: Diagnostic[]): void {
  const master = model.master;
  if (!master) return;
  const triggers = master.data.risk_policy?.stop_the_line_triggers ?? [];
  const openSeverity = model.findingSeverity('stop-the-line-open');
  (master.data.risk_policy?.raised ?? []).forEach((r, i) => {
    const at = (field: string) => ['risk_policy', 'raised', i, field];
    if (!triggers.includes(r.trigger))
      out.push(
        master.yaml.at(
          at('trigger'),
          'error',
          'unknown-reference',
          `${shown(r.trigger)} is not a stop-the-line trigger of this contract; risk_policy.stop_the_line_triggers names ${triggers.length ? or(triggers.map((t) => shown(t))) : 'none'}.`,
        ),
      );
    if (r.sow !== undefined && !model.knownIds.sow.has(r.sow) && !unknowns.sowFolder)
      out.push(master.yaml.at(at('sow'), 'error', 'unknown-reference', `sow names ${shown(r.sow)}, but there is no SOW with that id.`));
    const raised = dayNumber(r.date);
    const resolved = r.resolved === undefined ? null : dayNumber(r.resolved);
    if (raised !== null && resolved !== null && resolved < raised)
      out.push(master.yaml.at(at('resolved'), 'error', 'date-order', `resolved (${r.resolved}) is before the date it was raised (${r.date}).`));
    if (r.resolved === undefined && openSeverity)
      out.push(
        master.yaml.at(
          at('trigger'),
          openSeverity,
          'stop-the-line-open',
          `Stop-the-line ${shown(r.trigger)} raised ${r.date}${r.sow ? ` against ${r.sow}` : ''} is open: work stops until it is resolved (set resolved: to the date)${model.enforcementMode() === 'enforce' && r.sow ? `; ${r.sow}'s gates fail meanwhile` : ''}.`,
        ),
      );
  });
}
