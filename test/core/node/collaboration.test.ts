// Measured, not typed (issue 14, item 6): review turnaround, defect triage, every decision-rights row, escalation
// steps and iteration_forecast_error come from files and history; each test changes an input and sees the figure move.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeCollaboration } from '../../../core/common/collaboration.js';
import type { Diagnostic } from '../../../core/common/diagnostics.js';
import { parseDefectExport, parseTrackerTime } from '../../../core/node/defects.js';
import { covenant, IDENTITY } from '../../helpers/cli.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { edited, engineWith, MASTER, seedSkeletons, SOW } from '../../helpers/workspace.js';

const ESCALATION =
  '      sla_days: 3\n  escalation:\n    - after_days: 5\n      notify: [dev_lead]\n    - after_days: 8\n      notify: [client, steering_committee]\n';
const RIGHTS =
  '      sla_days: 3\n    - area: budget\n      owner: client\n      sla_days: 5\n    - area: architecture\n      owner: dev_lead\n      sla_days: 10\n';
const CR_43 = (extra = '') =>
  `id: CR-43\nsummary: Add SSO\nrequestor: client\ncreated: 2025-10-13\nimpact_analysis: {budget_delta_pct: 2, schedule_slip_days: 1, risk_score: 2}\nthreshold_eval: minor\ndecision: {status: proposed}\n${extra}`;
const CR43 = 'contracts/changes/CR-43.yaml';

function figures(changes: Record<string, string | null>, today = '2025-10-20') {
  const snap = engineWith(changes).snapshot();
  return snap.figures(today).compliance;
}

function diags(changes: Record<string, string | null>, today = '2025-10-20'): Diagnostic[] {
  return engineWith(changes).validate({ today }).diagnostics;
}

describe('review turnaround, from review records', () => {
  it('is measured from the request to the first completed review, and moves when the review is earlier', () => {
    const slow = figures({
      [CR43]: CR_43('reviews:\n  - {by: client, at: 2025-10-13T10:00:00Z, outcome: comment}\n  - {by: client, at: 2025-10-15T12:00:00Z, outcome: approve}\n'),
    });
    const r = slow.collaboration.reviews.find((x) => x.cr === 'CR-43')!;
    // created 2025-10-13 with no commit time: counted from the start of that day; the comment does not complete it
    expect(r).toMatchObject({ requested: '2025-10-13T00:00:00.000Z', requestedFrom: 'created', hours: 60, withinSlo: false });
    expect(r.reviewed).toMatchObject({ by: 'client', from: 'review' });
    const fast = figures({ [CR43]: CR_43('reviews:\n  - {by: client, at: 2025-10-13T20:00:00Z, outcome: request_changes}\n') });
    expect(fast.collaboration.reviews.find((x) => x.cr === 'CR-43')).toMatchObject({ hours: 20, withinSlo: true });
    // CR-42 (decided, no review recorded, no creation date) is unknown, not 0
    expect(fast.collaboration.reviews.find((x) => x.cr === 'CR-42')!.hours).toBeNull();
    expect(slow.reviewSlaAdherence).toBe(0);
    expect(fast.reviewSlaAdherence).toBe(1);
  });

  it('decision response counts any answer, a comment too, against decision_response_hours', () => {
    const master = edited(MASTER, '  defect_triage_hours: 24\n', '  defect_triage_hours: 24\n  decision_response_hours: 4\n');
    const comment = 'reviews:\n  - {by: client, at: 2025-10-13T03:00:00Z, outcome: comment}\n  - {by: client, at: 2025-10-15T12:00:00Z, outcome: approve}\n';
    const quick = figures({ [MASTER]: master, [CR43]: CR_43(comment) }).collaboration;
    expect(quick.decisionResponse).toMatchObject({ sloHours: 4, count: 1, median: 3, adherence: 1 });
    expect(quick.reviewTurnaround).toMatchObject({ count: 1, median: 60, adherence: 0 });
    const late = figures({ [MASTER]: master, [CR43]: CR_43(comment.replace('T03:00', 'T09:00')) }).collaboration;
    expect(late.decisionResponse).toMatchObject({ median: 9, adherence: 0 });
    // without the SLO in the master nothing is judged, and the figure is unknown rather than 0
    expect(figures({ [CR43]: CR_43(comment) }).collaboration.decisionResponse).toMatchObject({ sloHours: null, adherence: null });
  });

  it('a request waiting past the SLO is a review-overdue finding: a warning when reporting, an error when enforcing', () => {
    const waiting = diags({ [CR43]: CR_43() }).find((d) => d.code === 'review-overdue');
    expect(waiting).toMatchObject({ file: CR43, severity: 'warning' });
    expect(waiting!.message).toContain('the review turnaround SLO is 24 hours');
    const enforced = diags({ [CR43]: CR_43(), [MASTER]: `${readMaster()}enforcement: {mode: enforce}\n` }).find((d) => d.code === 'review-overdue');
    expect(enforced!.severity).toBe('error');
    // within the SLO on the day it was created: nothing yet
    expect(diags({ [CR43]: CR_43() }, '2025-10-13').some((d) => d.code === 'review-overdue')).toBe(false);
  });

  it('covenant review stamps who and when into the CR, and the turnaround follows', () => {
    const ws = exampleCopy();
    writeFileSync(path.join(ws, CR43), CR_43());
    const r = covenant(['review', 'CR-43', ws, '--outcome', 'approve', '--note', 'fine by us'], undefined, IDENTITY);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(path.join(ws, CR43), 'utf8');
    expect(text).toMatch(/reviews: \[\{by: Cli Tester <cli@example.com>, at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, outcome: approve, note: fine by us\}\]/);
    expect(covenant(['validate', ws]).code).toBe(0);
    const bad = covenant(['review', 'CR-43', ws, '--outcome', 'maybe'], undefined, IDENTITY);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('maybe');
  });
});

