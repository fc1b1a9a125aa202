/**
 * The compliance figures, computed once for the dashboard, the PDF and the Prometheus export: gate pass rate, criteria
 * met, change requests by verdict, stage and area, change lead time, decisions within their SLA, the measured
 * collaboration figures (review turnaround, defect triage, decision rights, escalations, forecast error; see
 * collaboration.ts), scope volatility, stop-the-line triggers, value hypothesis against measured impact, and the
 * validation status.
 */
import { computeCollaboration, judgedAt, quantile, type CollaborationFigures } from './collaboration.js';
import { approvalState, type ApprovalCheck, type ApprovalState, type SignatureFact } from './approvals.js';
import { addDays, dayNumber, todayIso } from './dates.js';
import type { Diagnostic } from './diagnostics.js';
import type { ContractModel, Doc, GateState } from './model/contract.js';
import type { Sow } from './model/schema-types.js';
import type { CriterionCheck } from './measure.js';

export interface ComplianceInput {
  model: ContractModel;
  /** Whether a workspace path exists (evidence). */
  exists(path: string): boolean;
  /** Dates from git for CRs without created: / decision.date, by CR path. */
  history?: ReadonlyMap<string, { created?: string; createdAt?: string; decided?: string }>;
  /** Scope volatility per SOW path (from git history), when known. */
  volatility?: ReadonlyMap<string, number>;
  diagnostics: readonly Diagnostic[];
  /** The day the figures are for (YYYY-MM-DD), for decisions overdue and gates missing by then; default the real date. */
  today?: string;
  /** Signature facts of approvals by file (from git). */
  signatures?: ReadonlyMap<string, readonly SignatureFact[]>;
  /** Evidence data files' texts (CSV), for criteria measured from them. */
  data?: (path: string) => { text: string } | { problem: string } | undefined;
}

/** A gate as the figures show it: its status from recorded results, and the result that decided it. */
export interface GateFigure {
  name: string;
  validator: string;
  /** pending: no result while the iteration runs; missing: none after its last day (it never ran). */
  status: GateState;
  /** Why the gate fails whatever its results say: an open stop-the-line raising against the SOW (under enforcement). */
  stoppedBy: string | null;
  /** The deciding result: when, by whom, from what (null without one). */
  result: { path: string; at: string; by: string | null; source: string; failing: string[]; note: string | null } | null;
}

export interface SowFigures {
  id: string;
  path: string;
  /** The iteration's last day (dates.end): after it, a gate with no result is missing. */
  end: string;
  gates: GateFigure[];
  gatesPassed: number;
  gatesFailed: number;
  /** Gates whose status was typed into the SOW with no recorded result behind it. */
  gatesUnverified: number;
  /** Gates with no result after the iteration's last day: they never ran. */
  gatesMissing: number;
  /** passed / declared (a gate not passed, for whatever reason, is not passed); null when the SOW declares no gate. */
  gatePassRatio: number | null;
  criteria: number;
  /** Each criterion checked against its target: met, unmet or unverified, with the value and where it came from. */
  criterionChecks: CriterionCheck[];
  criteriaMet: number;
  criteriaMetRatio: number | null;
  scopeVolatility: number | null;
  valueHypothesis: string | null;
  measuredImpact: string | null;
  /** Agreement from the signatures: what it needs, in words, who is awaited, each signature judged. */
  approvals: Signatures;
}

/** A document's signatures as the dashboard shows them (approvals.ts approvalState). */
export interface Signatures {
  required: string | null;
  outcome: 'approved' | 'rejected' | 'withdrawn' | null;
  words: string;
  awaited: string[];
  checks: ApprovalCheck[];
}

const signaturesOf = (s: ApprovalState): Signatures => ({
  required: s.requirement ? s.needs : null,
  outcome: s.outcome,
  words: s.words,
  awaited: s.outcome ? [] : s.awaitedMembers,
  checks: s.checks,
});

