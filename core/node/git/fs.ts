import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { smudgeRacyEntries } from './index-file.js';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();

/**
 * The second from which an index entry's stat cannot vouch for its file: the second the index being replaced was
 * written (an entry from that second or later was racily clean in it, and a same-size edit since then would look
 * unchanged to git, which compares whole seconds), or now. Git re-checks such entries when it writes the index;
 * Covenant smudges them (size 0: the next status compares content), which is never wrong, only slower once.
 */
export async function racySince(indexFile: string): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  const old = await fsp.stat(indexFile).catch(() => null);
  return old ? Math.min(now, Math.floor(old.mtimeMs / 1000)) : now;
}

/**
 * The file system isomorphic-git works on: node's, except that every write goes through temp file (+ fsync) + rename,
 * so a crash mid-write leaves the old or the new file, never a torn one (isomorphic-git writes the index and refs in
 * place). Object files too: a process killed mid-write must not leave an empty object behind (git fsck rejects it,
 * and isomorphic-git never rewrites an object that exists). The index is written with racy entries smudged, as git
 * itself does.
 */
export function atomicGitFs(): typeof fs {
  const promises = {
    ...fsp,
    async writeFile(file: fs.PathLike, data: string | Uint8Array): Promise<void> {
      const target = String(file);
      let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      // the git index (in .git, or in a linked worktree's folder); smudging checks the DIRC signature first
      if (path.basename(target) === 'index') bytes = smudgeRacyEntries(bytes, await racySince(target), sha1);
      // the repository's own files are made durable; working-tree files written out of it (a checkout writes
      // thousands) are atomic but not fsynced, as git does: they can be checked out again
      await writeFileAtomic(target, bytes, { durable: target.split(path.sep).includes('.git') });
    },
  };
  return { ...fs, promises } as unknown as typeof fs;
}

/**
 * At most this many file operations of isomorphic-git at once: a checkout of thousands of files (it starts them all
 * together) ran out of file descriptors under a limit of 1,024 (EMFILE). A queue, not a failure.
 */
export const MAX_FILE_OPS = 96;

function limited(base: typeof fs): typeof fs {
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = () => (running < MAX_FILE_OPS ? (running++, Promise.resolve()) : new Promise<void>((r) => waiting.push(r)));
  const done = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  const promises: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(base.promises)) {
    promises[name] =
      typeof fn === 'function'
        ? async (...args: unknown[]) => {
            await slot();
            try {
              return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
            } finally {
              done();
            }
          }
        : fn;
  }
  return { ...base, promises } as unknown as typeof fs;
}

export const gitFs = limited(atomicGitFs());

/** Files a linked worktree keeps for itself; everything else of its gitdir lives in the common repository folder. */
const PER_WORKTREE =
  /^(HEAD|index|index\.lock|ORIG_HEAD|MERGE_HEAD|MERGE_MSG|MERGE_MODE|FETCH_HEAD|CHERRY_PICK_HEAD|REVERT_HEAD|AUTO_MERGE|config\.worktree|logs\/HEAD|rebase-(merge|apply)(\/.*)?|refs\/(bisect|worktree|rewritten)(\/.*)?)$/;

/**
 * The file system for a linked worktree: isomorphic-git knows one gitdir, so paths under the worktree's gitdir that
 * git shares across worktrees (objects, refs, packed-refs, config) are mapped to the common folder, as git does.
 */
export function worktreeFs(gitdir: string, commondir: string): typeof fs {
  const base = gitFs;
  const map = (p: unknown): unknown => {
    if (typeof p !== 'string') return p;
    const rel = path.relative(gitdir, p);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return p;
    const slashed = rel.split(path.sep).join('/');
    return PER_WORKTREE.test(slashed) ? p : path.join(commondir, rel);
  };
  const promises: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(base.promises)) {
    promises[name] =
      typeof fn === 'function'
        ? (first: unknown, ...rest: unknown[]) =>
            (fn as (...a: unknown[]) => unknown)(map(first), ...rest.map((r) => (name === 'rename' || name === 'symlink' ? map(r) : r)))
        : fn;
  }
  return { ...base, promises } as unknown as typeof fs;
}

/**
 * A file system for a fetch whose ref writes wait: isomorphic-git moves the remote-tracking refs before it writes the
 * pack they need, so a fetch that fails (a full disk) or is killed in between leaves refs naming objects that are not
 * there. Through this, writes and deletions of `refs/...` and `packed-refs` are held (and read back) in memory until
 * `commit()`, called once the fetch, pack and index included, has finished.
 */
export function deferredRefsFs(base: typeof fs, gitdir: string): { fs: typeof fs; commit(): Promise<void> } {
  const held = new Map<string, Buffer | null>(); // null: deleted
  const isRef = (p: unknown) => {
    if (typeof p !== 'string') return false;
    const rel = path.relative(gitdir, p).split(path.sep).join('/');
    return rel === 'packed-refs' || rel.startsWith('refs/');
  };
  const gone = (p: string) => Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
  const promises = {
    ...base.promises,
    async writeFile(file: fs.PathLike, data: string | Uint8Array, ...rest: unknown[]): Promise<void> {
      if (!isRef(String(file))) return (base.promises.writeFile as (...a: unknown[]) => Promise<void>)(file, data, ...rest);
      held.set(String(file), typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));
    },
    async readFile(file: fs.PathLike, ...rest: unknown[]): Promise<unknown> {
      const p = String(file);
      if (!held.has(p)) return (base.promises.readFile as (...a: unknown[]) => Promise<unknown>)(file, ...rest);
      const b = held.get(p);
      if (!b) throw gone(p);
      const enc = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { encoding?: string } | undefined)?.encoding;
      return enc ? b.toString(enc as BufferEncoding) : Buffer.from(b);
    },
    async unlink(file: fs.PathLike): Promise<void> {
      if (!isRef(String(file))) return base.promises.unlink(file);
      held.set(String(file), null);
    },
  };
  return {
    fs: { ...base, promises } as unknown as typeof fs,
    async commit() {
      for (const [p, b] of held) {
        if (b) {
          await fsp.mkdir(path.dirname(p), { recursive: true });
          await base.promises.writeFile(p, b);
        } else await base.promises.unlink(p).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
      }
      held.clear();
    },
  };
}
