import { countDiagnostics, type Diagnostic } from '../../common/diagnostics.js';
import { describeLeftOut, type Figures } from '../../common/figures.js';
import { balanceInWords, formatMoney, shareInWords, SIGN_LEGEND, totalRow, varianceInWords, type LedgerSummary } from '../../common/ledger.js';
import { dateInWords, timeInWords } from '../../common/dates.js';
import type { ContractModel, Doc as ContractDoc } from '../../common/model/contract.js';
import type { ChangeRequest, MasterContract, Sow } from '../../common/model/schema-types.js';
import type { Snapshot } from '../../common/workspace.js';
import type { Compliance } from '../../common/compliance.js';
import { describeChange, type FieldChange } from '../../common/redline.js';
import { bullet, ensureSpace, field, footers, heading, MARGIN, newDoc, para, table, tag, width, type Doc } from './layout.js';

/** What a PDF covers; the whole contract's steering pack lists major changes since `since` (the last steering). */
export type PdfScope = { kind: 'contract'; since?: string } | { kind: 'sow'; id: string } | { kind: 'cr'; id: string };

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
  private readonly names = new Map<string, string>();
  constructor(
    private readonly doc: Doc,
    private readonly known: ReadonlyMap<string, number> | null,
  ) {}
  /** The named destination of a section, for links from the contents. */
  name(title: string): string {
    if (!this.names.has(title)) this.names.set(title, `section-${this.names.size + 1}`);
    return this.names.get(title)!;
  }
  /** Starts a section: a heading kept with what follows, a bookmark, a link target; its page is remembered for the contents. */
  start(title: string, level: 1 | 2 = 1, keep?: number): void {
    heading(this.doc, title, level, { destination: this.name(title), keep });
    const range = this.doc.bufferedPageRange();
    this.pages.set(title, range.start + range.count);
  }
  /** The contents: each entry a link to its section, with its page number (from the first pass). */
  toc(entries: { title: string; level: 1 | 2 }[], level: 1 | 2 = 1): void {
    heading(this.doc, 'Contents', level, { keep: 14 * Math.min(entries.length, 6) });
    const w = width(this.doc);
    for (const e of entries) {
      ensureSpace(this.doc, 14);
      const y = this.doc.y;
      const n = this.known?.get(e.title);
      const indent = e.level === 2 ? 14 : 0;
      tag(this.doc, 'TOCI', () => {
        this.doc
          .font(e.level === 1 ? 'bold' : 'regular')
          .fontSize(10)
          .fillColor('#1f2430')
          .text(e.title, MARGIN + indent, y, { width: w - 60 - indent, lineBreak: false, ellipsis: true, goTo: this.name(e.title) });
        this.doc
          .font('regular')
          .text(n === undefined ? '…' : String(n), MARGIN + w - 50, y, { width: 50, align: 'right', lineBreak: false, goTo: this.name(e.title) });
      });
      this.doc.x = MARGIN;
      this.doc.y = y + 15;
    }
    this.doc.moveDown(0.5);
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
      // the record's id is what people cite; its path is in the CR's own export
      data.adr ? (/ADR-\d{4}/.exec(data.adr)?.[0] ?? data.adr) : '',
    ];
  });
}

