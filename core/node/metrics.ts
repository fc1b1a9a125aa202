import { Gauge, Registry, Summary } from 'prom-client';

/**
 * A summary whose quantiles are NaN while it has no observations, as Prometheus' own clients write them: prom-client
 * would say 0, which reads as "instant" where nothing is known.
 */
function summary(config: ConstructorParameters<typeof Summary<string>>[0]): Summary<string> {
  const s = new Summary(config);
  let observed = 0;
  const observe = s.observe.bind(s);
  s.observe = ((v: number) => {
    observed++;
    observe(v);
  }) as typeof s.observe;
  const get = s.get.bind(s);
  s.get = async () => {
    const m = await get();
    if (observed === 0) m.values = m.values.map((v) => (v.labels.quantile !== undefined ? { ...v, value: Number.NaN } : v));
    return m;
  };
  return s;
}
import { fromMinor } from '../common/ledger.js';
import type { Figures } from '../common/figures.js';

/** What the figures show: the commit and whether the saved files differ from it. */
export interface MetricsSource {
  commit: string | null;
  uncommitted: boolean;
}

/**
 * The figures in the Prometheus text exposition format (for node_exporter's textfile collector), produced with
 * prom-client on a registry of its own (no default process metrics). Money is in the currency's major unit.
 */
