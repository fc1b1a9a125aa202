// Operations that happen whole (issue 25, item 3): `covenant pull` killed (SIGKILL) at a random moment, 20 times,
// fast-forwards and merges alike; after each kill the next pull succeeds, the branch holds the other party's commit,
// the working tree matches it (nothing to commit: no revert of their work hides in it), and `git fsck --full` is clean.
// System git makes the other party's commits and is the referee.
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { covenantAsync as covenant, covenantKilledAfter, IDENTITY } from '../../helpers/cli.js';
import { servedExample } from '../../helpers/git-server.js';
import { commitAt, sysgit } from '../../helpers/git.js';

const SOW = 'contracts/sow/SPRINT-07.yaml';
const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('a pull killed at any moment', () => {
  it('leaves a repository the next pull finishes: their commit in, nothing reverted, fsck clean (20 kills)', async () => {
    const { url, bare, root } = await servedExample(servers);
    const theirs = path.join(root, 'theirs');
    execFileSync('git', ['clone', '-q', bare, theirs]);
    const mine = path.join(root, 'mine');
    const cloned = await covenant(['clone', url, mine]);
    expect(cloned.code, cloned.stderr).toBe(0);
    let killed = 0;
    for (let i = 0; i < 20; i++) {
      // the other party changes the SOW (and, every third time, adds a file in a new folder) and pushes
      const file = path.join(theirs, SOW);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/value_hypothesis: .*/, `value_hypothesis: "Reduce drop-off by ${20 + i}%"`));
      if (i % 3 === 0) {
        execFileSync('mkdir', ['-p', path.join(theirs, `docs/notes-${i}`)]);
        writeFileSync(path.join(theirs, `docs/notes-${i}/n.md`), `note ${i}\n`);
      }
      sysgit(theirs, 'add', '-A');
      commitAt(theirs, `2025-10-${String(14 + (i % 10)).padStart(2, '0')}T09:00:00Z`, `Their change ${i}`);
      sysgit(theirs, 'push', '-q', 'origin', 'main');
      const upstream = sysgit(theirs, 'rev-parse', 'HEAD').trim();
      // half the time I have a commit of my own: the pull merges instead of fast-forwarding
      if (i % 2 === 1) {
        writeFileSync(path.join(mine, `docs/mine-${i}.md`), `mine ${i}\n`);
        sysgit(mine, 'add', '-A');
        commitAt(mine, `2025-10-${String(14 + (i % 10)).padStart(2, '0')}T10:00:00Z`, `My change ${i}`);
      }
      const outcome = await covenantKilledAfter(['pull', mine], 150 + Math.floor(Math.random() * 900));
      if (outcome === 'killed') killed++;
      // before any retry: every ref names objects that are there (a fetch moves refs only after writing the pack)
      const killedFsck = spawnSync('git', ['fsck', '--full', '--no-progress'], { cwd: mine, encoding: 'utf8' });
      expect(killedFsck.status, `${i}, as the kill left it: ${killedFsck.stderr}`).toBe(0);
      // the retry finishes the job
      const retry = await covenant(['pull', mine], undefined, IDENTITY);
      expect(retry.code, `${i}: ${retry.stderr}`).toBe(0);
      expect(spawnSync('git', ['merge-base', '--is-ancestor', upstream, 'HEAD'], { cwd: mine }).status, `${i}: their commit is in`).toBe(0);
      expect(sysgit(mine, 'status', '--porcelain'), `${i}: the files are the commit's`).toBe('');
      expect(readFileSync(path.join(mine, SOW), 'utf8')).toContain(`Reduce drop-off by ${20 + i}%`);
      const fsck = spawnSync('git', ['fsck', '--full', '--no-progress'], { cwd: mine, encoding: 'utf8' });
      expect(fsck.status, `${i}: ${fsck.stderr}`).toBe(0);
      expect(fsck.stderr, `${i}`).not.toMatch(/bad sha1 file|error/);
    }
    process.stdout.write(`kill-pull: ${killed} of 20 pulls killed midway\n`);
  }, 240_000);
});
