import { describe, expect, it } from 'vitest';
import { screenshot, useApp } from './harness.js';

const app = useApp({ open: true });

describe('README screenshot', () => {
  it('the dashboard of the example: figures measured from results, reviews, defects and history', async () => {
    await app.page.click('[data-testid=open-dashboard]');
    const triage = app.page.locator('[data-testid=card-triage]');
    await triage.waitFor();
    // the example's tracker export: 3 of 4 defects triaged within 24 hours
    expect(await triage.textContent()).toContain('75%');
    expect(await triage.textContent()).toContain('4 imported');
    expect(await app.page.textContent('[data-testid=dashboard-sow][data-sow="SPRINT-07"] [data-testid=forecast-error]')).toContain('cost +6.8%');
    await screenshot(app.page, 'readme-dashboard');
    await app.page.click('.viewer-bar button:has-text("Close")');
  });

  it('the workbench on a fresh copy of the example, with a cross-file problem found while typing', async () => {
    await app.page.click('[data-testid=status-git]'); // make it a repository, as a new user would
    await expect.poll(() => app.page.textContent('[data-testid=status-git]')).toContain('main');
    await app.page.click('[data-testid=tree-item][data-path="contracts/sow/SPRINT-07.yaml"]');
    await app.page.click('[data-testid=tree-item][data-path="contracts/changes/CR-42.yaml"]');
    await app.page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"][aria-selected=true]');
    await app.page.locator('.monaco-editor .view-line', { hasText: 'risk_score: 5' }).click();
    await app.page.keyboard.press('End');
    await app.page.keyboard.press('Backspace');
    await app.page.keyboard.type('9');
    await app.page.keyboard.press('Escape');
    const row = app.page.locator('[data-testid=problem-row][data-code=threshold-eval-mismatch]');
    await expect.poll(() => row.count()).toBe(1);
    await app.page.waitForSelector('.monaco-editor .squiggly-error');
    await screenshot(app.page, 'readme-workbench');
  });

  it('a SOW read as a document: criteria with their evidence, gates from results, the ledger in words', async () => {
    await app.page.click('[data-testid=tree-item][data-path="contracts/sow/SPRINT-07.yaml"]');
    await app.page.click('[data-testid=show-document]');
    await app.page.waitForSelector('[data-testid=doc-check][data-label=AC2][data-status=met]');
    expect(await app.page.textContent('[data-testid=document-view]')).toContain('Supplier bears €1,625.25 of the overrun');
    await screenshot(app.page, 'readme-document');
    await app.page.click('[data-testid=show-yaml]');
  });
});
