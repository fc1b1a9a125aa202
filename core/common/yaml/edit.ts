/**
 * Comment-preserving edits of YAML text. Instead of re-serialising a Document (which rewrites values nobody touched:
 * `01234` becomes `1234`, a 20-digit number is rounded, `1e3` becomes `1e+3`, long lines are folded at 80 columns),
 * an edit locates the node with the `yaml` Document API and splices new text into the original at that node only.
 * Every byte outside the edited node stays as the user wrote it: comments, key order, quoting, blank lines.
 */
import { isMap, isScalar, isSeq, parse, parseDocument, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { findPair, type PathSegment } from './locate.js';

export type YamlEdit =
  /** Sets a value (scalar or flow list of scalars) at a path; missing keys are created in their map. */
  | { op: 'set'; path: PathSegment[]; value: Scalar | Scalar[] }
  /** Appends a scalar, or a map of scalars (written as a flow map), to the list at a path (created when missing). */
  | { op: 'append'; path: PathSegment[]; value: Scalar | Record<string, Scalar> };

export type Scalar = string | number | boolean | null;

import { CovenantError } from '../errors.js';

/** An edit that does not fit the document: the one error type, as invalid input. */
const editError = (message: string) => new CovenantError('invalid-input', message);

/** A scalar as YAML source: plain when it reads back as the same value, else double-quoted. */
export function scalarSource(v: Scalar): string {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const plain = /^[^\s\-?:,[\]{}#&*!|>'"%@`][^#]*$/.test(v) && !/:\s|\s$/.test(v) && !v.includes(': ') && !v.includes(' #');
  if (plain) {
    try {
      if (parse(v) === v) return v;
    } catch {
      /* quote it */
    }
  }
  return JSON.stringify(v);
}

function itemSource(v: Scalar | Record<string, Scalar>): string {
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${scalarSource(k)}: ${scalarSource(x)}`)
      .join(', ')}}`;
  return scalarSource(v);
}

/** A map as a block list item at column `col`: "- a: 1" then "  b: 2" under it. */
function blockItem(v: Record<string, Scalar>, col: number, nl: string): string {
  const pad = ' '.repeat(col);
  const lines = Object.entries(v).map(([k, x], i) => `${i === 0 ? `${pad}- ` : `${pad}  `}${scalarSource(k)}: ${scalarSource(x)}`);
  return lines.length ? lines.join(nl) : `${pad}- {}`;
}

function valueSource(v: Scalar | Scalar[]): string {
  return Array.isArray(v) ? `[${v.map(scalarSource).join(', ')}]` : scalarSource(v);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl === -1) return text.length;
  return text[nl - 1] === '\r' ? nl - 1 : nl;
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Where the content of a node ends (before trailing comments and newlines). */
function contentEnd(node: Node): number {
  return node.range![1];
}

/** The last offset of a block collection's content, including nested items. */
function lastContent(text: string, node: Node): number {
  let end = node.range![1];
  while (end > node.range![0] && /\s/.test(text[end - 1]!)) end--;
  return end;
}

interface Splice {
  start: number;
  end: number;
  insert: string;
}

function keyColumn(text: string, map: YAMLMap): number {
  const first = map.items[0]?.key as Node | undefined;
  const at = first?.range ? first.range[0] : map.range![0];
  return at - lineStart(text, at);
}

/** Text for `key: value` (or nested keys) to add into a map, as a block or inside a flow map. */
function newEntries(keys: string[], value: string, indent: number, nl: string): string {
  let out = '';
  keys.forEach((k, i) => {
    const pad = ' '.repeat(indent + i * 2);
    out += `${nl}${pad}${scalarSource(k)}:${i === keys.length - 1 ? ` ${value}` : ''}`;
  });
  return out;
}

function spliceFor(doc: Document, text: string, edit: YamlEdit): Splice {
  const nl = eol(text);
  // walk as far as the path exists
  let node: unknown = doc.contents;
  let i = 0;
  for (; i < edit.path.length; i++) {
    const seg = edit.path[i]!;
    if (isMap(node)) {
      const pair = findPair(node, String(seg));
      if (!pair) break;
      if (pair.value === null || pair.value === undefined) {
        // `key:` with no value: write the value after the colon
        if (i === edit.path.length - 1 || edit.op === 'append') {
          const keyEnd = (pair.key as Node).range![1];
          const colon = text.indexOf(':', keyEnd);
          const rest = edit.path.slice(i + 1).map(String);
          const value = edit.op === 'append' ? `[${itemSource(edit.value)}]` : valueSource(edit.value);
          if (rest.length === 0) return { start: colon + 1, end: colon + 1, insert: ` ${value}` };
          const indent = keyColumn(text, node) + 2;
          return { start: colon + 1, end: colon + 1, insert: newEntries(rest, value, indent, nl) };
        }
        throw editError(`${edit.path.slice(0, i + 1).join('.')} has no value to descend into`);
      }
      node = pair.value;
    } else if (isSeq(node)) {
      const idx = Number(seg);
      if (!Number.isInteger(idx) || idx < 0 || idx >= node.items.length) throw editError(`no item ${String(seg)} at ${edit.path.slice(0, i).join('.')}`);
      node = node.items[idx];
    } else throw editError(`${edit.path.slice(0, i).join('.') || 'the document'} is not a map or a list`);
  }

  if (i === edit.path.length) {
    const target = node as Node;
    if (edit.op === 'set') {
      if (!target.range) throw editError('the value has no position');
      if (isSeq(target) && !(target as YAMLSeq).flow && Array.isArray(edit.value)) {
        // a block list stays a block list: its items are rewritten at their indentation, comments above it stay
        const seq = target as YAMLSeq;
        const first = seq.items[0] as Node;
        const dash = text.lastIndexOf('-', first.range![0]);
        const indent = ' '.repeat(dash - lineStart(text, dash));
        const end = lineEnd(text, lastContent(text, seq));
        if (edit.value.length === 0) {
          const colon = text.lastIndexOf(':', dash);
          return { start: colon + 1, end, insert: ' []' };
        }
        return { start: dash, end, insert: edit.value.map((v, i) => `${i ? `${nl}${indent}` : ''}- ${scalarSource(v)}`).join('') };
      }
      if (!isScalar(target) && !(isSeq(target) && (target as YAMLSeq).flow))
        throw editError(`${edit.path.join('.')} is a ${isMap(target) ? 'map' : 'block list'}; set its fields one by one`);
      return { start: target.range[0], end: contentEnd(target), insert: valueSource(edit.value) };
    }
    // append
    if (!isSeq(target)) throw editError(`${edit.path.join('.')} is not a list`);
    const seq = target as YAMLSeq;
    const item = itemSource(edit.value);
    const isMapValue = edit.value !== null && typeof edit.value === 'object';
    if (seq.flow) {
      const close = text.lastIndexOf(']', seq.range![1]);
      const open = seq.range![0];
      const line = lineStart(text, open);
      const keyed = /^\s*[^\s#-][^:#]*:\s*$/.test(text.slice(line, open));
      // an empty `key: []` in a block map becomes a block list when a map goes in: the style of the file around it
      if (seq.items.length === 0 && isMapValue && keyed) {
        const col = open - line - text.slice(line, open).trimStart().length;
        const afterColon = text.lastIndexOf(':', open) + 1;
        return { start: afterColon, end: close + 1, insert: `${nl}${blockItem(edit.value as Record<string, Scalar>, col + 2, nl)}` };
      }
      if (seq.items.length === 0) return { start: close, end: close, insert: item };
      const last = seq.items[seq.items.length - 1] as Node;
      const after = last.range![1];
      return { start: after, end: after, insert: `, ${item}` };
    }
    const firstItem = seq.items[0] as Node;
    const dash = text.lastIndexOf('-', firstItem.range![0]);
    const col = dash - lineStart(text, dash);
    const at = lineEnd(text, lastContent(text, seq));
    // a map goes in as the items before it are written: block style, unless they are flow maps themselves
    const last = seq.items[seq.items.length - 1];
    if (isMapValue && !(isMap(last) && (last as YAMLMap).flow))
      return { start: at, end: at, insert: `${nl}${blockItem(edit.value as Record<string, Scalar>, col, nl)}` };
    return { start: at, end: at, insert: `${nl}${' '.repeat(col)}- ${item}` };
  }

  // the path stops at map `node` where key path[i] is missing: add the rest there
  if (!isMap(node)) throw editError(`${edit.path.slice(0, i).join('.') || 'the document'} is not a map`);
  const map = node as YAMLMap;
  const rest = edit.path.slice(i).map(String);
  const value = edit.op === 'append' ? `[${itemSource(edit.value)}]` : valueSource(edit.value);
  if (map.flow) {
    if (rest.length > 1) throw editError('cannot nest new keys inside a flow map');
    const close = text.lastIndexOf('}', map.range![1]);
    const sep = map.items.length ? ', ' : '';
    const last = map.items[map.items.length - 1];
    const at = last ? ((last.value as Node | null)?.range?.[1] ?? (last.key as Node).range![1]) : close;
    return { start: at, end: at, insert: `${sep}${scalarSource(rest[0]!)}: ${value}` };
  }
  if (map.items.length === 0) throw editError('cannot add to an empty map');
  const at = lineEnd(text, lastContent(text, map));
  return { start: at, end: at, insert: newEntries(rest, value, keyColumn(text, map), nl) };
}

function setIn(data: unknown, path: PathSegment[], edit: YamlEdit): unknown {
  const root = JSON.parse(JSON.stringify(data ?? {})) as Record<string, unknown>;
  let cur: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const next = (cur as Record<string, unknown>)[k as string];
    if (next === undefined || next === null) (cur as Record<string, unknown>)[k as string] = {};
    cur = (cur as Record<string, unknown>)[k as string] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  const obj = cur as Record<string, unknown>;
  if (edit.op === 'set') obj[last as string] = edit.value;
  else obj[last as string] = [...((obj[last as string] as unknown[] | undefined) ?? []), edit.value];
  return root;
}

/**
 * Applies edits one after the other; every byte outside the edited nodes is kept. Each result is parsed again and must
 * hold exactly the intended data, or the edit is refused (a wizard never writes a file it did not mean to).
 */
export function editYaml(text: string, edits: YamlEdit[]): string {
  let out = text;
  for (const edit of edits) {
    const doc = parseDocument(out, { uniqueKeys: false });
    if (doc.errors.length) throw editError(`the file has YAML errors; fix them before editing (${doc.errors[0]!.message.split('\n')[0]})`);
    const s = spliceFor(doc, out, edit);
    const next = out.slice(0, s.start) + s.insert + out.slice(s.end);
    const expected = setIn(doc.toJS(), edit.path, edit);
    const actual = parse(next);
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      throw editError(`the edit of ${edit.path.join('.')} could not be made without changing other values`);
    out = next;
  }
  return out;
}
