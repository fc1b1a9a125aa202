import { eolRules } from './attributes.js';
import { GitConfig } from './config.js';
import { gitError } from './errors.js';
import { readAt } from './read-at.js';
import { repoState, requireRepo } from './repo.js';

/**
 * Puts a file back as it was at a commit (line endings as a checkout writes them: CRLF where .gitattributes or
 * core.autocrlf say so), through `write` (the workspace's confined, atomic writer). Refused while a merge, rebase or
 * cherry-pick is unfinished; HEAD is never moved.
 */
export async function restoreFile<T>(dir: string, oid: string, filepath: string, write: (text: string) => Promise<T>): Promise<T> {
  const s = await repoState(dir);
  if (s.mergeInProgress || s.rebaseInProgress || s.cherryPickInProgress) {
    throw gitError('unclean-state', 'A merge, rebase or cherry-pick is unfinished in this repository; finish it with your git tool before restoring files.');
  }
  const text = await readAt(dir, oid, filepath);
  if (text === null) throw gitError('not-found', `${filepath} did not exist at ${oid.slice(0, 7)}.`);
  const repo = await requireRepo(dir);
  const eol = await eolRules(repo, await GitConfig.load(repo));
  return write(await eol.smudge(filepath, text));
}
