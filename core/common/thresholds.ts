/**
 * The one computation of a change request's minor/major verdict from the master contract's thresholds, used by the
 * validator, the CR wizard and `covenant evaluate`. A change is major when any value strictly exceeds its limit.
 */
import type { ChangeRequest, MasterContract } from './model/schema-types.js';

export type Verdict = NonNullable<ChangeRequest['threshold_eval']>;
export type ChangeThresholds = MasterContract['change_policy']['thresholds'];
export type ImpactFigures = Pick<ChangeRequest['impact_analysis'], 'budget_delta_pct' | 'schedule_slip_days' | 'risk_score'>;

export interface ThresholdCheck {
  key: 'budget_delta_pct' | 'schedule_slip_days' | 'risk_score';
  label: string;
  /** The value compared: the absolute budget delta, the slip, the risk score. */
  value: number;
  limit: number;
  crossed: boolean;
  /** e.g. "schedule slip 12 days exceeds 10" or "budget delta 7% is within 10%". */
  explanation: string;
}

export interface Evaluation {
  verdict: Verdict;
  checks: ThresholdCheck[];
  /** The checks whose limit was crossed. */
  crossed: ThresholdCheck[];
}

function check(key: ThresholdCheck['key'], label: string, value: number, limit: number, unit: (n: number) => string): ThresholdCheck {
  const crossed = value > limit;
  const explanation = crossed ? `${label} ${unit(value)} exceeds ${unit(limit)}` : `${label} ${unit(value)} is within ${unit(limit)}`;
  return { key, label, value, limit, crossed, explanation };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function evaluateChange(impact: ImpactFigures, thresholds: ChangeThresholds): Evaluation {
  const checks = [
    check('budget_delta_pct', 'budget delta', Math.abs(impact.budget_delta_pct), thresholds.budget_delta_pct_major, (n) => `${n}%`),
    check('schedule_slip_days', 'schedule slip', impact.schedule_slip_days, thresholds.schedule_slip_days_major, (n) => plural(n, 'day')),
    check('risk_score', 'risk score', impact.risk_score, thresholds.risk_score_major, (n) => String(n)),
  ];
  const crossed = checks.filter((c) => c.crossed);
  return { verdict: crossed.length > 0 ? 'major' : 'minor', checks, crossed };
}

/** "major: schedule slip 12 days exceeds 10; risk score 9 exceeds 8" or "minor: no threshold crossed". */
export function describeEvaluation(e: Evaluation): string {
  return e.crossed.length ? `major: ${e.crossed.map((c) => c.explanation).join('; ')}` : 'minor: no threshold crossed';
}
