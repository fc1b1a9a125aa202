import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLError } from 'yaml';
import type { Diagnostic, DiagnosticCode, Severity } from '../diagnostics.js';
import { formatPath, Positions, spanAt, spanFromIndex, spanIndex, type PathSegment, type Span } from './locate.js';
import { quoted, shown } from '../shown.js';

/** Contract files are small; anything larger is refused before parsing, with a message that says so. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Deeper than this is no contract: refused before it can exhaust a stack anywhere downstream. */
export const MAX_DEPTH = 64;
/** Aliases may expand to at most this many nodes (yaml's own guard against "billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

const JSON_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
  '!',
]);

/** A YamlFile as plain data, to cross a thread boundary (structured clone); `YamlFile.fromData` rebuilds it. */
export interface YamlFileData {
  file: string;
  text: string;
  lineStarts: number[];
  value: unknown;
  diagnostics: Diagnostic[];
  /** Whether the text parsed to a document (positions inside it can be found by parsing it again). */
  hasDoc: boolean;
  /** Every span a rule can ask for (see spanIndex), so that pointing into the file needs no second parse; null when not computed. */
  spans: Record<string, Span> | null;
}

/** One parsed YAML text with what is needed to point at any of its nodes. */
export class YamlFile {
  readonly positions: Positions;
  private docOrLoad: Document.Parsed | null | (() => Document.Parsed | null);
  /** Spans computed where the file was parsed (another thread), answering spanAt before the document is needed. */
  private spans: Record<string, Span> | null = null;

  constructor(
    readonly file: string,
    readonly text: string,
    /** The document, or how to parse it again when first needed (a file analysed on another thread). */
    doc: Document.Parsed | null | (() => Document.Parsed | null),
    private readonly lines: LineCounter,
    /** Plain JSON data (no Date, Map, Set or Buffer), or undefined when the text is not usable as data. */
    public value: unknown,
    /** Problems of the text itself: syntax, encoding, size, duplicate keys, unsupported YAML. */
    readonly diagnostics: Diagnostic[],
  ) {
    this.docOrLoad = doc;
    this.positions = new Positions(file, lines);
  }

  get doc(): Document.Parsed | null {
    if (typeof this.docOrLoad === 'function') this.docOrLoad = this.docOrLoad();
    return this.docOrLoad;
  }

  toData(): YamlFileData {
    return {
      file: this.file,
      text: this.text,
      lineStarts: this.lines.lineStarts,
      value: this.value,
      diagnostics: this.diagnostics,
      hasDoc: this.docOrLoad !== null,
      spans: this.doc ? spanIndex(this.doc, this.text) : null,
    };
  }

  /**
   * The file from its data. Values and diagnostics come as they are; the document itself (needed only to point at a
   * node, e.g. when another file's rule names this one) is parsed again on first use.
   */
  static fromData(d: YamlFileData): YamlFile {
    const lines = new LineCounter();
    for (const start of d.lineStarts) lines.addNewLine(start);
    const f = new YamlFile(d.file, d.text, d.hasDoc ? () => parseDoc(d.text, new LineCounter()) : null, lines, d.value, d.diagnostics);
    f.spans = d.spans;
    return f;
  }

  spanAt(path: readonly PathSegment[], preferKey = false): Span {
    if (this.spans && typeof this.docOrLoad === 'function') return spanFromIndex(this.spans, path, preferKey);
    return this.doc ? spanAt(this.doc, this.text, path, preferKey) : [0, 0];
  }

  /** A diagnostic pointing at the value (or key) at `path`. */
  at(path: readonly PathSegment[], severity: Severity, code: DiagnosticCode, message: string, preferKey = false): Diagnostic {
    return this.positions.diagnostic(this.spanAt(path, preferKey), severity, code, message);
  }

  /** A diagnostic on the first line of the file. */
  atTop(severity: Severity, code: DiagnosticCode, message: string): Diagnostic {
    const nl = this.text.indexOf('\n');
    const end = nl === -1 ? this.text.length : this.text[nl - 1] === '\r' ? nl - 1 : nl;
    return this.positions.diagnostic([0, Math.max(end, 0)], severity, code, message);
  }
}

function yamlErrorMessage(err: YAMLError): string {
  // yaml appends " at line L, column C:" and a code excerpt; positions travel separately, so keep the sentence only.
  const first = err.message.split(/ at line \d+, column \d+/)[0]!.trim();
  switch (err.code) {
    case 'RESOURCE_EXHAUSTION':
      return `The YAML is nested too deeply to read (more than ${MAX_DEPTH} levels are not allowed).`;
    case 'MULTIPLE_DOCS':
      return 'The file holds more than one YAML document (a second "---"); a contract file holds exactly one.';
    case 'TAB_AS_INDENT':
      return 'Tabs are not allowed as indentation in YAML; indent with spaces.';
    default:
      return first.endsWith('.') ? first : `${first}.`;
  }
}

function describeTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

interface Frame {
  node: Node;
  depth: number;
  parent: Frame | null;
  seg: PathSegment | null;
}

function framePath(frame: Frame): PathSegment[] {
  const out: PathSegment[] = [];
  for (let f: Frame | null = frame; f && f.seg !== null; f = f.parent) out.push(f.seg);
  return out.reverse();
}

/**
 * Walks the syntax tree once, in linear time and without recursion: duplicate keys (yaml's own check is quadratic),
 * non-JSON tags (!!binary, !!set, !!omap, !!timestamp ...), keys that are not plain scalars, non-finite numbers and
 * excessive depth. Returns true when the tree is safe to convert to plain data.
 */
