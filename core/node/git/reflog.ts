import { appendFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Signature } from './author.js';
import { refs } from './refs.js';
import type { Repo } from './repo.js';

const ZERO = '0'.repeat(40);

/** git's time zone in a reflog line: +0200 for two hours east of UTC. */
function zone(timezoneOffset: number): string {
  const minutes = -timezoneOffset;
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** Who moved a ref, as git names them in its reflogs: the committer, else the identity git would make up. */
async function mover(repo: Repo, who: Signature | null): Promise<Signature> {
  if (who) return who;
  const { resolveIdentity } = await import('./author.js');
  const known = await resolveIdentity(repo).catch(() => null);
  if (known) return known.committer;
  const user = os.userInfo().username;
  return { name: user, email: `${user}@${os.hostname()}`, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: new Date().getTimezoneOffset() };
}

/**
 * Records that `ref` moved from `from` (null: it was created) to `to`, as git's reflogs do (logs/<ref>, and
 * logs/HEAD when HEAD is on that branch), unless core.logAllRefUpdates is false. What git shows in `git reflog`, and
 * what `main@{1}` and a recovery after a mistake rely on.
 */
export async function logRefUpdate(repo: Repo, ref: string, from: string | null, to: string, message: string, who: Signature | null = null): Promise<void> {
  const { GitConfig } = await import('./config.js');
  if ((await (await GitConfig.load(repo)).bool('core.logAllRefUpdates')) === false) return;
  const w = await mover(repo, who);
  const line = `${from ?? ZERO} ${to} ${w.name} <${w.email}> ${w.timestamp} ${zone(w.timezoneOffset)}\t${message.split('\n')[0]}\n`;
  const write = async (dir: string, name: string) => {
    const file = path.join(dir, 'logs', ...name.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await appendFile(file, line);
  };
  await write(repo.commondir, ref);
  if (refs.headRef(repo) === ref) await write(repo.gitdir, 'HEAD');
}
