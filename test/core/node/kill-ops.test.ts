// Operations that happen whole (issue 25, item 3): clone, commit, approve and `pull --continue`, each SIGKILLed at a
// random moment 20 times. After each kill the repository is as before or resumable: `git fsck --full` is clean and a
// retry succeeds (a fetch is the first half of every pull in kill-pull.test.ts). System git is the referee.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { covenantAsync as covenant, covenantKilledAfter, IDENTITY } from '../../helpers/cli.js';
import { servedExample } from '../../helpers/git-server.js';
import { commitAt, committedWithAna, sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { settledConflict } from '../../helpers/conflict.js';

const SOW = 'contracts/sow/SPRINT-07.yaml';
const RUNS = 20;
const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const randomMs = () => 120 + Math.floor(Math.random() * 700);

function fsckClean(dir: string, what: string): void {
  const r = spawnSync('git', ['fsck', '--full', '--no-progress'], { cwd: dir, encoding: 'utf8' });
  expect(r.status, `${what}: ${r.stderr}`).toBe(0);
  expect(r.stderr, what).not.toMatch(/bad sha1 file|error|missing/);
}

const served = () => servedExample(servers);

describe('killed at any moment', () => {
  it(`clone: the folder is not there, or whole (${RUNS} kills); the retry clones`, async () => {
    const { url } = await served();
    let killed = 0;
    for (let i = 0; i < RUNS; i++) {
      const dir = path.join(tempDir(), `c${i}`);
      // a clone takes longer than the others (it waits for the clock to pass a second before writing the index)
      if ((await covenantKilledAfter(['clone', url, dir], 120 + Math.floor(Math.random() * 2200))) === 'killed') killed++;
      if (existsSync(dir)) fsckClean(dir, `${i}: a clone that is there is whole`);
      else {
        const retry = await covenant(['clone', url, dir]);
        expect(retry.code, `${i}: ${retry.stderr}`).toBe(0);
      }
      expect(sysgit(dir, 'status', '--porcelain'), `${i}`).toBe('');
      fsckClean(dir, `${i}`);
    }
    process.stdout.write(`kill-ops clone: ${killed} of ${RUNS} killed midway\n`);
  }, 240_000);

  it(`commit and approve: committed whole or not at all (${RUNS} kills each); the retry commits and signs`, async () => {
    const dir = exampleCopy();
    const ana = committedWithAna(dir, tempDir());
    let killed = 0;
    for (let i = 0; i < RUNS; i++) {
      const file = path.join(dir, SOW);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/value_hypothesis: .*/, `value_hypothesis: "Reduce drop-off by ${30 + i}%"`));
      const before = sysgit(dir, 'rev-parse', 'HEAD').trim();
      if ((await covenantKilledAfter(['commit', dir, SOW, '-m', `Change ${i}`], randomMs())) === 'killed') killed++;
      fsckClean(dir, `commit ${i}`);
      const after = sysgit(dir, 'rev-parse', 'HEAD').trim();
      if (after === before) {
        // not committed: the edit is still there to commit
        expect(sysgit(dir, 'status', '--porcelain'), `commit ${i}`).toContain(SOW);
        const retry = await covenant(['commit', dir, SOW, '-m', `Change ${i}`], undefined, IDENTITY);
        expect(retry.code, `commit ${i}: ${retry.stderr}`).toBe(0);
      }
      expect(sysgit(dir, 'show', `HEAD:${SOW}`), `commit ${i}`).toContain(`Reduce drop-off by ${30 + i}%`);
      expect(sysgit(dir, 'status', '--porcelain'), `commit ${i}`).toBe('');
    }
    // approve, killed: the next approve finishes or finds it signed; verify holds
    for (let i = 0; i < RUNS; i++) {
      const cr = path.join(dir, 'contracts/changes', `CR-${100 + i}.yaml`);
      writeFileSync(
        cr,
        `id: CR-${100 + i}\nrequestor: ana\nsummary: Change ${i}\nimpact_analysis: {budget_delta_pct: 1, schedule_slip_days: 0, risk_score: 1}\ndecision: {status: proposed}\n`,
      );
      sysgit(dir, 'add', '-A');
      commitAt(dir, '2025-10-12T09:00:00Z', `Propose CR-${100 + i}`);
      if ((await covenantKilledAfter(['approve', `CR-${100 + i}`, dir, '--as', 'ana', '--key', ana.file], randomMs())) === 'killed') killed++;
      fsckClean(dir, `approve ${i}`);
      const retry = await covenant(['approve', `CR-${100 + i}`, dir, '--as', 'ana', '--key', ana.file], undefined, IDENTITY);
      expect(retry.code === 0 || /is decided already|has signed/.test(retry.stderr), `approve ${i}: ${retry.stderr}`).toBe(true);
      expect(sysgit(dir, 'status', '--porcelain'), `approve ${i}`).toBe('');
    }
    const v = await covenant(['verify', dir, '--format', 'json']);
    const checks = (JSON.parse(v.stdout) as { approvals: { file: string; status: string }[] }).approvals.filter((c) => c.file.includes('CR-1'));
    expect(checks).toHaveLength(RUNS);
    expect(checks.every((c) => c.status === 'holds')).toBe(true);
    process.stdout.write(`kill-ops commit+approve: ${killed} of ${2 * RUNS} killed midway\n`);
  }, 240_000);

  it(`pull --continue: the merge is committed, or still waits (${RUNS} kills); the retry commits it`, async () => {
    const { url, bare } = await served();
    const theirs = path.join(tempDir(), 'theirs');
    execFileSync('git', ['clone', '-q', bare, theirs]);
    const mine = path.join(tempDir(), 'mine');
    expect((await covenant(['clone', url, mine])).code).toBe(0);
    let killed = 0;
    for (let i = 0; i < RUNS; i++) {
      // both change the SOW's end date: a conflict that waits, settled as mine, then continued under a kill
      await settledConflict(theirs, mine, `2026-01-${String(i + 1).padStart(2, '0')}`, `2027-01-${String(i + 1).padStart(2, '0')}`);
      if ((await covenantKilledAfter(['pull', mine, '--continue'], randomMs())) === 'killed') killed++;
      fsckClean(mine, `continue ${i}`);
      const merged = spawnSync('git', ['merge-base', '--is-ancestor', 'origin/main', 'HEAD'], { cwd: mine }).status === 0;
      if (!merged) {
        const retry = await covenant(['pull', mine, '--continue'], undefined, IDENTITY);
        expect(retry.code, `continue ${i}: ${retry.stderr}`).toBe(0);
      }
      expect(spawnSync('git', ['merge-base', '--is-ancestor', 'origin/main', 'HEAD'], { cwd: mine }).status, `continue ${i}`).toBe(0);
      expect(sysgit(mine, 'status', '--porcelain'), `continue ${i}`).toBe('');
      expect(readFileSync(path.join(mine, SOW), 'utf8')).toContain(`end: 2027-01-${String(i + 1).padStart(2, '0')}`);
      expect((await covenant(['push', mine])).code, `push ${i}`).toBe(0); // (not system git: the server runs in this process)
      sysgit(theirs, 'pull', '-q', '--no-rebase', 'origin', 'main');
    }
    process.stdout.write(`kill-ops pull --continue: ${killed} of ${RUNS} killed midway\n`);
  }, 300_000);
});
