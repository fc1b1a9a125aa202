/**
 * A workspace as an immutable snapshot: the contract files' texts (or why they cannot be read), every other path,
 * and the facts git knows; from them, lazily and once, each file's analysis, the typed model, the diagnostics and
 * the figures. A change makes a new snapshot that shares every unchanged file (and its analysis) with the old one.
 * Unsaved editor buffers make a derived snapshot of their own (`withUnsaved`) that never touches the shared one.
 */
import { ensure, fromData, type Entry, type Offload } from './analysis.js';
import { todayIso } from './dates.js';
import { compareDiagnostics, type Diagnostic } from './diagnostics.js';
import { ContractModel, type ModelInput } from './model/contract.js';
import { classifyPath, isDataFile } from './model/kinds.js';
import { workspaceChecks } from './rules/workspace-rules.js';
import type { YamlFile } from './yaml/parse.js';
import type { MasterVersion } from './model/versions.js';
import type { SignatureFact } from './approvals.js';
import { computeFigures, type Figures, type HistoryFacts } from './figures.js';

export { analyseToData, analysisStats, type AnalysisData, type Offload } from './analysis.js';

export interface ValidationResult {
  /** Number of contract files validated. */
  files: number;
  diagnostics: Diagnostic[];
}

export interface ValidateOptions {
  /** Today as YYYY-MM-DD (for SLA rules); defaults to the current UTC date. */
  today?: string;
}

/** Git's facts about the workspace, which rules and figures read beside the files. */
export interface SnapshotFacts {
  /** CR dates from history (created / decided), by CR path. */
  history: ReadonlyMap<string, HistoryFacts>;
  /** Scope volatility per SOW path, when known. */
  volatility?: ReadonlyMap<string, number>;
  /** Committed versions of the master contract, oldest first: thresholds in force when a CR was decided. */
  masters?: readonly MasterVersion[];
  /** For each CR or SOW with approvals: which commit added each, and whose key signed it. */
  signatures?: ReadonlyMap<string, readonly SignatureFact[]>;
  /** The history is still being read (a first opening of a long one): what it gives is not known yet, not absent. */
  indexing?: boolean;
}

const NO_FACTS: SnapshotFacts = { history: new Map() };

/** A macrotask turn, in Node and in a page alike (core/common has neither's types). */
const yieldToEventLoop = () => new Promise<void>((r) => (globalThis as unknown as { setTimeout(f: () => void, ms: number): unknown }).setTimeout(r, 0));

export interface Parts {
  entries: Map<string, Entry>;
  /** Every other existing path of the workspace (evidence files, folders), for reference checks. */
  other: Set<string>;
  /** Existing paths that are links leading outside the workspace. */
  escaping: Set<string>;
  /** Folders that exist but could not be read: whatever is below them is unknown, not missing. */
  unreadableDirs: Map<string, string>;
  facts: SnapshotFacts;
  /** Contract files whose text is an unsaved buffer, not the file on disk. */
  unsaved: Set<string>;
  /** Texts of evidence data files (CSV) that criteria measure, by path; a string when unreadable is in `dataProblems`. */
  data: Map<string, { text: string } | { problem: string }>;
}

/** An immutable workspace. Make one with `Snapshot.empty().edit(...)` or a `SnapshotBuilder`. */
export class Snapshot {
  private validations = new Map<string, ValidationResult>();
  private modelCache: ContractModel | null = null;
  private figureCache = new Map<string, Figures>();

  private constructor(private readonly parts: Parts) {}

  static empty(): Snapshot {
    return new Snapshot({
      entries: new Map(),
      other: new Set(),
      escaping: new Set(),
      unreadableDirs: new Map(),
      facts: NO_FACTS,
      unsaved: new Set(),
      data: new Map(),
    });
  }

  /** @internal the builder's way in */
  static fromParts(parts: Parts): Snapshot {
    return new Snapshot(parts);
  }

  /** A builder that starts from this snapshot (which stays as it is). */
  toBuilder(): SnapshotBuilder {
    return new SnapshotBuilder(this.parts);
  }

  /** A new snapshot with the changes `change` makes; this one stays as it is. */
  edit(change: (b: SnapshotBuilder) => void): Snapshot {
    const b = this.toBuilder();
    change(b);
    return b.snapshot();
  }

