import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KeptTable } from './kept-table.js';
import { breathe, ObjectStore } from './objects.js';
import { changedPaths } from './tree-diff.js';
import type { Repo } from './repo.js';

/**
 * A persistent, rebuildable index of commit metadata and changed paths, the idea of git's commit-graph with
 * changed-path filters: commits never change, so once read a commit is kept in <commondir>/covenant/ and never inflated
 * again. Two tables that grow by appending (kept-table.ts): commits (what `log` needs) and changes (the paths each
 * commit changed, read only when a file's history or the history facts need them). Deleting them costs one slower run.
 */
export interface IndexedCommit {
  parents: string[];
  tree: string;
  message: string;
  author: { name: string; email: string; timestamp: number; timezoneOffset: number };
  /** Committer time: git orders history by it. */
  committed: number;
}

/** What a commit changed. */
export interface CommitChanges {
  /** Paths that differ from each parent (from the empty tree for a root commit). */
  changed: string[][];
  /** The blob each changed file under contracts/ has in this commit (null: it is gone). */
  blobs: Record<string, string | null>;
}

const VERSION = 3;
/** Commits to read before the reading reports its progress. */
const PROGRESS_FROM = 1_000;

let progressListener: ((p: { done: number; total: number }) => void) | null = null;

/** Who hears how far a first reading of a long history is (a CLI command prints it); one listener per process. */
export function onIndexing(listener: ((p: { done: number; total: number }) => void) | null): void {
  progressListener = listener;
}
/** Files whose blob ids the index keeps (the history facts read them without reading trees again). */
const KEPT = 'contracts/';

const isCommit = (r: unknown): r is IndexedCommit =>
  !!r && typeof r === 'object' && Array.isArray((r as IndexedCommit).parents) && typeof (r as IndexedCommit).committed === 'number';
const isChanges = (r: unknown): r is CommitChanges => !!r && typeof r === 'object' && Array.isArray((r as CommitChanges).changed);

export class CommitIndex {
  /** The repository's objects, read through the pack indexes. */
  readonly objects: ObjectStore;
  private changesTable: Promise<KeptTable<CommitChanges>> | null = null;

  private constructor(
    repo: Repo,
    private readonly dir: string,
    private readonly commits: KeptTable<IndexedCommit>,
    /** The commits a shallow clone ends at (.git/shallow): their parents are not here, and git treats them as roots. */
    private readonly shallow: ReadonlySet<string>,
  ) {
    this.objects = ObjectStore.for(repo);
  }

  /** One index per repository in a process: commits never change, so what one call learnt serves the next. */
  private static readonly open_ = new Map<string, Promise<CommitIndex>>();

  static open(repo: Repo): Promise<CommitIndex> {
    let p = CommitIndex.open_.get(repo.commondir);
    if (!p) {
      const dir = path.join(repo.commondir, 'covenant');
      p = Promise.all([
        KeptTable.load(path.join(dir, 'commits'), VERSION, isCommit),
        readFile(path.join(repo.commondir, 'shallow'), 'utf8').catch(() => ''),
      ]).then(([t, shallow]) => new CommitIndex(repo, dir, t, new Set(shallow.split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l)))));
      CommitIndex.open_.set(repo.commondir, p);
      p.catch(() => CommitIndex.open_.delete(repo.commondir));
    }
    return p;
  }

  /** Lets go of a repository's index (kept on disk): the facts are computed, and the rest of the run needs the memory. */
  static forget(repo: Repo): void {
    CommitIndex.open_.delete(repo.commondir);
  }

  /** A commit, from the index or read from the repository (and kept). */
  async get(oid: string): Promise<IndexedCommit> {
    const c = this.read(oid);
    return this.shallow.has(oid) ? { ...c, parents: [] } : c; // kept as it is: a deepened clone has them again
  }

  private read(oid: string): IndexedCommit {
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
    return c;
  }

  private table(): Promise<KeptTable<CommitChanges>> {
    return (this.changesTable ??= KeptTable.load(path.join(this.dir, 'changes'), VERSION, isChanges));
  }

  /** Paths changed against each parent (one list per parent; one list against nothing for a root commit). */
  async changed(oid: string): Promise<string[][]> {
    return (await this.changes(oid)).changed;
  }

  /** The changed paths against each parent, and the blobs changed contract files have in this commit. */
  async changes(oid: string): Promise<CommitChanges> {
    const table = await this.table();
    const known = table.get(oid);
    if (known) return known;
    const c = await this.get(oid);
    const lists: string[][] = [];
    const blobs: Record<string, string | null> = {};
    if (c.parents.length === 0) lists.push(this.diffTrees(null, c.tree, blobs));
    for (const p of c.parents) lists.push(this.diffTrees((await this.get(p)).tree, c.tree, blobs));
    const changes = { changed: lists, blobs };
    table.set(oid, changes);
    return changes;
  }

  /**
   * Computes the changed paths of every commit reachable from `tip` that lacks them. A first run on a long history
   * pays this once; it is kept afterwards.
   */
  async prepareChanged(tip: string): Promise<void> {
    const table = await this.table();
    const todo: string[] = [];
    const seen = new Set<string>([tip]);
    const stack = [tip];
    while (stack.length) {
      const oid = stack.pop()!;
      const c = await this.get(oid);
      if (!table.get(oid)) todo.push(oid);
      for (const p of c.parents)
        if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
    }
    const since = { t: performance.now() };
    // a long history read for the first time says how far it is (a short one is read before anyone would look)
    const say = todo.length >= PROGRESS_FROM ? progressListener : null;
    for (let i = 0; i < todo.length; i++) {
      await this.changes(todo[i]!);
      if (i % 1000 === 0) say?.({ done: i, total: todo.length });
      await breathe(since);
    }
    say?.({ done: todo.length, total: todo.length });
  }

  /** Paths of blobs that differ between two trees; equal subtrees are skipped by their oid, as git does. */
  private diffTrees(a: string | null, b: string | null, blobs: Record<string, string | null>): string[] {
    return changedPaths(this.objects, a, b, '', (p, after) => {
      if (p.startsWith(KEPT)) blobs[p] = after && after.mode.startsWith('100') ? after.oid : null; // a link or a folder is no contract file
    });
  }

  /** Writes what was learnt (appended; a failure to write only costs speed next time). */
  async save(): Promise<void> {
    await this.commits.save();
    if (this.changesTable) await (await this.changesTable).save();
  }
}
