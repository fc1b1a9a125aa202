import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { Diagnostic, DiagnosticCode, Severity } from '../diagnostics.js';

export type PathSegment = string | number;

/** Offsets [start, end) in the text of one file. */
export type Span = readonly [number, number];

/** Turns offsets into the 1-based line/column ranges of a Diagnostic. */
export class Positions {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  line(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  diagnostic(span: Span, severity: Severity, code: DiagnosticCode, message: string): Diagnostic {
    const start = this.lines.linePos(span[0]);
    const end = this.lines.linePos(Math.max(span[1], span[0]));
    return { file: this.file, line: start.line, column: start.col, endLine: end.line, endColumn: end.col, severity, code, message };
  }
}

/** The span of a node's value (without trailing comments), or of the first line when the node has none. */
export function nodeSpan(node: Node | null | undefined): Span | null {
  if (!node?.range) return null;
  return [node.range[0], node.range[1]];
}

function scalarKey(pair: Pair): string | null {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return k === null ? '' : null;
}

/** The pair of `map` whose key is `key` (the last one, as YAML keeps the last of duplicates). */
export function findPair(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  for (let i = map.items.length - 1; i >= 0; i--) {
    const pair = map.items[i]!;
    if (scalarKey(pair) === key) return pair;
  }
  return undefined;
}

export interface Located {
  /** The value node at the path (may be null for `key:` with no value). */
  node: Node | null;
  /** The key node when the path ends at a map entry. */
  key: Node | null;
}

/** Finds the node at a JSON path in a parsed document, following aliases. Null when the path does not exist. */
export function locate(doc: Document, path: readonly PathSegment[]): Located | null {
  let current: unknown = doc.contents;
  let key: Node | null = null;
  for (const seg of path) {
    if (isAlias(current)) current = current.resolve(doc);
    if (isMap(current)) {
      const pair = findPair(current, String(seg));
      if (!pair) return null;
      key = (pair.key as Node | null) ?? null;
      current = pair.value;
    } else if (isSeq(current)) {
      const index = typeof seg === 'number' ? seg : Number(seg);
      if (!Number.isInteger(index) || index < 0 || index >= current.items.length) return null;
      current = current.items[index];
      key = null;
    } else return null;
  }
  return { node: (current as Node | null) ?? null, key };
}

/**
 * The best span to mark for a path: the value when it has one, else its key, else the nearest existing ancestor.
 * `preferKey` marks the key instead (for "unknown field" and "missing field" problems).
 */
export function spanAt(doc: Document, text: string, path: readonly PathSegment[], preferKey = false): Span {
  for (let depth = path.length; depth >= 0; depth--) {
    const found = locate(doc, path.slice(0, depth));
    if (!found) continue;
    const primary = preferKey ? (found.key ?? found.node) : (found.node ?? found.key);
    const span = nodeSpan(primary) ?? nodeSpan(found.key);
    if (span) return firstLineOf(text, span);
  }
  return [0, 0];
}

/** Long values (a whole map) are marked on their first line only, so a problem does not paint half a file. */
function firstLineOf(src: string, span: Span): Span {
  const nl = src.indexOf('\n', span[0]);
  if (nl === -1 || nl >= span[1]) return span;
  const end = src[nl - 1] === '\r' ? nl - 1 : nl;
  return [span[0], Math.max(end, span[0] + 1)];
}

/** `decision.status`, `acceptance_criteria[1].evidence`: how a path is named in messages. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number' || /^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** The key of a path in a span index: segments as strings (a list index 3 and "3" are the same), and the key flag. */
export function spanKey(path: readonly PathSegment[], preferKey: boolean): string {
  return `${preferKey ? 'k' : 'v'}\u0000${path.map(String).join('\u0000')}`;
}

/**
 * Every span `spanAt` could answer for an existing path of the document, computed in one walk (for a file analysed on
 * another thread: the main thread can then point into it without parsing it again). The contents of x- extensions
 * are left out (no rule points into them; a path there answers its extension key). Null when the document is too
 * big to index or has duplicated keys (the caller parses again instead).
 */
export function spanIndex(doc: Document, text: string, limit = 500_000): Record<string, Span> | null {
  const out: Record<string, Span> = {};
  let count = 0;
  const record = (path: PathSegment[], node: Node | null, key: Node | null): boolean => {
    for (const preferKey of [false, true]) {
      const primary = preferKey ? (key ?? node) : (node ?? key);
      const span = nodeSpan(primary) ?? nodeSpan(key);
      if (span) out[spanKey(path, preferKey)] = firstLineOf(text, span);
      else delete out[spanKey(path, preferKey)];
    }
    return ++count <= limit;
  };
  const walk = (value: unknown, path: PathSegment[], depth: number): boolean => {
    if (depth > 64) return true;
    let current = value;
    if (isAlias(current)) current = current.resolve(doc);
    if (isMap(current)) {
      const seen = new Set<string>();
      for (const pair of current.items) {
        const k = scalarKey(pair);
        if (k === null) continue;
        if (seen.has(k)) return false; // duplicated keys: `locate` follows the last one; not worth mirroring, parse again
        seen.add(k);
        const child = [...path, k];
        if (!record(child, (pair.value as Node | null) ?? null, (pair.key as Node | null) ?? null)) return false;
        // nothing inside an x- extension is a field any rule names: its key is indexed, its contents are not
        if (k.startsWith('x-')) continue;
        if (!walk(pair.value, child, depth + 1)) return false;
      }
    } else if (isSeq(current)) {
      for (let i = 0; i < current.items.length; i++) {
        const child = [...path, i];
        if (!record(child, (current.items[i] as Node | null) ?? null, null)) return false;
        if (!walk(current.items[i], child, depth + 1)) return false;
      }
    }
    return true;
  };
  if (!record([], (doc.contents as Node | null) ?? null, null)) return null;
  return walk(doc.contents, [], 0) ? out : null;
}

/** `spanAt` answered from a span index: the longest existing prefix of the path, as `spanAt` does. */
export function spanFromIndex(index: Record<string, Span>, path: readonly PathSegment[], preferKey: boolean): Span {
  for (let depth = path.length; depth >= 0; depth--) {
    const span = index[spanKey(path.slice(0, depth), preferKey)];
    if (span) return span;
  }
  return [0, 0];
}
