// Gates and criteria from recorded evidence, report-then-enforce, and CI formats (issue 14, items 1, 3, 4).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import sarifSchema from '../../../schemas/external/sarif-2.1.0-rtm.5.json';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const JUNIT_FAIL = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="functional" tests="3" failures="1">
    <testcase classname="checkout" name="pays by card"/>
    <testcase classname="checkout" name="applies voucher"><failure message="expected 10, got 12">at checkout.spec.ts:42</failure></testcase>
    <testcase classname="onboarding" name="skips the tour"><skipped/></testcase>
  </testsuite>
</testsuites>
`;
const JUNIT_PASS = `<testsuite name="functional"><testcase classname="checkout" name="pays by card"/><testcase classname="checkout" name="applies voucher"/></testsuite>`;

function file(name: string, text: string): string {
  const p = path.join(tempDir(), name);
  writeFileSync(p, text);
  return p;
}

const gateRatio = (dir: string) => /covenant_gate_pass_ratio\{sow="SPRINT-07"\} (\S+)/.exec(covenant(['metrics', dir]).stdout)?.[1];
const enforce = (dir: string) => {
  const p = path.join(dir, 'contracts/master_contract.yaml');
  writeFileSync(p, readFileSync(p, 'utf8').replace('risk_policy:', 'enforcement:\n  mode: enforce\nrisk_policy:'));
};

describe('gate results as recorded evidence', () => {
  it('a failing JUnit report for qa_signoff: pass ratio 0.5, an error under enforcement naming the gate; a passing one clears it', () => {
    const dir = exampleCopy();
    // passed of declared: design_review passed by hand in the example, qa_signoff has no result (not passed)
    expect(gateRatio(dir)).toBe('0.5');
    let r = covenant(
      ['record', 'SPRINT-07', 'qa_signoff', dir, '--junit', file('junit.xml', JUNIT_FAIL), '--source', 'https://ci.example/run/7'],
      dir,
      IDENTITY,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /Recorded SPRINT-07 qa_signoff: failed \(3 tests, 1 failing\) in contracts\/results\/SPRINT-07\/qa_signoff--\d{8}T\d{6}Z\.yaml by Cli Tester/,
    );
    const records = readdirSync(path.join(dir, 'contracts/results/SPRINT-07')).filter((f) => f.startsWith('qa_signoff'));
    const record = readFileSync(path.join(dir, 'contracts/results/SPRINT-07', records[0]!), 'utf8');
    expect(record).toContain('outcome: failed');
    expect(record).toContain('- checkout.applies voucher');
    expect(record).toMatch(/sha256: [0-9a-f]{64}/);
    expect(record).toContain('url: https://ci.example/run/7');
    expect(gateRatio(dir)).toBe('0.5');

    r = covenant(['validate', dir]);
    expect(r.code).toBe(0); // report mode (the default): a warning
    expect(r.stdout).toMatch(/SPRINT-07\.yaml:\d+:\d+ warning gate-failed Gate qa_signoff failed: 1 of 3 failed \(checkout\.applies voucher\)/);
    enforce(dir);
    r = covenant(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error gate-failed Gate qa_signoff failed/);

    // recorded a second later: the latest result decides
    r = covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--junit', file('junit.xml', JUNIT_PASS)], dir, IDENTITY);
    expect(r.code).toBe(0);
    expect(gateRatio(dir)).toBe('1');
    expect(covenant(['validate', dir]).code).toBe(0);
  });

  it('refuses a gate or criterion the SOW does not declare, and input that is not what it claims to be', () => {
    const dir = exampleCopy();
    let r = covenant(['record', 'SPRINT-07', 'security_review', dir, '--result', 'passed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SPRINT-07 declares no gate security_review; its gates are design_review, qa_signoff.');
    r = covenant(['record', 'SPRINT-07', dir, '--criterion', 'AC9', '--value', '87']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SPRINT-07 has no acceptance criterion AC9; its criteria are AC1, AC2.');
    r = covenant(['record', 'SPRINT-99', 'qa_signoff', dir, '--result', 'passed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('There is no valid SOW SPRINT-99');
    r = covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--junit', file('bad.xml', '<testsuite><testcase></testsuite>')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.xml is not well-formed XML \(line \d+/);
    r = covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--sarif', file('bad.sarif', '{"version": "2.0.0", "runs": []}')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.sarif is not a SARIF 2.1.0 log');
    r = covenant(['record', 'SPRINT-07', 'qa_signoff', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give exactly one of --junit FILE, --sarif FILE or --result passed|failed');
    expect(readdirSync(path.join(dir, 'contracts/results/SPRINT-07'))).toHaveLength(3); // only the example's own records
  });

  it('a report with a DOCTYPE, in UTF-16, or with a 6 MB test name: a clean sentence (exit 2), or a name kept short', () => {
    const dir = exampleCopy();
    const xxe = file(
      'xxe.xml',
      '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<testsuite tests="1"><testcase name="&e;"/></testsuite>\n',
    );
    const a = covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--junit', xxe], dir, IDENTITY);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('xxe.xml declares a DOCTYPE (line 2): Covenant does not read entity declarations in a report; remove it.');
    const u16 = path.join(tempDir(), 'u16.xml');
    writeFileSync(u16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<testsuite/>', 'utf16le')]));
    const b = covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--junit', u16], dir, IDENTITY);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('u16.xml: The file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8.');
    const long = file('long.xml', `<testsuite tests="1"><testcase name="${'a'.repeat(6 * 1024 * 1024)}"><failure/></testcase></testsuite>`);
    const c = covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--junit', long], dir, IDENTITY);
    expect(c.code).toBe(0);
    const recorded = readdirSync(path.join(dir, 'contracts/results/SPRINT-07')).find((f) => f.startsWith('qa_signoff--'))!;
    const text = readFileSync(path.join(dir, 'contracts/results/SPRINT-07', recorded), 'utf8');
    expect(text.length).toBeLessThan(2000);
    expect(text).toContain(`${'a'.repeat(299)}…`);
    const diags = (JSON.parse(covenant(['validate', dir, '--format', 'json']).stdout) as { diagnostics: { file: string }[] }).diagnostics;
    expect(diags.filter((d) => d.file.endsWith(recorded))).toEqual([]); // the record passes its own schema
  });

  it('of two results recorded in one second, the second decides (its file has the -2 suffix)', async () => {
    const { engineWith } = await import('../../helpers/workspace.js');
    const rec = (outcome: string) =>
      `sow: SPRINT-07\ngate: qa_signoff\noutcome: ${outcome}\nsource: {kind: hand}\nrecorded: {at: 2025-10-21T09:00:00Z, by: QA <qa@example.com>, commit: null}\n`;
    const model = engineWith({
      'contracts/results/SPRINT-07/qa_signoff--20251021T090000Z.yaml': rec('passed'),
      'contracts/results/SPRINT-07/qa_signoff--20251021T090000Z-2.yaml': rec('failed'),
    }).snapshot().model;
    const gate = model.gateStatuses(model.sow('SPRINT-07')!, '2025-10-22').find((g) => g.gate === 'qa_signoff')!;
    expect(gate.status).toBe('failed');
  });

  it('a SARIF log with an error-level result fails the gate; warnings alone pass it', () => {
    const dir = exampleCopy();
    const sarif = (level: string) =>
      JSON.stringify({
        version: '2.1.0',
        runs: [
          {
            tool: { driver: { name: 'semgrep' } },
            results: [{ ruleId: 'sql-injection', level, message: { text: 'user input reaches a query' }, locations: [] }],
          },
        ],
      });
    expect(covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--sarif', file('w.sarif', sarif('warning'))], dir, IDENTITY).code).toBe(0);
    expect(gateRatio(dir)).toBe('1');
    const r = covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--sarif', file('e.sarif', sarif('error'))], dir, IDENTITY);
    expect(r.stdout).toContain('qa_signoff: failed (1 test, 1 failing)');
    expect(gateRatio(dir)).toBe('0.5');
    expect(covenant(['validate', dir]).stdout).toContain('(sql-injection: user input reaches a query)');
  });

  it('a status typed into the SOW with no result behind it is unverified, and counts as neither passed nor failed', () => {
    const dir = exampleCopy();
    const sow = path.join(dir, 'contracts/sow/SPRINT-07.yaml');
    writeFileSync(
      sow,
      readFileSync(sow, 'utf8').replace('validator: validation_utils:functional_suite', 'validator: validation_utils:functional_suite\n    status: passed'),
    );
    const r = covenant(['validate', dir]);
    expect(r.stdout).toMatch(/warning gate-unverified Gate qa_signoff says passed, but no result is recorded for it/);
    expect(gateRatio(dir)).toBe('0.5'); // 1 passed (design_review, recorded) of 2 declared: the typed one is not counted
  });

  it('a result file naming an undeclared gate, or both a gate and a criterion, is a diagnostic', () => {
    const dir = exampleCopy();
    const at = (name: string, text: string) => writeFileSync(path.join(dir, 'contracts/results/SPRINT-07', name), text);
    at('ghost--20251020T100000Z.yaml', 'sow: SPRINT-07\ngate: ghost\noutcome: passed\nsource: {kind: hand}\nrecorded: {at: 2025-10-20T10:00:00Z}\n');
    at(
      'both--20251020T100000Z.yaml',
      'sow: SPRINT-07\ngate: qa_signoff\ncriterion: AC1\noutcome: passed\nsource: {kind: hand}\nrecorded: {at: 2025-10-20T10:00:00Z}\n',
    );
    const out = covenant(['validate', dir]).stdout;
    expect(out).toMatch(
      /ghost--20251020T100000Z\.yaml:2:7 error unknown-reference SPRINT-07 declares no gate ghost; its gates are design_review or qa_signoff\./,
    );
    expect(out).toMatch(/both--20251020T100000Z\.yaml:\d+:\d+ error schema A result is for one gate or one criterion, not both/);
    expect(gateRatio(dir)).toBe('0.5'); // neither file moved the figure: design_review of the two declared
  });

  it('a criterion value is recorded as a file of its own', () => {
    const dir = exampleCopy();
    const r = covenant(['record', 'SPRINT-07', dir, '--criterion', 'AC1', '--value', '87', '--note', 'SUS study, 12 users'], dir, IDENTITY);
    expect(r.code).toBe(0);
    const name = readdirSync(path.join(dir, 'contracts/results/SPRINT-07')).find((f) => f.startsWith('AC1--') && f !== 'AC1--20251020T160000Z.yaml')!;
    const text = readFileSync(path.join(dir, 'contracts/results/SPRINT-07', name), 'utf8');
    expect(text).toMatch(/^sow: SPRINT-07\ncriterion: AC1\nvalue: 87\n/);
    expect(text).toContain('note: SUS study, 12 users');
    expect(covenant(['validate', dir]).code).toBe(0);
  });
});

describe('recording a result in the app', () => {
  const sessions: Session[] = [];
  afterEach(async () => {
    while (sessions.length) await sessions.pop()!.close();
  });

  it('records by hand with the person and a note; the dashboard shows the gate from it and says the mode', async () => {
    const dir = exampleCopy();
    const state = new AppState(tempDir());
    const session = new Session({ mode: 'browser', state, watch: false });
    sessions.push(session);
    await session.open(dir);
    await expect(session.handlers['results.record']({ sow: 'SPRINT-07', gate: 'qa_signoff', outcome: 'failed' })).rejects.toMatchObject({
      reason: 'no-author',
    });
    await session.handlers['settings.setAuthor']({ name: 'Quinn QA', email: 'quinn@example.com' });
    const { path: rel } = await session.handlers['results.record']({
      sow: 'SPRINT-07',
      gate: 'qa_signoff',
      outcome: 'failed',
      note: 'Voucher flow broken on Safari',
    });
    const text = readFileSync(path.join(dir, rel), 'utf8');
    expect(text).toContain('by: Quinn QA <quinn@example.com>');
    expect(text).toContain('note: Voucher flow broken on Safari');
    expect(text).toContain('kind: hand');
    const dash = await session.handlers['dashboard.get']();
    expect(dash.enforcement).toBe('report');
    const gate = dash.sows[0]!.gates.find((g) => g.name === 'qa_signoff')!;
    expect(gate).toMatchObject({ status: 'failed', result: { path: rel, by: 'Quinn QA <quinn@example.com>', note: 'Voucher flow broken on Safari' } });
    expect(dash.sows[0]!.gatePassRatio).toBe(0.5);
    await expect(session.handlers['results.record']({ sow: 'SPRINT-07', gate: 'nope', outcome: 'passed' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('CI formats', () => {
  function broken(): string {
    const dir = exampleCopy();
    const cr = path.join(dir, 'contracts/changes/CR-42.yaml');
    writeFileSync(cr, readFileSync(cr, 'utf8').replace('status: approved', 'status: aproved').replace('risk_score: 5', 'risk_score: 5 # "quoted" & <tagged>'));
    covenant(['record', 'SPRINT-07', 'qa_signoff', dir, '--junit', file('j.xml', JUNIT_FAIL)], dir, IDENTITY);
    return dir;
  }

  it('SARIF 2.1.0 that validates against the published schema, with rule ids and regions', () => {
    const dir = broken();
    const r = covenant(['validate', dir, '--format', 'sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const validate = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false, logger: false }).compile(sarifSchema);
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const results = log.runs[0].results as {
      ruleId: string;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    }[];
    expect(
      results.map((x) => [x.ruleId, x.level, x.locations[0]!.physicalLocation.artifactLocation.uri, x.locations[0]!.physicalLocation.region.startLine]),
    ).toEqual([
      ['schema', 'error', 'contracts/changes/CR-42.yaml', 12],
      ['gate-failed', 'warning', 'contracts/sow/SPRINT-07.yaml', 16],
    ]);
    expect(log.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['gate-failed', 'schema']);
  });

  it('JUnit XML with one failure per error; GitHub workflow commands with file, line and column', () => {
    const dir = broken();
    const junit = covenant(['validate', dir, '--format', 'junit']);
    expect(junit.code).toBe(1);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junit.stdout);
    expect(doc.testsuites.failures).toBe('1');
    const cases = doc.testsuites.testsuite.testcase as { name: string; failure?: { message: string } }[];
    const failed = cases.filter((c) => c.failure);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.name).toBe('schema at contracts/changes/CR-42.yaml:12:11');
    expect(failed[0]!.failure!.message).toContain('decision.status must be one of');
    expect(cases.map((c) => c.name)).toContain('contracts/master_contract.yaml');

    const gh = covenant(['validate', dir, '--format', 'github']);
    expect(gh.code).toBe(1);
    const lines = gh.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^::error file=contracts\/changes\/CR-42\.yaml,line=12,col=11,endLine=12,endColumn=18,title=covenant schema::decision\.status must be one of/,
    );
    expect(lines[1]).toMatch(/^::warning file=contracts\/sow\/SPRINT-07\.yaml,line=16,col=11,.*::Gate qa_signoff failed/);
  });
});