  /** A derived snapshot with unsaved buffers (path -> text) over the files; only contract files are overlaid. */
  withUnsaved(buffers: Readonly<Record<string, string>>): Snapshot {
    const paths = Object.keys(buffers).filter((p) => classifyPath(p) !== null && (this.text(p) !== buffers[p] || !this.has(p)));
    if (paths.length === 0) return this;
    return this.edit((b) => {
      for (const p of paths) b.setText(p, buffers[p]!, { unsaved: true });
    });
  }

  withFacts(facts: SnapshotFacts): Snapshot {
    return Snapshot.fromParts({ ...this.parts, facts });
  }

  get facts(): SnapshotFacts {
    return this.parts.facts;
  }

  /** Contract files shown with unsaved edits, sorted. */
  get unsaved(): string[] {
    return [...this.parts.unsaved].sort();
  }

  /** Folders that could not be read, with why. */
  get unreadableDirs(): ReadonlyMap<string, string> {
    return this.parts.unreadableDirs;
  }

  has(path: string): boolean {
    return this.parts.entries.has(path) || this.parts.other.has(path);
  }

  /** Whether the path (or a folder above it) could not be read: its existence is unknown. */
  isUnknown(path: string): boolean {
    if (this.parts.unreadableDirs.size === 0) return false;
    for (const dir of this.parts.unreadableDirs.keys()) if (path === dir || path.startsWith(`${dir}/`)) return true;
    return false;
  }

