// One truth (issue 23, item 2): the same git workspace through the CLI (a child process) and through the handlers
// the app calls gives the same diagnostics, the same figures and the same commit gate. The workspace is made by
// system git with dated history: a CR without created: committed 2025-01-02, a committed threshold tightening after
// CR-42 was decided, and an approval signed with a member's key.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../core/common/diagnostics.js';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { commitAt, sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { EXAMPLE_DIR } from '../../helpers/workspace.js';

const MASTER = 'contracts/master_contract.yaml';
const SOW = 'contracts/sow/SPRINT-07.yaml';
const CR43 = 'contracts/changes/CR-43.yaml';

/** A workspace with the history the defects need; returns its folder and the member's key file. */
function history(): { dir: string; key: string } {
  // made once for the whole file (tempDir() is emptied after each test)
  const base = mkdtempSync(path.join(tmpdir(), 'covenant-parity-'));
  const dir = path.join(base, 'ws');
  cpSync(EXAMPLE_DIR, dir, { recursive: true });
  const key = path.join(base, 'id_ana');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ana@test', '-f', key]);
  const pub = readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const master = path.join(dir, MASTER);
  const member = [
    '  members:',
    `    - {id: ana, name: Ana Client, email: ana@client.example, roles: [client, steering_committee], ssh_key: ${pub}}`,
    '    - {id: sam, name: Sam Supplier, email: sam@supplier.example, roles: [supplier, dev_lead]}',
    '    - {id: dana, name: Dana Design, email: dana@example.com, roles: [design_lead]}',
    '  decision_rights:',
  ].join('\n');
  // scope is decided by the client and the supplier together: ana's signature leaves CR-43 awaiting sam
  writeFileSync(
    master,
    readFileSync(master, 'utf8')
      .replace('  decision_rights:', member)
      .replace('      sla_days: 3\n', '      sla_days: 3\n      approvers: {all_of: [client, supplier]}\n'),
  );
  sysgit(dir, 'init', '-q', '-b', 'main');
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2024-12-20T09:00:00Z', 'Contract signed');
  // a change request with no created: date: git's history says when it was proposed
  writeFileSync(
    path.join(dir, CR43),
    'id: CR-43\nsummary: Add SSO\nrequestor: client\nimpact_analysis: {budget_delta_pct: 2, schedule_slip_days: 1, risk_score: 2}\nthreshold_eval: minor\ndecision: {status: proposed}\n',
  );
  sysgit(dir, 'add', CR43);
  commitAt(dir, '2025-01-02T10:00:00+01:00', 'CR-43 proposed');
  // thresholds tightened after CR-42 (budget 7%) was decided as minor: it stays minor, judged by the master then
  writeFileSync(master, readFileSync(master, 'utf8').replace('budget_delta_pct_major: 10', 'budget_delta_pct_major: 5'));
  sysgit(dir, 'add', MASTER);
  commitAt(dir, '2025-11-01T09:00:00Z', 'Thresholds tightened');
  return { dir, key };
}

let dir = '';
let key = '';
beforeAll(() => {
  ({ dir, key } = history());
  const approved = covenant(['approve', 'CR-43', dir, '--as', 'ana', '--key', key], undefined, IDENTITY);
  expect(approved.stderr).toBe('');
  expect(approved.code).toBe(0);
}, 60_000);
afterAll(() => process.env.COVENANT_KEEP_TEST_DIRS || rmSync(path.dirname(dir), { recursive: true, force: true }));

async function session(): Promise<Session> {
  const s = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
  await s.open(dir);
  return s;
}

const key3 = (d: Diagnostic) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`;

/** A sample of `covenant metrics` output, by its series (name and labels). */
function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no ${series} in the metrics`);
  return Number(line.slice(series.length + 1));
}

