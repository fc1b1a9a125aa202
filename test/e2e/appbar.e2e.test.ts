// Issue 16: daily use without the keyboard. Each main job is reached from the app bar's visible controls (menus and
// buttons, the same model as the desktop app's native menu), the document view reads a SOW as a document, notices
// dismiss themselves and never cover content, confirmations are in-app dialogs, and the shortcuts come from one list.
import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY } from '../helpers/cli.js';
import { commitAt, sysgit } from '../helpers/git.js';
import { screenshot, useApp } from './harness.js';

const app = useApp({ env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...IDENTITY } });
const SOW = 'contracts/sow/SPRINT-07.yaml';

beforeAll(async () => {
  const ws = app.env.workspace;
  sysgit(ws, 'init', '-q', '-b', 'main');
  sysgit(ws, 'add', '-A');
  commitAt(ws, '2025-10-13T09:00:00Z', 'The contract');
  await app.page.goto(app.served.launchUrl);
  await app.page.waitForSelector('[data-testid=tree-item]');
});

afterEach(async (t) => {
  if (t.task.result?.state === 'fail') await screenshot(app.page, `appbar-failed-${t.task.name.replace(/[^\w]+/g, '-').slice(0, 60)}`);
});

/** Runs a menu item by clicking the menu, then the item: what a person does with a mouse. */
async function menu(name: string, command: string): Promise<void> {
  await app.page.click(`[data-testid=menu-${name}]`);
  await app.page.click(`.menu-list [data-command="${command}"]`);
}

async function openInTree(rel: string): Promise<void> {
  await app.page.click('[data-testid=view-files]');
  await app.page.click(`[data-testid=tree-item][data-path="${rel}"]`);
  await app.page.waitForSelector(`[data-testid=tab][data-path="${rel}"][aria-selected=true]`);
}

