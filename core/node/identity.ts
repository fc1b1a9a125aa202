/**
 * Who is acting: the one home of that question for every handler (and so for the app, the HTTP bridge and the CLI).
 * Git's identity first, as git decides it (GIT_AUTHOR_* / GIT_COMMITTER_*, then the git configuration), else the
 * name and email the person gave Covenant once (the app's settings). Computed once per request.
 */
import { CovenantError } from '../common/errors.js';
import { isAuthor, NO_IDENTITY, resolveAuthor, resolveIdentity, type Author, type Signature } from './git/author.js';
import type { Repo } from './git/repo.js';

/** A person acting now, with the form records use ("Ana Client <ana@example.com>") and git's signatures. */
export interface Actor extends Author {
  /** "Name <email>", as result records, reviews and addenda store it. */
  label: string;
  author: Signature;
  committer: Signature;
  /** Where the identity came from: git (environment or configuration) or Covenant's settings. */
  from: 'git' | 'settings';
}

/** "Name <email>". */
export function personLabel(p: Author): string {
  return `${p.name} <${p.email}>`;
}

/**
 * The person acting, or null when neither git nor the settings know one. For a record (a result, a review) git's
 * author is enough; a commit also needs the committer, as git does (`actingPerson(..., { commits: true })`).
 */
export async function actingPerson(repo: Repo | null, remembered: unknown, now = new Date(), opts: { commits?: boolean } = {}): Promise<Actor | null> {
  const found = await resolveIdentity(repo, process.env, now); // a GIT_AUTHOR_DATE git cannot read is an error, not nobody
  if (found) return { name: found.author.name, email: found.author.email, label: personLabel(found.author), ...found, from: 'git' };
  const author = opts.commits ? null : await resolveAuthor(repo);
  if (author) {
    const sig = { ...author, timestamp: Math.floor(now.getTime() / 1000), timezoneOffset: now.getTimezoneOffset() };
    return { ...author, label: personLabel(author), author: sig, committer: sig, from: 'git' };
  }
  if (!isAuthor(remembered)) return null;
  const sig = { name: remembered.name, email: remembered.email, timestamp: Math.floor(now.getTime() / 1000), timezoneOffset: now.getTimezoneOffset() };
  return { name: sig.name, email: sig.email, label: personLabel(sig), author: sig, committer: sig, from: 'settings' };
}

/** The person acting; refuses (reason no-author) with what to do when nobody is known. `what`: "records this result". */
export async function requirePerson(repo: Repo | null, remembered: unknown, what: string): Promise<Actor> {
  const who = await actingPerson(repo, remembered);
  if (!who) throw new CovenantError('invalid-input', `Who ${what}? ${NO_IDENTITY}`, { reason: 'no-author' });
  return who;
}
