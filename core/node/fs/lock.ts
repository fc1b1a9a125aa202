/**
 * One writer at a time per file: the check that a file is still the version an editor started from and the write
 * that replaces it are one critical section, in this process (a queue per path) and across processes (a lock file
 * beside it, created exclusively; one left by a process that died, or older than a save can take, is broken). A
 * writer that cannot get the lock in time is refused as a conflict, never let through.
 */
import { constants } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CovenantError } from '../../common/errors.js';
import { fsError } from '../errors.js';
import { TEMP_PREFIX } from './atomic.js';

const queues = new Map<string, Promise<unknown>>();
/** A lock older than this is taken for one a crash left behind. */
const STALE_MS = 30_000;
const WAIT_MS = 10_000;
/** A lock file still empty after this was never going to be filled. */
const OWNERLESS_MS = 1_000;

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a process of that id runs (one we may not signal runs too). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock file of `file`: named like a temp file, so the watcher, git (.gitignore) and the start-up sweep skip it. */
export const lockPath = (file: string) => path.join(path.dirname(file), `${TEMP_PREFIX}lock-${path.basename(file)}`);

async function acquire(file: string, rel: string): Promise<() => Promise<void>> {
  const lock = lockPath(file);
  const started = Date.now();
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      const h = await open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await h.writeFile(`${process.pid} ${Date.now()}\n`);
      } catch (e) {
        await unlink(lock).catch(() => undefined); // made, but the disk is full: not left to block the next save
        throw e;
      } finally {
        await h.close().catch(() => undefined);
      }
      return () => unlink(lock).catch(() => undefined);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        if (code === 'ENOENT') return async () => undefined; // the folder is not there yet: the write says why
        const err = fsError(e, rel, 'write');
        throw new CovenantError(err.code, `Could not save ${rel}: ${err.message} The file on disk is unchanged.`, { path: rel, cause: e });
      }
    }
    const [pid, at] = (await readFile(lock, 'utf8').catch(() => '')).split(' ').map(Number);
    const age = Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? Date.now());
    // a lock with no owner in it was made by a writer killed (or out of space) between creating and filling it
    const ownerless = !pid && age > OWNERLESS_MS;
    if ((pid && pid !== process.pid && !alive(pid)) || ownerless || age > STALE_MS || (at && Date.now() - at > STALE_MS)) {
      await unlink(lock).catch(() => undefined); // left by a process that is gone
      continue;
    }
    if (Date.now() - started > WAIT_MS) throw new CovenantError('conflict', `${rel} is being saved by another Covenant; try again in a moment.`, { path: rel });
    await delay(wait);
  }
}

/** Runs `work` holding `file`'s lock: after every earlier writer of this process, and with no other process in it. */
export function withFileLock<T>(file: string, rel: string, work: () => Promise<T>): Promise<T> {
  const before = queues.get(file) ?? Promise.resolve();
  const run = before
    .catch(() => undefined)
    .then(async () => {
      const release = await acquire(file, rel);
      try {
        return await work();
      } finally {
        await release();
      }
    });
  const tail = run.catch(() => undefined);
  queues.set(file, tail);
  void tail.then(() => queues.get(file) === tail && queues.delete(file));
  return run;
}
