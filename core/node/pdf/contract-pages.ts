/** The sections of a PDF: vision, governance, each SOW, the ledger, compliance, validation, the redline. */
import { countDiagnostics, type Diagnostic } from '../../common/diagnostics.js';
import type { Figures } from '../../common/figures.js';
import { fraction, hours, percent } from '../../common/format.js';
import { balanceInWords, formatMoney, shareInWords, SIGN_LEGEND, totalRow, varianceInWords, type LedgerSummary } from '../../common/ledger.js';
import { dateInWords, timeInWords } from '../../common/dates.js';
import type { Compliance } from '../../common/compliance.js';
import type { ContractModel, Doc as ContractDoc } from '../../common/model/contract.js';
import type { MasterContract, Sow } from '../../common/model/schema-types.js';
import { describeChange } from '../../common/redline.js';
import { bullet, field, para, table, type Doc } from './layout.js';
import { CR_COLUMNS, crRows, list, s, type PdfInput, type Sections } from './sections.js';

export function renderSow(doc: Doc, sec: Sections, sow: ContractDoc<Sow>, figures: Figures, level: 1 | 2, model: ContractModel): void {
  const { data } = sow;
  const ledger = figures.ledger;
  // the figures' own checks and gates: as of the figures' day, from the same evidence as the dashboard
  const shown = figures.compliance.sows.find((x) => x.path === sow.path);
  sec.start(`SOW ${sow.id}`, level, 90);
  field(doc, 'Dates', `${data.dates.start} to ${data.dates.end}`);
  field(doc, 'Value hypothesis', s(data.value_hypothesis));
  if (data.measured_impact !== undefined) field(doc, 'Measured impact', data.measured_impact);
  field(doc, 'Goals', data.goals.map((g) => g.description).join('; '));
  doc.moveDown(0.4);
  table(
    doc,
    [
      { header: 'Id', width: 0.08 },
      { header: 'Description', width: 0.42 },
      { header: 'Evidence', width: 0.22 },
      { header: 'Status (checked)', width: 0.28 },
    ],
    // the status is checked, not claimed: a measured value against the target, with its evidence there
    (shown?.criterionChecks ?? []).map((check, i) => {
      const c = data.acceptance_criteria[i]!;
      return [
        c.id,
        c.description,
        c.evidence ? `${c.evidence} (${check.evidence === 'present' ? 'present' : 'missing'})` : '—',
        check.unreadable
          ? `unverified (the target cannot be read${check.unreadable === 'target' ? `: ${String(c.target)}` : ': the description states several'})`
          : check.value !== null && check.target !== null
            ? `${check.status}: ${check.value} against ${check.target}${check.status === 'unverified' ? ' (evidence missing)' : ''}`
            : check.status === 'unverified'
              ? `unverified (typed ${c.status ?? '—'}; ${check.source})`
              : `pending (${check.target ? `target ${check.target}, ` : ''}${check.source})`,
      ];
    }),
    { caption: 'Acceptance criteria' },
  );
  const gates = shown?.gates ?? [];
  if (gates.length) {
    // the status is the evidence's: the latest recorded result, "unverified" when only typed, "missing" when never run
    table(
      doc,
      [
        { header: 'Gate', width: 0.2 },
        { header: 'Validator', width: 0.3 },
        { header: 'Status (from results)', width: 0.2 },
        { header: 'Evidence', width: 0.3 },
      ],
      gates.map((g, i) => [
        g.name,
        g.validator,
        g.status === 'unverified'
          ? `unverified (typed ${data.gates?.[i]?.status ?? '—'}, no result)`
          : g.status === 'missing'
            ? `missing (never ran by ${dateInWords(data.dates.end)})`
            : g.status,
        g.result ? `${g.result.source}, ${timeInWords(g.result.at)}${g.result.by ? `, ${g.result.by}` : ''}` : 'none recorded',
      ]),
      { caption: 'Gates' },
    );
  }
  const linkedCrs = model.crsOfSow(sow.id).map((id) => model.cr(id)!);
  if (linkedCrs.length) table(doc, CR_COLUMNS, crRows(linkedCrs, model), { caption: `Change requests linked to ${sow.id}` });
  else field(doc, 'Linked change requests', 'none');
  if (ledger) {
    const row = ledger.rows.find((r) => r.period === sow.id);
    const m = (x: number) => formatMoney(x, ledger.currency, 'en-GB');
    field(
      doc,
      'Ledger',
      row
        ? `${m(row.actual)} against a target of ${m(row.target)}: ${varianceInWords(row.variance, m).toLowerCase()}. ${shareInWords(row, m)}.`
        : 'no entry yet',
    );
  }
}

