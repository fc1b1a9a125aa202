// The CLI as a transport (issue 23): what a person types is answered in their words, the hints it prints work, and a
// folder that is not a workspace is refused before anything is written. Each case was found by trying the CLI as a
// new user would.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const nobody = () => ({ HOME: tempDir(), XDG_CONFIG_HOME: tempDir(), GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_SYSTEM: '/dev/null', EMAIL: '' });

describe('the CLI speaks in the words typed', () => {
  it('a refused argument is named by its flag, with what is expected and what was given', () => {
    const r = covenant(['validate', exampleCopy(), '--today', '2025-02-30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('covenant: --today: a calendar date as YYYY-MM-DD (got "2025-02-30").\n');
    const cr = covenant(['evaluate', '../x', exampleCopy()]);
    expect(cr.stderr).toBe('covenant: <cr-id>: a change request id such as CR-42 (got "../x").\n');
    const ref = covenant(['log', exampleCopy(), '--ref', '--all']);
    expect(ref.stderr).not.toMatch(/pattern|\^\(\?!/);
  });

  it('evaluate --format json prints the answer even when the verdict cannot be computed (exit 1)', () => {
    const ws = exampleCopy();
    writeFileSync(path.join(ws, 'contracts/changes/CR-43.yaml'), 'id: CR-43\nsummary: x\nrequestor: client\nimpact_analysis: {budget_delta_pct: lots}\n');
    const r = covenant(['evaluate', 'CR-43', ws, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'CR-43', verdict: null, problem: expect.stringContaining('CR-43.yaml') });
    const text = covenant(['evaluate', 'CR-43', ws]);
    expect(text.stderr).not.toContain('..');
  });
});

describe('what the CLI tells a person to run works', () => {
  it('the "review and commit" hint after record commits that file from the workspace folder', () => {
    const ws = exampleCopy();
    sysgit(ws, 'init', '-q', '-b', 'main');
    sysgit(ws, 'add', '-A');
    sysgit(ws, 'commit', '-q', '-m', 'start');
    const r = covenant(['record', 'SPRINT-07', 'qa_signoff', '--result', 'passed'], ws, IDENTITY);
    expect(r.code).toBe(0);
    const hint = /\(covenant (commit [^)]+)\)/.exec(r.stdout)![1]!.split(' ');
    const c = covenant(hint, ws, IDENTITY);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(sysgit(ws, 'status', '--porcelain')).toBe('');
  });

  it('git author variables are enough to record (no committer is needed for a record)', () => {
    const env = { ...nobody(), GIT_AUTHOR_NAME: 'Zed Quality', GIT_AUTHOR_EMAIL: 'zed@example.com' };
    const r = covenant(['record', 'SPRINT-07', 'qa_signoff', exampleCopy(), '--result', 'passed'], undefined, env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('by Zed Quality <zed@example.com>');
  });
});

describe('refused before anything is written', () => {
  it('a folder without a master contract gets no defects file, no editor setup, no results', () => {
    const empty = tempDir();
    const csv = path.join(tempDir(), 'bugs.csv');
    writeFileSync(csv, 'Issue key,Created,Triaged\nB-1,2025-10-14T09:00:00Z,2025-10-14T10:00:00Z\n');
    for (const args of [
      ['import-defects', csv, empty],
      ['editor-setup', empty],
      ['record', 'SPRINT-07', 'qa_signoff', empty, '--result', 'passed'],
    ]) {
      const r = covenant(args, undefined, IDENTITY);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('is not a Covenant workspace');
    }
    expect(readdirSync(empty)).toEqual([]);
  });

  it('a report that is not a file (a device) is refused at once, never read', () => {
    const r = covenant(['record', 'SPRINT-07', 'qa_signoff', exampleCopy(), '--junit', '/dev/zero'], undefined, IDENTITY);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('covenant: /dev/zero is not a file.\n');
  });

  it('--criterion takes a value, not a report', () => {
    const xml = path.join(tempDir(), 'r.xml');
    writeFileSync(xml, '<testsuite><testcase name="a"/></testsuite>');
    const r = covenant(['record', 'SPRINT-07', exampleCopy(), '--criterion', 'AC1', '--value', '5', '--junit', xml], undefined, IDENTITY);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--criterion records a --value NUMBER; --junit, --sarif and --result are for gates');
  });

  it('init in a folder that is a git repository already adds the files to it, uncommitted, and says so', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'notes'));
    writeFileSync(path.join(dir, 'notes', 'a.txt'), 'mine\n');
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    const r = covenant(['init', dir], undefined, IDENTITY);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('is a git repository already: the new files are in it, not committed yet');
    expect(existsSync(path.join(dir, 'contracts', 'master_contract.yaml'))).toBe(true);
    expect(covenant(['validate', dir]).code).toBe(0);
  });

  it('init in a folder with files commits only what it created and lists the rest; a linked folder is refused', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, '.ssh'));
    writeFileSync(path.join(dir, '.ssh', 'id_ed25519'), 'PRIVATE KEY\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'mine\n');
    const r = covenant(['init', dir], undefined, IDENTITY);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Left out of the first commit (they were in the folder before; commit them yourself if they belong): .ssh/id_ed25519, notes.txt.',
    );
    const committed = execFileSync('git', ['ls-tree', '-r', '--name-only', 'HEAD'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(committed).toContain('contracts/master_contract.yaml');
    expect(committed).toContain('.gitignore');
    expect(committed).not.toContain('.ssh/id_ed25519');
    expect(committed).not.toContain('notes.txt');
    // a docs folder that is a link to somewhere else: init writes nothing through it
    const other = tempDir();
    const outside = tempDir();
    symlinkSync(outside, path.join(other, 'docs'));
    const linked = covenant(['init', other], undefined, IDENTITY);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('docs/adr/template.md goes through a symbolic link; Covenant does not follow links.');
    expect(readdirSync(outside)).toEqual([]);
  });
});
