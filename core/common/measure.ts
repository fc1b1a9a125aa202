/**
 * Acceptance criteria checked, not claimed: a criterion with a target ("<= 0.28", ">= 85") is met or unmet by a
 * measured value, taken from a column and an aggregate of its CSV evidence (parsed with csv-parse), or from the
 * latest value recorded for it (covenant record SOW --criterion AC --value N). No value: unverified.
 */
import { parse } from 'csv-parse/sync';
import type { Sow } from './model/schema-types.js';

export type Criterion = Sow['acceptance_criteria'][number];

export interface CriterionCheck {
  id: string;
  /** met/unmet by a value against the target; unverified when claimed (typed) or measured but not checkable; pending otherwise. */
  status: 'met' | 'unmet' | 'unverified' | 'pending';
  /** The measured value, when there is one. */
  value: number | null;
  target: string | null;
  /** Where the target was found: the criterion's target field, or the one comparison its description states. */
  targetFrom: 'target' | 'description' | null;
  /** Where the value comes from, or why there is none, in words. */
  source: string;
}

export function parseTarget(target: string): { op: '>=' | '<=' | '>' | '<' | '='; n: number } | null {
  const m = /^\s*(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(target);
  return m ? { op: m[1] as '>=' | '<=' | '>' | '<' | '=', n: Number(m[2]) } : null;
}

/**
 * The target a criterion's description states, when it states exactly one comparison with a number
 * ("Usability score >= 85 on SUS" gives ">= 85"; "by >= 15%" gives ">= 15"); null otherwise.
 */
export function targetInDescription(description: string): string | null {
  const found = [...description.matchAll(/(>=|<=|≥|≤)\s*(-?\d+(?:\.\d+)?)/g)];
  if (found.length !== 1) return null;
  const op = found[0]![1] === '≥' ? '>=' : found[0]![1] === '≤' ? '<=' : found[0]![1]!;
  return `${op} ${found[0]![2]}`;
}

export function meets(value: number, target: { op: string; n: number }): boolean {
  switch (target.op) {
    case '>=':
      return value >= target.n;
    case '<=':
      return value <= target.n;
    case '>':
      return value > target.n;
    case '<':
      return value < target.n;
    default:
      return value === target.n;
  }
}

/** One value from a CSV text: the column's numbers in the rows matching `where`, aggregated. */
export function measureCsv(text: string, m: NonNullable<Criterion['measure']>): { value: number } | { problem: string } {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false }) as Record<string, string>[];
  } catch (e) {
    return { problem: `it is not a CSV table (${(e as Error).message.split('\n')[0]})` };
  }
  if (rows.length > 0 && !(m.column in rows[0]!)) return { problem: `it has no column ${m.column} (columns: ${Object.keys(rows[0]!).join(', ')})` };
  const where = Object.entries(m.where ?? {});
  const picked = rows.filter((r) => where.every(([k, v]) => r[k] === String(v)));
  if (m.aggregate === 'count') return { value: picked.length };
  const values: number[] = [];
  for (const r of picked) {
    const raw = r[m.column] ?? '';
    if (raw === '') continue;
    const n = Number(raw);
    if (!Number.isFinite(n)) return { problem: `${m.column} holds ${JSON.stringify(raw)}, which is not a number` };
    values.push(n);
  }
  if (values.length === 0)
    return { problem: `no row${where.length ? ` where ${where.map(([k, v]) => `${k} = ${v}`).join(' and ')}` : ''} has a value in ${m.column}` };
  const sorted = [...values].sort((a, b) => a - b);
  switch (m.aggregate) {
    case 'sum':
      return { value: values.reduce((a, b) => a + b, 0) };
    case 'mean':
      return { value: values.reduce((a, b) => a + b, 0) / values.length };
    case 'median': {
      const mid = Math.floor(sorted.length / 2);
      return { value: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2 };
    }
    case 'min':
      return { value: sorted[0]! };
    case 'max':
      return { value: sorted.at(-1)! };
    default:
      return { value: values.at(-1)! };
  }
}
