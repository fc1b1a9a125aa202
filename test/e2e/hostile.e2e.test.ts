import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHostileWorkspace } from '../fixtures/hostile.js';
import { browser, screenshot, serve, tempEnv, type Served } from './harness.js';

const env = tempEnv();
let served: Served | null = null;

afterAll(async () => {
  await served?.stop();
  env.cleanup();
});

describe('a hostile workspace in the browser', () => {
  it('loads responsively, lists its problems, renders script-looking text as text, and touches nothing outside', async () => {
    const h = buildHostileWorkspace(env.dir);
    served = await serve([h.workspace], { COVENANT_DATA_DIR: env.dataDir });
    const ctx = await browser(env.dir);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(served.launchUrl);
    await page.waitForSelector('[data-testid=problem-row]');
    const codes = await page.$$eval('[data-testid=problem-row]', (rows) => rows.map((r) => r.getAttribute('data-code')));
    expect(codes).toEqual(expect.arrayContaining(['path-outside-workspace', 'file-too-large', 'yaml-unsupported', 'schema', 'file-unreadable']));
    await page.click('[data-testid=tree-item][data-path="contracts/changes/CR-48.yaml"]');
    await page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-48.yaml"][aria-selected=true]');
    // the script-looking text is on screen, as text: no element was made of it, so nothing of it can run
    await page.locator('.monaco-editor .view-line', { hasText: 'onerror=' }).first().waitFor();
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img[src=x]').count()).toBe(0);
    // still responsive: typing reaches the editor and the Problems panel answers
    await page.locator('.monaco-editor .view-line', { hasText: 'threshold_eval' }).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('x-note: still responsive\n');
    await page.waitForSelector('[data-testid=tab-dirty]');
    await screenshot(page, 'hostile-workspace');
    expect(readFileSync(h.sentinel, 'utf8')).toBe(h.sentinelText);
    await ctx.close();
    // the access token is printed once (the launch URL) and never logged again
    expect(served.output().split(served.token).length - 1).toBe(1);
  });
});
