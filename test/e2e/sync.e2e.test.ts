// Two parties, one contract, in Chromium (issue 15, items 1 and 3): clone from the start screen with credentials
// asked in a dialog, ahead/behind in the status bar, pull into a same-field conflict, resolve it in the conflict view,
// commit the merge and push, against system git's http-backend on 127.0.0.1.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { covenantAsync as covenant, IDENTITY } from '../helpers/cli.js';
import { gitHttpServer } from '../helpers/git-server.js';
import { commitAt, sysgit } from '../helpers/git.js';
import { exampleCopy } from '../helpers/tmp.js';
import { screenshot, useApp } from './harness.js';

const CREDS = { username: 'supplier', password: 'tok-3f9a-not-in-any-file' };
const app = useApp({ workspace: false, env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...IDENTITY } });
const SOW = 'contracts/sow/SPRINT-07.yaml';
let server: Awaited<ReturnType<typeof gitHttpServer>> | null = null;
afterAll(async () => server?.close());

async function signIn() {
  const page = app.page;
  await page.locator('[role=dialog]').waitFor();
  await page.fill('[data-testid=cred-user]', CREDS.username);
  await page.fill('[data-testid=cred-password]', CREDS.password);
  await page.click('[data-testid=cred-submit]');
}

describe('sharing a contract in the app', () => {
  it('clones, pulls into a conflict, resolves it field by field, commits the merge and pushes', async () => {
    // the shared repository, behind basic auth
    const root = path.join(app.env.dir, 'server');
    const seed = exampleCopy();
    sysgit(seed, 'init', '-q', '-b', 'main');
    sysgit(seed, 'add', '-A');
    commitAt(seed, '2025-10-13T09:00:00Z', 'The contract');
    execFileSync('git', ['clone', '-q', '--bare', seed, path.join(root, 'contract.git')]);
    server = await gitHttpServer(root, CREDS);
    const url = `${server.url}/contract.git`;

    // clone from the start screen; the server asks, the dialog asks the person
    const page = app.page;
    await page.goto(app.served.launchUrl);
    await page.waitForSelector('[data-testid=welcome]');
    const mine = path.join(app.env.dir, 'supplier-clone');
    await page.fill('[aria-label="Repository URL"]', 'git@example.com:team/contract.git');
    await expect.poll(() => page.textContent('.clone')).toContain('SSH addresses (git@…) are not supported');
    await page.fill('[aria-label="Repository URL"]', url);
    await page.fill('[aria-label="New folder"]', mine);
    await page.click('[data-testid=clone]');
    await signIn();
    await page.waitForSelector('[data-testid=tree-item]');
    expect(sysgit(mine, 'log', '--format=%s')).toBe('The contract\n');
    expect(spawnSync('grep', ['-rl', CREDS.password, mine]).status).toBe(1); // no file of the clone holds the token
    expect(app.served.output()).not.toContain(CREDS.password);
    await expect.poll(() => page.textContent('[data-testid=status-sync]')).toBe('↑0 ↓0');

    // the client moves the end date one way and pushes; the supplier (this app) moves it another way and commits
    const other = path.join(app.env.dir, 'client-clone');
    const env = { ...IDENTITY, COVENANT_GIT_USERNAME: CREDS.username, COVENANT_GIT_PASSWORD: CREDS.password };
    expect((await covenant(['clone', url, other], undefined, env)).code).toBe(0);
    const edit = (dir: string, from: string, to: string) => writeFileSync(path.join(dir, SOW), readFileSync(path.join(dir, SOW), 'utf8').replace(from, to));
    edit(other, 'end: 2025-10-24', 'end: 2025-10-27');
    edit(other, 'Redesign onboarding flow', 'Redesign the onboarding flow');
    expect((await covenant(['commit', other, '-m', 'Client: end on the 27th'], undefined, env)).code).toBe(0);
    expect((await covenant(['push', other], undefined, env)).code).toBe(0);
    edit(mine, 'end: 2025-10-24', 'end: 2025-10-30');
    expect((await covenant(['commit', mine, '-m', 'Supplier: end on the 30th'], undefined, IDENTITY)).code).toBe(0);

    // fetch shows where each side stands; credentials are asked again (browser mode remembers nothing)
    await expect.poll(() => page.textContent('[data-testid=status-sync]')).toBe('↑1 ↓0');
    await page.click('[data-testid=status-sync]');
    await signIn();
    await expect.poll(() => page.textContent('[data-testid=status-sync]')).toBe('↑1 ↓1');

    // pull: a same-field conflict, shown by field with the common version, mine and theirs
    await page.click('[data-testid=pull]');
    await signIn();
    const conflict = page.locator(`[data-testid="conflict-${`${SOW}#dates.end`.replace(/[^A-Za-z0-9]+/g, '-')}"]`);
    await conflict.waitFor();
    expect(await conflict.locator('header strong').textContent()).toBe('dates › end');
    const sides = await conflict.locator('.merge-sides dd').allTextContents();
    expect(sides).toEqual(['2025-10-24', '2025-10-30', '2025-10-27']);
    await expect.poll(() => page.textContent('[data-testid=status-merge]')).toBe('Pull waiting: 1 conflict to resolve');
    expect(await page.locator('[data-testid=merge-commit]').isDisabled()).toBe(true);
    // what merged cleanly is already in the file; mine stays in the conflicting field until chosen
    expect(readFileSync(path.join(mine, SOW), 'utf8')).toContain('Redesign the onboarding flow');
    expect(readFileSync(path.join(mine, SOW), 'utf8')).toContain('end: 2025-10-30');
    await screenshot(page, 'merge-conflict');

    await conflict.getByRole('button', { name: 'Take theirs' }).click();
    await expect.poll(() => conflict.locator('[data-testid=conflict-status]').textContent()).toBe('Resolved: took theirs');
    expect(readFileSync(path.join(mine, SOW), 'utf8')).toContain('end: 2025-10-27');
    // changing one's mind is allowed until the merge is committed: an edit wins in the end
    await conflict.getByRole('button', { name: 'Edit…' }).click();
    await conflict.locator('textarea').fill('2025-10-28');
    await conflict.getByRole('button', { name: 'Use this value' }).click();
    await expect.poll(() => conflict.locator('[data-testid=conflict-status]').textContent()).toBe('Resolved: edited');
    expect(readFileSync(path.join(mine, SOW), 'utf8')).toContain('end: 2025-10-28');
    await page.click('[data-testid=merge-commit]');
    await expect.poll(() => page.textContent('[data-testid=status-sync]')).toBe('↑2 ↓0');
    const parents = sysgit(mine, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ');
    expect(parents).toHaveLength(3);
    expect(sysgit(mine, 'status', '--porcelain')).toBe('');

    // Sync from the app bar: pull (nothing new), then push; the server now holds the agreed date and the client's wording
    await page.click('[data-testid="tool-remote.sync"]');
    await signIn();
    await expect.poll(() => page.locator('[data-testid=cred-user]').count()).toBe(0);
    await signIn();
    await expect.poll(() => page.textContent('[data-testid=status-sync]')).toBe('↑0 ↓0');
    const onServer = execFileSync('git', ['--git-dir', path.join(root, 'contract.git'), 'show', `main:${SOW}`], { encoding: 'utf8' });
    expect(onServer).toContain('end: 2025-10-28');
    expect(onServer).toContain('Redesign the onboarding flow');
  });
});
