import { ObjectStore } from './objects.js';
import { findRepo, requireRepo, type Repo } from './repo.js';
import { refs } from './refs.js';
import { gitError, gitFailure } from './errors.js';

/**
 * The commit a name stands for, as git reads it: a full or abbreviated oid, HEAD, a branch, a tag (annotated tags
 * are peeled to their commit), or a full ref name.
 */
export async function resolveCommit(dir: string, name: string): Promise<string> {
  const repo = await requireRepo(dir);
  // git's ancestry suffixes: HEAD~2 (first parent, twice), main^2 (second parent), v1^ (first parent)
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(name)!;
  const base = m[1] || 'HEAD';
  // a ref first (git's search order: as given, refs/, tags, heads, remotes), then an abbreviated oid
  let oid = refs.resolveOrNull(repo, base.length === 40 ? base.toLowerCase() : base);
  if (!oid && /^[0-9a-f]{4,39}$/i.test(base)) {
    const { git } = await import('./iso.js');
    oid = await git.expandOid({ ...repo.opts, oid: base.toLowerCase() }).catch(() => null);
  }
  if (!oid) throw gitError('not-found', `${name} names no commit, branch or tag in this repository.`);
  let at = peel(repo, oid, name);
  for (const step of m[2]!.match(/[~^]\d*/g) ?? []) {
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    const times = step[0] === '~' ? n : 1;
    const which = step[0] === '^' ? n : 1;
    for (let i = 0; i < times; i++) {
      if (which === 0) break; // ^0 is the commit itself
      const parent: string | undefined = ObjectStore.for(repo).commit(at).parents[which - 1];
      if (!parent) throw gitError('not-found', `${name} goes past the beginning of the history.`);
      at = parent;
    }
  }
  return at;
}

/**
 * An oid peeled through annotated tags (a tag may point at a tag) to the commit it names. Read through the pack index
 * (isomorphic-git reads a whole pack into memory to read one object from it: 64 MB at 50,000 commits).
 */
function peel(repo: Repo, start: string, name: string): string {
  let oid = start;
  for (let i = 0; i < 10; i++) {
    let obj: { type: string; content: Buffer };
    try {
      obj = ObjectStore.for(repo).read(oid);
    } catch {
      throw gitError('not-found', `${name} names no commit in this repository.`);
    }
    if (obj.type === 'commit') return oid;
    if (obj.type !== 'tag') throw gitError('not-found', `${name} names a ${obj.type}, not a commit.`);
    oid = /^object ([0-9a-f]{40})$/m.exec(obj.content.toString('latin1'))?.[1] ?? '';
  }
  throw gitError('not-found', `${name} is a chain of tags too long to follow.`);
}

/** A file as it was at a commit (or null when it did not exist there). Symlinks are refused, never followed. */
export async function readAt(dir: string, oid: string, filepath: string): Promise<string | null> {
  const repo = await requireRepo(dir);
  try {
    const commitOid = await resolveCommit(dir, oid);
    const store = ObjectStore.for(repo);
    const entry = store.entryAt(store.commit(commitOid).tree, filepath);
    if (entry?.mode === '120000') throw gitError('symlink', `${filepath} is a symbolic link in that commit; Covenant does not follow links.`);
    return entry?.type === 'blob' ? store.read(entry.oid).content.toString('utf8') : null;
  } catch (e) {
    throw gitFailure(e, `Reading ${filepath} at ${oid.slice(0, 7)}`);
  }
}

/** The text of a file at HEAD, or null (new file, or no commit yet). */
export async function readAtHead(dir: string, filepath: string): Promise<string | null> {
  const repo = await findRepo(dir);
  if (!repo || !refs.resolveOrNull(repo, 'HEAD')) return null;
  return readAt(dir, 'HEAD', filepath);
}