const readMaster = () => seedSkeletons().master;

describe('defect triage, from a tracker export', () => {
  const JIRA_CSV = [
    'Issue key,Summary,Priority,Created,Triaged,Sprint',
    'ONB-101,Signup button misaligned,High,13/Oct/25 9:12 AM,13/Oct/25 3:40 PM,SPRINT-07',
    'ONB-102,Email typo,Low,2025-10-14T08:00:00Z,2025-10-16T08:00:00Z,SPRINT-07',
    'ONB-103,Crash on back,Highest,2025-10-20 10:00,,SPRINT-07',
  ].join('\n');

  it('reads times in ISO, plain and Jira formats, and refuses what is not a time', () => {
    expect(parseTrackerTime('13/Oct/25 3:40 PM')).toBe('2025-10-13T15:40:00Z');
    expect(parseTrackerTime('2025-10-14T10:00:00+02:00')).toBe('2025-10-14T08:00:00Z');
    expect(parseTrackerTime('2025-10-14')).toBe('2025-10-14T00:00:00Z');
    expect(parseTrackerTime('yesterday')).toBeNull();
    expect(() => parseDefectExport('key,created\nA-1,yesterday\n', 'bugs.csv')).toThrow(
      'bugs.csv line 2: created is "yesterday", which is not a time (expected ISO 8601 such as 2025-10-14T09:12:00Z, or 14/Oct/25 9:12 AM).',
    );
    expect(() => parseDefectExport('summary,when\nx,2025-10-01\n', 'bugs.csv')).toThrow(/bugs.csv has no id column .* --map id=COLUMN/);
    expect(() => parseDefectExport('[1, 2', 'bugs.json')).toThrow(/bugs.json is not valid JSON/);
  });

  it('reads Jira JSON (fields under fields:) and a mapped column', () => {
    const json = JSON.stringify({ issues: [{ key: 'ONB-7', fields: { summary: 'x', created: '2025-10-14T08:00:00.000+0000', priority: { name: 'High' } } }] });
    expect(parseDefectExport(json, 'jira.json').defects).toEqual([{ id: 'ONB-7', title: 'x', severity: 'High', reported: '2025-10-14T08:00:00Z' }]);
    const mapped = parseDefectExport('id,opened,First triage\nB-1,2025-10-01T00:00:00Z,2025-10-01T05:00:00Z\n', 'b.csv', { map: { triaged: 'First triage' } });
    expect(mapped.defects[0]!.triaged).toBe('2025-10-01T05:00:00Z');
  });

  it('covenant import-defects writes contracts/defects/, triage adherence follows it, and a re-import replaces it', () => {
    const ws = exampleCopy();
    const file = path.join(tempDir(), 'onboarding-tracker.csv');
    writeFileSync(file, JIRA_CSV);
    const r = covenant(['import-defects', file, ws], undefined, IDENTITY);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Imported 3 defects into contracts/defects/onboarding-tracker.yaml');
    const metrics = (today: string) => covenant(['metrics', ws, '--today', today]).stdout;
    const line = (t: string, name: string) => t.split('\n').find((l) => l.startsWith(`${name} `));
    // 6.5 h within 24, 48 h late; ONB-103 reported 10:00 on the 20th: waiting, not late by the end of the 20th
    let t = metrics('2025-10-20');
    expect(line(t, 'covenant_defect_triage_adherence_ratio')).toBe('covenant_defect_triage_adherence_ratio 0.5');
    expect(line(t, 'covenant_defects_untriaged{overdue="false"}')).toBe('covenant_defects_untriaged{overdue="false"} 1');
    // two days later ONB-103 is late too
    t = metrics('2025-10-22');
    expect(line(t, 'covenant_defect_triage_adherence_ratio')).toBe('covenant_defect_triage_adherence_ratio 0.3333333333333333');
    const v = covenant(['validate', ws, '--today', '2025-10-22']);
    expect(v.stdout).toContain('contracts/defects/onboarding-tracker.yaml:20:9 warning triage-overdue Defect ONB-103');
    // triaged in the tracker, exported again: the same file is replaced and the finding is gone
    writeFileSync(file, JIRA_CSV.replace('2025-10-20 10:00,,', '2025-10-20 10:00,2025-10-20 12:00,'));
    expect(covenant(['import-defects', file, ws], undefined, IDENTITY).code).toBe(0);
    t = metrics('2025-10-22');
    expect(line(t, 'covenant_defect_triage_adherence_ratio')).toBe('covenant_defect_triage_adherence_ratio 0.6666666666666666');
    expect(covenant(['validate', ws, '--today', '2025-10-22']).stdout).not.toContain('triage-overdue');
  });
});

