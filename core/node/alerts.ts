/**
 * Prometheus alerting rules over the metrics `covenant metrics` exports: failed, missing and unverified gates, decisions past
 * their SLA, escalations (routed on who is to be notified), reviews and triage past their SLOs, stop-the-line triggers, and a contract that no longer validates or leaves files out. Written as
 * YAML with the yaml library; checked in tests with promtool (check rules, and test rules with input series).
 */
import { stringify } from 'yaml';
import type { ContractModel } from '../common/model/contract.js';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The rules; the decision rights, SLOs and escalation steps the master names go into the annotations. */
export function alertRules(model: ContractModel): string {
  const rights = (model.master?.data.governance.decision_rights ?? []).map((r) => `${r.area}: ${r.owner} within ${r.sla_days} days`).join('; ');
  const steps = [...(model.master?.data.governance.escalation ?? [])].sort((a, b) => a.after_days - b.after_days);
  const slos = model.master?.data.collaboration_slos;
  const rules: Rule[] = [
    {
      alert: 'CovenantGateFailed',
      expr: 'covenant_gate_status{status="failed"} == 1',
      labels: { severity: model.enforcementMode() === 'enforce' ? 'critical' : 'warning' },
      annotations: {
        summary: 'Gate {{ $labels.gate }} of {{ $labels.sow }} failed',
        description: 'The latest recorded result for gate {{ $labels.gate }} of {{ $labels.sow }} is failed. See contracts/results/{{ $labels.sow }}/.',
      },
    },
    {
      alert: 'CovenantGateMissing',
      expr: 'covenant_gate_status{status="missing"} == 1',
      labels: { severity: model.enforcementMode() === 'enforce' ? 'critical' : 'warning' },
      annotations: {
        summary: 'Gate {{ $labels.gate }} of {{ $labels.sow }} never ran',
        description:
          'No result is recorded for gate {{ $labels.gate }}, and {{ $labels.sow }} has ended: the gate counts as missing, not passed. Record its result (covenant record {{ $labels.sow }} {{ $labels.gate }} --junit FILE).',
      },
    },
    {
      alert: 'CovenantGateUnverified',
      expr: 'covenant_gate_status{status="unverified"} == 1',
      for: '1d',
      labels: { severity: 'info' },
      annotations: {
        summary: 'Gate {{ $labels.gate }} of {{ $labels.sow }} has a typed status but no recorded result',
        description:
          'Record a result for {{ $labels.gate }} (covenant record {{ $labels.sow }} {{ $labels.gate }} --junit FILE) so the status rests on evidence.',
      },
    },
    {
      alert: 'CovenantDecisionOverdue',
      expr: 'covenant_decision_overdue_seconds > 0',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Change request {{ $labels.cr }} is past its decision SLA',
        description: `{{ $labels.cr }} has waited {{ $value | humanizeDuration }} beyond its decision-rights SLA (${rights || 'no decision rights'}).`,
      },
    },
    {
      alert: 'CovenantEscalation',
      expr: 'covenant_escalation_notify == 1',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Change request {{ $labels.cr }} is escalated to {{ $labels.notify }} (step {{ $labels.step }})',
        description: `{{ $labels.cr }} has been open long enough for step {{ $labels.step }} of the escalation path${steps.length ? ` (${steps.map((s, i) => `step ${i + 1} after ${s.after_days} days: ${s.notify.join(', ')}`).join('; ')})` : ''}: notify {{ $labels.notify }}. Route on the notify label.`,
      },
    },
    {
      alert: 'CovenantReviewOverdue',
      expr: 'covenant_reviews_overdue > 0',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Change requests wait for a review past the review turnaround SLO',
        description: `{{ $value }} change request(s) have no completed review after ${slos?.review_turnaround_hours ?? 'the agreed number of'} hours (collaboration_slos.review_turnaround_hours).`,
      },
    },
    {
      alert: 'CovenantTriageOverdue',
      expr: 'covenant_defects_untriaged{overdue="true"} > 0',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Defects wait for triage past the defect triage SLO',
        description: `{{ $value }} imported defect(s) are not triaged after ${slos?.defect_triage_hours ?? 'the agreed number of'} hours (collaboration_slos.defect_triage_hours). Import the tracker's export again after triage.`,
      },
    },
    {
      alert: 'CovenantStopTheLine',
      expr: 'covenant_stop_the_line_open > 0',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'A stop-the-line trigger is open',
        description: '{{ $value }} stop-the-line trigger(s) raised in the master contract are not resolved; work stops until they are.',
      },
    },
    {
      alert: 'CovenantValidationErrors',
      expr: 'covenant_validation_diagnostics{severity="error"} > 0',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'The contract has validation errors',
        description: '{{ $value }} validation error(s) in the contract files; run covenant validate.',
      },
    },
    {
      alert: 'CovenantFilesLeftOut',
      expr: 'covenant_files_left_out > 0',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Contract files are left out of the figures',
        description: '{{ $value }} contract file(s) fail their schema and are in no figure; the other alerts may miss what they hold.',
      },
    },
  ];
  const header = `# Prometheus alerting rules for the Covenant metrics (covenant metrics). Generated by covenant alerts from ${model.master?.data.meta.id ?? 'the workspace'}.\n`;
  return header + stringify({ groups: [{ name: 'covenant', rules }] }, { lineWidth: 0 });
}
