import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeEvaluation, evaluateChange } from '../../../core/common/thresholds.js';

const seedThresholds = { budget_delta_pct_major: 10, schedule_slip_days_major: 10, risk_score_major: 8 };

describe('evaluateChange', () => {
  it('the seed CR-42 figures are minor', () => {
    const e = evaluateChange({ budget_delta_pct: 7, schedule_slip_days: 4, risk_score: 5 }, seedThresholds);
    expect(e.verdict).toBe('minor');
    expect(e.checks.map((c) => [c.key, c.value, c.limit, c.crossed])).toEqual([
      ['budget_delta_pct', 7, 10, false],
      ['schedule_slip_days', 4, 10, false],
      ['risk_score', 5, 8, false],
    ]);
    expect(describeEvaluation(e)).toBe('minor: no threshold crossed');
  });

  it('is major only when strictly greater than a limit', () => {
    expect(evaluateChange({ budget_delta_pct: 10, schedule_slip_days: 10, risk_score: 8 }, seedThresholds).verdict).toBe('minor');
    expect(evaluateChange({ budget_delta_pct: 10.01, schedule_slip_days: 0, risk_score: 0 }, seedThresholds).verdict).toBe('major');
    expect(evaluateChange({ budget_delta_pct: 0, schedule_slip_days: 11, risk_score: 0 }, seedThresholds).verdict).toBe('major');
    expect(evaluateChange({ budget_delta_pct: 0, schedule_slip_days: 0, risk_score: 9 }, seedThresholds).verdict).toBe('major');
  });

  it('compares the absolute budget delta: a large saving is major too', () => {
    const e = evaluateChange({ budget_delta_pct: -12, schedule_slip_days: 0, risk_score: 0 }, seedThresholds);
    expect(e.verdict).toBe('major');
    expect(describeEvaluation(e)).toBe('major: budget delta 12% exceeds 10%');
  });

  it('names every crossed threshold', () => {
    const e = evaluateChange({ budget_delta_pct: 3, schedule_slip_days: 12, risk_score: 9 }, seedThresholds);
    expect(describeEvaluation(e)).toBe('major: schedule slip 12 days exceeds 10 days; risk score 9 exceeds 8');
  });

  const figures = fc.record({
    budget_delta_pct: fc.double({ min: -1000, max: 1000, noNaN: true }),
    schedule_slip_days: fc.double({ min: 0, max: 1000, noNaN: true }),
    risk_score: fc.double({ min: 0, max: 100, noNaN: true }),
  });
  const limits = fc.record({
    budget_delta_pct_major: fc.double({ min: 0, max: 100, noNaN: true }),
    schedule_slip_days_major: fc.double({ min: 0, max: 100, noNaN: true }),
    risk_score_major: fc.double({ min: 0, max: 100, noNaN: true }),
  });

  it('is monotonic: raising any value never turns major into minor', () => {
    fc.assert(
      fc.property(
        figures,
        limits,
        fc.constantFrom('budget_delta_pct', 'schedule_slip_days', 'risk_score'),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (f, t, key, extra) => {
          const before = evaluateChange(f, t).verdict;
          const raised = { ...f, [key]: key === 'budget_delta_pct' && f.budget_delta_pct < 0 ? f.budget_delta_pct - extra : f[key] + extra };
          const after = evaluateChange(raised, t).verdict;
          return !(before === 'major' && after === 'minor');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is major exactly when at least one check is crossed', () => {
    fc.assert(
      fc.property(figures, limits, (f, t) => {
        const e = evaluateChange(f, t);
        return (e.verdict === 'major') === e.checks.some((c) => c.value > c.limit);
      }),
    );
  });
});
