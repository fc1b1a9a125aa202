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