describe('the app bar reaches every main job with the mouse', () => {
  it('shows the menus and the main actions; disabled ones say why', async () => {
    const page = app.page;
    const tools = await page.locator('[data-testid=appbar] [role=toolbar] button').allTextContents();
    expect(tools).toEqual(['New SOW', 'New change', 'New decision', 'Export PDF', 'Commit', 'Sync', 'Open folder']);
    // no shared repository here: Sync is disabled, and its title says why
    expect(await page.getAttribute('[data-testid="tool-remote.sync"]', 'title')).toContain('no shared repository');
    await page.click('[data-testid=menu-contract]');
    const items = await page.locator('.menu-list [role=menuitem]').allTextContents();
    expect(items.join('|')).toContain('New SOW…');
    expect(items.join('|')).toContain('Add Ledger Entry…');
    await screenshot(page, 'appbar-contract-menu');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.menu-list').count()).toBe(0);
  });

  it('New SOW opens the drafting wizard; New change the impact wizard; Close asks before dropping a draft', async () => {
    const page = app.page;
    await page.click('[data-testid="tool-new.sow"]');
    await page.waitForSelector('text=SOW wizard');
    await page.click('[data-testid=page-close]');
    await page.click('[data-testid="tool-new.cr"]');
    await page.waitForSelector('text=Change request wizard');
    await page.fill('[aria-label="Summary"]', 'Add a search box');
    await page.click('[data-testid=page-close]');
    // a draft with input: an in-app dialog asks, nothing native
    await page.waitForSelector('[data-testid=app-dialog]');
    expect(await page.textContent('[data-testid=app-dialog]')).toContain('not written to any file yet');
    await page.click('[data-testid=dialog-cancel]');
    expect(await page.locator('text=Change request wizard').count()).toBe(1);
    await page.click('[data-testid=page-close]');
    await page.click('[data-testid=dialog-confirm]');
    await expect.poll(() => page.locator('text=Change request wizard').count()).toBe(0);
  });

  it('New decision writes the next ADR from the template and opens it', async () => {
    const page = app.page;
    await page.click('[data-testid="tool-new.adr"]');
    await page.waitForSelector('[data-testid=tab][data-path$=".md"][aria-selected=true]');
    const adrPath = await page.getAttribute('[data-testid=tab][aria-selected=true]', 'data-path');
    expect(adrPath).toMatch(/ADR-\d{4}/);
    // with a decision record open, superseding it is offered in the Contract menu
    await page.click('[data-testid=menu-contract]');
    expect(await page.isEnabled('.menu-list [data-command="adr.supersede"]')).toBe(true);
    await page.keyboard.press('Escape');
  });

  it('Export PDF downloads the steering pack; the ledger and the change log download as CSV', async () => {
    const page = app.page;
    await page.click(`[data-testid=tree-item][data-path="contracts/master_contract.yaml"]`);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="tool-file.exportPdf"]')]);
    expect(pdf.suggestedFilename()).toMatch(/contract-\d{4}-\d{2}-\d{2}\.pdf$/);
    const pdfFile = path.join(app.env.dir, 'pack.pdf');
    await pdf.saveAs(pdfFile);
    expect(readFileSync(pdfFile).subarray(0, 5).toString()).toBe('%PDF-');
    const [csv] = await Promise.all([page.waitForEvent('download'), menu('file', 'csv.ledger')]);
    expect(csv.suggestedFilename()).toMatch(/-ledger-[0-9a-f]{7}(-uncommitted)?\.csv$/);
    const csvFile = path.join(app.env.dir, 'ledger.csv');
    await csv.saveAs(csvFile);
    const text = readFileSync(csvFile, 'utf8');
    expect(text.split('\n')[0]).toContain('period,currency,target_cost,actual_cost,outcome');
    expect(text).toContain('Supplier bears 1625.25 EUR of the overrun');
    const [log] = await Promise.all([page.waitForEvent('download'), menu('file', 'csv.changes')]);
    expect(log.suggestedFilename()).toMatch(/-change-log-/);
  });

  it('Commit shows the changes with the message ready; the commit lands in git', async () => {
    const page = app.page;
    await page.click('[data-testid="tool-git.commit"]');
    await page.waitForSelector('[data-testid=changes-view]');
    await expect.poll(() => page.locator('[data-testid=change]').count()).toBeGreaterThan(0);
    await expect.poll(() => page.inputValue('[data-testid=commit-message]')).not.toBe('');
    await page.click('[data-testid=commit]');
    await expect.poll(() => sysgit(app.env.workspace, 'log', '--format=%s').split('\n').length).toBe(3);
  });

  it('Add Ledger Entry brings the form up; an invalid amount says what is wrong next to the field', async () => {
    const page = app.page;
    await menu('contract', 'ledger.add');
    await page.waitForSelector('[data-testid=ledger-page]');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Period');
    await page.selectOption('[data-testid=ledger-form] select', 'SPRINT-07');
    await page.fill('[aria-label="Target cost"]', '48,000');
    await page.fill('[aria-label="Actual cost"]', '-5');
    await page.click('text=Save to ledger');
    expect(await page.textContent('[data-testid=target-problem]')).toContain('must be a number');
    expect(await page.textContent('[data-testid=actual-problem]')).toContain('cannot be negative');
    // the overrun in words, one legend
    const row = await page.locator('[data-testid=ledger-row][data-period="SPRINT-07"] td').allTextContents();
    expect(row.slice(3, 6)).toEqual([
      'Overrun of €3,250.50',
      'Supplier bears €1,625.25 of the overrun; client bears €1,625.25',
      'Supplier has borne €1,625.25 net',
    ]);
    expect(await page.textContent('[data-testid=sign-legend]')).toContain('Amounts carry no sign');
    await screenshot(page, 'ledger-in-words');
  });

  it('Open folder asks in the app for a full path and refuses a relative one next to the field', async () => {
    const page = app.page;
    await page.click('[data-testid="tool-workspace.openFolder"]');
    await page.fill('[data-testid=dialog-path]', 'contracts/here');
    await page.click('[data-testid=dialog-confirm]');
    expect(await page.textContent('[data-testid=app-dialog] .field-error')).toContain('A full path is needed');
    await page.click('[data-testid=dialog-cancel]');
    await expect.poll(() => page.locator('[data-testid=app-dialog]').count()).toBe(0);
  });

  it('Help lists the shortcuts from the one list', async () => {
    const page = app.page;
    await page.click('[aria-label="Keyboard shortcuts and help"]');
    const sheet = await page.textContent('[data-testid=shortcuts]');
    for (const k of ['Ctrl+Shift+P', 'Ctrl+P', 'Ctrl+S', 'Ctrl+/', 'Esc']) expect(sheet).toContain(k);
    await page.click('[data-testid=shortcuts] button.primary');
  });
});