describe('decision rights, every row', () => {
  it('a CR is decided under its area: that SLA times it, that owner decides, an unknown area is an error', () => {
    const master = edited(MASTER, '      sla_days: 3\n', RIGHTS);
    const budget = CR_43().replace('summary:', 'area: budget\nsummary:');
    // budget SLA 5 days: created the 13th, overdue on the 19th, not on the 18th
    expect(diags({ [MASTER]: master, [CR43]: budget }, '2025-10-18').some((d) => d.code === 'decision-overdue')).toBe(false);
    const overdue = diags({ [MASTER]: master, [CR43]: budget }, '2025-10-19').find((d) => d.code === 'decision-overdue');
    expect(overdue!.message).toBe('This change has been proposed since 2025-10-13 (6 days); the budget decision SLA is 5 days (owner client).');
    const unknown = diags({ [MASTER]: master, [CR43]: CR_43().replace('summary:', 'area: legal\nsummary:') }).find((d) => d.code === 'unknown-reference');
    expect(unknown!.message).toBe('area legal is no decision-rights area of the master contract; expected scope, budget or architecture.');
    const notOwner = diags({
      [MASTER]: master,
      [CR43]: budget.replace('decision: {status: proposed}', 'decision: {status: approved, approvers: [steering_committee], date: 2025-10-14}'),
    }).find((d) => d.code === 'decision-owner');
    expect(notOwner!.message).toContain('Decisions in the budget area belong to client');
    const c = figures({ [MASTER]: master, [CR43]: budget }, '2025-10-19');
    expect(c.collaboration.decisionRights.map((r) => [r.area, r.owner, r.slaDays, r.open, r.overdue])).toEqual([
      ['scope', 'steering_committee', 3, 0, 0],
      ['budget', 'client', 5, 1, 1],
      ['architecture', 'dev_lead', 10, 0, 0],
    ]);
  });
});

