// eslint-disable-next-line no-restricted-syntax -- a file read in one synchronous call costs microseconds; the scan yields every 20 ms
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SnapshotBuilder, type Snapshot } from '../common/workspace.js';
import { CovenantError } from '../common/errors.js';
import { MASTER_PATH } from '../common/model/kinds.js';
import { classifyPath, isDataFile } from '../common/model/kinds.js';

export { isDataFile };
import { MAX_FILE_BYTES, tooLargeMessage } from '../common/yaml/parse.js';
import { TEMP_PREFIX } from './fs/atomic.js';
import { decodeText } from './text.js';

/** Folders never read as part of a workspace. */
export const IGNORED_DIRS = new Set(['.git', 'node_modules', '.covenant']);

/** Names never read or listed: VCS and tool folders, and temp files of interrupted saves. */
export function isIgnored(name: string): boolean {
  return IGNORED_DIRS.has(name) || name.startsWith(TEMP_PREFIX);
}

/** Resolves a folder the user named to its real absolute path, or fails with a plain message. */
export async function resolveWorkspaceRoot(dir: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path.resolve(dir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CovenantError('not-found', `No such folder: ${dir}`, { path: dir });
    if (code === 'EACCES' || code === 'EPERM') throw new CovenantError('permission-denied', `No permission to open ${dir}.`, { path: dir });
    throw new CovenantError('io', `Cannot open ${dir} (${code ?? 'unknown error'}).`, { path: dir });
  }
  const info = await stat(real);
  if (!info.isDirectory()) throw new CovenantError('invalid-input', `Not a folder: ${dir}`, { path: dir });
  return real;
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function toWorkspacePath(rel: string): string {
  return rel.split(path.sep).join('/');
}

/**
 * A file's bytes when it is a regular file within the size cap: one open, fstat, read and close, synchronous (a few
 * microseconds from the page cache, where four promises cost a turn of the thread pool each: a workspace of 2,200
 * files took 0.5 s to read). Loops reading many files yield between batches.
 */
function readCapped(abs: string): { bytes: Buffer } | { folder: true } | { special: true } | { size: number } {
  // never blocks: a FIFO opened without O_NONBLOCK waits for a writer forever
  const fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) return { folder: true };
    if (!info.isFile()) return { special: true };
    if (info.size > MAX_FILE_BYTES) return { size: info.size };
    const buf = Buffer.allocUnsafe(info.size);
    let got = 0;
    for (let n = 1; got < buf.length && n > 0; got += n) n = readSync(fd, buf, got, buf.length - got, got);
    return { bytes: buf.subarray(0, got) };
  } finally {
    closeSync(fd);
  }
}

/** Reads one contract file into the builder: size-limited, UTF-8 checked; never throws. Synchronous (see readCapped). */
export function loadContractFile(engine: SnapshotBuilder, root: string, rel: string): void {
  const abs = path.join(root, ...rel.split('/'));
  try {
    if (lstatSync(abs).isSymbolicLink()) {
      const target = realOrNull(abs);
      if (target === null || !isInside(root, target)) {
        engine.setUnreadable(
          rel,
          'file-unreadable',
          'This contract file is a link that leads outside the workspace (or nowhere); Covenant does not follow it.',
        );
        engine.markEscaping(rel);
        return;
      }
    }
    const read = readCapped(abs);
    if ('folder' in read) return void engine.setUnreadable(rel, 'file-unreadable', 'This is a folder, not a file.');
    if ('special' in read)
      return void engine.setUnreadable(rel, 'file-unreadable', 'This is not a regular file (a pipe, socket or device); Covenant does not read it.');
    if ('size' in read) return void engine.setUnreadable(rel, 'file-too-large', tooLargeMessage(read.size));
    const decoded = decodeText(read.bytes);
    if (decoded.ok) engine.setText(rel, decoded.text);
    else engine.setUnreadable(rel, 'file-unreadable', decoded.message);
  } catch (e) {
    engine.setUnreadable(rel, 'file-unreadable', `The file could not be read (${describeErrno(e)}).`);
  }
}

/** Reads an evidence data file's text into the snapshot (size-capped, decoded like contract files), or why it cannot be. */
export function loadDataFile(b: SnapshotBuilder, root: string, rel: string): void {
  const abs = path.join(root, ...rel.split('/'));
  try {
    const read = readCapped(abs);
    if ('folder' in read || 'special' in read) return void b.addPath(rel);
    if ('size' in read) return void b.setData(rel, { problem: tooLargeMessage(read.size) });
    const decoded = decodeText(read.bytes);
    b.setData(rel, decoded.ok ? { text: decoded.text } : { problem: decoded.message });
  } catch (e) {
    b.setData(rel, { problem: `it could not be read (${describeErrno(e)})` });
  }
}

