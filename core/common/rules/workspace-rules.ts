import { dayNumber } from '../dates.js';
import type { Diagnostic } from '../diagnostics.js';
import { rawId, type ContractModel, type ModelInput } from '../model/contract.js';
import { crPath, idFromPath, KIND_LABELS, MASTER_PATH, type FileKind } from '../model/kinds.js';
import { describeRefRefusal, resolveRefPath } from '../paths.js';
import { quoted, shown } from '../shown.js';
import type { PathSegment } from '../yaml/locate.js';
import type { YamlFile } from '../yaml/parse.js';

/** What the rules may ask of the workspace beyond the contract files. */
export interface RuleContext {
  /** Whether a workspace-relative path names an existing file or folder inside the workspace. */
  exists(path: string): boolean;
  /** Whether a path lies in a folder that could not be read: it may exist, nobody can tell. */
  unknown(path: string): boolean;
  /** Whether an existing path is a link that leads outside the workspace. */
  leadsOutside(path: string): boolean;
  /** Today, as YYYY-MM-DD. */
  today: string;
  /** When a CR was created, from git, for CRs without a `created:` field (by CR path). */
  createdFromHistory(path: string): string | undefined;
  /** Evidence data files' texts (CSV), for criteria measured from them. */
  data?(path: string): { text: string } | { problem: string } | undefined;
}

function checkRefPath(
  f: YamlFile,
  raw: string | null | undefined,
  path: PathSegment[],
  field: string,
  ctx: RuleContext,
  out: Diagnostic[],
  missing: 'error' | 'warning',
): void {
  if (raw === undefined || raw === null || raw === '') return;
  const ref = resolveRefPath(raw);
  if (!ref.ok) {
    if (ref.reason !== 'empty')
      out.push(
        f.at(
          path,
          'error',
          'path-outside-workspace',
          `${field} ${describeRefRefusal(ref.reason)} (${quoted(raw)}); evidence and records must be files inside the workspace.`,
        ),
      );
    return;
  }
  if (ctx.leadsOutside(ref.path)) {
    out.push(f.at(path, 'error', 'path-outside-workspace', `${field} ${quoted(raw)} is a link that leads outside the workspace; Covenant will not follow it.`));
  } else if (!ctx.exists(ref.path) && !ctx.unknown(ref.path)) {
    out.push(
      missing === 'warning'
        ? f.at(path, 'warning', 'missing-evidence', `${field} ${quoted(raw)} does not exist yet; add the file to the workspace to evidence the criterion.`)
        : f.at(path, 'error', 'unknown-reference', `${field} points to ${quoted(raw)}, which does not exist in the workspace.`),
    );
  }
}

const or = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);

