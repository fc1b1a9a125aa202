// Operations that happen whole on a full disk (issue 25, item 3: "disk-full runs of the same"). The repository lives on
// a small tmpfs of its own; a filler file leaves a different number of bytes free each run, so commit, approve,
// approve, addendum --apply, pull and clone run out of space at different points. After each failure the repository is as
// before or resumable (`git fsck --full` clean, nothing anybody wrote lost, no half checkout), the message says the
// disk is full, and once space is freed the retry succeeds. Mounting needs root: without it the file says why it skips.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { covenantAsync as covenant, IDENTITY } from '../../helpers/cli.js';
import { servedExample } from '../../helpers/git-server.js';
import { commitAt, committedWithAna, sysgit } from '../../helpers/git.js';
import { tempDir } from '../../helpers/tmp.js';
import { settledConflict } from '../../helpers/conflict.js';
import { EXAMPLE_DIR } from '../../helpers/workspace.js';

const SOW = 'contracts/sow/SPRINT-07.yaml';
/** Bytes left free, one run each: from nothing to more than an operation needs (tmpfs counts 4 KiB pages). */
const FREE = [0, 4096, 12_288, 24_576, 49_152, 98_304, 196_608];

const mounts: string[] = [];
const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const m of mounts.splice(0)) {
    spawnSync('umount', ['-l', m]);
    rmSync(m, { recursive: true, force: true });
  }
});

/** A fresh 24 MiB tmpfs, or why there cannot be one here. */
function smallDisk(): string | { skip: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'covenant-full-')); // not tempDir: removed after unmounting
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `cannot mount a small tmpfs to fill (${(r.stderr || r.error?.message || '').trim()}); needs root` };
  }
  mounts.push(dir);
  return dir;
}
const probe = smallDisk();
const skip = typeof probe === 'string' ? null : probe.skip;
if (skip) process.stdout.write(`disk-full.test.ts skipped: ${skip}\n`);

/** Fills the disk under `disk` until `free` bytes are left; returns a function that frees it again. */
function fill(disk: string, free: number): () => void {
  const filler = path.join(disk, 'filler');
  rmSync(filler, { force: true });
  const { bavail, bsize } = statfsSync(disk);
  const size = Math.max(0, bavail * bsize - free);
  spawnSync('sh', ['-c', `head -c ${size} /dev/zero > '${filler}'`]); // a write that hits the end is fine
  return () => rmSync(filler, { force: true });
}

function fsckClean(dir: string, what: string): void {
  const r = spawnSync('git', ['fsck', '--full', '--no-progress'], { cwd: dir, encoding: 'utf8' });
  expect(r.status, `${what}: ${r.stderr}`).toBe(0);
  expect(r.stderr, what).not.toMatch(/bad sha1 file|error|missing|corrupt/);
}

const failedForSpace = (r: { code: number | null; stderr: string }, what: string) => {
  if (r.code === 0) return false;
  expect(r.stderr, `${what}: says why`).toMatch(/disk is full|no space/i);
  expect(r.stderr, `${what}: no stack trace`).not.toMatch(/\n\s+at /);
  return true;
};

function workspaceOn(disk: string, name: string): string {
  const dir = path.join(disk, name);
  cpSync(EXAMPLE_DIR, dir, { recursive: true });
  sysgit(dir, 'init', '-q', '-b', 'main');
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-11T09:00:00Z', 'Contract signed');
  return dir;
}

const setHypothesis = (dir: string, n: number) => {
  const file = path.join(dir, SOW);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/value_hypothesis: .*/, `value_hypothesis: "Reduce drop-off by ${n}%"`));
};

