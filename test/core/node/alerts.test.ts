// covenant alerts: Prometheus rules over the metrics covenant metrics exports, checked and exercised with promtool.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { alertRules } from '../../../core/node/alerts.js';
import { prometheusText } from '../../../core/node/metrics.js';
import { covenant } from '../../helpers/cli.js';
import { engineWith } from '../../helpers/workspace.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';

function promtool(...args: string[]) {
  const r = spawnSync('promtool', args, { encoding: 'utf8' });
  if (r.error) throw new Error('promtool is not installed (apt-get install prometheus); .ci/run installs it');
  return r;
}

/** A workspace where qa_signoff failed (recorded) and CR-44 has waited past the 3-day scope SLA and two escalation steps. */
function troubled(): string {
  const dir = exampleCopy();
  const master = path.join(dir, 'contracts/master_contract.yaml');
  writeFileSync(
    master,
    readFileSync(master, 'utf8').replace(
      '      sla_days: 3\n',
      '      sla_days: 3\n  escalation:\n    - after_days: 5\n      notify: [dev_lead]\n    - after_days: 8\n      notify: [client, steering_committee]\n',
    ),
  );
  writeFileSync(
    path.join(dir, 'contracts/results/SPRINT-07/qa_signoff--20251020T100000Z.yaml'),
    'sow: SPRINT-07\ngate: qa_signoff\noutcome: failed\nsource: {kind: junit, file: junit.xml}\nrecorded: {at: 2025-10-20T10:00:00Z, by: CI <ci@example.com>, commit: null}\n',
  );
  writeFileSync(
    path.join(dir, 'contracts/changes/CR-44.yaml'),
    'id: CR-44\nrequestor: design_lead\nsummary: Dark mode\ncreated: 2025-10-10\nimpact_analysis: {budget_delta_pct: 1, schedule_slip_days: 0, risk_score: 1}\nthreshold_eval: minor\ndecision: {status: proposed}\n',
  );
  return dir;
}