export function renderLedger(doc: Doc, sec: Sections, ledger: LedgerSummary | null, problem: string | null): void {
  sec.start('Incentive ledger', 1, 90);
  if (!ledger) return para(doc, `Unknown: ${problem ?? 'no valid ledger or incentive model.'}`, { muted: true });
  para(doc, ledger.explanation);
  para(doc, SIGN_LEGEND, { muted: true });
  const m = (x: number) => formatMoney(x, ledger.currency, 'en-GB');
  table(
    doc,
    [
      { header: 'Period', width: 0.13 },
      { header: 'Target', width: 0.13, align: 'right' },
      { header: 'Actual', width: 0.13, align: 'right' },
      { header: 'Outcome', width: 0.17 },
      { header: 'Who bears or earns it', width: 0.27 },
      { header: "Supplier's net so far", width: 0.17 },
    ],
    [
      ...ledger.rows.map((r) => [r.period, m(r.target), m(r.actual), varianceInWords(r.variance, m), shareInWords(r, m), balanceInWords(r.supplierBalance, m)]),
      [
        'Total',
        m(ledger.totals.target),
        m(ledger.totals.actual),
        varianceInWords(ledger.totals.variance, m),
        shareInWords(totalRow(ledger.model, ledger.rows), m),
        '',
      ],
    ],
  );
}

export function renderValidation(doc: Doc, sec: Sections, diagnostics: readonly Diagnostic[]): void {
  sec.start('Validation status', 1, 40);
  const c = countDiagnostics(diagnostics);
  para(doc, `${c.errors} error${c.errors === 1 ? '' : 's'}, ${c.warnings} warning${c.warnings === 1 ? '' : 's'}.`);
  const listed = diagnostics.filter((d) => d.severity !== 'info').slice(0, 300);
  if (listed.length)
    table(
      doc,
      [
        { header: 'Where', width: 0.32 },
        { header: 'Rule', width: 0.18 },
        { header: 'Message', width: 0.5 },
      ],
      listed.map((d) => [`${d.file}:${d.line}:${d.column}`, `${d.severity} ${d.code}`, d.message]),
    );
}

export function renderRedline(doc: Doc, sec: Sections, redline: PdfInput['redline']): void {
  if (!redline) return;
  sec.start('Changes since the last approved version', 1, 40);
  if (!redline.since) {
    para(doc, 'Never approved: no commit of this document is signed with a member key, so all of it is to be approved.', { muted: true });
    return;
  }
  para(doc, `Approved by ${redline.since.name} on ${dateInWords(redline.since.date.slice(0, 10))} (commit ${redline.since.commit.slice(0, 7)}).`);
  if (!redline.changes?.length) {
    para(doc, 'No change since then.', { muted: true });
    return;
  }
  table(
    doc,
    [
      { header: 'Field', width: 0.4 },
      { header: 'Change', width: 0.6 },
    ],
    redline.changes.map((c) => [c.field, describeChange(c).slice(c.field.length + 2)]),
  );
}

