/**
 * The PDF of a snapshot: the whole contract's steering pack (title block, executive summary, contents and the detail),
 * one SOW, or one change request. The parts are in executive.ts, contract-pages.ts and sections.ts.
 */
import { APPROVAL_COLUMNS, approvalRows, approvalState } from '../../common/approvals.js';
import { verdictInWords } from '../../common/format.js';
import { timeInWords } from '../../common/dates.js';
import { field, footers, newDoc, para, table, type Doc } from './layout.js';
import { executiveSummary, titleBlock } from './executive.js';
import { renderCompliance, renderLedger, renderMaster, renderRedline, renderSow, renderValidation, renderVision } from './contract-pages.js';
import { CR_COLUMNS, crRows, list, provenanceLine, s, Sections, type PdfInput, type PdfScope } from './sections.js';

export { provenanceLine, type PdfInput, type PdfScope, type Provenance } from './sections.js';

/** The approval block: the decision as the signatures make it, whose signatures count, and for each signature which
 * commit and which version it covers (the words of covenant verify and the document view). */
function renderApprovals(doc: Doc, input: PdfInput, target: Parameters<typeof approvalState>[1]): void {
  const model = input.snapshot.model;
  const state = approvalState(model, target, input.snapshot.facts.signatures?.get(target.path));
  field(doc, 'Signatures', state.words);
  field(doc, 'Needs', state.needs);
  field(doc, 'Signatures count from', model.trust().label);
  const rows = approvalRows(model, state);
  if (rows.length)
    table(
      doc,
      APPROVAL_COLUMNS.map((header, i) => ({ header, width: [0.24, 0.14, 0.12, 0.12, 0.38][i]! })),
      rows,
      { caption: `Signatures on ${state.id}` },
    );
}

/** One change request: what it asks, its verdict against the thresholds in force, its decision, addendum and reviews. */
function renderCrPage(doc: Doc, sec: Sections, input: PdfInput, id: string): void {
  const model = input.snapshot.model;
  const cr = model.cr(id)!;
  const d = cr.data;
  sec.toc(
    [`Change request ${id}`, 'Changes since the last approved version', 'Validation status'].map((title) => ({ title, level: 1 as const })),
    2,
  );
  sec.start(`Change request ${id}`);
  field(doc, 'Summary', d.summary);
  field(doc, 'Requestor', s(d.requestor));
  field(doc, 'Created', s(d.created));
  field(doc, 'Affected SOWs', model.sowsOfCr(cr.id).join(', '));
  field(doc, 'Dependencies', list(d.impact_analysis.dependencies));
  field(doc, 'Value', s(d.impact_analysis.value));
  const v = model.verdict(cr);
  doc.moveDown(0.4);
  field(doc, 'Verdict', `${verdictInWords(v)} (declared: ${d.threshold_eval ?? 'none'})`);
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
  renderApprovals(doc, input, cr);
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

    renderVision(doc, sec, master);

    if (master) renderMaster(doc, sec, master);
    if (model.master) renderApprovals(doc, input, model.master);

    sec.start('Iterations (SOWs)', 1, 120);
    if (sows.length === 0) para(doc, 'No SOWs yet.', { muted: true });
    for (const sow of sows) renderSow(doc, sec, sow, figures, 2, model);

    sec.start('Change requests', 1, 80);
    if (crs.length) table(doc, CR_COLUMNS, crRows(crs, model));
    else para(doc, 'No change requests yet.', { muted: true });
    renderLedger(doc, sec, figures.ledger, figures.ledgerProblem);

    renderCompliance(doc, sec, figures.compliance);
    renderValidation(doc, sec, input.diagnostics);
  } else if (scope.kind === 'sow') {
    const sow = model.sow(scope.id)!;
    sec.toc(
      [`SOW ${sow.id}`, 'Changes since the last approved version', 'Validation status'].map((title) => ({ title, level: 1 as const })),
      2,
    );
    renderSow(doc, sec, sow, figures, 1, model);
    renderApprovals(doc, input, sow);
    renderRedline(doc, sec, input.redline);
    renderValidation(
      doc,
      sec,
      input.diagnostics.filter((d) => d.file === sow.path),
    );
  } else renderCrPage(doc, sec, input, scope.id);
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
