import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { EXAMPLE_DIR } from '../../helpers/workspace.js';

describe('covenant validate', () => {
  it('the example workspace is clean while its iteration runs: exit 0 and a summary line', () => {
    const r = covenant(['validate', EXAMPLE_DIR, '--today', '2025-10-24']);
    expect(r.stdout).toBe('9 files checked: 0 errors, 0 warnings, 0 info\n');
    expect(r.code).toBe(0);
  });

  it('after the iteration the gate that never ran is missing: a warning (report mode), still exit 0', () => {
    const r = covenant(['validate', EXAMPLE_DIR, '--today', '2026-12-02']);
    expect(r.stdout).toBe(
      'contracts/sow/SPRINT-07.yaml:16:11 warning gate-missing Gate qa_signoff has no recorded result, and SPRINT-07 ended 2025-10-24: it never ran, so it counts as missing, not passed. Record its result (covenant record SPRINT-07 qa_signoff --junit FILE, or by hand in the dashboard).\n9 files checked: 0 errors, 1 warning, 0 info\n',
    );
    expect(r.code).toBe(0);
  });

  it('errors: file:line:col severity code message, exit 1', () => {
    const ws = exampleCopy();
    const cr = path.join(ws, 'contracts/changes/CR-42.yaml');
    writeFileSync(cr, readFileSync(cr, 'utf8').replace('status: approved', 'status: aproved'));
    const r = covenant(['validate', ws, '--today', '2025-10-20']);
    expect(r.stdout.split('\n')).toEqual([
      'contracts/changes/CR-42.yaml:12:11 error schema decision.status must be one of proposed, approved, rejected, withdrawn (got "aproved"). Did you mean approved?',
      '9 files checked: 1 error, 0 warnings, 0 info',
      '',
    ]);
    expect(r.code).toBe(1);
  });

  it('warnings alone exit 0', () => {
    const ws = exampleCopy();
    writeFileSync(path.join(ws, 'analytics/exp_123.csv'), '');
    const r1 = covenant(['validate', ws]);
    expect(r1.code).toBe(0);
    const sow = path.join(ws, 'contracts/sow/SPRINT-07.yaml');
    writeFileSync(sow, readFileSync(sow, 'utf8').replace('analytics/exp_123.csv', 'analytics/missing.csv'));
    const r2 = covenant(['validate', ws]);
    expect(r2.stdout).toContain('contracts/sow/SPRINT-07.yaml:12:15 warning missing-evidence');
    expect(r2.code).toBe(0);
  });

  it('--format json: files and diagnostics with workspace-relative paths', () => {
    const ws = exampleCopy();
    const sow = path.join(ws, 'contracts/sow/SPRINT-07.yaml');
    writeFileSync(sow, readFileSync(sow, 'utf8').replace('changes: [CR-42]', 'changes: [CR-42, CR-7]'));
    const r = covenant(['validate', ws, '--format', 'json', '--today', '2025-10-20']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      files: 9,
      enforcement: 'report',
      diagnostics: [
        {
          file: 'contracts/sow/SPRINT-07.yaml',
          line: 20,
          column: 20,
          endLine: 20,
          endColumn: 24,
          severity: 'error',
          code: 'unknown-reference',
          message: 'links.changes names CR-7, but there is no such change request (expected contracts/changes/CR-7.yaml).',
        },
      ],
    });
  });

  it('reads binary and non-UTF-8 contract files as diagnostics', () => {
    const ws = exampleCopy();
    writeFileSync(path.join(ws, 'contracts/changes/CR-43.yaml'), Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    writeFileSync(path.join(ws, 'contracts/changes/CR-44.yaml'), Buffer.from([0x00, 0x01, 0x02]));
    const r = covenant(['validate', ws, '--format', 'json', '--today', '2025-10-20']);
    const diags = JSON.parse(r.stdout).diagnostics as { file: string; code: string; message: string }[];
    expect(diags.map((d) => [d.file, d.code])).toEqual([
      ['contracts/changes/CR-43.yaml', 'file-unreadable'],
      ['contracts/changes/CR-44.yaml', 'file-unreadable'],
    ]);
    expect(diags[0]!.message).toBe('The file is not valid UTF-8 text (first bad byte at line 1, column 5); save it with UTF-8 encoding.');
    expect(diags[1]!.message).toContain('binary data');
    expect(r.code).toBe(1);
  });

  it('a missing folder is an I/O problem: one line, exit 2, no stack trace', () => {
    const r = covenant(['validate', '/no/such/folder']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('covenant: No such folder: /no/such/folder\n');
  });

  it('usage errors exit 2', () => {
    expect(covenant(['validate', '--format', 'xml']).code).toBe(2);
    expect(covenant(['validate', '--today', '2025-13-01']).code).toBe(2);
    expect(covenant(['frobnicate']).code).toBe(2);
  });

  it.each(['validate', 'evaluate', 'init', 'log', 'serve'])('%s --help describes the command and exits 0', (cmd) => {
    const r = covenant([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: covenant ${cmd}`);
  });

  it('--help lists the commands', () => {
    const r = covenant(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['validate', 'evaluate', 'init']) expect(r.stdout).toContain(cmd);
  });
});

describe('covenant evaluate', () => {
  it('prints the verdict, each threshold with value, limit and crossed, and the declared verdict', () => {
    const r = covenant(['evaluate', 'CR-42', EXAMPLE_DIR]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'CR-42: minor (declared minor)',
        '  judged against master-2025-10 as saved (not committed; effective 2025-10-11), in force on 2025-10-15',
        '  threshold      value  limit  crossed',
        '  budget delta   7      10     no',
        '  schedule slip  4      10     no',
        '  risk score     5      8      no',
        '',
      ].join('\n'),
    );
  });

  it('json, and exit 1 when the declared verdict is wrong', () => {
    const ws = exampleCopy();
    const cr = path.join(ws, 'contracts/changes/CR-42.yaml');
    writeFileSync(cr, readFileSync(cr, 'utf8').replace('schedule_slip_days: 4', 'schedule_slip_days: 12'));
    const r = covenant(['evaluate', 'CR-42', ws, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      id: 'CR-42',
      file: 'contracts/changes/CR-42.yaml',
      verdict: 'major',
      declared: 'minor',
      matches: false,
      master: { label: 'master-2025-10 as saved (not committed; effective 2025-10-11)', commit: null },
      // the answer changes.evaluate gives the app, as it is: the decision judged, and no problem computing it
      decision: { status: 'approved', date: '2025-10-15' },
      problem: null,
      thresholds: [
        { name: 'budget_delta_pct', label: 'budget delta', value: 7, limit: 10, crossed: false },
        { name: 'schedule_slip_days', label: 'schedule slip', value: 12, limit: 10, crossed: true },
        { name: 'risk_score', label: 'risk score', value: 5, limit: 8, crossed: false },
      ],
    });
  });

  it('an unknown CR exits 2 with one line', () => {
    const r = covenant(['evaluate', 'CR-9', EXAMPLE_DIR]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('without a master contract it cannot compute: exit 1 and says why', () => {
    const ws = exampleCopy();
    writeFileSync(path.join(ws, 'contracts/master_contract.yaml'), '');
    const r = covenant(['evaluate', 'CR-42', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('contracts/master_contract.yaml:1 The file is empty');
  });
});

describe('covenant log', () => {
  it('prints the history of a workspace and of one file, as text or json; a folder without git is a clear exit 2', () => {
    const dir = path.join(tempDir(), 'ws');
    expect(covenant(['init', dir], undefined, IDENTITY).code).toBe(0);
    const text = covenant(['log', dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^[0-9a-f]{7} \d{4}-\d{2}-\d{2} Cli Tester {2}\(HEAD -> main\) Covenant workspace created\n$/);
    const json = JSON.parse(covenant(['log', dir, '--format', 'json', '--file', 'contracts/sow/SPRINT-01.yaml']).stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ summary: 'Covenant workspace created', parents: [] });
    expect(covenant(['log', dir, '--file', 'contracts/ledger2.yaml', '--format', 'json']).stdout.trim()).toBe('[]');
    const none = covenant(['log', tempDir()]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('is not a git repository yet');
  });
});

describe('schemas outside the app', () => {
  it('covenant init maps the schemas for VS Code; editor-setup keeps other settings', () => {
    const dir = path.join(tempDir(), 'ws');
    expect(covenant(['init', dir, '--no-git']).code).toBe(0);
    const settings = JSON.parse(readFileSync(path.join(dir, '.vscode/settings.json'), 'utf8'));
    expect(settings['yaml.schemas']['./.covenant/schemas/sow.schema.json']).toEqual([
      'contracts/sow/*.yaml',
      'contracts/sow/*.yml',
      'contracts/archive/*/sow/*.yaml',
      'contracts/archive/*/sow/*.yml',
    ]);
    const copy = JSON.parse(readFileSync(path.join(dir, '.covenant/schemas/sow.schema.json'), 'utf8'));
    expect(copy.$defs.date.format).toBe('date');
    // an existing settings file keeps its other settings
    writeFileSync(path.join(dir, '.vscode/settings.json'), JSON.stringify({ 'editor.tabSize': 2 }));
    const r = covenant(['editor-setup', dir]);
    expect(r.code).toBe(0);
    const merged = JSON.parse(readFileSync(path.join(dir, '.vscode/settings.json'), 'utf8'));
    expect(merged['editor.tabSize']).toBe(2);
    expect(Object.keys(merged['yaml.schemas'])).toHaveLength(7);
    // a settings file with comments is not rewritten: the message gives the block to add by hand
    writeFileSync(path.join(dir, '.vscode/settings.json'), '{\n  // mine\n  "editor.tabSize": 2\n}\n');
    const refused = covenant(['editor-setup', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not plain JSON (comments?)');
    expect(readFileSync(path.join(dir, '.vscode/settings.json'), 'utf8')).toContain('// mine');
  });

  it('editor-setup writes nothing through a linked .vscode, settings file or .covenant folder', () => {
    const root = tempDir();
    const dir = path.join(root, 'ws');
    cpSync(EXAMPLE_DIR, dir, { recursive: true });
    const outside = path.join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'settings.json'), '{}');
    const tries: [string, string][] = [
      ['.vscode', outside],
      ['.vscode/settings.json', path.join(outside, 'settings.json')],
      ['.covenant', outside],
    ];
    for (const [link, to] of tries) {
      mkdirSync(path.dirname(path.join(dir, link)), { recursive: true });
      rmSync(path.join(dir, link), { recursive: true, force: true });
      symlinkSync(to, path.join(dir, link));
      const r = covenant(['editor-setup', dir]);
      expect(r.code, link).toBe(2);
      expect(r.stderr, link).toContain('goes through a symbolic link; Covenant does not follow links.');
      expect(readdirSync(outside), `${link}: nothing written outside`).toEqual(['settings.json']);
      expect(readFileSync(path.join(outside, 'settings.json'), 'utf8')).toBe('{}');
      rmSync(path.join(dir, link));
    }
  });

  it('a date that is not in the calendar fails the schema in Covenant and in an independent validator', (ctx) => {
    const dir = path.join(tempDir(), 'ws');
    expect(covenant(['init', dir, '--no-git']).code).toBe(0);
    const sow = path.join(dir, 'contracts/sow/SPRINT-01.yaml');
    writeFileSync(sow, readFileSync(sow, 'utf8').replace(/end: \d{4}-\d{2}-\d{2}/, 'end: 2025-02-30'));
    const v = covenant(['validate', dir]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('dates.end is 2025-02-30, which is not a date in the calendar.');
    // python's jsonschema (Debian python3-jsonschema) with its format checker, on the schema copy init wrote
    const probe = spawnSync('python3', ['-c', 'import jsonschema'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.warn('skipped the independent check: python3-jsonschema is not installed (apt-get install python3-jsonschema)');
      ctx.skip();
    }
    const check = (value: string) =>
      spawnSync(
        'python3',
        [
          '-c',
          'import json,sys,jsonschema; s=json.load(open(sys.argv[1])); v=jsonschema.Draft202012Validator(s, format_checker=jsonschema.FormatChecker()); print(sum(1 for e in v.iter_errors({"id":"SPRINT-01","dates":{"start":"2025-02-01","end":sys.argv[2]},"goals":[{"description":"g"}],"acceptance_criteria":[{"id":"AC1","description":"d"}]})))',
          path.join(dir, '.covenant/schemas/sow.schema.json'),
          value,
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    expect(check('2025-02-28')).toBe('0');
    expect(check('2025-02-30')).toBe('1');
  });
});

describe('covenant init', () => {
  it('creates a workspace that validates clean', () => {
    const dir = path.join(tempDir(), 'new-ws');
    const r = covenant(['init', dir], undefined, IDENTITY);
    expect(r.code).toBe(0);
    for (const f of ['contracts/master_contract.yaml', 'contracts/sow/SPRINT-01.yaml', 'contracts/ledger.yaml', 'docs/adr/template.md', '.git/HEAD'])
      expect(existsSync(path.join(dir, f))).toBe(true);
    expect(r.stdout).toMatch(/First commit [0-9a-f]{7} by Cli Tester <cli@example\.com>/);
    const v = covenant(['validate', dir]);
    expect(v.stdout).toBe('3 files checked: 0 errors, 0 warnings, 0 info\n');
    expect(v.code).toBe(0);
  });

  it('with nobody configured (as git would) the repository is made, nothing is committed, and it says how to set a name', () => {
    const dir = path.join(tempDir(), 'new-ws');
    const r = covenant(['init', dir]);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(dir, '.git/HEAD'))).toBe(true);
    expect(r.stdout).not.toMatch(/First commit/);
    expect(r.stderr).toContain('nothing committed yet');
    expect(r.stderr).toContain('git config --global user.name');
    expect(covenant(['log', dir]).stdout).toBe('');
  });

  it('refuses to overwrite an existing contracts/ folder, touching nothing', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'contracts'));
    writeFileSync(path.join(dir, 'contracts', 'master_contract.yaml'), 'mine\n');
    const r = covenant(['init', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists');
    expect(readFileSync(path.join(dir, 'contracts', 'master_contract.yaml'), 'utf8')).toBe('mine\n');
  });
});
