/**
 * Acceptance criteria checked, not claimed: a criterion with a target ("<= 0.28", ">= 85%", "at least 85") is met or unmet by a
 * measured value, taken from a column and an aggregate of its CSV evidence (parsed with csv-parse), or from the
 * latest value recorded for it (covenant record SOW --criterion AC --value N). No value: unverified.
 */
import { parse } from 'csv-parse/sync';
import type { Sow } from './model/schema-types.js';
import { resolveRefPath } from './paths.js';

export type Criterion = Sow['acceptance_criteria'][number];

export interface CriterionCheck {
  id: string;
  /**
   * met: a value meets the target and the evidence file is there; unmet: a value misses it; unverified: claimed
   * (typed), measured but not checkable, a target that cannot be read, or a value without its evidence; pending otherwise.
   */
  status: 'met' | 'unmet' | 'unverified' | 'pending';
  /** The measured value, when there is one. */
  value: number | null;
  target: string | null;
  /** Where the target was found: the criterion's target field, or the one comparison its description states. */
  targetFrom: 'target' | 'description' | null;
  /** Where the value comes from, or why there is none, in words. */
  source: string;
  /** The evidence file: named and there, named and not there (or in a folder nobody can read), or not named. */
  evidence: 'present' | 'missing' | 'none';
  /** Why the target cannot be read: the target field is not in the grammar, or the description states several. */
  unreadable: 'target' | 'description' | null;
}

export type TargetOp = '>=' | '<=' | '>' | '<' | '=';

/** A target as read: the comparison, the number and what follows it ("%", "s", "days"; empty when nothing does). */
export interface Target {
  op: TargetOp;
  n: number;
  unit: string;
}

// one grammar for the target: field and the description: a comparison, a number, an optional % or unit
const OPS: readonly [RegExp, TargetOp][] = [
  [/^(>=|≥|at least|no less than|not less than)$/i, '>='],
  [/^(<=|≤|at most|no more than|not more than)$/i, '<='],
  [/^>$/, '>'],
  [/^<$/, '<'],
  [/^=$/, '='],
];
const OP = String.raw`(>=|<=|≥|≤|>|<|=|at\s+least|at\s+most|no\s+more\s+than|not\s+more\s+than|no\s+less\s+than|not\s+less\s+than)\s*(-?\d+(?:\.\d+)?)`;
// in target: any one word may follow the number; in prose only a unit people write after a measure ("85 on SUS": no unit)
const WHOLE = new RegExp(String.raw`^\s*${OP}(?:\s*(%|[^\s\d<>=≥≤][^\s]*))?\s*$`, 'i');
const UNITS = String.raw`%|percent|ms|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|d|days?|weeks?|points?|pts|kb|mb|gb|px`;
const ANYWHERE = new RegExp(String.raw`(?<![<>=≥≤\w])${OP}(?:\s*(${UNITS})(?![\w]))?`, 'gi');

function toTarget(opText: string, number: string, unit: string | undefined): Target {
  const words = opText.replace(/\s+/g, ' ');
  const op = OPS.find(([re]) => re.test(words))![1];
  return { op, n: Number(number), unit: unit === undefined ? '' : unit.toLowerCase() === 'percent' ? '%' : unit };
}

/** A target as written ("<= 0.28", ">= 85%", "at least 85 points", "no more than 3 days"); null when it cannot be read. */
export function parseTarget(target: string | number): Target | null {
  if (typeof target !== 'string') return null; // a bare number says no comparison
  const m = WHOLE.exec(target);
  return m ? toTarget(m[1]!, m[2]!, m[3]) : null;
}

/** A target in its plain form: ">= 85", ">= 15%", "<= 2.5 s". */
export function targetText(t: Target): string {
  return `${t.op} ${t.n}${t.unit === '' ? '' : t.unit === '%' ? '%' : ` ${t.unit}`}`;
}

/** How many comparisons with a number a description states. */
export function comparisonsIn(description: string): Target[] {
  return [...description.matchAll(ANYWHERE)].map((m) => toTarget(m[1]!, m[2]!, m[3]));
}

/**
 * The target a criterion's description states, when it states exactly one comparison with a number, in the grammar
 * of target: ("Usability score >= 85 on SUS" gives ">= 85"; "by at least 15%" gives ">= 15%"); null otherwise.
 */
export function targetInDescription(description: string): string | null {
  const found = comparisonsIn(description);
  return found.length === 1 ? targetText(found[0]!) : null;
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

/**
 * One criterion checked against its target: the value measured from its CSV evidence (`data` answers an evidence
 * path's text), or else the latest recorded one. Met needs the value to meet the target and the evidence file to be
 * there (`exists`); a value that misses it is unmet whatever the file; a target that cannot be read leaves it unverified.
 */
export function checkCriterion(
  c: Criterion,
  recorded: { value: number | null; at: string; path: string } | null,
  data: (path: string) => { text: string } | { problem: string } | undefined,
  exists: (path: string) => boolean,
): CriterionCheck {
  // the target as written, else the one comparison the description states ("Usability score >= 85 on SUS")
  const written = c.target === undefined ? null : String(c.target);
  const fromText = written === null ? targetInDescription(c.description) : null;
  const target = written ?? fromText;
  const parsed = target !== null ? parseTarget(target) : null;
  const unreadable: CriterionCheck['unreadable'] =
    written !== null && !parsed ? 'target' : written === null && comparisonsIn(c.description).length > 1 ? 'description' : null;
  const ref = c.evidence ? resolveRefPath(c.evidence) : null;
  let value: number | null = null;
  let source: string;
  if (c.measure) {
    const content = ref?.ok ? data(ref.path) : undefined;
    if (!c.evidence) source = 'measure needs the CSV file named in evidence';
    else if (!content) source = `${c.evidence} is not there (or is not a CSV file)`;
    else if ('problem' in content) source = `${c.evidence} cannot be read: ${content.problem}`;
    else {
      const m = measureCsv(content.text, c.measure);
      if ('problem' in m) source = `${c.evidence}: ${m.problem}`;
      else {
        value = m.value;
        source = `${c.measure.aggregate} of ${c.measure.column} in ${c.evidence}`;
      }
    }
  } else {
    value = recorded?.value ?? null;
    source = recorded ? `recorded ${recorded.at} in ${recorded.path}` : 'no value recorded';
  }
  const evidence: CriterionCheck['evidence'] = !c.evidence ? 'none' : ref?.ok && exists(ref.path) ? 'present' : 'missing';
  const claimed = c.status === 'met' || c.status === 'not_met';
  const meetsTarget = parsed && value !== null ? meets(value, parsed) : null;
  const status: CriterionCheck['status'] =
    meetsTarget === false
      ? 'unmet'
      : meetsTarget === true && evidence === 'present'
        ? 'met'
        : meetsTarget === true || unreadable || claimed || (c.measure && value === null)
          ? 'unverified'
          : 'pending';
  return {
    id: c.id,
    status,
    value,
    target: unreadable === 'description' ? null : target,
    targetFrom: written !== null ? 'target' : fromText !== null ? 'description' : null,
    source,
    evidence,
    unreadable,
  };
}