export interface CrFigures {
  id: string;
  path: string;
  status: string;
  verdict: 'minor' | 'major' | null;
  /** The master version the verdict was computed against. */
  judgedAgainst: string;
  /** proposed, approved, implemented (addendum applied), rejected or withdrawn. */
  stage: 'proposed' | 'approved' | 'implemented' | 'rejected' | 'withdrawn';
  /** The addendum's path, when there is one. */
  addendum: string | null;
  /** The decision-rights area, its owner and SLA (null when the master has no row for it). */
  area: string;
  owner: string | null;
  slaDays: number | null;
  created: string | null;
  decided: string | null;
  /** created -> decision, in days. */
  leadTimeDays: number | null;
  withinSla: boolean | null;
  /** Approval routing, from the signatures (approvals.ts approvalState): what the decision needs, who has signed, which
   * members are awaited, by when, and in words. */
  approvals: {
    /** "client and supplier", "steering_committee", or why nothing is required. */
    required: string | null;
    /** Members whose approval holds (signed over that commit with a trusted key, in a required role, on this version). */
    signed: string[];
    /** Members who could sign a role still needed (empty once decided). */
    awaited: string[];
    /** The roles still needed. */
    awaitedRoles: string[];
    /** What the signatures decide (null while open). */
    outcome: 'approved' | 'rejected' | 'withdrawn' | null;
    /** "approved: signed by ...", "awaited: supplier (signed by ...)". */
    words: string;
    /** created + sla_days, when both are known. */
    due: string | null;
    checks: ApprovalCheck[];
  };
  /** For a proposed CR: days past its area's decision SLA by `today` (0 within it); null when unknown. */
  overdueDays: number | null;
}

export interface Compliance {
  /** report: compliance findings are warnings; enforce: errors (the master's enforcement.mode). */
  enforcement: 'report' | 'enforce';
  /** Whose signatures count (the trust root, in words), and the master's own approval by its parties. */
  trust: { label: string; basis: 'approved' | 'first-commit' | 'as-saved'; master: Signatures | null };
  sows: SowFigures[];
  crs: CrFigures[];
  openChangeRequests: number;
  /** verdict|status -> count */
  changeRequests: { verdict: string; status: string; count: number }[];
  leadTime: { count: number; sum: number; median: number | null; p90: number | null };
  /** Decisions taken within their area's SLA, over all areas. */
  decisionSlaAdherence: number | null;
  /** Review turnaround within collaboration_slos.review_turnaround_hours (measured from review records). */
  reviewSlaAdherence: number | null;
  scopeSlaDays: number | null;
  collaboration: CollaborationFigures;
  /** Each member's approvals awaited (decision owner role held, not yet signed), with the due date and whether it is past. */
  pendingApprovals: { member: string; name: string; cr: string; path: string; due: string | null; overdue: boolean }[];
  stopTheLineRaised: { trigger: string; date: string; sow?: string; open: boolean }[];
  diagnostics: { error: number; warning: number; info: number };
}

export { quantile };

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/** One SOW's figures: its gates as of `day`, its criteria checked, scope volatility, value hypothesis. */
function sowFigures(input: ComplianceInput, doc: Doc<Sow>, day: string): SowFigures {
  const { model } = input;
  const { path, id, data } = doc;
  const gates: GateFigure[] = model.gateStatuses(doc, day).map((g) => ({
    name: g.gate,
    validator: g.validator,
    status: g.status,
    stoppedBy: g.stoppedBy ? `stop-the-line ${g.stoppedBy.trigger} raised ${g.stoppedBy.date} is open` : null,
    result: g.result
      ? {
          path: g.result.path,
          at: g.result.data.recorded.at,
          by: g.result.data.recorded.by ?? null,
          source: g.result.data.source.file ?? g.result.data.source.kind,
          failing: g.result.data.failing ?? [],
          note: g.result.data.recorded.note ?? null,
        }
      : null,
  }));
  const passed = gates.filter((g) => g.status === 'passed').length;
  const failed = gates.filter((g) => g.status === 'failed').length;
  const criteria = data.acceptance_criteria;
  // met only when a measured value meets the target, never because someone typed met
  const checks = model.criterionChecks(doc, input.data ?? (() => undefined), input.exists);
  const met = checks.filter((c) => c.status === 'met').length;
  return {
    id,
    path,
    end: data.dates.end,
    gates,
    gatesPassed: passed,
    gatesFailed: failed,
    gatesUnverified: gates.filter((g) => g.status === 'unverified').length,
    gatesMissing: gates.filter((g) => g.status === 'missing').length,
    gatePassRatio: ratio(passed, gates.length),
    criteria: criteria.length,
    criterionChecks: checks,
    criteriaMet: met,
    criteriaMetRatio: ratio(met, criteria.length),
    scopeVolatility: input.volatility?.get(path) ?? null,
    valueHypothesis: data.value_hypothesis ?? null,
    measuredImpact: data.measured_impact ?? null,
    approvals: signaturesOf(approvalState(model, doc, input.signatures?.get(path))),
  };
}

