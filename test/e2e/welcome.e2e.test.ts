import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerDialog, screenshot, startApp, type App } from './harness.js';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await startApp({ workspace: false });
  page = app.page;
});

afterEach(async (t) => {
  await screenshot(
    page,
    `welcome-${t.task.name
      .replace(/[^\w]+/g, '-')
      .toLowerCase()
      .slice(0, 60)}`,
  );
});

afterAll(async () => {
  await app?.close();
});

describe('first launch', () => {
  it('offers to open a folder, create a workspace or open the example; the example is copied into the data folder and validates clean', async () => {
    await page.goto(app.served.launchUrl);
    await page.waitForSelector('[data-testid=welcome]');
    expect(await page.textContent('[data-testid=welcome]')).toContain('New workspace here');
    await screenshot(page, 'welcome');
    await page.click('[data-testid=open-example]');
    await page.waitForSelector('[data-testid=tree-item][data-path="contracts/changes/CR-42.yaml"]');
    await page.waitForSelector('[data-testid=tab][data-path="contracts/master_contract.yaml"]');
    expect(existsSync(path.join(app.env.dataDir, 'examples', 'onboarding-redesign', 'contracts', 'master_contract.yaml'))).toBe(true);
    await expect.poll(() => page.textContent('[data-testid=status-errors]')).toContain('0 errors');
    await screenshot(page, 'welcome-example-opened');
  });

  it('creates a new workspace from a typed folder path, which validates clean, and lists it as recent', async () => {
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('close workspace');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=welcome]');
    const target = path.join(app.env.dir, 'new contract');
    await page.fill('input[aria-label="Folder path"]', target);
    await page.click('text=New workspace here');
    expect(await answerDialog(page)).toContain(`created in ${target}`);
    await page.waitForSelector('[data-testid=tree-item][data-path="contracts/sow/SPRINT-01.yaml"]');
    await expect.poll(() => page.textContent('[data-testid=status-errors]')).toContain('0 errors');
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('close workspace');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=welcome]');
    expect(await page.textContent('.recent')).toContain('new contract');
  });

  it('a folder that does not exist is a clear message, not a crash', async () => {
    await page.fill('input[aria-label="Folder path"]', '/no/such/folder');
    await page.click('.welcome .folder-form button[type=submit]');
    await page.locator('[data-testid=notice]', { hasText: 'No such folder: /no/such/folder' }).waitFor();
    // an error stays until dismissed, but not into another context: opening a workspace clears it
    await page.click('[data-testid=open-example]');
    await page.waitForSelector('[data-testid=tree-item]');
    expect(await page.locator('[data-testid=notice]', { hasText: 'No such folder' }).count()).toBe(0);
  });

  it('a relative folder is refused next to the field, with what is expected', async () => {
    await page.keyboard.press('Control+Shift+P');
    await page.keyboard.type('close workspace');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=welcome]');
    await page.fill('input[aria-label="Folder path"]', 'my-contract');
    await page.click('text=New workspace here');
    expect(await page.textContent('[data-testid=folder-problem]')).toContain('"my-contract" is not a full path');
    expect(await page.locator('[data-testid=app-dialog]').count()).toBe(0);
  });
});