describe('one truth: the CLI and the app answer alike', () => {
  it('covenant validate --format json and workspace.validate give identical diagnostics, with the facts from history', async () => {
    const cli = JSON.parse(covenant(['validate', dir, '--format', 'json']).stdout) as { diagnostics: Diagnostic[]; enforcement: string };
    const s = await session();
    const app = await s.handlers['workspace.validate']({});
    await s.close();
    expect(cli.diagnostics).toEqual(app.diagnostics);
    expect(cli.enforcement).toBe(app.enforcement);
    // the CR without created: is dated by git (2025-01-02): its decision is long overdue, and the CLI says so too
    expect(cli.diagnostics.map(key3)).toEqual(expect.arrayContaining([expect.stringMatching(/^contracts\/changes\/CR-43\.yaml:.* decision-overdue$/)]));
    // CR-42 is judged by the master in force when it was decided: no threshold-eval-mismatch from the later tightening
    expect(cli.diagnostics.filter((d) => d.code === 'threshold-eval-mismatch')).toEqual([]);
  });

  it('the dashboard, covenant metrics and the handlers count the same diagnostics and the same figures', async () => {
    const s = await session();
    const dash = await s.handlers['dashboard.get']();
    const app = await s.handlers['workspace.validate']({});
    const metricsApp = await s.handlers['metrics.prometheus']({});
    await s.close();
    const cli = covenant(['metrics', dir]);
    expect(cli.code).toBe(0);
    const counts = { error: 0, warning: 0, info: 0 };
    for (const d of app.diagnostics) counts[d.severity]++;
    expect(dash.diagnostics).toEqual(counts);
    for (const sev of ['error', 'warning', 'info'] as const) expect(metric(cli.stdout, `covenant_validation_diagnostics{severity="${sev}"}`)).toBe(counts[sev]);
    // the text the app's handler makes is the CLI's, less the moment it was made
    const strip = (t: string) => t.replace(/^covenant_source_info.*$/m, '');
    expect(strip(cli.stdout)).toBe(strip(metricsApp.text));
    const cr43 = dash.crs.find((c) => c.id === 'CR-43')!;
    expect(cr43.created).toBe('2025-01-02');
    expect(cr43.overdueDays).toBeGreaterThan(300);
    expect(metric(cli.stdout, 'covenant_decision_overdue_seconds{cr="CR-43"}')).toBe(cr43.overdueDays! * 86400);
    const sow = dash.sows.find((x) => x.id === 'SPRINT-07')!;
    expect(metric(cli.stdout, 'covenant_gate_pass_ratio{sow="SPRINT-07"}')).toBeCloseTo(sow.gatePassRatio!, 10);
    expect(metric(cli.stdout, 'covenant_acceptance_criteria_met_ratio{sow="SPRINT-07"}')).toBeCloseTo(sow.criteriaMetRatio!, 10);
    expect(metric(cli.stdout, 'covenant_open_change_requests')).toBe(dash.openChangeRequests);
  });

  it('covenant verify and evaluate give what approvals.verify and changes.evaluate give; the signed approval holds', async () => {
    const s = await session();
    const verify = await s.handlers['approvals.verify']();
    const evaluation = await s.handlers['changes.evaluate']({ cr: 'CR-42' });
    const dash = await s.handlers['dashboard.get']();
    await s.close();
    const cli = covenant(['verify', dir, '--format', 'json']);
    expect(cli.code).toBe(1); // CR-42 says approved, and nobody signed it
    expect(verify.findings.map((f) => `${f.file} ${f.code}`)).toEqual(['contracts/changes/CR-42.yaml decision-unsigned']);
    expect(JSON.parse(cli.stdout)).toEqual(verify);
    expect(verify.approvals.map((a) => `${a.file} ${a.member} ${a.status}`)).toEqual([`${CR43} ana holds`]);
    expect(dash.crs.find((c) => c.id === 'CR-43')!.approvals).toMatchObject({
      signed: ['ana'],
      awaited: ['sam'],
      words: 'awaited: supplier (signed by Ana Client (client))',
    });
    expect(verify.documents.find((d) => d.id === 'CR-43')!.words).toBe('awaited: supplier (signed by Ana Client (client))');
    const ev = JSON.parse(covenant(['evaluate', 'CR-42', dir, '--format', 'json']).stdout);
    expect(ev).toMatchObject({ id: 'CR-42', verdict: 'minor', declared: 'minor', matches: true, master: evaluation.master, thresholds: evaluation.thresholds });
    expect(evaluation.verdict).toBe('minor');
  });

  it('the PDF states the figures the dashboard shows', async () => {
    const s = await session();
    const dash = await s.handlers['dashboard.get']();
    await s.close();
    const out = path.join(tempDir(), 'pack.pdf');
    const r = covenant(['export-pdf', dir, '--out', out]);
    expect(r.stderr).toBe('');
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    const { error, warning } = dash.diagnostics;
    expect(text).toContain(`Validation: ${error} error${error === 1 ? '' : 's'}, ${warning} warning${warning === 1 ? '' : 's'}`);
    const sow = dash.sows.find((x) => x.id === 'SPRINT-07')!;
    expect(text).toContain(`${sow.gatesPassed}/${sow.gates.length}`);
  });

  it('covenant commit of an unrelated SOW edit passes the same gate the app uses', async () => {
    const sow = path.join(dir, SOW);
    writeFileSync(sow, `${readFileSync(sow, 'utf8')}# reviewed in steering\n`);
    const r = covenant(['commit', dir, SOW, '-m', 'SPRINT-07: note'], undefined, IDENTITY);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sysgit(dir, 'log', '-1', '--format=%s')).toBe('SPRINT-07: note\n');
  });
});

