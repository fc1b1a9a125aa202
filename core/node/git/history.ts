import { parseYaml } from '../../common/yaml/parse.js';
import { CommitIndex, type IndexedCommit } from './commit-index.js';
import { walk } from './log.js';
import { git, findRepo, type Repo } from './repo.js';

/** Dates git knows about each change request (by path): when its file was added, when its status left "proposed". */
export interface CrHistory {
  created?: string;
  decided?: string;
}

async function crBlobs(repo: Repo, treeOid: string, cache: object): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  try {
    const { tree } = await git.readTree({ ...repo.opts, oid: treeOid, filepath: 'contracts/changes', cache });
    for (const e of tree) if (e.type === 'blob' && /\.ya?ml$/.test(e.path)) out.set(`contracts/changes/${e.path}`, e.oid);
  } catch {
    /* no contracts/changes in this commit */
  }
  return out;
}

/**
 * Walks the history once, oldest first, reading only contracts/changes/: a CR is created by the commit
 * that added its file, and decided by the first commit where its decision.status is no longer "proposed".
 */
export async function crHistory(dir: string): Promise<Map<string, CrHistory>> {
  const facts = new Map<string, CrHistory>();
  const repo = await findRepo(dir);
  if (!repo) return facts;
  let commits: [string, IndexedCommit][];
  let index: CommitIndex;
  try {
    // only commits that touched contracts/changes (git's history simplification), read through the commit index
    const tip = await git.resolveRef({ ...repo.opts, ref: 'HEAD' });
    index = await CommitIndex.open(repo);
    await index.prepareChanged(tip);
    commits = await walk(index, tip, 'contracts/changes');
    await index.save();
  } catch {
    return facts;
  }
  const cache = index.cache;
  const seen = new Map<string, string>();
  for (const [, commit] of commits.reverse()) {
    const date = new Date(commit.author.timestamp * 1000).toISOString().slice(0, 10);
    const blobs = await crBlobs(repo, commit.tree, cache);
    for (const [p, oid] of blobs) {
      if (seen.get(p) === oid) continue;
      seen.set(p, oid);
      const f = facts.get(p) ?? {};
      if (!f.created) f.created = date;
      if (!f.decided) {
        try {
          const { blob } = await git.readBlob({ ...repo.opts, oid, cache });
          // the hardened parser: size cap, linear duplicate-key check, depth and alias limits (old blobs are untrusted)
          const value = parseYaml(p, Buffer.from(blob).toString('utf8')).value;
          const decision = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { decision?: unknown }).decision : undefined;
          const status = decision !== null && typeof decision === 'object' && !Array.isArray(decision) ? (decision as { status?: unknown }).status : undefined;
          if (typeof status === 'string' && status !== 'proposed') f.decided = date;
        } catch {
          /* unparsable at that commit */
        }
      }
      facts.set(p, f);
    }
  }
  return facts;
}
