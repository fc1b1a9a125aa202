import { signed } from '../../helpers/git.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initRepository } from '../../../core/node/git/init.js';
import { covenant } from '../../helpers/cli.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { engineWith, REPO, SOW, edited } from '../../helpers/workspace.js';

const text = (pdf: string) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });

/** The example with names from everywhere, HTML in a string, and a git history. */
async function fixture(): Promise<string> {
  const ws = exampleCopy();
  const cr = path.join(ws, 'contracts/changes/CR-42.yaml');
  // the requestor must be someone governance knows: the steering committee gets the same name
  const master = path.join(ws, 'contracts/master_contract.yaml');
  writeFileSync(
    master,
    readFileSync(master, 'utf8').replace(
      'steering_committee: [client, dev_lead, design_lead]',
      'steering_committee: [client, dev_lead, design_lead, "Zoë Müller (東京) <b>lead</b>"]',
    ),
  );
  writeFileSync(
    cr,
    readFileSync(cr, 'utf8')
      .replace('requestor: design_lead', 'requestor: "Zoë Müller (東京) <b>lead</b>"')
      .replace('value: "Expected +2% conversion"', 'value: "José expects +2% (€ 40k)"'),
  );
  await initRepository(ws, signed({ name: 'Zoë', email: 'zoe@example.com' }), 'Example');
  return ws;
}

describe('covenant export-pdf', () => {
  it('the whole contract: headings, values, a table of contents with page numbers, provenance on every page, checked by qpdf, fonts embedded', async () => {
    const ws = await fixture();
    const out = path.join(tempDir(), 'contract.pdf');
    const r = covenant(['export-pdf', ws, '--out', out]);
    expect(r.code).toBe(0);
    const t = text(out);
    for (const heading of [
      'Contents',
      'Governance and decision rights',
      'Change policy',
      'Incentives and collaboration',
      'Risk policy',
      'Iterations (SOWs)',
      'SOW SPRINT-07',
      'Change requests',
      'Incentive ledger',
      'Compliance',
      'Validation status',
    ])
      expect(t).toContain(heading);
    for (const value of [
      'Improve conversion by 15%',
      'steering_committee',
      'security_blocker',
      'Usability score >= 85 on SUS',
      'ADR-0007', // the record's id in the tables (its path is in the CR's own export)
      '€48,000.00',
      '€1,625.25',
      '0 errors, 1 warning.', // qa_signoff never ran, and SPRINT-07 ended on 24 October 2025: gate-missing
    ])
      expect(t).toContain(value);
    // table of contents: each entry with the page its section starts on
    expect(t).toMatch(/Governance and decision rights\s+2\b/);
    expect(t).toMatch(/Validation status\s+\d+/);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ws, encoding: 'utf8' }).trim();
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [out], { encoding: 'utf8' }))![1]);
    for (let p = 1; p <= pages; p++) expect(t).toContain(`Page ${p} of ${pages} · generated `);
    expect(t).toContain(`commit ${head.slice(0, 12)}`);
    expect(t).not.toContain('uncommitted changes');
    execFileSync('qpdf', ['--check', out]);
    const fonts = execFileSync('pdffonts', [out], { encoding: 'utf8' });
    expect(fonts).toMatch(/\+NotoSansJP-Regular\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    const info = execFileSync('pdfinfo', [out], { encoding: 'utf8' });
    expect(info).toMatch(/Title:\s+master-2025-10: Steering pack/);
    expect(info).toMatch(/Producer:\s+Covenant/);
    // a rendered page, kept as an artifact to look at
    mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '3', '-l', '3', out, path.join(REPO, 'test-results', 'pdf-contract')]);
  });

  it('Unicode text renders as written and contract text stays text', async () => {
    const ws = await fixture();
    writeFileSync(path.join(ws, 'notes.md'), 'not committed yet');
    const out = path.join(tempDir(), 'cr.pdf');
    expect(covenant(['export-pdf', ws, '--out', out, '--cr', 'CR-42']).code).toBe(0);
    const t = text(out);
    expect(t).toContain('Zoë Müller (東京) <b>lead</b>');
    expect(t).toContain('José expects +2% (€ 40k)');
    expect(t).toContain('uncommitted changes');
    for (const v of [
      'Change request CR-42',
      'Verdict: minor: no threshold crossed (declared: minor)',
      'schedule slip',
      'Decision record: docs/adr/ADR-0007.md',
    ])
      expect(t).toContain(v);
  });

  it('one SOW, and a scope that does not exist', async () => {
    const ws = await fixture();
    const out = path.join(tempDir(), 'sow.pdf');
    expect(covenant(['export-pdf', ws, '--out', out, '--sow', 'SPRINT-07']).code).toBe(0);
    const t = text(out);
    expect(t).toContain('SOW SPRINT-07');
    expect(t).toContain('Drop-off decreases by >= 15% on test');
    expect(t).toContain('CR-42');
    const bad = covenant(['export-pdf', ws, '--out', out, '--sow', 'SPRINT-99']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('There is no SOW SPRINT-99');
  });
});

