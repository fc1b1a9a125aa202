import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ApiFailure, type ApiEvent, type FileContent, type FileEntry, type WorkspaceInfo, type WriteResult } from '../common/api.js';
import { classifyPath } from '../common/model/kinds.js';
import type { ContractEngine, ValidationResult } from '../common/workspace.js';
import { MAX_FILE_BYTES, tooLargeMessage } from '../common/yaml/parse.js';
import { removeLeftoverTemps, writeFileAtomic, WriteError } from './fs/atomic.js';
import { confine, toWorkspacePath } from './fs/confine.js';
import { decodeText } from './text.js';
import { isIgnored, loadContractFile, loadWorkspace, resolveWorkspaceRoot } from './workspace-loader.js';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Files larger than this are listed but not opened in the editor. */
const MAX_EDITOR_BYTES = MAX_FILE_BYTES;

/**
 * One open workspace: its files on disk are the truth. Writes go through here (confined, atomic, conflict-checked);
 * the watcher is the one way changes on disk reach the engine and the renderer.
 */
export class OpenWorkspace {
  private watcher: FSWatcher | null = null;
  private readonly overlays = new Set<string>();
  private pending = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  private constructor(
    readonly root: string,
    readonly engine: ContractEngine,
    private readonly files: Set<string>,
    private readonly emit: (event: ApiEvent) => void,
  ) {}

  static async open(dir: string, emit: (event: ApiEvent) => void, options: { watch?: boolean } = {}): Promise<OpenWorkspace> {
    const root = await resolveWorkspaceRoot(dir);
    await removeLeftoverTemps(root);
    const loaded = await loadWorkspace(root);
    const ws = new OpenWorkspace(loaded.root, loaded.engine, loaded.files, emit);
    if (options.watch !== false) await ws.startWatching();
    return ws;
  }

  get info(): WorkspaceInfo {
    return { root: this.root, name: path.basename(this.root) };
  }

  private async startWatching(): Promise<void> {
    const root = this.root;
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
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
  }

