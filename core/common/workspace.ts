import { todayIso } from './dates.js';
import { compareDiagnostics, type Diagnostic } from './diagnostics.js';
import { splitFrontMatter } from './model/adr.js';
import { classifyPath, type FileKind } from './model/kinds.js';
import { fileRuleDiagnostics } from './rules/file-rules.js';
import { schemaDiagnostics } from './rules/schema.js';
import { workspaceDiagnostics, type RuleFile } from './rules/workspace-rules.js';
import { LineCounter } from 'yaml';
import { Positions } from './yaml/locate.js';
import { parseYaml, YamlFile } from './yaml/parse.js';

/** A contract file as last given to the engine, with its analysis once computed. */
interface Entry {
  path: string;
  kind: FileKind;
  text: string | null;
  /** Why the file could not be read (too large, not UTF-8 ...); set instead of text. */
  unreadable: Diagnostic | null;
  analysis: Analysis | null;
}

interface Analysis {
  yaml: YamlFile | undefined;
  /** Syntax, schema and single-file rule diagnostics: cached until the file changes. */
  diagnostics: Diagnostic[];
}

export interface ValidationResult {
  /** Number of contract files validated. */
  files: number;
  diagnostics: Diagnostic[];
}

export interface ValidateOptions {
  /** Today as YYYY-MM-DD (for SLA rules); defaults to the current UTC date. */
  today?: string;
}

function analyse(entry: Entry): Analysis {
  if (entry.unreadable) return { yaml: undefined, diagnostics: [entry.unreadable] };
  const text = entry.text ?? '';
  if (entry.kind === 'adr') {
    const fm = splitFrontMatter(text);
    if (fm.yaml === null) {
      const lines = new LineCounter();
      lines.addNewLine(0);
      const pos = new Positions(entry.path, lines);
      return { yaml: undefined, diagnostics: [pos.diagnostic([0, 0], 'warning', 'schema', 'A decision record starts with YAML front matter between two --- lines (status, date, decision-makers).')] };
    }
    const yaml = parseYaml(entry.path, fm.yaml);
    const usable = yaml.value !== undefined;
    const diagnostics = [...yaml.diagnostics, ...(usable ? [...schemaDiagnostics(yaml, 'adr'), ...fileRuleDiagnostics(yaml, 'adr')] : [])];
    return { yaml: usable ? yaml : undefined, diagnostics };
  }
  const yaml = parseYaml(entry.path, text);
  if (yaml.value === undefined) return { yaml: undefined, diagnostics: yaml.diagnostics };
  const schema = schemaDiagnostics(yaml, entry.kind);
  const rules = fileRuleDiagnostics(yaml, entry.kind);
  return { yaml, diagnostics: [...yaml.diagnostics, ...schema, ...rules] };
}

/**
 * The validation engine over one workspace. Platform-neutral: the Node side (or the editor) feeds it file texts and
 * the list of other paths; it parses each contract file once per change and re-runs only the cheap cross-file rules.
 */
export class ContractEngine {
  private readonly entries = new Map<string, Entry>();
  /** Every other existing path of the workspace (evidence files, folders), for reference checks. */
  private readonly otherPaths = new Set<string>();
  /** Existing paths that are links leading outside the workspace. */
  private readonly escaping = new Set<string>();
  private readonly historyCreated = new Map<string, string>();
  /** How many files were parsed since the engine was made; tells that re-validation is incremental. */
  parseCount = 0;

  /** Sets the text of any workspace file; contract files are re-analysed on the next validate, others only exist. */
  setText(path: string, text: string): void {
    const kind = classifyPath(path);
    if (!kind) {
      this.otherPaths.add(path);
      return;
    }
    const prev = this.entries.get(path);
    if (prev && prev.text === text && !prev.unreadable) return;
    this.entries.set(path, { path, kind, text, unreadable: null, analysis: null });
  }

  /** Records a contract file that exists but cannot be read as text; the message says why. */
  setUnreadable(path: string, code: 'file-unreadable' | 'file-too-large', message: string): void {
    const kind = classifyPath(path);
    if (!kind) {
      this.otherPaths.add(path);
      return;
    }
    const diag: Diagnostic = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code, message };
    this.entries.set(path, { path, kind, text: null, unreadable: diag, analysis: null });
  }

  /** Records that a non-contract path (file or folder) exists. */
  addPath(path: string): void {
    this.otherPaths.add(path);
  }

  /** Records that a path exists but is a link leading outside the workspace. */
  markEscaping(path: string): void {
    this.escaping.add(path);
  }

  /** Whether the path, or a folder on the way to it, is a link leading outside the workspace. */
  private isEscaping(path: string): boolean {
    if (this.escaping.size === 0) return false;
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) if (this.escaping.has(path.slice(0, i))) return true;
    return this.escaping.has(path);
  }

  remove(path: string): void {
    this.entries.delete(path);
    this.otherPaths.delete(path);
    this.escaping.delete(path);
  }

  /** Creation dates from git for CRs without `created:` (by CR path). */
  setHistoryCreated(path: string, date: string | undefined): void {
    if (date === undefined) this.historyCreated.delete(path);
    else this.historyCreated.set(path, date);
  }

  has(path: string): boolean {
    return this.entries.has(path) || this.otherPaths.has(path);
  }

  contractPaths(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** The text last given for a contract file. */
  text(path: string): string | null {
    return this.entries.get(path)?.text ?? null;
  }

  /** The parsed file (for positions and data), analysing it if needed; undefined when it has no usable data. */
  parsed(path: string): YamlFile | undefined {
    const entry = this.entries.get(path);
    return entry ? this.ensure(entry).yaml : undefined;
  }

  private ensure(entry: Entry): Analysis {
    if (!entry.analysis) {
      this.parseCount++;
      entry.analysis = analyse(entry);
    }
    return entry.analysis;
  }

  validate(options: ValidateOptions = {}): ValidationResult {
    const diagnostics: Diagnostic[] = [];
    const files: RuleFile[] = [];
    for (const entry of this.entries.values()) {
      const analysis = this.ensure(entry);
      for (const d of analysis.diagnostics) diagnostics.push(d);
      files.push({ path: entry.path, kind: entry.kind, yaml: analysis.yaml });
    }
    const ctx = {
      exists: (p: string) => this.entries.has(p) || this.otherPaths.has(p),
      leadsOutside: (p: string) => this.isEscaping(p),
      today: options.today ?? todayIso(),
      createdFromHistory: (p: string) => this.historyCreated.get(p),
    };
    for (const d of workspaceDiagnostics(files, ctx)) diagnostics.push(d);
    diagnostics.sort(compareDiagnostics);
    return { files: this.entries.size, diagnostics };
  }
}