/** A contract file's text as the snapshot would hold it, or null (unreadable, too large, not text). */
export function contractText(root: string, rel: string): string | null {
  const b = new SnapshotBuilder();
  loadContractFile(b, root, rel);
  return b.snapshot().text(rel) ?? null;
}

function realOrNull(abs: string): string | null {
  try {
    return realpathSync(abs);
  } catch {
    return null;
  }
}

/** EACCES and friends in words. */
export function describeErrno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'it no longer exists';
  return code ?? 'unknown error';
}

export interface LoadedWorkspace {
  root: string;
  snapshot: Snapshot;
  /** Every file (not folder) of the workspace, workspace-relative. */
  files: Set<string>;
}

/**
 * Walks `relDir` of the workspace into the builder (files, folders, links, unreadable folders), in synchronous calls
 * of microseconds each; it pauses (yields) every 20 ms so that an asynchronous walk can let others run.
 */
function* scanSteps(b: SnapshotBuilder, root: string, relDir: string, files: Set<string>): Generator<void> {
  const queue: string[] = [relDir];
  let since = performance.now();
  while (queue.length > 0) {
    const dir = queue.pop()!;
    let names: import('node:fs').Dirent[];
    try {
      names = readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch (e) {
      // an unreadable folder is reported, never taken as empty: its files would read as "missing"
      if (dir !== '') b.markUnreadableDir(dir, describeErrno(e));
      else throw new CovenantError('permission-denied', `The workspace folder ${root} cannot be read (${describeErrno(e)}).`, { path: root });
      continue;
    }
    for (const dirent of names) {
      const rel = dir === '' ? dirent.name : `${dir}/${dirent.name}`;
      if (isIgnored(dirent.name)) continue;
      if (dirent.isDirectory()) {
        b.addPath(rel);
        queue.push(rel);
        continue;
      }
      const wsPath = toWorkspacePath(rel);
      files.add(wsPath);
      if (classifyPath(wsPath)) loadContractFile(b, root, wsPath);
      else if (dirent.isSymbolicLink()) {
        const target = realOrNull(path.join(root, rel));
        if (target === null) continue; // dangling: does not exist
        if (!isInside(root, target)) b.markEscaping(wsPath);
        b.addPath(wsPath);
      } else if (isDataFile(wsPath)) loadDataFile(b, root, wsPath);
      else b.addPath(wsPath);
      // a turn of the event loop every 20 ms: nobody waits on a big workspace
      if (performance.now() - since > 20) {
        yield;
        since = performance.now();
      }
    }
  }
}

/** Walks `relDir` into the builder, letting others run every 20 ms. */
export async function scanInto(b: SnapshotBuilder, root: string, relDir: string, files: Set<string>): Promise<void> {
  for (const _ of scanSteps(b, root, relDir, files)) await new Promise((r) => setImmediate(r));
}

/** Reads the workspace at `root` (a real path, from resolveWorkspaceRoot) at once: for one CLI command, where nobody else waits. */
export function loadWorkspaceSync(root: string): LoadedWorkspace {
  const b = new SnapshotBuilder();
  const files = new Set<string>();
  for (const _ of scanSteps(b, root, '', files));
  return { root, snapshot: b.snapshot(), files };
}

/**
 * Reads a workspace folder into a snapshot: every contract file's text, and the existence of every other path
 * (for evidence and record links). Links leading outside the workspace are recorded as such and never followed;
 * folders that cannot be read are recorded as such.
 */
export async function loadWorkspace(dir: string): Promise<LoadedWorkspace> {
  const root = await resolveWorkspaceRoot(dir);
  const b = new SnapshotBuilder();
  const files = new Set<string>();
  await scanInto(b, root, '', files);
  return { root, snapshot: b.snapshot(), files };
}

/** For the CLI: a workspace must have a master contract, else the command cannot tell anything true. */
export function requireMaster(root: string, dir: string, snapshot: Snapshot): void {
  if (!snapshot.has(MASTER_PATH) && !snapshot.isUnknown(MASTER_PATH)) {
    throw new CovenantError(
      'not-found',
      `${dir} is not a Covenant workspace: there is no ${MASTER_PATH} in ${root}. Check the folder (the workspace is the folder that holds contracts/), or create one with covenant init.`,
      { reason: 'no-master', path: MASTER_PATH },
    );
  }
}