describe('long tables', () => {
  it('repeat their header row on every page they run onto', async () => {
    const { renderPdf } = await import('../../../core/node/pdf/summary.js');
    const { ContractEngine } = await import('../../../core/common/workspace.js');
    const { generatedWorkspace } = await import('../../../bench/generate.js');
    const engine = new ContractEngine();
    for (const [p, t] of generatedWorkspace(5, 150)) engine.setText(p, t);
    const snapshot = engine.snapshot();
    const { diagnostics } = snapshot.validate({ today: '2026-01-01' });
    const pdf = await renderPdf(
      { snapshot, figures: snapshot.figures('2026-01-01'), diagnostics, provenance: { generatedAt: 't', commit: null, uncommitted: false, unsaved: [] } },
      { kind: 'contract' },
    );
    const out = path.join(tempDir(), 'long.pdf');
    writeFileSync(out, pdf);
    const pages = text(out).split('\f');
    const withCrTable = pages.filter((p) => /CR-\d+\s/.test(p) && p.includes('Summary'));
    expect(withCrTable.length).toBeGreaterThan(2);
    const long = pages.filter((x) => (x.match(/Change number \d+/g) ?? []).length > 5);
    expect(long.length).toBeGreaterThan(2);
    for (const p of long) expect(p).toMatch(/CR\s+Summary\s+Budget[\s\S]{0,80}?Verdict\s+Stage\s+Approvers\s+ADR/);
  });
});

describe('the steering pack', () => {
  it('opens on the engagement, parties, period and as-of date, then a one-page executive summary', async () => {
    const ws = await fixture();
    const master = path.join(ws, 'contracts/master_contract.yaml');
    writeFileSync(
      master,
      readFileSync(master, 'utf8').replace(
        '  effective_date: 2025-10-11',
        '  effective_date: 2025-10-11\n  title: Onboarding redesign\n  parties:\n    - {name: Acme Retail Ltd, role: client}\n    - {name: Studio North, role: supplier}',
      ),
    );
    // an open major change, a failing gate and an open stop-the-line raising: each must reach the summary
    writeFileSync(
      path.join(ws, 'contracts/changes/CR-43.yaml'),
      'id: CR-43\nrequestor: client\nsummary: Add SSO to onboarding\ncreated: 2025-10-20\nsows: [SPRINT-07]\nimpact_analysis: {budget_delta_pct: 14, schedule_slip_days: 2, risk_score: 3}\nthreshold_eval: major\ndecision: {status: proposed}\n',
    );
    writeFileSync(
      path.join(ws, 'contracts/results/SPRINT-07/qa_signoff--20251022T100000Z.yaml'),
      'sow: SPRINT-07\ngate: qa_signoff\noutcome: failed\nsource: {kind: hand}\nrecorded: {at: 2025-10-22T10:00:00Z, by: Quinn QA <quinn@example.com>, commit: null, note: Safari voucher flow}\n',
    );
    const out = path.join(tempDir(), 'pack.pdf');
    const r = covenant(['export-pdf', ws, '--out', out, '--since', '2025-10-01']);
    expect(r.stderr).toBe('');
    const pages = text(out).split('\f');
    const first = pages[0]!.replace(/\s+/g, ' ');
    expect(first).toContain('Onboarding redesign Steering pack · as of ');
    expect(first).toContain('Parties: Acme Retail Ltd (client) · Studio North (supplier)');
    expect(first).toContain('Period: 13 October 2025 to 24 October 2025 (1 iteration)');
    expect(first).toMatch(/as of \d{1,2} [A-Z][a-z]+ \d{4}/); // the as-of date in words
    expect(first).not.toMatch(/master-2025-10[^,]*master-2025-10/); // the internal id at most once
    expect(first).toContain('Executive summary');
    expect(first).toContain('Budget to date: Overrun of €3,250.50 over 1 period');
    expect(first).toContain('Supplier bears €1,625.25 of the overrun');
    expect(first).toContain('Decisions open and pending (1)');
    expect(first).toContain('CR-43 Add SSO to onboarding steering_committee');
    expect(first).toMatch(/23 October 2025,[^.]*\d+ days overdue/); // created 20 October + the scope SLA of 3 days
    expect(first).toContain('Major changes since 1 October 2025 (the last steering)');
    expect(first).toContain('budget delta 14% exceeds 10%');
    expect(first).toContain('Gates failing (1)');
    expect(first).toContain('qa_signoff');
    expect(first).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/); // timestamps in words, not ISO
  });

  it('is a tagged PDF/A with its language, bookmarks for every section and clickable contents', async () => {
    const ws = await fixture();
    const out = path.join(tempDir(), 'pack.pdf');
    expect(covenant(['export-pdf', ws, '--out', out]).code).toBe(0);
    const info = execFileSync('pdfinfo', [out], { encoding: 'utf8' });
    expect(info).toMatch(/Tagged:\s+yes/);
    const raw = readFileSync(out, 'latin1');
    expect(raw).toMatch(/\/Lang \(en-GB\)/);
    expect(raw).toContain('pdfaid:part'); // PDF/A identification in the XMP metadata
    expect(raw).toMatch(/\/StructTreeRoot \d+ 0 R/);
    for (const t of ['/H1', '/Table', '/TR', '/TD', '/TH']) expect(raw).toContain(`/S ${t}`);
    // page furniture (footers, rules) is marked as an artifact in the content streams, read uncompressed by qpdf
    const plain = path.join(tempDir(), 'plain.pdf');
    execFileSync('qpdf', ['--qdf', '--object-streams=disable', out, plain]);
    expect(readFileSync(plain, 'latin1')).toMatch(/\/Artifact <<[^>]*\/Type \/Pagination[^>]*>> BDC/);
    // bookmarks, read by an independent tool
    const outline = execFileSync('mutool', ['show', out, 'outline'], { encoding: 'utf8' });
    for (const section of ['Executive summary', 'Governance and decision rights', 'SOW SPRINT-07', 'Incentive ledger', 'Validation status'])
      expect(outline).toContain(`"${section}"`);
    // the contents link to their sections: one GoTo link per entry
    const links = (raw.match(/\/S \/GoTo/g) ?? []).length;
    expect(links).toBeGreaterThanOrEqual(2 * 12);
    execFileSync('qpdf', ['--check', out]);
    // identifiers are never cut inside a word, even in narrow columns
    const words = text(out);
    expect(words).toContain('steering_committee');
    expect(words).not.toMatch(/steering_co\s*\n/);
  });

  it('every export has bookmarks and contents: one change request, one SOW', async () => {
    const ws = await fixture();
    for (const [flag, id, section] of [
      ['--cr', 'CR-42', 'Change request CR-42'],
      ['--sow', 'SPRINT-07', 'SOW SPRINT-07'],
    ] as const) {
      const out = path.join(tempDir(), `${id}.pdf`);
      expect(covenant(['export-pdf', ws, '--out', out, flag, id]).code).toBe(0);
      expect(execFileSync('mutool', ['show', out, 'outline'], { encoding: 'utf8' })).toContain(`"${section}"`);
      const first = text(out).split('\f')[0]!;
      expect(first).toMatch(new RegExp(`Contents\\s+${section}\\s+1\\b`)); // contents with page numbers, no cover page
      expect(execFileSync('pdfinfo', [out], { encoding: 'utf8' })).toMatch(/Tagged:\s+yes/);
    }
  });
});

