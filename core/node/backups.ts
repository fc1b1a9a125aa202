import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
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

  save(b: Omit<Backup, 'savedAt'>): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(path.join(this.dir, `${id(b.path)}.json`), JSON.stringify({ ...b, savedAt: new Date().toISOString() }));
  }

  discard(p: string): void {
    try {
      unlinkSync(path.join(this.dir, `${id(p)}.json`));
    } catch {
      /* none */
    }
  }

  /** Every readable backup; damaged ones are dropped. */
  list(): Backup[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: Backup[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      try {
        const b = JSON.parse(readFileSync(path.join(this.dir, name), 'utf8')) as Backup;
        if (typeof b.path === 'string' && typeof b.text === 'string') out.push(b);
        else throw new Error('bad');
      } catch {
        rmSync(path.join(this.dir, name), { force: true });
      }
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }
}
