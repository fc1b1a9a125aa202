import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerDialog, screenshot, useApp } from './harness.js';

// no git identity for the app (HOME of its own): recording by hand must ask who records
const app = useApp({ open: true, env: { HOME: '/nonexistent-home-for-covenant-tests', GIT_CONFIG_NOSYSTEM: '1' } });

describe('ledger and dashboard in the workbench', () => {
  it('the ledger shows each period with shares, a chart, and approved CRs on their SOW period', async () => {
    await app.page.click('[data-testid=open-ledger]');
    const row = app.page.locator('[data-testid=ledger-row][data-period="SPRINT-07"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    // 51,250.50 − 48,000 = 3,250.50 overrun, 50/50 pain
    // who bears what, in words: no bare signed amounts
    expect(cells.slice(0, 6)).toEqual([
      'SPRINT-07',
      '€48,000.00',
      '€51,250.50',
      'Overrun of €3,250.50',
      'Supplier bears €1,625.25 of the overrun; client bears €1,625.25',
      'Supplier has borne €1,625.25 net',
    ]);
    expect(cells[6]).toContain('CR-42 (minor)');
    expect(await app.page.textContent('[data-testid=ledger-explanation]')).toContain('the supplier bears 50% of an overrun');
    expect(await app.page.locator('[data-testid=ledger-page] canvas').count()).toBe(1);
  });

  it('an entry added in the view is written to contracts/ledger.yaml with its comments kept', async () => {
    const file = path.join(app.env.workspace, 'contracts/ledger.yaml');
    const before = readFileSync(file, 'utf8');
    await app.page.click('[data-testid=tree-item][data-path="contracts/sow/SPRINT-07.yaml"]');
    await app.page.click('[data-testid=open-ledger]');
    await app.page.selectOption('[data-testid=ledger-form] select', 'SPRINT-07');
    await app.page.fill('[aria-label="Target cost"]', '48000');
    await app.page.fill('[aria-label="Actual cost"]', '47000');
    await app.page.click('text=Save to ledger');
    await expect.poll(() => readFileSync(file, 'utf8')).toContain('actual_cost: 47000');
    const after = readFileSync(file, 'utf8');
    expect(after.split('\n')[0]).toBe(before.split('\n')[0]); // the comment line
    expect(after).toContain('note: Navigation redesign (CR-42) added two days of front-end work.');
    const row = app.page.locator('[data-testid=ledger-row][data-period="SPRINT-07"] td');
    await expect.poll(async () => (await row.allTextContents())[4]).toBe('Supplier earns €500.00 of the saving; client keeps €500.00');
    expect(readFileSync(file, 'utf8')).not.toContain('{period:');
    await screenshot(app.page, 'ledger');
  });

  it('the dashboard shows the compliance figures, each linked to its files', async () => {
    await app.page.click('[data-testid=open-dashboard]');
    await app.page.waitForSelector('[data-testid=dashboard-sow][data-sow="SPRINT-07"]');
    expect(await app.page.textContent('[data-testid=card-open-crs] .card-value')).toBe('0');
    expect(await app.page.textContent('[data-testid=dashboard-sow][data-sow="SPRINT-07"]')).toContain('Reduce drop-off by 20%');
    expect(await app.page.locator('[data-testid=dashboard-page] canvas').count()).toBe(1);
    await screenshot(app.page, 'dashboard');
    await app.page.click('[data-testid=dashboard-sow][data-sow="SPRINT-07"] button');
    await app.page.waitForSelector('[data-testid=tab][data-path="contracts/sow/SPRINT-07.yaml"][aria-selected=true]');
  });
});

describe('gates from evidence on the dashboard', () => {
  it('shows each gate with its status from recorded results and the mode, and records one by hand with a note', async () => {
    const page = app.page;
    await page.click('[data-testid=open-dashboard]');
    const qa = page.locator('[data-testid=gate-row][data-sow="SPRINT-07"][data-gate="qa_signoff"]');
    await qa.waitFor();
    expect(await page.textContent('[data-testid=dashboard-enforcement]')).toContain('Report mode');
    expect(await page.getAttribute('[data-testid=gate-row][data-gate="design_review"]', 'data-status')).toBe('passed');
    expect(await page.textContent('[data-testid=gate-row][data-gate="design_review"]')).toContain('Dana Design <dana@example.com>');
    expect(await qa.getAttribute('data-status')).toBe('missing'); // no result, and SPRINT-07 ended 2025-10-24: it never ran
    // nobody is configured in this app: it asks once (name, then email)
    await qa.locator('input').fill('Voucher flow broken on Safari');
    await qa.locator('[data-testid=record-failed]').click();
    expect(await answerDialog(page, { name: 'Quinn QA', email: 'quinn@example.com' })).toContain('Who are you?');
    await expect.poll(() => qa.getAttribute('data-status')).toBe('failed');
    expect(await qa.textContent()).toContain('Quinn QA <quinn@example.com>');
    expect(await qa.textContent()).toContain('Voucher flow broken on Safari');
    const dir = path.join(app.env.workspace, 'contracts/results/SPRINT-07');
    const { readdirSync } = await import('node:fs');
    const written = readdirSync(dir).filter((f) => f.startsWith('qa_signoff--'));
    expect(written).toHaveLength(1);
    expect(readFileSync(path.join(dir, written[0]!), 'utf8')).toContain('outcome: failed');
    await screenshot(page, 'dashboard-gates');
  });
});

describe('the change runs to the end on the dashboard', () => {
  it('a review is recorded with who and when, a tracker export is imported, and an approved change is implemented', async () => {
    const page = app.page;
    const { writeFileSync } = await import('node:fs');
    const ws = app.env.workspace;
    writeFileSync(
      path.join(ws, 'contracts/changes/CR-43.yaml'),
      'id: CR-43\nrequestor: client\nsummary: Add SSO to onboarding\ncreated: 2025-10-20\nsows: [SPRINT-07]\nimpact_analysis: {budget_delta_pct: 3, schedule_slip_days: 2, risk_score: 3}\nthreshold_eval: minor\ndecision: {status: proposed}\n',
    );
    await page.click('[data-testid=open-dashboard]');
    const cr43 = page.locator('[data-testid=cr-row][data-cr="CR-43"]');
    await cr43.waitFor();
    expect(await cr43.getAttribute('data-stage')).toBe('proposed');
    expect(await page.textContent('[data-testid=cr-row][data-cr="CR-42"]')).toContain('master-2025-10');
    // the identity was given once (gate test above); the note is asked for
    await cr43.locator('[data-testid=review-approve]').click();
    await answerDialog(page, { note: 'SSO via the existing IdP only' });
    const crFile = path.join(ws, 'contracts/changes/CR-43.yaml');
    await expect
      .poll(() => readFileSync(crFile, 'utf8'))
      .toMatch(/reviews: \[\{by: Quinn QA <quinn@example.com>, at: [0-9T:-]+Z, outcome: approve, note: SSO via the existing IdP only\}\]/);

    // a tracker export, chosen in the file picker
    const csv =
      'Issue key,Summary,Priority,Created,Triaged\nONB-1,Button,High,2025-10-13T09:00:00Z,2025-10-13T15:00:00Z\nONB-2,Typo,Low,2025-10-14T08:00:00Z,2025-10-16T08:00:00Z\n';
    // the example's own export: 3 of 4 triaged within 24 h
    expect(await page.textContent('[data-testid=card-triage]')).toContain('75%');
    await page.setInputFiles('[data-testid=import-defects]', { name: 'tracker.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    // two more, one of them late: 4 of 6
    await expect.poll(() => page.textContent('[data-testid=card-triage]')).toContain('6 imported');
    expect(await page.textContent('[data-testid=card-triage]')).toContain('67%');
    expect(readFileSync(path.join(ws, 'contracts/defects/tracker.yaml'), 'utf8')).toContain('triaged: 2025-10-13T15:00:00Z');
    expect(await page.textContent('[data-testid=decision-right][data-area="scope"]')).toContain('steering_committee');
    await screenshot(page, 'dashboard-collaboration');

    // implement CR-42: one edit to the SOW, previewed, then applied
    await page.click('[data-testid=cr-row][data-cr="CR-42"] [data-testid=implement]');
    await page.waitForSelector('[data-testid=addendum-wizard]');
    await page.selectOption('[aria-label="File of edit 1"]', 'contracts/sow/SPRINT-07.yaml');
    await page.fill('[aria-label="Field of edit 1"]', 'dates.end');
    await page.fill('[aria-label="New value of edit 1"]', '2025-10-28');
    await page.fill('[aria-label="Summary"]', 'Four more days for the navigation redesign');
    await page.click('[data-testid=addendum-preview-apply]');
    await page.waitForSelector('[data-testid=addendum-edit]');
    expect(await page.textContent('[data-testid=addendum-edit]')).toContain('dates.end: "2025-10-24" → "2025-10-28"');
    await screenshot(page, 'addendum');
    await page.click('[data-testid=addendum-write]');
    const sow = path.join(ws, 'contracts/sow/SPRINT-07.yaml');
    await expect.poll(() => readFileSync(sow, 'utf8')).toContain('end: 2025-10-28');
    await expect
      .poll(() => readFileSync(path.join(ws, 'contracts/changes/CR-42.yaml'), 'utf8'))
      .toMatch(/addendum: contracts\/addenda\/CR-42.yaml\n[\s\S]*implemented: \d{4}-\d\d-\d\d/);
    await page.click('[data-testid=open-dashboard]');
    await expect.poll(() => page.getAttribute('[data-testid=cr-row][data-cr="CR-42"]', 'data-stage')).toBe('implemented');
  });
});

describe('PDF export from the app', () => {
  it('File → Export PDF downloads the open SOW as a PDF that pdftotext reads', async () => {
    const { execFileSync } = await import('node:child_process');
    await app.page.click('[data-testid=tree-item][data-path="contracts/sow/SPRINT-07.yaml"]');
    await app.page.waitForSelector('[data-testid=tab][data-path="contracts/sow/SPRINT-07.yaml"][aria-selected=true]');
    await app.page.locator('nav.tree').click({ position: { x: 5, y: 5 } });
    const [download] = await Promise.all([app.page.waitForEvent('download', { timeout: 30_000 }), app.page.keyboard.press('Control+Shift+E')]);
    expect(download.suggestedFilename()).toMatch(/^SPRINT-07-\d{4}-\d{2}-\d{2}\.pdf$/);
    const saved = path.join(app.env.dir, download.suggestedFilename());
    await download.saveAs(saved);
    const text = execFileSync('pdftotext', [saved, '-'], { encoding: 'utf8' });
    expect(text).toContain('SOW SPRINT-07');
    expect(text).toContain('Usability score >= 85 on SUS');
  });
});