function renderSow(doc: Doc, sec: Sections, sow: ContractDoc<Sow>, snap: Snapshot, level: 1 | 2, ledger: LedgerSummary | null): void {
  const { data } = sow;
  const model = snap.model;
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
    { caption: 'Acceptance criteria' },
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
          ? `${g.result.data.source.file ?? g.result.data.source.kind}, ${timeInWords(g.result.data.recorded.at)}${g.result.data.recorded.by ? `, ${g.result.data.recorded.by}` : ''}`
          : 'none recorded',
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

const CR_COLUMNS = [
  { header: 'CR', width: 0.08 },
  { header: 'Summary', width: 0.31 },
  { header: 'Budget · slip · risk', width: 0.15 },
  { header: 'Verdict', width: 0.08 },
  { header: 'Stage', width: 0.13 },
  { header: 'Approvers', width: 0.15 },
  { header: 'ADR', width: 0.1 },
];

function renderLedger(doc: Doc, sec: Sections, ledger: LedgerSummary | null, problem: string | null): void {
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

function renderValidation(doc: Doc, sec: Sections, diagnostics: readonly Diagnostic[]): void {
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

function renderMaster(doc: Doc, sec: Sections, master: MasterContract): void {
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

/** At most five rows of a summary list, then one row saying how many more there are and where they are. */
const SUMMARY_ROWS = 5;
function capped<T>(rows: T[], where: string): (T | { more: string[] })[] {
  if (rows.length <= SUMMARY_ROWS) return rows;
  return [...rows.slice(0, SUMMARY_ROWS), { more: ['…', `${rows.length - SUMMARY_ROWS} more: ${where}`] }];
}

/** What failed a gate, in words. */
function gateFailure(g: Compliance['sows'][number]['gates'][number]): string {
  if (g.stoppedBy) return `stop-the-line: ${g.stoppedBy}`;
  if (!g.result) return 'no result';
  return `${g.result.source}, ${timeInWords(g.result.at)}${g.result.by ? `, ${g.result.by}` : ''}${g.result.failing.length ? `: ${g.result.failing.join(', ')}` : ''}`;
}

/** The period the contract's iterations cover, in words, or why it is unknown. */
function periodOf(model: ContractModel): string {
  const starts = model.sows.map((x) => x.data.dates.start).sort();
  const ends = model.sows.map((x) => x.data.dates.end).sort();
  if (!starts.length) return 'no iterations yet';
  return `${dateInWords(starts[0]!)} to ${dateInWords(ends[ends.length - 1]!)} (${model.sows.length} iteration${model.sows.length === 1 ? '' : 's'})`;
}

/**
 * The title block: engagement, parties, period, the as-of date in words and exactly what the pages show. The whole
 * contract's pack opens on it (with the executive summary below); a SOW or CR export starts its content under it.
 */
function titleBlock(doc: Doc, input: PdfInput, scope: PdfScope, subject: string): void {
  const model = input.snapshot.model;
  const meta = model.master?.data.meta;
  const engagement = meta?.title ?? meta?.id ?? 'Contract (the master contract is missing or left out)';
  const big = scope.kind === 'contract';
  if (big) doc.moveDown(2);
  tag(doc, 'H1', () =>
    doc
      .font('bold')
      .fontSize(big ? 24 : 18)
      .fillColor('#1f2430')
      .text(engagement, { width: width(doc) }),
  );
  para(doc, `${subject} · as of ${dateInWords(input.provenance.generatedAt.slice(0, 10))}`, { muted: true, size: big ? 13 : 11 });
  doc.moveDown(0.5);
  const parties = meta?.parties ?? [];
  field(doc, 'Parties', parties.length ? parties.map((x) => `${x.name} (${x.role})`).join(' · ') : 'not named in the master contract (meta.parties)');
  field(doc, 'Period', periodOf(model));
  field(doc, 'Contract', meta ? `${meta.id}, effective ${dateInWords(meta.effective_date)}` : 'unknown');
  field(doc, 'Shows', `${provenanceLine(input.provenance)}; generated ${timeInWords(input.provenance.generatedAt)}`);
  if (input.provenance.unsaved.length) field(doc, 'Unsaved edits in', input.provenance.unsaved.join(', '));
  const leftOut = describeLeftOut(input.figures.leftOut);
  if (leftOut) para(doc, leftOut, { muted: true });
  doc.moveDown(big ? 1 : 0.5);
}

/**
 * One page for the steering committee: the budget to date in words, decisions open and pending with their due dates,
 * major changes since the last steering, gates failing, stop-the-line triggers, and whether the files validate.
 */
function executiveSummary(doc: Doc, sec: Sections, input: PdfInput, since: string | null, asOf: string): void {
  const { figures, snapshot } = input;
  const model = snapshot.model;
  const c = figures.compliance;
  sec.start('Executive summary', 1, 80);
  const l = figures.ledger;
  if (l) {
    const m = (x: number) => formatMoney(x, l.currency, 'en-GB');
    const t = l.totals;
    field(
      doc,
      'Budget to date',
      `${varianceInWords(t.variance, m)} over ${l.rows.length} period${l.rows.length === 1 ? '' : 's'} (${m(t.actual)} against a target of ${m(t.target)}). ${shareInWords(totalRow(l.model, l.rows), m)}.`,
    );
  } else field(doc, 'Budget to date', `unknown: ${figures.ledgerProblem ?? 'no valid ledger'}`);

  // the summary stays one page: the most pressing few of each list, and how many more there are
  const open = c.crs.filter((x) => x.stage === 'proposed').sort((a, b) => (a.approvals.due ?? '9999').localeCompare(b.approvals.due ?? '9999'));
  if (open.length)
    table(
      doc,
      [
        { header: 'Change', width: 0.1 },
        { header: 'Summary', width: 0.34 },
        { header: 'Decided by', width: 0.2 },
        { header: 'Due', width: 0.16 },
        { header: 'Waiting for', width: 0.2 },
      ],
      capped(open, 'see Change requests').map((x) =>
        'more' in x
          ? x.more
          : [
              x.id,
              model.cr(x.id)?.data.summary ?? '',
              x.owner ? `${x.owner} (${x.area})` : `${x.area}: no owner set`,
              x.approvals.due
                ? `${dateInWords(x.approvals.due)}${x.overdueDays ? `, ${x.overdueDays} day${x.overdueDays === 1 ? '' : 's'} overdue` : ''}`
                : 'unknown',
              x.approvals.awaited.join(', ') || '—',
            ],
      ),
      { caption: `Decisions open and pending (${open.length})` },
    );
  else field(doc, 'Decisions open and pending', 'none');

  // the last steering: given, or the start of the iteration running on the as-of date
  const current = [...model.sows].filter((x) => x.data.dates.start <= asOf).sort((a, b) => b.data.dates.start.localeCompare(a.data.dates.start))[0];
  const from = since ?? current?.data.dates.start ?? null;
  const fromWords = since ? `${dateInWords(since)} (the last steering)` : current ? `${dateInWords(current.data.dates.start)} (start of ${current.id})` : null;
  const major = c.crs
    .filter((x) => x.verdict === 'major' && from !== null && (x.decided ?? x.created ?? '') >= from)
    .sort((a, b) => (b.decided ?? b.created ?? '').localeCompare(a.decided ?? a.created ?? ''));
  if (!fromWords) field(doc, 'Major changes since the last steering', 'unknown: no iteration has started and no date of the last steering was given (--since)');
  else if (major.length)
    table(
      doc,
      [
        { header: 'Change', width: 0.1 },
        { header: 'Summary', width: 0.34 },
        { header: 'Why major', width: 0.36 },
        { header: 'Stage', width: 0.2 },
      ],
      capped(major, 'see Change requests').map((x) => {
        if ('more' in x) return x.more;
        const doc_ = model.cr(x.id);
        return [x.id, doc_?.data.summary ?? '', doc_ ? model.verdict(doc_).explanation : '', `${x.stage}${x.decided ? ` ${dateInWords(x.decided)}` : ''}`];
      }),
      { caption: `Major changes since ${fromWords}` },
    );
  else field(doc, `Major changes since ${fromWords}`, 'none');

  const failing = c.sows.flatMap((x) => x.gates.filter((g) => g.status === 'failed').map((g) => ({ sow: x.id, g })));
  const unverified = c.sows.reduce((n, x) => n + x.gatesUnverified, 0);
  if (failing.length)
    table(
      doc,
      [
        { header: 'SOW', width: 0.14 },
        { header: 'Gate', width: 0.2 },
        { header: 'Failed by', width: 0.66 },
      ],
      capped(failing, 'see each SOW').map((f) => ('more' in f ? f.more : [f.sow, f.g.name, gateFailure(f.g)])),
      { caption: `Gates failing (${failing.length})` },
    );
  else field(doc, 'Gates failing', 'none');
  if (unverified) field(doc, 'Gates unverified', `${unverified}: a status typed in the SOW with no recorded result behind it`);

  const raised = c.stopTheLineRaised.filter((r) => r.open);
  field(
    doc,
    'Stop-the-line triggers',
    raised.length ? raised.map((r) => `${r.trigger} raised ${dateInWords(r.date)}${r.sow ? ` on ${r.sow}` : ''}`).join('; ') : 'none open',
  );
  const counts = countDiagnostics(input.diagnostics);
  field(
    doc,
    'Validation',
    `${counts.errors} error${counts.errors === 1 ? '' : 's'}, ${counts.warnings} warning${counts.warnings === 1 ? '' : 's'} in the files shown`,
  );
}

function render(input: PdfInput, scope: PdfScope, known: ReadonlyMap<string, number> | null): { doc: Doc; pages: Map<string, number> } {
  const { snapshot: snap, figures } = input;
  const model = snap.model;
  const master = model.master?.data ?? null;
  const sows = model.sows;
  const crs = model.crs;
  const contractId = master?.meta.id ?? 'contract';
  const subject = scope.kind === 'contract' ? 'Steering pack' : scope.kind === 'sow' ? `Iteration ${scope.id}` : `Change request ${scope.id}`;
  // the first pass only finds the pages of the sections: it builds no structure tree
  const doc = newDoc({ title: `${master?.meta.title ?? contractId}: ${subject}`, subject }, { tagged: known !== null });
  const sec = new Sections(doc, known);

  const asOf = input.provenance.generatedAt.slice(0, 10);
  titleBlock(doc, input, scope, subject);

  if (scope.kind === 'contract') {
    executiveSummary(doc, sec, input, scope.since ?? null, asOf);

    const entries: { title: string; level: 1 | 2 }[] = [
      { title: 'Executive summary', level: 1 },
      { title: 'Vision and success criteria', level: 1 },
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

    if (master) renderMaster(doc, sec, master);

    sec.start('Iterations (SOWs)', 1, 120);
    if (sows.length === 0) para(doc, 'No SOWs yet.', { muted: true });
    for (const sow of sows) renderSow(doc, sec, sow, snap, 2, figures.ledger);

    sec.start('Change requests', 1, 80);
    if (crs.length) table(doc, CR_COLUMNS, crRows(crs, model));
    else para(doc, 'No change requests yet.', { muted: true });
    renderLedger(doc, sec, figures.ledger, figures.ledgerProblem);

    sec.start('Compliance', 1, 80);
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
    sec.toc(
      [`SOW ${sow.id}`, 'Changes since the last approved version', 'Validation status'].map((title) => ({ title, level: 1 as const })),
      2,
    );
    renderSow(doc, sec, sow, snap, 1, figures.ledger);
    renderRedline(doc, sec, input.redline);
    renderValidation(
      doc,
      sec,
      input.diagnostics.filter((d) => d.file === sow.path),
    );
  } else {
    const cr = model.cr(scope.id)!;
    const d = cr.data;
    sec.toc(
      [`Change request ${scope.id}`, 'Changes since the last approved version', 'Validation status'].map((title) => ({ title, level: 1 as const })),
      2,
    );
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
      reviews.length ? reviews.map((r) => `${r.outcome} by ${r.by}, ${timeInWords(r.at)}${r.note ? ` (“${r.note}”)` : ''}`).join('; ') : 'none recorded',
    );
    renderValidation(
      doc,
      sec,
      input.diagnostics.filter((x) => x.file === cr.path),
    );
  }
  const p = input.provenance;
  footers(doc, (page, pages) => `Page ${page} of ${pages} · generated ${timeInWords(p.generatedAt)} · ${provenanceLine(p)}`);
  return { doc, pages: sec.pages };
}

/** Renders the PDF: a first pass finds each section's page, the second prints them in the table of contents. */
export async function renderPdf(input: PdfInput, scope: PdfScope): Promise<Buffer> {
  const first = render(input, scope, null);
  first.doc.end();
  // every export has contents with page numbers: the second pass prints what the first found
  const final = render(input, scope, first.pages).doc;
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