describe('covenant export-csv', () => {
  it('the ledger with words for who bears what, and the change log, parsed back by a CSV reader', async () => {
    const ws = await fixture();
    const { parse } = await import('csv-parse/sync');
    const ledger = covenant(['export-csv', 'ledger', ws]);
    expect(ledger.code).toBe(0);
    expect(ledger.stderr).toMatch(/from the saved files: commit [0-9a-f]{12}/);
    const rows = parse(ledger.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      {
        period: 'SPRINT-07',
        currency: 'EUR',
        target_cost: '48000.00',
        actual_cost: '51250.50',
        outcome: 'overrun',
        variance: '3250.50',
        supplier_share: '1625.25',
        client_share: '1625.25',
        in_words: 'Overrun of 3250.50 EUR. Supplier bears 1625.25 EUR of the overrun; client bears 1625.25 EUR.',
        supplier_net_so_far: '1625.25',
        supplier_net_direction: 'borne',
        note: 'Navigation redesign (CR-42) added two days of front-end work.',
      },
    ]);
    const log = covenant(['export-csv', 'changes', ws]);
    const crs = parse(log.stdout, { columns: true }) as Record<string, string>[];
    expect(crs).toHaveLength(1);
    expect(crs[0]).toMatchObject({
      id: 'CR-42',
      verdict: 'minor',
      judged_against: expect.stringContaining('master-2025-10'),
      stage: 'approved',
      adr: 'docs/adr/ADR-0007.md',
    });
    expect(crs[0]!.requestor).toBe('Zoë Müller (東京) <b>lead</b>');
    // a cell a spreadsheet would run as a formula is neutralised (OWASP: a leading apostrophe); numbers stay numbers
    const cr = path.join(ws, 'contracts/changes/CR-42.yaml');
    writeFileSync(cr, readFileSync(cr, 'utf8').replace(/^summary: .*$/m, 'summary: "=HYPERLINK(\\"http://evil.example\\", \\"click\\")"'));
    const hostile = parse(covenant(['export-csv', 'changes', ws]).stdout, { columns: true }) as Record<string, string>[];
    expect(hostile[0]!.summary).toBe(`'=HYPERLINK("http://evil.example", "click")`);
    expect(hostile[0]!.budget_delta_pct).toBe('7');
    const bad = covenant(['export-csv', 'budget', ws]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the table is "ledger" or "changes"');
  });
});