describe('escalation steps', () => {
  it('fire on an open decision by the days it has waited, naming who is notified and what comes next', () => {
    const master = edited(MASTER, '      sla_days: 3\n', ESCALATION);
    const at = (today: string) => figures({ [MASTER]: master, [CR43]: CR_43() }, today).collaboration.escalations;
    expect(at('2025-10-17')).toEqual([]);
    expect(at('2025-10-18')).toEqual([
      {
        cr: 'CR-43',
        path: CR43,
        area: 'scope',
        openDays: 5,
        step: 1,
        afterDays: 5,
        notify: ['dev_lead'],
        next: { afterDays: 8, notify: ['client', 'steering_committee'] },
      },
    ]);
    expect(at('2025-10-22')[0]).toMatchObject({ step: 2, notify: ['client', 'steering_committee'], next: null });
    const overdue = diags({ [MASTER]: master, [CR43]: CR_43() }, '2025-10-22').find((d) => d.code === 'decision-overdue');
    expect(overdue!.message).toContain('Escalation step 2 (after 8 days): notify client, steering_committee.');
  });
});

describe('iteration_forecast_error', () => {
  const PASSED = (gate: string, at: string) =>
    `sow: SPRINT-07\ngate: ${gate}\noutcome: passed\nsource: {kind: hand}\nrecorded: {at: ${at}, by: QA <qa@example.com>, commit: null}\n`;

  it('cost from the forecast against the ledger actual; schedule from the day the last gate passed', () => {
    const sow = edited(
      SOW,
      'dates: {start: 2025-10-13, end: 2025-10-24}',
      'dates: {start: 2025-10-13, end: 2025-10-24}\nforecast: {cost: 50000, end: 2025-10-24}',
    );
    const qa = 'contracts/results/SPRINT-07/qa_signoff--20251028T090000Z.yaml';
    let f = figures({ [SOW]: sow }).collaboration.forecasts[0]!;
    expect(f.cost).toEqual({ forecast: 50000, forecastFrom: 'forecast', actual: 51250.5, error: 0.025 });
    // qa_signoff has no result: the end is unknown, never a guess
    expect(f.schedule).toMatchObject({
      forecastEnd: '2025-10-24',
      actualEnd: null,
      error: null,
      pendingReason: 'not every gate has passed (qa_signoff: pending)',
    });
    f = figures({ [SOW]: sow, [qa]: PASSED('qa_signoff', '2025-10-28T09:00:00Z') }).collaboration.forecasts[0]!;
    // 4 days late over a 12-day iteration
    expect(f.schedule).toMatchObject({ actualEnd: '2025-10-28', slipDays: 4, error: 0.3333 });
    // without a forecast the ledger's target is the cost forecast, and says so
    f = figures({}).collaboration.forecasts[0]!;
    expect(f.cost).toEqual({ forecast: 48000, forecastFrom: 'ledger target', actual: 51250.5, error: 0.0677 });
  });

  it('is unknown without a ledger entry, not 0', () => {
    const model = engineWith({ 'contracts/ledger.yaml': 'currency: EUR\nentries: []\n' }).snapshot().model;
    const c = computeCollaboration({ model, today: '2025-10-20', now: Date.parse('2025-10-20T12:00:00Z'), leadDays: new Map() });
    expect(c.forecasts[0]!.cost).toEqual({ forecast: null, forecastFrom: null, actual: null, error: null });
  });
});

describe('approval routing', () => {
  it('names the members awaited for an open change, its due date from the SLA, and whether it is past', () => {
    const master = edited(
      MASTER,
      '  decision_rights:',
      '  members:\n    - {id: ana, name: Ana Client, roles: [client, steering_committee]}\n    - {id: sam, name: Sam Supplier, roles: [supplier, dev_lead, design_lead]}\n  decision_rights:',
    );
    const c = figures({ [MASTER]: master, [CR43]: CR_43() }, '2025-10-20');
    expect(c.crs.find((x) => x.id === 'CR-43')!.approvals).toMatchObject({ required: 'steering_committee', signed: [], awaited: ['ana'], due: '2025-10-16' });
    expect(c.pendingApprovals).toEqual([{ member: 'ana', name: 'Ana Client', cr: 'CR-43', path: CR43, due: '2025-10-16', overdue: true }]);
    expect(figures({ [MASTER]: master, [CR43]: CR_43() }, '2025-10-15').pendingApprovals[0]!.overdue).toBe(false);
    // decided: nobody is awaited any more
    expect(figures({ [MASTER]: master }, '2025-10-20').pendingApprovals).toEqual([]);
  });
});
