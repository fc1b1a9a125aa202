import { fromMinor } from '../common/ledger.js';
import type { Figures } from '../common/figures.js';

/** What the figures show: the commit and whether the saved files differ from it. */
export interface MetricsSource {
  commit: string | null;
  uncommitted: boolean;
}

type Labels = Record<string, string>;

/** A value as the exposition format writes it: NaN, +Inf, -Inf, or the number. */
function value(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const escapeLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function series(name: string, labels: Labels, v: number): string {
  const keys = Object.keys(labels);
  const l = keys.length ? `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}` : '';
  return `${name}${l} ${value(v)}`;
}

/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: a family is its HELP and TYPE lines and
 * its samples. Gauges hold one value per label set; summaries are the core's own quantiles (never an estimate), the
 * sum and the count of the observations.
 */
class Exposition {
  private readonly lines: string[] = [];

  gauge(name: string, help: string, samples: readonly [Labels, number][]): void {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} gauge`);
    for (const [labels, v] of samples) this.lines.push(series(name, labels, v));
  }

  /** A summary: each quantile as the core computed it (NaN when unknown), then _sum and _count of `observed`. */
  summary(name: string, help: string, quantiles: readonly [number, number | null][], observed: readonly number[]): void {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} summary`);
    for (const [q, v] of quantiles) this.lines.push(series(name, { quantile: String(q) }, v ?? Number.NaN));
    this.lines.push(
      series(
        `${name}_sum`,
        {},
        observed.reduce((a, b) => a + b, 0),
      ),
      series(`${name}_count`, {}, observed.length),
    );
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

const DAY = 86_400;
const HOUR = 3600;
// durations come from ISO instants (milliseconds at best): in seconds to the millisecond, without float noise
const seconds = (x: number, unit: number) => Math.round(x * unit * 1000) / 1000;
const times = (x: number | null, unit: number) => (x === null ? null : seconds(x, unit));

/**
 * The figures in the Prometheus text exposition format (for node_exporter's textfile collector): the very numbers the
 * dashboard and the PDF show, quantiles included (nearest rank over the observations, so always one of them).
 * Unknown is NaN, never 0 and never a missing series. Money is in the currency's major unit.
 */
export async function prometheusText(f: Figures, source?: MetricsSource): Promise<string> {
  const out = new Exposition();
  const { compliance: c } = f;
  out.gauge('covenant_open_change_requests', 'Change requests whose decision is still proposed.', [[{}, c.openChangeRequests]]);
  out.gauge(
    'covenant_change_requests',
    'Change requests by computed verdict and decision status.',
    c.changeRequests.map((g) => [{ verdict: g.verdict, status: g.status }, g.count]),
  );
  out.gauge(
    'covenant_gate_pass_ratio',
    'Share of the gates a SOW declares that passed (a failed, unverified, pending or missing gate is not passed); NaN when it declares none.',
    c.sows.map((s) => [{ sow: s.id }, s.gatePassRatio ?? Number.NaN]),
  );
  out.gauge(
    'covenant_acceptance_criteria_met_ratio',
    'Share of acceptance criteria met, per SOW: a measured value (from CSV evidence or a recorded value) meets the target and the evidence file is there.',
    c.sows.map((s) => [{ sow: s.id }, s.criteriaMetRatio ?? Number.NaN]),
  );
  out.gauge(
    'covenant_scope_volatility_ratio',
    "Share of a SOW's goals and acceptance criteria added or removed after its start date.",
    c.sows.map((s) => [{ sow: s.id }, s.scopeVolatility ?? Number.NaN]),
  );
  // one series per gate and status, 1 for the status the evidence gives it (the kube-state-metrics style)
  out.gauge(
    'covenant_gate_status',
    'Status of each gate from its latest recorded result: 1 for the current status (passed, failed, unverified, pending while the iteration runs, missing after it ended), 0 otherwise.',
    c.sows.flatMap((s) =>
      s.gates.flatMap((g) =>
        (['passed', 'failed', 'unverified', 'pending', 'missing'] as const).map((status): [Labels, number] => [
          { sow: s.id, gate: g.name, status },
          g.status === status ? 1 : 0,
        ]),
      ),
    ),
  );
  out.gauge(
    'covenant_decision_overdue_seconds',
    "For each proposed change request: time past its decision-rights area's SLA (0 while within it). Absent when its creation date or the SLA is unknown.",
    c.crs.filter((cr) => cr.overdueDays !== null).map((cr) => [{ cr: cr.id }, cr.overdueDays! * DAY]),
  );
  out.gauge('covenant_enforcement_enforced', '1 when the master enforces compliance findings as errors, 0 when it only reports them.', [
    [{}, c.enforcement === 'enforce' ? 1 : 0],
  ]);
  // In seconds, Prometheus' base unit: promtool rejects a _days metric ("use base unit seconds"). Dashboards divide by 86400.
  out.summary(
    'covenant_change_lead_time_seconds',
    'Time from a change request being created to its decision (whole days, in seconds).',
    [
      [0.5, times(c.leadTime.median, DAY)],
      [0.9, times(c.leadTime.p90, DAY)],
    ],
    c.crs.filter((cr) => cr.leadTimeDays !== null).map((cr) => seconds(cr.leadTimeDays!, DAY)),
  );
  collaborationMetrics(out, f);
  out.gauge('covenant_stop_the_line_raised', 'Stop-the-line triggers raised, as recorded in the master contract.', [[{}, c.stopTheLineRaised.length]]);
  out.gauge('covenant_stop_the_line_open', 'Stop-the-line triggers raised and not resolved yet: work is stopped.', [
    [{}, c.stopTheLineRaised.filter((r) => r.open).length],
  ]);
  // what the numbers show: which commit, and whether the saved files differ from it (figures never include unsaved edits here)
  if (source)
    out.gauge('covenant_source_info', 'The commit the figures were computed at (empty outside a repository) and whether the saved files differ from it.', [
      [{ commit: source.commit ?? '', uncommitted: String(source.uncommitted) }, 1],
    ]);
  out.gauge('covenant_files_left_out', 'Contract files that fail their schema and are in no figure.', [[{}, f.leftOut.length]]);
  out.gauge(
    'covenant_validation_diagnostics',
    'Validation diagnostics of the workspace by severity.',
    (['error', 'warning', 'info'] as const).map((sev) => [{ severity: sev }, c.diagnostics[sev]]),
  );
  ledgerMetrics(out, f);
  return out.text();
}

/** Reviews, decision responses, defect triage, escalations and forecasts: the measured collaboration figures. */
function collaborationMetrics(out: Exposition, f: Figures): void {
  const col = f.compliance.collaboration;
  // a ratio with nothing to judge is unknown, not 0: NaN, as Prometheus writes unknown
  out.gauge(
    'covenant_decision_sla_adherence_ratio',
    "Share of decided change requests decided within their decision-rights area's SLA, per area (owner in a label).",
    col.decisionRights.map((r) => [{ area: r.area, owner: r.owner }, r.adherence ?? Number.NaN]),
  );
  out.gauge(
    'covenant_review_sla_adherence_ratio',
    'Share of change-request reviews completed within collaboration_slos.review_turnaround_hours (open requests already past it count as missed); NaN with nothing to judge.',
    [[{}, col.reviewTurnaround.adherence ?? Number.NaN]],
  );
  out.gauge(
    'covenant_decision_response_adherence_ratio',
    'Share of change requests answered (any review, a comment too, or the decision) within collaboration_slos.decision_response_hours; NaN with nothing to judge.',
    [[{}, col.decisionResponse.adherence ?? Number.NaN]],
  );
  const rt = col.reviewTurnaround;
  out.summary(
    'covenant_review_turnaround_seconds',
    "Time from a change request's creation to its first completed review (or its decision when no review is recorded).",
    [
      [0.5, times(rt.median, HOUR)],
      [0.9, times(rt.p90, HOUR)],
    ],
    col.reviews.filter((r) => r.hours !== null).map((r) => seconds(r.hours!, HOUR)),
  );
  out.gauge('covenant_reviews_overdue', 'Change requests still waiting for a review past the review turnaround SLO.', [
    [{}, col.reviews.filter((r) => r.reviewed === null && r.withinSlo === false).length],
  ]);
  out.gauge(
    'covenant_defect_triage_adherence_ratio',
    'Share of imported defects triaged within collaboration_slos.defect_triage_hours (untriaged ones already past it count as missed); NaN with nothing to judge.',
    [[{}, col.defectTriage.adherence ?? Number.NaN]],
  );
  const dt = col.defectTriage;
  out.summary(
    'covenant_defect_triage_seconds',
    'Time from a defect being reported to its triage, from imported tracker records.',
    [
      [0.5, times(dt.median, HOUR)],
      [0.9, times(dt.p90, HOUR)],
    ],
    col.defects.filter((d) => d.hours !== null).map((d) => seconds(d.hours!, HOUR)),
  );
  out.gauge(
    'covenant_defects_untriaged',
    'Imported defects not triaged yet, split by whether the triage SLO has passed.',
    [true, false].map((overdue) => [{ overdue: String(overdue) }, col.defects.filter((d) => d.triaged === null && (d.withinSlo === false) === overdue).length]),
  );
  out.gauge(
    'covenant_escalation_step',
    'For each open change request past a step of governance.escalation: the step that applies (1 = first).',
    col.escalations.map((e) => [{ cr: e.cr, area: e.area }, e.step]),
  );
  out.gauge(
    'covenant_escalation_notify',
    'Who is to be notified for an escalated change request (1 per recipient of the step that applies).',
    col.escalations.flatMap((e) => e.notify.map((n): [Labels, number] => [{ cr: e.cr, step: String(e.step), notify: n }, 1])),
  );
  out.gauge(
    'covenant_iteration_forecast_error',
    'iteration_forecast_error per SOW: kind=cost is (actual - forecast) / forecast from the ledger; kind=schedule is the slip of the day the last gate passed over the forecast end, as a share of the planned duration.',
    col.forecasts.flatMap((x): [Labels, number][] => [
      [{ sow: x.sow, kind: 'cost' }, x.cost.error ?? Number.NaN],
      [{ sow: x.sow, kind: 'schedule' }, x.schedule.error ?? Number.NaN],
    ]),
  );
  out.gauge(
    'covenant_iteration_schedule_slip_seconds',
    'Days (in seconds) between the forecast end of a SOW and the day its last gate passed; negative when early.',
    col.forecasts.map((x) => [{ sow: x.sow }, x.schedule.slipDays === null ? Number.NaN : x.schedule.slipDays * DAY]),
  );
}

/** The ledger: variance per period, and the shares borne (pain) and earned or kept (gain), in the major unit. */
function ledgerMetrics(out: Exposition, f: Figures): void {
  const ledger = f.ledger;
  const currency = ledger ? `, in ${ledger.currency}` : '';
  const rows = ledger?.rows ?? [];
  const major = (minor: number) => fromMinor(minor, ledger!.digits);
  out.gauge(
    'covenant_ledger_variance',
    `Actual minus target cost per period${currency}.`,
    rows.map((r) => [{ period: r.period, currency: ledger!.currency }, major(r.variance)]),
  );
  // cumulative over the periods, split into what was borne (pain) and earned/kept (gain): never negative, but
  // recomputed from the ledger each time (an entry corrected downwards lowers them), so gauges, not counters
  const sum = (pick: (r: (typeof rows)[number]) => number, kind: 'pain' | 'gain') =>
    rows.filter((r) => r.kind === kind).reduce((t, r) => t + Math.abs(pick(r)), 0);
  const shares = (pick: (r: (typeof rows)[number]) => number): [Labels, number][] =>
    ledger ? (['pain', 'gain'] as const).map((kind) => [{ kind, currency: ledger.currency }, major(sum(pick, kind))]) : [];
  out.gauge(
    'covenant_ledger_supplier_share',
    `Supplier's share of overruns borne (kind=pain) and savings earned (kind=gain)${currency}.`,
    shares((r) => r.supplierShare),
  );
  out.gauge(
    'covenant_ledger_client_share',
    `Client's share of overruns borne (kind=pain) and savings kept (kind=gain)${currency}.`,
    shares((r) => r.clientShare),
  );
}
