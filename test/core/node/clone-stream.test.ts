// The streaming clone (issue 25, items 4 and 5): the repository it makes is the one system git makes of the same
// server (refs, tags, index, files and modes, a pack and index `git verify-pack` accepts), big files are streamed, and
// a hostile tree (`..`, `.git` in any spelling, two entries of one name) is refused whole: no folder, nothing outside.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { covenantAsync as covenant } from '../../helpers/cli.js';
import { gitHttpServer } from '../../helpers/git-server.js';
import { commitAt, sysgit } from '../../helpers/git.js';
import { tempDir } from '../../helpers/tmp.js';

const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(root: string): Promise<string> {
  const s = await gitHttpServer(root);
  servers.push(s);
  return s.url;
}

const both = (dir: string, ...args: string[]) => sysgit(dir, ...args).trim();

describe('the streaming clone', () => {
  it('makes what system git makes: refs, tags, files, modes, index; deltas and big files included', async () => {
    const root = tempDir();
    const seed = path.join(root, 'seed');
    mkdirSync(path.join(seed, 'contracts/sow'), { recursive: true });
    sysgit(seed, 'init', '-q', '-b', 'main');
    const big = randomBytes(3 << 20); // incompressible, over the streaming threshold
    writeFileSync(path.join(seed, 'big.bin'), big);
    writeFileSync(path.join(seed, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    symlinkSync('contracts/sow', path.join(seed, 'link'));
    for (let i = 0; i < 30; i++) {
      // one file edited 30 times: the pack holds it as deltas
      writeFileSync(path.join(seed, 'contracts/sow/SPRINT-01.yaml'), `id: SPRINT-01\nrev: ${i}\n${'criterion: keep\n'.repeat(200)}`);
      if (i === 10) {
        big.writeUInt8(big.readUInt8(5) ^ 1, 5); // the big file changed once: a delta on a big base
        writeFileSync(path.join(seed, 'big.bin'), big);
      }
      sysgit(seed, 'add', '-A');
      commitAt(seed, `2025-10-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00Z`, `rev ${i}`);
    }
    sysgit(seed, 'tag', '-a', '-m', 'signed off', 'v1');
    sysgit(seed, 'tag', 'light', 'HEAD~3');
    sysgit(seed, 'branch', 'draft', 'HEAD~5');
    const bare = path.join(root, 'contract.git');
    execFileSync('git', ['clone', '-q', '--bare', seed, bare]);
    sysgit(bare, 'repack', '-adf', '--depth=50', '--window=50');
    // HEAD naming a branch that is not there (what a plain `git init --bare` gives)
    sysgit(bare, 'symbolic-ref', 'HEAD', 'refs/heads/master');
    const url = `${await serve(root)}/contract.git`;
    const ours = path.join(root, 'ours');
    const r = await covenant(['clone', url, ours]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(branch main)');
    const theirs = path.join(root, 'theirs');
    execFileSync('git', ['clone', '-q', '-b', 'main', bare, theirs]);
    expect(spawnSync('git', ['fsck', '--full', '--strict'], { cwd: ours, encoding: 'utf8' }).status).toBe(0);
    const packs = readdirSync(path.join(ours, '.git/objects/pack')).filter((f) => f.endsWith('.idx'));
    expect(packs).toHaveLength(1);
    expect(spawnSync('git', ['verify-pack', path.join(ours, '.git/objects/pack', packs[0]!)], { encoding: 'utf8' }).status, 'git accepts the pack index').toBe(
      0,
    );
    const refs = (dir: string) =>
      both(dir, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/remotes/origin/', 'refs/tags/').replace(/.* refs\/remotes\/origin\/HEAD\n?/, '');
    expect(refs(ours)).toBe(refs(theirs));
    expect(both(ours, 'rev-parse', 'HEAD')).toBe(both(theirs, 'rev-parse', 'HEAD'));
    expect(both(ours, 'ls-files', '-s')).toBe(both(theirs, 'ls-files', '-s'));
    expect(both(ours, 'status', '--porcelain')).toBe('');
    expect(both(ours, 'config', 'branch.main.merge')).toBe('refs/heads/main');
    expect(readFileSync(path.join(ours, 'big.bin')).equals(big)).toBe(true);
    expect(statSync(path.join(ours, 'run.sh')).mode & 0o111, 'executable').not.toBe(0);
    expect(readFileSync(path.join(ours, 'link', 'SPRINT-01.yaml'), 'utf8')).toContain('rev: 29'); // the link, as a link
    expect(readFileSync(path.join(ours, 'contracts/sow/SPRINT-01.yaml'), 'utf8')).toContain('rev: 29');
    // and Covenant reads it back: status, log
    const st = await covenant(['status', ours]);
    expect(st.stdout, st.stderr).toContain('Nothing to commit');
  }, 120_000);

  it('refuses a tree with .., .git in any spelling, or two entries of one name: no folder left, nothing outside', async () => {
    const root = tempDir();
    const blob = (bare: string, text: string) => execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: bare, input: text, encoding: 'utf8' }).trim();
    /** A tree object written as given, names git itself would reject included. */
    const tree = (bare: string, entries: [string, string, string][]) => {
      const body = Buffer.concat(entries.map(([mode, name, oid]) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')])));
      return execFileSync('git', ['hash-object', '-t', 'tree', '-w', '--literally', '--stdin'], { cwd: bare, input: body, encoding: 'utf8' }).trim();
    };
    const cases: [string, (bare: string) => string][] = [
      ['..', (b) => tree(b, [['40000', '..', tree(b, [['100644', 'escaped', blob(b, 'x\n')]])]])],
      ['.git', (b) => tree(b, [['40000', '.git', tree(b, [['100644', 'config', blob(b, '[core]\n\tfsmonitor = touch /tmp/pwned\n')]])]])],
      ['.GIT', (b) => tree(b, [['40000', '.GIT', tree(b, [['100644', 'hooks', blob(b, 'x\n')]])]])],
      ['git~1', (b) => tree(b, [['40000', 'git~1', tree(b, [['100644', 'config', blob(b, 'x\n')]])]])],
      [
        'a link, then a folder of the same name',
        (b) =>
          tree(b, [
            ['120000', 'docs', blob(b, '../../outside')],
            ['40000', 'docs', tree(b, [['100644', 'x.md', blob(b, 'x\n')]])],
          ]),
      ],
      ['a backslash', (b) => tree(b, [['100644', '..\\outside.txt', blob(b, 'x\n')]])],
      ['.git with a stream name', (b) => tree(b, [['40000', '.git::$INDEX_ALLOCATION', tree(b, [['100644', 'config', blob(b, 'x\n')]])]])],
      ['.git with an HFS+ ignored character', (b) => tree(b, [['40000', '.g\u200cit', tree(b, [['100644', 'config', blob(b, 'x\n')]])]])],
    ];
    const outside = path.join(root, 'outside');
    mkdirSync(outside);
    for (const [i, [what, make]] of cases.entries()) {
      const bare = path.join(root, `hostile-${i}.git`);
      execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
      const t = make(bare);
      const c = execFileSync('git', ['commit-tree', t, '-m', what], {
        cwd: bare,
        encoding: 'utf8',
        env: { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b' },
      }).trim();
      sysgit(bare, 'update-ref', 'refs/heads/main', c);
    }
    const base = await serve(root);
    const into = path.join(root, 'clones');
    mkdirSync(into);
    for (const [i, [what]] of cases.entries()) {
      const dir = path.join(into, `c${i}`);
      const r = await covenant(['clone', `${base}/hostile-${i}.git`, dir]);
      expect(r.code, `${what}: ${r.stdout}`).not.toBe(0);
      expect(r.stderr, what).toContain('Covenant will not check out');
      expect(r.stderr, what).not.toMatch(/\n\s+at /);
      expect(existsSync(dir), `${what}: no folder left`).toBe(false);
      expect(readdirSync(into), `${what}: no temp folder left`).toEqual([]);
      expect(readdirSync(outside), `${what}: nothing outside`).toEqual([]);
      expect(readdirSync(root).filter((f) => f.includes('escaped') || f.includes('outside.txt'))).toEqual([]);
    }
  }, 120_000);
});
