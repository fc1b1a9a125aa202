// A contract file as a document for people who read rather than edit: sections and labels come from the schema's
// titles, values from the file, and for SOWs and change requests the figures that prove them (criteria checked
// against their evidence, gates from recorded results, the computed verdict). Pure: the core and the app share it.

/** A status a reader sees next to a criterion, a gate or a change, derived from evidence (never from what was typed). */
export type DocStatus = 'met' | 'unmet' | 'unverified' | 'pending' | 'missing' | 'passed' | 'failed' | 'minor' | 'major' | 'unknown';

export interface DocRow {
  label: string;
  value: string;
  /** The schema's description of the field. */
  hint?: string;
}

export type DocBlock =
  | { type: 'fields'; rows: DocRow[] }
  | { type: 'list'; items: string[] }
  | { type: 'table'; columns: string[]; rows: string[][] }
  | {
      type: 'checks';
      items: { label: string; text: string; status: DocStatus; detail: string; evidence?: { path: string; present: boolean } | null }[];
    }
  | { type: 'links'; items: { label: string; path: string; detail: string; status?: DocStatus }[] }
  | { type: 'note'; text: string; tone?: 'muted' | 'warn' };

export interface DocSection {
  title: string;
  hint?: string;
  blocks: DocBlock[];
}

export interface ContractDocument {
  path: string;
  title: string;
  subtitle: string;
  sections: DocSection[];
  /** What the document shows: saved or unsaved, which commit. */
  shows: string;
}

type Schema = Record<string, unknown>;

const humanize = (key: string) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The schema of a property, with a local `$ref` followed (its own title and description win over the target's). */
function resolve(root: Schema, schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part];
    return { ...(resolve(root, target as Schema) ?? {}), ...schema };
  }
  return schema;
}

function propertySchema(root: Schema, schema: Schema | undefined, key: string): Schema | undefined {
  const props = (schema?.properties ?? {}) as Record<string, Schema>;
  return resolve(root, props[key]);
}

const titleOf = (s: Schema | undefined, key: string) => (typeof s?.title === 'string' ? s.title : humanize(key));
const hintOf = (s: Schema | undefined) => (typeof s?.description === 'string' ? s.description : undefined);

/** A value on one line: scalars as they are, lists joined, small maps as "label: value" pairs. */
export function inline(root: Schema, schema: Schema | undefined, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const item = resolve(root, schema?.items as Schema | undefined);
    return value.length ? value.map((v) => inline(root, item, v)).join(', ') : 'none';
  }
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${titleOf(propertySchema(root, schema, k), k)}: ${inline(root, propertySchema(root, schema, k), v)}`)
      .join(' · ');
  return String(value);
}

/** Keys in the schema's order, then any others (extensions) as written. */
function orderedKeys(schema: Schema | undefined, value: Record<string, unknown>): string[] {
  const known = Object.keys((schema?.properties ?? {}) as Record<string, unknown>).filter((k) => k in value);
  return [...known, ...Object.keys(value).filter((k) => !known.includes(k))];
}

const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** The blocks showing one value: fields for a map, a list for scalars, a table for a list of maps. */
export function blocksOf(root: Schema, schema: Schema | undefined, value: unknown): DocBlock[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [{ type: 'note', text: 'None.', tone: 'muted' }];
    if (value.every(isScalar)) return [{ type: 'list', items: value.map((v) => inline(root, undefined, v)) }];
    const item = resolve(root, schema?.items as Schema | undefined);
    if (value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const keys: string[] = [];
      for (const v of value) for (const k of orderedKeys(item, v as Record<string, unknown>)) if (!keys.includes(k)) keys.push(k);
      return [
        {
          type: 'table',
          columns: keys.map((k) => titleOf(propertySchema(root, item, k), k)),
          rows: value.map((v) => keys.map((k) => inline(root, propertySchema(root, item, k), (v as Record<string, unknown>)[k]))),
        },
      ];
    }
    return [{ type: 'list', items: value.map((v) => inline(root, item, v)) }];
  }
  if (value && typeof value === 'object') {
    const map = value as Record<string, unknown>;
    const rows: DocRow[] = [];
    const blocks: DocBlock[] = [];
    for (const k of orderedKeys(schema, map)) {
      const s = propertySchema(root, schema, k);
      const v = map[k];
      if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) {
        blocks.push({ type: 'note', text: titleOf(s, k) }, ...blocksOf(root, s, v));
      } else rows.push({ label: titleOf(s, k), value: inline(root, s, v), hint: hintOf(s) });
    }
    return rows.length ? [{ type: 'fields', rows }, ...blocks] : blocks;
  }
  return [{ type: 'fields', rows: [{ label: titleOf(schema, 'value'), value: inline(root, schema, value) }] }];
}

/**
 * A file's data as sections: one per top-level field that holds a map or a list (titled by the schema), the scalars
 * together first. `replace` supplies sections computed from evidence for some fields (criteria, gates).
 */
export function sectionsOf(schema: Schema, data: Record<string, unknown>, replace: Record<string, DocSection | null> = {}): DocSection[] {
  const overview: DocRow[] = [];
  const sections: DocSection[] = [];
  for (const k of orderedKeys(schema, data)) {
    const s = propertySchema(schema, schema, k);
    if (k in replace) {
      const r = replace[k];
      if (r) sections.push(r);
      continue;
    }
    const v = data[k];
    if (isScalar(v) || (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isScalar) && Object.keys(v).length <= 3))
      overview.push({ label: titleOf(s, k), value: inline(schema, s, v), hint: hintOf(s) });
    else sections.push({ title: titleOf(s, k), hint: hintOf(s), blocks: blocksOf(schema, s, v) });
  }
  return overview.length ? [{ title: 'Overview', blocks: [{ type: 'fields', rows: overview }] }, ...sections] : sections;
}
