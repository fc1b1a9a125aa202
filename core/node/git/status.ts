import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { ObjectStore } from './objects.js';
import { requireRepo, type Repo } from './repo.js';
import { IgnoreRules } from './ignore.js';
import { refs } from './refs.js';
import type { EolRules } from './attributes.js';
import { gitFailure } from './errors.js';
import type { ChangeStatus, FileChange } from '../../common/api.js';
import { readIndexFile, type IndexEntry, type IndexFile } from './index-file.js';
import { statLite, type StatLite, type WalkFs } from './walk-fs.js';

export type { ChangeStatus, FileChange };

const isTemp = (name: string) => name.startsWith('.covenant-tmp-');

function blobOid(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Flattened trees by tree oid: a tree's content never changes, so the last few are kept (status runs often). */
const flatTrees = new Map<string, Map<string, string>>();
/** The tree of a commit never changes either. */
const commitTrees = new Map<string, string>();

/** path -> blob oid of every file in the HEAD commit's tree (empty without commits). */
async function headFiles(repo: Repo): Promise<Map<string, string>> {
  let tree: string;
  try {
    const head = refs.resolve(repo, 'HEAD');
    const known = commitTrees.get(head);
    tree = known ?? ObjectStore.for(repo).commit(head).tree;
    if (!known) commitTrees.set(head, tree);
    if (commitTrees.size > 64) commitTrees.delete(commitTrees.keys().next().value!);
  } catch {
    return new Map();
  }
  const known = flatTrees.get(`${repo.commondir}:${tree}`);
  if (known) return known;
  const out = new Map<string, string>();
  const queue: [string, string][] = [[tree, '']];
  while (queue.length) {
    const [oid, prefix] = queue.pop()!;
    // through the pack index, as git reads it (isomorphic-git held the whole pack in memory: 250 MB at 50,000 commits)
    for (const e of ObjectStore.for(repo).tree(oid)) {
      const p = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.type === 'tree') queue.push([e.oid, p]);
      else if (e.type === 'blob') out.set(p, e.oid);
    }
  }
  flatTrees.set(`${repo.commondir}:${tree}`, out);
  if (flatTrees.size > 4) flatTrees.delete(flatTrees.keys().next().value!);
  return out;
}

/** Whether the stat git recorded still describes the file (and the entry is not "racily clean"). */
function statMatches(entry: IndexEntry, st: StatLite, indexMtimeMs: number): boolean {
  if (entry.size !== st.size % 2 ** 32) return false;
  const ms = st.ms;
  if (entry.mtimeSeconds !== Math.floor(ms / 1000)) return false;
  if (entry.mtimeNanoseconds !== 0 && entry.mtimeNanoseconds !== st.ns) return false;
  // written in the same clock tick as the index (or after): the stat cannot tell, hash the content
  return ms < indexMtimeMs - 1;
}

/** Tracked files and the folders that hold them, derived once per index and HEAD tree (both cached, both immutable). */
const derived = new WeakMap<IndexFile, { head: Map<string, string>; tracked: Map<string, IndexEntry>; trackedDirs: Set<string> }>();
function trackedOf(index: IndexFile, head: Map<string, string>): { tracked: Map<string, IndexEntry>; trackedDirs: Set<string> } {
  const known = derived.get(index);
  if (known && known.head === head) return known;
  const tracked = new Map<string, IndexEntry>();
  for (const e of index.entries) if (e.stage === 0 || !tracked.has(e.path)) tracked.set(e.path, e);
  const trackedDirs = new Set<string>();
  const addDirs = (p: string) => {
    for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) trackedDirs.add(p.slice(0, i));
  };
  for (const p of tracked.keys()) addDirs(p);
  for (const p of head.keys()) addDirs(p);
  derived.set(index, { head, tracked, trackedDirs });
  return { tracked, trackedDirs };
}

/**
 * Files that differ between HEAD and the working tree (untracked ones included, .gitignore respected), the way
 * `git status` finds them: the index's recorded stats spare hashing unchanged files, racily clean entries are
 * hashed, and only untracked candidates are checked against .gitignore. Falls back to isomorphic-git's
 * statusMatrix for index formats it does not read.
 */
export async function status(dir: string, filepaths?: string[]): Promise<FileChange[]> {
  if (!filepaths) {
    // on the worker thread, where a walk of thousands of files can use the fast blocking calls without holding anyone;
    // a CLI command holds nobody either, and walks here (starting the worker would cost more than the walk)
    const { coreWorker, isAlone } = await import('../analysis/offload.js');
    if (isAlone()) return statusWith(dir, (await import('../analysis/blocking-fs.js')).BLOCKING_FS);
    const answer = await coreWorker().status(dir);
    if (answer) return answer;
  }
  return statusWith(dir, ASYNC_FS, filepaths);
}

export const ASYNC_FS: WalkFs = {
  readdir: (p) => readdir(p, { withFileTypes: true }),
  async statMany(paths) {
    const out: (StatLite | null)[] = [];
    for (let i = 0; i < paths.length; i += 64)
      out.push(...(await Promise.all(paths.slice(i, i + 64).map((p) => lstat(p, { bigint: true }).then(statLite, () => null)))));
    return out;
  },
  readFile: (p) => readFile(p),
  statBig: (p) => stat(p, { bigint: true }),
  readlink: (p) => readlink(p),
};

