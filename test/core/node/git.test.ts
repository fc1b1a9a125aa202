import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { commit } from '../../../core/node/git/commit.js';
import { initRepository } from '../../../core/node/git/init.js';
import { log } from '../../../core/node/git/log.js';
import { readAt } from '../../../core/node/git/read-at.js';
import { compareCommits } from '../../../core/node/git/compare.js';
import { status } from '../../../core/node/git/status.js';
import { Session } from '../../../core/node/session.js';
import { commitAt, sysgit, signed } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { REPO } from '../../helpers/workspace.js';

const author = { name: 'Zoë Müller', email: 'zoe@example.com' };
const sessions: Session[] = [];
afterEach(async () => {
  while (sessions.length) await sessions.pop()!.close();
});

async function repoSession(): Promise<{ session: Session; dir: string }> {
  const dir = exampleCopy();
  await initRepository(dir, signed(author), 'Example');
  const state = new AppState(tempDir());
  state.set('author', author);
  const session = new Session({ mode: 'browser', state, watch: false });
  sessions.push(session);
  await session.open(dir);
  return { session, dir };
}

function edit(dir: string, rel: string, from: string | RegExp, to: string): void {
  const p = path.join(dir, rel);
  writeFileSync(p, readFileSync(p, 'utf8').replace(from, to));
}

