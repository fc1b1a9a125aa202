import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Repo } from './repo.js';
import { git } from './iso.js';

/**
 * Git configuration read the way git reads it: the system file, the user's files ($XDG_CONFIG_HOME/git/config, then
 * ~/.gitconfig, or $GIT_CONFIG_GLOBAL alone), the repository's .git/config, then GIT_CONFIG_COUNT/KEY_n/VALUE_n from
 * the environment; later ones win. `include.path` is followed (relative to the including file, `~/` expanded).
 * Each file is parsed by isomorphic-git's own config parser (the same one that reads .git/config for it).
 */
/** Reads a file's bytes, or null when it cannot (missing, unreadable). */
export type Reader = (file: string) => Promise<Buffer | null>;
const defaultRead: Reader = (file) => readFile(file).catch(() => null);

export class GitConfig {
  private constructor(
    /** Files in the order git reads them, includes expanded in place, with their contents (read once). */
    private readonly contents: [string, Buffer][],
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get files(): string[] {
    return this.contents.map(([f]) => f);
  }

  /** `read` answers a file's bytes or null; the git worker passes a blocking one. */
  static async load(repo: Repo | null, env: NodeJS.ProcessEnv = process.env, read: Reader = defaultRead): Promise<GitConfig> {
    const home = env.HOME || os.homedir();
    const base: string[] = [];
    if (!env.GIT_CONFIG_NOSYSTEM) base.push(env.GIT_CONFIG_SYSTEM || '/etc/gitconfig');
    if (env.GIT_CONFIG_GLOBAL !== undefined) base.push(env.GIT_CONFIG_GLOBAL);
    else base.push(path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'git', 'config'), path.join(home, '.gitconfig'));
    if (repo) base.push(path.join(repo.commondir, 'config'));
    const files: [string, Buffer][] = [];
    for (const f of base) await expand(f, home, files, 0, read);
    return new GitConfig(files, env);
  }

  /** The value git would use for `key` (section.name or section.subsection.name), or undefined. */
  async get(key: string): Promise<string | undefined> {
    const all = await this.getAll(key);
    return all.at(-1);
  }

  async getAll(key: string): Promise<string[]> {
    const out: string[] = [];
    for (const [, bytes] of this.contents) out.push(...(await valuesIn(bytes, key)));
    const count = Number(this.env.GIT_CONFIG_COUNT ?? 0);
    for (let i = 0; i < count && i < 1000; i++) {
      if (this.env[`GIT_CONFIG_KEY_${i}`]?.toLowerCase() === key.toLowerCase()) out.push(this.env[`GIT_CONFIG_VALUE_${i}`] ?? '');
    }
    return out;
  }

  /** A boolean the way git reads one (true/yes/on/1, false/no/off/0, a bare key is true), or undefined. */
  async bool(key: string): Promise<boolean | undefined> {
    const v = await this.get(key);
    if (v === undefined) return undefined;
    const s = String(v).toLowerCase();
    if (['true', 'yes', 'on', '1', ''].includes(s)) return true;
    if (['false', 'no', 'off', '0'].includes(s)) return false;
    return undefined;
  }
}

/** A read-only file system that answers every read with one text: lets isomorphic-git's parser read any config file. */
function oneFileFs(bytes: Buffer) {
  const read = async (_path: unknown, options?: unknown) => {
    const enc = typeof options === 'string' ? (options as BufferEncoding) : (options as { encoding?: BufferEncoding } | undefined)?.encoding;
    return enc ? bytes.toString(enc) : bytes;
  };
  const missing = () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
  return {
    promises: {
      readFile: read,
      writeFile: missing,
      mkdir: missing,
      rmdir: missing,
      unlink: missing,
      stat: missing,
      lstat: missing,
      readdir: missing,
      readlink: missing,
      symlink: missing,
      chmod: missing,
    },
  };
}

async function valuesIn(bytes: Buffer, key: string): Promise<string[]> {
  try {
    const values = await git.getConfigAll({ fs: oneFileFs(bytes), gitdir: '/covenant-config', path: key });
    return values.filter((v) => v !== undefined && v !== null).map((v) => String(v));
  } catch {
    return [];
  }
}

async function expand(file: string, home: string, out: [string, Buffer][], depth: number, read: Reader): Promise<void> {
  if (depth > 10) return; // git stops at 10 levels too
  const bytes = await read(file);
  if (!bytes) return;
  out.push([file, bytes]);
  for (const inc of await valuesIn(bytes, 'include.path')) {
    const p = inc.startsWith('~/') ? path.join(home, inc.slice(2)) : path.resolve(path.dirname(file), inc);
    await expand(p, home, out, depth + 1, read);
  }
}
