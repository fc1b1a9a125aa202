/** The title block every PDF opens on, and the steering pack's one-page executive summary. */
import { countDiagnostics } from '../../common/diagnostics.js';
import { describeLeftOut } from '../../common/figures.js';
import { verdictInWords } from '../../common/format.js';
import { formatMoney, shareInWords, totalRow, varianceInWords } from '../../common/ledger.js';
import { dateInWords, timeInWords } from '../../common/dates.js';
import type { ContractModel } from '../../common/model/contract.js';
import type { Compliance, GateFigure } from '../../common/compliance.js';
import { field, para, table, tag, width, type Doc } from './layout.js';
import { capped, provenanceLine, type PdfInput, type PdfScope, type Sections } from './sections.js';

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
export function titleBlock(doc: Doc, input: PdfInput, scope: PdfScope, subject: string): void {
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
  for (const problem of input.problems ?? []) para(doc, problem, { muted: true });
  doc.moveDown(big ? 1 : 0.5);
}

/** What failed a gate, in words. */
function gateFailure(g: GateFigure): string {
  if (g.stoppedBy) return `stop-the-line: ${g.stoppedBy}`;
  if (!g.result) return 'no result';
  return `${g.result.source}, ${timeInWords(g.result.at)}${g.result.by ? `, ${g.result.by}` : ''}${g.result.failing.length ? `: ${g.result.failing.join(', ')}` : ''}`;
}

/** Gates failing, gates missing and criteria unmet, each a short table (or "none"); then how many gates are unverified. */
function complianceFirst(doc: Doc, c: Compliance): void {
  const failing = c.sows.flatMap((x) => x.gates.filter((g) => g.status === 'failed').map((g) => ({ sow: x, g })));
  const missing = c.sows.flatMap((x) => x.gates.filter((g) => g.status === 'missing').map((g) => ({ sow: x, g })));
  const unmet = c.sows.flatMap((x) => x.criterionChecks.filter((k) => k.status === 'unmet').map((k) => ({ sow: x, k })));
  const unverified = c.sows.reduce((n, x) => n + x.gatesUnverified, 0);
  const gateColumns = (why: string) => [
    { header: 'SOW', width: 0.14 },
    { header: 'Gate', width: 0.2 },
    { header: why, width: 0.66 },
  ];
  if (failing.length)
    table(
      doc,
      gateColumns('Failed by'),
      capped(failing, 'see each SOW').map((f) => ('more' in f ? f.more : [f.sow.id, f.g.name, gateFailure(f.g)])),
      { caption: `Gates failing (${failing.length})` },
    );
  else field(doc, 'Gates failing', 'none');
  if (missing.length)
    table(
      doc,
      gateColumns('Why'),
      capped(missing, 'see each SOW').map((f) =>
        'more' in f ? f.more : [f.sow.id, f.g.name, `no result recorded; ${f.sow.id} ended ${dateInWords(f.sow.end)}`],
      ),
      { caption: `Gates missing (${missing.length})` },
    );
  else field(doc, 'Gates missing', 'none');
  if (unmet.length)
    table(
      doc,
      [
        { header: 'SOW', width: 0.14 },
        { header: 'Criterion', width: 0.2 },
        { header: 'Value against target', width: 0.66 },
      ],
      capped(unmet, 'see each SOW').map((f) => ('more' in f ? f.more : [f.sow.id, f.k.id, `${f.k.value} against ${f.k.target}`])),
      { caption: `Criteria unmet (${unmet.length})` },
    );
  else field(doc, 'Criteria unmet', 'none');
  if (unverified) field(doc, 'Gates unverified', `${unverified}: a status typed in the SOW with no recorded result behind it`);
}

/**
 * One page for the steering committee: first the gates failing, the gates missing (never run by the end of their
 * iteration) and the criteria unmet; then the budget to date in words, decisions open and pending with their due
 * dates, major changes since the last steering, stop-the-line triggers, and whether the files validate.
 */
export function executiveSummary(doc: Doc, sec: Sections, input: PdfInput, since: string | null, asOf: string): void {
  const { figures, snapshot } = input;
  const model = snapshot.model;
  const c = figures.compliance;
  sec.start('Executive summary', 1, 80);
  // what fails the contract comes first: gates failing or never run, criteria that missed their target
  complianceFirst(doc, c);
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
        return [x.id, doc_?.data.summary ?? '', doc_ ? verdictInWords(model.verdict(doc_)) : '', `${x.stage}${x.decided ? ` ${dateInWords(x.decided)}` : ''}`];
      }),
      { caption: `Major changes since ${fromWords}` },
    );
  else field(doc, `Major changes since ${fromWords}`, 'none');

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