describe('the document view', () => {
  it('reads a SOW as a document: criteria with their evidence, gates from results, linked changes, the ledger line', async () => {
    const page = app.page;
    await openInTree(SOW);
    await page.click('[data-testid=show-document]');
    await page.waitForSelector('[data-testid=document-view] h1');
    expect(await page.textContent('[data-testid=document-view] h1')).toBe('SPRINT-07');
    expect(await page.getAttribute('[data-testid=doc-check][data-label=AC1]', 'data-status')).toBe('met');
    expect(await page.textContent('[data-testid=doc-check][data-label=AC1]')).toContain('87 against >= 85');
    expect(await page.getAttribute('[data-testid=doc-check][data-label=design_review]', 'data-status')).toBe('passed');
    expect(await page.getAttribute('[data-testid=doc-check][data-label=qa_signoff]', 'data-status')).toBe('missing'); // never ran; SPRINT-07 ended
    const text = await page.textContent('[data-testid=document-view]');
    expect(text).toContain('Value hypothesis'); // the schema's title, not the key
    expect(text).toContain('CR-42');
    expect(text).toContain('Supplier bears €1,625.25 of the overrun');
    expect(await page.textContent('[data-testid=document-shows]')).toMatch(/The saved file, commit [0-9a-f]{7}/);
    await screenshot(page, 'document-view');
    // YAML is one click away
    await page.click('[data-testid=show-yaml]');
    await page.waitForSelector('.monaco-editor .view-lines');
  });

  it('the reader setting opens contract files as documents, and every tab comes back after a reload', async () => {
    const page = app.page;
    await menu('view', 'settings.documentFirst');
    await openInTree('contracts/changes/CR-42.yaml');
    await page.waitForSelector('[data-testid=document-view] h1');
    expect(await page.textContent('[data-testid=document-view]')).toContain('Verdict (computed)');
    const before = await page.locator('[data-testid=tab]').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-path')));
    expect(before.length).toBeGreaterThanOrEqual(3);
    await page.reload();
    await page.waitForSelector('[data-testid=tree-item]');
    await expect.poll(() => page.locator('[data-testid=tab]').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-path')))).toEqual(before);
    expect(await page.getAttribute('[data-testid=tab][aria-selected=true]', 'data-path')).toBe('contracts/changes/CR-42.yaml');
    await page.waitForSelector('[data-testid=document-view] h1');
    await menu('view', 'settings.documentFirst'); // back to YAML for the tests after
  });
});

describe('messages that behave', () => {
  it('an info notice goes by itself and sits above the work rather than over it', async () => {
    const page = app.page;
    await openInTree(SOW);
    await page.click('[data-testid=show-yaml]').catch(() => undefined);
    // an info notice: "Contract files now open…" from the setting toggled above is gone by now or soon
    await menu('view', 'settings.documentFirst');
    await page.waitForSelector('[data-testid=notice]');
    const notices = await page.locator('[data-testid=notices]').boundingBox();
    const problems = await page.locator('[data-testid=problems]').boundingBox();
    const editor = await page.locator('.editor-area').boundingBox();
    // the strip is above the work: nothing of it overlaps the editor or the Problems panel
    expect(notices!.y + notices!.height).toBeLessThanOrEqual(editor!.y + 1);
    expect(notices!.y + notices!.height).toBeLessThanOrEqual(problems!.y + 1);
    await expect.poll(() => page.locator('[data-testid=notice]').count(), { timeout: 10_000 }).toBe(0);
    await menu('view', 'settings.documentFirst');
  });
});

describe('the keyboard, for those who use it', () => {
  it('Ctrl+P opens files by name, Esc closes a page, Ctrl+/ shows the shortcuts', async () => {
    const page = app.page;
    await page.click('[data-testid=open-dashboard]');
    await page.waitForSelector('[data-testid=dashboard-page]');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=dashboard-page]').count()).toBe(0);
    await page.locator('[data-testid=tree-item]').first().focus();
    await page.keyboard.press('Control+p');
    await page.waitForSelector('[data-testid=palette][aria-label="Open a file"]');
    await page.keyboard.type('CR-42');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"][aria-selected=true]');
    await page.locator('[data-testid=tree-item]').first().focus();
    await page.keyboard.press('Control+/');
    await page.waitForSelector('[data-testid=shortcuts]');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=shortcuts]').count()).toBe(0);
  });
});

describe('quick fixes', () => {
  it('a near-miss value is fixed from the Problems panel as an unsaved edit, and the problem goes', async () => {
    const page = app.page;
    const file = path.join(app.env.workspace, 'contracts/changes/CR-42.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('status: approved', 'status: aproved'));
    const row = page.locator('[data-testid=problem-row][data-file="contracts/changes/CR-42.yaml"]');
    await row.locator('[data-testid=quick-fix]').click();
    await page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"][aria-selected=true]');
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.locator('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"] .dirty-dot, [data-testid=status-dirty]').count()).toBeGreaterThan(0);
    await page.keyboard.press('Control+s');
    await expect.poll(() => readFileSync(file, 'utf8')).toContain('status: approved');
  });
});

describe('the Problems panel', () => {
  it('collapses and resizes, and keeps its size after a reload', async () => {
    const page = app.page;
    const height = async () => (await page.locator('[data-testid=problems]').boundingBox())!.height;
    await page.click('[data-testid=problems-toggle]');
    await expect.poll(height).toBeLessThan(40);
    await page.click('[data-testid=problems-toggle]');
    await expect.poll(height).toBeGreaterThan(150);
    const handle = (await page.locator('[data-testid=problems-resize]').boundingBox())!;
    await page.mouse.move(handle.x + 50, handle.y + 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 50, handle.y - 120, { steps: 5 });
    await page.mouse.up();
    const grown = await height();
    expect(grown).toBeGreaterThan(300);
    await page.reload();
    await page.waitForSelector('[data-testid=tree-item]');
    await expect.poll(height).toBeCloseTo(grown, -1);
  });
});

// evidence that the test ran in Chromium and wrote its screenshots
it('left its screenshots', () => {
  const shots = readdirSync(path.join(process.cwd(), 'test-results'));
  expect(shots).toContain('document-view.png');
  expect(existsSync(path.join(process.cwd(), 'test-results', 'appbar-contract-menu.png'))).toBe(true);
});