export function computeCompliance(input: ComplianceInput): Compliance {
  const { model } = input;
  const scopeSla = model.decisionRight('scope')?.sla_days ?? null;
  const day = input.today ?? todayIso();
  const today = input.today ? dayNumber(input.today) : null;

  const sows = model.sows.map((doc) => sowFigures(input, doc, day));

  const crs: CrFigures[] = model.crs.map((cr) => {
    const { path, id, data } = cr;
    const history = input.history?.get(path);
    const status = data.decision.status;
    const v = model.verdict(cr);
    const area = model.areaOf(cr);
    const right = model.decisionRight(area);
    const sla = right?.sla_days ?? null;
    const created = data.created ?? history?.created ?? null;
    const decided = status === 'proposed' ? null : (data.decision.date ?? history?.decided ?? null);
    const a = created === null ? null : dayNumber(created);
    const b = decided === null ? null : dayNumber(decided);
    // decided before created (history dates of an imported CR): the lead time is unknown, not negative
    const lead = a !== null && b !== null && b >= a ? b - a : null;
    const state = approvalState(model, cr, input.signatures?.get(path));
    return {
      id,
      path,
      status,
      verdict: v.verdict ?? v.declared,
      judgedAgainst: v.master.label,
      stage: model.stage(cr),
      addendum: model.addendumOf(cr)?.path ?? null,
      area,
      owner: right?.owner ?? null,
      slaDays: sla,
      approvals: {
        required: state.requirement ? state.needs : null,
        signed: state.signed.map((s) => s.member),
        // open decisions only: a decision typed without its signatures is a finding (decision-unsigned), not a pending one
        awaited: status !== 'proposed' || state.outcome ? [] : state.awaitedMembers,
        awaitedRoles: state.awaited,
        outcome: state.outcome,
        words: state.words,
        due: a !== null && sla !== null ? addDays(created!, sla) : null,
        checks: state.checks,
      },
      created,
      decided,
      leadTimeDays: lead,
      withinSla: lead === null || sla === null ? null : lead <= sla,
      overdueDays: status !== 'proposed' || a === null || sla === null || today === null ? null : Math.max(0, today - a - sla),
    };
  });

  const groups = new Map<string, number>();
  for (const c of crs) {
    const k = `${c.verdict ?? 'unknown'}|${c.status}`;
    groups.set(k, (groups.get(k) ?? 0) + 1);
  }
  const leads = crs
    .map((c) => c.leadTimeDays)
    .filter((d): d is number => d !== null)
    .sort((x, y) => x - y);
  const judged = crs.filter((c) => c.withinSla !== null);
  const collaboration = computeCollaboration({
    model,
    history: input.history,
    today: input.today ?? null,
    now: judgedAt(input.today),
    leadDays: new Map(crs.map((c) => [c.path, c.leadTimeDays])),
  });
  const pendingApprovals: Compliance['pendingApprovals'] = [];
  for (const c of crs)
    for (const id of c.approvals.awaited) {
      const due = c.approvals.due;
      const d = due === null ? null : dayNumber(due);
      pendingApprovals.push({
        member: id,
        name: model.trust().members.find((m) => m.id === id)?.name ?? id,
        cr: c.id,
        path: c.path,
        due,
        overdue: d !== null && today !== null && today > d,
      });
    }
  pendingApprovals.sort((x, y) => x.member.localeCompare(y.member) || (x.due ?? '9').localeCompare(y.due ?? '9'));
  const diagnostics = { error: 0, warning: 0, info: 0 };
  for (const d of input.diagnostics) diagnostics[d.severity]++;

  const trust = model.trust();
  return {
    enforcement: model.enforcementMode(),
    trust: {
      label: trust.label,
      basis: trust.basis,
      master: model.master ? signaturesOf(approvalState(model, model.master, input.signatures?.get(model.master.path))) : null,
    },
    sows,
    crs,
    openChangeRequests: crs.filter((c) => c.status === 'proposed').length,
    changeRequests: [...groups]
      .map(([k, count]) => ({ verdict: k.split('|')[0]!, status: k.split('|')[1]!, count }))
      .sort((x, y) => (x.verdict + x.status).localeCompare(y.verdict + y.status)),
    leadTime: { count: leads.length, sum: leads.reduce((s, d) => s + d, 0), median: quantile(leads, 0.5), p90: quantile(leads, 0.9) },
    decisionSlaAdherence: ratio(judged.filter((c) => c.withinSla).length, judged.length),
    reviewSlaAdherence: collaboration.reviewTurnaround.adherence,
    scopeSlaDays: scopeSla,
    collaboration,
    pendingApprovals,
    stopTheLineRaised: (model.master?.data.risk_policy?.raised ?? []).map((r) => ({
      trigger: r.trigger,
      date: r.date,
      sow: r.sow,
      open: r.resolved === undefined,
    })),
    diagnostics,
  };
}
