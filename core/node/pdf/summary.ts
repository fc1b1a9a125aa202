import { countDiagnostics, type Diagnostic } from '../../common/diagnostics.js';
import { describeLeftOut, type Figures } from '../../common/figures.js';
import { formatMoney, type LedgerSummary } from '../../common/ledger.js';
import type { ContractModel, Doc as ContractDoc } from '../../common/model/contract.js';
import type { ChangeRequest, MasterContract, Sow } from '../../common/model/schema-types.js';
import type { Snapshot } from '../../common/workspace.js';
import { describeChange, type FieldChange } from '../../common/redline.js';
import { ensureSpace, field, footers, heading, MARGIN, newDoc, para, table, width, type Doc } from './layout.js';

export type PdfScope = { kind: 'contract' } | { kind: 'sow'; id: string } | { kind: 'cr'; id: string };

/** What the document shows: which commit, whether the tree differs from it, which unsaved edits it includes. */
export interface Provenance {
  generatedAt: string;
  commit: string | null;
  /** The working tree differs from the commit (saved but not committed). */
  dirty: boolean;
  /** Unsaved buffers included (empty: saved files only). */
  unsaved: readonly string[];
}

const s = (v: string | number | null | undefined) => (v === undefined || v === null ? '' : String(v));
const list = (v: readonly string[] | undefined) => (v ?? []).join(', ');

/** The footer and title-page line: exactly what the pages show. */
export function provenanceLine(p: Provenance): string {
  const commit = p.commit ? `commit ${p.commit.slice(0, 12)}${p.dirty ? ' · uncommitted changes' : ''}` : 'not in a git repository';
  return `${commit}${p.unsaved.length ? ' · includes unsaved edits' : ''}`;
}

class Sections {
  readonly pages = new Map<string, number>();
  constructor(
    private readonly doc: Doc,
    private readonly known: ReadonlyMap<string, number> | null,
  ) {}
  /** Starts a section and remembers its page for the table of contents. */
  start(title: string, level: 1 | 2 = 1): void {
    heading(this.doc, title, level);
    const range = this.doc.bufferedPageRange();
    this.pages.set(title, range.start + range.count);
  }
  toc(entries: { title: string; level: 1 | 2 }[]): void {
    heading(this.doc, 'Contents');
    const w = width(this.doc);
    for (const e of entries) {
      ensureSpace(this.doc, 14);
      const y = this.doc.y;
      const n = this.known?.get(e.title);
      this.doc
        .font(e.level === 1 ? 'bold' : 'regular')
        .fontSize(10)
        .text(e.title, MARGIN + (e.level === 2 ? 14 : 0), y, { width: w - 60 - (e.level === 2 ? 14 : 0), lineBreak: false, ellipsis: true });
      this.doc.font('regular').text(n === undefined ? '…' : String(n), MARGIN + w - 50, y, { width: 50, align: 'right', lineBreak: false });
      this.doc.x = MARGIN;
      this.doc.y = y + 15;
    }
  }
}

function crRows(crs: readonly ContractDoc<ChangeRequest>[], model: ContractModel): string[][] {
  return crs.map((cr) => {
    const { data } = cr;
    const v = model.verdict(cr);
    const i = data.impact_analysis;
    return [
      cr.id,
      data.summary,
      `${i.budget_delta_pct}% · ${i.schedule_slip_days} d · ${i.risk_score}`,
      v.verdict ?? v.declared ?? '—',
      [model.stage(cr), s(data.decision.date)].filter(Boolean).join(' '),
      list(data.decision.approvers),
      s(data.adr),
    ];
  });
}

