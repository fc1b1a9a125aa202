import type { Author } from '../../common/api.js';
import { GitConfig } from './config.js';
import { gitError } from './errors.js';
import { type Repo } from './repo.js';
import { git } from './iso.js';

export type { Author };

export function isAuthor(v: unknown): v is Author {
  return (
    !!v &&
    typeof v === 'object' &&
    typeof (v as Author).name === 'string' &&
    (v as Author).name.trim() !== '' &&
    typeof (v as Author).email === 'string' &&
    /.+@.+/.test((v as Author).email)
  );
}

/** A person with the time of their act, as a commit records it. */
export interface Signature extends Author {
  /** Seconds since 1970. */
  timestamp: number;
  /** Minutes, as JavaScript's getTimezoneOffset: UTC minus local (so +02:00 is -120). */
  timezoneOffset: number;
}

/**
 * Who git would name as author and committer, from the same sources in the same order: GIT_AUTHOR_NAME / EMAIL /
 * DATE (GIT_COMMITTER_* for the committer), then author.* / committer.*, then user.* of the git configuration
 * (repository, ~/.gitconfig, $XDG_CONFIG_HOME/git/config, includes), then $EMAIL for the address. Null when a name or
 * an address is missing: git refuses to commit then, and so does Covenant.
 */
export async function resolveIdentity(
  repo: Repo | null,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date(),
): Promise<{ author: Signature; committer: Signature } | null> {
  const config = await GitConfig.load(repo, env);
  const who = async (role: 'AUTHOR' | 'COMMITTER'): Promise<Signature | null> => {
    const lower = role.toLowerCase();
    const name = env[`GIT_${role}_NAME`] || (await config.get(`${lower}.name`)) || (await config.get('user.name'));
    const email = env[`GIT_${role}_EMAIL`] || (await config.get(`${lower}.email`)) || (await config.get('user.email')) || env.EMAIL;
    if (!name?.trim() || !email?.trim()) return null;
    const date = env[`GIT_${role}_DATE`];
    const when = date ? parseGitDate(date) : { timestamp: Math.floor(now.getTime() / 1000), timezoneOffset: now.getTimezoneOffset() };
    if (!when)
      throw gitError('failed', `GIT_${role}_DATE is "${date}", which is not a date git reads (e.g. "2025-10-15T09:30:00+02:00" or "@1760513400 +0200").`);
    return { name: name.trim(), email: email.trim().replace(/^<|>$/g, ''), ...when };
  };
  const author = await who('AUTHOR');
  const committer = await who('COMMITTER');
  return author && committer ? { author, committer } : null;
}

/** Who git would name as the author (GIT_AUTHOR_*, then author.* / user.*): enough to say who recorded something. */
export async function resolveAuthor(repo: Repo | null, env: NodeJS.ProcessEnv = process.env): Promise<Author | null> {
  const config = await GitConfig.load(repo, env);
  const name = env.GIT_AUTHOR_NAME || (await config.get('author.name')) || (await config.get('user.name'));
  const email = env.GIT_AUTHOR_EMAIL || (await config.get('author.email')) || (await config.get('user.email')) || env.EMAIL;
  return name?.trim() && email?.trim() ? { name: name.trim(), email: email.trim().replace(/^<|>$/g, '') } : null;
}

/** The sentence shown when nobody is configured: what git says, in words a person can follow. */
export const NO_IDENTITY =
  'Covenant does not know who you are, and a commit must say who made it. Give your name and email once (Covenant stores them in this repository\'s .git/config), or run: git config --global user.name "Your Name" && git config --global user.email you@example.com (or set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, and GIT_COMMITTER_* for commits)';

/** Stores a name and email in the repository's own config (.git/config), as `git config user.name` does. */
export async function storeIdentity(repo: Repo, who: Author): Promise<void> {
  await git.setConfig({ ...repo.opts, path: 'user.name', value: who.name });
  await git.setConfig({ ...repo.opts, path: 'user.email', value: who.email });
}

/** Offset like "+0200" to JavaScript's minutes (UTC minus local). */
function offsetMinutes(sign: string, hh: string, mm: string): number {
  const m = Number(hh) * 60 + Number(mm);
  return sign === '-' ? m : -m;
}

/**
 * The date formats git reads in GIT_*_DATE: its internal "@<seconds> <+hhmm>" (or without @), ISO 8601 with an offset
 * (or Z), and RFC 2822. Null for anything else.
 */
export function parseGitDate(text: string): { timestamp: number; timezoneOffset: number } | null {
  const t = text.trim();
  let m = /^@?(\d+)(?:\s+([+-])(\d{2}):?(\d{2}))?$/.exec(t);
  if (m) return { timestamp: Number(m[1]), timezoneOffset: m[2] ? offsetMinutes(m[2], m[3]!, m[4]!) : 0 };
  m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(Z|([+-])(\d{2}):?(\d{2}))?$/.exec(t);
  if (m) {
    const tz = !m[3] || m[3] === 'Z' ? 0 : offsetMinutes(m[4]!, m[5]!, m[6]!);
    const utc = Date.parse(`${m[1]}T${m[2]!.length === 5 ? `${m[2]}:00` : m[2]}Z`);
    if (Number.isNaN(utc)) return null;
    return { timestamp: Math.floor(utc / 1000) + tz * 60, timezoneOffset: tz };
  }
  m = /^(?:[A-Za-z]{3},\s*)?(\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?)\s+([+-])(\d{2})(\d{2})$/.exec(t);
  if (m) {
    const utc = Date.parse(`${m[1]} GMT`);
    if (Number.isNaN(utc)) return null;
    const tz = offsetMinutes(m[2]!, m[3]!, m[4]!);
    return { timestamp: Math.floor(utc / 1000) + tz * 60, timezoneOffset: tz };
  }
  return null;
}
