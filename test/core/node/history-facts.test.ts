// History facts kept, not recomputed (issue 26, item 1): on a 2,000-commit repository the generator makes (merges that
// drop a side branch's edits, four authors in four time zones), the facts brought up to date as HEAD moves on (commit
// by commit where the history is a line, in jumps across merges) equal a rebuild from nothing, follow a HEAD moved back,
// and agree with system git's own `git log -- <file>` (its default history simplification) for a sample of files.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFacts, rebuildFacts } from '../../../core/node/git/history-facts.js';
import { crHistory } from '../../../core/node/git/history.js';
import { log } from '../../../core/node/git/log.js';
import { requireRepo } from '../../../core/node/git/repo.js';
import { historyRepository } from '../../../bench/history.js';
import { covenant } from '../../helpers/cli.js';
import { sysgit } from '../../helpers/git.js';
import { tempDir } from '../../helpers/tmp.js';

const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

describe('history facts kept beside the commit index', () => {
  it('brought up to date step by step equal a rebuild, through a HEAD moved back, and agree with system git', async () => {
    const dir = path.join(tempDir(), 'h');
    historyRepository(dir, 2000);
    const repo = await requireRepo(dir);
    const store = path.join(dir, '.git/covenant/history-facts.json');
    const line = git(dir, 'rev-list', '--first-parent', '--reverse', 'main').trim().split('\n');
    const merges = new Set(git(dir, 'rev-list', '--merges', 'main').trim().split('\n'));
    const tip = line.at(-1)!;
    const at = async (n: number) => {
      sysgit(dir, 'update-ref', 'refs/heads/main', line[n]!);
      return (await historyFacts(repo))!;
    };
    // a jump, then commit by commit across a merge (each step a fast update but the merge), then to the tip
    const start = line.findIndex((oid) => merges.has(oid)) - 20;
    await at(start);
    expect(existsSync(store)).toBe(true);
    for (let n = start + 1; n <= start + 40; n++) {
      const facts = await at(n);
      expect(facts.tip).toBe(line[n]);
    }
    expect(line.slice(start + 1, start + 41).some((oid) => merges.has(oid))).toBe(true);
    const mid = await at(start + 40);
    expect(mid.paths).toEqual((await rebuildFacts(repo, line[start + 40]!)).paths);
    const stepwise = await at(line.length - 1);
    const full = await rebuildFacts(repo, tip);
    expect(stepwise.paths).toEqual(full.paths);
    // HEAD moved back (a reset), then forward again: the facts follow HEAD
    const back = await at(100);
    expect(back.paths).toEqual((await rebuildFacts(repo, line[100]!)).paths);
    expect(back.paths).not.toEqual(full.paths);
    rmSync(store);
    expect((await at(line.length - 1)).paths).toEqual(full.paths);

    // the referee: system git's history of a sample of files, simplified as git log simplifies it by default
    const log = (p: string) =>
      git(dir, 'log', '--format=%H %at', tip, '--', p)
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' '))
        .map(([h, t]) => ({ h: h!, t: Number(t) }));
    const cr = await crHistory(dir);
    const decided = [...cr.keys()].filter((p) => cr.get(p)!.decided).slice(0, 12);
    expect(decided.length).toBeGreaterThan(5);
    for (const p of decided) {
      const changes = log(p);
      const created = Math.min(...changes.map((c) => c.t));
      const first = Math.min(...changes.filter((c) => !/status: proposed/.test(git(dir, 'show', `${c.h}:${p}`))).map((c) => c.t));
      expect(cr.get(p), p).toMatchObject({ created: day(created), decided: day(first) });
    }
    const sows = Object.keys(full.paths)
      .filter((p) => p.startsWith('contracts/sow/'))
      .slice(0, 12);
    for (const p of sows)
      expect(
        full.paths[p]!.v!.map((v) => v[0]),
        p,
      ).toEqual(log(p).map((c) => c.h));
    // the generator's merges drop the side branch's edits: git hides those commits from a file's log, and so do the facts
    // a CLI command reading this history for the first time says so on stderr, once; the next one reads what was kept
    rmSync(path.join(dir, '.git/covenant'), { recursive: true });
    const first = covenant(['log', dir, '--file', 'contracts/changes/CR-10.yaml'], dir);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^Indexing the git history: [\d,]+ commits, once \(kept for next time\)…\nIndexed [\d,]+ commits\.\n$/);
    const again = covenant(['log', dir, '--file', 'contracts/changes/CR-10.yaml'], dir);
    expect([again.stdout, again.stderr]).toEqual([first.stdout, '']);
    const everyCommit = (p: string) => git(dir, 'log', '--format=%H', '--full-history', '--no-merges', tip, '--', p).trim().split('\n').length;
    expect(sows.some((p) => everyCommit(p) > full.paths[p]!.v!.length)).toBe(true);
  }, 120_000);

  it('a shallow clone: its last commits are roots, as git has them; facts and log agree with git there', async () => {
    const origin = path.join(tempDir(), 'origin');
    historyRepository(origin, 400);
    const dir = path.join(tempDir(), 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '60', '--no-single-branch', `file://${origin}`, dir]);
    expect(existsSync(path.join(dir, '.git/shallow'))).toBe(true);
    const repo = await requireRepo(dir);
    const facts = await rebuildFacts(repo, git(dir, 'rev-parse', 'HEAD').trim());
    const sows = Object.keys(facts.paths).filter((p) => p.startsWith('contracts/sow/'));
    expect(sows.length).toBeGreaterThan(20);
    for (const p of sows.slice(0, 20))
      expect(
        facts.paths[p]!.v!.map((v) => v[0]),
        p,
      ).toEqual(git(dir, 'log', '--format=%H', '--', p).trim().split('\n').filter(Boolean));
    expect((await log(dir)).map((e) => e.oid)).toEqual(git(dir, 'log', '--format=%H').trim().split('\n'));
  }, 60_000);
});
