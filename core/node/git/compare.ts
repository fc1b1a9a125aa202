import { requireRepo } from './repo.js';
import { git } from './iso.js';
import { resolveCommit } from './read-at.js';
import { gitFailure } from './errors.js';
import type { FileChange } from './status.js';

/** The files that differ between two commits (from -> to). */
export async function compareCommits(dir: string, from: string, to: string): Promise<FileChange[]> {
  const repo = await requireRepo(dir);
  try {
    const out: FileChange[] = [];
    const [a, b] = [await resolveCommit(dir, from), await resolveCommit(dir, to)];
    await git.walk({
      ...repo.opts,
      trees: [git.TREE({ ref: a }), git.TREE({ ref: b })],
      map: async (filepath, [a, b]) => {
        if (filepath === '.') return undefined;
        const [ta, tb] = [await a?.type(), await b?.type()];
        const [oa, ob] = [await a?.oid(), await b?.oid()];
        if (oa === ob) return null; // same blob, or same subtree: nothing below differs
        if (ta === 'tree' || tb === 'tree') return undefined;
        out.push({ path: filepath, status: !oa ? 'new' : !ob ? 'deleted' : 'modified' });
        return undefined;
      },
    });
    return out.sort((x, y) => x.path.localeCompare(y.path));
  } catch (e) {
    throw gitFailure(e, 'Comparing the commits');
  }
}
