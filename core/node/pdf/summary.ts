import { countDiagnostics, type Diagnostic } from '../../common/diagnostics.js';
import { formatMoney, type LedgerSummary } from '../../common/ledger.js';
import { classifyPath, idFromPath, MASTER_PATH } from '../../common/model/kinds.js';
import { asArray, asNumber, dig } from '../../common/model/read.js';
import { impactOf, thresholdsOf } from '../../common/rules/workspace-rules.js';
import { evaluateChange } from '../../common/thresholds.js';
import type { ContractEngine } from '../../common/workspace.js';
import type { Figures } from '../figures.js';
import { ensureSpace, field, footers, heading, MARGIN, newDoc, para, table, width, type Doc } from './layout.js';

export type PdfScope = { kind: 'contract' } | { kind: 'sow'; id: string } | { kind: 'cr'; id: string };

export interface Provenance {
  generatedAt: string;
  commit: string | null;
  dirty: boolean;
}

interface Item {
  path: string;
  data: unknown;
}

const s = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v));
const list = (v: unknown) => asArray(v).map(s).filter(Boolean).join(', ');

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
      this.doc.font(e.level === 1 ? 'bold' : 'regular').fontSize(10).text(e.title, MARGIN + (e.level === 2 ? 14 : 0), y, { width: w - 60 - (e.level === 2 ? 14 : 0), lineBreak: false, ellipsis: true });
      this.doc.font('regular').text(n === undefined ? '…' : String(n), MARGIN + w - 50, y, { width: 50, align: 'right', lineBreak: false });
      this.doc.x = MARGIN;
      this.doc.y = y + 15;
    }
  }
}

function crRows(crs: Item[], master: unknown): string[][] {
  const thresholds = thresholdsOf(master);
  return crs.map(({ path, data }) => {
    const impact = impactOf(data);
    const verdict = impact && thresholds ? evaluateChange(impact, thresholds).verdict : s(dig(data, 'threshold_eval'));
    return [
      s(dig(data, 'id')) || idFromPath(path) || path,
      s(dig(data, 'summary')),
      impact ? `${impact.budget_delta_pct}% · ${impact.schedule_slip_days} d · ${impact.risk_score}` : '—',
      verdict || '—',
      [s(dig(data, 'decision', 'status')), s(dig(data, 'decision', 'date'))].filter(Boolean).join(' '),
      list(dig(data, 'decision', 'approvers')),
      s(dig(data, 'adr')),
    ];
  });
}

function renderSow(doc: Doc, sec: Sections, { path, data }: Item, engine: ContractEngine, crs: Item[], master: unknown, level: 1 | 2): void {
  const id = s(dig(data, 'id')) || idFromPath(path) || path;
  sec.start(`SOW ${id}`, level);
  field(doc, 'Dates', `${s(dig(data, 'dates', 'start'))} to ${s(dig(data, 'dates', 'end'))}`);
  field(doc, 'Value hypothesis', s(dig(data, 'value_hypothesis')));
  if (dig(data, 'measured_impact') !== undefined) field(doc, 'Measured impact', s(dig(data, 'measured_impact')));
  field(doc, 'Goals', asArray(dig(data, 'goals')).map((g) => s(dig(g, 'description'))).join('; '));
  doc.moveDown(0.4);
  table(
    doc,
    [
      { header: 'Criterion', width: 0.1 },
      { header: 'Description', width: 0.4 },
      { header: 'Evidence', width: 0.3 },
      { header: 'Status', width: 0.2 },
    ],
    asArray(dig(data, 'acceptance_criteria')).map((c) => {
      const ev = s(dig(c, 'evidence'));
      return [s(dig(c, 'id')), s(dig(c, 'description')), ev ? `${ev} (${engine.has(ev) ? 'present' : 'missing'})` : '—', s(dig(c, 'status')) || 'pending'];
    }),
  );
  const gates = asArray(dig(data, 'gates'));
  if (gates.length) {
    table(
      doc,
      [
        { header: 'Gate', width: 0.3 },
        { header: 'Validator', width: 0.5 },
        { header: 'Status', width: 0.2 },
      ],
      gates.map((g) => [s(dig(g, 'name')), s(dig(g, 'validator')), s(dig(g, 'status')) || 'pending']),
    );
  }
  const linked = asArray(dig(data, 'links', 'changes')).map(s);
  const linkedCrs = crs.filter((c) => linked.includes(s(dig(c.data, 'id'))));
  if (linkedCrs.length) table(doc, CR_COLUMNS, crRows(linkedCrs, master));
  else field(doc, 'Linked change requests', 'none');
}

const CR_COLUMNS = [
  { header: 'CR', width: 0.08 },
  { header: 'Summary', width: 0.27 },
  { header: 'Budget · slip · risk', width: 0.15 },
  { header: 'Verdict', width: 0.08 },
  { header: 'Decision', width: 0.15 },
  { header: 'Approvers', width: 0.12 },
  { header: 'ADR', width: 0.15 },
];

