/**
 * Workspace rules about change requests and the people who decide them: references, requestor and approvers, the
 * computed verdict, decision rights and SLAs, reviews, the addendum that implements a change, approvals signed by
 * members, and the members governance names.
 */
import { allApprovalStates, approvalFindings } from '../approvals.js';
import { escalationsOf, judgedAt, measureReviews, type EscalationFigure, type ReviewFigure } from '../collaboration.js';
import { dayNumber } from '../dates.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ContractModel, Doc } from '../model/contract.js';
import type { ChangeRequest } from '../model/schema-types.js';
import { resolveRefPath } from '../paths.js';
import { sshKeyProblem } from '../ssh-key.js';
import { shown } from '../shown.js';
import type { PathSegment } from '../yaml/locate.js';
import { checkRefPath, or, type RuleContext, type Unknowns } from './context.js';

/** What the CR rules work out once for all CRs. */
interface CrRuleSetting {
  model: ContractModel;
  ctx: RuleContext;
  unknowns: Unknowns;
  today: number | null;
  roles: Set<string>;
  areas: string[];
  escalationOf: Map<string, EscalationFigure>;
  reviewOf: Map<string, ReviewFigure>;
  reviewSlo: number | null;
}

/** The SOWs, decision record and addendum a CR names exist; a cited ADR that is superseded says by which. */
function crReferences(s: CrRuleSetting, cr: Doc<ChangeRequest>, out: Diagnostic[]): void {
  const { model, ctx } = s;
  const y = cr.yaml;
  const data = cr.data;
  (data.sows ?? []).forEach((ref, i) => {
    if (!model.knownIds.sow.has(ref) && !s.unknowns.sowFolder)
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
}

/** People: requestor and approvers must be someone governance knows. */
function crPeople(s: CrRuleSetting, cr: Doc<ChangeRequest>, out: Diagnostic[]): void {
  const { model, roles } = s;
  if (!model.master || roles.size === 0) return;
  const y = cr.yaml;
  const data = cr.data;
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

/** The declared verdict against the computed one; a major change approved without a decision record. */
function crVerdict(s: CrRuleSetting, cr: Doc<ChangeRequest>, out: Diagnostic[]): void {
  const y = cr.yaml;
  const data = cr.data;
  const status = data.decision.status;
  const v = s.model.verdict(cr);
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
}

/** Every decision-rights row: the CR's area must be one, its owner decides, its SLA times the decision and the review. */
function crDecisionRights(s: CrRuleSetting, cr: Doc<ChangeRequest>, out: Diagnostic[]): void {
  const { model, areas, ctx, today } = s;
  const y = cr.yaml;
  const data = cr.data;
  const status = data.decision.status;
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
      const esc = s.escalationOf.get(cr.path);
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
  const review = s.reviewOf.get(cr.path);
  const reviewSeverity = model.findingSeverity('review-overdue');
  if (review && review.reviewed === null && review.withinSlo === false && s.reviewSlo !== null && reviewSeverity) {
    out.push(
      y.at(
        ['decision', 'status'],
        reviewSeverity,
        'review-overdue',
        `No review is recorded since the request (${review.requested!.slice(0, 16).replace('T', ' ')} UTC); the review turnaround SLO is ${s.reviewSlo} hours. Record one with covenant review ${cr.id} or in the app.`,
      ),
    );
  }
}

/** The end of the process: an approved change is implemented by applying its addendum. */
function crImplemented(s: CrRuleSetting, cr: Doc<ChangeRequest>, out: Diagnostic[]): void {
  const y = cr.yaml;
  const data = cr.data;
  const status = data.decision.status;
  const v = s.model.verdict(cr);
  const verdict = v.verdict ?? v.declared;
  const addendum = s.model.addendumOf(cr);
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

/** Every change request, one at a time. */
export function* crChecks(model: ContractModel, ctx: RuleContext, unknowns: Unknowns, out: Diagnostic[]): Generator<void, void, void> {
  // only what the rules need of the measured figures (the dashboard computes the rest)
  const history = ctx.history ? { get: (p: string) => ctx.history!(p) } : undefined;
  const now = judgedAt(ctx.today);
  // only a request still waiting can be overdue
  const measured = measureReviews({ model, history, now }, (cr) => cr.data.decision.status === 'proposed');
  const setting: CrRuleSetting = {
    model,
    ctx,
    unknowns,
    today: dayNumber(ctx.today),
    roles: model.roles(),
    areas: model.master?.data.governance.decision_rights.map((r) => r.area) ?? [],
    escalationOf: new Map(escalationsOf({ model, history, today: ctx.today }).map((e) => [e.path, e])),
    reviewOf: new Map(measured.reviews.map((r) => [r.path, r])),
    reviewSlo: measured.measure.sloHours,
  };
  for (const cr of model.crs) {
    yield;
    crReferences(setting, cr, out);
    crPeople(setting, cr, out);
    crVerdict(setting, cr, out);
    crDecisionRights(setting, cr, out);
    crImplemented(setting, cr, out);
  }
}

/** Approvals: each signed over its commit by a key the trust root holds for its member, in a role the decision needs,
 * on the version that stands; and a decision typed only when its signatures make it. */
export function* approvalChecks(model: ContractModel, ctx: RuleContext, out: Diagnostic[]): Generator<void, void, void> {
  const docs = [model.master, ...model.crs, ...model.sows];
  if (!model.trust().members.length && !docs.some((d) => d?.data.approvals?.length)) return;
  yield;
  const states = allApprovalStates(model, ctx.signatures);
  const docOf = (file: string) => [model.master, ...model.crs, ...model.sows].find((d) => d?.path === file);
  for (const check of states.flatMap((s) => s.checks)) {
    if (check.status === 'holds') continue;
    const code = check.status === 'role-missing' || check.status === 'not-a-member' ? 'approval-unauthorised' : 'approval-unverified';
    const severity = model.findingSeverity(code);
    const doc = docOf(check.file);
    if (severity && doc) out.push(doc.yaml.at(['approvals', check.index, 'member'], severity, code, check.message));
  }
  for (const f of approvalFindings(model, states)) {
    const severity = model.findingSeverity(f.code);
    const doc = docOf(f.file);
    if (severity && doc) out.push(doc.yaml.at(f.at, severity, f.code, f.message));
  }
}

/** The people governance names must be members or roles they hold. */
export function memberChecks(model: ContractModel, out: Diagnostic[]): void {
  const members = model.members();
  if (!model.master || !members.length) return;
  const y = model.master.yaml;
  const known = model.roles();
  const seen = new Set<string>();
  members.forEach((m, i) => {
    if (seen.has(m.id)) out.push(y.at(['governance', 'members', i, 'id'], 'error', 'duplicate-id', `Member ${shown(m.id)} is listed twice.`));
    seen.add(m.id);
    const weak = m.ssh_key ? sshKeyProblem(m.ssh_key) : null;
    if (weak) out.push(y.at(['governance', 'members', i, 'ssh_key'], 'error', 'key-refused', `${m.name}'s ssh_key cannot sign for them: ${weak}.`));
  });
  const unknown = (name: string, at: PathSegment[], what: string) => {
    if (!known.has(name))
      out.push(
        y.at(at, 'error', 'unknown-party', `${what} ${shown(name)} is no member and no role a member holds; add the member, or the role to a member's roles.`),
      );
  };
  model.master.data.governance.decision_rights.forEach((r, i) => unknown(r.owner, ['governance', 'decision_rights', i, 'owner'], 'owner'));
  (model.master.data.governance.escalation ?? []).forEach((e, i) =>
    e.notify.forEach((n, j) => unknown(n, ['governance', 'escalation', i, 'notify', j], 'notify')),
  );
  (model.master.data.governance.steering_committee ?? []).forEach((n, i) => unknown(n, ['governance', 'steering_committee', i], 'steering committee member'));
}
