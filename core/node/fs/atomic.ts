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
 * the same folder (opened with O_NOFOLLOW | O_EXCL), fsync, a check that the folder still is the folder it was
 * (not swapped for a link meanwhile), rename over the target, fsync of the folder. Refuses to write through a
 * symbolic link, over a folder, or to a file with other hard links. Asynchronous: the main process never waits on
 * the disk. Hand-written rather than write-file-atomic: that follows links and does not fsync the folder.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
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
  const info = await lstat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw fsError(e, name, 'write');
  });
  if (info?.isSymbolicLink())
    throw new CovenantError('outside-workspace', `${name} is a symbolic link; Covenant does not write through links.`, { path: name });
  if (info?.isDirectory()) throw new CovenantError('invalid-input', `${name} is a folder.`, { path: name });
  if (info && info.nlink > 1) throw new CovenantError('conflict', `${name} has other hard links; Covenant does not write to shared files.`, { path: name });
  const realDir = await realpath(dir).catch((e) => {
    throw fsError(e, path.basename(dir), 'write in');
  });
  // the caller confined the path earlier; a folder swapped for a link since then must not carry the write outside
  const outside = (real: string) => options.within !== undefined && !isInside(options.within, real);
  if (outside(realDir)) throw new CovenantError('outside-workspace', `The folder of ${name} leads outside the workspace; nothing was written.`, { path: name });
  // inside .git/objects a temp file is named as git names its own (tmp_obj_, tmp_pack_): git fsck and gc know them
  const inObjects = dir.split(path.sep).includes('objects') && dir.split(path.sep).includes('.git');
  const temp = path.join(
    dir,
    inObjects
      ? `tmp_${/\.(pack|idx)$/.test(name) ? 'pack' : 'obj'}_${randomBytes(6).toString('hex')}`
      : `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${name}`,
  );
  let handle: import('node:fs/promises').FileHandle | null = null;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await handle.writeFile(bytes);
    if (durable) await handle.sync();
    await handle.close();
    handle = null;
    // the folder may have been swapped for a link between the checks and now: the temp file must be where we think
    if ((await realpath(dir)) !== realDir || outside(await realpath(temp)))
      throw new CovenantError('outside-workspace', `The folder of ${name} changed into a link while saving; nothing was written.`, { path: name });
    await rename(temp, file);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw fsError(e, name, 'write');
  }
  if (!durable) return;
  try {
    const d = await open(dir, 'r');
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

/** Removes temp files left by saves that were interrupted (a crash, a kill), under `root`. Returns their paths. */
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
        if (!info || Date.now() - info.mtimeMs < minAgeMs) continue;
        await unlink(abs).catch(() => undefined);
        removed.push(abs);
      }
    }
  }
  return removed;
}