export function renderMaster(doc: Doc, sec: Sections, master: MasterContract): void {
  sec.start('Governance and decision rights', 1, 80);
  field(doc, 'Steering committee', list(master.governance.steering_committee));
  doc.moveDown(0.4);
  table(
    doc,
    [
      { header: 'Area', width: 0.35 },
      { header: 'Owner', width: 0.45 },
      { header: 'SLA (days)', width: 0.2, align: 'right' },
    ],
    master.governance.decision_rights.map((r) => [r.area, r.owner, String(r.sla_days)]),
  );
  const steps = [...(master.governance.escalation ?? [])].sort((a, b) => a.after_days - b.after_days);
  field(doc, 'Escalation path', steps.length ? steps.map((e) => `after ${e.after_days} days notify ${e.notify.join(', ')}`).join('; ') : 'none set');

  sec.start('Change policy');
  para(doc, 'A change is major when any value strictly exceeds its threshold; otherwise it is minor.');
  const t = master.change_policy.thresholds;
  table(
    doc,
    [
      { header: 'Threshold', width: 0.6 },
      { header: 'Major above', width: 0.4, align: 'right' },
    ],
    [
      ['Budget delta (%)', String(t.budget_delta_pct_major)],
      ['Schedule slip (days)', String(t.schedule_slip_days_major)],
      ['Risk score', String(t.risk_score_major)],
    ],
  );
  field(doc, 'Process', list(master.change_policy.process));

  sec.start('Incentives and collaboration');
  field(doc, 'Model', master.incentives.model);
  if (master.incentives.pain_share_pct !== undefined) field(doc, 'Pain share (supplier)', `${master.incentives.pain_share_pct}%`);
  if (master.incentives.gain_share_pct !== undefined) field(doc, 'Gain share (supplier)', `${master.incentives.gain_share_pct}%`);
  for (const [k, v] of Object.entries(master.collaboration_slos ?? {})) field(doc, k.replace(/_/g, ' '), s(v as number | undefined));

  sec.start('Risk policy');
  field(doc, 'Stop-the-line triggers', list(master.risk_policy?.stop_the_line_triggers));
  const raised = master.risk_policy?.raised ?? [];
  field(doc, 'Raised', raised.length ? raised.map((r) => `${r.trigger} on ${r.date}`).join('; ') : 'none');
}

/** The master's vision: its outcomes and success criteria. */
export function renderVision(doc: Doc, sec: Sections, master: MasterContract | null): void {
  sec.start('Vision and success criteria', 1, 60);
  if (!master) para(doc, 'Unknown: the master contract is missing or fails its schema (see Validation status).', { muted: true });
  for (const o of master?.vision.outcomes ?? []) bullet(doc, o.description);
  const criteria = master?.vision.success_criteria ?? [];
  if (criteria.length)
    table(
      doc,
      [
        { header: 'Success metric', width: 0.5 },
        { header: 'Target', width: 0.5 },
      ],
      criteria.map((c) => [c.metric, String(c.target)]),
      { caption: 'Success criteria' },
    );
}

