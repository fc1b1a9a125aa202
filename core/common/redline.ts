/**
 * A redline in contract words: the fields of a contract file that changed between two versions, found by structure
 * (maps by key, lists of maps by their identity: id, name, period, area, member), not by line. What the steering
 * committee reads before it signs: "dates.end: 2025-10-24 → 2025-10-28", "acceptance_criteria[AC3]: added".
 */

export interface FieldChange {
  /** dates.end, acceptance_criteria[AC3].target, gates[qa_signoff] ... */
  field: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const IDENTITY_KEYS = ['id', 'name', 'period', 'area', 'member', 'metric', 'trigger'];

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The key that identifies the items of a list of maps (every item has it, all different), or null. */
function identityOf(a: unknown[], b: unknown[]): string | null {
  const items = [...a, ...b];
  if (items.length === 0 || !items.every(isMap)) return null;
  for (const k of IDENTITY_KEYS) {
    const values = (list: unknown[]) => list.map((x) => (x as Record<string, unknown>)[k]);
    const ok = (list: unknown[]) => values(list).every((v) => typeof v === 'string' || typeof v === 'number') && new Set(values(list)).size === list.length;
    if (ok(a) && ok(b)) return k;
  }
  return null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The changes from `before` to `after`; `ignore` names top-level fields left out (approvals, which record the signing). */
export function fieldChanges(before: unknown, after: unknown, ignore: readonly string[] = ['approvals']): FieldChange[] {
  const out: FieldChange[] = [];
  const walk = (a: unknown, b: unknown, field: string, depth: number) => {
    if (same(a, b)) return;
    if (a === undefined) return void out.push({ field, kind: 'added', after: b });
    if (b === undefined) return void out.push({ field, kind: 'removed', before: a });
    if (isMap(a) && isMap(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (depth === 0 && ignore.includes(k)) continue;
        walk(a[k], b[k], field ? `${field}.${k}` : k, depth + 1);
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const key = identityOf(a, b);
      if (key) {
        const byKey = (list: unknown[]) => new Map(list.map((x) => [String((x as Record<string, unknown>)[key]), x]));
        const ma = byKey(a);
        const mb = byKey(b);
        for (const k of new Set([...ma.keys(), ...mb.keys()])) walk(ma.get(k), mb.get(k), `${field}[${k}]`, depth + 1);
        return;
      }
      // lists of plain values: what was added and removed
      if (a.every((x) => !isMap(x) && !Array.isArray(x)) && b.every((x) => !isMap(x) && !Array.isArray(x))) {
        for (const x of b) if (!a.some((y) => same(x, y))) out.push({ field: `${field}[]`, kind: 'added', after: x });
        for (const x of a) if (!b.some((y) => same(x, y))) out.push({ field: `${field}[]`, kind: 'removed', before: x });
        return;
      }
    }
    out.push({ field, kind: 'changed', before: a, after: b });
  };
  walk(before, after, '', 0);
  return out;
}

const shortValue = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** One change as a line: "dates.end: 2025-10-24 → 2025-10-28". */
export function describeChange(c: FieldChange): string {
  if (c.kind === 'added') return `${c.field}: added ${shortValue(c.after)}`;
  if (c.kind === 'removed') return `${c.field}: removed (was ${shortValue(c.before)})`;
  return `${c.field}: ${shortValue(c.before)} → ${shortValue(c.after)}`;
}
