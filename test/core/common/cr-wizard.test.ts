import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildCrFiles, checkCrDraft, crEdits, draftFromCr, draftVerdict, emptyCrDraft, needsAdr } from '../../../core/common/wizards/cr.js';
import { editYaml } from '../../../core/common/yaml/edit.js';
import { EXAMPLE_DIR } from '../../helpers/workspace.js';

const thresholds = { budget_delta_pct_major: 10, schedule_slip_days_major: 10, risk_score_major: 8 };

describe('the CR wizard model', () => {
  it('names each incomplete or out-of-range field', () => {
    const e = checkCrDraft({ ...emptyCrDraft(), schedule_slip_days: '-2', risk_score: 'x', status: 'approved', date: '2025-02-30' });
    expect(Object.keys(e).sort()).toEqual(['approvers', 'date', 'requestor', 'risk_score', 'schedule_slip_days', 'summary']);
  });

  it("computes the verdict with the validator's function, and asks for an ADR only for an approved major change", () => {
    const d = { ...emptyCrDraft(), summary: 's', requestor: 'r', budget_delta_pct: '-12' };
    expect(draftVerdict(d, thresholds)!.verdict).toBe('major');
    expect(needsAdr(d, draftVerdict(d, thresholds))).toBe(false);
    expect(needsAdr({ ...d, status: 'approved' }, draftVerdict(d, thresholds))).toBe(true);
    expect(draftVerdict({ ...d, budget_delta_pct: '' }, thresholds)).toBeNull();
  });

  it('builds a CR in schema order with the verdict, and the MADR record it cites', () => {
    const d = {
      ...emptyCrDraft(),
      summary: 'Add SSO',
      requestor: 'client',
      sows: ['SPRINT-07'],
      schedule_slip_days: '12',
      dependencies: ['identity'],
      status: 'approved' as const,
      approvers: ['steering_committee'],
      date: '2025-10-20',
    };
    const f = buildCrFiles(d, { cr: 'CR-43', adr: 'ADR-0008' }, '2025-10-18', thresholds);
    const cr = parse(f.crText);
    expect(Object.keys(cr)).toEqual(['id', 'requestor', 'summary', 'created', 'sows', 'impact_analysis', 'threshold_eval', 'decision', 'adr']);
    expect(cr).toMatchObject({
      id: 'CR-43',
      threshold_eval: 'major',
      adr: 'docs/adr/ADR-0008.md',
      decision: { status: 'approved', approvers: ['steering_committee'], date: '2025-10-20' },
    });
    expect(f.adrPath).toBe('docs/adr/ADR-0008.md');
    expect(f.adrText).toMatch(/^---\ntitle: "Add SSO"\nstatus: accepted\ndate: 2025-10-20\n/);
    expect(f.adrText).toContain('schedule slip 12 days exceeds 10 days');
    expect(buildCrFiles({ ...d, createAdr: false }, { cr: 'CR-43', adr: 'ADR-0008' }, '2025-10-18', thresholds).adrPath).toBeNull();
  });
});

describe('an existing CR through the wizard', () => {
  it('round-trips: loading and writing back unchanged touches nothing; one change edits one line', () => {
    const text = readFileSync(`${EXAMPLE_DIR}/contracts/changes/CR-42.yaml`, 'utf8');
    const data = parse(text);
    const draft = draftFromCr(data);
    expect(draft).toMatchObject({
      summary: 'Redesign navigation per user tests',
      budget_delta_pct: '7',
      dependencies: ['frontend', 'analytics'],
      status: 'approved',
      approvers: ['steering_committee'],
      date: '2025-10-15',
      createAdr: false,
    });
    expect(crEdits(data, draft, draftVerdict(draft, thresholds), null)).toEqual([]);
    const edits = crEdits(data, { ...draft, risk_score: '6' }, draftVerdict({ ...draft, risk_score: '6' }, thresholds), null);
    expect(edits).toEqual([{ op: 'set', path: ['impact_analysis', 'risk_score'], value: 6 }]);
    expect(editYaml(text, edits)).toBe(text.replace('risk_score: 5', 'risk_score: 6'));
  });
});
