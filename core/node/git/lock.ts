import { randomBytes } from 'node:crypto';
import { link, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fsError } from '../errors.js';
import { gitError } from './errors.js';

/** How long a commit waits for a lock held by a live process before it says who holds it. */
const WAIT_MS = 3000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // it exists, it is someone else's
  }
}

/** Owner files of Covenant processes that are gone (killed before they could tidy up). */
async function removeDeadOwners(gitdir: string, host: string): Promise<void> {
  for (const name of await readdir(gitdir).catch(() => [] as string[])) {
    const m = /^covenant-lock-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    // the name says whose it is (a process killed while writing it leaves it empty); another host's is left alone
    const h = await holder(path.join(gitdir, name));
    if (h && h.host !== host) continue;
    if (!alive(Number(m[1]))) await unlink(path.join(gitdir, name)).catch(() => undefined);
  }
}

/** Who holds the lock: Covenant writes "covenant <pid> <host>" into it; git's own lock files are empty. */
async function holder(lock: string): Promise<{ pid: number; host: string } | null> {
  const text = await readFile(lock, 'utf8').catch(() => '');
  const m = /^covenant (\d+) (\S+)/.exec(text);
  return m ? { pid: Number(m[1]), host: m[2]! } : null;
}

/** Why the lock could not be taken, in words (a full disk is not another writer). */
function lockFailure(e: unknown): Error {
  const err = fsError(e, '.git/index.lock', 'create');
  return gitError('failed', `Could not lock the repository: ${err.message} Nothing was changed.`);
}

/**
 * Holds `<gitdir>/index.lock` (exclusive create, as git itself does) for the duration of a writing operation, so
 * Covenant and any other git never write the index at the same time. A lock left by a Covenant process that is gone
 * (killed mid-commit) is taken over, and `onNote` says so; a live holder is waited for a little, then named. A lock
 * without an owner (git's own) is reported: only the person can tell whether a git is still running.
 */
export async function withIndexLock<T>(
  gitdir: string,
  run: () => Promise<T>,
  onNote: (note: string) => void = () => undefined,
  /** How long a live holder is waited for (0: not at all, for work that can be skipped). */
  waitMs = WAIT_MS,
): Promise<T> {
  const lock = path.join(gitdir, 'index.lock');
  const host = os.hostname();
  const deadline = Date.now() + waitMs;
  // The lock appears with its owner already in it (written to a file of our own, then hard-linked into place, which
  // fails if the lock exists): a process killed at any point leaves either no lock or a lock that names it.
  const mine = path.join(gitdir, `covenant-lock-${process.pid}-${randomBytes(4).toString('hex')}`);
  await removeDeadOwners(gitdir, host);
  await writeFile(mine, `covenant ${process.pid} ${host}\n`).catch(async (e: NodeJS.ErrnoException) => {
    await unlink(mine).catch(() => undefined); // created, then the write failed (a full disk): not left behind
    throw lockFailure(e);
  });
  let locked = false;
  try {
    while (!locked) {
      try {
        await link(mine, lock);
        locked = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw lockFailure(e);
        const h = await holder(lock);
        if (h && h.host === host && h.pid !== process.pid && !alive(h.pid)) {
          await unlink(lock).catch(() => undefined);
          onNote(`A lock left by a Covenant process that is gone (pid ${h.pid}) was removed; the repository was checked and is usable.`);
          continue;
        }
        if (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50)); // polling for the holder to finish
          continue;
        }
        throw gitError(
          'locked',
          h
            ? `Covenant (process ${h.pid}${h.host === host ? '' : ` on ${h.host}`}) is committing in this repository (.git/index.lock); try again when it is done.`
            : 'Another git process is working in this repository (.git/index.lock exists). Wait for it to finish; if none is running, delete .git/index.lock.',
        );
      }
    }
  } finally {
    await unlink(mine).catch(() => undefined);
  }
  try {
    return await run();
  } finally {
    await unlink(lock).catch(() => undefined); // already gone
  }
}
