import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startApp, type App, type Served } from './harness.js';

let app: App;
let served: Served;
let ctx: BrowserContext;
let page: Page;

beforeAll(async () => {
  app = await startApp();
  ({ served, ctx, page } = app);
  await page.goto(served.launchUrl);
  await page.waitForSelector('[data-testid=tree-item]');
});

afterEach(async (t) => {
  await screenshot(
    page,
    `workbench-${t.task.name
      .replace(/[^\w]+/g, '-')
      .toLowerCase()
      .slice(0, 80)}`,
  );
});

afterAll(async () => {
  await app?.close();
});

const file = (rel: string) => path.join(app.env.workspace, rel);

async function openFile(rel: string): Promise<void> {
  await page.click(`[data-testid=tree-item][data-path="${rel}"]`);
  await page.waitForSelector(`[data-testid=tab][data-path="${rel}"][aria-selected=true]`);
  await page.waitForSelector('.monaco-editor .view-lines');
}

/** Puts the cursor at the end of the editor line containing `lineText`, moves `left`, deletes `erase` characters and types `text`. */
async function editLineEnd(lineText: string, left: number, erase: number, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-line', { hasText: lineText }).first().click();
  await page.keyboard.press('End');
  for (let i = 0; i < left; i++) await page.keyboard.press('ArrowLeft');
  for (let i = 0; i < erase; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

/** Selects the word `word` on the editor line that contains `lineText` (double click). */
async function selectWord(lineText: string, word: string): Promise<void> {
  const line = page.locator('.monaco-editor .view-line', { hasText: lineText }).first();
  await line
    .locator('span span', { hasText: new RegExp(`^${word}$`) })
    .first()
    .dblclick();
}

describe('workbench in browser mode', () => {
  it('the tree shows the workspace grouped, with each file', async () => {
    const paths = await page.$$eval('[data-testid=tree-item]', (els) => els.map((e) => e.getAttribute('data-path')));
    expect(paths).toEqual(
      expect.arrayContaining([
        'contracts/master_contract.yaml',
        'contracts/sow/SPRINT-07.yaml',
        'contracts/changes/CR-42.yaml',
        'docs/adr/ADR-0007.md',
        'contracts/ledger.yaml',
      ]),
    );
    const groups = await page.$$eval('.tree-group-title', (els) => els.map((e) => e.textContent));
    expect(groups.join('|')).toMatch(/Master.*SOWs.*Change requests.*ADRs.*Ledger/);
    await expect.poll(() => page.textContent('[data-testid=status-errors]')).toContain('0 errors');
  });

  it('typing an invalid enum value gives a marker and a Problems row with a count in the tree; fixing it clears all', async () => {
    await openFile('contracts/changes/CR-42.yaml');
    await selectWord('status: approved', 'approved');
    await page.keyboard.type('aproved');
    await page.waitForSelector('.monaco-editor .squiggly-error');
    const row = page.locator('[data-testid=problem-row][data-code=schema]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('decision.status must be one of proposed, approved, rejected, withdrawn (got "aproved")');
    await expect.poll(() => page.textContent('[data-path="contracts/changes/CR-42.yaml"] [data-testid=error-count]').catch(() => null)).toBe('1');
    await screenshot(page, 'workbench-invalid-enum-marked');

    await selectWord('status: aproved', 'aproved');
    await page.keyboard.type('approved');
    await expect.poll(() => page.locator('.monaco-editor .squiggly-error').count()).toBe(0);
    await expect.poll(() => row.count()).toBe(0);
    // nothing was saved: the file on disk is unchanged and the tab is dirty-free again (same text)
    expect(readFileSync(file('contracts/changes/CR-42.yaml'), 'utf8')).toContain('status: approved');
  });

  it('completion offers the schema enum values', async () => {
    await openFile('contracts/changes/CR-42.yaml');
    await selectWord('status: approved', 'approved');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget.visible .monaco-list-row');
    await expect.poll(() => suggest.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const labels = await suggest.allTextContents();
    for (const v of ['proposed', 'approved', 'rejected', 'withdrawn']) expect(labels.join(' ')).toContain(v);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');
  });

  it('hover shows the schema description', async () => {
    await openFile('contracts/changes/CR-42.yaml');
    await page.locator('.monaco-editor .view-line', { hasText: 'risk_score: 5' }).locator('span span', { hasText: 'risk_score' }).first().hover();
    await expect
      .poll(async () => (await page.locator('.monaco-hover').allInnerTexts()).join(' '), { timeout: 10_000 })
      .toContain("Risk points added by the change, compared with the master's risk threshold.");
  });

  it('a dangling CR link in a SOW is marked, as you type, across files', async () => {
    await openFile('contracts/sow/SPRINT-07.yaml');
    await editLineEnd('changes: [CR-42]', 1, 2, '99');
    await page.waitForSelector('.monaco-editor .squiggly-error');
    const row = page.locator('[data-testid=problem-row][data-code=unknown-reference]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('links.changes names CR-99');
    await page.keyboard.press('Escape');
    await editLineEnd('changes: [CR-99]', 1, 2, '42');
    await expect.poll(() => row.count()).toBe(0);
  });

  it('Ctrl+S writes the file on disk', async () => {
    await openFile('contracts/sow/SPRINT-07.yaml');
    await editLineEnd('value_hypothesis: "Reduce drop-off by 20%"', 2, 2, '25');
    await page.waitForSelector('[data-testid=tab-dirty]');
    await page.keyboard.press('Control+s');
    await expect.poll(() => readFileSync(file('contracts/sow/SPRINT-07.yaml'), 'utf8')).toContain('Reduce drop-off by 25%');
    await expect.poll(() => page.locator('[data-testid=tab-dirty]').count()).toBe(0);
  });

  it('a save costs at most two bridge round trips: its problems arrive with the one event the watcher sends', async () => {
    // record the events the page receives, to know when the save's event has arrived (no sleeping)
    await page.addInitScript(() => {
      const Base = window.EventSource;
      window.EventSource = class extends Base {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          this.addEventListener('message', (m) =>
            ((window as unknown as { __events: unknown[] }).__events ??= []).push(JSON.parse((m as MessageEvent<string>).data)),
          );
        }
      };
    });
    await page.reload();
    await page.waitForSelector('[data-testid=tree-item]');
    await openFile('contracts/sow/SPRINT-07.yaml');
    await editLineEnd('changes: [CR-42]', 1, 2, '99');
    await page.waitForSelector('[data-testid=tab-dirty]');
    const row = page.locator('[data-testid=problem-row][data-code=unknown-reference]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1); // the buffer's problem, before saving
    const calls: string[] = [];
    const count = (r: { url(): string }) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/') && u.pathname !== '/api/events') calls.push(u.pathname.slice(5));
    };
    page.on('request', count);
    await page.keyboard.press('Control+s');
    await expect.poll(() => readFileSync(file('contracts/sow/SPRINT-07.yaml'), 'utf8')).toContain('changes: [CR-99]');
    await expect.poll(() => page.locator('[data-testid=tab-dirty]').count()).toBe(0);
    // the saved file's problem comes from the event's delta (one event), not from asking again
    const deltas = () =>
      page.evaluate(() =>
        ((window as unknown as { __events?: { type: string; delta?: { changed: string[]; diagnostics: Record<string, unknown[]> } }[] }).__events ?? []).filter(
          (e) => e.type === 'snapshot' && e.delta!.changed.includes('contracts/sow/SPRINT-07.yaml'),
        ),
      );
    await expect.poll(async () => (await deltas()).length, { timeout: 10_000 }).toBe(1);
    expect(Object.keys((await deltas())[0]!.delta!.diagnostics)).toEqual(['contracts/sow/SPRINT-07.yaml']);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    page.off('request', count);
    expect(calls[0]).toBe('files.write');
    expect(calls.length, calls.join(', ')).toBeLessThanOrEqual(2);
    // the save's answer says what was written: the tab never reads back the file it just saved
    expect(calls).not.toContain('files.read');
    // put it back
    await editLineEnd('changes: [CR-99]', 1, 2, '42');
    await page.keyboard.press('Control+s');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
  });

  it('discarding unsaved edits drops their problems at once, with no new validation', async () => {
    await openFile('contracts/changes/CR-42.yaml');
    await selectWord('status: approved', 'approved');
    await page.keyboard.type('aproved');
    const row = page.locator('[data-testid=problem-row][data-code=schema]');
    await expect.poll(() => row.count()).toBe(1);
    const calls: string[] = [];
    const count = (r: { url(): string }) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/') && u.pathname !== '/api/events') calls.push(u.pathname.slice(5));
    };
    page.on('request', count);
    await page.click('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"] .tab-close');
    await page.click('[data-testid=dialog-confirm]');
    await expect.poll(() => page.locator('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"]').count()).toBe(0);
    // the saved files' problems (none here) replace the buffer's the moment it is thrown away
    await expect.poll(() => row.count()).toBe(0);
    page.off('request', count);
    expect(calls).not.toContain('workspace.validate');
    expect(readFileSync(file('contracts/changes/CR-42.yaml'), 'utf8')).toContain('status: approved');
  });

  it('an edit made on disk by another program shows up in a clean tab, and its problems too', async () => {
    await openFile('contracts/changes/CR-42.yaml');
    const p = file('contracts/changes/CR-42.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('risk_score: 5', 'risk_score: 9'));
    await expect.poll(() => page.locator('.monaco-editor .view-line', { hasText: 'risk_score: 9' }).count(), { timeout: 10_000 }).toBe(1);
    const row = page.locator('[data-testid=problem-row][data-code=threshold-eval-mismatch]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain('risk score 9 exceeds 8');
    writeFileSync(p, readFileSync(p, 'utf8').replace('risk_score: 9', 'risk_score: 5'));
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
  });

  it('a file changed on disk while its tab is dirty asks: reload or keep mine', async () => {
    await openFile('contracts/changes/CR-42.yaml');
    await editLineEnd('summary: Redesign navigation per user tests', 0, 5, 'research');
    await page.waitForSelector('[data-testid=tab-dirty]');
    const p = file('contracts/changes/CR-42.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('requestor: design_lead', 'requestor: client'));
    await page.waitForSelector('[data-testid=conflict]');
    // never silently overwritten in either direction
    expect(readFileSync(p, 'utf8')).toContain('requestor: client');
    expect(await page.locator('.monaco-editor .view-line', { hasText: 'user research' }).count()).toBe(1);
    await page.click('[data-testid=conflict] >> text=Reload from disk');
    await expect.poll(() => page.locator('.monaco-editor .view-line', { hasText: 'requestor: client' }).count()).toBe(1);
    expect(await page.locator('[data-testid=tab-dirty]').count()).toBe(0);
  });

  it('clicking a problem opens the file at its line', async () => {
    const p = file('contracts/sow/SPRINT-07.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('end: 2025-10-24', 'end: 2025-10-01'));
    const row = page.locator('[data-testid=problem-row][data-code=date-order]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await page.click('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"]');
    await row.click();
    await page.waitForSelector('[data-testid=tab][data-path="contracts/sow/SPRINT-07.yaml"][aria-selected=true]');
    await expect.poll(() => page.textContent('.monaco-editor .line-numbers.active-line-number')).toBe('2');
  });

  it('the command palette runs commands: New change request creates CR-43 from the template', async () => {
    await page.keyboard.press('Escape');
    await page.locator('nav.tree').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Shift+P');
    await page.waitForSelector('[data-testid=palette]');
    await page.keyboard.type('change request from the template');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-43.yaml"]');
    expect(readFileSync(file('contracts/changes/CR-43.yaml'), 'utf8')).toContain('id: CR-43');
    await expect.poll(() => page.locator('[data-testid=problem-row][data-file="contracts/changes/CR-43.yaml"]').count()).toBe(0);
  });
});

describe('the loopback bridge refuses strangers', () => {
  it('an API call without the token gets 401, with a foreign Origin 403, and no CORS headers', async () => {
    const noToken = await fetch(`${served.url}api/files.list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'null' });
    expect(noToken.status).toBe(401);
    const wrong = await fetch(`${served.url}api/files.list`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Covenant-Token': 'x'.repeat(43) },
      body: 'null',
    });
    expect(wrong.status).toBe(401);
    const foreign = await fetch(`${served.url}api/files.list`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Covenant-Token': served.token, Origin: 'http://evil.example' },
      body: 'null',
    });
    expect(foreign.status).toBe(403);
    const ok = await fetch(`${served.url}api/files.list`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Covenant-Token': served.token },
      body: 'null',
    });
    expect(ok.status).toBe(200);
    for (const r of [noToken, foreign, ok]) expect([...r.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
  });

  it('a page on another origin cannot read the API from the browser', async () => {
    const other = await ctx.newPage();
    await other.goto('about:blank');
    const outcome = await other.evaluate(async (url) => {
      try {
        const r = await fetch(`${url}api/files.list`, { method: 'POST', body: 'null', headers: { 'Content-Type': 'application/json' } });
        return `status ${r.status}`;
      } catch {
        return 'blocked';
      }
    }, served.url);
    expect(outcome).toBe('blocked');
    await other.close();
  });
});
