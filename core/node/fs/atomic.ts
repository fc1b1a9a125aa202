import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Temp files of interrupted saves are named like this, so they can be recognised and removed at start. */
export const TEMP_PREFIX = '.covenant-tmp-';

export class WriteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function plain(code: string | undefined, target: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `no permission to write ${target}`;
    case 'EROFS':
      return `${target} is on a read-only file system`;
    case 'ENOSPC':
      return 'the disk is full';
    case 'EISDIR':
      return `${target} is a folder`;
    case 'ENOENT':
      return `the folder of ${target} does not exist`;
    default:
      return `${target} could not be written (${code ?? 'unknown error'})`;
  }
}

/**
 * Writes `data` to `file` so that the file holds either the old or the new content, never a mix: a temp file in
 * the same folder, fsync, rename over the target, fsync of the folder. Refuses to write through a symbolic link or
 * over a folder. Hand-written rather than write-file-atomic: that follows links and does not fsync the folder.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  try {
    const info = lstatSync(file);
    if (info.isSymbolicLink()) throw new WriteError('ELINK', `${path.basename(file)} is a symbolic link; Covenant does not write through links`);
    if (info.isDirectory()) throw new WriteError('EISDIR', plain('EISDIR', path.basename(file)));
    if (info.nlink > 1) throw new WriteError('EHARDLINK', `${path.basename(file)} has other hard links; Covenant does not write to shared files`);
  } catch (e) {
    if (e instanceof WriteError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new WriteError((e as NodeJS.ErrnoException).code ?? 'EIO', plain((e as NodeJS.ErrnoException).code, path.basename(file)));
  }
  const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${path.basename(file)}`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, file);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      /* it may not exist */
    }
    const code = (e as NodeJS.ErrnoException).code;
    throw new WriteError(code ?? 'EIO', plain(code, path.basename(file)));
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* some file systems cannot fsync a folder; the rename is done */
  }
}

/** Removes temp files left by saves that were interrupted (a crash, a kill), under `root`. Returns their paths. */
export async function removeLeftoverTemps(root: string, skip: ReadonlySet<string> = new Set(['.git', 'node_modules'])): Promise<string[]> {
  const removed: string[] = [];
  const queue = [root];
  while (queue.length) {
    const dir = queue.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!skip.has(e.name)) queue.push(abs);
      } else if (e.isFile() && e.name.startsWith(TEMP_PREFIX)) {
        await unlink(abs).catch(() => undefined);
        removed.push(abs);
      }
    }
  }
  return removed;
}
