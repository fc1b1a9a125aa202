import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { confine } from '../fs/confine.js';
import { eolRules } from './attributes.js';
import type { Signature } from './author.js';
import { GitConfig } from './config.js';
import { gitError, gitFailure } from './errors.js';
import { withIndexLock } from './lock.js';
import { logRefUpdate } from './reflog.js';
import { refs } from './refs.js';
import { repoState, requireCleanState, requireRepo } from './repo.js';
import { git } from './iso.js';

/**
 * Stages exactly `paths` (added when present, removed when deleted; never the whole tree) and commits them, holding
 * the index lock throughout. Every path is confined like a file write: nothing under .git, nothing through a link,
 * nothing outside the working tree. Text is stored with LF line endings where .gitattributes or core.autocrlf say so,
 * as git stores it, so that `git status` agrees afterwards. Returns the new commit's oid.
 */
export async function commit(
  dir: string,
  paths: string[],
  message: string,
  who: { author: Signature; committer: Signature },
  onNote?: (note: string) => void,
  /** Signs the commit: the payload (the commit without its signature) in, the armored signature out. */
  sign?: (payload: string) => string,
  /** Finishes a merge: the commit gets HEAD and this commit as parents (MERGE_HEAD is then expected, not refused). */
  mergeParent?: string,
): Promise<string> {
  const repo = await requireRepo(dir);
  if (paths.length === 0) throw gitError('nothing-to-commit', 'Choose at least one changed file to commit.');
  if (message.trim() === '') throw gitError('nothing-to-commit', 'A commit needs a message.');
  const root = await realpath(dir);
  for (const p of paths) await confine(root, p);
  const o = repo.opts;
  const made = await withIndexLock(
    repo.gitdir,
    async () => {
      const s = mergeParent ? await repoState(dir) : await requireCleanState(dir);
      if (mergeParent && (s.rebaseInProgress || s.cherryPickInProgress))
        throw gitError('unclean-state', 'A rebase or cherry-pick is unfinished in this repository.');
      try {
        const eol = await eolRules(repo, await GitConfig.load(repo));
        const plain: string[] = [];
        for (const p of paths) {
          const abs = path.join(root, ...p.split('/'));
          const info = await lstat(abs).catch(() => null);
          if (info?.isSymbolicLink()) throw gitError('symlink', `${p} is a symbolic link; Covenant does not commit links.`);
          if (!info) {
            await git.remove({ ...o, filepath: p });
            continue;
          }
          if (!info.isFile()) throw gitError('failed', `${p} is not a file.`);
          const bytes = await readFile(abs);
          const cleaned = await eol.clean(p, bytes);
          // files with a CR go in as we cleaned them: isomorphic-git's add would apply core.autocrlf on its own
          if (cleaned === bytes && !bytes.includes(13)) plain.push(p);
          else await git.updateIndex({ ...o, filepath: p, oid: await git.writeBlob({ ...o, blob: cleaned }), add: true });
        }
        // one index write for all the files that need no conversion (isomorphic-git rewrites the index per call)
        if (plain.length) await git.add({ ...o, filepath: plain });
        const oid = await git.commit({
          ...o,
          message: message.endsWith('\n') ? message : `${message}\n`,
          author: who.author,
          committer: who.committer,
          ...(mergeParent && s.head ? { parent: [s.head, mergeParent] } : {}),
          ...(sign ? { signingKey: 'ssh', onSign: ({ payload }: { payload: string }) => ({ signature: sign(payload) }) } : {}),
        });
        return { oid, from: s.head };
      } catch (e) {
        throw gitFailure(e, 'Committing');
      }
    },
    onNote,
  );
  // the reflog line after the lock is let go: a kill in between leaves no lock that stops system git
  const branch = refs.headRef(repo);
  const kind = mergeParent ? 'commit (merge)' : made.from ? 'commit' : 'commit (initial)';
  if (branch) await logRefUpdate(repo, branch, made.from, made.oid, `${kind}: ${message.split('\n')[0]}`, who.committer).catch(() => undefined);
  return made.oid;
}
