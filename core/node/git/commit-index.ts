import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { breathe, ObjectStore } from './objects.js';
import { changedPaths } from './tree-diff.js';
import type { Repo } from './repo.js';

/**
 * A persistent, rebuildable index of commit metadata and changed paths, the idea of git's commit-graph with
 * changed-path filters: commits never change, so once read a commit is kept in <commondir>/covenant/commits.json and
 * never inflated again. New commits are added as they appear; deleting the file only costs one slower run.
 */
export interface IndexedCommit {
  parents: string[];
  tree: string;
  message: string;
  author: { name: string; email: string; timestamp: number; timezoneOffset: number };
  /** Committer time: git orders history by it. */
  committed: number;
  /** Paths that differ from each parent (from the empty tree for a root commit); absent until first needed. */
  changed?: string[][];
  /** The blob each changed file under contracts/ has in this commit (null: it is gone), kept with `changed`. */
  blobs?: Record<string, string | null>;
}

const VERSION = 2;
/** Files whose blob ids the index keeps (the history facts read them without reading trees again). */
const KEPT = 'contracts/';

interface Stored {
  version: number;
  commits: Record<string, IndexedCommit>;
}

export class CommitIndex {
  private dirty = false;
  /** The repository's objects, read through the pack indexes. */
  readonly objects: ObjectStore;

  private constructor(
    repo: Repo,
    private readonly file: string,
    private readonly commits: Map<string, IndexedCommit>,
  ) {
    this.objects = ObjectStore.for(repo);
  }

  /** One index per repository in a process: commits never change, so what one call learnt serves the next. */
  private static readonly open_ = new Map<string, Promise<CommitIndex>>();

  static open(repo: Repo): Promise<CommitIndex> {
    let p = CommitIndex.open_.get(repo.commondir);
    if (!p) {
      p = CommitIndex.load(repo);
      CommitIndex.open_.set(repo.commondir, p);
      p.catch(() => CommitIndex.open_.delete(repo.commondir));
    }
    return p;
  }

  private static async load(repo: Repo): Promise<CommitIndex> {
    const file = path.join(repo.commondir, 'covenant', 'commits.json');
    const commits = new Map<string, IndexedCommit>();
    try {
      const stored = JSON.parse(await readFile(file, 'utf8')) as Stored;
      if (stored.version === VERSION && stored.commits && typeof stored.commits === 'object')
        for (const [oid, c] of Object.entries(stored.commits)) commits.set(oid, c);
    } catch {
      /* missing or damaged: rebuilt as commits are read */
    }
    return new CommitIndex(repo, file, commits);
  }

  /** A commit, from the index or read from the repository (and kept). */
  async get(oid: string): Promise<IndexedCommit> {
    const known = this.commits.get(oid);
    if (known) return known;
    const commit = this.objects.commit(oid);
    const c: IndexedCommit = {
      parents: commit.parents,
      tree: commit.tree,
      message: commit.message,
      author: { name: commit.author.name, email: commit.author.email, timestamp: commit.author.timestamp, timezoneOffset: commit.author.timezoneOffset },
      committed: commit.committer.timestamp,
    };
    this.commits.set(oid, c);
    this.dirty = true;
    return c;
  }

  /** Paths changed against each parent (one list per parent; one list against nothing for a root commit). */
  async changed(oid: string): Promise<string[][]> {
    return (await this.changes(oid)).changed;
  }

  /** The changed paths against each parent, and the blobs changed contract files have in this commit. */
  async changes(oid: string): Promise<{ changed: string[][]; blobs: Record<string, string | null> }> {
    const c = await this.get(oid);
    if (c.changed && c.blobs) return { changed: c.changed, blobs: c.blobs };
    const lists: string[][] = [];
    const blobs: Record<string, string | null> = {};
    if (c.parents.length === 0) lists.push(await this.diffTrees(null, c.tree, '', blobs));
    for (const p of c.parents) lists.push(await this.diffTrees((await this.get(p)).tree, c.tree, '', blobs));
    [c.changed, c.blobs] = [lists, blobs];
    this.dirty = true;
    return { changed: lists, blobs };
  }

  /**
   * Computes the changed paths of every commit reachable from `tip` that lacks them, several at a time (the reads
   * wait on the disk, not the processor). A first run on a long history pays this once; it is kept afterwards.
   */
  async prepareChanged(tip: string): Promise<void> {
    const todo: string[] = [];
    const seen = new Set<string>([tip]);
    const stack = [tip];
    while (stack.length) {
      const oid = stack.pop()!;
      const c = await this.get(oid);
      if (!c.changed || !c.blobs) todo.push(oid);
      for (const p of c.parents)
        if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
    }
    const since = { t: performance.now() };
    for (const oid of todo) {
      await this.changed(oid);
      await breathe(since);
    }
  }

  /** Paths of blobs that differ between two trees; equal subtrees are skipped by their oid, as git does. */
  private async diffTrees(a: string | null, b: string | null, prefix: string, blobs: Record<string, string | null>): Promise<string[]> {
    return changedPaths(this.objects, a, b, prefix, (p, after) => {
      if (p.startsWith(KEPT)) blobs[p] = after && after.mode.startsWith('100') ? after.oid : null; // a link or a folder is no contract file
    });
  }

  /** Writes what was learnt (atomically; a failure to write only costs speed next time). */
  async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const stored: Stored = { version: VERSION, commits: Object.fromEntries(this.commits) };
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, JSON.stringify(stored));
    } catch {
      /* read-only repository: the index stays in memory for this run */
    }
  }
}
