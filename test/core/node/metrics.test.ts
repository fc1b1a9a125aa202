import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { quantile } from '../../../core/common/compliance.js';
import { prometheusText } from '../../../core/node/metrics.js';
import { CR, edited, engineWith, SOW } from '../../helpers/workspace.js';
import { covenant } from '../../helpers/cli.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

const AC2_LOW =
  'sow: SPRINT-07\ncriterion: AC2\nvalue: 10\nsource: {kind: value}\nrecorded: {at: 2025-10-22T10:00:00Z, by: Avi Analyst <avi@example.com>, commit: null}\n';
const QA_FAILED =
  'sow: SPRINT-07\ngate: qa_signoff\noutcome: failed\nsource: {kind: junit, file: junit.xml}\nrecorded: {at: 2025-10-20T10:00:00Z, by: CI <ci@example.com>, commit: null}\n';

/** The example with more life in it: decided gates, met criteria, several CRs and ledger periods. */
function fixture(): string {
  const ws = exampleCopy();
  const p = (rel: string) => path.join(ws, rel);
  const sow = readFileSync(p('contracts/sow/SPRINT-07.yaml'), 'utf8')
    .replace('    evidence: test_reports/usability_2025-10-20.md', '    evidence: test_reports/usability_2025-10-20.md\n    status: met')
    .replace('    evidence: analytics/exp_123.csv', '    evidence: analytics/exp_123.csv\n    status: pending');
  writeFileSync(p('contracts/sow/SPRINT-07.yaml'), sow);
  // gates from recorded results: design_review passed (the example's own record), qa_signoff failed
  writeFileSync(p('contracts/results/SPRINT-07/qa_signoff--20251020T100000Z.yaml'), QA_FAILED);
  // AC1 met (87 recorded against >= 85), AC2 measured again later: a 10% decrease, below its >= 15 target
  writeFileSync(p('contracts/results/SPRINT-07/AC2--20251022T100000Z.yaml'), AC2_LOW);
  const cr = readFileSync(p('contracts/changes/CR-42.yaml'), 'utf8').replace('summary:', 'created: 2025-10-13\nsummary:');
  writeFileSync(p('contracts/changes/CR-42.yaml'), cr); // decided 2025-10-15: 2 days, within the 3-day SLA
  writeFileSync(
    p('contracts/changes/CR-43.yaml'),
    'id: CR-43\nsummary: Add SSO\ncreated: 2025-10-01\nimpact_analysis: {budget_delta_pct: 12, schedule_slip_days: 2, risk_score: 3}\nthreshold_eval: major\ndecision: {status: rejected, approvers: [steering_committee], date: 2025-10-11}\n',
  ); // 10 days: outside the SLA
  writeFileSync(
    p('contracts/changes/CR-44.yaml'),
    'id: CR-44\nsummary: Dark mode\ncreated: 2025-10-18\nimpact_analysis: {budget_delta_pct: 1, schedule_slip_days: 0, risk_score: 1}\nthreshold_eval: minor\ndecision: {status: proposed}\n',
  );
  writeFileSync(p('contracts/ledger.yaml'), 'currency: EUR\nentries:\n  - {period: SPRINT-07, target_cost: 48000, actual_cost: 51250.50}\n');
  return ws;
}

function metric(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  if (!found) throw new Error(`no metric line ${line}`);
  return Number(found.slice(line.length + 1));
}

