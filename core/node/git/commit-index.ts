import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { git, type Repo } from './repo.js';

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
}

const VERSION = 1;

interface Stored {
  version: number;
  commits: Record<string, IndexedCommit>;
}

export class CommitIndex {
  private dirty = false;
  /** isomorphic-git's object cache (pack indexes): the repository's own, shared with every other read. */
  readonly cache: object;
  /** Trees read in this run, by oid (a tree never changes). */
  private readonly trees = new Map<string, Map<string, { oid: string; type: string }>>();

  private constructor(
    private readonly repo: Repo,
    private readonly file: string,
    private readonly commits: Map<string, IndexedCommit>,
  ) {
    this.cache = repo.opts.cache;
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
    const { commit } = await git.readCommit({ ...this.repo.opts, oid, cache: this.cache });
    const c: IndexedCommit = {
      parents: commit.parent,
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
    const c = await this.get(oid);
    if (c.changed) return c.changed;
    const lists: string[][] = [];
    if (c.parents.length === 0) lists.push(await this.diffTrees(null, c.tree, ''));
    for (const p of c.parents) lists.push(await this.diffTrees((await this.get(p)).tree, c.tree, ''));
    c.changed = lists;
    this.dirty = true;
    return lists;
  }

  private async tree(oid: string | null): Promise<Map<string, { oid: string; type: string }>> {
    if (!oid) return new Map();
    let t = this.trees.get(oid);
    if (!t) {
      t = new Map((await git.readTree({ ...this.repo.opts, oid, cache: this.cache })).tree.map((e) => [e.path, { oid: e.oid, type: e.type }] as const));
      if (this.trees.size > 20_000) this.trees.clear(); // bounded: a huge history must not hold every tree in memory
      this.trees.set(oid, t);
    }
    return t;
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
      if (!c.changed) todo.push(oid);
      for (const p of c.parents)
        if (!seen.has(p)) {
          seen.add(p);
          stack.push(p);
        }
    }
    for (let i = 0; i < todo.length; i += 16) await Promise.all(todo.slice(i, i + 16).map((oid) => this.changed(oid)));
  }

  /** Paths of blobs that differ between two trees; equal subtrees are skipped by their oid, as git does. */
  private async diffTrees(a: string | null, b: string | null, prefix: string): Promise<string[]> {
    if (a === b) return [];
    const [ea, eb] = await Promise.all([this.tree(a), this.tree(b)]);
    const out: string[] = [];
    for (const name of new Set([...ea.keys(), ...eb.keys()])) {
      const x = ea.get(name);
      const y = eb.get(name);
      if (x?.oid === y?.oid && x?.type === y?.type) continue;
      const p = prefix ? `${prefix}/${name}` : name;
      const xt = x?.type === 'tree' ? x.oid : null;
      const yt = y?.type === 'tree' ? y.oid : null;
      if (xt || yt) out.push(...(await this.diffTrees(xt, yt, p)));
      if ((x && x.type !== 'tree') || (y && y.type !== 'tree')) out.push(p);
    }
    return out;
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