describe.skipIf(skip !== null)('on a full disk', () => {
  it('commit: committed whole or not at all, the edit kept; the retry commits', async () => {
    const disk = probe as string;
    const dir = workspaceOn(disk, 'commit');
    let failed = 0;
    for (const [i, free] of FREE.entries()) {
      setHypothesis(dir, 40 + i);
      const before = sysgit(dir, 'rev-parse', 'HEAD').trim();
      const unfill = fill(disk, free);
      const r = await covenant(['commit', dir, SOW, '-m', `Change ${i}`], undefined, IDENTITY);
      unfill();
      if (failedForSpace(r, `commit with ${free} B free`)) failed++;
      fsckClean(dir, `commit with ${free} B free`);
      expect(readFileSync(path.join(dir, SOW), 'utf8'), 'the edit is never lost').toContain(`Reduce drop-off by ${40 + i}%`);
      if (sysgit(dir, 'rev-parse', 'HEAD').trim() === before) {
        const retry = await covenant(['commit', dir, SOW, '-m', `Change ${i}`], undefined, IDENTITY);
        expect(retry.code, retry.stderr).toBe(0);
      }
      expect(sysgit(dir, 'show', `HEAD:${SOW}`)).toContain(`Reduce drop-off by ${40 + i}%`);
      expect(sysgit(dir, 'status', '--porcelain')).toBe('');
    }
    expect(failed, 'the disk was full for some runs').toBeGreaterThan(0);
  }, 120_000);

  it('approve: signed and committed whole, or not at all; the retry signs', async () => {
    const disk = probe as string;
    const dir = path.join(disk, 'approve');
    cpSync(EXAMPLE_DIR, dir, { recursive: true });
    const ana = committedWithAna(dir, tempDir());
    let failed = 0;
    for (const [i, free] of FREE.entries()) {
      const id = `CR-${100 + i}`;
      writeFileSync(
        path.join(dir, 'contracts/changes', `${id}.yaml`),
        `id: ${id}\nrequestor: ana\nsummary: Change ${i}\nimpact_analysis: {budget_delta_pct: 1, schedule_slip_days: 0, risk_score: 1}\ndecision: {status: proposed}\n`,
      );
      sysgit(dir, 'add', '-A');
      commitAt(dir, '2025-10-12T09:00:00Z', `Propose ${id}`);
      const before = sysgit(dir, 'rev-parse', 'HEAD').trim();
      const unfill = fill(disk, free);
      const r = await covenant(['approve', id, dir, '--as', 'ana', '--key', ana.file], undefined, IDENTITY);
      unfill();
      if (failedForSpace(r, `approve with ${free} B free`)) {
        failed++;
        expect(sysgit(dir, 'rev-parse', 'HEAD').trim(), 'nothing committed').toBe(before);
      }
      fsckClean(dir, `approve with ${free} B free`);
      const retry = await covenant(['approve', id, dir, '--as', 'ana', '--key', ana.file], undefined, IDENTITY);
      expect(retry.code === 0 || /is decided already|has signed/.test(retry.stderr), retry.stderr).toBe(true);
      expect(sysgit(dir, 'status', '--porcelain')).toBe('');
    }
    const v = await covenant(['verify', dir, '--format', 'json']);
    const checks = (JSON.parse(v.stdout) as { approvals: { file: string; status: string }[] }).approvals.filter((c) => c.file.includes('CR-1'));
    expect(checks.map((c) => c.status)).toEqual(FREE.map(() => 'holds'));
    expect(failed).toBeGreaterThan(0);
  }, 120_000);

  it('addendum --apply: every edit made or none; the retry applies it', async () => {
    const disk = probe as string;
    let failed = 0;
    for (const [i, free] of FREE.entries()) {
      const dir = path.join(disk, `addendum-${i}`);
      cpSync(EXAMPLE_DIR, dir, { recursive: true });
      const draft = await covenant(['addendum', 'CR-42', dir, '--set', `${SOW}:dates.end=2025-10-28`, '--summary', 'Four more days'], undefined, IDENTITY);
      expect(draft.code, draft.stderr).toBe(0);
      const unfill = fill(disk, free);
      const r = await covenant(['addendum', 'CR-42', dir, '--apply'], undefined, IDENTITY);
      unfill();
      if (failedForSpace(r, `addendum with ${free} B free`)) failed++;
      await covenant(['validate', dir]); // the next open finishes or rolls back what a failure left
      const sow = readFileSync(path.join(dir, SOW), 'utf8');
      const cr = readFileSync(path.join(dir, 'contracts/changes/CR-42.yaml'), 'utf8');
      const applied = sow.includes('end: 2025-10-28');
      expect(/\nimplemented: /.test(cr), `with ${free} B free: the SOW edited and the CR implemented together`).toBe(applied);
      expect(
        readdirSync(path.join(dir, 'contracts/sow')).filter((f) => !f.endsWith('.yaml')),
        'no temp file left',
      ).toEqual([]);
      if (!applied) {
        const retry = await covenant(['addendum', 'CR-42', dir, '--apply'], undefined, IDENTITY);
        expect(retry.code, retry.stderr).toBe(0);
      }
      expect(readFileSync(path.join(dir, SOW), 'utf8')).toContain('end: 2025-10-28');
      rmSync(dir, { recursive: true, force: true });
    }
    expect(failed).toBeGreaterThan(0);
  }, 120_000);

  it('pull, pull --continue and clone: the branch moves only with every file and object in place; the retry finishes', async () => {
    const disk = probe as string;
    const { url, bare } = await servedExample(servers);
    const theirs = path.join(tempDir(), 'theirs');
    execFileSync('git', ['clone', '-q', bare, theirs]);
    const mine = path.join(disk, 'mine');
    expect((await covenant(['clone', url, mine])).code).toBe(0);
    let failed = 0;
    for (const [i, free] of FREE.entries()) {
      setHypothesis(theirs, 60 + i);
      mkdirSync(path.join(theirs, `docs/notes-${i}`), { recursive: true });
      writeFileSync(path.join(theirs, `docs/notes-${i}/n.md`), `note ${i}\n`.repeat(2000)); // needs some room
      sysgit(theirs, 'add', '-A');
      commitAt(theirs, '2025-10-14T09:00:00Z', `Their change ${i}`);
      sysgit(theirs, 'push', '-q', 'origin', 'main');
      const upstream = sysgit(theirs, 'rev-parse', 'HEAD').trim();
      const before = sysgit(mine, 'rev-parse', 'HEAD').trim();
      const unfill = fill(disk, free);
      const r = await covenant(['pull', mine], undefined, IDENTITY);
      unfill();
      if (failedForSpace(r, `pull with ${free} B free`)) failed++;
      fsckClean(mine, `pull with ${free} B free`);
      const head = sysgit(mine, 'rev-parse', 'HEAD').trim();
      expect([before, upstream], `pull with ${free} B free: the branch is where it was, or theirs`).toContain(head);
      const retry = await covenant(['pull', mine], undefined, IDENTITY);
      expect(retry.code, retry.stderr).toBe(0);
      expect(sysgit(mine, 'rev-parse', 'HEAD').trim()).toBe(upstream);
      expect(sysgit(mine, 'status', '--porcelain'), 'the files are the commit’s').toBe('');
      expect(readFileSync(path.join(mine, SOW), 'utf8')).toContain(`Reduce drop-off by ${60 + i}%`);
    }
    // pull --continue: the settled merge is committed whole, or still waits
    for (const [i, free] of FREE.entries()) {
      await settledConflict(theirs, mine, `2026-02-${String(i + 1).padStart(2, '0')}`, `2027-02-${String(i + 1).padStart(2, '0')}`);
      const unfill = fill(disk, free);
      const r = await covenant(['pull', mine, '--continue'], undefined, IDENTITY);
      unfill();
      if (failedForSpace(r, `continue with ${free} B free`)) failed++;
      fsckClean(mine, `continue with ${free} B free`);
      if (spawnSync('git', ['merge-base', '--is-ancestor', 'origin/main', 'HEAD'], { cwd: mine }).status !== 0) {
        const retry = await covenant(['pull', mine, '--continue'], undefined, IDENTITY);
        expect(retry.code, retry.stderr).toBe(0);
      }
      expect(sysgit(mine, 'status', '--porcelain')).toBe('');
      expect(readFileSync(path.join(mine, SOW), 'utf8')).toContain(`end: 2027-02-${String(i + 1).padStart(2, '0')}`);
      expect((await covenant(['push', mine])).code).toBe(0);
      sysgit(theirs, 'pull', '-q', '--no-rebase', 'origin', 'main');
    }
    for (const [i, free] of FREE.entries()) {
      const dir = path.join(disk, `clone-${i}`);
      const unfill = fill(disk, free);
      const r = await covenant(['clone', url, dir]);
      unfill();
      if (failedForSpace(r, `clone with ${free} B free`)) {
        failed++;
        expect(existsSync(dir), `clone with ${free} B free: no half clone left`).toBe(false);
        expect(
          readdirSync(disk).filter((f) => f.startsWith('.covenant-tmp')),
          'its temp folder is gone',
        ).toEqual([]);
        expect((await covenant(['clone', url, dir])).code).toBe(0);
      }
      fsckClean(dir, `clone with ${free} B free`);
      expect(sysgit(dir, 'status', '--porcelain')).toBe('');
      rmSync(dir, { recursive: true, force: true });
    }
    expect(failed).toBeGreaterThan(1);
  }, 240_000);
});
