/**
 * The addendum of an approved change: the contract edits it makes (a field of a SOW or of the master, from one value
 * to another), written as contracts/addenda/<CR-ID>.yaml and applied as one reviewed change. Pure: the wizard
 * checks edits as they are typed, and the Node side plans, writes and applies the same edits.
 */
import { parse, stringify } from 'yaml';
import { CovenantError } from './errors.js';
import { MASTER_PATH } from './model/kinds.js';
import type { Addendum } from './model/schema-types.js';
import { editYaml, type Scalar } from './yaml/edit.js';
import type { PathSegment } from './yaml/locate.js';

export type AddendumEdit = Addendum['edits'][number];

const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_-]*(\[[0-9]+\])*(\.[A-Za-z_][A-Za-z0-9_-]*(\[[0-9]+\])*)*$/;

/** "gates[1].validator" -> ['gates', 1, 'validator']; null when it is not a field path. */
export function fieldPath(field: string): PathSegment[] | null {
  if (!FIELD_RE.test(field)) return null;
  const out: PathSegment[] = [];
  for (const part of field.split('.')) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part)!;
    out.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** The value at a field of parsed data (undefined when it is not there). */
export function valueAt(data: unknown, path: PathSegment[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** A value as typed in the wizard or on the command line, read as YAML: 12 is a number, [a, b] a list, text a string. */
export function typedValue(raw: string): Scalar | Scalar[] {
  let v: unknown;
  try {
    v = parse(raw);
  } catch {
    return raw;
  }
  if (v === undefined) return null;
  if (isScalar(v)) return v;
  if (Array.isArray(v) && v.every(isScalar)) return v;
  throw new CovenantError('invalid-input', `${JSON.stringify(raw)} is a map; an addendum sets one field at a time (a text, a number, or a list of them).`);
}

/** Where edits may go: the master contract or a SOW. */
export function isEditableContract(file: string): boolean {
  return file === MASTER_PATH || /^contracts\/sow\/[^/]+\.ya?ml$/.test(file);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks an edit against the file as it is: the field exists where it says, the file holds `from` still. Returns the
 * problem in words, or null.
 */
export function editProblem(edit: AddendumEdit, data: unknown): string | null {
  if (!isEditableContract(edit.file)) return `${edit.file} is not the master contract or a SOW; an addendum edits those.`;
  const path = fieldPath(edit.field);
  if (!path) return `${JSON.stringify(edit.field)} is not a field (dotted keys with [n] for list items, e.g. dates.end).`;
  if (!isScalar(edit.to) && !(Array.isArray(edit.to) && edit.to.every(isScalar)))
    return `${edit.field}: the new value must be a text, a number or a list of them; set the fields of a map one by one.`;
  const now = valueAt(data, path);
  if ('from' in edit && edit.from !== undefined && !same(now, edit.from))
    return `${edit.file} ${edit.field} is ${now === undefined ? 'not there' : JSON.stringify(now)} now, not ${JSON.stringify(edit.from)} as the addendum expects: someone changed it since; review the addendum.`;
  if (now !== undefined && !isScalar(now) && !(Array.isArray(now) && now.every(isScalar)))
    return `${edit.file} ${edit.field} is a ${Array.isArray(now) ? 'list of maps' : 'map'}; name one of its fields (e.g. ${edit.field}.name).`;
  return null;
}

/** The text of a file with the addendum's edits for it applied (comments and formatting kept). */
export function applyEdits(text: string, edits: readonly AddendumEdit[]): string {
  return editYaml(
    text,
    edits.map((e) => ({ op: 'set' as const, path: fieldPath(e.field)!, value: e.to as Scalar | Scalar[] })),
  );
}

/** The addendum file's text (schema key order). */
export function addendumText(a: Addendum): string {
  const ordered: Addendum = {
    cr: a.cr,
    ...(a.summary ? { summary: a.summary } : {}),
    edits: a.edits.map((e) => ({ file: e.file, field: e.field, ...(e.from !== undefined ? { from: e.from } : {}), to: e.to })) as Addendum['edits'],
    ...(a.applied ? { applied: a.applied } : {}),
  };
  return `# Addendum of ${a.cr}: the contract edits this change makes. Applied with the CR wizard or covenant addendum ${a.cr} --apply.\n${stringify(ordered, { lineWidth: 0 })}`;
}

/** How an addendum edit is written on one line (the CLI's --set, a note): FILE:FIELD=VALUE, VALUE as YAML. */
export const EDIT_NOTATION = 'FILE:FIELD=VALUE, e.g. contracts/sow/SPRINT-07.yaml:dates.end=2025-10-28';

/** One edit in that notation (the file's path with forward slashes), or null when it is not one. */
export function parseEdit(text: string): { file: string; field: string; to: string } | null {
  const m = /^([^:]+):([^=]+)=(.*)$/s.exec(text);
  return m ? { file: m[1]!.trim().replace(/\\/g, '/').replace(/^\.\//, ''), field: m[2]!.trim(), to: m[3]! } : null;
}
