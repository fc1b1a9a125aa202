import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ContractEngine } from '../common/workspace.js';
import { classifyPath } from '../common/model/kinds.js';
import { MAX_FILE_BYTES, tooLargeMessage } from '../common/yaml/parse.js';
import { TEMP_PREFIX } from './fs/atomic.js';
import { decodeText } from './text.js';

/** Folders never read as part of a workspace. */
export const IGNORED_DIRS = new Set(['.git', 'node_modules', '.covenant']);

/** Names never read or listed: VCS and tool folders, and temp files of interrupted saves. */
export function isIgnored(name: string): boolean {
  return IGNORED_DIRS.has(name) || name.startsWith(TEMP_PREFIX);
}

export class WorkspaceError extends Error {
  constructor(
    readonly code: 'not-found' | 'not-a-directory' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

/** Resolves a folder the user named to its real absolute path, or fails with a plain message. */
export async function resolveWorkspaceRoot(dir: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path.resolve(dir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WorkspaceError(code === 'ENOENT' ? 'not-found' : 'unreadable', code === 'ENOENT' ? `No such folder: ${dir}` : `Cannot open ${dir} (${code ?? 'unknown error'})`);
  }
  const info = await stat(real);
  if (!info.isDirectory()) throw new WorkspaceError('not-a-directory', `Not a folder: ${dir}`);
  return real;
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function toWorkspacePath(rel: string): string {
  return rel.split(path.sep).join('/');
}

/** Reads one contract file into the engine: size-limited, UTF-8 checked; never throws. */
export async function loadContractFile(engine: ContractEngine, root: string, rel: string): Promise<void> {
  const abs = path.join(root, ...rel.split('/'));
  try {
    const info = await lstat(abs);
    if (info.isSymbolicLink()) {
      const target = await realpath(abs).catch(() => null);
      if (target === null || !isInside(root, target)) {
        engine.setUnreadable(rel, 'file-unreadable', 'This contract file is a link that leads outside the workspace (or nowhere); Covenant does not follow it.');
        engine.markEscaping(rel);
        return;
      }
    }
    const real = await stat(abs);
    if (!real.isFile()) {
      engine.setUnreadable(rel, 'file-unreadable', 'This is a folder, not a file.');
      return;
    }
    if (real.size > MAX_FILE_BYTES) {
      engine.setUnreadable(rel, 'file-too-large', tooLargeMessage(real.size));
      return;
    }
    const decoded = decodeText(await readFile(abs));
    if (decoded.ok) engine.setText(rel, decoded.text);
    else engine.setUnreadable(rel, 'file-unreadable', decoded.message);
  } catch (e) {
    engine.setUnreadable(rel, 'file-unreadable', `The file could not be read (${(e as NodeJS.ErrnoException).code ?? 'unknown error'}).`);
  }
}

export interface LoadedWorkspace {
  root: string;
  engine: ContractEngine;
  /** Every file (not folder) of the workspace, workspace-relative. */
  files: Set<string>;
}

/**
 * Reads a workspace folder into a new engine: every contract file's text, and the existence of every other path
 * (for evidence and record links). Links leading outside the workspace are recorded as such and never followed.
 */
export async function loadWorkspace(dir: string): Promise<LoadedWorkspace> {
  const root = await resolveWorkspaceRoot(dir);
  const engine = new ContractEngine();
  const files = new Set<string>();
  const pending: Promise<void>[] = [];
  const queue: string[] = [''];
  while (queue.length > 0) {
    const relDir = queue.pop()!;
    let names: import('node:fs').Dirent[];
    try {
      names = await readdir(path.join(root, relDir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const dirent of names) {
      const rel = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
      if (dirent.isDirectory()) {
        if (isIgnored(dirent.name)) continue;
        engine.addPath(rel);
        queue.push(rel);
        continue;
      }
      if (isIgnored(dirent.name)) continue;
      const wsPath = toWorkspacePath(rel);
      files.add(wsPath);
      if (classifyPath(wsPath)) {
        pending.push(loadContractFile(engine, root, wsPath));
        continue;
      }
      if (dirent.isSymbolicLink()) {
        const target = await realpath(path.join(root, rel)).catch(() => null);
        if (target === null) continue; // dangling: does not exist
        if (!isInside(root, target)) engine.markEscaping(wsPath);
      }
      engine.addPath(wsPath);
    }
  }
  await Promise.all(pending);
  return { root, engine, files };
}
