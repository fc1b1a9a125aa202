import { classifyPath } from '../common/model/kinds.js';
import type { Provenance } from '../common/provenance.js';
import type { Snapshot } from '../common/workspace.js';
import { findRepo } from './git/repo.js';
import { refs } from './git/refs.js';
import { status } from './git/status.js';

/**
 * The provenance of an output made from `snap`: HEAD, whether the working tree differs from it (one git status),
 * the unsaved buffers the snapshot includes and the files it leaves out. A status that cannot be read is not
 * "clean": the request fails rather than claim what it cannot know.
 */
export async function readProvenance(root: string, snap: Snapshot, now = new Date()): Promise<Provenance> {
  const generatedAt = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // a folder that cannot be read leaves out whatever it holds: the figures say so, and the exit status too
  const unreadable = [...snap.unreadableDirs].map(([dir, why]) => ({
    path: dir,
    kind: classifyPath(`${dir}/X.yaml`) ?? classifyPath(`${dir}/X.md`) ?? ('master' as const),
    line: 1,
    reason: `the folder could not be read (${why}): every file in it is left out`,
  }));
  // a CR whose decision day history could not give (a version over the read budget): its lead time is unknown
  const unread = [...snap.facts.history]
    .filter(([p, h]) => h.unread && classifyPath(p) === 'cr' && !h.decided)
    .map(([p, h]) => ({ path: p, kind: 'cr' as const, line: 1, reason: `its decision day is unknown: ${h.unread}` }));
  const base = {
    unsaved: snap.unsaved,
    leftOut: [...snap.model.leftOut, ...unreadable, ...unread],
    generatedAt,
    ...(snap.facts.indexing ? { indexing: true } : {}),
  };
  if (!(await findRepo(root))) return { commit: null, uncommitted: false, ...base };
  return { commit: await headCommit(root), uncommitted: (await status(root)).length > 0, ...base };
}

/** HEAD's commit id, or null outside a repository or before the first commit. */
export async function headCommit(root: string): Promise<string | null> {
  const repo = await findRepo(root);
  return repo ? refs.resolveOrNull(repo, 'HEAD') : null;
}