  /** Whether the path, or a folder on the way to it, is a link leading outside the workspace. */
  leadsOutside(path: string): boolean {
    const escaping = this.parts.escaping;
    if (escaping.size === 0) return false;
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) if (escaping.has(path.slice(0, i))) return true;
    return escaping.has(path);
  }

  contractPaths(): string[] {
    return [...this.parts.entries.keys()].sort();
  }

  /** An evidence data file's text (CSV), or why it could not be read; undefined when it is not loaded or absent. */
  data(path: string): { text: string } | { problem: string } | undefined {
    return this.parts.data.get(path);
  }

  /** The text of a contract file (null when unreadable or absent). */
  text(path: string): string | null {
    return this.parts.entries.get(path)?.text ?? null;
  }

  /** The parsed file (for positions), undefined when it has no usable data. */
  parsed(path: string): YamlFile | undefined {
    const entry = this.parts.entries.get(path);
    return entry ? ensure(entry).yaml : undefined;
  }

  /**
   * Analyses every file not analysed yet, yielding to the event loop every `sliceMs` so nobody waits on a big
   * workspace. With an `offload`, texts of at least `offload.minChars` are analysed there meanwhile (one parse of a
   * multi-megabyte file takes seconds, and a slice cannot split it).
   */
  async prepare(sliceMs = 8, offload?: Offload): Promise<this> {
    const away: Promise<void>[] = [];
    if (offload) {
      for (const entry of this.parts.entries.values()) {
        if (entry.analysis || entry.unreadable || entry.text === null || entry.text.length < offload.minChars) continue;
        away.push(
          offload.analyse(entry.path, entry.kind, entry.text).then(
            (d) => {
              if (d && !entry.analysis) entry.analysis = fromData(d);
            },
            () => undefined, // analysed here below instead
          ),
        );
      }
    }
    let start = Date.now();
    for (const entry of this.parts.entries.values()) {
      if (entry.analysis || (offload && entry.text !== null && !entry.unreadable && entry.text.length >= offload.minChars)) continue;
      ensure(entry);
      if (Date.now() - start >= sliceMs) {
        await yieldToEventLoop();
        start = Date.now();
      }
    }
    await Promise.all(away);
    for (const entry of this.parts.entries.values()) ensure(entry); // whatever the offload could not do
    return this;
  }

  private inputs(): ModelInput[] {
    return [...this.parts.entries.values()].map((e) => {
      const a = ensure(e);
      return { path: e.path, kind: e.kind, yaml: a.yaml, diagnostics: a.diagnostics };
    });
  }

  /** The typed model of the files that passed their schema. */
  get model(): ContractModel {
    return (this.modelCache ??= new ContractModel(this.inputs(), this.parts.facts.masters));
  }

  validate(options: ValidateOptions = {}): ValidationResult {
    const today = options.today ?? todayIso();
    const cached = this.validations.get(today);
    if (cached) return cached;
    const steps = this.validation(today);
    let step = steps.next();
    while (!step.done) step = steps.next();
    return step.value;
  }

  /**
   * The same answer as `validate`, computed in slices of `sliceMs` with the event loop free in between: the rules
   * over thousands of files take longer than anyone should wait on a frozen window.
   */
  async validateSliced(options: ValidateOptions = {}, sliceMs = 8): Promise<ValidationResult> {
    const today = options.today ?? todayIso();
    const cached = this.validations.get(today);
    if (cached) return cached;
    await this.prepare(sliceMs);
    const steps = this.validation(today);
    let start = Date.now();
    let step = steps.next();
    while (!step.done) {
      if (Date.now() - start >= sliceMs) {
        await yieldToEventLoop();
        start = Date.now();
      }
      step = steps.next();
    }
    return step.value;
  }

  private *validation(today: string): Generator<void, ValidationResult, void> {
    const diagnostics: Diagnostic[] = [];
    for (const entry of this.parts.entries.values()) for (const d of ensure(entry).diagnostics) diagnostics.push(d);
    const history = this.parts.facts.history;
    for (const [dir, why] of this.parts.unreadableDirs) {
      diagnostics.push({
        file: dir,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        severity: 'error',
        code: 'file-unreadable',
        message: `The folder ${dir} could not be read (${why}); the files in it are not checked.`,
      });
    }
    const ctx = {
      exists: (p: string) => this.has(p),
      unknown: (p: string) => this.isUnknown(p),
      leadsOutside: (p: string) => this.leadsOutside(p),
      today,
      createdFromHistory: (p: string) => history.get(p)?.created,
      history: (p: string) => history.get(p),
      signatures: this.parts.facts.signatures,
      data: (p: string) => this.data(p),
    };
    const model = this.model;
    yield;
    yield* workspaceChecks(model, this.inputs(), ctx, diagnostics);
    diagnostics.sort(compareDiagnostics);
    const result = { files: this.parts.entries.size, diagnostics };
    this.validations.set(today, result);
    return result;
  }

  /** Compliance and ledger figures of this snapshot, from the model and git's facts. */
  figures(today?: string): Figures {
    const day = today ?? todayIso();
    let f = this.figureCache.get(day);
    if (!f) {
      f = computeFigures({
        model: this.model,
        diagnostics: this.validate({ today: day }).diagnostics,
        // evidence shows something only when it can be read: not in an unreadable folder, not a link leading outside
        exists: (p) => this.has(p) && !this.isUnknown(p) && !this.leadsOutside(p),
        facts: this.parts.facts,
        unsaved: this.unsaved,
        today: day,
        data: (p) => this.data(p),
      });
      this.figureCache.set(day, f);
    }
    return f;
  }
}

/** Collects changes for a new snapshot; copies the parts once, so a load of thousands of files stays linear. */
export class SnapshotBuilder {
  private readonly parts: Parts;
  private built: Snapshot | null = null;

  /** @internal use Snapshot.toBuilder() or new SnapshotBuilder() */
  constructor(from?: Parts) {
    this.parts = from
      ? {
          entries: new Map(from.entries),
          other: new Set(from.other),
          escaping: new Set(from.escaping),
          unreadableDirs: new Map(from.unreadableDirs),
          facts: from.facts,
          unsaved: new Set(from.unsaved),
          data: new Map(from.data),
        }
      : { entries: new Map(), other: new Set(), escaping: new Set(), unreadableDirs: new Map(), facts: NO_FACTS, unsaved: new Set(), data: new Map() };
  }

  private touch(): void {
    if (this.built) throw new Error('the snapshot was already built');
  }