export async function prometheusText(f: Figures, source?: MetricsSource): Promise<string> {
  const registry = new Registry();
  const reg = { registers: [registry] };
  const { compliance: c, ledger } = f;

  new Gauge({ name: 'covenant_open_change_requests', help: 'Change requests whose decision is still proposed.', ...reg }).set(c.openChangeRequests);
  const byKind = new Gauge({
    name: 'covenant_change_requests',
    help: 'Change requests by computed verdict and decision status.',
    labelNames: ['verdict', 'status'],
    ...reg,
  });
  for (const g of c.changeRequests) byKind.set({ verdict: g.verdict, status: g.status }, g.count);

  const gates = new Gauge({
    name: 'covenant_gate_pass_ratio',
    help: 'Share of decided gates that passed, per SOW (gates with status passed or failed).',
    labelNames: ['sow'],
    ...reg,
  });
  const criteria = new Gauge({
    name: 'covenant_acceptance_criteria_met_ratio',
    help: 'Share of acceptance criteria met, per SOW: a measured value (from CSV evidence or a recorded value) meets the target.',
    labelNames: ['sow'],
    ...reg,
  });
  const volatility = new Gauge({
    name: 'covenant_scope_volatility_ratio',
    help: "Share of a SOW's goals and acceptance criteria added or removed after its start date.",
    labelNames: ['sow'],
    ...reg,
  });
  for (const s of c.sows) {
    // unknown is NaN, never 0 and never a missing series: the same series every time
    gates.set({ sow: s.id }, s.gatePassRatio ?? Number.NaN);
    criteria.set({ sow: s.id }, s.criteriaMetRatio ?? Number.NaN);
    volatility.set({ sow: s.id }, s.scopeVolatility ?? Number.NaN);
  }

  // one series per gate and status, 1 for the status the evidence gives it (the kube-state-metrics style)
  const gateStatus = new Gauge({
    name: 'covenant_gate_status',
    help: 'Status of each gate from its latest recorded result: 1 for the current status (passed, failed, unverified or pending), 0 otherwise.',
    labelNames: ['sow', 'gate', 'status'],
    ...reg,
  });
  for (const s of c.sows)
    for (const g of s.gates)
      for (const status of ['passed', 'failed', 'unverified', 'pending'] as const)
        gateStatus.set({ sow: s.id, gate: g.name, status }, g.status === status ? 1 : 0);
  const overdue = new Gauge({
    name: 'covenant_decision_overdue_seconds',
    help: "For each proposed change request: time past its decision-rights area's SLA (0 while within it). Absent when its creation date or the SLA is unknown.",
    labelNames: ['cr'],
    ...reg,
  });
  for (const cr of c.crs) if (cr.overdueDays !== null) overdue.set({ cr: cr.id }, cr.overdueDays * 86_400);
  new Gauge({
    name: 'covenant_enforcement_enforced',
    help: '1 when the master enforces compliance findings as errors, 0 when it only reports them.',
    ...reg,
  }).set(c.enforcement === 'enforce' ? 1 : 0);

  // In seconds, Prometheus' base unit: promtool rejects a _days metric ("use base unit seconds"). Dashboards divide by 86400.
  const lead = summary({
    name: 'covenant_change_lead_time_seconds',
    help: 'Time from a change request being created to its decision (whole days, in seconds).',
    percentiles: [0.5, 0.9],
    ...reg,
  });
  for (const cr of c.crs) if (cr.leadTimeDays !== null) lead.observe(cr.leadTimeDays * 86_400);
  // a ratio with nothing to judge is unknown, not 0: NaN, as Prometheus writes unknown
  const col = c.collaboration;
  const decisionAdherence = new Gauge({
    name: 'covenant_decision_sla_adherence_ratio',
    help: "Share of decided change requests decided within their decision-rights area's SLA, per area (owner in a label).",
    labelNames: ['area', 'owner'],
    ...reg,
  });
  for (const r of col.decisionRights) decisionAdherence.set({ area: r.area, owner: r.owner }, r.adherence ?? Number.NaN);
  new Gauge({
    name: 'covenant_review_sla_adherence_ratio',
    help: 'Share of change-request reviews completed within collaboration_slos.review_turnaround_hours (open requests already past it count as missed); NaN with nothing to judge.',
    ...reg,
  }).set(col.reviewTurnaround.adherence ?? Number.NaN);
  new Gauge({
    name: 'covenant_decision_response_adherence_ratio',
    help: 'Share of change requests answered (any review, a comment too, or the decision) within collaboration_slos.decision_response_hours; NaN with nothing to judge.',
    ...reg,
  }).set(col.decisionResponse.adherence ?? Number.NaN);
  const turnaround = summary({
    name: 'covenant_review_turnaround_seconds',
    help: "Time from a change request's creation to its first completed review (or its decision when no review is recorded).",
    percentiles: [0.5, 0.9],
    ...reg,
  });
  for (const r of col.reviews) if (r.hours !== null) turnaround.observe(r.hours * 3600);
  new Gauge({ name: 'covenant_reviews_overdue', help: 'Change requests still waiting for a review past the review turnaround SLO.', ...reg }).set(
    col.reviews.filter((r) => r.reviewed === null && r.withinSlo === false).length,
  );
  new Gauge({
    name: 'covenant_defect_triage_adherence_ratio',
    help: 'Share of imported defects triaged within collaboration_slos.defect_triage_hours (untriaged ones already past it count as missed); NaN with nothing to judge.',
    ...reg,
  }).set(col.defectTriage.adherence ?? Number.NaN);
  const triage = summary({
    name: 'covenant_defect_triage_seconds',
    help: 'Time from a defect being reported to its triage, from imported tracker records.',
    percentiles: [0.5, 0.9],
    ...reg,
  });
  for (const d of col.defects) if (d.hours !== null) triage.observe(d.hours * 3600);
  const untriaged = new Gauge({
    name: 'covenant_defects_untriaged',
    help: 'Imported defects not triaged yet, split by whether the triage SLO has passed.',
    labelNames: ['overdue'],
    ...reg,
  });
  for (const overdue of [true, false])
    untriaged.set({ overdue: String(overdue) }, col.defects.filter((d) => d.triaged === null && (d.withinSlo === false) === overdue).length);
  const escalation = new Gauge({
    name: 'covenant_escalation_step',
    help: 'For each open change request past a step of governance.escalation: the step that applies (1 = first).',
    labelNames: ['cr', 'area'],
    ...reg,
  });
  const notify = new Gauge({
    name: 'covenant_escalation_notify',
    help: 'Who is to be notified for an escalated change request (1 per recipient of the step that applies).',
    labelNames: ['cr', 'step', 'notify'],
    ...reg,
  });
  for (const e of col.escalations) {
    escalation.set({ cr: e.cr, area: e.area }, e.step);
    for (const n of e.notify) notify.set({ cr: e.cr, step: String(e.step), notify: n }, 1);
  }
  const forecast = new Gauge({
    name: 'covenant_iteration_forecast_error',
    help: 'iteration_forecast_error per SOW: kind=cost is (actual - forecast) / forecast from the ledger; kind=schedule is the slip of the day the last gate passed over the forecast end, as a share of the planned duration.',
    labelNames: ['sow', 'kind'],
    ...reg,
  });
  const slip = new Gauge({
    name: 'covenant_iteration_schedule_slip_seconds',
    help: 'Days (in seconds) between the forecast end of a SOW and the day its last gate passed; negative when early.',
    labelNames: ['sow'],
    ...reg,
  });
  for (const f of col.forecasts) {
    forecast.set({ sow: f.sow, kind: 'cost' }, f.cost.error ?? Number.NaN);
    forecast.set({ sow: f.sow, kind: 'schedule' }, f.schedule.error ?? Number.NaN);
    slip.set({ sow: f.sow }, f.schedule.slipDays === null ? Number.NaN : f.schedule.slipDays * 86_400);
  }
  new Gauge({ name: 'covenant_stop_the_line_raised', help: 'Stop-the-line triggers raised, as recorded in the master contract.', ...reg }).set(
    c.stopTheLineRaised.length,
  );
  new Gauge({ name: 'covenant_stop_the_line_open', help: 'Stop-the-line triggers raised and not resolved yet: work is stopped.', ...reg }).set(
    c.stopTheLineRaised.filter((r) => r.open).length,
  );

  // what the numbers show: which commit, and whether the saved files differ from it (figures never include unsaved edits here)
  if (source)
    new Gauge({
      name: 'covenant_source_info',
      help: 'The commit the figures were computed at (empty outside a repository) and whether the saved files differ from it.',
      labelNames: ['commit', 'uncommitted'],
      ...reg,
    }).set({ commit: source.commit ?? '', uncommitted: String(source.uncommitted) }, 1);
  new Gauge({ name: 'covenant_files_left_out', help: 'Contract files that fail their schema and are in no figure.', ...reg }).set(f.leftOut.length);

  const diags = new Gauge({
    name: 'covenant_validation_diagnostics',
    help: 'Validation diagnostics of the workspace by severity.',
    labelNames: ['severity'],
    ...reg,
  });
  for (const sev of ['error', 'warning', 'info'] as const) diags.set({ severity: sev }, c.diagnostics[sev]);

  const variance = new Gauge({
    name: 'covenant_ledger_variance',
    help: `Actual minus target cost per period${ledger ? `, in ${ledger.currency}` : ''}.`,
    labelNames: ['period', 'currency'],
    ...reg,
  });
  // cumulative over the periods, split into what was borne (pain) and earned/kept (gain): never negative, but
  // recomputed from the ledger each time (an entry corrected downwards lowers them), so gauges, not counters
  const supplier = new Gauge({
    name: 'covenant_ledger_supplier_share',
    help: `Supplier's share of overruns borne (kind=pain) and savings earned (kind=gain)${ledger ? `, in ${ledger.currency}` : ''}.`,
    labelNames: ['kind', 'currency'],
    ...reg,
  });
  const client = new Gauge({
    name: 'covenant_ledger_client_share',
    help: `Client's share of overruns borne (kind=pain) and savings kept (kind=gain)${ledger ? `, in ${ledger.currency}` : ''}.`,
    labelNames: ['kind', 'currency'],
    ...reg,
  });
  if (ledger) {
    const rows = ledger.rows;
    const major = (minor: number) => fromMinor(minor, ledger.digits);
    for (const r of rows) variance.set({ period: r.period, currency: ledger.currency }, major(r.variance));
    const sum = (pick: (r: (typeof rows)[number]) => number, kind: 'pain' | 'gain') =>
      rows.filter((r) => r.kind === kind).reduce((t, r) => t + Math.abs(pick(r)), 0);
    for (const kind of ['pain', 'gain'] as const) {
      supplier.set({ kind, currency: ledger.currency }, major(sum((r) => r.supplierShare, kind)));
      client.set({ kind, currency: ledger.currency }, major(sum((r) => r.clientShare, kind)));
    }
  }
  // prom-client writes NaN as "Nan"; the exposition format (and every Prometheus client) spells it NaN
  return (await registry.metrics()).replace(/ Nan$/gm, ' NaN');
}