describe('git through isomorphic-git, cross-checked with system git', () => {
  it('a new workspace is a repository whose first commit passes git fsck and leaves status clean', async () => {
    const dir = path.join(tempDir(), 'ws');
    const state = new AppState(tempDir());
    state.set('author', author); // the name given to Covenant once
    const session = new Session({ mode: 'browser', state, watch: false });
    sessions.push(session);
    await session.handlers['workspace.create']({ root: dir });
    sysgit(dir, 'fsck', '--full', '--strict');
    // the identity went into the repository's own config, so git names the same person
    expect(sysgit(dir, 'config', 'user.name').trim()).toBe(author.name);
    expect(sysgit(dir, 'log', '--format=%an <%ae>|%cn').trim()).toBe(`${author.name} <${author.email}>|${author.name}`);
    expect(sysgit(dir, 'status', '--porcelain')).toBe('');
    expect(sysgit(dir, 'log', '--format=%s').trim()).toBe('Covenant workspace created');
    expect(sysgit(dir, 'branch', '--show-current').trim()).toBe('main');
    expect((await session.handlers['git.state']()).branch).toBe('main');
  });

  it('with nobody configured, a new workspace is a repository with nothing committed, and says how to set a name', async () => {
    const dir = path.join(tempDir(), 'ws');
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    sessions.push(session);
    const notices: string[] = [];
    session.subscribe((e) => {
      if (e.type === 'notice') notices.push(e.message);
    });
    await session.handlers['workspace.create']({ root: dir });
    expect(() => sysgit(dir, 'rev-parse', '--verify', 'HEAD')).toThrow(); // no commit as "root <root@host>"
    expect(notices.join('\n')).toMatch(/nothing committed yet.*git config --global user\.name/s);
  });

  it('lists new, modified and deleted files', async () => {
    const { session, dir } = await repoSession();
    edit(dir, 'contracts/changes/CR-42.yaml', 'risk_score: 5', 'risk_score: 6');
    unlinkSync(path.join(dir, 'analytics/exp_123.csv'));
    writeFileSync(path.join(dir, 'notes.md'), '# notes');
    expect(await session.handlers['git.changes']()).toEqual([
      { path: 'analytics/exp_123.csv', status: 'deleted' },
      { path: 'contracts/changes/CR-42.yaml', status: 'modified' },
      { path: 'notes.md', status: 'new' },
    ]);
    expect(sysgit(dir, 'status', '--porcelain').trimEnd().split('\n').sort()).toEqual([
      ' D analytics/exp_123.csv',
      ' M contracts/changes/CR-42.yaml',
      '?? notes.md',
    ]);
  });

  it('status agrees with system git: .gitignore, untracked folders, deletions, and a same-size edit right after the commit', async () => {
    const dir = exampleCopy();
    await initRepository(dir, signed(author), 'Example');
    // no tick: an edit in the same clock tick as the index write, same size — stats cannot tell, content must
    edit(dir, 'contracts/sow/SPRINT-07.yaml', 'by 20%', 'by 25%');
    writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n.covenant-tmp-*\n*.log\n');
    writeFileSync(path.join(dir, 'debug.log'), 'ignored');
    mkdirSync(path.join(dir, 'node_modules/x'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules/x/index.js'), '');
    mkdirSync(path.join(dir, 'reports/q4'), { recursive: true });
    writeFileSync(path.join(dir, 'reports/q4/summary.md'), '# q4');
    unlinkSync(path.join(dir, 'test_reports/usability_2025-10-20.md'));
    writeFileSync(path.join(dir, 'contracts/changes/.covenant-tmp-1-CR-42.yaml'), 'torn');
    expect(await status(dir)).toEqual([
      { path: '.gitignore', status: 'modified' },
      { path: 'contracts/sow/SPRINT-07.yaml', status: 'modified' },
      { path: 'reports/q4/summary.md', status: 'new' },
      { path: 'test_reports/usability_2025-10-20.md', status: 'deleted' },
    ]);
    expect(
      sysgit(dir, 'status', '--porcelain', '-uall')
        .trimEnd()
        .split('\n')
        .filter((l) => !l.includes('.covenant-tmp-')),
    ).toEqual([' M .gitignore', ' M contracts/sow/SPRINT-07.yaml', ' D test_reports/usability_2025-10-20.md', '?? reports/q4/summary.md']);
  });

  it('commits exactly the chosen files; system git reads the commit and fsck stays clean', async () => {
    const { session, dir } = await repoSession();
    edit(dir, 'contracts/changes/CR-42.yaml', 'risk_score: 5', 'risk_score: 6');
    edit(dir, 'contracts/sow/SPRINT-07.yaml', 'Reduce drop-off by 20%', 'Reduce drop-off by 25%');
    await session.current()!.refresh('contracts/changes/CR-42.yaml');
    const { oid } = await session.handlers['git.commit']({ paths: ['contracts/changes/CR-42.yaml'], message: 'CR-42: impact analysis (minor)' });
    expect(sysgit(dir, 'rev-parse', 'HEAD').trim()).toBe(oid);
    expect(sysgit(dir, 'show', '--name-only', '--format=%an <%ae>|%s', 'HEAD').trim().split('\n').filter(Boolean)).toEqual([
      'Zoë Müller <zoe@example.com>|CR-42: impact analysis (minor)',
      'contracts/changes/CR-42.yaml',
    ]);
    expect(sysgit(dir, 'status', '--porcelain').trimEnd()).toBe(' M contracts/sow/SPRINT-07.yaml');
    sysgit(dir, 'fsck', '--full', '--strict');
  });

  it("proposes a message in the contract's words", async () => {
    const { session, dir } = await repoSession();
    edit(dir, 'contracts/changes/CR-42.yaml', 'schedule_slip_days: 4', 'schedule_slip_days: 12');
    await session.current()!.refresh('contracts/changes/CR-42.yaml');
    expect(await session.handlers['git.proposeMessage']({ paths: ['contracts/changes/CR-42.yaml'] })).toBe('CR-42: impact analysis (major)');
    edit(dir, 'contracts/sow/SPRINT-07.yaml', 'Usability score >= 85', 'Usability score >= 90');
    await session.current()!.refresh('contracts/sow/SPRINT-07.yaml');
    expect(await session.handlers['git.proposeMessage']({ paths: ['contracts/sow/SPRINT-07.yaml'] })).toBe('SPRINT-07: acceptance criteria updated');
    const both = await session.handlers['git.proposeMessage']({ paths: ['contracts/sow/SPRINT-07.yaml', 'contracts/changes/CR-42.yaml'] });
    expect(both).toBe('SPRINT-07, CR-42: contract updates\n\n- SPRINT-07: acceptance criteria updated\n- CR-42: impact analysis (major)');
  });

  it('with validation errors a commit is refused with the list, and allowed after the warning with a trailer', async () => {
    const { session, dir } = await repoSession();
    edit(dir, 'contracts/changes/CR-42.yaml', 'status: approved', 'status: aproved');
    await session.current()!.refresh('contracts/changes/CR-42.yaml');
    await expect(session.handlers['git.commit']({ paths: ['contracts/changes/CR-42.yaml'], message: 'typo' })).rejects.toMatchObject({
      code: 'invalid-input',
      reason: 'validation-errors',
    });
    expect(sysgit(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('1');
    const r = await session.handlers['git.commit']({ paths: ['contracts/changes/CR-42.yaml'], message: 'typo', allowErrors: true });
    expect(r.message).toBe('typo\n\nCovenant-Validation: 1 error (schema)');
    expect(sysgit(dir, 'log', '-1', '--format=%B').trim()).toBe('typo\n\nCovenant-Validation: 1 error (schema)');
  });

  it('asks who commits when nobody is configured', async () => {
    const dir = exampleCopy();
    await initRepository(dir, signed(author), 'Example');
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    sessions.push(session);
    await session.open(dir);
    const home = process.env.HOME;
    process.env.HOME = tempDir(); // no ~/.gitconfig
    try {
      edit(dir, 'contracts/changes/CR-42.yaml', 'risk_score: 5', 'risk_score: 6');
      await expect(session.handlers['git.commit']({ paths: ['contracts/changes/CR-42.yaml'], message: 'x' })).rejects.toMatchObject({
        code: 'invalid-input',
        reason: 'no-author',
      });
      await session.handlers['settings.setAuthor']({ name: 'José', email: 'jose@example.com' });
      await session.handlers['git.commit']({ paths: ['contracts/changes/CR-42.yaml'], message: 'x' });
      expect(sysgit(dir, 'log', '-1', '--format=%an').trim()).toBe('José');
    } finally {
      process.env.HOME = home;
    }
  });

  it('refuses to commit while another git holds index.lock, and changes nothing', async () => {
    const { dir } = await repoSession();
    edit(dir, 'contracts/changes/CR-42.yaml', 'risk_score: 5', 'risk_score: 6');
    const head = sysgit(dir, 'rev-parse', 'HEAD');
    const index = readFileSync(path.join(dir, '.git/index'));
    writeFileSync(path.join(dir, '.git/index.lock'), '');
    await expect(commit(dir, ['contracts/changes/CR-42.yaml'], 'x', signed(author))).rejects.toMatchObject({ code: 'locked' });
    expect(sysgit(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(readFileSync(path.join(dir, '.git/index')).equals(index)).toBe(true);
    expect(existsSync(path.join(dir, '.git/index.lock'))).toBe(true); // theirs, left alone
  });

  it('refuses to commit or restore during a merge', async () => {
    const { session, dir } = await repoSession();
    writeFileSync(path.join(dir, '.git/MERGE_HEAD'), `${sysgit(dir, 'rev-parse', 'HEAD')}`);
    expect((await session.handlers['git.state']()).mergeInProgress).toBe(true);
    edit(dir, 'contracts/changes/CR-42.yaml', 'risk_score: 5', 'risk_score: 6');
    await expect(commit(dir, ['contracts/changes/CR-42.yaml'], 'x', signed(author))).rejects.toMatchObject({ code: 'conflict' });
    await expect(session.handlers['git.restore']({ oid: 'HEAD', path: 'contracts/changes/CR-42.yaml' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('reports a detached HEAD and conflict markers as states, not failures', async () => {
    const { session, dir } = await repoSession();
    sysgit(dir, 'checkout', '-q', '--detach', 'HEAD');
    edit(dir, 'contracts/changes/CR-42.yaml', 'risk_score: 5', '<<<<<<< ours\n  risk_score: 5\n=======\n  risk_score: 6\n>>>>>>> theirs');
    await session.current()!.refresh('contracts/changes/CR-42.yaml');
    const s = await session.handlers['git.state']();
    expect(s).toMatchObject({ repository: true, detached: true, branch: null, conflictFiles: ['contracts/changes/CR-42.yaml'] });
  });

  it("history: the log, one file's log, a file at a commit, two commits compared, and a restore", async () => {
    const { session, dir } = await repoSession();
    const first = sysgit(dir, 'rev-parse', 'HEAD').trim();
    edit(dir, 'contracts/changes/CR-42.yaml', 'risk_score: 5', 'risk_score: 6');
    await session.handlers['git.commit']({ paths: ['contracts/changes/CR-42.yaml'], message: 'CR-42: risk 6' });
    edit(dir, 'contracts/sow/SPRINT-07.yaml', 'by 20%', 'by 30%');
    await session.handlers['git.commit']({ paths: ['contracts/sow/SPRINT-07.yaml'], message: 'SPRINT-07: hypothesis' });
    expect((await session.handlers['git.log']({})).map((e) => e.summary)).toEqual(['SPRINT-07: hypothesis', 'CR-42: risk 6', 'Example']);
    expect((await session.handlers['git.log']({ path: 'contracts/changes/CR-42.yaml' })).map((e) => e.summary)).toEqual(['CR-42: risk 6', 'Example']);
    expect((await session.handlers['git.readAt']({ oid: first, path: 'contracts/changes/CR-42.yaml' })).text).toContain('risk_score: 5');
    expect(await session.handlers['git.compare']({ from: first, to: 'HEAD' })).toEqual([
      { path: 'contracts/changes/CR-42.yaml', status: 'modified' },
      { path: 'contracts/sow/SPRINT-07.yaml', status: 'modified' },
    ]);
    await session.handlers['git.restore']({ oid: first, path: 'contracts/changes/CR-42.yaml' });
    expect(readFileSync(path.join(dir, 'contracts/changes/CR-42.yaml'), 'utf8')).toContain('risk_score: 5');
    await expect(session.handlers['git.readAt']({ oid: first, path: '../../etc/passwd' })).rejects.toMatchObject({ code: 'outside-workspace' });
  });

  it('a symlink stored in the repository is never followed', async () => {
    const dir = exampleCopy();
    sysgit(dir, 'init', '-q', '-b', 'main');
    symlinkSync('/etc/passwd', path.join(dir, 'evidence-link'));
    sysgit(dir, 'add', '-A');
    sysgit(dir, 'commit', '-q', '-m', 'with a link');
    await expect(readAt(dir, 'HEAD', 'evidence-link')).rejects.toMatchObject({ code: 'outside-workspace' });
    await expect(commit(dir, ['evidence-link'], 'x', signed(author))).rejects.toMatchObject({ code: 'outside-workspace' });
  });

  it('reads repositories made by system git: packed objects after gc, annotated tags, merge commits', async () => {
    const dir = exampleCopy();
    sysgit(dir, 'init', '-q', '-b', 'main');
    sysgit(dir, 'add', '-A');
    sysgit(dir, 'commit', '-q', '-m', 'base');
    sysgit(dir, 'checkout', '-q', '-b', 'feature');
    edit(dir, 'contracts/changes/CR-42.yaml', 'risk_score: 5', 'risk_score: 6');
    sysgit(dir, 'commit', '-q', '-am', 'feature change');
    sysgit(dir, 'checkout', '-q', 'main');
    edit(dir, 'contracts/sow/SPRINT-07.yaml', 'by 20%', 'by 22%');
    sysgit(dir, 'commit', '-q', '-am', 'main change');
    sysgit(dir, 'merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    sysgit(dir, 'tag', '-a', 'v1', '-m', 'release 1');
    sysgit(dir, 'gc', '-q', '--aggressive');
    expect(existsSync(path.join(dir, '.git/objects/pack'))).toBe(true);
    const entries = await log(dir);
    expect(entries.map((e) => e.summary)).toEqual(expect.arrayContaining(['merge feature', 'feature change', 'main change', 'base']));
    expect(entries[0]!.parents).toHaveLength(2);
    expect(await readAt(dir, 'v1', 'contracts/changes/CR-42.yaml')).toContain('risk_score: 6');
    expect(await status(dir)).toEqual([]);
    expect((await compareCommits(dir, entries.at(-1)!.oid, 'HEAD')).map((c) => c.path)).toEqual([
      'contracts/changes/CR-42.yaml',
      'contracts/sow/SPRINT-07.yaml',
    ]);
    // and Covenant can commit on top of it
    edit(dir, 'contracts/changes/CR-42.yaml', 'risk_score: 6', 'risk_score: 7');
    await commit(dir, ['contracts/changes/CR-42.yaml'], 'after gc', signed(author));
    sysgit(dir, 'fsck', '--full', '--strict');
    expect(sysgit(dir, 'log', '-1', '--format=%s').trim()).toBe('after gc');
  });

  it("takes a CR's creation date from the commit that added it when created: is absent (decision-overdue)", async () => {
    const dir = exampleCopy();
    await initRepository(dir, signed(author), 'Example');
    writeFileSync(
      path.join(dir, 'contracts/changes/CR-50.yaml'),
      'id: CR-50\nsummary: Old proposal\nimpact_analysis: {budget_delta_pct: 1, schedule_slip_days: 0, risk_score: 1}\nthreshold_eval: minor\ndecision: {status: proposed}\n',
    );
    sysgit(dir, 'add', '-A');
    commitAt(dir, '2025-01-02T10:00:00Z', 'CR-50 proposed');
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    sessions.push(session);
    await session.open(dir);
    await new Promise<void>((resolve) => session.subscribe((e) => e.type === 'git-changed' && resolve()));
    const diags = (await session.handlers['workspace.validate']({ today: '2025-01-20' })).diagnostics.filter((d) => d.code === 'decision-overdue');
    expect(diags.map((d) => d.message)).toEqual([
      'This change has been proposed since 2025-01-02 (18 days); the scope decision SLA is 3 days (owner steering_committee).',
    ]);
  });

  it('a commit killed midway, 20 times, never corrupts the repository, and the next commit always succeeds', async () => {
    const dir = exampleCopy();
    await initRepository(dir, signed(author), 'Example');
    let leftLocks = 0;
    for (let i = 0; i < 20; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/fixtures/commit-loop.ts'), dir], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 120));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      sysgit(dir, 'fsck', '--full', '--strict');
      // the killed process's own lock (its pid is gone) is taken over, with a note; nobody deletes it by hand
      const locked = existsSync(path.join(dir, '.git/index.lock'));
      if (locked) leftLocks++;
      const notes: string[] = [];
      edit(dir, 'contracts/changes/CR-42.yaml', /risk_score: \d+/, `risk_score: ${i % 9}`);
      const files = [
        'contracts/changes/CR-42.yaml',
        ...sysgit(dir, 'status', '--porcelain')
          .split('\n')
          .filter(Boolean)
          .map((l) => l.slice(3)),
      ];
      await commit(dir, [...new Set(files)], `after kill ${i}`, signed(author), (n) => notes.push(n));
      expect(notes.length > 0).toBe(locked);
      if (locked) expect(notes[0]).toMatch(/Covenant process that is gone \(pid \d+\)/);
      sysgit(dir, 'fsck', '--full', '--strict');
      expect(sysgit(dir, 'status', '--porcelain')).toBe('');
    }
    expect(Number(sysgit(dir, 'rev-list', '--count', 'HEAD').trim())).toBeGreaterThan(20);
    console.log(`killed commits left their lock ${leftLocks} times of 20; each was taken over`);
    expect(readdirSync(path.join(dir, '.git')).filter((n) => n.startsWith('covenant-lock-'))).toEqual([]); // nothing left behind
  }, 120_000);
});