export { statLite, type StatLite, type WalkFs };

export async function statusWith(dir: string, wfs: WalkFs, filepaths?: string[]): Promise<FileChange[]> {
  const repo = await requireRepo(dir);
  try {
    const index = filepaths ? null : await readIndexFile(repo.gitdir, wfs);
    if (!index) return await statusMatrixFallback(repo, filepaths);
    const head = await headFiles(repo);
    // a file whose stat changed is compared by content, cleaned as git would store it (line endings)
    // (read only when a file needs hashing: most walks find every stat unchanged)
    let rules: Promise<EolRules> | null = null;
    const read = (f: string) => wfs.readFile(f).catch(() => null);
    const loadRules = async () => {
      // git's config and attributes only when a file must be hashed (their parser is isomorphic-git's)
      const [{ GitConfig }, { eolRules }] = await Promise.all([import('./config.js'), import('./attributes.js')]);
      return eolRules(repo, await GitConfig.load(repo, process.env, read), read);
    };
    const eol: EolRules = {
      clean: async (p, bytes) => (await (rules ??= loadRules())).clean(p, bytes),
      smudge: async (p, text) => (await (rules ??= loadRules())).smudge(p, text),
    };
    const { tracked, trackedDirs } = trackedOf(index, head);
    const ignore = new IgnoreRules(repo, read);

    const working = new Map<string, string>(); // path -> oid, for files present
    const untracked: string[] = [];
    const toStat: { p: string; entry: IndexEntry; link: boolean }[] = [];
    const queue = [''];
    while (queue.length) {
      const rel = queue.pop()!;
      let names;
      try {
        names = await wfs.readdir(path.join(dir, rel));
      } catch {
        continue;
      }
      for (const d of names) {
        if (d.name === '.git' || isTemp(d.name)) continue;
        const p = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) {
          if (!trackedDirs.has(p) && (await ignore.ignored(p, true))) continue;
          queue.push(p);
          continue;
        }
        if (!d.isFile() && !d.isSymbolicLink()) continue;
        const entry = tracked.get(p);
        if (entry) {
          toStat.push({ p, entry, link: d.isSymbolicLink() });
        } else if (!head.has(p)) {
          untracked.push(p);
        } else {
          working.set(p, await hashFile(dir, p, d.isSymbolicLink(), eol, wfs));
        }
      }
    }
    // the tracked files' stats, all at once (on the worker: split over two threads, as git's preload-index does)
    const stats = await wfs.statMany(toStat.map((t) => path.join(dir, t.p)));
    let doubted = 0; // entries whose stat could not vouch for a file that turned out unchanged
    for (let i = 0; i < toStat.length; i++) {
      const { p, entry, link } = toStat[i]!;
      const st = stats[i];
      if (!st) continue; // gone since the folder was read: deleted
      if (statMatches(entry, st, index.mtimeMs)) {
        working.set(p, entry.oid);
        continue;
      }
      const oid = await hashFile(dir, p, link, eol, wfs);
      if (oid === entry.oid && entry.stage === 0) doubted++;
      working.set(p, oid);
    }
    // as git's status does: unchanged files the index could not vouch for get their stats recorded, when the index
    // is free (never waited for), so the next status trusts them (a fresh clone's files, a commit's)
    if (doubted && !filepaths) await (await import('./refresh.js')).refreshIndex(dir, 0).catch(() => undefined);
    const out: FileChange[] = [];
    for (const [p, oid] of working) {
      const h = head.get(p);
      if (h === undefined) out.push({ path: p, status: 'new' });
      else if (h !== oid) out.push({ path: p, status: 'modified' });
    }
    for (const p of head.keys()) if (!working.has(p)) out.push({ path: p, status: 'deleted' });
    for (const p of untracked) if (!(await ignore.ignored(p, false))) out.push({ path: p, status: 'new' });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } catch (e) {
    throw gitFailure(e, 'Reading the changes');
  }
}

/** The blob oid of a working file; a link is hashed as its target text, as git does, and never followed. */
async function hashFile(dir: string, p: string, link: boolean, eol: EolRules, wfs: WalkFs): Promise<string> {
  const abs = path.join(dir, p);
  return blobOid(link ? Buffer.from(await wfs.readlink(abs)) : await eol.clean(p, await wfs.readFile(abs)));
}

async function statusMatrixFallback(repo: Repo, filepaths?: string[]): Promise<FileChange[]> {
  const { git } = await import('./iso.js');
  const matrix = await git.statusMatrix({ ...repo.opts, filepaths, filter: (f) => !f.split('/').some(isTemp) });
  const out: FileChange[] = [];
  for (const [p, headState, workdir] of matrix) {
    if (headState === 0 && workdir === 2) out.push({ path: p, status: 'new' });
    else if (headState === 1 && workdir === 0) out.push({ path: p, status: 'deleted' });
    else if (headState === 1 && workdir === 2) out.push({ path: p, status: 'modified' });
  }
  return out;
}
