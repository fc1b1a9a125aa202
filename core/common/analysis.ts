/**
 * The analysis of one contract file: a pure function of its text (YAML syntax, schema, single-file rules), computed
 * once and shared by every snapshot that holds the same text, here or on a worker thread (`Offload`).
 */
import { LineCounter } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { splitFrontMatter } from './model/adr.js';
import type { FileKind } from './model/kinds.js';
import { fileRuleDiagnostics, idRuleDiagnostics } from './rules/file-rules.js';
import { schemaDiagnostics } from './rules/schema.js';
import { Positions } from './yaml/locate.js';
import { parseYaml, YamlFile, type YamlFileData } from './yaml/parse.js';

/** A contract file as given, with its analysis once computed (a pure function of the text: safe to share). */
export interface Entry {
  readonly path: string;
  readonly kind: FileKind;
  readonly text: string | null;
  /** Why the file could not be read (too large, not UTF-8 ...); set instead of text. */
  readonly unreadable: Diagnostic | null;
  analysis: Analysis | null;
}

export interface Analysis {
  yaml: YamlFile | undefined;
  /** Syntax, schema and single-file rule diagnostics. */
  diagnostics: Diagnostic[];
}

/** How many files were analysed in this process: tells tests and benches that analysis is shared and incremental. */
export const analysisStats = { parses: 0 };

/** A file's analysis as plain data, so that it can be computed on another thread (see `Offload`). */
export interface AnalysisData {
  yaml: YamlFileData | null;
  diagnostics: Diagnostic[];
}

/**
 * Analyses big files somewhere else (a worker thread in Node), so that no single parse holds the event loop.
 * Answers null when it could not; the file is then analysed where it is.
 */
export interface Offload {
  /** Texts at least this long go to `analyse`; smaller ones are cheaper here than a message round trip. */
  minChars: number;
  analyse(path: string, kind: FileKind, text: string): Promise<AnalysisData | null>;
}

export function analyse(entry: Entry): Analysis {
  analysisStats.parses++;
  if (entry.unreadable) return { yaml: undefined, diagnostics: [entry.unreadable] };
  return analyseText(entry.path, entry.kind, entry.text ?? '');
}

function analyseText(path: string, kind: FileKind, text: string): Analysis {
  if (kind === 'adr') {
    const fm = splitFrontMatter(text);
    if (fm.yaml === null) {
      const lines = new LineCounter();
      lines.addNewLine(0);
      const pos = new Positions(path, lines);
      return {
        yaml: undefined,
        diagnostics: [
          pos.diagnostic([0, 0], 'warning', 'schema', 'A decision record starts with YAML front matter between two --- lines (status, date, decision-makers).'),
        ],
      };
    }
    const yaml = parseYaml(path, fm.yaml);
    if (yaml.value === undefined) return { yaml: undefined, diagnostics: yaml.diagnostics };
    return { yaml, diagnostics: checked(yaml, 'adr') };
  }
  const yaml = parseYaml(path, text);
  if (yaml.value === undefined) return { yaml: undefined, diagnostics: yaml.diagnostics };
  return { yaml, diagnostics: checked(yaml, kind) };
}

/** The analysis of one contract file as plain data: what an `Offload` worker computes and posts back. */
export function analyseToData(path: string, kind: FileKind, text: string): AnalysisData {
  analysisStats.parses++;
  const a = analyseText(path, kind, text);
  return { yaml: a.yaml ? a.yaml.toData() : null, diagnostics: a.diagnostics };
}

export function fromData(d: AnalysisData): Analysis {
  return { yaml: d.yaml ? YamlFile.fromData(d.yaml) : undefined, diagnostics: d.diagnostics };
}

/** Schema diagnostics, then (only for data that has its schema's shape) the single-file rules on typed data. */
function checked(yaml: YamlFile, kind: FileKind): Diagnostic[] {
  const schema = schemaDiagnostics(yaml, kind);
  const failed = yaml.diagnostics.some((d) => d.severity === 'error') || schema.some((d) => d.severity === 'error');
  return [...yaml.diagnostics, ...schema, ...idRuleDiagnostics(yaml, kind), ...(failed ? [] : fileRuleDiagnostics(yaml, kind))];
}

export function ensure(entry: Entry): Analysis {
  if (!entry.analysis) entry.analysis = analyse(entry);
  return entry.analysis;
}
