/** Generated workspaces for benchmarks: realistic contract files in the shapes of the seed examples. */
export function generatedWorkspace(sows: number, crs: number): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    'contracts/master_contract.yaml',
    `version: 1
meta:
  id: master-bench
  effective_date: 2025-01-06
vision:
  outcomes:
    - description: Improve conversion by 15%
  success_criteria:
    - metric: conversion_rate
      target: ">= 0.15 uplift"
governance:
  steering_committee: [client, dev_lead, design_lead]
  decision_rights:
    - area: scope
      owner: steering_committee
      sla_days: 3
change_policy:
  thresholds:
    budget_delta_pct_major: 10
    schedule_slip_days_major: 10
    risk_score_major: 8
  process: [identify, analyze, decide, implement]
incentives:
  model: target_cost
  pain_share_pct: 50
  gain_share_pct: 50
collaboration_slos:
  review_turnaround_hours: 24
  defect_triage_hours: 24
risk_policy:
  stop_the_line_triggers: [security_blocker, prod_instability]
`,
  );
  const sowId = (i: number) => `SPRINT-${String(i + 1).padStart(3, '0')}`;
  const day = (n: number) => new Date(Date.UTC(2025, 0, 6) + n * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < sows; i++) {
    const links = Array.from({ length: Math.floor(crs / sows) }, (_, k) => `CR-${i * Math.floor(crs / sows) + k + 1}`);
    files.set(
      `contracts/sow/${sowId(i)}.yaml`,
      `id: ${sowId(i)}
dates: {start: ${day(i * 14)}, end: ${day(i * 14 + 11)}}
goals:
  - description: Deliver increment ${i + 1} of the onboarding redesign
  - description: Harden the analytics pipeline for iteration ${i + 1}
value_hypothesis: "Reduce drop-off by ${(i % 20) + 1}%"
acceptance_criteria:
  - id: AC1
    description: Usability score >= 85 on SUS
    evidence: test_reports/usability.md
    status: met
  - id: AC2
    description: Drop-off decreases by >= 15% on test cohort
    evidence: analytics/exp.csv
    status: pending
gates:
  - name: design_review
    validator: phase_gate_validator:design
    status: passed
  - name: qa_signoff
    validator: validation_utils:functional_suite
    status: pending
links:
  dag_nodes: [node_${i}_a, node_${i}_b]
  changes: [${links.join(', ')}]
`,
    );
  }
  for (let n = 1; n <= crs; n++) {
    const slip = n % 13;
    const risk = n % 10;
    const budget = (n % 25) - 12;
    const major = Math.abs(budget) > 10 || slip > 10 || risk > 8;
    files.set(
      `contracts/changes/CR-${n}.yaml`,
      `id: CR-${n}
requestor: design_lead
summary: Change number ${n} to the navigation per user tests
created: ${day(n % 300)}
sows: [${sowId(Math.min(sows - 1, Math.floor((n - 1) / Math.max(1, Math.floor(crs / sows)))))}]
impact_analysis:
  budget_delta_pct: ${budget}
  schedule_slip_days: ${slip}
  risk_score: ${risk}
  dependencies: [frontend, analytics]
  value: "Expected +2% conversion"
threshold_eval: ${major ? 'major' : 'minor'}
decision:
  status: approved
  approvers: [steering_committee]
  date: ${day((n % 300) + 2)}
addendum: null
adr: docs/adr/ADR-0001.md
`,
    );
  }
  files.set('docs/adr/ADR-0001.md', '---\nstatus: accepted\ndate: 2025-01-06\ndecision-makers: [steering_committee]\n---\n# ADR-0001\n');
  files.set('test_reports/usability.md', '# ok\n');
  files.set('analytics/exp.csv', 'a,b\n');
  return files;
}
