import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { CovenantError } from '../common/errors.js';
import { fsError } from './errors.js';
import { writeFileAtomic } from './fs/atomic.js';

/** An unsaved editor buffer kept in the app's data folder until it is saved or discarded (hot exit). */
export interface Backup {
  path: string;
  text: string;
  /** Hash of the disk version the buffer was based on (null: the file did not exist). */
  baseHash: string | null;
  savedAt: string;
}

const id = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);

/** Backups of one workspace: <data>/backups/<hash of the workspace root>/<hash of the path>.json, written atomically. */
export class Backups {
  readonly dir: string;

  constructor(dataDir: string, workspaceRoot: string) {
    this.dir = path.join(dataDir, 'backups', id(workspaceRoot));
  }

  /** Keeps a buffer; a failure is reported (the editor says unsaved work is not protected), never swallowed. */
  async save(b: Omit<Backup, 'savedAt'>): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(path.join(this.dir, `${id(b.path)}.json`), JSON.stringify({ ...b, savedAt: new Date().toISOString() }));
    } catch (e) {
      const err = fsError(e, this.dir, 'write the backup in');
      throw new CovenantError(err.code, `Your unsaved changes to ${b.path} could not be kept safe for a crash: ${err.message} Save the file to keep them.`, {
        path: b.path,
        cause: e,
      });
    }
  }

  async discard(p: string): Promise<void> {
    await rm(path.join(this.dir, `${id(p)}.json`), { force: true });
  }

  /** Every readable backup; damaged ones are dropped. */
  async list(): Promise<Backup[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fsError(e, this.dir, 'read the backups in');
    }
    const out: Backup[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        const b = JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as Backup;
        if (typeof b.path === 'string' && typeof b.text === 'string') out.push(b);
        else throw new Error('bad');
      } catch {
        await rm(path.join(this.dir, name), { force: true });
      }
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }
}
