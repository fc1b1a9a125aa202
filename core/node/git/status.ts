import { createHash } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { git, fs, requireRepository } from './repo.js';
import { gitFailure } from './errors.js';
import type { ChangeStatus, FileChange } from '../../common/api.js';
import { readIndexFile, type IndexEntry } from './index-file.js';

export type { ChangeStatus, FileChange };

const isTemp = (name: string) => name.startsWith('.covenant-tmp-');

function blobOid(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Flattened trees by tree oid: a tree's content never changes, so the last few are kept (status runs often). */
const flatTrees = new Map<string, Map<string, string>>();

/** path -> blob oid of every file in the HEAD commit's tree (empty without commits). */
async function headFiles(dir: string, cache: object): Promise<Map<string, string>> {
  let tree: string;
  try {
    const head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
    tree = (await git.readCommit({ fs, dir, oid: head, cache })).commit.tree;
  } catch {
    return new Map();
  }
  const known = flatTrees.get(tree);
  if (known) return known;
  const out = new Map<string, string>();
  const queue: [string, string][] = [[tree, '']];
  while (queue.length) {
    const [oid, prefix] = queue.pop()!;
    const { tree: entries } = await git.readTree({ fs, dir, oid, cache });
    for (const e of entries) {
      const p = prefix ? `${prefix}/${e.path}` : e.path;
      if (e.type === 'tree') queue.push([e.oid, p]);
      else if (e.type === 'blob') out.set(p, e.oid);
    }
  }
  flatTrees.set(tree, out);
  if (flatTrees.size > 4) flatTrees.delete(flatTrees.keys().next().value!);
  return out;
}

/** Whether the stat git recorded still describes the file (and the entry is not "racily clean"). */
function statMatches(entry: IndexEntry, st: BigIntStats, indexMtimeMs: number): boolean {
  if (BigInt(entry.size) !== st.size % BigInt(2 ** 32)) return false;
  const billion = BigInt(1_000_000_000);
  if (BigInt(entry.mtimeSeconds) !== st.mtimeNs / billion) return false;
  if (entry.mtimeNanoseconds !== 0 && BigInt(entry.mtimeNanoseconds) !== st.mtimeNs % billion) return false;
  // written in the same clock tick as the index (or after): the stat cannot tell, hash the content
  return Number(st.mtimeMs) < indexMtimeMs - 1;
}

/**
 * Files that differ between HEAD and the working tree (untracked ones included, .gitignore respected), the way
 * `git status` finds them: the index's recorded stats spare hashing unchanged files, racily clean entries are
 * hashed, and only untracked candidates are checked against .gitignore. Falls back to isomorphic-git's
 * statusMatrix for index formats it does not read.
 */
export async function status(dir: string, filepaths?: string[]): Promise<FileChange[]> {
  await requireRepository(dir);
  try {
    const index = filepaths ? null : await readIndexFile(dir);
    if (!index) return await statusMatrixFallback(dir, filepaths);
    const cache = {};
    const head = await headFiles(dir, cache);
    const tracked = new Map<string, IndexEntry>();
    for (const e of index.entries) if (e.stage === 0 || !tracked.has(e.path)) tracked.set(e.path, e);
    const trackedDirs = new Set<string>();
    for (const p of [...tracked.keys(), ...head.keys()]) for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) trackedDirs.add(p.slice(0, i));

    const working = new Map<string, string>(); // path -> oid, for files present
    const untracked: string[] = [];
    const queue = [''];
    while (queue.length) {
      const rel = queue.pop()!;
      let names;
      try {
        names = await readdir(path.join(dir, rel), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const d of names) {
        if (d.name === '.git' || isTemp(d.name)) continue;
        const p = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) {
          if (!trackedDirs.has(p) && (await git.isIgnored({ fs, dir, filepath: p }))) continue;
          queue.push(p);
          continue;
        }
        if (!d.isFile() && !d.isSymbolicLink()) continue;
        const entry = tracked.get(p);
        if (entry) {
          const st = await lstat(path.join(dir, p), { bigint: true });
          working.set(p, statMatches(entry, st, index.mtimeMs) ? entry.oid : await hashFile(dir, p, d.isSymbolicLink()));
        } else if (!head.has(p)) {
          untracked.push(p);
        } else {
          working.set(p, await hashFile(dir, p, d.isSymbolicLink()));
        }
      }
    }
    const out: FileChange[] = [];
    for (const [p, oid] of working) {
      const h = head.get(p);
      if (h === undefined) out.push({ path: p, status: 'new' });
      else if (h !== oid) out.push({ path: p, status: 'modified' });
    }
    for (const p of head.keys()) if (!working.has(p)) out.push({ path: p, status: 'deleted' });
    for (const p of untracked) if (!(await git.isIgnored({ fs, dir, filepath: p }))) out.push({ path: p, status: 'new' });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } catch (e) {
    throw gitFailure(e, 'Reading the changes');
  }
}

/** The blob oid of a working file; a link is hashed as its target text, as git does, and never followed. */
async function hashFile(dir: string, p: string, link: boolean): Promise<string> {
  const abs = path.join(dir, p);
  return blobOid(link ? Buffer.from(await readlink(abs)) : await readFile(abs));
}

async function statusMatrixFallback(dir: string, filepaths?: string[]): Promise<FileChange[]> {
  const matrix = await git.statusMatrix({ fs, dir, filepaths, filter: (f) => !f.split('/').some(isTemp) });
  const out: FileChange[] = [];
  for (const [p, headState, workdir] of matrix) {
    if (headState === 0 && workdir === 2) out.push({ path: p, status: 'new' });
    else if (headState === 1 && workdir === 0) out.push({ path: p, status: 'deleted' });
    else if (headState === 1 && workdir === 2) out.push({ path: p, status: 'modified' });
  }
  return out;
}