describe('alerting rules', () => {
  it('pass promtool check rules', () => {
    const dir = exampleCopy();
    const out = path.join(tempDir(), 'covenant.rules.yml');
    expect(covenant(['alerts', dir, '--out', out]).code).toBe(0);
    const r = promtool('check', 'rules', out);
    expect(r.stdout + r.stderr).toContain('SUCCESS: 10 rules found');
    expect(r.status).toBe(0);
  });

  it('fire on the metrics covenant metrics exports: a failed gate, an overdue decision escalated to two people, and nothing else', () => {
    const dir = troubled();
    const work = tempDir();
    const rules = path.join(work, 'covenant.rules.yml');
    expect(covenant(['alerts', dir, '--out', rules]).code).toBe(0);
    const metrics = covenant(['metrics', dir, '--today', '2025-10-20']);
    expect(metrics.code).toBe(0);
    // every exported sample becomes an input series that holds its value for 10 minutes
    const series = metrics.stdout
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const i = l.lastIndexOf(' ');
        return { series: l.slice(0, i), values: `${l.slice(i + 1)}x10` };
      })
      .filter((s) => !s.series.includes('quantile') && !s.series.startsWith('covenant_change_lead_time_seconds'))
      .filter((s) => !s.values.startsWith('NaN')); // unknown figures (promtool's series notation has no NaN; they fire nothing)
    expect(series.map((s) => s.series)).toEqual(
      expect.arrayContaining(['covenant_gate_status{sow="SPRINT-07",gate="qa_signoff",status="failed"}', 'covenant_decision_overdue_seconds{cr="CR-44"}']),
    );
    const test = {
      rule_files: [rules],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: series,
          alert_rule_test: [
            {
              eval_time: '5m',
              alertname: 'CovenantGateFailed',
              exp_alerts: [
                {
                  exp_labels: { severity: 'warning', sow: 'SPRINT-07', gate: 'qa_signoff', status: 'failed' },
                  exp_annotations: {
                    summary: 'Gate qa_signoff of SPRINT-07 failed',
                    description: 'The latest recorded result for gate qa_signoff of SPRINT-07 is failed. See contracts/results/SPRINT-07/.',
                  },
                },
              ],
            },
            {
              eval_time: '5m',
              alertname: 'CovenantDecisionOverdue',
              exp_alerts: [
                {
                  // created 2025-10-10, 10 days by the 20th: 7 days past the 3-day SLA
                  exp_labels: { severity: 'warning', cr: 'CR-44' },
                  exp_annotations: {
                    summary: 'Change request CR-44 is past its decision SLA',
                    description: 'CR-44 has waited 7d 0h 0m 0s beyond its decision-rights SLA (scope: steering_committee within 3 days).',
                  },
                },
              ],
            },
            {
              eval_time: '5m',
              alertname: 'CovenantEscalation',
              // open 10 days: the second step (after 8 days) applies, one alert per person to notify
              exp_alerts: ['client', 'steering_committee'].map((who) => ({
                exp_labels: { severity: 'warning', cr: 'CR-44', step: '2', notify: who },
                exp_annotations: {
                  summary: `Change request CR-44 is escalated to ${who} (step 2)`,
                  description: `CR-44 has been open long enough for step 2 of the escalation path (step 1 after 5 days: dev_lead; step 2 after 8 days: client, steering_committee): notify ${who}. Route on the notify label.`,
                },
              })),
            },
            {
              eval_time: '5m',
              alertname: 'CovenantReviewOverdue',
              exp_alerts: [
                {
                  exp_labels: { severity: 'warning' },
                  exp_annotations: {
                    summary: 'Change requests wait for a review past the review turnaround SLO',
                    description: '1 change request(s) have no completed review after 24 hours (collaboration_slos.review_turnaround_hours).',
                  },
                },
              ],
            },
            { eval_time: '5m', alertname: 'CovenantTriageOverdue', exp_alerts: [] },
            { eval_time: '5m', alertname: 'CovenantStopTheLine', exp_alerts: [] },
            { eval_time: '5m', alertname: 'CovenantGateUnverified', exp_alerts: [] },
            { eval_time: '5m', alertname: 'CovenantGateMissing', exp_alerts: [] }, // as of 2025-10-20 SPRINT-07 runs
          ],
        },
      ],
    };
    const file = path.join(work, 'covenant.test.yml');
    writeFileSync(file, stringify(test));
    const r = promtool('test', 'rules', file);
    expect(r.stdout + r.stderr, readFileSync(file, 'utf8').slice(0, 400)).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});

describe('a gate that never ran', () => {
  it('fires CovenantGateMissing once its iteration has ended, from the metrics as of that day', async () => {
    const snap = engineWith().snapshot();
    const work = tempDir();
    const rules = path.join(work, 'covenant.rules.yml');
    writeFileSync(rules, alertRules(snap.model));
    const series = (await prometheusText(snap.figures('2026-11-20')))
      .split('\n')
      .filter((l) => l.startsWith('covenant_gate_status'))
      .map((l) => ({ series: l.slice(0, l.lastIndexOf(' ')), values: `${l.slice(l.lastIndexOf(' ') + 1)}x10` }));
    const test = {
      rule_files: [rules],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: series,
          alert_rule_test: [
            {
              eval_time: '5m',
              alertname: 'CovenantGateMissing',
              exp_alerts: [
                {
                  exp_labels: { severity: 'warning', sow: 'SPRINT-07', gate: 'qa_signoff', status: 'missing' },
                  exp_annotations: {
                    summary: 'Gate qa_signoff of SPRINT-07 never ran',
                    description:
                      'No result is recorded for gate qa_signoff, and SPRINT-07 has ended: the gate counts as missing, not passed. Record its result (covenant record SPRINT-07 qa_signoff --junit FILE).',
                  },
                },
              ],
            },
            { eval_time: '5m', alertname: 'CovenantGateFailed', exp_alerts: [] },
          ],
        },
      ],
    };
    const file = path.join(work, 'covenant.test.yml');
    writeFileSync(file, stringify(test));
    const r = promtool('test', 'rules', file);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});
