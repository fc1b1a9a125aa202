import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { removeLeftoverTemps, writeFileAtomic } from '../../../core/node/fs/atomic.js';
import { tempDir } from '../../helpers/tmp.js';
import { REPO } from '../../helpers/workspace.js';

const failNext = vi.hoisted(() => ({ code: null as string | null, beforeTemp: null as (() => void) | null }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (...args: Parameters<typeof real.open>) => {
    const isTemp = String(args[0]).includes('.covenant-tmp-');
    // the moment after every check: the test swaps the folder here
    const swap = isTemp ? failNext.beforeTemp : null;
    failNext.beforeTemp = isTemp ? null : failNext.beforeTemp;
    swap?.();
    const handle = await real.open(...args);
    if (!failNext.code || !isTemp) return handle;
    const code = failNext.code;
    failNext.code = null;
    // the disk refuses the bytes: the handle's write fails as a full disk does
    return Object.assign(Object.create(Object.getPrototypeOf(handle) as object) as typeof handle, handle, {
      writeFile: async () => {
        throw Object.assign(new Error(code), { code });
      },
      close: () => handle.close(),
      sync: () => handle.sync(),
    });
  };
  return { ...real, open, default: { ...real, open } };
});

function immutable(dir: string, on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('atomic saves', () => {
  it('a full disk (a write that throws ENOSPC) leaves the old file intact, says why, and leaves no temp file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'CR-1.yaml');
    writeFileSync(file, 'old\n');
    failNext.code = 'ENOSPC';
    await expect(writeFileAtomic(file, 'new\n')).rejects.toThrow('The disk is full');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['CR-1.yaml']);
  });

  it('a folder swapped for a link after the checks carries nothing outside: the save lands in the folder it opened', async () => {
    const root = tempDir();
    const ws = path.join(root, 'ws');
    const outside = path.join(root, 'outside');
    mkdirSync(path.join(ws, 'contracts'), { recursive: true });
    mkdirSync(outside);
    const file = path.join(ws, 'contracts', 'CR-1.yaml');
    writeFileSync(file, 'old\n');
    failNext.beforeTemp = () => {
      renameSync(path.join(ws, 'contracts'), path.join(ws, 'moved'));
      symlinkSync(outside, path.join(ws, 'contracts'));
    };
    await writeFileAtomic(file, 'new\n', { within: ws });
    expect(readdirSync(outside), 'nothing written outside').toEqual([]);
    expect(readFileSync(path.join(ws, 'moved', 'CR-1.yaml'), 'utf8')).toBe('new\n');
    expect(readdirSync(path.join(ws, 'moved'))).toEqual(['CR-1.yaml']);
  });

  it('a read-only folder leaves the old file intact and says why', async (ctx) => {
    const dir = tempDir();
    const file = path.join(dir, 'CR-1.yaml');
    writeFileSync(file, 'old\n');
    // root ignores permissions: an immutable folder is read-only even for root; a non-root user gets chmod
    if (!immutable(dir, true)) {
      if (process.getuid?.() === 0)
        return ctx.skip('as root without chattr support a folder cannot be made read-only; the non-root CI run (runuser) covers this');
      execFileSync('chmod', ['555', dir]);
    }
    try {
      await expect(writeFileAtomic(file, 'new\n')).rejects.toThrow(/No permission to write CR-1\.yaml|read-only/);
    } finally {
      immutable(dir, false);
      execFileSync('chmod', ['755', dir]);
    }
    expect(readFileSync(file, 'utf8')).toBe('old\n');
  });

  it('a path that is a folder is refused', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'CR-1.yaml'));
    await expect(writeFileAtomic(path.join(dir, 'CR-1.yaml'), 'x')).rejects.toThrow('is a folder');
  });

  it('a process killed mid-save 20 times leaves the old or the new content, never a torn file; leftovers are cleaned at start', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'SPRINT-01.yaml');
    const [a, b] = ['a: 1\n', 'bb: 22\n'];
    const whole = new Set([a.repeat(20_000), b.repeat(20_000)]);
    writeFileSync(file, a.repeat(20_000));
    for (let i = 0; i < 20; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/fixtures/save-loop.ts'), file, a, b], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 60));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(whole.has(readFileSync(file, 'utf8'))).toBe(true);
    }
    await removeLeftoverTemps(dir, undefined, 0); // every writer is dead: nothing is in flight
    expect(readdirSync(dir)).toEqual(['SPRINT-01.yaml']);
  }, 120_000);
});
