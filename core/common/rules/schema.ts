import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Diagnostic } from '../diagnostics.js';
import { KIND_LABELS, type FileKind } from '../model/kinds.js';
import { SCHEMAS } from '../schemas.js';
import { formatPath, type PathSegment } from '../yaml/locate.js';
import { quoted, shown } from '../shown.js';
import type { YamlFile } from '../yaml/parse.js';

type Validators = Record<FileKind, ValidateFunction>;
let compiled: Validators | null = null;

/**
 * The validators, each compiled on first use and kept for the process (or page): a command that checks two SOWs
 * compiles the SOW schema, not all of them (compiling every schema cost a CLI command 90 ms).
 */
export function schemaValidators(): Validators {
  if (compiled) return compiled;
  // ownProperties: `required` must not be satisfied by inherited names (constructor, __proto__ ...). $data stays off.
  // validateSchema: false: the schemas are ours, checked against the meta-schema by a test (schemas.test.ts), not
  // again in every process (40 ms of a CLI command's start)
  const ajv = new Ajv2020({ allErrors: true, verbose: true, ownProperties: true, strict: true, allowUnionTypes: true, validateSchema: false });
  ajv.addVocabulary(['patternErrorMessage']);
  // format: date is checked against the calendar (2025-02-30 is refused), as other JSON Schema validators do
  addFormats(ajv, ['date']);
  const out = {} as Validators;
  for (const kind of Object.keys(SCHEMAS) as FileKind[]) {
    let fn: ValidateFunction | null = null;
    Object.defineProperty(out, kind, { enumerable: true, get: () => (fn ??= ajv.compile(SCHEMAS[kind])) });
  }
  compiled = out;
  return out;
}

function decodePointer(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map of fields',
  null: 'null',
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return quoted(value, 60);
  return String(value);
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

function typeWords(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

function named(path: readonly PathSegment[]): string {
  return shown(formatPath(path), 120) || 'the file';
}

/** One ajv error in plain words, and whether to mark the key (true) or the value. */
/** "24/10/2025" or "24.10.2025" written as YYYY-MM-DD when it is a day in the calendar (day first, as most of the world writes it). */
function isoFromDayFirst(value: unknown): string | null {
  const m = typeof value === 'string' ? /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(value.trim()) : null;
  if (!m) return null;
  const iso = `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  const t = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== iso ? null : iso;
}

type Explained = { message: string; path: PathSegment[]; key: boolean; fix?: { title: string; replacement: string } };

function explain(err: ErrorObject, path: PathSegment[]): Explained {
  const where = named(path);
  const p = err.params as Record<string, unknown>;
  const parent = (err.parentSchema ?? {}) as Record<string, unknown>;
  switch (err.keyword) {
    case 'required': {
      const field = String(p.missingProperty);
      return { message: `${shown(formatPath([...path, field]))} is required${path.length ? '' : ' at the top of the file'}.`, path, key: true };
    }
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      const known = Object.keys((parent.properties as Record<string, unknown>) ?? {});
      const near = known.find((k) => distance(k, field) <= 2);
      const hint = near ? ` Did you mean "${near}"?` : known.length ? ` Expected one of: ${known.join(', ')}.` : '';
      const owner = path.length ? ` of ${where}` : '';
      return {
        message: `${quoted(field)} is not a known field${owner}.${hint} (Fields of your own must start with x-.)`,
        path: [...path, field],
        key: true,
        ...(near ? { fix: { title: `Rename "${field}" to "${near}"`, replacement: near } } : {}),
      };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String).join(', ');
      const near = typeof err.data === 'string' ? (p.allowedValues as unknown[]).map(String).find((v) => distance(v, err.data as string) <= 2) : undefined;
      return {
        message: `${where} must be one of ${allowed} (got ${describeValue(err.data)}).${near ? ` Did you mean ${near}?` : ''}`,
        path,
        key: false,
        ...(near ? { fix: { title: `Change to ${near}`, replacement: near } } : {}),
      };
    }
    case 'type':
      return { message: `${where} must be ${typeWords(p.type)} (got ${describeValue(err.data)}).`, path, key: false };
    case 'pattern': {
      const expected = typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : `text matching ${String(p.pattern)}`;
      const iso = parent.format === 'date' ? isoFromDayFirst(err.data) : null;
      return {
        message: `${where} must be ${expected} (got ${describeValue(err.data)}).`,
        path,
        key: false,
        ...(iso ? { fix: { title: `Write it as ${iso}`, replacement: iso } } : {}),
      };
    }
    case 'format':
      return {
        message: `${where} is ${typeof err.data === 'string' ? shown(err.data, 40) : describeValue(err.data)}, which is not a ${String(p.format)} in the calendar.`,
        path,
        key: false,
      };
    case 'minimum':
      return { message: `${where} must be ${String(p.limit)} or more (got ${describeValue(err.data)}).`, path, key: false };
    case 'maximum':
      return { message: `${where} must be ${String(p.limit)} or less (got ${describeValue(err.data)}).`, path, key: false };
    case 'exclusiveMinimum':
      return { message: `${where} must be more than ${String(p.limit)} (got ${describeValue(err.data)}).`, path, key: false };
    case 'exclusiveMaximum':
      return { message: `${where} must be less than ${String(p.limit)} (got ${describeValue(err.data)}).`, path, key: false };
    case 'minLength':
      return { message: p.limit === 1 ? `${where} must not be empty.` : `${where} must be at least ${String(p.limit)} characters long.`, path, key: false };
    case 'maxLength':
      return { message: `${where} must be at most ${String(p.limit)} characters long.`, path, key: false };
    case 'minItems':
      return { message: `${where} must list at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}.`, path, key: false };
    case 'maxItems':
      return { message: `${where} must list at most ${String(p.limit)} items.`, path, key: false };
    case 'uniqueItems':
      return { message: `${where} lists the same item twice (items ${String(p.j)} and ${String(p.i)}).`, path, key: false };
    default:
      return { message: `${where} is not valid here (${err.keyword}).`, path, key: false };
  }
}

/** Validates a parsed file against the schema of its kind; every error in plain words at the node it concerns. */
export function schemaDiagnostics(file: YamlFile, kind: FileKind): Diagnostic[] {
  const value = file.value;
  const label = KIND_LABELS[kind];
  if (value === null || value === undefined) {
    return [file.atTop('error', 'schema', `The file is empty; a ${label} is expected here.`)];
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return [file.at([], 'error', 'schema', `A ${label} must be a map of fields (key: value), but the file holds ${describeValue(value)}.`)];
  }
  const validate = schemaValidators()[kind];
  if (validate(value)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // a value of the wrong shape fails its pattern and its format: the pattern's message says what is expected
  const badShape = new Set((validate.errors ?? []).filter((e) => e.keyword === 'pattern').map((e) => e.instancePath));
  for (const err of validate.errors ?? []) {
    if (err.keyword === 'if' || err.keyword === 'anyOf' || err.keyword === 'oneOf') continue;
    if (err.keyword === 'format' && badShape.has(err.instancePath)) continue;
    const explained = explain(err, decodePointer(err.instancePath));
    const diag = file.at(explained.path, 'error', 'schema', explained.message, explained.key);
    if (explained.fix) diag.fix = explained.fix;
    const dedupe = `${diag.line}:${diag.column}:${diag.message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    out.push(diag);
  }
  return out;
}
