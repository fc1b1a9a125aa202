import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildSowText, checkSowDraft, overlappingSows, type SowDraft } from '../../../core/common/wizards/sow.js';

const draft: SowDraft = {
  id: 'SPRINT-08',
  start: '2025-10-27',
  end: '2025-11-07',
  goals: ['Ship SSO', ' '],
  valueHypothesis: '',
  criteria: [
    { description: 'p95 < 1s', evidence: '' },
    { description: '', evidence: '' },
  ],
  gates: [],
  dagNodes: [],
};

describe('the SOW wizard model', () => {
  it('checks id, dates, goals, criteria and gates in plain words', () => {
    expect(checkSowDraft(draft, [])).toEqual({});
    expect(checkSowDraft({ ...draft, id: 'sprint 8', end: '2025-10-01', goals: [], criteria: [], gates: [{ name: 'x', validator: '' }] }, [])).toEqual({
      id: 'Capitals, digits and hyphens, e.g. SPRINT-08.',
      end: 'The iteration cannot end before it starts.',
      goals: 'At least one goal.',
      criteria: 'At least one measurable acceptance criterion.',
      gates: 'Each gate needs a name and a validator.',
    });
    expect(checkSowDraft(draft, ['SPRINT-08']).id).toBe('SPRINT-08 already exists.');
  });

  it('finds overlapping iterations', () => {
    expect(
      overlappingSows(draft, [
        { id: 'A', start: '2025-11-07', end: '2025-11-20' },
        { id: 'B', start: '2025-10-01', end: '2025-10-26' },
      ]),
    ).toEqual(['A']);
  });

  it('writes AC ids in order, drops empty rows, keeps dates on one line', () => {
    const sow = parse(buildSowText(draft));
    expect(sow.acceptance_criteria).toEqual([{ id: 'AC1', description: 'p95 < 1s', status: 'pending' }]);
    expect(sow.goals).toEqual([{ description: 'Ship SSO' }]);
    expect(buildSowText(draft)).toContain('dates: {start: 2025-10-27, end: 2025-11-07}');
  });
});
