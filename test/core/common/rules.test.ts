import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../core/common/diagnostics.js';
import { CR, diagnosticsOf, edited, engineWith, LEDGER, MASTER, only, SOW, TODAY } from '../../helpers/workspace.js';

/** The one diagnostic with `code`, asserting there is exactly one. */
function one(changes: Record<string, string | null>, code: Diagnostic['code'], today?: string): Diagnostic {
  const found = only(diagnosticsOf(engineWith(changes), today), code);
  expect(found, `diagnostics with code ${code}`).toHaveLength(1);
  return found[0]!;
}

function at(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.severity}`;
}

describe('schema rule', () => {
  it('names the field, the allowed values and what it got, at the value', () => {
    const d = one({ [CR]: edited(CR, 'status: approved', 'status: aproved') }, 'schema');
    expect(d.message).toBe('decision.status must be one of proposed, approved, rejected, withdrawn (got "aproved"). Did you mean approved?');
    expect(at(d)).toBe(`${CR}:12:11-12:18 error`);
    expect(d.fix).toEqual({ title: 'Change to approved', replacement: 'approved' });
  });

  it('flags an unknown key at the key, suggesting the near miss', () => {
    const d = one({ [SOW]: edited(SOW, 'value_hypothesis:', 'value_hypotesis:') }, 'schema');
    expect(d.message).toContain('"value_hypotesis" is not a known field');
    expect(d.message).toContain('Did you mean "value_hypothesis"?');
    expect(at(d)).toBe(`${SOW}:5:1-5:16 error`);
    expect(d.fix).toEqual({ title: 'Rename "value_hypotesis" to "value_hypothesis"', replacement: 'value_hypothesis' });
  });

  it('quick fixes replace exactly the flagged text and leave a file that validates', () => {
    const cases: [string, string, string][] = [
      [CR, 'status: approved', 'status: aproved'],
      [SOW, 'value_hypothesis:', 'value_hypotesis:'],
      [SOW, 'end: 2025-10-24', 'end: 24/10/2025'],
      [SOW, 'id: SPRINT-07', 'id: SPRINT-7'],
    ];
    for (const [file, good, bad] of cases) {
      const text = edited(file, good, bad);
      const found = diagnosticsOf(engineWith({ [file]: text })).filter((d) => d.fix);
      expect(found, bad).toHaveLength(1);
      const d = found[0]!;
      const lines = text.split('\n');
      const line = lines[d.line - 1]!;
      lines[d.line - 1] = line.slice(0, d.column - 1) + d.fix!.replacement + line.slice(d.endColumn - 1);
      const fixed = lines.join('\n');
      expect(fixed, bad).toBe(edited(file, good, good));
      expect(diagnosticsOf(engineWith({ [file]: fixed })), bad).toEqual([]);
    }
  });

  it('accepts x- extension keys anywhere a known object is', () => {
    const text = edited(CR, 'decision:\n', 'x-ticket: JIRA-12\ndecision:\n  x-room: B2\n');
    expect(diagnosticsOf(engineWith({ [CR]: text }))).toEqual([]);
  });

  it('explains a missing required field at its parent', () => {
    const d = one({ [MASTER]: edited(MASTER, '      sla_days: 3\n', '') }, 'schema');
    expect(d.message).toBe('governance.decision_rights[0].sla_days is required.');
    expect(d.line).toBe(14);
  });

  it('asks for a YYYY-MM-DD date in plain words', () => {
    const d = one({ [SOW]: edited(SOW, 'end: 2025-10-24', 'end: 24/10/2025') }, 'schema');
    expect(d.message).toBe('dates.end must be a date as YYYY-MM-DD (e.g. 2025-10-13) (got "24/10/2025").');
    expect(at(d)).toBe(`${SOW}:2:33-2:43 error`);
  });

  it('refuses a date that is not in the calendar', () => {
    const d = one({ [SOW]: edited(SOW, 'end: 2025-10-24', 'end: 2025-02-30') }, 'schema');
    expect(d.message).toContain('2025-02-30, which is not a date in the calendar');
  });

  it('refuses negative slips and risk but allows a negative budget delta (a saving)', () => {
    const slip = one({ [CR]: edited(CR, 'schedule_slip_days: 4', 'schedule_slip_days: -4') }, 'schema');
    expect(slip.message).toBe('impact_analysis.schedule_slip_days must be 0 or more (got -4).');
    expect(at(slip)).toBe(`${CR}:6:23-6:25 error`);
    expect(diagnosticsOf(engineWith({ [CR]: edited(CR, 'budget_delta_pct: 7', 'budget_delta_pct: -7') }))).toEqual([]);
  });

  it('names the expected type in words', () => {
    const d = one({ [MASTER]: edited(MASTER, 'sla_days: 3', 'sla_days: three') }, 'schema');
    expect(d.message).toBe('governance.decision_rights[0].sla_days must be a whole number (got "three").');
  });

  it('checks the enums of incentives.model and threshold_eval', () => {
    expect(one({ [MASTER]: edited(MASTER, 'model: target_cost', 'model: cost_plus') }, 'schema').message).toBe(
      'incentives.model must be one of target_cost, fixed_per_iteration, time_and_materials_cap (got "cost_plus").',
    );
    expect(one({ [CR]: edited(CR, 'threshold_eval: minor', 'threshold_eval: small') }, 'schema').message).toBe(
      'threshold_eval must be one of minor, major (got "small").',
    );
  });

  it('validates the ledger: ISO currency, non-negative costs', () => {
    const d = diagnosticsOf(engineWith({ [LEDGER]: 'currency: euro\nentries:\n  - {period: SPRINT-07, target_cost: -1, actual_cost: 5}\n' }));
    expect(d.map((x) => `${x.line}:${x.column} ${x.message}`)).toEqual([
      '1:11 currency must be a three-letter ISO 4217 currency code (e.g. EUR) (got "euro").',
      '3:38 entries[0].target_cost must be 0 or more (got -1).',
    ]);
  });
});

describe('cross-file rules', () => {
  it('no-master: SOWs and CRs without a master contract', () => {
    const d = one({ [MASTER]: null }, 'no-master');
    expect(at(d)).toBe(`${MASTER}:1:1-1:1 error`);
    expect(d.message).toContain('1 SOW(s) and 1 change request(s)');
  });

  it('duplicate-id: two CRs with one id', () => {
    const copy = 'contracts/changes/CR-43.yaml';
    const diags = diagnosticsOf(engineWith({ [copy]: edited(CR, 'summary: Redesign', 'summary: Again') }));
    const dups = only(diags, 'duplicate-id');
    expect(dups.map(at)).toEqual([`${CR}:1:5-1:10 error`, `${copy}:1:5-1:10 error`]);
    expect(dups[0]!.message).toBe(`change request id CR-42 is also used by ${copy}; ids must be unique.`);
    expect(only(diags, 'id-filename-mismatch').map(at)).toEqual([`${copy}:1:5-1:10 error`]);
  });

  it('id-filename-mismatch: SPRINT-07.yaml must hold id SPRINT-07', () => {
    const d = one({ [SOW]: edited(SOW, 'id: SPRINT-07', 'id: SPRINT-08') }, 'id-filename-mismatch');
    expect(d.message).toBe('The file SPRINT-07.yaml must hold id: SPRINT-07, but it holds id: SPRINT-08. Rename the file or fix the id.');
    expect(at(d)).toBe(`${SOW}:1:5-1:14 error`);
  });

  it('unknown-reference: a SOW linking a missing CR, marked at the list item', () => {
    const d = one({ [SOW]: edited(SOW, 'changes: [CR-42]', 'changes: [CR-42, CR-99]') }, 'unknown-reference');
    expect(d.message).toBe('links.changes names CR-99, but there is no such change request (expected contracts/changes/CR-99.yaml).');
    expect(at(d)).toBe(`${SOW}:20:20-20:25 error`);
  });

  it('unknown-reference: a CR whose adr or addendum file does not exist', () => {
    const text = edited(CR, 'addendum: null\nadr: docs/adr/ADR-0007.md', 'addendum: contracts/addenda/A-1.md\nadr: docs/adr/ADR-0008.md');
    const diags = only(diagnosticsOf(engineWith({ [CR]: text })), 'unknown-reference');
    expect(diags.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '15:11 addendum points to "contracts/addenda/A-1.md", which does not exist in the workspace.',
      '16:6 adr points to "docs/adr/ADR-0008.md", which does not exist in the workspace.',
    ]);
  });

  it('unknown-reference: a ledger period that names no SOW', () => {
    const d = one({ [LEDGER]: edited(LEDGER, 'period: SPRINT-07', 'period: SPRINT-09') }, 'unknown-reference');
    expect(at(d)).toBe(`${LEDGER}:4:13-4:22 error`);
  });

  it.each([
    ['../../etc/passwd', 'leads outside the workspace'],
    ['/etc/passwd', 'is an absolute path'],
    ['C:\\Windows\\win.ini', 'is an absolute path'],
    ['file:///etc/passwd', 'is a URL'],
    ['https://example.com/report.md', 'is a URL'],
    ['test_reports/../../secret.md', 'leads outside the workspace'],
    ['.git/config', '.git folder'],
  ])('path-outside-workspace: evidence %s', (evidence, words) => {
    const d = one({ [SOW]: edited(SOW, 'evidence: analytics/exp_123.csv', `evidence: ${JSON.stringify(evidence)}`) }, 'path-outside-workspace');
    expect(d.message).toContain(words);
    expect(`${d.line}:${d.column}`).toBe('12:15');
  });

  it('path-outside-workspace: an adr path with ..', () => {
    const d = one({ [CR]: edited(CR, 'adr: docs/adr/ADR-0007.md', 'adr: ../other/docs/adr/ADR-0007.md') }, 'path-outside-workspace');
    expect(at(d)).toBe(`${CR}:16:6-16:35 error`);
  });

  it('path-outside-workspace: a link leading outside', () => {
    const engine = engineWith();
    engine.markEscaping('analytics/exp_123.csv');
    const d = only(diagnosticsOf(engine), 'path-outside-workspace');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toContain('is a link that leads outside the workspace');
  });

  it('missing-evidence: a warning, at the evidence value', () => {
    const d = one({ 'analytics/exp_123.csv': null }, 'missing-evidence');
    expect(at(d)).toBe(`${SOW}:12:15-12:36 warning`);
  });

  it('threshold-eval-mismatch: names each threshold crossed with value and limit', () => {
    const text = edited(CR, 'schedule_slip_days: 4', 'schedule_slip_days: 12', 'risk_score: 5', 'risk_score: 9');
    const d = one({ [CR]: text }, 'threshold-eval-mismatch');
    expect(d.message).toBe(
      'threshold_eval is minor, but the change is major under the thresholds of master-2025-10 as saved (not committed; effective 2025-10-11), in force on 2025-10-15: schedule slip 12 days exceeds 10 days; risk score 9 exceeds 8.',
    );
    expect(at(d)).toBe(`${CR}:10:17-10:22 error`);
  });

  it('threshold-eval-mismatch: exactly at a threshold is still minor (strictly greater makes major)', () => {
    const text = edited(CR, 'budget_delta_pct: 7', 'budget_delta_pct: -10', 'schedule_slip_days: 4', 'schedule_slip_days: 10');
    expect(diagnosticsOf(engineWith({ [CR]: text }))).toEqual([]);
    const major = one({ [CR]: edited(CR, 'budget_delta_pct: 7', 'budget_delta_pct: -10.5') }, 'threshold-eval-mismatch');
    expect(major.message).toContain('budget delta 10.5% exceeds 10%');
  });

  it('major-change-needs-adr: an approved major change without a decision record', () => {
    const text = edited(CR, 'risk_score: 5', 'risk_score: 9', 'threshold_eval: minor', 'threshold_eval: major', 'adr: docs/adr/ADR-0007.md\n', '');
    const d = one({ [CR]: text }, 'major-change-needs-adr');
    expect(at(d)).toBe(`${CR}:12:11-12:19 error`);
  });

  it('decision-incomplete: approved without a date or approvers', () => {
    const text = edited(CR, '  approvers: [steering_committee]\n  date: 2025-10-15\n', '');
    const d = one({ [CR]: text }, 'decision-incomplete');
    expect(d.message).toBe('The change is approved, so decision.date and decision.approvers must be recorded (who decided, and when).');
    expect(at(d)).toBe(`${CR}:11:1-11:9 error`);
  });

  it('date-order: a SOW that ends before it starts', () => {
    const d = one({ [SOW]: edited(SOW, 'end: 2025-10-24', 'end: 2025-10-01') }, 'date-order');
    expect(d.message).toBe('dates.end (2025-10-01) is before dates.start (2025-10-13); an iteration cannot end before it starts.');
    expect(at(d)).toBe(`${SOW}:2:33-2:43 error`);
  });

  it('decision-overdue: a proposed CR older than the scope SLA, judged as of today', () => {
    const proposed = edited(CR, '  status: approved\n  approvers: [steering_committee]\n  date: 2025-10-15\n', '  status: proposed\n').replace(
      'summary:',
      'created: 2025-10-10\nsummary:',
    );
    const d = one({ [CR]: proposed }, 'decision-overdue', '2025-10-20');
    expect(d.severity).toBe('warning');
    expect(d.message).toBe('This change has been proposed since 2025-10-10 (10 days); the scope decision SLA is 3 days (owner steering_committee).');
    expect(`${d.line}:${d.column}`).toBe('13:11');
    expect(only(diagnosticsOf(engineWith({ [CR]: proposed }), '2025-10-13'), 'decision-overdue')).toEqual([]);
  });

  it('decision-overdue: uses the creation date from history when created: is absent', () => {
    const proposed = edited(CR, '  status: approved\n  approvers: [steering_committee]\n  date: 2025-10-15\n', '  status: proposed\n');
    const engine = engineWith({ [CR]: proposed });
    expect(only(diagnosticsOf(engine), 'decision-overdue')).toEqual([]);
    engine.setFacts({ history: new Map([[CR, { created: '2025-10-01' }]]) });
    expect(only(diagnosticsOf(engine), 'decision-overdue')).toHaveLength(1);
  });
});

describe('decision records', () => {
  it('adr-superseded: a current CR citing a superseded ADR is flagged; a withdrawn one is not', () => {
    const adr = edited('docs/adr/ADR-0007.md', 'status: accepted', 'status: superseded by ADR-0008');
    const d = one({ 'docs/adr/ADR-0007.md': adr }, 'adr-superseded');
    expect(d.severity).toBe('warning');
    expect(d.message).toBe(
      'adr cites docs/adr/ADR-0007.md, which is superseded by ADR-0008; cite docs/adr/ADR-0008.md if the new decision covers this change.',
    );
    expect(`${d.line}:${d.column}`).toBe('16:6');
    const withdrawn = edited(CR, 'status: approved', 'status: withdrawn');
    expect(only(diagnosticsOf(engineWith({ 'docs/adr/ADR-0007.md': adr, [CR]: withdrawn })), 'adr-superseded')).toEqual([]);
  });
});

describe('gates that never ran', () => {
  const enforce = edited(MASTER, 'risk_policy:', 'enforcement: {mode: enforce}\nrisk_policy:');

  it('gate-missing: a gate with no result is pending while its iteration runs, missing after dates.end', () => {
    expect(only(diagnosticsOf(engineWith(), '2025-10-24'), 'gate-missing')).toEqual([]);
    const d = one({}, 'gate-missing', '2025-10-25');
    expect(at(d)).toBe(`${SOW}:16:11-16:21 warning`);
    expect(d.message).toBe(
      'Gate qa_signoff has no recorded result, and SPRINT-07 ended 2025-10-24: it never ran, so it counts as missing, not passed. Record its result (covenant record SPRINT-07 qa_signoff --junit FILE, or by hand in the dashboard).',
    );
    const enforced = one({ [MASTER]: enforce }, 'gate-missing', '2026-11-20');
    expect(at(enforced)).toBe(`${SOW}:16:11-16:21 error`);
  });

  it('gates passed is passed of declared, whatever the date: 1/2 while running and after, never 100%', () => {
    const engine = engineWith();
    for (const [today, status] of [
      ['2025-10-20', 'pending'],
      ['2026-11-20', 'missing'],
    ] as const) {
      const s = engine.snapshot().figures(today).compliance.sows[0]!;
      expect(s.gates.map((g) => [g.name, g.status])).toEqual([
        ['design_review', 'passed'],
        ['qa_signoff', status],
      ]);
      expect([s.gatesPassed, s.gates.length, s.gatePassRatio]).toEqual([1, 2, 0.5]);
      expect(s.gatesMissing).toBe(status === 'missing' ? 1 : 0);
    }
  });

  it('a SOW with no gates has no pass ratio (unknown, not 0/0 or 100%)', () => {
    const text = edited(
      SOW,
      'gates:\n  - name: design_review\n    validator: phase_gate_validator:design\n  - name: qa_signoff\n    validator: validation_utils:functional_suite\n',
      '',
    );
    const s = engineWith({ [SOW]: text, 'contracts/results/SPRINT-07/design_review--20251017T150000Z.yaml': null })
      .snapshot()
      .figures('2026-11-20').compliance.sows[0]!;
    expect([s.gates.length, s.gatePassRatio]).toEqual([0, null]);
  });
});

describe('criteria targets: one grammar, read or reported, never dropping the SOW', () => {
  const checks = (changes: Record<string, string | null>) => engineWith(changes).snapshot().figures(TODAY).compliance.sows[0]!;

  it.each(['Usability score > 85 on SUS', 'Usability score of at least 85 on SUS'])('a description saying %j is read: AC1 is met', (description) => {
    const s = checks({ [SOW]: edited(SOW, 'Usability score >= 85 on SUS', description) });
    expect(s.criterionChecks[0]).toMatchObject({ id: 'AC1', status: 'met', value: 87, targetFrom: 'description' });
    expect(s.criteriaMetRatio).toBe(1);
  });

  it.each(['">= 15%"', '"at least 15 %"', '">= 15 percent"', '"≥ 15.0%"'])('target: %s is valid and read; the SOW stays in every figure', (target) => {
    const engine = engineWith({ [SOW]: edited(SOW, '    evidence: analytics/exp_123.csv', `    target: ${target}\n    evidence: analytics/exp_123.csv`) });
    expect(diagnosticsOf(engine)).toEqual([]);
    const s = engine.snapshot().figures(TODAY).compliance.sows[0]!;
    expect(s.criterionChecks[1]).toMatchObject({ id: 'AC2', status: 'met', value: 24.8, targetFrom: 'target' });
    expect(s.criteriaMetRatio).toBe(1);
  });

  it.each([
    ['"about 85"', 'target "about 85" cannot be read'],
    ['85', 'target 85 cannot be read'],
  ])('criterion-target-unreadable: target: %s is reported at the target; the criterion is unverified and the SOW kept', (target, words) => {
    const engine = engineWith({
      [SOW]: edited(SOW, '    evidence: test_reports/usability_2025-10-20.md', `    target: ${target}\n    evidence: test_reports/usability_2025-10-20.md`),
    });
    const d = only(diagnosticsOf(engine), 'criterion-target-unreadable');
    expect(d).toHaveLength(1);
    expect(`${d[0]!.file}:${d[0]!.line}:${d[0]!.column} ${d[0]!.severity}`).toBe(`${SOW}:9:13 error`);
    expect(d[0]!.message).toBe(
      `AC1's ${words}: write a comparison and a number, such as ">= 85", "at least 85", "<= 0.5" or "no more than 3 days" (an optional % or unit after the number).`,
    );
    expect(only(diagnosticsOf(engine), 'schema')).toEqual([]);
    const snap = engine.snapshot();
    expect(snap.model.sows.map((s) => s.id)).toEqual(['SPRINT-07']);
    const s = snap.figures(TODAY).compliance.sows[0]!;
    expect(s.criterionChecks.map((c) => [c.id, c.status])).toEqual([
      ['AC1', 'unverified'],
      ['AC2', 'met'],
    ]);
    expect(s.criteriaMetRatio).toBe(0.5);
  });

  it('a description stating two comparisons is reported at the description, and the criterion is unverified', () => {
    const engine = engineWith({ [SOW]: edited(SOW, 'Usability score >= 85 on SUS', 'Usability score >= 85 and at most 95 on SUS') });
    const d = only(diagnosticsOf(engine), 'criterion-target-unreadable');
    expect(d.map((x) => `${x.line}:${x.column} ${x.severity} ${x.message}`)).toEqual([
      '8:18 warning AC1\'s description states more than one comparison, so its target cannot be read from it: give the criterion a target (e.g. target: ">= 85").',
    ]);
    expect(engine.snapshot().figures(TODAY).compliance.sows[0]!.criterionChecks[0]!.status).toBe('unverified');
  });

  it('met needs the evidence file too: a value meeting the target with its evidence missing is unverified, not met', () => {
    const engine = engineWith({ 'test_reports/usability_2025-10-20.md': null });
    const s = engine.snapshot().figures(TODAY).compliance.sows[0]!;
    expect(s.criterionChecks[0]).toMatchObject({ id: 'AC1', status: 'unverified', value: 87 });
    expect(s.criteriaMet).toBe(1);
    const d = only(diagnosticsOf(engine), 'criterion-unverified');
    expect(d.map((x) => `${x.line}:${x.column} ${x.severity} ${x.message}`)).toEqual([
      '8:18 warning AC1 has the value 87 against its target >= 85 (from its description), but its evidence test_reports/usability_2025-10-20.md is not in the workspace; add the file so the criterion rests on evidence.',
    ]);
  });
});
