import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { ApiEvent, FileContent, FileEntry, SnapshotDelta, WorkspaceInfo, WriteResult } from '../common/api.js';
import type { Diagnostic } from '../common/diagnostics.js';
import { CovenantError } from '../common/errors.js';
import { classifyPath } from '../common/model/kinds.js';
import type { Snapshot, SnapshotFacts, SnapshotBuilder, ValidationResult } from '../common/workspace.js';
import { MAX_FILE_BYTES, tooLargeMessage } from '../common/yaml/parse.js';
import { fsError } from './errors.js';
import { removeLeftoverTemps, writeFileAtomic } from './fs/atomic.js';
import { withFileLock } from './fs/lock.js';
import { rollBackInterrupted, writeAll, type FileWrite } from './fs/write-all.js';
import { confine, confineName, toWorkspacePath } from './fs/confine.js';
import { decodeText } from './text.js';
import {
  describeErrno,
  isDataFile,
  isIgnored,
  loadContractFile,
  loadDataFile,
  loadWorkspace,
  // eslint-disable-next-line no-restricted-syntax -- only a lazily opened workspace (one CLI command, nobody waiting) reads at once
  loadWorkspaceSync,
  resolveWorkspaceRoot,
  scanInto,
  type LoadedWorkspace,
} from './workspace-loader.js';
import { prepared } from './analysis/offload.js';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Files larger than this are listed but not opened in the editor. */
const MAX_EDITOR_BYTES = MAX_FILE_BYTES;

