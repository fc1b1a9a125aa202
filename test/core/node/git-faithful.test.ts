// Git as faithful as git itself: every case is set up by system git (the referee) and checked against it.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { writeFileAtomic } from '../../../core/node/fs/atomic.js';
import { confine } from '../../../core/node/fs/confine.js';
import { parseGitDate, resolveIdentity } from '../../../core/node/git/author.js';
import { commit } from '../../../core/node/git/commit.js';
import { log } from '../../../core/node/git/log.js';
import { readAt } from '../../../core/node/git/read-at.js';
import { findRepo } from '../../../core/node/git/repo.js';
import { ASYNC_FS, status, statusWith } from '../../../core/node/git/status.js';
import { Session } from '../../../core/node/session.js';
import { covenant } from '../../helpers/cli.js';
import { signed, sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const me = { name: 'Zoë Müller', email: 'zoe@example.com' };
const sessions: Session[] = [];
afterEach(async () => {
  while (sessions.length) await sessions.pop()!.close();
});

/** The example as a repository made by system git, with `setup` run before the first commit. */
function gitExample(setup: (dir: string) => void = () => undefined): string {
  const dir = exampleCopy();
  sysgit(dir, 'init', '-q', '-b', 'main');
  setup(dir);
  sysgit(dir, 'add', '-A');
  sysgit(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

const CR = 'contracts/changes/CR-42.yaml';
const edit = (dir: string, rel: string, from: string | RegExp, to: string) => {
  const p = path.join(dir, rel);
  writeFileSync(p, readFileSync(p, 'utf8').replace(from, to));
};
/** Files re-checked out by system git, so the attributes' line endings apply to what is on disk. */
const recheckout = (dir: string) => {
  sysgit(dir, 'rm', '-q', '--cached', '-r', '.');
  sysgit(dir, 'reset', '-q', '--hard');
};

async function repoSession(dir: string): Promise<Session> {
  const state = new AppState(tempDir());
  const session = new Session({ mode: 'browser', state, watch: false });
  sessions.push(session);
  await session.open(dir);
  return session;
}

describe('line endings and attributes like git', () => {
  const cases: [string, (dir: string) => void][] = [
    ['.gitattributes "*.yaml text eol=crlf"', (dir) => writeFileSync(path.join(dir, '.gitattributes'), '*.yaml text eol=crlf\n')],
    ['.gitattributes "* text=auto" and "*.yaml eol=crlf"', (dir) => writeFileSync(path.join(dir, '.gitattributes'), '* text=auto\n*.yaml eol=crlf\n')],
    ['core.autocrlf=true', (dir) => sysgit(dir, 'config', 'core.autocrlf', 'true')],
  ];
  for (const [name, setup] of cases) {
    it(`${name}: a touch is no change, a commit stores LF, and git status stays clean`, async () => {
      const dir = gitExample(setup);
      recheckout(dir);
      expect(readFileSync(path.join(dir, CR), 'utf8')).toContain('\r\n'); // checked out CRLF
      expect(await status(dir)).toEqual([]);
      const later = new Date(Date.now() + 5000);
      utimesSync(path.join(dir, CR), later, later); // touch: stat changes, content does not
      expect(await status(dir)).toEqual([]);

      edit(dir, CR, 'risk_score: 5', 'risk_score: 6');
      expect(await status(dir)).toEqual([{ path: CR, status: 'modified' }]);
      const session = await repoSession(dir);
      sysgit(dir, 'config', 'user.name', me.name);
      sysgit(dir, 'config', 'user.email', me.email);
      await session.handlers['git.commit']({ paths: [CR], message: 'CR-42: risk 6', allowErrors: true });
      expect(sysgit(dir, 'status', '--porcelain')).toBe('');
      expect(sysgit(dir, 'cat-file', '-p', `HEAD:${CR}`)).not.toContain('\r');
      expect(sysgit(dir, 'diff', 'HEAD~1', 'HEAD', '--stat').trim()).toMatch(/1 file changed, 1 insertion\(\+\), 1 deletion\(-\)/);
      expect(await status(dir)).toEqual([]);
      sysgit(dir, 'stash'); // what failed before: a later stash
      // a restore writes the file as a checkout would: CRLF
      await session.handlers['git.restore']({ oid: 'HEAD~1', path: CR });
      expect(readFileSync(path.join(dir, CR), 'utf8')).toMatch(/risk_score: 5\r\n/);
      expect(sysgit(dir, 'status', '--porcelain').trim()).toBe(`M ${CR}`);
    });
  }

  it('-text and binary files keep their bytes: CRLF is stored as it is, like git', async () => {
    const dir = gitExample((d) => writeFileSync(path.join(d, '.gitattributes'), '*.yaml -text\n*.csv binary\n'));
    writeFileSync(path.join(dir, CR), readFileSync(path.join(dir, CR), 'utf8').replace(/\n/g, '\r\n'));
    writeFileSync(path.join(dir, 'analytics/exp_123.csv'), 'a,b\r\n1,2\r\n');
    await commit(dir, [CR, 'analytics/exp_123.csv'], 'crlf kept', signed(me));
    expect(sysgit(dir, 'cat-file', '-p', `HEAD:${CR}`)).toContain('\r\n');
    expect(sysgit(dir, 'cat-file', '-p', 'HEAD:analytics/exp_123.csv')).toBe('a,b\r\n1,2\r\n');
    expect(sysgit(dir, 'status', '--porcelain')).toBe('');
  });
});

describe('identity like git', () => {
  const env = (extra: Record<string, string>) => ({ HOME: tempDir(), GIT_CONFIG_NOSYSTEM: '1', ...extra });

  it('GIT_AUTHOR_* and GIT_COMMITTER_* win, with their dates and offsets', async () => {
    const dir = gitExample();
    sysgit(dir, 'config', 'user.name', 'Repo User');
    sysgit(dir, 'config', 'user.email', 'repo@example.com');
    const who = await resolveIdentity(
      await findRepo(dir),
      env({
        GIT_AUTHOR_NAME: 'Ann Author',
        GIT_AUTHOR_EMAIL: 'ann@example.com',
        GIT_AUTHOR_DATE: '2025-10-15T09:30:00+02:00',
        GIT_COMMITTER_DATE: '@1760513400 -0500',
      }),
    );
    expect(who!.author).toMatchObject({ name: 'Ann Author', email: 'ann@example.com', timestamp: 1760513400, timezoneOffset: -120 });
    expect(who!.committer).toMatchObject({ name: 'Repo User', email: 'repo@example.com', timestamp: 1760513400, timezoneOffset: 300 });
    await commit(dir, [], 'x', who!).catch(() => undefined); // (nothing chosen: refused)
    edit(dir, CR, 'risk_score: 5', 'risk_score: 6');
    await commit(dir, [CR], 'with env identity', who!);
    expect(sysgit(dir, 'log', '-1', '--format=%an <%ae> %aI|%cn %cI').trim()).toBe(
      'Ann Author <ann@example.com> 2025-10-15T09:30:00+02:00|Repo User 2025-10-15T02:30:00-05:00',
    );
  });

  it('reads $XDG_CONFIG_HOME/git/config, ~/.gitconfig with include.path, and the repository config over both', async () => {
    const home = tempDir();
    const xdg = path.join(home, 'xdg');
    mkdirSync(path.join(xdg, 'git'), { recursive: true });
    writeFileSync(path.join(xdg, 'git', 'config'), '[user]\n\tname = Xdg Person\n\temail = xdg@example.com\n');
    const base = { HOME: home, XDG_CONFIG_HOME: xdg, GIT_CONFIG_NOSYSTEM: '1' };
    expect((await resolveIdentity(null, base))!.author).toMatchObject({ name: 'Xdg Person', email: 'xdg@example.com' });
    writeFileSync(path.join(home, 'identity.inc'), '[user]\n\temail = "included@example.com" ; a comment\n');
    writeFileSync(path.join(home, '.gitconfig'), '[User]\n\tName = Global Person\n[include]\n\tpath = ~/identity.inc\n');
    expect((await resolveIdentity(null, base))!.author).toMatchObject({ name: 'Global Person', email: 'included@example.com' });
    const dir = gitExample();
    sysgit(dir, 'config', 'user.name', 'Repo Person');
    expect((await resolveIdentity(await findRepo(dir), base))!.author).toMatchObject({ name: 'Repo Person', email: 'included@example.com' });
    // system git agrees on every one of them
    const gitSays = execFileSync('git', ['var', 'GIT_AUTHOR_IDENT'], { cwd: dir, env: { PATH: process.env.PATH, ...base }, encoding: 'utf8' });
    expect(gitSays).toMatch(/^Repo Person <included@example\.com> /);
  });

  it('without an identity a commit is refused with a sentence saying how to set one; the app asks once and stores it in .git/config', async () => {
    expect(await resolveIdentity(null, env({}))).toBeNull();
    const dir = gitExample();
    edit(dir, CR, 'risk_score: 5', 'risk_score: 6');
    const session = await repoSession(dir);
    const before = sysgit(dir, 'rev-parse', 'HEAD');
    await expect(session.handlers['git.commit']({ paths: [CR], message: 'x', allowErrors: true })).rejects.toMatchObject({
      code: 'invalid-input',
      reason: 'no-author',
      message: expect.stringContaining('git config --global user.name'),
    });
    expect(sysgit(dir, 'rev-parse', 'HEAD')).toBe(before);
    await session.handlers['settings.setAuthor'](me);
    expect(sysgit(dir, 'config', 'user.name').trim()).toBe(me.name);
    await session.handlers['git.commit']({ paths: [CR], message: 'CR-42: risk 6', allowErrors: true });
    expect(sysgit(dir, 'log', '-1', '--format=%an <%ae>').trim()).toBe(`${me.name} <${me.email}>`);
    // the CLI refuses the same way: exit 2 and the sentence
    edit(dir, CR, 'risk_score: 6', 'risk_score: 7');
    sysgit(dir, 'config', '--unset', 'user.name');
    const r = covenant(['commit', dir, '-m', 'x', '--allow-errors'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('git config --global user.name');
  });

  it('parses the date formats git reads', () => {
    expect(parseGitDate('@1760513400 +0200')).toEqual({ timestamp: 1760513400, timezoneOffset: -120 });
    expect(parseGitDate('2025-10-15T09:30:00Z')).toEqual({ timestamp: 1760520600, timezoneOffset: 0 });
    expect(parseGitDate('Wed, 15 Oct 2025 09:30:00 +0200')).toEqual({ timestamp: 1760513400, timezoneOffset: -120 });
    expect(parseGitDate('yesterday-ish')).toBeNull();
  });
});

describe('confinement at commit', () => {
  it('a path through a symlinked folder and a path under .git are refused; nothing is committed and clone still works', async () => {
    const dir = gitExample();
    const outside = tempDir();
    writeFileSync(path.join(outside, 'secret.txt'), 'do not leak');
    symlinkSync(outside, path.join(dir, 'linkdir'));
    const session = await repoSession(dir);
    await session.handlers['settings.setAuthor'](me);
    const head = sysgit(dir, 'rev-parse', 'HEAD');
    for (const p of ['linkdir/secret.txt', '.git/config', '../outside.txt', 'contracts/../.git/HEAD']) {
      await expect(session.handlers['git.commit']({ paths: [p], message: 'leak', allowErrors: true })).rejects.toMatchObject({ code: 'outside-workspace' });
      await expect(commit(dir, [p], 'leak', signed(me))).rejects.toMatchObject({ code: 'outside-workspace' });
    }
    expect(sysgit(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(sysgit(dir, 'ls-files')).not.toMatch(/secret|\.git\//);
    expect((await session.handlers['git.changes']()).map((c) => c.path)).toContain('linkdir');
    sysgit(tempDir(), 'clone', '-q', dir, 'copy');
  });

  it('a folder swapped for a link between the check and the write does not carry the write outside; no temp file is left', async () => {
    const root = exampleCopy();
    const outside = tempDir();
    const abs = await confine(root, 'contracts/sow/SPRINT-08.yaml'); // checked while contracts/sow is a real folder
    renameSync(path.join(root, 'contracts/sow'), path.join(root, 'contracts/sow-moved'));
    symlinkSync(outside, path.join(root, 'contracts/sow')); // ... then swapped
    await expect(writeFileAtomic(abs, 'id: SPRINT-08\n', { within: root })).rejects.toMatchObject({ code: 'outside-workspace' });
    expect(existsSync(path.join(outside, 'SPRINT-08.yaml'))).toBe(false);
    expect(execFileSync('ls', ['-A', outside], { encoding: 'utf8' })).toBe('');
  });
});

describe('faults and layouts like git', () => {
  it('a live holder of the lock is named after a short wait; git\u2019s own lock is reported as git\u2019s', async () => {
    const dir = gitExample();
    edit(dir, CR, 'risk_score: 5', 'risk_score: 6');
    writeFileSync(path.join(dir, '.git/index.lock'), `covenant ${process.ppid} ${(await import('node:os')).hostname()}\n`);
    await expect(commit(dir, [CR], 'x', signed(me))).rejects.toMatchObject({ code: 'locked', message: expect.stringContaining(`process ${process.ppid}`) });
    writeFileSync(path.join(dir, '.git/index.lock'), '');
    await expect(commit(dir, [CR], 'x', signed(me))).rejects.toMatchObject({ code: 'locked', message: expect.stringContaining('Another git process') });
    rmSync(path.join(dir, '.git/index.lock'));
  });

  it('a linked worktree (.git is a file) works: status, commit and log agree with system git', async () => {
    const main = gitExample();
    const wt = path.join(tempDir(), 'wt');
    sysgit(main, 'worktree', 'add', '-q', '-b', 'feature', wt);
    expect(readFileSync(path.join(wt, '.git'), 'utf8')).toMatch(/^gitdir: /);
    edit(wt, CR, 'risk_score: 5', 'risk_score: 6');
    expect(await status(wt)).toEqual([{ path: CR, status: 'modified' }]);
    const session = await repoSession(wt);
    expect((await session.handlers['git.state']()).branch).toBe('feature');
    await session.handlers['settings.setAuthor'](me);
    await session.handlers['git.commit']({ paths: [CR], message: 'CR-42: risk 6 on feature', allowErrors: true });
    expect(sysgit(wt, 'status', '--porcelain')).toBe('');
    expect(sysgit(main, 'log', '-1', '--format=%s', 'feature').trim()).toBe('CR-42: risk 6 on feature');
    expect(sysgit(main, 'log', '-1', '--format=%s', 'main').trim()).toBe('base'); // main's HEAD untouched
    expect(sysgit(main, 'status', '--porcelain')).toBe('');
    expect((await log(wt)).map((e) => e.summary)).toEqual(['CR-42: risk 6 on feature', 'base']);
    sysgit(main, 'fsck', '--strict');
  });

  it('status walked on the worker (stats split over two threads) and on the main thread agree with git on 1,500 files', async () => {
    const dir = gitExample((d) => {
      mkdirSync(path.join(d, 'evidence'));
      for (let i = 0; i < 1500; i++) writeFileSync(path.join(d, 'evidence', `run-${i}.txt`), `result ${i}\n`);
      writeFileSync(path.join(d, '.gitignore'), 'build/\n');
    });
    writeFileSync(path.join(dir, 'evidence/run-7.txt'), 'result 8\n'); // same size, new content
    writeFileSync(path.join(dir, 'evidence/run-1499.txt'), 'a longer result\n');
    rmSync(path.join(dir, 'evidence/run-42.txt'));
    writeFileSync(path.join(dir, 'evidence/new.txt'), 'new');
    mkdirSync(path.join(dir, 'build'));
    writeFileSync(path.join(dir, 'build/out.txt'), 'ignored');
    const code = { M: 'modified', D: 'deleted', '??': 'new' } as Record<string, string>;
    const gitSays = sysgit(dir, 'status', '--porcelain', '-uall')
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ path: l.slice(3), status: code[l.slice(0, 2).trim()]! }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(gitSays).toHaveLength(4);
    expect(await status(dir)).toEqual(gitSays);
    expect(await statusWith(dir, ASYNC_FS)).toEqual(gitSays);
  });

  it('packed refs and a detached HEAD: commits land on HEAD, git agrees', async () => {
    const dir = gitExample();
    sysgit(dir, 'tag', '-a', 'v1', '-m', 'release 1');
    sysgit(dir, 'pack-refs', '--all');
    expect(existsSync(path.join(dir, '.git/refs/heads/main'))).toBe(false);
    sysgit(dir, 'checkout', '-q', '--detach');
    edit(dir, CR, 'risk_score: 5', 'risk_score: 6');
    const oid = await commit(dir, [CR], 'detached work', signed(me));
    expect(sysgit(dir, 'rev-parse', 'HEAD').trim()).toBe(oid);
    expect(sysgit(dir, 'rev-parse', 'main').trim()).not.toBe(oid);
    expect(sysgit(dir, 'status', '--porcelain')).toBe('');
    const entries = await log(dir);
    expect(entries[0]!.refs).toEqual(['HEAD']);
    expect(entries[1]!.refs).toEqual(['main', 'tag: v1']);
  });
});

/** System git with fixed, distinct dates per commit, so the order is unambiguous. */
function gitAt(dir: string, n: number, ...args: string[]): string {
  const date = `2025-10-${String(n).padStart(2, '0')}T10:00:00+02:00`;
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'A',
      GIT_AUTHOR_EMAIL: 'a@e',
      GIT_COMMITTER_NAME: 'A',
      GIT_COMMITTER_EMAIL: 'a@e',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  });
}

describe('history like git', () => {
  it('file history simplifies merges as git log -- FILE does, without duplicates; tags and offsets show; tags work as commits', async () => {
    const dir = exampleCopy();
    gitAt(dir, 1, 'init', '-q', '-b', 'main');
    gitAt(dir, 1, 'add', '-A');
    gitAt(dir, 1, 'commit', '-q', '-m', 'base');
    gitAt(dir, 2, 'checkout', '-q', '-b', 'feature');
    edit(dir, CR, 'risk_score: 5', 'risk_score: 6');
    gitAt(dir, 3, 'commit', '-q', '-am', 'feature: CR-42 risk 6');
    edit(dir, 'contracts/sow/SPRINT-07.yaml', 'by 20%', 'by 25%');
    gitAt(dir, 4, 'commit', '-q', '-am', 'feature: SOW');
    gitAt(dir, 5, 'checkout', '-q', 'main');
    edit(dir, 'contracts/ledger.yaml', /$/, '# main\n');
    gitAt(dir, 6, 'commit', '-q', '-am', 'main: ledger note');
    gitAt(dir, 7, 'merge', '-q', '--no-ff', '-m', 'merge feature', 'feature'); // takes CR-42 from feature unchanged
    edit(dir, 'contracts/ledger.yaml', '# main\n', '# main, again\n');
    gitAt(dir, 8, 'commit', '-q', '-am', 'main: ledger again');
    gitAt(dir, 9, 'tag', '-a', 'v1', '-m', 'release 1', 'HEAD~1');
    gitAt(dir, 9, 'tag', 'light');

    for (const file of [CR, 'contracts/ledger.yaml', 'contracts/sow/SPRINT-07.yaml', 'contracts']) {
      const ours = (await log(dir, { filepath: file })).map((e) => e.oid);
      const theirs = gitAt(dir, 10, 'log', '--format=%H', '--', file).trim().split('\n');
      expect(ours, file).toEqual(theirs);
      expect(new Set(ours).size).toBe(ours.length);
    }
    const all = await log(dir);
    expect(all.map((e) => e.oid)).toEqual(gitAt(dir, 10, 'log', '--format=%H').trim().split('\n'));
    expect(all.map((e) => e.date)).toEqual(gitAt(dir, 10, 'log', '--format=%aI').trim().split('\n'));
    expect(all[0]!.refs).toEqual(['HEAD -> main', 'tag: light']);
    expect(all[1]!.refs).toEqual(['tag: v1']);
    expect(all.find((e) => e.summary === 'feature: SOW')!.refs).toEqual(['feature']);

    // a tag name works wherever a commit does
    expect(await readAt(dir, 'v1', CR)).toContain('risk_score: 6');
    expect((await log(dir, { ref: 'v1' }))[0]!.summary).toBe('merge feature');
    const session = await repoSession(dir);
    expect((await session.handlers['git.readAt']({ oid: 'v1', path: CR })).text).toContain('risk_score: 6');
    expect((await session.handlers['git.compare']({ from: 'v1', to: 'light' })).map((c) => c.path)).toEqual(['contracts/ledger.yaml']);

    // the CLI shows the same, with decorations and offsets
    const text = covenant(['log', dir], dir).stdout;
    expect(text.split('\n')[0]).toMatch(/^[0-9a-f]{7} 2025-10-08 A {2}\(HEAD -> main, tag: light\) main: ledger again$/);
    const json = JSON.parse(covenant(['log', dir, '--file', CR, '--format', 'json'], dir).stdout) as { date: string }[];
    expect(json[0]!.date).toBe('2025-10-03T10:00:00+02:00');
  });

  it('the commit index is rebuilt when deleted or damaged, and learns new commits', async () => {
    const dir = gitExample();
    const cli = (...args: string[]) => covenant(['log', dir, '--file', CR, '--format', 'json', ...args], dir);
    const first = cli();
    expect(first.code).toBe(0);
    const base = path.join(dir, '.git/covenant/commits');
    const commits = Number(sysgit(dir, 'rev-list', '--count', 'HEAD').trim());
    expect(readFileSync(`${base}.log`, 'utf8').trim().split('\n')).toHaveLength(commits); // a small history: journalled, a line a commit
    writeFileSync(`${base}.json`, '{ damaged');
    appendFileSync(`${base}.log`, '[3,"0123","{ a line a kill cut short');
    expect(cli().stdout).toBe(first.stdout); // a fresh process skips the damage and reads what is whole
    edit(dir, CR, 'risk_score: 5', 'risk_score: 6');
    sysgit(dir, 'commit', '-q', '-am', 'CR-42: risk 6');
    expect((JSON.parse(cli().stdout) as { summary: string }[]).map((e) => e.summary)).toEqual(['CR-42: risk 6', 'base']);
    // the new commit was appended on a line of its own, after the one cut short
    expect(
      readFileSync(`${base}.log`, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('[3,"') && l.endsWith(']')),
    ).toHaveLength(commits + 1);
    rmSync(`${base}.log`);
    rmSync(`${base}.json`);
    expect((await log(dir, { filepath: CR })).map((e) => e.summary)).toEqual(['CR-42: risk 6', 'base']);
    expect(sysgit(dir, 'status', '--porcelain')).toBe(''); // the index file is git's business, never shown as a change
  });
});

describe('CLI verbs for scripts', () => {
  it('status and commit: the same gate, proposed message and trailer as the app; exit codes as the other verbs', () => {
    const dir = gitExample();
    sysgit(dir, 'config', 'user.name', me.name);
    sysgit(dir, 'config', 'user.email', me.email);
    let r = covenant(['status', dir], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^On branch main \([0-9a-f]{7}\)\nNothing to commit/);

    edit(dir, CR, 'risk_score: 5', 'risk_score: 6');
    writeFileSync(path.join(dir, 'notes.txt'), 'not a contract file');
    r = covenant(['status', dir, '--format', 'json'], dir);
    const s = JSON.parse(r.stdout) as { branch: string; changes: { path: string; status: string; kind: string | null }[] };
    expect(s.branch).toBe('main');
    expect(s.changes).toEqual([
      { path: CR, status: 'modified', kind: 'cr' },
      { path: 'notes.txt', status: 'new', kind: null },
    ]);

    // validation errors refuse the commit: exit 1, nothing committed
    edit(dir, CR, 'status: approved', 'status: aproved');
    const head = sysgit(dir, 'rev-parse', 'HEAD');
    r = covenant(['commit', dir], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not committed.*validation error/s);
    expect(sysgit(dir, 'rev-parse', 'HEAD')).toBe(head);

    r = covenant(['commit', dir, '--allow-errors'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Not committed \(not contract files.*notes\.txt/);
    const message = sysgit(dir, 'log', '-1', '--format=%B');
    expect(message).toMatch(/CR-42/); // the proposed message speaks of the change
    expect(message).toMatch(/^Covenant-Validation: /m);
    expect(sysgit(dir, 'status', '--porcelain').trim()).toBe('?? notes.txt');

    edit(dir, CR, 'status: aproved', 'status: approved');
    r = covenant(['commit', dir, '-m', 'CR-42: status fixed', CR], dir);
    expect(r.code).toBe(0);
    expect(sysgit(dir, 'log', '-1', '--format=%s').trim()).toBe('CR-42: status fixed');
    expect(covenant(['commit', dir, CR], dir).code).toBe(2); // nothing changed in it
    expect(covenant(['status', tempDir()], dir).code).toBe(2); // not a repository
  });
});

describe('the index as git trusts it', () => {
  it('a same-size edit made in the second the index was written still shows to git after Covenant rewrites the index', async () => {
    const dir = tempDir('covenant-racy-');
    writeFileSync(path.join(dir, 'a.yaml'), 'a: 1\n');
    writeFileSync(path.join(dir, 'b.yaml'), 'b: 20\n');
    sysgit(dir, 'init', '-q', '-b', 'main');
    sysgit(dir, 'add', '-A');
    sysgit(dir, 'commit', '-qm', 'one');
    // in one second: b's entry recorded, the index written, and b edited to the same size
    for (let tries = 0; ; tries++) {
      await new Promise((r) => setTimeout(r, 1005 - (Date.now() % 1000))); // polling the clock for a fresh second
      writeFileSync(path.join(dir, 'b.yaml'), 'b: 20\n'); // the same content, written again: its entry is of this second
      sysgit(dir, 'update-index', '--really-refresh');
      const recorded = Math.floor(statSync(path.join(dir, 'b.yaml')).mtimeMs / 1000);
      writeFileSync(path.join(dir, 'b.yaml'), `b: ${30 + tries}\n`);
      const second = (p: string) => Math.floor(statSync(path.join(dir, p)).mtimeMs / 1000);
      if (recorded === second('.git/index') && second('b.yaml') === recorded) break;
      expect(tries, 'the edit never landed in the index second').toBeLessThan(5);
    }
    await new Promise((r) => setTimeout(r, 1005 - (Date.now() % 1000)));
    writeFileSync(path.join(dir, 'a.yaml'), 'a: 2\n');
    await commit(dir, ['a.yaml'], 'a only', signed(me)); // isomorphic-git writes the whole index again, a second later
    // git compares whole seconds: b's entry, from the old index's second, must not now vouch for the edited file
    expect(sysgit(dir, 'status', '--porcelain')).toBe(' M b.yaml\n');
    expect((await status(dir)).map((c) => c.path)).toEqual(['b.yaml']);
  });
});