/** The whole contract's pack of the example (with some files changed), rendered as of `today`, as text per page. */
async function packText(changes: Record<string, string | null>, today: string): Promise<string[]> {
  const { renderPdf } = await import('../../../core/node/pdf/summary.js');
  const snapshot = engineWith(changes).snapshot();
  const { diagnostics } = snapshot.validate({ today });
  const pdf = await renderPdf(
    {
      snapshot,
      figures: snapshot.figures(today),
      diagnostics,
      provenance: { generatedAt: `${today}T10:00:00Z`, commit: null, uncommitted: false, unsaved: [] },
    },
    { kind: 'contract' },
  );
  const out = path.join(tempDir(), 'pack.pdf');
  writeFileSync(out, pdf);
  return text(out)
    .split('\f')
    .map((p) => p.replace(/\s+/g, ' '));
}

describe('the steering pack 13 months after the iteration ended', () => {
  // AC3 recorded at 0.8 against <= 0.5; qa_signoff never ran
  const changes = {
    [SOW]: edited(
      SOW,
      '    evidence: analytics/exp_123.csv\n',
      '    evidence: analytics/exp_123.csv\n  - id: AC3\n    description: Error rate in production\n    target: "<= 0.5"\n    evidence: analytics/exp_123.csv\n',
    ),
    'contracts/results/SPRINT-07/AC3--20251024T100000Z.yaml':
      'sow: SPRINT-07\ncriterion: AC3\nvalue: 0.8\nsource: {kind: value}\nrecorded: {at: 2025-10-24T10:00:00Z, by: Avi Analyst <avi@example.com>, commit: null}\n',
  };

  it('the executive summary opens on gates failing, gates missing and criteria unmet; gates passed is 1 of 2', async () => {
    const pages = await packText(changes, '2026-11-20');
    const first = pages[0]!;
    const summary = first.slice(first.indexOf('Executive summary'));
    expect(summary).toContain('Gates failing: none');
    expect(summary).toContain('Gates missing (1) SOW Gate Why SPRINT-07 qa_signoff no result recorded; SPRINT-07 ended 24 October 2025');
    expect(summary).toContain('Criteria unmet (1) SOW Criterion Value against target SPRINT-07 AC3 0.8 against <= 0.5');
    const at = (words: string) => summary.indexOf(words);
    for (const later of ['Budget to date', 'Decisions open and pending', 'Stop-the-line triggers', 'Validation'])
      for (const first of ['Gates failing', 'Gates missing', 'Criteria unmet']) expect(at(first), `${first} before ${later}`).toBeLessThan(at(later));
    // the missing gate and the unmet criterion are the two warnings (report mode)
    expect(summary).toContain('Validation: 0 errors, 2 warnings in the files shown');
    const compliance = pages.find((p) => p.includes('Gates passed Criteria met'))!;
    expect(compliance).toContain('SPRINT-07 1/2 (50%) 2/3 (67%)');
    expect(compliance).not.toContain('100%');
  });

  it('while the iteration runs the gate is pending, not missing, and still not passed', async () => {
    const pages = await packText(changes, '2025-10-24');
    expect(pages[0]).toContain('Gates missing: none');
    expect(pages.find((p) => p.includes('Gates passed Criteria met'))).toContain('SPRINT-07 1/2 (50%)');
  });

  it('defect triage in the PDF is the same figure covenant metrics writes', async () => {
    const { prometheusText } = await import('../../../core/node/metrics.js');
    const pages = await packText({}, '2025-10-22');
    const line = /Defect triage: \S+ within 24 h; median ([\d.]+) h, p90 ([\d.]+) h/.exec(pages.join(' '));
    expect(line?.slice(1)).toEqual(['2.5', '63.5']);
    const t = await prometheusText(engineWith().snapshot().figures('2025-10-22'));
    const q = (x: string) => Number(new RegExp(`covenant_defect_triage_seconds\\{quantile="${x}"\\} (\\S+)`).exec(t)![1]) / 3600;
    expect([q('0.5'), q('0.9')].map((h) => (Math.round(h * 10) / 10).toString())).toEqual(line!.slice(1));
    expect(q('0.9')).toBe(63.45);
  });
});
