import { signed } from '../../helpers/git.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initRepository } from '../../../core/node/git/init.js';
import { covenant } from '../../helpers/cli.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { REPO } from '../../helpers/workspace.js';

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
      'ADR-0007.md',
      '€48,000.00',
      '€1,625.25',
      '0 errors, 0 warnings.',
    ])
      expect(t).toContain(value);
    // table of contents: each entry with the page its section starts on
    expect(t).toMatch(/Governance and decision rights\s+3\b/);
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
    expect(info).toMatch(/Title:\s+master-2025-10: Contract summary/);
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
    for (const v of ['Change request CR-42', 'Verdict: minor (declared: minor)', 'schedule slip', 'Decision record: docs/adr/ADR-0007.md'])
      expect(t).toContain(v);
  });

  it('one SOW, and a scope that does not exist', async () => {
    const ws = await fixture();
    const out = path.join(tempDir(), 'sow.pdf');
    expect(covenant(['export-pdf', ws, '--out', out, '--sow', 'SPRINT-07']).code).toBe(0);
    const t = text(out);
    expect(t).toContain('SOW SPRINT-07');
    expect(t).toContain('Drop-off decreases by >= 15% on test cohort');
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
      { snapshot, figures: snapshot.figures('2026-01-01'), diagnostics, provenance: { generatedAt: 't', commit: null, dirty: false, unsaved: [] } },
      { kind: 'contract' },
    );
    const out = path.join(tempDir(), 'long.pdf');
    writeFileSync(out, pdf);
    const pages = text(out).split('\f');
    const withCrTable = pages.filter((p) => /CR-\d+\s/.test(p) && p.includes('Summary'));
    expect(withCrTable.length).toBeGreaterThan(2);
    const long = pages.filter((x) => (x.match(/Change number \d+/g) ?? []).length > 5);
    expect(long.length).toBeGreaterThan(2);
    for (const p of long) expect(p).toMatch(/CR\s+Summary\s+Budget[^\n]*Verdict\s+Stage\s+Approvers\s+ADR/);
  });
});
