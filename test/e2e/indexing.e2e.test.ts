// Issue 26, item 4: a repository with a long history (30,000 commits, made by the bench's generator), opened for the
// first time: the workbench and the dashboard come at once, the figures git gives say "indexing…" (never 0 or "—"),
// the page stays responsive, and when the history is read the figures appear without a reload.
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyRepository } from '../../bench/history.js';
import { browser, screenshot, serve, tempEnv, type Env, type Served } from './harness.js';

let env: Env;
let served: Served;
let ctx: BrowserContext;
let page: Page;

beforeAll(async () => {
  env = tempEnv();
  const dir = path.join(env.dir, 'year-two');
  historyRepository(dir, 30_000);
  served = await serve([dir], { COVENANT_DATA_DIR: env.dataDir });
  ctx = await browser(env.dir);
  page = ctx.pages()[0] ?? (await ctx.newPage());
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  await served?.stop();
  env?.cleanup();
});

describe('a long history opened for the first time', () => {
  it('shows the dashboard at once, "indexing…" where git is needed, then the figures', async () => {
    const t0 = Date.now();
    await page.goto(served.launchUrl);
    await page.waitForSelector('[data-testid=tree-item]');
    await page.click('[data-testid=open-dashboard]');
    await page.waitForSelector('[data-testid=dashboard-page]');
    const notice = page.locator('[data-testid=dashboard-indexing]');
    await expect.poll(() => notice.count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('[data-testid=card-lead-time] .card-value').textContent()).toBe('indexing…');
    await screenshot(page, 'dashboard-indexing');
    // the window answers meanwhile: a click on a file opens it
    await page.locator('[data-testid=tree-item]', { hasText: 'master_contract.yaml' }).first().click();
    await page.click('[data-testid=open-dashboard]');
    await expect.poll(() => notice.count(), { timeout: 90_000, interval: 250 }).toBe(0);
    const lead = await page.locator('[data-testid=card-lead-time] .card-value').textContent();
    expect(lead).not.toBe('indexing…');
    expect(lead).toMatch(/^(\d+ d|—)$/);
    await screenshot(page, 'dashboard-indexed');
    console.log(`indexing shown, then figures after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 150_000);
});