/** The compliance figures: enforcement, lead time, SLAs, reviews, triage, decision rights, forecasts, gates and criteria. */
export function renderCompliance(doc: Doc, sec: Sections, c: Compliance): void {
  sec.start('Compliance', 1, 80);
  field(
    doc,
    'Enforcement',
    c.enforcement === 'enforce'
      ? 'enforce: failed, unverified or missing gates, unmet criteria and SLA breaches are errors'
      : 'report: failed, unverified or missing gates, unmet criteria and SLA breaches are reported as warnings',
  );
  field(doc, 'Open change requests', String(c.openChangeRequests));
  field(
    doc,
    'Change lead time',
    c.leadTime.median === null
      ? 'unknown (no decided change request with both dates)'
      : `median ${c.leadTime.median} days, p90 ${c.leadTime.p90} days (${c.leadTime.count} decided)`,
  );
  const col = c.collaboration;
  field(
    doc,
    'Decisions within their SLA',
    c.decisionSlaAdherence === null ? 'unknown (no decided change request with both dates)' : `${percent(c.decisionSlaAdherence)} over all decision areas`,
  );
  const rt = col.reviewTurnaround;
  field(
    doc,
    'Review turnaround',
    rt.sloHours === null
      ? 'no SLO (collaboration_slos.review_turnaround_hours)'
      : rt.judged === 0
        ? `unknown: no review measured yet (SLO ${rt.sloHours} h, ${rt.pending} waiting)`
        : `${percent(rt.adherence)} within ${rt.sloHours} h; median ${hours(rt.median)}, p90 ${hours(rt.p90)} (${rt.count} measured, ${rt.pending} waiting)`,
  );
  const dr = col.decisionResponse;
  if (dr.sloHours !== null)
    field(
      doc,
      'Decision response',
      dr.judged === 0
        ? `unknown: no response measured yet (SLO ${dr.sloHours} h)`
        : `${percent(dr.adherence)} answered within ${dr.sloHours} h; median ${hours(dr.median)} (${dr.count} measured)`,
    );
  const dt = col.defectTriage;
  field(
    doc,
    'Defect triage',
    col.defects.length === 0
      ? 'unknown: no defects imported (covenant import-defects)'
      : `${percent(dt.adherence)} within ${dt.sloHours ?? '?'} h; median ${hours(dt.median)}, p90 ${hours(dt.p90)} (${col.defects.length} imported, ${dt.pending} waiting)`,
  );
  field(doc, 'Stop-the-line triggers raised', `${c.stopTheLineRaised.length} (${c.stopTheLineRaised.filter((r) => r.open).length} open)`);
  doc.moveDown(0.4);
  table(
    doc,
    [
      { header: 'Decision area', width: 0.2 },
      { header: 'Owner', width: 0.25 },
      { header: 'SLA', width: 0.1, align: 'right' },
      { header: 'Within SLA', width: 0.15, align: 'right' },
      { header: 'Open (overdue)', width: 0.15, align: 'right' },
      { header: 'Not by owner', width: 0.15 },
    ],
    col.decisionRights.map((r) => [
      r.area,
      r.owner,
      `${r.slaDays} d`,
      `${r.withinSla}/${r.decided} · ${percent(r.adherence)}`,
      `${r.open} (${r.overdue})`,
      r.notByOwner.join(', ') || '—',
    ]),
  );
  field(
    doc,
    'Pending approvals',
    c.pendingApprovals.length
      ? c.pendingApprovals.map((p) => `${p.name} on ${p.cr}${p.due ? ` (due ${p.due}${p.overdue ? ', overdue' : ''})` : ''}`).join('; ')
      : 'none',
  );
  field(
    doc,
    'Escalations',
    col.escalations.length
      ? col.escalations.map((e) => `${e.cr} open ${e.openDays} days: step ${e.step} — notify ${e.notify.join(', ')}`).join('; ')
      : 'none: no open decision has reached a step of the escalation path',
  );
  const signed = (r: number | null) => (r === null ? 'unknown' : `${r > 0 ? '+' : ''}${Math.round(r * 1000) / 10}%`);
  doc.moveDown(0.4);
  table(
    doc,
    [
      { header: 'SOW', width: 0.15 },
      { header: 'Cost: forecast → actual', width: 0.3 },
      { header: 'Cost error', width: 0.12, align: 'right' },
      { header: 'End: forecast → actual', width: 0.3 },
      { header: 'Schedule error', width: 0.13, align: 'right' },
    ],
    col.forecasts.map((f) => [
      f.sow,
      `${f.cost.forecast ?? '?'} (${f.cost.forecastFrom ?? 'no forecast'}) → ${f.cost.actual ?? '?'}`,
      signed(f.cost.error),
      `${f.schedule.forecastEnd} → ${f.schedule.actualEnd ?? `not done: ${f.schedule.pendingReason}`}`,
      f.schedule.error === null ? 'unknown' : `${signed(f.schedule.error)} (${f.schedule.slipDays} d)`,
    ]),
  );
  table(
    doc,
    [
      { header: 'SOW', width: 0.2 },
      { header: 'Gates passed', width: 0.2 },
      { header: 'Criteria met', width: 0.2 },
      { header: 'Value hypothesis → measured', width: 0.4 },
    ],
    c.sows.map((x) => [
      x.id,
      fraction(x.gatesPassed, x.gates.length, 'no gates'),
      fraction(x.criteriaMet, x.criteria, 'no criteria'),
      `${x.valueHypothesis ?? '—'} → ${x.measuredImpact ?? 'not recorded'}`,
    ]),
  );
}
