// History facts kept, not recomputed (issue 26, item 1): on a 2,000-commit repository the generator makes (merges,
// four authors in four time zones), the CR facts brought up to date step by step as HEAD moves on equal a full rebuild,
// survive a HEAD moved back and forth (a rebuild), and agree with system git's own log for a sample of CRs.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crHistory } from '../../../core/node/git/history.js';
import { historyRepository } from '../../../bench/history.js';
import { sysgit } from '../../helpers/git.js';
import { tempDir } from '../../helpers/tmp.js';

const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

describe('CR facts kept beside the commit index', () => {
  it('step by step equals a full rebuild, through a HEAD moved back, and agrees with system git', async () => {
    const dir = path.join(tempDir(), 'h');
    historyRepository(dir, 2000);
    const store = path.join(dir, '.git/covenant/cr-facts.json');
    const line = git(dir, 'rev-list', '--first-parent', '--reverse', 'main').trim().split('\n');
    const tip = line.at(-1)!;
    for (const at of [Math.floor(line.length / 4), Math.floor(line.length / 2), line.length - 1]) {
      sysgit(dir, 'update-ref', 'refs/heads/main', line[at]!);
      await crHistory(dir);
      expect(existsSync(store)).toBe(true);
    }
    const stepwise = await crHistory(dir);
    // HEAD moved back to an older commit (a reset), then forward again: the facts follow HEAD
    sysgit(dir, 'update-ref', 'refs/heads/main', line[100]!);
    const back = await crHistory(dir);
    rmSync(store);
    expect(Object.fromEntries(back), 'after a reset: what a rebuild there gives').toEqual(Object.fromEntries(await crHistory(dir)));
    sysgit(dir, 'update-ref', 'refs/heads/main', tip);
    const again = await crHistory(dir);
    rmSync(store);
    const full = await crHistory(dir);
    expect(Object.fromEntries(stepwise)).toEqual(Object.fromEntries(full));
    expect(Object.fromEntries(again)).toEqual(Object.fromEntries(full));
    expect(Object.fromEntries(back)).not.toEqual(Object.fromEntries(full)); // (the reset did change something)
    // the referee: system git's full history of a sample of CRs (every commit that changed the file, merges included)
    const crs = [...full.keys()].filter((p) => full.get(p)!.decided).slice(0, 15);
    expect(crs.length).toBeGreaterThan(5);
    for (const p of crs) {
      const changes = git(dir, 'log', '--full-history', '-m', '--format=%H %at', tip, '--', p)
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
        .map(([h, t]) => ({ h: h!, t: Number(t) }));
      const created = Math.min(...changes.map((c) => c.t));
      const decided = Math.min(...changes.filter((c) => !/status: proposed/.test(git(dir, 'show', `${c.h}:${p}`))).map((c) => c.t));
      expect(full.get(p), p).toMatchObject({ created: day(created), decided: day(decided) });
    }
  }, 120_000);
});
