// Objects read the way git reads them (issue 26, item 2), with system git as the referee: every object of a history
// repacked with deep delta chains, of a pack whose deltas name their bases by id (REF_DELTA), and loose ones, read
// through ObjectStore equal `git cat-file --batch`; a damaged object is an error in words, never a crash or a guess.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CovenantError } from '../../../core/common/errors.js';
import { ObjectStore } from '../../../core/node/git/objects.js';
import { historyRepository } from '../../../bench/history.js';
import { sysgit } from '../../helpers/git.js';
import { tempDir } from '../../helpers/tmp.js';

/** Every object git holds, with its type and content, as `git cat-file --batch` gives them. */
function allObjects(gitdir: string): Map<string, { type: string; content: Buffer }> {
  const ids = execFileSync('git', ['--git-dir', gitdir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const out = execFileSync('git', ['--git-dir', gitdir, 'cat-file', '--batch'], { input: ids.join('\n') + '\n', maxBuffer: 1 << 30 });
  const objects = new Map<string, { type: string; content: Buffer }>();
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(0x0a, at);
    const [oid, type, size] = out.toString('latin1', at, nl).split(' ');
    const start = nl + 1;
    objects.set(oid!, { type: type!, content: out.subarray(start, start + Number(size)) });
    at = start + Number(size) + 1;
  }
  return objects;
}

function expectSameAsGit(gitdir: string): number {
  const store = ObjectStore.for({ commondir: gitdir });
  const objects = allObjects(gitdir);
  for (const [oid, want] of objects) {
    const got = store.read(oid);
    expect(got.type, oid).toBe(want.type);
    expect(got.content.equals(want.content), `${oid} (${want.type})`).toBe(true);
  }
  return objects.size;
}

describe('the object store, against git cat-file', () => {
  it('reads every object of deep delta chains, of a REF_DELTA pack and loose ones exactly as git does', () => {
    const dir = path.join(tempDir(), 'h');
    historyRepository(dir, 600);
    sysgit(dir, 'repack', '-adfq', '--depth=50', '--window=50');
    // loose objects on top: a commit made after the pack, and an annotated tag
    writeFileSync(path.join(dir, 'contracts/changes/CR-7.yaml'), `${readFileSync(path.join(dir, 'contracts/changes/CR-7.yaml'), 'utf8')}# loose\n`);
    sysgit(dir, 'commit', '-qam', 'loose');
    sysgit(dir, 'tag', '-a', 'v1', '-m', 'a tag');
    const gitdir = path.join(dir, '.git');
    expect(readdirSync(path.join(gitdir, 'objects')).some((d) => /^[0-9a-f]{2}$/.test(d))).toBe(true);
    expect(expectSameAsGit(gitdir)).toBeGreaterThan(2000);
    const depth = execFileSync(
      'git',
      [
        '--git-dir',
        gitdir,
        'verify-pack',
        '-v',
        ...readdirSync(path.join(gitdir, 'objects/pack'))
          .filter((n) => n.endsWith('.idx'))
          .map((n) => path.join(gitdir, 'objects/pack', n)),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    expect(depth).toMatch(/chain length = (\d{2})/); // chains of ten and more were read

    // a pack whose deltas name their bases by id (pack-objects without --delta-base-offset), alone in a repository
    const bare = path.join(tempDir(), 'ref-delta.git');
    execFileSync('git', ['init', '-q', '--bare', bare]);
    const list = execFileSync('git', ['rev-list', '--objects', '--all'], { cwd: dir, maxBuffer: 1 << 28 });
    execFileSync('git', ['pack-objects', '-q', '--window=20', '--depth=20', path.join(bare, 'objects/pack/pack')], { cwd: dir, input: list });
    const verify = execFileSync(
      'git',
      [
        '--git-dir',
        bare,
        'verify-pack',
        '-v',
        path.join(
          bare,
          'objects/pack',
          readdirSync(path.join(bare, 'objects/pack')).find((n) => n.endsWith('.idx'))!,
        ),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    expect(verify).toMatch(/chain length = [1-9]/);
    expect(expectSameAsGit(bare)).toBeGreaterThan(2000);
  }, 120_000);

  it('says the repository is damaged, naming the object, for a broken loose object or pack, and reads a pack written since', () => {
    const dir = path.join(tempDir(), 'ws');
    mkdirSync(dir);
    sysgit(dir, 'init', '-q');
    writeFileSync(path.join(dir, 'a.txt'), 'one\n');
    sysgit(dir, 'add', 'a.txt');
    const blob = sysgit(dir, 'hash-object', 'a.txt').trim();
    const gitdir = path.join(dir, '.git');
    const store = ObjectStore.for({ commondir: gitdir });
    expect(store.read(blob).content.toString()).toBe('one\n');
    const loose = path.join(gitdir, 'objects', blob.slice(0, 2), blob.slice(2));
    chmodSync(loose, 0o644);
    writeFileSync(loose, 'not zlib');
    expect(() => store.read(blob)).toThrow(
      `The repository's object store is damaged (the loose object ${blob} does not inflate). Run git fsck to see what is wrong.`,
    );
    expect(() => store.read('0'.repeat(40))).toThrow(`The object ${'0'.repeat(40)} is not in the repository.`);
    // a pack written after the store read the pack list (a fetch, a gc) is found when an object is missing
    const repo = path.join(tempDir(), 'later');
    mkdirSync(repo);
    sysgit(repo, 'init', '-q');
    const later = ObjectStore.for({ commondir: path.join(repo, '.git') });
    writeFileSync(path.join(repo, 'b.txt'), 'two\n');
    sysgit(repo, 'add', 'b.txt');
    sysgit(repo, 'commit', '-qm', 'b');
    sysgit(repo, 'gc', '-q');
    const b = sysgit(repo, 'rev-parse', 'HEAD:b.txt').trim();
    rmSync(path.join(repo, '.git/objects', b.slice(0, 2)), { recursive: true, force: true });
    expect(later.read(b).content.toString()).toBe('two\n');
    // a pack with bytes changed in the middle: every object either reads as git has it or is refused in words
    const big = path.join(tempDir(), 'h');
    historyRepository(big, 100);
    sysgit(big, 'repack', '-adq');
    const want = allObjects(path.join(big, '.git'));
    const pack = path.join(
      big,
      '.git/objects/pack',
      readdirSync(path.join(big, '.git/objects/pack')).find((n) => n.endsWith('.pack'))!,
    );
    const bytes = readFileSync(pack);
    for (let i = 2000; i < bytes.length - 2000; i += 99_991) bytes[i] = bytes[i]! ^ 0x5a;
    chmodSync(pack, 0o644);
    writeFileSync(pack, bytes);
    const torn = ObjectStore.for({ commondir: path.join(big, '.git') });
    let [refused, wrong] = [0, 0];
    for (const [oid, w] of want) {
      try {
        const got = torn.read(oid);
        if (!got.content.equals(w.content)) wrong++; // a wrong answer: never
      } catch (e) {
        expect(e).toBeInstanceOf(CovenantError);
        expect((e as Error).message).toMatch(/^The repository's object store is damaged \(.+\)\. Run git fsck to see what is wrong\.$/);
        refused++;
      }
    }
    expect(wrong).toBe(0);
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(want.size); // what the damage did not touch still reads
  });
});