const same = (a: readonly Diagnostic[] | undefined, b: readonly Diagnostic[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

function byFile(diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = out.get(d.file);
    if (list) list.push(d);
    else out.set(d.file, [d]);
  }
  return out;
}

/**
 * One open workspace. Its files on disk are the truth; the watcher is the one way changes reach it: each batch of
 * changes makes a new immutable snapshot, swapped whole, and one `snapshot` event with the delta (files added and
 * removed, diagnostics that changed, whether figures changed). Writes go through here (confined, atomic,
 * conflict-checked) and then flow through the same path as any change seen on disk.
 */
export class OpenWorkspace {
  private watcher: FSWatcher | null = null;
  private held: { snapshot: Snapshot; files: Set<string> } | null;
  /** Leftover temp files being removed (a lazily read workspace sweeps them when it is first read). */
  private sweeping: Promise<unknown> = Promise.resolve();
  private version = 1;
  private pending = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private deltas = true;
  /** Told after every new snapshot from disk (git status, facts). */
  onChanged: ((changed: string[]) => void) | null = null;

  private constructor(
    readonly root: string,
    loaded: LoadedWorkspace | null,
    private readonly emit: (event: ApiEvent) => void,
  ) {
    this.held = loaded;
  }

  /** The files as last read; a lazily opened workspace (one CLI command) reads them now, at the first need. */
  private get current(): Snapshot {
    return this.loadedNow().snapshot;
  }
  private set current(next: Snapshot) {
    this.loadedNow().snapshot = next;
  }
  private get files(): Set<string> {
    return this.loadedNow().files;
  }
  private loadedNow(): { snapshot: Snapshot; files: Set<string> } {
    if (!this.held) {
      this.held = loadWorkspaceSync(this.root);
      // temp files of saves a kill interrupted, whose writer is gone, go (they are never read)
      this.sweeping = removeLeftoverTemps(this.root, undefined, Infinity).catch(() => undefined);
    }
    return this.held;
  }

  /** Whether the files have been read (a lazily opened workspace reads them at the first need). */
  get isRead(): boolean {
    return this.held !== null;
  }

  /** With `deltas: false` (one CLI command: nobody listens) a new snapshot replaces the old without a delta, and
   * leftover temp files are not swept. */
  static async open(dir: string, emit: (event: ApiEvent) => void, options: { watch?: boolean; deltas?: boolean; lazy?: boolean } = {}): Promise<OpenWorkspace> {
    const root = await resolveWorkspaceRoot(dir);
    // a multi-file write (an addendum applied) a kill left halfway is put back before anything reads the files
    await rollBackInterrupted(root);
    // one CLI command reads the files when it first needs them (status and log never do)
    if (options.lazy) {
      const ws = new OpenWorkspace(root, null, emit);
      ws.deltas = false;
      return ws;
    }
    const loaded = await loadWorkspace(root);
    // temp files of saves a kill interrupted are never read; the app removes them, a CLI command those whose writer is
    // gone (a fresh one may be another Covenant's save in flight)
    await removeLeftoverTemps(loaded.root, undefined, options.deltas !== false ? undefined : Infinity);
    const ws = new OpenWorkspace(loaded.root, loaded, emit);
    ws.deltas = options.deltas !== false;
    if (options.watch !== false) await ws.startWatching();
    return ws;
  }

  get info(): WorkspaceInfo {
    return { root: this.root, name: path.basename(this.root) };
  }

  /** The snapshot of the saved files now. Immutable: hold it as long as needed. */
  get snapshot(): Snapshot {
    return this.current;
  }

  private async startWatching(): Promise<void> {
    const root = this.root;
    const { watch } = await import('chokidar');
    this.watcher = watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      ignored: (p: string) => {
        const rel = path.relative(root, p);
        return rel !== '' && rel.split(path.sep).some((part) => isIgnored(part));
      },
    });
    const note = (abs: string) => this.noteChange(toWorkspacePath(root, abs));
    this.watcher.on('add', note).on('change', note).on('unlink', note).on('addDir', note).on('unlinkDir', note);
    // an 'error' nobody listens to kills the process: every watcher error becomes a notice (and a diagnostic)
    this.watcher.on('error', (e) => this.watchError(e));
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
  }

  private watchError(e: unknown): void {
    const err = e as NodeJS.ErrnoException & { path?: string };
    const rel = err.path ? toWorkspacePath(this.root, err.path) : '';
    if ((err.code === 'EACCES' || err.code === 'EPERM') && rel && !rel.startsWith('../')) {
      this.noteChange(rel); // re-read: the folder is now recorded as unreadable, with a diagnostic
      this.emit({ type: 'notice', level: 'warning', message: `${rel} can no longer be read (permission denied); its files are not checked until it can.` });
    } else if (err.code === 'ENOSPC') {
      this.emit({
        type: 'notice',
        level: 'warning',
        message:
          'The system limit of watched folders is reached (fs.inotify.max_user_watches): changes made outside Covenant may not show until the workspace is reopened.',
      });
    } else {
      this.emit({
        type: 'notice',
        level: 'warning',
        message: `Watching the workspace for changes failed (${err.code ?? err.message ?? 'unknown error'}); changes made outside Covenant may not show until the workspace is reopened.`,
      });
    }
  }

  /** Notes a changed path (from the watcher, or after a write); changes are applied in one batch shortly after. */
  noteChange(rel: string): void {
    if (!rel || rel === '..' || rel.startsWith('../')) return;
    this.pending.add(rel);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), 40);
  }

  private flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const paths = [...this.pending];
    this.pending = new Set();
    this.flushing = this.flushing
      .then(() => this.apply(paths))
      .catch((e) => this.emit({ type: 'notice', level: 'error', message: `Reading changes from disk failed: ${(e as Error).message}` }));
    return this.flushing;
  }

  /** Re-reads paths from disk into a new snapshot and tells the renderer what changed. */
  private async apply(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    const before = this.current;
    const beforeFiles = new Set(this.files);
    const b = before.toBuilder();
    for (const rel of paths) await this.reread(b, rel);
    const next = b.snapshot();
    const added = [...this.files].filter((f) => !beforeFiles.has(f));
    const removed = [...beforeFiles].filter((f) => !this.files.has(f));
    const contractChanged = paths.some(
      (p) => before.text(p) !== next.text(p) || before.data(p) !== next.data(p) || (classifyPath(p) !== null && before.has(p) !== next.has(p)),
    );
    if (!contractChanged && added.length === 0 && removed.length === 0 && before.unreadableDirs.size === next.unreadableDirs.size) return; // a write we already applied
    await this.swap(next, paths.sort(), added, removed);
  }

  /** Makes `next` the current snapshot and emits the delta against the one before. */
  private async swap(next: Snapshot, changed: string[], added: string[], removed: string[]): Promise<void> {
    const before = this.current;
    await prepared(next);
    this.current = next;
    this.version++;
    if (!this.deltas) return this.onChanged?.(changed); // nobody to tell: the diagnostics of both are not worked out
    const old = byFile((await before.validateSliced()).diagnostics);
    const now = byFile((await next.validateSliced()).diagnostics);
    const diagnostics: Record<string, Diagnostic[]> = {};
    for (const file of new Set([...old.keys(), ...now.keys()])) if (!same(old.get(file), now.get(file))) diagnostics[file] = now.get(file) ?? [];
    const hashes: Record<string, string | null> = {};
    for (const p of changed) {
      if (!this.files.has(p)) {
        if (!next.has(p)) hashes[p] = null;
        continue;
      }
      const bytes = await readFile(path.join(this.root, ...p.split('/'))).catch(() => null);
      if (bytes) hashes[p] = sha256(bytes);
    }
    const delta: SnapshotDelta = {
      version: this.version,
      changed,
      hashes,
      added: added.sort().map((p) => ({ path: p, kind: classifyPath(p) })),
      removed: removed.sort(),
      diagnostics,
      files: next.contractPaths().length,
      figuresChanged: changed.some((p) => classifyPath(p) !== null) || next.facts !== before.facts,
    };
    this.emit({ type: 'snapshot', delta });
    this.onChanged?.(changed);
  }

  /** New facts from git (CR dates, volatility): a new snapshot, and a delta when diagnostics change. */
  setFacts(facts: SnapshotFacts): Promise<void> {
    this.flushing = this.flushing.then(() => this.swap(this.current.withFacts(facts), [], [], []));
    return this.flushing;
  }

  /** Re-reads one path from disk into the builder and the file index. */
  private async reread(b: SnapshotBuilder, rel: string): Promise<void> {
    const abs = path.join(this.root, ...rel.split('/'));
    const info = await lstat(abs).catch(() => null);
    if (!info) {
      // a removed folder takes everything below it
      for (const f of [...this.files]) if (f === rel || f.startsWith(`${rel}/`)) this.files.delete(f);
      b.remove(rel);
      return;
    }
    if (info.isDirectory()) {
      b.remove(rel);
      for (const f of [...this.files]) if (f.startsWith(`${rel}/`)) this.files.delete(f);
      b.addPath(rel);
      await scanInto(b, this.root, rel, this.files).catch((e) => b.markUnreadableDir(rel, describeErrno(e)));
      return;
    }
    this.files.add(rel);
    if (classifyPath(rel)) loadContractFile(b, this.root, rel);
    else if (isDataFile(rel) && !info.isSymbolicLink()) loadDataFile(b, this.root, rel);
    else b.addPath(rel);
  }

  /** Re-reads a path now, as if the watcher had reported it (for callers that know better than the watcher). */
  async refresh(rel: string): Promise<void> {
    this.noteChange(rel);
    await this.settle();
  }

  /** Waits until every change seen so far has reached the snapshot. */
  async settle(): Promise<void> {
    if (this.flushTimer || this.pending.size) await this.flush();
    else await this.flushing;
  }

  async close(): Promise<void> {
    await this.sweeping;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.onChanged = null;
    await this.watcher?.close();
    this.watcher = null;
  }

  /** The absolute path of a workspace path, or an outside-workspace refusal (links along the way included). */
  confinePath(rel: string): Promise<string> {
    return confine(this.root, rel);
  }

  list(): FileEntry[] {
    return [...this.files].sort().map((p) => ({ path: p, kind: classifyPath(p) }));
  }

  async read(rel: string): Promise<FileContent> {
    const abs = await confine(this.root, rel);
    const info = await stat(abs).catch((e) => {
      throw fsError(e, rel, 'read');
    });
    if (!info.isFile()) throw new CovenantError('invalid-input', `${rel} is a folder, not a file.`, { path: rel });
    if (info.size > MAX_EDITOR_BYTES) throw new CovenantError('invalid-input', `${rel}: ${tooLargeMessage(info.size)}`, { path: rel });
    const bytes = await readFile(abs).catch((e) => {
      throw fsError(e, rel, 'read');
    });
    const decoded = decodeText(bytes);
    if (!decoded.ok) throw new CovenantError('invalid-input', `${rel}: ${decoded.message}`, { path: rel });
    return { path: rel, text: decoded.text, hash: sha256(bytes) };
  }

  /** The hash of the file on disk now, or null when it does not exist. */
  private async diskHash(abs: string, rel: string): Promise<string | null> {
    try {
      return sha256(await readFile(abs));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fsError(e, rel, 'read');
    }
  }

  /**
   * Saves a file. With baseHash, refuses when the file on disk is no longer the version the editor started from; the
   * check and the write are one critical section per file (fs/lock.ts), so two writers can never both be told "saved"
   * over the same version.
   */
  async write(rel: string, text: string, baseHash?: string | null): Promise<WriteResult> {
    const abs = await confine(this.root, rel);
    if (typeof baseHash === 'string' && !(await lstat(path.dirname(abs)).catch(() => null)))
      throw new CovenantError('conflict', `${rel} was deleted on disk since you opened it.`, { path: rel });
    await mkdir(path.dirname(abs), { recursive: true }).catch((e) => {
      throw fsError(e, path.posix.dirname(rel), 'create the folder');
    });
    await confine(this.root, rel); // the folders just made must not have raced into links
    await withFileLock(abs, rel, async () => {
      if (baseHash !== undefined) {
        const current = await this.diskHash(abs, rel);
        if (current !== baseHash) {
          throw new CovenantError(
            'conflict',
            current === null && baseHash !== null ? `${rel} was deleted on disk since you opened it.` : `${rel} was changed on disk since you opened it.`,
            { path: rel },
          );
        }
      }
      try {
        await writeFileAtomic(abs, text, { within: this.root });
      } catch (e) {
        const err = e instanceof CovenantError ? e : fsError(e, rel, 'write');
        throw new CovenantError(err.code, `Could not save ${rel}: ${err.message} The file on disk is unchanged.`, { path: rel, cause: e });
      }
    });
    await this.changed(rel);
    return { path: rel, hash: sha256(Buffer.from(text, 'utf8')) };
  }

  /** Writes several files whole or not at all, each against the version it was read at (fs/write-all.ts). */
  async writeAll(writes: readonly FileWrite[]): Promise<void> {
    try {
      await writeAll(this.root, writes);
    } finally {
      for (const w of writes) this.noteChange(w.path);
      await this.settle();
    }
  }

  async create(rel: string, text: string): Promise<WriteResult> {
    const abs = await confine(this.root, rel);
    if (await lstat(abs).catch(() => null)) throw new CovenantError('conflict', `${rel} already exists.`, { path: rel, reason: 'exists' });
    return this.write(rel, text, null);
  }

  async rename(from: string, to: string): Promise<void> {
    const src = await confine(this.root, from);
    const dest = await confine(this.root, to);
    if (!(await lstat(src).catch(() => null))) throw new CovenantError('not-found', `${from} does not exist.`, { path: from });
    if (await lstat(dest).catch(() => null)) throw new CovenantError('conflict', `${to} already exists.`, { path: to, reason: 'exists' });
    await mkdir(path.dirname(dest), { recursive: true });
    await rename(src, dest).catch((e) => {
      throw fsError(e, from, 'rename');
    });
    this.noteChange(from);
    await this.changed(to);
  }

  async delete(rel: string): Promise<void> {
    const abs = await confine(this.root, rel);
    const info = await lstat(abs).catch(() => null);
    if (!info) throw new CovenantError('not-found', `${rel} does not exist.`, { path: rel });
    if (info.isDirectory()) throw new CovenantError('invalid-input', `${rel} is a folder; only files can be deleted here.`, { path: rel });
    await unlink(abs).catch((e) => {
      throw fsError(e, rel, 'delete');
    });
    await this.changed(rel);
  }

  /** A write of ours goes the way any change on disk goes (noted, then applied in one batch); the watcher's own
   * later report of the same change finds nothing new and emits nothing. */
  private async changed(rel: string): Promise<void> {
    this.noteChange(rel);
    await this.settle();
  }

  /**
   * Validates the saved files with unsaved buffers (path -> text) laid over them, in a derived snapshot of its
   * own: the shared snapshot never holds a buffer. Only contract files inside the workspace can be overlaid.
   */
  async validate(overlays: Record<string, string> = {}, today?: string): Promise<ValidationResult> {
    const snap = await this.withUnsaved(overlays);
    return snap.validateSliced(today ? { today } : {});
  }

  /** The saved snapshot with unsaved buffers over it (confined by name), analysed without blocking. */
  async withUnsaved(overlays: Record<string, string>): Promise<Snapshot> {
    await this.settle();
    for (const rel of Object.keys(overlays)) confineName(this.root, rel);
    return prepared(this.current.withUnsaved(overlays));
  }
}
