import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startApp, type App } from './harness.js';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await startApp({ open: true });
  page = app.page;
});

afterAll(async () => {
  await app?.close();
});

describe('README screenshot', () => {
  it('the workbench on a fresh copy of the example, with a cross-file problem found while typing', async () => {
    await page.click('[data-testid=status-git]'); // make it a repository, as a new user would
    await expect.poll(() => page.textContent('[data-testid=status-git]')).toContain('main');
    await page.click('[data-testid=tree-item][data-path="contracts/sow/SPRINT-07.yaml"]');
    await page.click('[data-testid=tree-item][data-path="contracts/changes/CR-42.yaml"]');
    await page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"][aria-selected=true]');
    await page.locator('.monaco-editor .view-line', { hasText: 'risk_score: 5' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('9');
    await page.keyboard.press('Escape');
    const row = page.locator('[data-testid=problem-row][data-code=threshold-eval-mismatch]');
    await expect.poll(() => row.count()).toBe(1);
    await page.waitForSelector('.monaco-editor .squiggly-error');
    await screenshot(page, 'readme-workbench');
  });
});
