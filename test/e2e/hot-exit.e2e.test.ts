import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, screenshot, serve, tempEnv, type Env, type Served } from './harness.js';

let env: Env;
let served: Served;
let ctx: BrowserContext;

beforeAll(async () => {
  env = tempEnv();
  ctx = await browser(env.dir);
});

afterAll(async () => {
  await ctx?.close();
  await served?.stop();
  env?.cleanup();
});

async function start(): Promise<Page> {
  served = await serve([env.workspace], { COVENANT_DATA_DIR: env.dataDir });
  const page = await ctx.newPage();
  await page.goto(served.launchUrl);
  await page.waitForSelector('[data-testid=tree-item]');
  return page;
}

/** Every backup the app holds in its data folder, as text: what survives a kill. */
function backupsText(): string {
  const root = path.join(env.dataDir, 'backups');
  if (!existsSync(root)) return '';
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

async function typeAtLineEnd(page: Page, lineText: string, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-line', { hasText: lineText }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

describe('hot exit', () => {
  it('typed text survives the server being killed (SIGKILL): it comes back unsaved, with a notice and a diff', async () => {
    let page = await start();
    await page.click('[data-testid=tree-item][data-path="contracts/changes/CR-42.yaml"]');
    await page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"][aria-selected=true]');
    await typeAtLineEnd(page, 'summary: Redesign navigation per user tests', ' and the settings page');
    await expect.poll(backupsText, { timeout: 5000 }).toContain('and the settings page'); // backed up soon after typing
    await served.stop('SIGKILL');
    await page.close();
    expect(readFileSync(path.join(env.workspace, 'contracts/changes/CR-42.yaml'), 'utf8')).not.toContain('settings page');

    page = await start();
    await page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"] [data-testid=tab-dirty]');
    await expect
      .poll(() => page.locator('[data-testid=notice]').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('Restored your unsaved changes to contracts/changes/CR-42.yaml')]));
    await page.waitForSelector('[data-testid=viewer][data-kind=diff]');
    await screenshot(page, 'hot-exit-restored');
    await page.click('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"]');
    await expect.poll(() => page.locator('.monaco-editor .view-line', { hasText: 'user tests and the settings page' }).count()).toBe(1);
    await page.keyboard.press('Control+s');
    await expect.poll(() => readFileSync(path.join(env.workspace, 'contracts/changes/CR-42.yaml'), 'utf8')).toContain('user tests and the settings page');
    await page.close();
    await served.stop();
  });

  it('a backup whose base no longer matches the file on disk is shown as a conflict, not applied', async () => {
    let page = await start();
    await page.click('[data-testid=tree-item][data-path="contracts/sow/SPRINT-07.yaml"]');
    await page.waitForSelector('[data-testid=tab][data-path="contracts/sow/SPRINT-07.yaml"][aria-selected=true]');
    await typeAtLineEnd(page, 'value_hypothesis:', ' # mine');
    await expect.poll(backupsText, { timeout: 5000 }).toContain('# mine');
    await served.stop('SIGKILL');
    await page.close();
    const p = path.join(env.workspace, 'contracts/sow/SPRINT-07.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('Redesign onboarding flow', 'Redesign onboarding flow (theirs)'));

    page = await start();
    await page.waitForSelector('[data-testid=conflict]');
    expect(readFileSync(p, 'utf8')).toContain('(theirs)');
    expect(readFileSync(p, 'utf8')).not.toContain('# mine');
    await expect.poll(() => page.locator('.monaco-editor .view-line', { hasText: '# mine' }).count()).toBe(1);
    await screenshot(page, 'hot-exit-conflict');
    await page.close();
  });
});