describe('compliance figures and the Prometheus export', () => {
  it('quantiles are nearest-rank', () => {
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('computes the figures of a fixture workspace from its typed model', () => {
    const sow = edited(
      SOW,
      '    evidence: test_reports/usability_2025-10-20.md',
      '    evidence: test_reports/usability_2025-10-20.md\n    status: met',
      '    evidence: analytics/exp_123.csv',
      '    evidence: missing.md\n    status: met',
    );
    const cr = edited(CR, 'summary:', 'created: 2025-10-13\nsummary:');
    const major = 'id: CR-43\nsummary: SSO\nimpact_analysis: {budget_delta_pct: 11, schedule_slip_days: 0, risk_score: 0}\ndecision: {status: proposed}\n';
    const snap = engineWith({
      [SOW]: sow,
      [CR]: cr,
      'contracts/changes/CR-43.yaml': major,
      'contracts/results/SPRINT-07/qa_signoff--20251020T100000Z.yaml': QA_FAILED,
      'contracts/results/SPRINT-07/AC2--20251022T100000Z.yaml': AC2_LOW,
    }).snapshot();
    const c = snap.figures('2025-10-20').compliance;
    expect(c.sows[0]).toMatchObject({ gatePassRatio: 0.5, criteriaMetRatio: 0.5 });
    expect(c.openChangeRequests).toBe(1);
    expect(c.changeRequests).toEqual([
      { verdict: 'major', status: 'proposed', count: 1 },
      { verdict: 'minor', status: 'approved', count: 1 },
    ]);
    expect(c.leadTime).toMatchObject({ count: 1, median: 2, p90: 2 });
    expect(c.decisionSlaAdherence).toBe(1);
  });

  it('covenant metrics prints every metric with HELP and TYPE, the values of the workspace, and passes promtool', () => {
    const ws = fixture();
    const r = covenant(['metrics', ws, '--today', '2025-10-20']);
    expect(r.code).toBe(0);
    const t = r.stdout;
    for (const name of [
      'covenant_open_change_requests',
      'covenant_change_requests',
      'covenant_gate_pass_ratio',
      'covenant_acceptance_criteria_met_ratio',
      'covenant_change_lead_time_seconds',
      'covenant_review_sla_adherence_ratio',
      'covenant_decision_sla_adherence_ratio',
      'covenant_review_turnaround_seconds',
      'covenant_defect_triage_seconds',
      'covenant_defects_untriaged',
      'covenant_escalation_step',
      'covenant_iteration_forecast_error',
      'covenant_ledger_variance',
      'covenant_ledger_supplier_share',
      'covenant_ledger_client_share',
      'covenant_validation_diagnostics',
    ]) {
      expect(t).toContain(`# HELP ${name} `);
      expect(t).toContain(`# TYPE ${name} `);
    }
    expect(
      t
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .every((l) => l.startsWith('covenant_')),
    ).toBe(true);
    expect(metric(t, 'covenant_open_change_requests')).toBe(1);
    expect(metric(t, 'covenant_change_requests{verdict="major",status="rejected"}')).toBe(1);
    expect(metric(t, 'covenant_change_requests{verdict="minor",status="approved"}')).toBe(1);
    expect(metric(t, 'covenant_gate_pass_ratio{sow="SPRINT-07"}')).toBe(0.5);
    expect(metric(t, 'covenant_acceptance_criteria_met_ratio{sow="SPRINT-07"}')).toBe(0.5);
    expect(metric(t, 'covenant_change_lead_time_seconds_count')).toBe(2);
    expect(metric(t, 'covenant_change_lead_time_seconds_sum')).toBe(12 * 86_400);
    expect(metric(t, 'covenant_decision_sla_adherence_ratio{area="scope",owner="steering_committee"}')).toBe(0.5);
    // no review recorded: the decisions count as the reviews (48 h and 240 h), CR-44 waits past 24 h: none within
    expect(metric(t, 'covenant_review_sla_adherence_ratio')).toBe(0);
    expect(metric(t, 'covenant_reviews_overdue')).toBe(1);
    // 51250.50 against the 48000 target (no forecast in the SOW): 6.77% over
    expect(metric(t, 'covenant_iteration_forecast_error{sow="SPRINT-07",kind="cost"}')).toBeCloseTo(0.0677, 4);
    expect(metric(t, 'covenant_ledger_variance{period="SPRINT-07",currency="EUR"}')).toBe(3250.5);
    expect(metric(t, 'covenant_ledger_supplier_share{kind="pain",currency="EUR"}')).toBe(1625.25);
    expect(metric(t, 'covenant_ledger_client_share{kind="pain",currency="EUR"}')).toBe(1625.25);
    expect(metric(t, 'covenant_validation_diagnostics{severity="error"}')).toBe(0);
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: t, encoding: 'utf8' });
    if (promtool.error) throw new Error('promtool is not installed (apt-get install prometheus)');
    expect(promtool.stdout + promtool.stderr).toBe('');
    expect(promtool.status).toBe(0);
  });

  it('without data the figures are unknown (NaN), not 0, and the same families are there; shares are gauges', () => {
    const ws = exampleCopy();
    for (const dir of ['contracts/changes', 'contracts/defects', 'contracts/addenda']) rmSync(path.join(ws, dir), { recursive: true, force: true });
    rmSync(path.join(ws, 'contracts/ledger.yaml'));
    const sow = path.join(ws, 'contracts/sow/SPRINT-07.yaml');
    writeFileSync(sow, readFileSync(sow, 'utf8').replace('  changes: [CR-42]\n', ''));
    const r = covenant(['metrics', ws, '--today', '2025-10-20']);
    expect(r.stderr).toBe('');
    const t = r.stdout;
    // no change request decided: lead-time quantiles unknown (an "instant" 0 would be a claim), count 0
    expect(t).toContain('covenant_change_lead_time_seconds{quantile="0.5"} NaN');
    expect(t).toContain('covenant_change_lead_time_seconds{quantile="0.9"} NaN');
    expect(metric(t, 'covenant_change_lead_time_seconds_count')).toBe(0);
    expect(t).toContain('covenant_review_sla_adherence_ratio NaN');
    expect(t).toContain('covenant_defect_triage_adherence_ratio NaN');
    // the families of a full workspace, every time; ledger shares are gauges (recomputed; they can go down)
    const families = (text: string) => [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const full = covenant(['metrics', fixture(), '--today', '2025-10-20']).stdout;
    expect(families(t)).toEqual(families(full));
    expect(families(full)).toContain('covenant_ledger_supplier_share gauge');
    expect(families(full).some((f) => f.endsWith(' counter'))).toBe(false);
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: t, encoding: 'utf8' });
    expect(promtool.stdout + promtool.stderr).toBe('');
  });

  it('--out replaces the file atomically for the textfile collector', () => {
    const out = path.join(tempDir(), 'covenant.prom');
    writeFileSync(out, 'old');
    expect(covenant(['metrics', fixture(), '--out', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('# TYPE covenant_open_change_requests gauge');
  });
});

describe('covenant metrics writes the core figures', () => {
  it('summaries: the quantiles the dashboard and the PDF show, _sum and _count of the observations, none outside their range', async () => {
    const f = engineWith().snapshot().figures('2025-10-22');
    const t = await prometheusText(f);
    const col = f.compliance.collaboration;
    const observed = col.defects.map((d) => Math.round(d.hours! * 3600)).sort((a, b) => a - b);
    // the example's four triages: 0.7 h, 2.47 h, 18.42 h and 63.45 h (nearest rank: median 2.47 h, p90 63.45 h)
    expect(observed).toEqual([2520, 8880, 66300, 228420]);
    expect(metric(t, 'covenant_defect_triage_seconds{quantile="0.5"}')).toBe(8880);
    expect(metric(t, 'covenant_defect_triage_seconds{quantile="0.9"}')).toBe(228420);
    expect(metric(t, 'covenant_defect_triage_seconds{quantile="0.5"}')).toBe(Math.round(col.defectTriage.median! * 3600));
    expect(metric(t, 'covenant_defect_triage_seconds{quantile="0.9"}')).toBe(Math.round(col.defectTriage.p90! * 3600));
    expect(metric(t, 'covenant_defect_triage_seconds_count')).toBe(4);
    expect(metric(t, 'covenant_defect_triage_seconds_sum')).toBe(observed.reduce((a, b) => a + b, 0));
    for (const q of ['0.5', '0.9']) {
      const v = metric(t, `covenant_defect_triage_seconds{quantile="${q}"}`);
      expect(observed).toContain(v);
    }
    // no decided change request with both dates: unknown, NaN, not 0
    expect(t).toContain('covenant_change_lead_time_seconds{quantile="0.5"} NaN');
    expect(metric(t, 'covenant_change_lead_time_seconds_count')).toBe(0);
    expect(t).toContain('# TYPE covenant_defect_triage_seconds summary');
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: t, encoding: 'utf8' });
    if (promtool.error) throw new Error('promtool is not installed (apt-get install prometheus)');
    expect(promtool.stdout + promtool.stderr).toBe('');
    expect(promtool.status).toBe(0);
  });

  it('a gate that never ran is missing and counts against the pass ratio (passed of declared)', async () => {
    const t = await prometheusText(engineWith().snapshot().figures('2026-11-20'));
    expect(metric(t, 'covenant_gate_status{sow="SPRINT-07",gate="qa_signoff",status="missing"}')).toBe(1);
    expect(metric(t, 'covenant_gate_status{sow="SPRINT-07",gate="qa_signoff",status="pending"}')).toBe(0);
    expect(metric(t, 'covenant_gate_pass_ratio{sow="SPRINT-07"}')).toBe(0.5);
  });

  it('label values are escaped as the exposition format says', async () => {
    const f = engineWith().snapshot().figures('2025-10-20');
    const t = await prometheusText(f, { commit: 'a"b\\c\nd', uncommitted: true });
    expect(t).toContain('covenant_source_info{commit="a\\"b\\\\c\\nd",uncommitted="true"} 1');
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: t, encoding: 'utf8' });
    expect(promtool.stdout + promtool.stderr).toBe('');
  });
});