function renderSow(doc: Doc, sec: Sections, sow: ContractDoc<Sow>, snap: Snapshot, level: 1 | 2): void {
  const { data } = sow;
  const model = snap.model;
  sec.start(`SOW ${sow.id}`, level);
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
    // the status is checked, not claimed: a measured value against the target
    model
      .criterionChecks(sow, (p) => snap.data(p))
      .map((check, i) => {
        const c = data.acceptance_criteria[i]!;
        return [
          c.id,
          c.description,
          c.evidence ? `${c.evidence} (${snap.has(c.evidence) ? 'present' : 'missing'})` : '—',
          check.value !== null && check.target !== null
            ? `${check.status}: ${check.value} against ${check.target}`
            : check.status === 'unverified'
              ? `unverified (typed ${c.status ?? '—'}; ${check.source})`
              : `pending (${check.target ? `target ${check.target}, ` : ''}${check.source})`,
        ];
      }),
  );
  const gates = model.gateStatuses(sow);
  if (gates.length) {
    // the status is the evidence's: the latest recorded result, or "unverified" when only typed
    table(
      doc,
      [
        { header: 'Gate', width: 0.2 },
        { header: 'Validator', width: 0.3 },
        { header: 'Status (from results)', width: 0.2 },
        { header: 'Evidence', width: 0.3 },
      ],
      gates.map((g) => [
        g.gate,
        g.validator,
        g.status === 'unverified' ? `unverified (typed ${g.typed}, no result)` : g.status,
        g.result
          ? `${g.result.data.source.file ?? g.result.data.source.kind}, ${g.result.data.recorded.at}${g.result.data.recorded.by ? `, ${g.result.data.recorded.by}` : ''}`
          : 'none recorded',
      ]),
    );
  }
  const linkedCrs = model.crsOfSow(sow.id).map((id) => model.cr(id)!);
  if (linkedCrs.length) table(doc, CR_COLUMNS, crRows(linkedCrs, model));
  else field(doc, 'Linked change requests', 'none');
}

const CR_COLUMNS = [
  { header: 'CR', width: 0.08 },
  { header: 'Summary', width: 0.27 },
  { header: 'Budget · slip · risk', width: 0.15 },
  { header: 'Verdict', width: 0.08 },
  { header: 'Stage', width: 0.15 },
  { header: 'Approvers', width: 0.12 },
  { header: 'ADR', width: 0.15 },
];

function renderLedger(doc: Doc, sec: Sections, ledger: LedgerSummary | null, problem: string | null): void {
  sec.start('Incentive ledger');
  if (!ledger) return para(doc, `Unknown: ${problem ?? 'no valid ledger or incentive model.'}`, { muted: true });
  para(doc, ledger.explanation);
  const m = (x: number) => formatMoney(x, ledger.currency, 'en-GB');
  table(
    doc,
    [
      { header: 'Period', width: 0.16 },
      { header: 'Target', width: 0.14, align: 'right' },
      { header: 'Actual', width: 0.14, align: 'right' },
      { header: 'Variance', width: 0.14, align: 'right' },
      { header: 'Supplier', width: 0.14, align: 'right' },
      { header: 'Client', width: 0.14, align: 'right' },
      { header: 'Balance', width: 0.14, align: 'right' },
    ],
    [
      ...ledger.rows.map((r) => [
        r.period,
        m(r.target),
        m(r.actual),
        m(r.variance),
        r.kind === 'not-shared' ? '—' : m(r.supplierShare),
        r.kind === 'not-shared' ? '—' : m(r.clientShare),
        m(r.supplierBalance),
      ]),
      ['Total', m(ledger.totals.target), m(ledger.totals.actual), m(ledger.totals.variance), m(ledger.totals.supplierShare), m(ledger.totals.clientShare), ''],
    ],
  );
}