/**
 * Rules over the whole workspace, on the typed model (files that passed their schema) plus every file's id for
 * duplicate and reference checks. Cheap and linear in the number of files: they run after every change.
 */
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
  // a folder nobody can read may hold the file a reference names: say nothing rather than "no such"
  const crFolderUnknown = ctx.unknown('contracts/changes/x.yaml');
  const sowFolderUnknown = ctx.unknown('contracts/sow/x.yaml');

  // duplicate ids (every file, valid or not)
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

  // SOWs: links to changes, evidence
  for (const sow of model.sows) {
    yield;
    (sow.data.links?.changes ?? []).forEach((ref, i) => {
      if (!model.knownIds.cr.has(ref) && !crFolderUnknown) {
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

  // recorded results: they must name a SOW and one of its gates or criteria
  for (const r of model.results) {
    yield;
    const sow = model.sow(r.data.sow);
    if (!sow) {
      if (!sowFolderUnknown)
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

  // gates: their status comes from recorded results, never from what is typed
  const failedSeverity = model.findingSeverity('gate-failed');
  const unverifiedSeverity = model.findingSeverity('gate-unverified');
  for (const sow of model.sows) {
    yield;
    model.gateStatuses(sow).forEach((g, i) => {
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
      }
    });
  }

  // criteria: met or unmet by a measured value against the target; a claim with nothing to check it is unverified
  const unmetSeverity = model.findingSeverity('criterion-unmet');
  const unverifiedCriterion = model.findingSeverity('criterion-unverified');
  for (const sow of model.sows) {
    yield;
    model
      .criterionChecks(sow, (p) => ctx.data?.(p))
      .forEach((c, i) => {
        const typed = sow.data.acceptance_criteria[i]!.status;
        if (c.status === 'unmet' && unmetSeverity)
          out.push(
            sow.yaml.at(
              ['acceptance_criteria', i, c.targetFrom === 'description' ? 'description' : 'target'],
              unmetSeverity,
              'criterion-unmet',
              `${c.id} is not met: the value is ${c.value} (${c.source}), the target ${c.target}${c.targetFrom === 'description' ? ' (from its description)' : ''}.`,
            ),
          );
        else if (c.status === 'unverified' && unverifiedCriterion)
          out.push(
            sow.yaml.at(
              ['acceptance_criteria', i, c.targetFrom === 'target' ? 'target' : c.targetFrom === 'description' ? 'description' : 'status'],
              unverifiedCriterion,
              'criterion-unverified',
              c.target !== null
                ? `${c.id}${typed === 'met' || typed === 'not_met' ? ` says ${typed}, but` : ''} has no value to check against its target ${c.target}${c.targetFrom === 'description' ? ' (from its description)' : ''}: ${c.source}; record one (covenant record ${sow.id} --criterion ${c.id} --value N) or measure it from CSV evidence.`
                : `${c.id} says ${typed}, but has no target to check it against; give it a target (e.g. target: ">= 85") and a value (a recorded one, or a column of its CSV evidence).`,
            ),
          );
      });
  }

  // stop-the-line raisings: a trigger the master names, an existing SOW, resolved after raised; open ones are findings
  const master = model.master;
  if (master) {
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
      if (r.sow !== undefined && !model.knownIds.sow.has(r.sow) && !sowFolderUnknown)
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

  // CRs
  const scopeSla = model.decisionRight('scope')?.sla_days;
  const today = dayNumber(ctx.today);
  const roles = model.roles();
  for (const cr of model.crs) {
    yield;
    const y = cr.yaml;
    const data = cr.data;
    (data.sows ?? []).forEach((ref, i) => {
      if (!model.knownIds.sow.has(ref) && !sowFolderUnknown)
        out.push(y.at(['sows', i], 'error', 'unknown-reference', `sows names ${shown(ref)}, but there is no SOW with that id.`));
    });
    checkRefPath(y, data.adr, ['adr'], 'adr', ctx, out, 'error');
    const status = data.decision.status;
    const cited = resolveRefPath(data.adr ?? '');
    if (cited.ok && status !== 'rejected' && status !== 'withdrawn') {
      const adrStatus = model.adr(cited.path)?.data.status;
      if (adrStatus?.startsWith('superseded by ')) {
        const by = adrStatus.slice('superseded by '.length);
        out.push(
          y.at(
            ['adr'],
            'warning',
            'adr-superseded',
            `adr cites ${shown(cited.path)}, which is ${shown(adrStatus)}; cite docs/adr/${shown(by)}.md if the new decision covers this change.`,
          ),
        );
      }
    }
    checkRefPath(y, data.addendum, ['addendum'], 'addendum', ctx, out, 'error');

    // people: requestor and approvers must be someone governance knows
    if (model.master && roles.size > 0) {
      const known = [...roles].sort();
      if (data.requestor !== undefined && !roles.has(data.requestor)) {
        out.push(
          y.at(
            ['requestor'],
            'error',
            'unknown-party',
            `requestor ${shown(data.requestor)} is no role in the master contract's governance; expected ${or(known.map((r) => shown(r)))}.`,
          ),
        );
      }
      (data.decision.approvers ?? []).forEach((a, i) => {
        if (!roles.has(a))
          out.push(
            y.at(
              ['decision', 'approvers', i],
              'error',
              'unknown-party',
              `approver ${shown(a)} is no role in the master contract's governance; expected ${or(known.map((r) => shown(r)))}.`,
            ),
          );
      });
    }

    const v = model.verdict(cr);
    if (v.evaluation && v.declared && v.declared !== v.evaluation.verdict) {
      const e = v.evaluation;
      const why =
        e.verdict === 'major' ? e.crossed.map((c) => c.explanation).join('; ') : `no threshold is crossed (${e.checks.map((c) => c.explanation).join('; ')})`;
      out.push(
        y.at(
          ['threshold_eval'],
          'error',
          'threshold-eval-mismatch',
          `threshold_eval is ${v.declared}, but the master contract's thresholds make this change ${e.verdict}: ${why}.`,
        ),
      );
    } else if (v.evaluation && !v.declared) {
      out.push(
        y.at(
          ['impact_analysis'],
          'info',
          'threshold-eval-missing',
          `threshold_eval is not set; the master contract's thresholds make this change ${v.explanation}.`,
          true,
        ),
      );
    }

    const verdict = v.verdict ?? v.declared;
    const adr = data.adr;
    if (status === 'approved' && verdict === 'major' && (adr === undefined || adr === null || adr.trim() === '')) {
      out.push(
        y.at(
          ['decision', 'status'],
          'error',
          'major-change-needs-adr',
          `This major change is approved without a decision record: set adr: to the ADR that records the decision (under docs/adr/).`,
        ),
      );
    }

    if (status === 'proposed' && scopeSla !== undefined && today !== null) {
      const created = data.created ?? ctx.createdFromHistory(cr.path);
      const start = created === undefined ? null : dayNumber(created);
      const severity = model.findingSeverity('decision-overdue');
      if (start !== null && today - start > scopeSla && severity) {
        out.push(
          y.at(
            ['decision', 'status'],
            severity,
            'decision-overdue',
            `This change has been proposed since ${created} (${today - start} days); the scope decision SLA is ${scopeSla} day${scopeSla === 1 ? '' : 's'}.`,
          ),
        );
      }
    }
  }

  // ledger periods
  if (model.ledger) {
    const y = model.ledger.yaml;
    model.ledger.data.entries.forEach((entry, i) => {
      if (!model.knownIds.sow.has(entry.period) && !sowFolderUnknown)
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
}
