/**
 * How figures are said, in one place for the dashboard, the document view, the PDF, the archive summary and the
 * CLI: a share as a percentage, a count of a whole ("1/2 (50%)"), a duration in hours, and a change's verdict.
 * Money words are in ledger.ts (shareInWords and its kin); they never carry a sign either.
 */
import type { CrVerdict } from './model/contract.js';
import { describeEvaluation } from './thresholds.js';

/** A count with its noun: "1 warning", "2 warnings". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A ratio as a whole percentage, "50%"; `unknown` when there is nothing to judge (null). */
export function percent(ratio: number | null, unknown = 'unknown'): string {
  return ratio === null || !Number.isFinite(ratio) ? unknown : `${Math.round(ratio * 100)}%`;
}

/** How many of a whole: "1/2 (50%)"; `none` when the whole is empty (never "0/0"). */
export function fraction(part: number, whole: number, none = 'none'): string {
  return whole === 0 ? none : `${part}/${whole} (${percent(part / whole)})`;
}

/** A duration in hours as people read it, to a tenth: "63.5 h"; `unknown` for null. */
export function hours(h: number | null, unknown = 'unknown'): string {
  return h === null ? unknown : `${Math.round(h * 10) / 10} h`;
}

/**
 * A change request's verdict with its reason, said once: "minor: no threshold crossed", "major: budget delta 14%
 * exceeds 10%", or "unknown: the master contract is missing or invalid".
 */
export function verdictInWords(v: Pick<CrVerdict, 'evaluation' | 'explanation'>): string {
  if (v.evaluation) return describeEvaluation(v.evaluation);
  return v.explanation.startsWith('unknown') ? v.explanation : `unknown: ${v.explanation}`;
}