function checkTree(file: YamlFile, root: Node, out: Diagnostic[]): boolean {
  let safe = true;
  const stack: Frame[] = [{ node: root, depth: 1, parent: null, seg: null }];
  const pos = file.positions;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.node;
    if (frame.depth > MAX_DEPTH) {
      out.push(
        pos.diagnostic(spanOf(node), 'error', 'yaml-unsupported', `The YAML is nested more than ${MAX_DEPTH} levels deep; a contract never needs that.`),
      );
      return false;
    }
    if (isAlias(node)) continue;
    const tag = node.tag;
    if (tag !== undefined && !JSON_TAGS.has(tag)) {
      out.push(
        pos.diagnostic(
          spanOf(node),
          'error',
          'yaml-unsupported',
          `The tag ${describeTag(tag)} is not supported: contract values are text, numbers, true/false, null, lists and maps.`,
        ),
      );
      safe = false;
      continue;
    }
    if (isScalar(node)) {
      if (typeof node.value === 'number' && !Number.isFinite(node.value)) {
        out.push(pos.diagnostic(spanOf(node), 'error', 'yaml-unsupported', `${String(node.source ?? node.value)} is not a finite number.`));
        safe = false;
      }
    } else if (isMap(node)) {
      const seen = new Map<string, Pair>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        let name: string;
        if (key === null) name = '';
        else if (isScalar(key)) {
          if (key.tag !== undefined && !JSON_TAGS.has(key.tag)) {
            out.push(pos.diagnostic(spanOf(key), 'error', 'yaml-unsupported', `The tag ${describeTag(key.tag)} is not supported on a key.`));
            safe = false;
            continue;
          }
          name = String(key.value);
        } else {
          out.push(pos.diagnostic(spanOf(key), 'error', 'yaml-unsupported', 'A key must be plain text, not a list, a map or an alias.'));
          safe = false;
          continue;
        }
        const first = seen.get(name);
        if (first) {
          const where = formatPath(framePath(frame));
          const line = pos.line(spanOf(first.key as Node)[0]);
          out.push(
            pos.diagnostic(
              spanOf(key as Node),
              'error',
              'duplicate-key',
              `Duplicate key ${quoted(name)}${where ? ` in ${shown(where)}` : ''}: it is already set on line ${line}, and YAML would silently keep only the last one.`,
            ),
          );
          safe = false;
        } else seen.set(name, pair);
        if (pair.value) stack.push({ node: pair.value as Node, depth: frame.depth + 1, parent: frame, seg: name });
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i] as Node | null;
        if (item) stack.push({ node: item, depth: frame.depth + 1, parent: frame, seg: i });
      }
    }
  }
  return safe;
}

function spanOf(node: Node | null | undefined): Span {
  return node?.range ? [node.range[0], node.range[1]] : [0, 0];
}

function parseDoc(text: string, lineCounter: LineCounter): Document.Parsed {
  return parseDocument(text, { lineCounter, uniqueKeys: false, version: '1.2', schema: 'core', merge: false, prettyErrors: false, stringKeys: false });
}

/**
 * Parses one YAML file into plain JSON data, turning every problem into a positioned diagnostic. Never throws.
 * YAML 1.2 core schema always: a `%YAML 1.1` directive is flagged, and does not turn `yes` into true.
 */
export function parseYaml(file: string, input: string): YamlFile {
  const diagnostics: Diagnostic[] = [];
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lines = new LineCounter();
  if (text.length > MAX_FILE_BYTES) {
    lines.addNewLine(0);
    const f = new YamlFile(file, '', null, lines, undefined, diagnostics);
    diagnostics.push(f.atTop('error', 'file-too-large', tooLargeMessage(text.length)));
    return f;
  }
  let doc: Document.Parsed;
  try {
    doc = parseDoc(text, lines);
  } catch {
    const f = new YamlFile(file, text, null, lines, undefined, diagnostics);
    diagnostics.push(f.atTop('error', 'yaml-syntax', 'The file could not be read as YAML.'));
    return f;
  }
  const result = new YamlFile(file, text, doc, lines, undefined, diagnostics);
  const pos = result.positions;
  for (const err of doc.errors) diagnostics.push(pos.diagnostic([err.pos[0], err.pos[1]], 'error', 'yaml-syntax', yamlErrorMessage(err)));
  for (const warn of doc.warnings) {
    if (warn.code === 'TAG_RESOLVE_FAILED') continue; // reported with a clearer message by checkTree
    diagnostics.push(pos.diagnostic([warn.pos[0], warn.pos[1]], 'warning', 'yaml-syntax', yamlErrorMessage(warn)));
  }
  const directive = /^%YAML\s+1\.1\b/m.exec(text);
  if (directive && directive.index < (doc.contents?.range?.[0] ?? text.length)) {
    diagnostics.push(
      pos.diagnostic(
        [directive.index, directive.index + directive[0].length],
        'warning',
        'yaml-unsupported',
        'The %YAML 1.1 directive is ignored: Covenant reads YAML 1.2, where yes/no/on/off stay text. Remove the directive so other tools read the file the same way.',
      ),
    );
  }
  if (doc.errors.length > 0) return result;
  const root = doc.contents as Node | null;
  if (root && !checkTree(result, root, diagnostics)) return result;
  let value: unknown;
  try {
    value = root ? doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) : null;
  } catch (e) {
    const bomb = e instanceof ReferenceError && /alias/i.test(e.message);
    diagnostics.push(
      result.atTop(
        'error',
        'yaml-unsupported',
        bomb
          ? `Aliases in this file expand to too many values (more than ${MAX_ALIAS_COUNT}); this looks like an alias bomb.`
          : 'The YAML could not be turned into data.',
      ),
    );
    return result;
  }
  result.value = value;
  return result;
}

export function tooLargeMessage(size: number): string {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return `The file is ${mb(size)}; contract files may be at most ${mb(MAX_FILE_BYTES)}.`;
}