function renderLedger(doc: Doc, sec: Sections, ledger: LedgerSummary | null): void {
  sec.start('Incentive ledger');
  if (!ledger) return para(doc, 'No valid ledger or incentive model.', { muted: true });
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
      ...ledger.rows.map((r) => [r.period, m(r.target), m(r.actual), m(r.variance), r.kind === 'not-shared' ? '—' : m(r.supplierShare), r.kind === 'not-shared' ? '—' : m(r.clientShare), m(r.supplierBalance)]),
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
  engine: ContractEngine;
  figures: Figures;
  diagnostics: readonly Diagnostic[];
  provenance: Provenance;
}

function render(input: PdfInput, scope: PdfScope, known: ReadonlyMap<string, number> | null): { doc: Doc; pages: Map<string, number> } {
  const { engine, figures } = input;
  const data = (p: string) => engine.parsed(p)?.value;
  const master = data(MASTER_PATH);
  const sows: Item[] = engine.contractPaths().filter((p) => classifyPath(p) === 'sow').map((p) => ({ path: p, data: data(p) }));
  const crs: Item[] = engine.contractPaths().filter((p) => classifyPath(p) === 'cr').map((p) => ({ path: p, data: data(p) }));
  const contractId = s(dig(master, 'meta', 'id')) || 'contract';
  const subject = scope.kind === 'contract' ? 'Contract summary' : scope.kind === 'sow' ? `Iteration ${scope.id}` : `Change request ${scope.id}`;
  const doc = newDoc({ title: `${contractId}: ${subject}`, subject });
  const sec = new Sections(doc, known);

  // title page
  doc.moveDown(6).font('bold').fontSize(24).text(s(dig(master, 'meta', 'title')) || contractId, { width: width(doc) });
  doc.font('regular').fontSize(13).fillColor('#667085').text(`${subject} · ${contractId}`).fillColor('#1f2430').moveDown(1);
  field(doc, 'Effective date', s(dig(master, 'meta', 'effective_date')));
  field(doc, 'Generated', input.provenance.generatedAt);
  field(doc, 'Commit', input.provenance.commit ? `${input.provenance.commit}${input.provenance.dirty ? ' (uncommitted changes)' : ''}` : 'not in a git repository');

  if (scope.kind === 'contract') {
    doc.moveDown(1);
    heading(doc, 'Vision', 2);
    for (const o of asArray(dig(master, 'vision', 'outcomes'))) para(doc, `• ${s(dig(o, 'description'))}`);
    const criteria = asArray(dig(master, 'vision', 'success_criteria'));
    if (criteria.length) table(doc, [{ header: 'Success metric', width: 0.5 }, { header: 'Target', width: 0.5 }], criteria.map((c) => [s(dig(c, 'metric')), s(dig(c, 'target'))]));

    const entries: { title: string; level: 1 | 2 }[] = [
      { title: 'Governance and decision rights', level: 1 },
      { title: 'Change policy', level: 1 },
      { title: 'Incentives and collaboration', level: 1 },
      { title: 'Risk policy', level: 1 },
      { title: 'Iterations (SOWs)', level: 1 },
      ...sows.map((x) => ({ title: `SOW ${s(dig(x.data, 'id')) || x.path}`, level: 2 as const })),
      { title: 'Change requests', level: 1 },
      { title: 'Incentive ledger', level: 1 },
      { title: 'Compliance', level: 1 },
      { title: 'Validation status', level: 1 },
    ];
    doc.addPage();
    sec.toc(entries);

    doc.addPage();
    sec.start('Governance and decision rights');
    field(doc, 'Steering committee', list(dig(master, 'governance', 'steering_committee')));
    doc.moveDown(0.4);
    table(doc, [{ header: 'Area', width: 0.35 }, { header: 'Owner', width: 0.45 }, { header: 'SLA (days)', width: 0.2, align: 'right' }], asArray(dig(master, 'governance', 'decision_rights')).map((r) => [s(dig(r, 'area')), s(dig(r, 'owner')), s(dig(r, 'sla_days'))]));

    sec.start('Change policy');
    para(doc, 'A change is major when any value strictly exceeds its threshold; otherwise it is minor.');
    table(doc, [{ header: 'Threshold', width: 0.6 }, { header: 'Major above', width: 0.4, align: 'right' }], [
      ['Budget delta (%)', s(dig(master, 'change_policy', 'thresholds', 'budget_delta_pct_major'))],
      ['Schedule slip (days)', s(dig(master, 'change_policy', 'thresholds', 'schedule_slip_days_major'))],
      ['Risk score', s(dig(master, 'change_policy', 'thresholds', 'risk_score_major'))],
    ]);
    field(doc, 'Process', list(dig(master, 'change_policy', 'process')));

    sec.start('Incentives and collaboration');
    field(doc, 'Model', s(dig(master, 'incentives', 'model')));
    if (asNumber(dig(master, 'incentives', 'pain_share_pct')) !== undefined) field(doc, 'Pain share (supplier)', `${s(dig(master, 'incentives', 'pain_share_pct'))}%`);
    if (asNumber(dig(master, 'incentives', 'gain_share_pct')) !== undefined) field(doc, 'Gain share (supplier)', `${s(dig(master, 'incentives', 'gain_share_pct'))}%`);
    for (const [k, v] of Object.entries((dig(master, 'collaboration_slos') as Record<string, unknown>) ?? {})) field(doc, k.replace(/_/g, ' '), s(v));

    sec.start('Risk policy');
    field(doc, 'Stop-the-line triggers', list(dig(master, 'risk_policy', 'stop_the_line_triggers')));
    const raised = asArray(dig(master, 'risk_policy', 'raised'));
    field(doc, 'Raised', raised.length ? raised.map((r) => `${s(dig(r, 'trigger'))} on ${s(dig(r, 'date'))}`).join('; ') : 'none');

    sec.start('Iterations (SOWs)');
    if (sows.length === 0) para(doc, 'No SOWs yet.', { muted: true });
    for (const sow of sows) renderSow(doc, sec, sow, engine, crs, master, 2);

    sec.start('Change requests');
    table(doc, CR_COLUMNS, crRows(crs, master));
    renderLedger(doc, sec, figures.ledger);

    sec.start('Compliance');
    const c = figures.compliance;
    const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);
    field(doc, 'Open change requests', String(c.openChangeRequests));
    field(doc, 'Change lead time', c.leadTime.median === null ? '—' : `median ${c.leadTime.median} days, p90 ${c.leadTime.p90} days (${c.leadTime.count} decided)`);
    field(doc, 'Decisions within the scope SLA', pct(c.reviewSlaAdherence));
    field(doc, 'Stop-the-line triggers raised', String(c.stopTheLineRaised.length));
    table(doc, [{ header: 'SOW', width: 0.2 }, { header: 'Gates passed', width: 0.2 }, { header: 'Criteria met', width: 0.2 }, { header: 'Value hypothesis → measured', width: 0.4 }], c.sows.map((x) => [x.id, pct(x.gatePassRatio), pct(x.criteriaMetRatio), `${x.valueHypothesis ?? '—'} → ${x.measuredImpact ?? 'not recorded'}`]));
    renderValidation(doc, sec, input.diagnostics);
  } else if (scope.kind === 'sow') {
    const sow = sows.find((x) => (s(dig(x.data, 'id')) || idFromPath(x.path)) === scope.id)!;
    doc.addPage();
    renderSow(doc, sec, sow, engine, crs, master, 1);
    renderValidation(doc, sec, input.diagnostics.filter((d) => d.file === sow.path));
  } else {
    const cr = crs.find((x) => (s(dig(x.data, 'id')) || idFromPath(x.path)) === scope.id)!;
    doc.addPage();
    sec.start(`Change request ${scope.id}`);
    field(doc, 'Summary', s(dig(cr.data, 'summary')));
    field(doc, 'Requestor', s(dig(cr.data, 'requestor')));
    field(doc, 'Created', s(dig(cr.data, 'created')));
    field(doc, 'Affected SOWs', list(dig(cr.data, 'sows')));
    field(doc, 'Dependencies', list(dig(cr.data, 'impact_analysis', 'dependencies')));
    field(doc, 'Value', s(dig(cr.data, 'impact_analysis', 'value')));
    const impact = impactOf(cr.data);
    const thresholds = thresholdsOf(master);
    if (impact && thresholds) {
      const ev = evaluateChange(impact, thresholds);
      doc.moveDown(0.4);
      field(doc, 'Verdict', `${ev.verdict} (declared: ${s(dig(cr.data, 'threshold_eval')) || 'none'})`);
      table(doc, [{ header: 'Threshold', width: 0.3 }, { header: 'Value', width: 0.2, align: 'right' }, { header: 'Limit', width: 0.2, align: 'right' }, { header: 'Crossed', width: 0.3 }], ev.checks.map((x) => [x.label, String(x.value), String(x.limit), x.crossed ? 'yes' : 'no']));
    }
    field(doc, 'Decision', `${s(dig(cr.data, 'decision', 'status'))} ${s(dig(cr.data, 'decision', 'date'))}`.trim());
    field(doc, 'Approvers', list(dig(cr.data, 'decision', 'approvers')));
    field(doc, 'Decision record', s(dig(cr.data, 'adr')) || 'none');
    field(doc, 'Addendum', s(dig(cr.data, 'addendum')) || 'none');
    renderValidation(doc, sec, input.diagnostics.filter((d) => d.file === cr.path));
  }
  const p = input.provenance;
  footers(doc, (page, pages) => `Page ${page} of ${pages} · generated ${p.generatedAt} · ${p.commit ? `commit ${p.commit.slice(0, 12)}${p.dirty ? ' · uncommitted changes' : ''}` : 'not in a git repository'}`);
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

