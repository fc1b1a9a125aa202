/** Defensive readers for data that may not have passed its schema: cross-file rules still run on half-valid files. */
export type Json = Record<string, unknown>;

export function asObject(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Reads obj.a[0].c (keys and list indexes), or undefined as soon as a step is missing. Own properties only. */
export function dig(v: unknown, ...keys: (string | number)[]): unknown {
  let cur: unknown = v;
  for (const k of keys) {
    if (Array.isArray(cur)) {
      const i = typeof k === 'number' ? k : /^\d+$/.test(k) ? Number(k) : -1;
      if (i < 0 || i >= cur.length) return undefined;
      cur = cur[i];
      continue;
    }
    const o = asObject(cur);
    if (!o || !Object.prototype.hasOwnProperty.call(o, k)) return undefined;
    cur = o[k];
  }
  return cur;
}
