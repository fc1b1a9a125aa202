import { git, fs, requireRepository } from './repo.js';
import { gitError, gitFailure } from './errors.js';

/** A file as it was at a commit (or null when it did not exist there). Symlinks are refused, never followed. */
export async function readAt(dir: string, oid: string, filepath: string): Promise<string | null> {
  await requireRepository(dir);
  let commitOid: string;
  try {
    commitOid = await git.resolveRef({ fs, dir, ref: oid }).catch(() => oid);
    const { commit } = await git.readCommit({ fs, dir, oid: commitOid });
    const parts = filepath.split('/');
    let tree = commit.tree;
    for (let i = 0; i < parts.length; i++) {
      const { tree: entries } = await git.readTree({ fs, dir, oid: tree });
      const entry = entries.find((e) => e.path === parts[i]);
      if (!entry) return null;
      if (i === parts.length - 1) {
        if (entry.mode === '120000') throw gitError('symlink', `${filepath} is a symbolic link in that commit; Covenant does not follow links.`);
        if (entry.type !== 'blob') return null;
        const { blob } = await git.readBlob({ fs, dir, oid: entry.oid });
        return Buffer.from(blob).toString('utf8');
      }
      if (entry.type !== 'tree') return null;
      tree = entry.oid;
    }
    return null;
  } catch (e) {
    throw gitFailure(e, `Reading ${filepath} at ${oid.slice(0, 7)}`);
  }
}

/** The text of a file at HEAD, or null (new file, or no commit yet). */
export async function readAtHead(dir: string, filepath: string): Promise<string | null> {
  try {
    await git.resolveRef({ fs, dir, ref: 'HEAD' });
  } catch {
    return null;
  }
  return readAt(dir, 'HEAD', filepath);
}
