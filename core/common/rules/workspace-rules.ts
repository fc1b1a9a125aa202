import { dayNumber } from '../dates.js';
import type { Diagnostic } from '../diagnostics.js';
import { rawId, type ContractModel, type ModelInput } from '../model/contract.js';
import { allApprovalChecks, type SignatureFact } from '../approvals.js';
import { escalationsOf, judgedAt, measureDefects, measureReviews } from '../collaboration.js';
import { addendumPath, crPath, idFromPath, KIND_LABELS, MASTER_PATH, type FileKind } from '../model/kinds.js';
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
  /** Signature facts of approvals, by file (from git); undefined when git was not read. */
  signatures?: ReadonlyMap<string, readonly SignatureFact[]>;
  /** What git knows of a CR (created day, the time of the commit that added it), by CR path. */
  history?(path: string): { created?: string; createdAt?: string } | undefined;
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
  const today = dayNumber(ctx.today);
  const roles = model.roles();
  const areas = model.master?.data.governance.decision_rights.map((r) => r.area) ?? [];
  // only what the rules need of the measured figures (the dashboard computes the rest)
  const history = ctx.history ? { get: (p: string) => ctx.history!(p) } : undefined;
  const now = judgedAt(ctx.today);
  // only a request still waiting can be overdue
  const measured = measureReviews({ model, history, now }, (cr) => cr.data.decision.status === 'proposed');
  const escalationOf = new Map(escalationsOf({ model, history, today: ctx.today }).map((e) => [e.path, e]));
  const reviewOf = new Map(measured.reviews.map((r) => [r.path, r]));
  const reviewSlo = measured.measure.sloHours;
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
      out.push({
        ...y.at(
          ['threshold_eval'],
          'error',
          'threshold-eval-mismatch',
          `threshold_eval is ${v.declared}, but the change is ${e.verdict} under the thresholds of ${v.master.label}${status === 'proposed' || !data.decision.date ? '' : `, in force on ${data.decision.date}`}: ${why}.`,
        ),
        fix: { title: `Declare it ${e.verdict}, as computed`, replacement: e.verdict },
      });
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

    // every decision-rights row: the CR's area must be one, its owner decides, its SLA times the decision
    const area = model.areaOf(cr);
    const right = model.decisionRight(area);
    if (model.master && !right && (data.area !== undefined || areas.length > 0)) {
      out.push(
        y.at(
          data.area !== undefined ? ['area'] : ['decision', 'status'],
          data.area !== undefined ? 'error' : 'warning',
          'unknown-reference',
          data.area !== undefined
            ? `area ${shown(area)} is no decision-rights area of the master contract; expected ${or(areas.map((a) => shown(a)))}.`
            : `This change is decided under the scope area (no area: given), but the master contract's decision rights have no scope row; set area: to ${or(areas.map((a) => shown(a)))}.`,
          data.area === undefined,
        ),
      );
    }
    if (right && status === 'approved' && (data.decision.approvers ?? []).length > 0 && !(data.decision.approvers ?? []).includes(right.owner)) {
      out.push(
        y.at(
          ['decision', 'approvers'],
          'warning',
          'decision-owner',
          `Decisions in the ${shown(area)} area belong to ${shown(right.owner)} (the master's decision rights), who is not among the approvers.`,
        ),
      );
    }
    const sla = right?.sla_days;
    if (status === 'proposed' && sla !== undefined && today !== null) {
      const created = data.created ?? ctx.createdFromHistory(cr.path);
      const start = created === undefined ? null : dayNumber(created);
      const severity = model.findingSeverity('decision-overdue');
      if (start !== null && today - start > sla && severity) {
        const esc = escalationOf.get(cr.path);
        const escalated = esc ? ` Escalation step ${esc.step} (after ${esc.afterDays} days): notify ${esc.notify.join(', ')}.` : '';
        out.push(
          y.at(
            ['decision', 'status'],
            severity,
            'decision-overdue',
            `This change has been proposed since ${created} (${today - start} days); the ${area} decision SLA is ${sla} day${sla === 1 ? '' : 's'} (owner ${right!.owner}).${escalated}`,
          ),
        );
      }
    }
    const review = reviewOf.get(cr.path);
    const reviewSeverity = model.findingSeverity('review-overdue');
    if (review && review.reviewed === null && review.withinSlo === false && reviewSlo !== null && reviewSeverity) {
      out.push(
        y.at(
          ['decision', 'status'],
          reviewSeverity,
          'review-overdue',
          `No review is recorded since the request (${review.requested!.slice(0, 16).replace('T', ' ')} UTC); the review turnaround SLO is ${reviewSlo} hours. Record one with covenant review ${cr.id} or in the app.`,
        ),
      );
    }

    // the end of the process: an approved change is implemented by applying its addendum
    const addendum = model.addendumOf(cr);
    if (data.implemented !== undefined && status !== 'approved')
      out.push(y.at(['implemented'], 'error', 'addendum-mismatch', `Only an approved change can be implemented; this one is ${status}.`));
    else if (data.implemented !== undefined && !addendum?.data.applied)
      out.push(
        y.at(
          ['implemented'],
          'error',
          'addendum-mismatch',
          addendum
            ? `implemented is set, but the addendum ${addendum.path} has not been applied (no applied:); apply it with the wizard or covenant addendum ${cr.id} --apply.`
            : `implemented is set, but there is no addendum listing the edits; write one with the wizard or covenant addendum ${cr.id}.`,
        ),
      );
    else if (data.implemented === undefined && addendum?.data.applied)
      out.push(
        y.at(
          ['decision', 'status'],
          'error',
          'addendum-mismatch',
          `The addendum ${addendum.path} was applied ${addendum.data.applied.at.slice(0, 10)}, but the change does not say implemented: set implemented: ${addendum.data.applied.at.slice(0, 10)}.`,
        ),
      );
    else if (status === 'approved' && verdict === 'major' && data.implemented === undefined)
      out.push(
        y.at(
          ['decision', 'status'],
          'info',
          'addendum-missing',
          addendum
            ? `This approved major change has an addendum (${addendum.path}) that is not applied yet; apply it to implement the change.`
            : `This approved major change has no addendum yet: list the SOW or master edits it makes with the wizard's Implement step (or covenant addendum ${cr.id}).`,
          true,
        ),
      );
  }

  // approvals: signed by the member's key, by a member who holds the role the decision needs
  const approvals = model.crs.some((c) => c.data.approvals?.length) || model.sows.some((x) => x.data.approvals?.length);
  if (approvals) {
    yield;
    for (const check of allApprovalChecks(model, ctx.signatures)) {
      if (check.status === 'valid') continue;
      const code = check.status === 'not-authorised' || check.status === 'unknown-member' ? 'approval-unauthorised' : 'approval-unverified';
      const severity = model.findingSeverity(code);
      const doc = model.crs.find((c) => c.path === check.file) ?? model.sows.find((x) => x.path === check.file);
      if (severity && doc) out.push(doc.yaml.at(['approvals', check.index, 'member'], severity, code, check.message));
    }
  }

  // the people governance names must be members or roles they hold
  const members = model.members();
  if (model.master && members.length) {
    const y = model.master.yaml;
    const known = model.roles();
    const seen = new Set<string>();
    members.forEach((m, i) => {
      if (seen.has(m.id)) out.push(y.at(['governance', 'members', i, 'id'], 'error', 'duplicate-id', `Member ${shown(m.id)} is listed twice.`));
      seen.add(m.id);
    });
    const unknown = (name: string, at: PathSegment[], what: string) => {
      if (!known.has(name))
        out.push(
          y.at(
            at,
            'error',
            'unknown-party',
            `${what} ${shown(name)} is no member and no role a member holds; add the member, or the role to a member's roles.`,
          ),
        );
    };
    model.master.data.governance.decision_rights.forEach((r, i) => unknown(r.owner, ['governance', 'decision_rights', i, 'owner'], 'owner'));
    (model.master.data.governance.escalation ?? []).forEach((e, i) =>
      e.notify.forEach((n, j) => unknown(n, ['governance', 'escalation', i, 'notify', j], 'notify')),
    );
    (model.master.data.governance.steering_committee ?? []).forEach((n, i) => unknown(n, ['governance', 'steering_committee', i], 'steering committee member'));
  }

  // addenda: one per approved change, naming real files
  for (const a of model.addenda) {
    yield;
    const y = a.yaml;
    const expected = addendumPath(a.data.cr);
    if (a.path !== expected && a.path !== expected.replace(/\.yaml$/, '.yml'))
      out.push(y.at(['cr'], 'error', 'id-filename-mismatch', `cr is ${shown(a.data.cr)}, so this addendum belongs at ${expected}.`));
    const cr = model.cr(a.data.cr);
    if (!cr && !model.knownIds.cr.has(a.data.cr) && !crFolderUnknown)
      out.push(y.at(['cr'], 'error', 'unknown-reference', `cr names ${shown(a.data.cr)}, but there is no change request with that id.`));
    else if (cr && cr.data.decision.status !== 'approved' && a.data.applied)
      out.push(y.at(['applied'], 'error', 'addendum-mismatch', `${cr.id} is ${cr.data.decision.status}; only an approved change's addendum can be applied.`));
    a.data.edits.forEach((e, i) => {
      if (!ctx.exists(e.file) && !ctx.unknown(e.file))
        out.push(y.at(['edits', i, 'file'], 'error', 'unknown-reference', `file ${shown(e.file)} does not exist in the workspace.`));
    });
  }

  // defect records: timestamps in order, iterations that exist
  for (const file of model.defects) {
    yield;
    file.data.defects.forEach((d, i) => {
      if (d.triaged !== undefined && Date.parse(d.triaged) < Date.parse(d.reported))
        out.push(file.yaml.at(['defects', i, 'triaged'], 'error', 'date-order', `triaged (${d.triaged}) is before reported (${d.reported}).`));
      if (d.sow !== undefined && !model.knownIds.sow.has(d.sow) && !sowFolderUnknown)
        out.push(file.yaml.at(['defects', i, 'sow'], 'warning', 'unknown-reference', `sow names ${shown(d.sow)}, but there is no SOW with that id.`));
    });
  }
  const triageSeverity = model.findingSeverity('triage-overdue');
  const triage = model.defects.length && triageSeverity ? measureDefects({ model, now }) : null;
  const triageSlo = triage?.measure.sloHours ?? null;
  if (triage && triageSeverity && triageSlo !== null) {
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
