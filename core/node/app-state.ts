// eslint-disable-next-line no-restricted-syntax -- start-up: the state file is read once, before any window or request exists
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RecentWorkspace } from '../common/api.js';
import { writeFileAtomic } from './fs/atomic.js';

/**
 * The app's own data folder (recent workspaces, window state, backups of unsaved work): COVENANT_DATA_DIR, else the
 * platform's usual place. Never inside a workspace.
 */
export function dataDir(): string {
  if (process.env.COVENANT_DATA_DIR) return path.resolve(process.env.COVENANT_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Covenant');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Covenant');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'covenant');
}

interface StateFile {
  recent?: RecentWorkspace[];
  [key: string]: unknown;
}

/** A small JSON state file in the data folder, written atomically; a damaged file is treated as empty. */
export class AppState {
  private cache: StateFile;
  private writing: Promise<void> = Promise.resolve();

  /** Reads the file once, at start-up (before any window or request exists); afterwards only writes, in order. */
  constructor(readonly dir: string = dataDir()) {
    let data: unknown = {};
    try {
      data = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
    } catch {
      data = {};
    }
    this.cache = data && typeof data === 'object' && !Array.isArray(data) ? (data as StateFile) : {};
  }

  private get file(): string {
    return path.join(this.dir, 'state.json');
  }

  read(): StateFile {
    return structuredClone(this.cache);
  }

  /** Keeps the state and writes it (atomically, after earlier writes); the promise fails when the disk refuses. */
  write(state: StateFile): Promise<void> {
    this.cache = structuredClone(state);
    const text = `${JSON.stringify(state, null, 2)}\n`;
    const run = this.writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(this.dir, { recursive: true });
        await writeFileAtomic(this.file, text);
      });
    this.writing = run;
    return run;
  }

  recent(): RecentWorkspace[] {
    const list = this.read().recent;
    return Array.isArray(list) ? list.filter((r) => r && typeof r.root === 'string' && typeof r.name === 'string').slice(0, 10) : [];
  }

  addRecent(root: string, now = new Date()): Promise<void> {
    const state = this.read();
    const rest = this.recent().filter((r) => r.root !== root);
    state.recent = [{ root, name: path.basename(root), openedAt: now.toISOString() }, ...rest].slice(0, 10);
    return this.write(state);
  }

  get<T>(key: string): T | undefined {
    return this.read()[key] as T | undefined;
  }

  set(key: string, value: unknown): Promise<void> {
    const state = this.read();
    state[key] = value;
    return this.write(state);
  }
}