  private noteChange(rel: string): void {
    if (!rel || rel.startsWith('..')) return;
    this.pending.add(rel);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), 40);
  }

  /** Applies the changes seen on disk to the engine, then tells the renderer which paths changed. */
  private async flush(): Promise<void> {
    this.flushTimer = null;
    const paths = [...this.pending];
    this.pending = new Set();
    for (const rel of paths) await this.refresh(rel);
    if (paths.length) this.emit({ type: 'files-changed', paths: paths.sort() });
  }

  /** Re-reads one path from disk into the engine and the file index. */
  async refresh(rel: string): Promise<void> {
    const abs = path.join(this.root, ...rel.split('/'));
    const info = await lstat(abs).catch(() => null);
    if (!info) {
      // a removed folder takes everything below it
      for (const f of [...this.files]) if (f === rel || f.startsWith(`${rel}/`)) this.forget(f);
      this.forget(rel);
      return;
    }
    if (info.isDirectory()) {
      this.engine.addPath(rel);
      return;
    }
    this.files.add(rel);
    if (classifyPath(rel)) {
      if (!this.overlays.has(rel)) await loadContractFile(this.engine, this.root, rel);
    } else this.engine.addPath(rel);
  }

  private forget(rel: string): void {
    this.files.delete(rel);
    this.overlays.delete(rel);
    this.engine.remove(rel);
  }

  /** Waits until changes seen so far have reached the engine (tests, and before answering a validate). */
  async settle(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      await this.flush();
    }
  }

  async close(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.watcher?.close();
    this.watcher = null;
  }

  /** The absolute path of a workspace path, or an outside-workspace refusal. */
  confinePath(rel: string): string {
    return confine(this.root, rel);
  }

  list(): FileEntry[] {
    return [...this.files].sort().map((p) => ({ path: p, kind: classifyPath(p) }));
  }

  async read(rel: string): Promise<FileContent> {
    const abs = confine(this.root, rel);
    const info = await stat(abs).catch(() => null);
    if (!info || !info.isFile()) throw new ApiFailure('not-found', `${rel} does not exist.`);
    if (info.size > MAX_EDITOR_BYTES) throw new ApiFailure('unsupported', `${rel}: ${tooLargeMessage(info.size)}`);
    const bytes = await readFile(abs);
    const decoded = decodeText(bytes);
    if (!decoded.ok) throw new ApiFailure('unsupported', `${rel}: ${decoded.message}`);
    return { path: rel, text: decoded.text, hash: sha256(bytes) };
  }

  /** The hash of the file on disk now, or null when it does not exist. */
  private async diskHash(abs: string): Promise<string | null> {
    try {
      return sha256(await readFile(abs));
    } catch {
      return null;
    }
  }

  private writeAtomic(abs: string, rel: string, text: string): void {
    try {
      writeFileAtomic(abs, text);
    } catch (e) {
      const why = e instanceof WriteError ? e.message : String(e);
      throw new ApiFailure('io', `Could not save ${rel}: ${why}. The file on disk is unchanged.`);
    }
  }

  /** Saves a file. With baseHash, refuses when the file on disk is no longer the version the editor started from. */
  async write(rel: string, text: string, baseHash?: string | null): Promise<WriteResult> {
    const abs = confine(this.root, rel);
    if (baseHash !== undefined) {
      const current = await this.diskHash(abs);
      if (current !== baseHash) {
        throw new ApiFailure('conflict', current === null && baseHash !== null ? `${rel} was deleted on disk since you opened it.` : `${rel} was changed on disk since you opened it.`);
      }
    }
    await mkdir(path.dirname(abs), { recursive: true });
    confine(this.root, rel); // the folders just made must not have raced into links
    this.writeAtomic(abs, rel, text);
    await this.afterWrite(rel);
    return { path: rel, hash: sha256(Buffer.from(text, 'utf8')) };
  }

  async create(rel: string, text: string): Promise<WriteResult> {
    const abs = confine(this.root, rel);
    if (await lstat(abs).catch(() => null)) throw new ApiFailure('exists', `${rel} already exists.`);
    return this.write(rel, text, null);
  }

  async rename(from: string, to: string): Promise<void> {
    const src = confine(this.root, from);
    const dest = confine(this.root, to);
    if (!(await lstat(src).catch(() => null))) throw new ApiFailure('not-found', `${from} does not exist.`);
    if (await lstat(dest).catch(() => null)) throw new ApiFailure('exists', `${to} already exists.`);
    await mkdir(path.dirname(dest), { recursive: true });
    await rename(src, dest).catch((e: NodeJS.ErrnoException) => {
      throw new ApiFailure('io', `Could not rename ${from}: ${e.code ?? 'unknown error'}.`);
    });
    await this.refresh(from);
    await this.afterWrite(to);
  }

  async delete(rel: string): Promise<void> {
    const abs = confine(this.root, rel);
    const info = await lstat(abs).catch(() => null);
    if (!info) throw new ApiFailure('not-found', `${rel} does not exist.`);
    if (info.isDirectory()) throw new ApiFailure('unsupported', `${rel} is a folder; only files can be deleted here.`);
    await unlink(abs).catch((e: NodeJS.ErrnoException) => {
      throw new ApiFailure('io', `Could not delete ${rel}: ${e.code ?? 'unknown error'}.`);
    });
    await this.refresh(rel);
    this.emit({ type: 'files-changed', paths: [rel] });
  }

  private async afterWrite(rel: string): Promise<void> {
    this.overlays.delete(rel);
    await this.refresh(rel);
    this.emit({ type: 'files-changed', paths: [rel] });
  }

  /**
   * Validates with unsaved buffers (path -> text) laid over the files on disk. Buffers no longer given fall back
   * to the disk version. Only contract files inside the workspace can be overlaid.
   */
  async validate(overlays: Record<string, string> = {}, today?: string): Promise<ValidationResult> {
    await this.settle();
    const next = new Set<string>();
    for (const [rel, text] of Object.entries(overlays)) {
      confine(this.root, rel);
      if (!classifyPath(rel)) continue;
      next.add(rel);
      this.engine.setText(rel, text);
    }
    for (const rel of this.overlays) {
      if (next.has(rel)) continue;
      if (this.files.has(rel)) await loadContractFile(this.engine, this.root, rel);
      else this.engine.remove(rel);
    }
    this.overlays.clear();
    for (const rel of next) this.overlays.add(rel);
    return this.engine.validate(today ? { today } : {});
  }
}