function renderValidation(doc: Doc, sec: Sections, diagnostics: readonly Diagnostic[]): void {
  sec.start('Validation status');
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

export interface PdfInput {
  snapshot: Snapshot;
  figures: Figures;
  diagnostics: readonly Diagnostic[];
  provenance: Provenance;
  /** For a SOW or CR: what changed since its last approved version (null: it was never approved). */
  redline?: { since: { commit: string; date: string; name: string } | null; changes: FieldChange[] | null };
}

function renderRedline(doc: Doc, sec: Sections, redline: PdfInput['redline']): void {
  if (!redline) return;
  sec.start('Changes since the last approved version');
  if (!redline.since) {
    para(doc, 'Never approved: no commit of this document is signed with a member key, so all of it is to be approved.', { muted: true });
    return;
  }
  para(doc, `Approved by ${redline.since.name} on ${redline.since.date} (commit ${redline.since.commit.slice(0, 7)}).`);
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

function renderMaster(doc: Doc, sec: Sections, master: MasterContract): void {
  doc.addPage();
  sec.start('Governance and decision rights');
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

function render(input: PdfInput, scope: PdfScope, known: ReadonlyMap<string, number> | null): { doc: Doc; pages: Map<string, number> } {
  const { snapshot: snap, figures } = input;
  const model = snap.model;
  const master = model.master?.data ?? null;
  const sows = model.sows;
  const crs = model.crs;
  const contractId = master?.meta.id ?? 'contract';
  const subject = scope.kind === 'contract' ? 'Contract summary' : scope.kind === 'sow' ? `Iteration ${scope.id}` : `Change request ${scope.id}`;
  const doc = newDoc({ title: `${contractId}: ${subject}`, subject });
  const sec = new Sections(doc, known);

  // title page
  doc
    .moveDown(6)
    .font('bold')
    .fontSize(24)
    .text(master?.meta.title ?? contractId, { width: width(doc) });
  doc.font('regular').fontSize(13).fillColor('#667085').text(`${subject} · ${contractId}`).fillColor('#1f2430').moveDown(1);
  field(doc, 'Effective date', master?.meta.effective_date ?? 'unknown (the master contract is missing or left out)');
  field(doc, 'Generated', input.provenance.generatedAt);
  field(doc, 'Shows', provenanceLine(input.provenance));
  if (input.provenance.unsaved.length) field(doc, 'Unsaved edits in', input.provenance.unsaved.join(', '));
  const leftOut = describeLeftOut(figures.leftOut);
  if (leftOut) para(doc, leftOut, { muted: true });

  if (scope.kind === 'contract') {
    doc.moveDown(1);
    heading(doc, 'Vision', 2);
    if (!master) para(doc, 'Unknown: the master contract is missing or fails its schema (see Validation status).', { muted: true });
    for (const o of master?.vision.outcomes ?? []) para(doc, `• ${o.description}`);
    const criteria = master?.vision.success_criteria ?? [];
    if (criteria.length)
      table(
        doc,
        [
          { header: 'Success metric', width: 0.5 },
          { header: 'Target', width: 0.5 },
        ],
        criteria.map((c) => [c.metric, String(c.target)]),
      );

    const entries: { title: string; level: 1 | 2 }[] = [
      ...(master
        ? [
            { title: 'Governance and decision rights', level: 1 as const },
            { title: 'Change policy', level: 1 as const },
            { title: 'Incentives and collaboration', level: 1 as const },
            { title: 'Risk policy', level: 1 as const },
          ]
        : []),
      { title: 'Iterations (SOWs)', level: 1 },
      ...sows.map((x) => ({ title: `SOW ${x.id}`, level: 2 as const })),
      { title: 'Change requests', level: 1 },
      { title: 'Incentive ledger', level: 1 },
      { title: 'Compliance', level: 1 },
      { title: 'Validation status', level: 1 },
    ];
    doc.addPage();
    sec.toc(entries);

    if (master) renderMaster(doc, sec, master);
    else doc.addPage();

    sec.start('Iterations (SOWs)');
    if (sows.length === 0) para(doc, 'No SOWs yet.', { muted: true });
    for (const sow of sows) renderSow(doc, sec, sow, snap, 2);

    sec.start('Change requests');
    table(doc, CR_COLUMNS, crRows(crs, model));
    renderLedger(doc, sec, figures.ledger, figures.ledgerProblem);

    sec.start('Compliance');
    const c = figures.compliance;
    const pct = (r: number | null) => (r === null ? 'unknown' : `${Math.round(r * 100)}%`);
    field(
      doc,
      'Enforcement',
      c.enforcement === 'enforce'
        ? 'enforce: failed or unverified gates, unmet criteria and SLA breaches are errors'
        : 'report: failed or unverified gates, unmet criteria and SLA breaches are reported as warnings',
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
    const h = (x: number | null) => (x === null ? 'unknown' : `${x} h`);
    field(
      doc,
      'Decisions within their SLA',
      c.decisionSlaAdherence === null ? 'unknown (no decided change request with both dates)' : `${pct(c.decisionSlaAdherence)} over all decision areas`,
    );
    const rt = col.reviewTurnaround;
    field(
      doc,
      'Review turnaround',
      rt.sloHours === null
        ? 'no SLO (collaboration_slos.review_turnaround_hours)'
        : rt.judged === 0
          ? `unknown: no review measured yet (SLO ${rt.sloHours} h, ${rt.pending} waiting)`
          : `${pct(rt.adherence)} within ${rt.sloHours} h; median ${h(rt.median)}, p90 ${h(rt.p90)} (${rt.count} measured, ${rt.pending} waiting)`,
    );
    const dr = col.decisionResponse;
    if (dr.sloHours !== null)
      field(
        doc,
        'Decision response',
        dr.judged === 0
          ? `unknown: no response measured yet (SLO ${dr.sloHours} h)`
          : `${pct(dr.adherence)} answered within ${dr.sloHours} h; median ${h(dr.median)} (${dr.count} measured)`,
      );
    const dt = col.defectTriage;
    field(
      doc,
      'Defect triage',
      col.defects.length === 0
        ? 'unknown: no defects imported (covenant import-defects)'
        : `${pct(dt.adherence)} within ${dt.sloHours ?? '?'} h; median ${h(dt.median)}, p90 ${h(dt.p90)} (${col.defects.length} imported, ${dt.pending} waiting)`,
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
        `${r.withinSla}/${r.decided} · ${pct(r.adherence)}`,
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
      c.sows.map((x) => [x.id, pct(x.gatePassRatio), pct(x.criteriaMetRatio), `${x.valueHypothesis ?? '—'} → ${x.measuredImpact ?? 'not recorded'}`]),
    );
    renderValidation(doc, sec, input.diagnostics);
  } else if (scope.kind === 'sow') {
    const sow = model.sow(scope.id)!;
    doc.addPage();
    renderSow(doc, sec, sow, snap, 1);
    renderRedline(doc, sec, input.redline);
    renderValidation(
      doc,
      sec,
      input.diagnostics.filter((d) => d.file === sow.path),
    );
  } else {
    const cr = model.cr(scope.id)!;
    const d = cr.data;
    doc.addPage();
    sec.start(`Change request ${scope.id}`);
    field(doc, 'Summary', d.summary);
    field(doc, 'Requestor', s(d.requestor));
    field(doc, 'Created', s(d.created));
    field(doc, 'Affected SOWs', model.sowsOfCr(cr.id).join(', '));
    field(doc, 'Dependencies', list(d.impact_analysis.dependencies));
    field(doc, 'Value', s(d.impact_analysis.value));
    const v = model.verdict(cr);
    doc.moveDown(0.4);
    field(doc, 'Verdict', v.evaluation ? `${v.evaluation.verdict} (declared: ${d.threshold_eval ?? 'none'})` : v.explanation);
    field(doc, 'Judged against', `${v.master.label}${d.decision.status === 'proposed' ? '' : `, in force on ${d.decision.date ?? 'the decision date'}`}`);
    if (v.evaluation)
      table(
        doc,
        [
          { header: 'Threshold', width: 0.3 },
          { header: 'Value', width: 0.2, align: 'right' },
          { header: 'Limit', width: 0.2, align: 'right' },
          { header: 'Crossed', width: 0.3 },
        ],
        v.evaluation.checks.map((x) => [x.label, String(x.value), String(x.limit), x.crossed ? 'yes' : 'no']),
      );
    field(doc, 'Decision', `${d.decision.status} ${s(d.decision.date)}`.trim());
    field(doc, 'Approvers', list(d.decision.approvers));
    field(doc, 'Decision record', s(d.adr) || 'none');
    field(doc, 'Stage', model.stage(cr));
    const addendum = model.addendumOf(cr);
    field(
      doc,
      'Addendum',
      addendum ? `${addendum.path}${addendum.data.applied ? `, applied ${addendum.data.applied.at.slice(0, 10)}` : ', draft (not applied)'}` : 'none',
    );
    if (addendum)
      table(
        doc,
        [
          { header: 'File', width: 0.35 },
          { header: 'Field', width: 0.25 },
          { header: 'From → to', width: 0.4 },
        ],
        addendum.data.edits.map((e) => [e.file, e.field, `${e.from === undefined ? '(new)' : JSON.stringify(e.from)} → ${JSON.stringify(e.to)}`]),
      );
    renderRedline(doc, sec, input.redline);
    const reviews = d.reviews ?? [];
    field(
      doc,
      'Reviews',
      reviews.length ? reviews.map((r) => `${r.outcome} by ${r.by} at ${r.at}${r.note ? ` (“${r.note}”)` : ''}`).join('; ') : 'none recorded',
    );
    renderValidation(
      doc,
      sec,
      input.diagnostics.filter((x) => x.file === cr.path),
    );
  }
  const p = input.provenance;
  footers(doc, (page, pages) => `Page ${page} of ${pages} · generated ${p.generatedAt} · ${provenanceLine(p)}`);
  return { doc, pages: sec.pages };
}

/** Renders the PDF: a first pass finds each section's page, the second prints them in the table of contents. */
export async function renderPdf(input: PdfInput, scope: PdfScope): Promise<Buffer> {
  const first = render(input, scope, null);
  first.doc.end();
  const final = scope.kind === 'contract' ? render(input, scope, first.pages).doc : render(input, scope, null).doc;
  const chunks: Buffer[] = [];
  final.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    final.on('end', () => resolve());
    final.on('error', reject);
  });
  final.end();
  await done;
  return Buffer.concat(chunks);
}
