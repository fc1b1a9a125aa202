// eslint-disable-next-line no-restricted-syntax -- a ref is a file of 41 bytes: one synchronous read costs microseconds
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gitError } from './errors.js';

/** Where a working tree's refs are: its own repository folder (HEAD) and the shared one (everything else). */
interface Repo {
  gitdir: string;
  commondir: string;
}

const OID = /^[0-9a-f]{40}$/;

/** Refs kept in the working tree's own repository folder (a linked worktree has its own), as git has them. */
const perWorktree = (ref: string) => ref === 'HEAD' || /^(refs\/(bisect|worktree|rewritten)\/|[A-Z_]+_HEAD$)/.test(ref);

/** packed-refs by file, with the stat it was read at: it changes only when refs are packed or deleted. */
const packedFiles = new Map<string, { key: string; refs: Map<string, string> }>();

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** `refname -> oid` of a repository's packed-refs (peeled lines skipped). */
function packed(commondir: string): Map<string, string> {
  const file = path.join(commondir, 'packed-refs');
  let key = '';
  try {
    const st = statSync(file, { bigint: true });
    key = `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return new Map();
  }
  const known = packedFiles.get(file);
  if (known?.key === key) return known.refs;
  const refs = new Map<string, string>();
  for (const line of (readOrNull(file) ?? '').split('\n')) {
    if (line.startsWith('#') || line.startsWith('^')) continue;
    const space = line.indexOf(' ');
    if (space === 40 && OID.test(line.slice(0, 40))) refs.set(line.slice(41).trim(), line.slice(0, 40));
  }
  packedFiles.set(file, { key, refs });
  return refs;
}

/** What one ref holds: an oid, the ref it points at (`ref: refs/heads/main`), or nothing. */
function direct(repo: Repo, ref: string): { oid: string } | { symbolic: string } | null {
  const text = readOrNull(path.join(perWorktree(ref) ? repo.gitdir : repo.commondir, ref));
  if (text !== null) {
    const t = text.trim();
    if (t.startsWith('ref:')) return { symbolic: t.slice(4).trim() };
    if (OID.test(t)) return { oid: t };
    return null;
  }
  const oid = perWorktree(ref) ? undefined : packed(repo.commondir).get(ref);
  return oid ? { oid } : null;
}

/**
 * Refs read the way git reads them (loose files, then packed-refs; HEAD and the other per-worktree refs in the
 * working tree's own folder), without loading isomorphic-git: status, log and the history need only these.
 */
export const refs = {
  /** The oid `name` stands for: a full oid, or a ref name with git's search order (refs/, tags, heads, remotes). */
  resolve(repo: Repo, name: string): string {
    if (OID.test(name)) return name;
    for (const candidate of [name, `refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`]) {
      let ref = candidate;
      for (let depth = 0; depth < 6; depth++) {
        const got = direct(repo, ref);
        if (!got) break;
        if ('oid' in got) return got.oid;
        ref = got.symbolic;
      }
    }
    throw gitError('not-found', `${name} names no commit, branch or tag in this repository.`);
  },

  /** The oid `name` stands for, or null (no commit yet, or no such ref). */
  resolveOrNull(repo: Repo, name: string): string | null {
    try {
      return refs.resolve(repo, name);
    } catch {
      return null;
    }
  },

  /** The branch HEAD is on (`refs/heads/main`), or null when it is detached. */
  headRef(repo: Repo): string | null {
    const got = direct(repo, 'HEAD');
    return got && 'symbolic' in got ? got.symbolic : null;
  },

  /** The names under `prefix` (`refs/heads/`, `refs/tags/`), loose and packed, without the prefix, sorted. */
  list(repo: Repo, prefix: string): string[] {
    const out = new Set<string>();
    for (const name of packed(repo.commondir).keys()) if (name.startsWith(prefix)) out.add(name.slice(prefix.length));
    const walk = (rel: string) => {
      let entries;
      try {
        entries = readdirSync(path.join(repo.commondir, prefix, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const name = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(name);
        else if (e.isFile() && !e.name.endsWith('.lock')) out.add(name);
      }
    };
    walk('');
    return [...out].sort();
  },
};