  /** Sets the text of any workspace file; contract files are analysed when first asked, others only exist. */
  setText(path: string, text: string, options: { unsaved?: boolean } = {}): this {
    this.touch();
    const kind = classifyPath(path);
    if (!kind) {
      if (isDataFile(path)) return this.setData(path, { text });
      this.parts.other.add(path);
      return this;
    }
    if (options.unsaved) this.parts.unsaved.add(path);
    else this.parts.unsaved.delete(path);
    const prev = this.parts.entries.get(path);
    if (prev && prev.text === text && !prev.unreadable) return this;
    this.parts.entries.set(path, { path, kind, text, unreadable: null, analysis: null });
    return this;
  }

  /** Records a contract file that exists but cannot be read as text; the message says why. */
  setUnreadable(path: string, code: 'file-unreadable' | 'file-too-large', message: string): this {
    this.touch();
    const kind = classifyPath(path);
    if (!kind) {
      if (isDataFile(path)) return this.setData(path, { problem: message });
      this.parts.other.add(path);
      return this;
    }
    this.parts.unsaved.delete(path);
    const diag: Diagnostic = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code, message };
    this.parts.entries.set(path, { path, kind, text: null, unreadable: diag, analysis: null });
    return this;
  }

  /** Records that a non-contract path (file or folder) exists. */
  addPath(path: string): this {
    this.touch();
    this.parts.other.add(path);
    return this;
  }

  /** An evidence data file (CSV) with its text, or why it cannot be read: criteria measure their values from it. */
  setData(path: string, content: { text: string } | { problem: string }): this {
    this.touch();
    this.parts.other.add(path);
    this.parts.data.set(path, content);
    return this;
  }

  /** Records that a path exists but is a link leading outside the workspace. */
  markEscaping(path: string): this {
    this.touch();
    this.parts.escaping.add(path);
    return this;
  }

  /** Records a folder that exists but cannot be read (permission denied ...). */
  markUnreadableDir(path: string, why: string): this {
    this.touch();
    this.parts.unreadableDirs.set(path, why);
    this.parts.other.add(path);
    return this;
  }

  /** Forgets a path, and everything below it when it is a folder. */
  remove(path: string): this {
    this.touch();
    const prefix = `${path}/`;
    for (const map of [this.parts.entries, this.parts.unreadableDirs, this.parts.data])
      for (const k of [...map.keys()]) if (k === path || k.startsWith(prefix)) map.delete(k);
    for (const set of [this.parts.other, this.parts.escaping, this.parts.unsaved])
      for (const k of [...set]) if (k === path || k.startsWith(prefix)) set.delete(k);
    return this;
  }

  setFacts(facts: SnapshotFacts): this {
    this.touch();
    this.parts.facts = facts;
    return this;
  }

  snapshot(): Snapshot {
    return (this.built ??= Snapshot.fromParts(this.parts));
  }
}

/**
 * A mutable handle over snapshots, for tests, benches and one-shot tools: each change makes the next snapshot.
 * The running app never shares one of these: it swaps whole snapshots.
 */
export class ContractEngine {
  private current = Snapshot.empty();
  private pending: SnapshotBuilder | null = null;

  private builder(): SnapshotBuilder {
    return (this.pending ??= this.current.toBuilder());
  }

  snapshot(): Snapshot {
    if (this.pending) {
      this.current = this.pending.snapshot();
      this.pending = null;
    }
    return this.current;
  }

  setText(path: string, text: string): void {
    this.builder().setText(path, text);
  }
  setUnreadable(path: string, code: 'file-unreadable' | 'file-too-large', message: string): void {
    this.builder().setUnreadable(path, code, message);
  }
  addPath(path: string): void {
    this.builder().addPath(path);
  }
  markEscaping(path: string): void {
    this.builder().markEscaping(path);
  }
  markUnreadableDir(path: string, why: string): void {
    this.builder().markUnreadableDir(path, why);
  }
  remove(path: string): void {
    this.builder().remove(path);
  }
  setFacts(facts: SnapshotFacts): void {
    this.builder().setFacts(facts);
  }
  has(path: string): boolean {
    return this.snapshot().has(path);
  }
  contractPaths(): string[] {
    return this.snapshot().contractPaths();
  }
  text(path: string): string | null {
    return this.snapshot().text(path);
  }
  parsed(path: string): YamlFile | undefined {
    return this.snapshot().parsed(path);
  }
  validate(options: ValidateOptions = {}): ValidationResult {
    return this.snapshot().validate(options);
  }
}
