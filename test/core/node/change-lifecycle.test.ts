// The change runs to the end, judged by the rules of its day (issue 14, items 8 and 9): a decided CR is judged against
// the master in force on its decision date (from git history), and an approved change is implemented by an addendum.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { commitAt, sysgit } from '../../helpers/git.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const MASTER = 'contracts/master_contract.yaml';
const CR42 = 'contracts/changes/CR-42.yaml';
const SOW = 'contracts/sow/SPRINT-07.yaml';

function edit(dir: string, rel: string, from: string, to: string): void {
  const file = path.join(dir, rel);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${rel} does not hold ${from}`);
  writeFileSync(file, text.replace(from, to));
}

/**
 * The example as a repository with a history: the master signed on 2025-10-11 (schedule threshold 10 days), CR-42
 * (slip 4, minor) approved on 2025-10-15, then the threshold tightened to 3 days on 2025-10-20.
 */
function tightened(): { dir: string; first: string; second: string } {
  const dir = exampleCopy();
  sysgit(dir, 'init', '-q', '-b', 'main');
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-11T09:00:00Z', 'Master contract signed');
  const first = sysgit(dir, 'rev-parse', 'HEAD').trim();
  edit(dir, MASTER, 'schedule_slip_days_major: 10', 'schedule_slip_days_major: 3');
  sysgit(dir, 'add', '-A');
  commitAt(dir, '2025-10-20T09:00:00Z', 'Tighten the schedule threshold');
  return { dir, first, second: sysgit(dir, 'rev-parse', 'HEAD').trim() };
}

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

describe('thresholds in force on the decision date', () => {
  it('tightening a threshold later never turns a past decision into an error; a proposed change meets the new one', () => {
    const { dir, first, second } = tightened();
    const v = covenant(['validate', dir]);
    expect(v.stdout).not.toContain('threshold-eval-mismatch');
    expect(v.code).toBe(0);
    const e = covenant(['evaluate', 'CR-42', dir]);
    expect(e.stdout).toContain(
      `CR-42: minor (declared minor)\n  judged against master-2025-10 at ${first.slice(0, 7)} (committed 2025-10-11), in force on 2025-10-15\n`,
    );
    expect(JSON.parse(covenant(['evaluate', 'CR-42', dir, '--format', 'json']).stdout).master.commit).toBe(first);
    // the same slip, still proposed: judged against today's master, so major, and the declared minor is an error
    writeFileSync(
      path.join(dir, 'contracts/changes/CR-43.yaml'),
      'id: CR-43\nsummary: Same slip, later\ncreated: 2025-10-21\nimpact_analysis: {budget_delta_pct: 7, schedule_slip_days: 4, risk_score: 5}\nthreshold_eval: minor\ndecision: {status: proposed}\n',
    );
    const after = covenant(['validate', dir, '--today', '2025-10-21']);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain(
      `contracts/changes/CR-43.yaml:5:17 error threshold-eval-mismatch threshold_eval is minor, but the change is major under the thresholds of master-2025-10 at ${second.slice(0, 7)} (committed 2025-10-20): schedule slip 4 days exceeds 3 days.`,
    );
  });

  it('without history the master counts from its effective_date: the same tightening is an error (the check can fail)', () => {
    const dir = exampleCopy();
    edit(dir, MASTER, 'schedule_slip_days_major: 10', 'schedule_slip_days_major: 3');
    const v = covenant(['validate', dir]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(
      'threshold_eval is minor, but the change is major under the thresholds of master-2025-10 as saved (not committed; effective 2025-10-11), in force on 2025-10-15',
    );
  });

  it('uncommitted edits to the thresholds judge only proposed changes; the app, the wizard and the PDF name the version', async () => {
    const { dir, first } = tightened();
    edit(dir, MASTER, 'risk_score_major: 8', 'risk_score_major: 4'); // CR-42's risk 5 would cross it
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    sessions.push(session);
    await session.open(dir);
    const d = await session.handlers['dashboard.get']();
    expect(d.diagnostics.error).toBe(0);
    expect(d.crs.find((c) => c.id === 'CR-42')!.judgedAgainst).toBe(`master-2025-10 at ${first.slice(0, 7)} (committed 2025-10-11)`);
    const ctx = await session.handlers['wizard.crContext']();
    expect(ctx.master.label).toBe('master-2025-10 as saved (with changes not committed; effective 2025-10-11)');
    expect(ctx.masterVersions.map((m) => [m.date, m.thresholds?.schedule_slip_days_major])).toEqual([
      ['2025-10-11', 10],
      ['2025-10-20', 3],
    ]);
    const pdf = await session.handlers['pdf.export']({ scope: 'cr', id: 'CR-42' });
    const out = path.join(tempDir(), 'cr.pdf');
    writeFileSync(out, Buffer.from(pdf.base64, 'base64'));
    const { execFileSync } = await import('node:child_process');
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    expect(text.replace(/\s+/g, ' ')).toContain(`Judged against: master-2025-10 at ${first.slice(0, 7)} (committed 2025-10-11), in force on 2025-10-15`);
  });
});

describe('the addendum of an approved change', () => {
  it('is drafted, applied as one reviewed change (the SOW edited, the CR implemented), and then validates clean', () => {
    const dir = exampleCopy();
    const draft = covenant(['addendum', 'CR-42', dir, '--set', `${SOW}:dates.end=2025-10-28`, '--summary', 'Four more days'], undefined, IDENTITY);
    expect(draft.stderr).toBe('');
    expect(draft.stdout).toContain('contracts/sow/SPRINT-07.yaml dates.end: "2025-10-24" -> "2025-10-28"');
    const addendum = path.join(dir, 'contracts/addenda/CR-42.yaml');
    expect(readFileSync(addendum, 'utf8')).toContain(
      'edits:\n  - file: contracts/sow/SPRINT-07.yaml\n    field: dates.end\n    from: 2025-10-24\n    to: 2025-10-28\n',
    );
    expect(readFileSync(path.join(dir, CR42), 'utf8')).toContain('addendum: contracts/addenda/CR-42.yaml\n');
    expect(readFileSync(path.join(dir, SOW), 'utf8')).toContain('end: 2025-10-24'); // a draft edits nothing yet
    const applied = covenant(['addendum', 'CR-42', dir, '--apply'], undefined, IDENTITY);
    expect(applied.stdout).toContain('CR-42 implemented');
    expect(readFileSync(path.join(dir, SOW), 'utf8')).toContain('dates: {start: 2025-10-13, end: 2025-10-28}');
    expect(readFileSync(addendum, 'utf8')).toMatch(/applied:\n {2}at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n {2}by: Cli Tester <cli@example.com>\n/);
    expect(readFileSync(path.join(dir, CR42), 'utf8')).toMatch(/\nimplemented: \d{4}-\d\d-\d\d\n/);
    // as of the SOW's new last day (after it, qa_signoff, which never ran, is a missing gate)
    const v = covenant(['validate', dir, '--format', 'json', '--today', '2025-10-28']);
    expect(JSON.parse(v.stdout).diagnostics.filter((x: { severity: string }) => x.severity !== 'info')).toEqual([]);
    expect(v.code).toBe(0);
    // applied once: a second round is refused
    const again = covenant(['addendum', 'CR-42', dir, '--set', `${SOW}:dates.end=2025-10-30`], undefined, IDENTITY);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('a further change to the contract needs a change request of its own');
  });

  it('refuses a proposed change, a field someone changed since, a hostile file, and a value that is a map', () => {
    const dir = exampleCopy();
    edit(dir, CR42, 'status: approved', 'status: proposed');
    const proposed = covenant(['addendum', 'CR-42', dir, '--set', `${SOW}:dates.end=2025-10-28`, '--apply'], undefined, IDENTITY);
    expect(proposed.code).toBe(2);
    expect(proposed.stderr).toContain('CR-42 is proposed; only an approved change is implemented');
    edit(dir, CR42, 'status: proposed', 'status: approved');
    expect(covenant(['addendum', 'CR-42', dir, '--set', `${SOW}:dates.end=2025-10-28`], undefined, IDENTITY).code).toBe(0);
    edit(dir, SOW, 'end: 2025-10-24', 'end: 2025-10-25'); // someone moved it meanwhile
    const stale = covenant(['addendum', 'CR-42', dir, '--apply'], undefined, IDENTITY);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('contracts/sow/SPRINT-07.yaml dates.end is "2025-10-25" now, not "2025-10-24" as the addendum expects');
    const hostile = covenant(['addendum', 'CR-42', dir, '--set', '../../etc/passwd:x=1'], undefined, IDENTITY);
    expect(hostile.code).toBe(2);
    expect(hostile.stderr).toContain('is not the master contract or a SOW');
    const map = covenant(['addendum', 'CR-42', dir, '--set', `${SOW}:dates={start: 1}`], undefined, IDENTITY);
    expect(map.code).toBe(2);
    expect(map.stderr).toContain('an addendum sets one field at a time');
  });

  it('implemented without an applied addendum is an error; an approved major change without one is a reminder', () => {
    const dir = exampleCopy();
    edit(dir, CR42, 'addendum: null', 'addendum: null\nimplemented: 2025-10-16');
    const v = covenant(['validate', dir]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('error addendum-mismatch implemented is set, but there is no addendum listing the edits');
    edit(dir, CR42, 'addendum: null\nimplemented: 2025-10-16', 'addendum: null');
    edit(dir, CR42, 'schedule_slip_days: 4', 'schedule_slip_days: 12');
    edit(dir, CR42, 'threshold_eval: minor', 'threshold_eval: major');
    const info = covenant(['validate', dir, '--format', 'json']);
    const codes = JSON.parse(info.stdout).diagnostics.map((x: { code: string; severity: string }) => `${x.severity} ${x.code}`);
    expect(codes).toContain('info addendum-missing');
  });

  it('the app drafts and applies through the same API, and the dashboard shows the stage', async () => {
    const dir = exampleCopy();
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    sessions.push(session);
    await session.open(dir);
    await session.handlers['settings.setAuthor']({ name: 'Ann Lead', email: 'ann@example.com' }).catch(() => undefined);
    const preview = await session.handlers['addendum.preview']({ cr: 'CR-42', apply: true, edits: [{ file: SOW, field: 'dates.end', to: '2025-10-28' }] });
    expect(preview.diagnostics).toEqual([]);
    expect(preview.files.map((f) => f.path).sort()).toEqual(['contracts/addenda/CR-42.yaml', CR42, SOW]);
    const written = await session.handlers['addendum.write']({ cr: 'CR-42', apply: true, edits: [{ file: SOW, field: 'dates.end', to: '2025-10-28' }] });
    expect(written).toHaveLength(3);
    const d = await session.handlers['dashboard.get']();
    expect(d.crs.find((c) => c.id === 'CR-42')).toMatchObject({ stage: 'implemented', addendum: 'contracts/addenda/CR-42.yaml' });
  });
});
