import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readdir, realpath, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CovenantError } from '../../common/errors.js';
import { fsError } from '../errors.js';
import { isInside } from './confine.js';

/** Temp files of interrupted saves are named like this, so they can be recognised and removed at start. */
export const TEMP_PREFIX = '.covenant-tmp-';

/**
 * Writes `data` to `file` so that the file holds either the old or the new content, never a mix: a temp file in
 * the same folder (opened with O_NOFOLLOW | O_EXCL), fsync, rename over the target, fsync of the folder, all inside
 * the folder held open (on other systems than Linux: a check that it still is the folder it was). Refuses to write through a
 * symbolic link, over a folder, or to a file with other hard links. Asynchronous: the main process never waits on
 * the disk. Hand-written rather than write-file-atomic: that follows links and does not fsync the folder.
 */
export async function writeFileAtomic(
  file: string,
  /** The content, or its pieces in order (a big file written without ever being one string in memory). */
  data: string | Uint8Array | Iterable<string>,
  /**
   * durable: false skips the two fsyncs (the write stays atomic: temp file and rename), for files git writes out of its
   * objects by the thousand (a checkout), which git itself does not fsync either: they can be written again from
   * the repository.
   */
  options: { within?: string; durable?: boolean } = {},
): Promise<void> {
  const durable = options.durable !== false;
  const dir = path.dirname(file);
  const name = path.basename(file);
  // the folder is held open and every step after that goes through the handle (Linux: /proc/self/fd/N, the openat of
  // Node), so a folder swapped for a link after the checks cannot carry the write elsewhere; other systems re-check
  const held = await holdFolder(dir);
  try {
    return await writeIn(held ? `/proc/self/fd/${held.fd}` : dir, !!held, dir, name, data, options.within, durable);
  } finally {
    await held?.close().catch(() => undefined);
  }
}

async function holdFolder(dir: string): Promise<import('node:fs/promises').FileHandle | null> {
  if (process.platform !== 'linux') return null;
  return open(dir, constants.O_RDONLY | constants.O_DIRECTORY).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw fsError(e, path.basename(dir), 'write in');
    return null; // no permission to read the folder (write-only): the path-based checks below still hold
  });
}

async function writeIn(
  at: string,
  held: boolean,
  dir: string,
  name: string,
  data: string | Uint8Array | Iterable<string>,
  within: string | undefined,
  durable: boolean,
) {
  const target = path.join(at, name);
  const info = await lstat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw fsError(e, name, 'write');
  });
  if (info?.isSymbolicLink())
    throw new CovenantError('outside-workspace', `${name} is a symbolic link; Covenant does not write through links.`, { path: name });
  if (info?.isDirectory()) throw new CovenantError('invalid-input', `${name} is a folder.`, { path: name });
  if (info && info.nlink > 1) throw new CovenantError('conflict', `${name} has other hard links; Covenant does not write to shared files.`, { path: name });
  const realDir = await realpath(at).catch((e) => {
    throw fsError(e, path.basename(dir), 'write in');
  });
  // the caller confined the path earlier; a folder swapped for a link since then must not carry the write outside
  const outside = (real: string) => within !== undefined && !isInside(within, real);
  if (outside(realDir)) throw new CovenantError('outside-workspace', `The folder of ${name} leads outside the workspace; nothing was written.`, { path: name });
  // inside .git/objects a temp file is named as git names its own (tmp_obj_, tmp_pack_): git fsck and gc know them
  const inObjects = dir.split(path.sep).includes('objects') && dir.split(path.sep).includes('.git');
  const temp = path.join(
    at,
    inObjects
      ? `tmp_${/\.(pack|idx)$/.test(name) ? 'pack' : 'obj'}_${randomBytes(6).toString('hex')}`
      : `${TEMP_PREFIX}p${process.pid}-${randomBytes(6).toString('hex')}-${name}`, // its writer named: a kill's leftover is known at once
  );
  let handle: import('node:fs/promises').FileHandle | null = null;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    else for (const piece of data) await handle.write(piece);
    if (durable) await handle.sync();
    await handle.close();
    handle = null;
    // without a held folder, it may have been swapped for a link between the checks and now: the temp file must be
    // where we think
    if (!held && ((await realpath(dir)) !== realDir || outside(await realpath(temp))))
      throw new CovenantError('outside-workspace', `The folder of ${name} changed into a link while saving; nothing was written.`, { path: name });
    await rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw fsError(e, name, 'write');
  }
  if (!durable) return;
  try {
    const d = await open(at, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* some file systems cannot fsync a folder; the rename is done */
  }
}

/** A temp file older than this is left over (a save takes milliseconds; a lock is broken after 30 s). */
export const LEFTOVER_AGE_MS = 60_000;

/** Whether the process that wrote a temp file (named in it, on this machine) is gone: what it left is left over. */
function writerGone(name: string): boolean {
  const pid = Number(/^\.covenant-tmp-p(\d+)-/.exec(name)?.[1]);
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes temp files left by saves that were interrupted (a crash, a kill), under `root`: those older than `minAgeMs`,
 * and at once those whose writer is gone. Returns their paths.
 */
export async function removeLeftoverTemps(
  root: string,
  skip: ReadonlySet<string> = new Set(['.git', 'node_modules']),
  minAgeMs = LEFTOVER_AGE_MS,
): Promise<string[]> {
  const removed: string[] = [];
  const queue = [root];
  while (queue.length) {
    const dir = queue.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable folders are reported by the loader
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!skip.has(e.name)) queue.push(abs);
      } else if (e.isFile() && e.name.startsWith(TEMP_PREFIX)) {
        // only what an interrupted save left: a fresh one may be another Covenant's save (or lock) in flight
        const info = await lstat(abs).catch(() => null);
        if (!info || (Date.now() - info.mtimeMs < minAgeMs && !writerGone(e.name))) continue;
        await unlink(abs).catch(() => undefined);
        removed.push(abs);
      }
    }
  }
  return removed;
}
