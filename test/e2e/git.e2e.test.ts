import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerDialog, screenshot, startApp, type App } from './harness.js';

let app: App;
let page: Page;
const prompts: string[] = [];

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: app.env.workspace, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } });

beforeAll(async () => {
  // No ~/.gitconfig for the app: it must ask who commits, once (HOME is a folder of its own).
  app = await startApp({ env: { HOME: '/nonexistent-home-for-covenant-tests' } });
  page = app.page;
  // nothing native: every question is the app's own dialog
  page.on('dialog', (d) => {
    prompts.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(app.served.launchUrl);
  await page.waitForSelector('[data-testid=tree-item]');
});

afterEach(async (t) => {
  await screenshot(
    page,
    `git-${t.task.name
      .replace(/[^\w]+/g, '-')
      .toLowerCase()
      .slice(0, 60)}`,
  );
});

afterAll(async () => {
  await app?.close();
});

async function editLineEnd(lineText: string, erase: number, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-line', { hasText: lineText }).first().click();
  await page.keyboard.press('End');
  for (let i = 0; i < erase; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
  await page.keyboard.press('Escape');
}

describe('git in the workbench', () => {
  it('a folder that is not a repository is offered to be initialised; the first commit is readable by system git', async () => {
    await expect.poll(() => page.textContent('[data-testid=status-git]')).toContain('Not a git repository');
    await page.click('[data-testid=status-git]');
    // the first commit needs a name: asked in the app, both fields together; a bad email is refused next to its field
    await page.waitForSelector('[data-testid=app-dialog]');
    await page.fill('[data-testid=dialog-name]', 'Zoë Müller');
    await page.fill('[data-testid=dialog-email]', 'zoe');
    await page.click('[data-testid=dialog-confirm]');
    expect(await page.textContent('[data-testid=app-dialog] .field-error')).toContain('An email address such as');
    expect(await answerDialog(page, { email: 'zoe@example.com' })).toContain('Who are you?');
    await expect.poll(() => page.textContent('[data-testid=status-git]')).toContain('main');
    // the branch shows as soon as .git exists; the first commit lands a moment later
    await expect
      .poll(() => {
        try {
          return git('log', '--format=%s').trim();
        } catch {
          return '';
        }
      })
      .toBe('Covenant workspace created');
    git('fsck', '--full', '--strict');
    expect(git('status', '--porcelain')).toBe('');
  });

  it('an edit shows in Changes with its diff and a proposed message; committing asks who once and lands in git', async () => {
    await page.click('[data-testid=tree-item][data-path="contracts/changes/CR-42.yaml"]');
    await page.waitForSelector('[data-testid=tab][data-path="contracts/changes/CR-42.yaml"][aria-selected=true]');
    await editLineEnd('schedule_slip_days: 4', 1, '6');
    await page.keyboard.press('Control+s');
    await expect.poll(() => readFileSync(path.join(app.env.workspace, 'contracts/changes/CR-42.yaml'), 'utf8')).toContain('schedule_slip_days: 6');
    await page.click('[data-testid=view-changes]');
    await page.waitForSelector('[data-testid=change][data-path="contracts/changes/CR-42.yaml"][data-status=modified]');
    await expect.poll(() => page.inputValue('[data-testid=commit-message]')).toBe('CR-42: impact analysis (minor)');
    await page.click('[data-testid=change][data-path="contracts/changes/CR-42.yaml"] .change-name');
    await page.waitForSelector('[data-testid=viewer][data-kind=diff] .monaco-diff-editor');
    await expect.poll(() => page.locator('.monaco-diff-editor .line-insert').count()).toBeGreaterThan(0);
    await screenshot(page, 'git-diff');
    await page.click('[data-testid=commit]');
    // who commits was asked once, at the first commit: not again
    await expect.poll(() => git('log', '-1', '--format=%an <%ae>|%s').trim()).toBe('Zoë Müller <zoe@example.com>|CR-42: impact analysis (minor)');
    expect(prompts).toEqual([]);
    // the diff that was open shows nothing true any more: it closes and says why (it never stays stale)
    await expect.poll(() => page.locator('[data-testid=viewer][data-kind=diff]').count()).toBe(0);
    await page.locator('[data-testid=notice]', { hasText: 'has no change since the last commit any more' }).waitFor();
    await expect.poll(() => page.locator('[data-testid=change]').count()).toBe(0);
    git('fsck', '--full', '--strict');
  });

  it('history lists the commits; a commit shows its files, the file as it was, and restores it', async () => {
    const p = path.join(app.env.workspace, 'contracts/changes/CR-42.yaml');
    await page.click('[data-testid=view-history]');
    await expect.poll(() => page.locator('[data-testid=commit-entry]').count()).toBe(2);
    const first = git('rev-list', '--max-parents=0', 'HEAD').trim();
    // branch and tag names sit beside their commits, as git log --decorate shows them
    git('tag', 'baseline', first);
    await page.click('.history-scope button:first-child'); // "Whole workspace" reloads the log
    await expect
      .poll(() => page.locator(`[data-testid=commit-entry][data-oid="${git('rev-parse', 'HEAD').trim()}"] [data-testid=ref-badge]`).allTextContents())
      .toEqual(['HEAD -> main']);
    await expect.poll(() => page.locator(`[data-testid=commit-entry][data-oid="${first}"] [data-testid=ref-badge]`).allTextContents()).toEqual(['🏷 baseline']);
    await page.click(`[data-testid=commit-entry][data-oid="${git('rev-parse', 'HEAD').trim()}"] button`);
    await page.waitForSelector('[data-testid=picked-file][data-path="contracts/changes/CR-42.yaml"]');
    // compare the two commits: Shift+click the first
    await page.click(`[data-testid=commit-entry][data-oid="${first}"] button`, { modifiers: ['Shift'] });
    await expect.poll(() => page.textContent('[data-testid=picked-files] h3')).toContain('↔');
    // the first commit's version, restored over the working tree
    await page.click(`[data-testid=commit-entry][data-oid="${first}"] button`);
    await expect.poll(() => page.locator('[data-testid=picked-file]').count()).toBe(0); // the root commit: nothing before it
    await page.click(`[data-testid=commit-entry][data-oid="${git('rev-parse', 'HEAD').trim()}"] button`);
    await page.click('[data-testid=picked-file][data-path="contracts/changes/CR-42.yaml"] >> text=view');
    await page.waitForSelector('[data-testid=viewer][data-kind=snapshot]');
    writeFileSync(p, readFileSync(p, 'utf8').replace('schedule_slip_days: 6', 'schedule_slip_days: 7'));
    await page.click('[data-testid=picked-file][data-path="contracts/changes/CR-42.yaml"] >> [data-testid=restore]');
    expect(await answerDialog(page)).toContain('Restore contracts/changes/CR-42.yaml as it was at');
    await expect.poll(() => readFileSync(p, 'utf8')).toContain('schedule_slip_days: 6');
  });

  it('a merge in progress and a lock held by another git are shown as plain messages', async () => {
    writeFileSync(path.join(app.env.workspace, '.git/MERGE_HEAD'), git('rev-parse', 'HEAD'));
    writeFileSync(path.join(app.env.workspace, '.git/index.lock'), '');
    await page.click('[data-testid=view-changes]');
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    // any file event refreshes the state
    const p = path.join(app.env.workspace, 'contracts/sow/SPRINT-07.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('by 20%', 'by 21%'));
    await expect.poll(() => page.textContent('[data-testid=status-git]'), { timeout: 10_000 }).toContain('merge in progress');
    expect(await page.textContent('[data-testid=status-git]')).toContain('another git process is working');
    expect(await page.isDisabled('[data-testid=commit]')).toBe(true);
  });
});
