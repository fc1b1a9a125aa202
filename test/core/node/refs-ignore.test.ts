// Refs and ignore rules read without isomorphic-git (status, log and the history no longer load it), with system git
// as the referee: every ref git lists resolves to what `git rev-parse` says, loose or packed, in a linked worktree
// too; and every path of a tree with nested .gitignore files, negations, folder-only and anchored patterns is
// ignored exactly when `git check-ignore` says so, and status lists the untracked files `git status` lists.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepo } from '../../../core/node/git/repo.js';
import { refs } from '../../../core/node/git/refs.js';
import { IgnoreRules } from '../../../core/node/git/ignore.js';
import { status } from '../../../core/node/git/status.js';
import { sysgit } from '../../helpers/git.js';
import { tempDir } from '../../helpers/tmp.js';
import { readFile } from 'node:fs/promises';

function write(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
}

function repoWithRefs(): string {
  const dir = tempDir('covenant-refs-');
  sysgit(dir, 'init', '-q', '-b', 'main');
  write(dir, { 'a.txt': 'a\n' });
  sysgit(dir, 'add', '.');
  sysgit(dir, 'commit', '-qm', 'one');
  sysgit(dir, 'branch', 'feature/x');
  sysgit(dir, 'tag', 'v1');
  sysgit(dir, 'tag', '-a', 'v1-annotated', '-m', 'annotated');
  write(dir, { 'a.txt': 'b\n' });
  sysgit(dir, 'commit', '-qam', 'two');
  sysgit(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD~1');
  sysgit(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  sysgit(dir, 'pack-refs', '--all'); // everything so far packed...
  sysgit(dir, 'branch', 'loose-one'); // ...and one loose
  sysgit(dir, 'tag', 'v2'); // a loose tag
  return dir;
}

describe('refs as git reads them', () => {
  it('every ref, short name and HEAD resolves to what git rev-parse says, packed or loose', async () => {
    const dir = repoWithRefs();
    const repo = (await findRepo(dir))!;
    const names = sysgit(dir, 'for-each-ref', '--format=%(refname)').trim().split('\n');
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of [...names, 'HEAD', 'main', 'feature/x', 'v1', 'v1-annotated', 'v2', 'loose-one', 'origin/main', 'origin']) {
      // rev-parse without peeling: an annotated tag names the tag object, as isomorphic-git's resolveRef did
      expect(refs.resolve(repo, name), name).toBe(sysgit(dir, 'rev-parse', '--verify', '-q', name).trim());
    }
    expect(refs.headRef(repo)).toBe('refs/heads/main');
    expect(refs.list(repo, 'refs/heads/')).toEqual(sysgit(dir, 'for-each-ref', '--format=%(refname:lstrip=2)', 'refs/heads/').trim().split('\n').sort());
    expect(refs.list(repo, 'refs/tags/')).toEqual(['v1', 'v1-annotated', 'v2']);
    expect(() => refs.resolve(repo, 'no-such-branch')).toThrow(/names no commit, branch or tag/);
    expect(refs.resolveOrNull(repo, 'no-such-branch')).toBeNull();
  });

  it('a detached HEAD has no branch; a linked worktree has its own HEAD and shares the rest', async () => {
    const dir = repoWithRefs();
    const wt = path.join(tempDir('covenant-wt-'), 'linked');
    sysgit(dir, 'worktree', 'add', '-q', '--detach', wt, 'v1');
    const linked = (await findRepo(wt))!;
    expect(refs.headRef(linked)).toBeNull();
    expect(refs.resolve(linked, 'HEAD')).toBe(sysgit(wt, 'rev-parse', 'HEAD').trim());
    expect(refs.resolve(linked, 'HEAD')).not.toBe(refs.resolve((await findRepo(dir))!, 'HEAD'));
    expect(refs.resolve(linked, 'loose-one')).toBe(sysgit(dir, 'rev-parse', 'loose-one').trim());
  });

  it('a repository without commits resolves no HEAD, and says so in words', async () => {
    const dir = tempDir('covenant-refs-');
    sysgit(dir, 'init', '-q', '-b', 'main');
    const repo = (await findRepo(dir))!;
    expect(refs.resolveOrNull(repo, 'HEAD')).toBeNull();
    expect(refs.headRef(repo)).toBe('refs/heads/main');
  });
});

describe('ignore rules as git applies them', () => {
  const tree = {
    '.gitignore': ['*.log', '!keep.log', 'build/', '/only-root.txt', 'docs/**/draft-*', 'tmp'].join('\n'),
    'sub/.gitignore': ['*.csv', '!wanted.csv', 'local/'].join('\n'),
    'sub/deeper/.gitignore': '!*.log\n',
    'a.log': '',
    'keep.log': '',
    'build/out.txt': '',
    'sub/build/out.txt': '',
    'only-root.txt': '',
    'sub/only-root.txt': '',
    'docs/x/y/draft-1.md': '',
    'docs/final.md': '',
    'tmp/file': '',
    'sub/tmp': '',
    'sub/data.csv': '',
    'sub/wanted.csv': '',
    'sub/local/x': '',
    'sub/deeper/again.log': '',
    'sub/deeper/z.csv': '',
    'plain.txt': '',
  };

  it('each path is ignored exactly when git check-ignore says so', async () => {
    const dir = tempDir('covenant-ignore-');
    sysgit(dir, 'init', '-q', '-b', 'main');
    write(dir, tree);
    write(dir, { '.git/info/exclude': 'plain.txt\n' });
    const repo = (await findRepo(dir))!;
    const rules = new IgnoreRules(repo, (f) => readFile(f).catch(() => null));
    const paths = [...Object.keys(tree), 'build', 'sub/build', 'docs/x', 'tmp', 'sub/local'];
    for (const p of paths) {
      const folder = ['build', 'sub/build', 'docs/x', 'tmp', 'sub/local'].includes(p);
      let git: boolean;
      try {
        sysgit(dir, 'check-ignore', '-q', '--no-index', p);
        git = true;
      } catch {
        git = false;
      }
      // a path inside an ignored folder is not asked: the walk never enters one (git: "cannot re-include")
      if (!folder && ['build/', 'sub/build/', 'tmp/', 'sub/local/'].some((f) => p.startsWith(f))) continue;
      expect(await rules.ignored(p, folder), p).toBe(git);
    }
  });

  it('status lists the untracked files git status lists, no more', async () => {
    const dir = tempDir('covenant-ignore-');
    sysgit(dir, 'init', '-q', '-b', 'main');
    write(dir, tree);
    write(dir, { '.git/info/exclude': 'plain.txt\n' });
    const git = sysgit(dir, 'status', '--porcelain', '-uall')
      .trim()
      .split('\n')
      .map((l) => l.slice(3))
      .sort();
    const ours = (await status(dir)).map((c) => c.path).sort();
    expect(ours).toEqual(git);
    expect(ours).toContain('sub/deeper/again.log'); // re-included by the deeper file
    expect(ours).not.toContain('sub/data.csv');
  });
});
