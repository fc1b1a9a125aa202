import { CommitIndex, type IndexedCommit } from './commit-index.js';
import { gitError, gitFailure } from './errors.js';
import { resolveCommit } from './read-at.js';
import { requireRepo, type Repo } from './repo.js';
import { refs } from './refs.js';
import type { LogEntry } from '../../common/api.js';

export type { LogEntry };

/** ISO 8601 in the author's own offset, as git shows it: 2025-10-15T09:30:00+02:00. */
export function isoWithOffset(timestamp: number, timezoneOffset: number): string {
  const local = new Date((timestamp - timezoneOffset * 60) * 1000).toISOString().slice(0, 19);
  const minutes = -timezoneOffset;
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Branch and tag names by the commit they point at (annotated tags peeled), with HEAD's branch marked. */
async function decorations(repo: Repo): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const add = (oid: string | null, name: string) => {
    if (!oid) return;
    const list = out.get(oid) ?? [];
    list.push(name);
    out.set(oid, list);
  };
  const headRef = refs.headRef(repo); // refs/heads/x, or null when detached
  const head = refs.resolveOrNull(repo, 'HEAD');
  if (head && !headRef) add(head, 'HEAD');
  for (const b of refs.list(repo, 'refs/heads/')) add(refs.resolveOrNull(repo, `refs/heads/${b}`), headRef === `refs/heads/${b}` ? `HEAD -> ${b}` : b);
  for (const t of refs.list(repo, 'refs/tags/')) {
    const oid = await resolveCommit(repo.dir, `refs/tags/${t}`).catch(() => null);
    add(oid, `tag: ${t}`);
  }
  for (const list of out.values()) list.sort((a, b) => (a.startsWith('HEAD') ? -1 : b.startsWith('HEAD') ? 1 : 0));
  return out;
}

/** Whether `filepath` (a file, or a folder and everything under it) is among the changed paths. */
function touches(changed: string[], filepath: string): boolean {
  const prefix = `${filepath}/`;
  return changed.some((p) => p === filepath || p.startsWith(prefix));
}

/** Commits from `tip` newest first, limited to those that changed `filepath` with git's default simplification. */
export async function walk(index: CommitIndex, tip: string, filepath: string | undefined, limit = Infinity): Promise<[string, IndexedCommit][]> {
  const shown: [string, IndexedCommit][] = [];
  const queued = new Set<string>([tip]);
  // a max-heap by commit time would be the textbook structure; histories here are mostly linear, so a sorted
  // insert into a short frontier is as fast and simpler
  const frontier: [string, IndexedCommit][] = [[tip, await index.get(tip)]];
  while (frontier.length && shown.length < limit) {
    const [oid, c] = frontier.shift()!;
    let follow = c.parents;
    let show = true;
    if (filepath !== undefined) {
      const changed = await index.changed(oid);
      if (c.parents.length === 0) show = touches(changed[0]!, filepath);
      else {
        const same = c.parents.findIndex((_, i) => !touches(changed[i]!, filepath));
        if (same !== -1) {
          show = false; // TREESAME to that parent: the path came from there
          if (c.parents.length > 1) follow = [c.parents[same]!];
        }
      }
    }
    if (show) shown.push([oid, c]);
    for (const p of follow) {
      if (queued.has(p)) continue;
      queued.add(p);
      const pc = await index.get(p);
      let i = frontier.length;
      while (i > 0 && frontier[i - 1]![1].committed < pc.committed) i--;
      frontier.splice(i, 0, [p, pc]);
    }
  }
  return shown;
}

/**
 * The history of the workspace, newest first (by commit time, as `git log`), or of one file or folder with git's
 * default history simplification: a commit is listed when it changed the path against its parent; a merge that is
 * TREESAME to one of its parents (took the path unchanged from it) is not listed, and only that parent is followed.
 * Each commit once. Commits are read through a persistent index, so a long history is read from disk once.
 */
export async function log(dir: string, options: { filepath?: string; limit?: number; ref?: string } = {}): Promise<LogEntry[]> {
  const repo = await requireRepo(dir);
  let tip: string;
  try {
    tip = await resolveCommit(dir, options.ref ?? 'HEAD');
  } catch (e) {
    if (!options.ref || options.ref === 'HEAD') return []; // no commit yet
    throw e;
  }
  try {
    const index = await CommitIndex.open(repo);
    const limit = options.limit ?? Infinity;
    const filepath = options.filepath?.replace(/\/+$/, '');
    if (filepath !== undefined) await index.prepareChanged(tip);
    const shown = await walk(index, tip, filepath, limit);
    await index.save();
    const named = await decorations(repo);
    return shown.map(([oid, c]) => ({
      oid,
      message: c.message,
      summary: c.message.split('\n')[0] ?? '',
      author: { name: c.author.name, email: c.author.email },
      date: isoWithOffset(c.author.timestamp, c.author.timezoneOffset),
      parents: c.parents,
      refs: named.get(oid) ?? [],
    }));
  } catch (e) {
    if (e instanceof Error && 'code' in e && (e as { code?: string }).code === 'NotFoundError')
      throw gitError('not-found', `Reading the history: ${e.message}. The repository may be incomplete (a shallow clone?).`);
    throw gitFailure(e, 'Reading the history');
  }
}