describe('who is acting: one answer for the app and the CLI', () => {
  it('covenant record refuses an unknown person, as the app does', async () => {
    const ws = exampleCopy();
    const nobody = { HOME: tempDir(), GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_SYSTEM: '/dev/null', EMAIL: '', XDG_CONFIG_HOME: tempDir() };
    const r = covenant(['record', 'SPRINT-07', 'qa_signoff', ws, '--result', 'passed'], undefined, nobody);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Who records this result?');
    const s = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    await s.open(ws);
    const env = { ...process.env };
    Object.assign(process.env, nobody);
    try {
      await expect(s.handlers['results.record']({ sow: 'SPRINT-07', gate: 'qa_signoff', outcome: 'passed' })).rejects.toMatchObject({ reason: 'no-author' });
    } finally {
      process.env = env;
      await s.close();
    }
  });
});

describe('nothing swallowed', () => {
  it('a PDF part that cannot be made is named in the PDF and on stderr (exit 1), not left out in silence', () => {
    const made = history();
    const gitEnv = { ...IDENTITY, GIT_CONFIG_GLOBAL: '/dev/null' };
    try {
      expect(covenant(['approve', 'SPRINT-07', made.dir, '--as', 'ana', '--key', made.key], undefined, IDENTITY).code).toBe(0);
      // the approved version of the SOW is lost from the repository (a damaged clone): its redline cannot be made
      const blob = sysgit(made.dir, 'rev-parse', `HEAD:${SOW}`).trim();
      writeFileSync(path.join(made.dir, SOW), `${readFileSync(path.join(made.dir, SOW), 'utf8')}# edited after the approval\n`);
      execFileSync('git', ['commit', '-qam', 'SOW edited'], { cwd: made.dir, env: { ...process.env, ...gitEnv } });
      rmSync(path.join(made.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
      const out = path.join(path.dirname(made.dir), 'sow.pdf');
      const r = covenant(['export-pdf', made.dir, '--sow', 'SPRINT-07', '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`covenant export-pdf: The changes of ${SOW} since its last approval could not be read`);
      const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).toContain(`The changes of ${SOW} since its last approval could not be read`);
      expect(covenant(['redline', SOW, made.dir]).stderr).toMatch(/as approved in commit [0-9a-f]{7} cannot be read/);
    } finally {
      rmSync(path.dirname(made.dir), { recursive: true, force: true });
    }
  });
});
