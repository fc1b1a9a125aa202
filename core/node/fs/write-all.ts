/**
 * Several files written whole or not at all. Each file is checked against the version it was read at, under its lock;
 * the old contents go into a journal (a temp file at the workspace root) before any file is replaced; then each file
 * is replaced atomically and the journal removed. A failure halfway puts back what was replaced; a kill halfway
 * leaves the journal, and the next open (by any Covenant) puts the files back as they were (rollBackInterrupted).
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CovenantError } from '../../common/errors.js';
import { TEMP_PREFIX, writeFileAtomic } from './atomic.js';
import { confine } from './confine.js';
import { alive, withFileLock } from './lock.js';

export interface FileWrite {
  path: string;
  text: string;
  /** The hash of the version it was read at; null: a new file (refused if it exists now); absent: not checked. */
  baseHash?: string | null;
}

interface Journal {
  pid: number;
  files: { path: string; before: string | null }[];
}

const JOURNAL = `${TEMP_PREFIX}journal-`;
const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function restore(root: string, files: Journal['files']): Promise<void> {
  for (const f of files) {
    const abs = await confine(root, f.path);
    if (f.before === null) await unlink(abs).catch(() => undefined);
    else await writeFileAtomic(abs, Buffer.from(f.before, 'base64'), { within: root });
  }
}

/** Locks every file (in path order: two writers never wait on each other), then runs `work`. */
function lockAll<T>(abs: string[], rels: string[], work: () => Promise<T>, i = 0): Promise<T> {
  if (i === abs.length) return work();
  return withFileLock(abs[i]!, rels[i]!, () => lockAll(abs, rels, work, i + 1));
}

export async function writeAll(root: string, writes: readonly FileWrite[]): Promise<void> {
  const sorted = [...writes].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const w of sorted) await mkdir(path.dirname(await confine(root, w.path)), { recursive: true });
  const abs = await Promise.all(sorted.map((w) => confine(root, w.path))); // again: the folders made are no links
  await lockAll(
    abs,
    sorted.map((w) => w.path),
    async () => {
      const before: Journal['files'] = [];
      for (const [i, w] of sorted.entries()) {
        const bytes = await readFile(abs[i]!).catch(() => null);
        if (w.baseHash !== undefined && (bytes === null ? null : hash(bytes)) !== w.baseHash)
          throw new CovenantError(
            'conflict',
            `${w.path} was ${bytes === null ? 'deleted' : w.baseHash === null ? 'created' : 'changed'} on disk meanwhile; nothing was written.`,
            {
              path: w.path,
            },
          );
        before.push({ path: w.path, before: bytes === null ? null : bytes.toString('base64') });
      }
      const journal = path.join(root, `${JOURNAL}${randomBytes(6).toString('hex')}.json`);
      await writeFileAtomic(journal, JSON.stringify({ pid: process.pid, files: before } satisfies Journal), { within: root });
      const done: Journal['files'] = [];
      try {
        for (const [i, w] of sorted.entries()) {
          await writeFileAtomic(abs[i]!, w.text, { within: root });
          done.push(before[i]!);
        }
      } catch (e) {
        await restore(root, done);
        await unlink(journal).catch(() => undefined);
        throw e;
      }
      await unlink(journal);
    },
  );
}

/** Puts back the files of a multi-file write that a dead process left halfway (its journal at the root). */
export async function rollBackInterrupted(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith(JOURNAL)) continue;
    const file = path.join(root, name);
    let j: Journal;
    try {
      j = JSON.parse(await readFile(file, 'utf8')) as Journal;
    } catch {
      await unlink(file).catch(() => undefined); // torn: it was never acted on (it is written atomically)
      continue;
    }
    if (j.pid !== process.pid && alive(j.pid)) continue; // another Covenant is writing now
    await restore(root, j.files);
    await unlink(file).catch(() => undefined);
    out.push(...j.files.map((f) => f.path));
  }
  return out;
}
