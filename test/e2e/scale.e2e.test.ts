// Issue 16, item 6: a workbench that stays usable at many iterations. A generated workspace of 40 SOWs and 120
// change requests: the tree filters, closed iterations are archived into a bundle (still validated and counted), the
// CR wizard's linked SOWs are searched, the dashboard's chart windows and its tables page.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedWorkspace } from '../../bench/generate.js';
import { covenant } from '../helpers/cli.js';
import { answerDialog, browser, screenshot, serve, tempEnv, type Env, type Served } from './harness.js';

let env: Env;
let served: Served;
let ctx: BrowserContext;
let page: Page;
let dir: string;

beforeAll(async () => {
  env = tempEnv();
  dir = path.join(env.dir, 'sprawl');
  for (const [rel, text] of generatedWorkspace(40, 120)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  served = await serve([dir], { COVENANT_DATA_DIR: env.dataDir });
  ctx = await browser(env.dir);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(served.launchUrl);
  await page.waitForSelector('[data-testid=tree-item]');
});

afterAll(async () => {
  await ctx?.close();
  await served?.stop();
  env?.cleanup();
});

const treePaths = () => page.locator('[data-testid=tree-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));

describe('many iterations', () => {
  it('the tree filters by name, and Esc in the filter clears it', async () => {
    await page.fill('[data-testid=tree-filter]', 'sprint-03');
    await expect.poll(treePaths).toEqual(Array.from({ length: 10 }, (_, i) => `contracts/sow/SPRINT-03${i}.yaml`));
    await page.fill('[data-testid=tree-filter]', 'nothing-like-this');
    expect(await page.textContent('.tree')).toContain('No file name contains “nothing-like-this”');
    await page.press('[data-testid=tree-filter]', 'Escape');
    await expect.poll(async () => (await treePaths()).length).toBeGreaterThan(100);
  });

  it('closed iterations are archived into a bundle with a summary, and stay validated and counted', async () => {
    const before = covenant(['validate', dir, '--format', 'json']);
    const counted = JSON.parse(before.stdout).files as number;
    await page.click('[data-testid=menu-contract]');
    await page.click('.menu-list [data-command="workspace.archive"]');
    await page.fill('[data-testid=dialog-bundle]', '2025-H1');
    await page.fill('[data-testid=dialog-before]', '2025-07-01');
    await page.click('[data-testid=dialog-confirm]');
    expect(await answerDialog(page)).toContain('Archive 12 iterations?');
    await page.locator('[data-testid=notice]', { hasText: 'Archived 12 iterations' }).waitFor();
    expect(existsSync(path.join(dir, 'contracts/sow/SPRINT-001.yaml'))).toBe(false);
    expect(existsSync(path.join(dir, 'contracts/archive/2025-H1/sow/SPRINT-001.yaml'))).toBe(true);
    const summary = readFileSync(path.join(dir, 'contracts/archive/2025-H1/README.md'), 'utf8');
    expect(summary).toContain('12 iterations, 6 January 2025 to');
    expect(summary).toContain('| SPRINT-012 |');
    // the Archive group holds them, collapsed; the SOW group keeps the rest
    await page.waitForSelector('.tree-group[data-group=archive]');
    expect(await page.textContent('.tree-group[data-group=sow] .tree-group-count')).toBe('28');
    expect(await page.textContent('.tree-group[data-group=archive] .tree-group-count')).toBe('13');
    // still validated and counted: the same number of contract files, no new problem
    const after = covenant(['validate', dir, '--format', 'json']);
    expect(after.code).toBe(before.code);
    expect(JSON.parse(after.stdout).files).toBe(counted);
    // the same findings, now on the archived paths
    const findings = (out: string) =>
      (JSON.parse(out).diagnostics as { file: string; code: string; message: string }[])
        .map((d) => `${d.file.replace(/^contracts\/archive\/2025-H1\/sow\//, 'contracts/sow/')} ${d.code} ${d.message}`)
        .sort();
    expect(findings(after.stdout)).toEqual(findings(before.stdout));
    expect(after.stdout).toContain('contracts/archive/2025-H1/sow/SPRINT-001.yaml');
    // long paths are cut in the middle: the file name and line stay readable in a narrow column
    const where = page.locator('[data-testid=problem-row][data-file="contracts/archive/2025-H1/sow/SPRINT-001.yaml"] .middle-path').first();
    expect(await where.locator('.middle-path-tail').textContent()).toMatch(/^\/SPRINT-001\.yaml:\d+:\d+$/);
    expect(await where.getAttribute('title')).toMatch(/^contracts\/archive\/2025-H1\/sow\/SPRINT-001\.yaml:\d+:\d+$/);
    await screenshot(page, 'scale-archive');
  });

  it('the CR wizard finds linked SOWs by search, current and unarchived first', async () => {
    await page.click('[data-testid="tool-new.cr"]');
    await page.waitForSelector('[data-testid=sow-picker]');
    const order = await page.locator('[data-testid=sow-choice]').evaluateAll((els) => els.map((e) => e.getAttribute('data-sow')));
    expect(order[0]).toBe('SPRINT-040'); // the newest unarchived first
    expect(order).toHaveLength(30); // the first 30 rendered; more on request
    expect(order).not.toContain('SPRINT-001'); // archived ones come last
    await page.fill('[aria-label="Search SOWs"]', '007');
    expect(await page.locator('[data-testid=sow-choice]').count()).toBe(1);
    expect(await page.textContent('[data-testid=sow-choice]')).toContain('archived');
    await page.press('[aria-label="Search SOWs"]', 'Enter');
    await page.waitForSelector('.sow-picker .chip:has-text("SPRINT-007")');
    await screenshot(page, 'scale-sow-picker');
    await page.click('[data-testid=page-close]');
    await answerDialog(page);
  });

  it('the dashboard charts a window of iterations and pages its tables', async () => {
    await page.click('[data-testid=open-dashboard]');
    await page.waitForSelector('[data-testid=chart-window]');
    expect(await page.textContent('[data-testid=chart-range]')).toBe('SPRINT-029 to SPRINT-040 (12 of 40)');
    await page.selectOption('[aria-label="Iterations in the chart"]', '24');
    expect(await page.textContent('[data-testid=chart-range]')).toBe('SPRINT-017 to SPRINT-040 (24 of 40)');
    const sowTable = page.locator('[data-testid=dashboard-sows] + .pager');
    expect(await sowTable.locator('[data-testid=pager-range]').textContent()).toBe('1–25 of 40');
    await sowTable.locator('text=Next ›').click();
    expect(await sowTable.locator('[data-testid=pager-range]').textContent()).toBe('26–40 of 40');
    expect(await page.locator('[data-testid=dashboard-sow]').count()).toBe(15);
    await screenshot(page, 'scale-dashboard');
  });
});
