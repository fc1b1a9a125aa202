import { execFileSync } from 'node:child_process';

/** System git, used in tests as the cross-check only (the app never needs it). */
export function sysgit(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'System Git',
      GIT_AUTHOR_EMAIL: 'sys@example.com',
      GIT_COMMITTER_NAME: 'System Git',
      GIT_COMMITTER_EMAIL: 'sys@example.com',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_SYSTEM: '/dev/null',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A name and email as the author and committer of a commit made now (what Covenant's commit takes). */
export function signed(who: { name: string; email: string }, when = new Date()) {
  const sig = { ...who, timestamp: Math.floor(when.getTime() / 1000), timezoneOffset: when.getTimezoneOffset() };
  return { author: sig, committer: sig };
}

/** Commits what is staged with system git at a given time (author and committer date), for histories with real dates. */
export function commitAt(dir: string, iso: string, message: string): void {
  execFileSync('git', ['commit', '-q', '-m', message], {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'S',
      GIT_AUTHOR_EMAIL: 's@e.com',
      GIT_COMMITTER_NAME: 'S',
      GIT_COMMITTER_EMAIL: 's@e.com',
      GIT_AUTHOR_DATE: iso,
      GIT_COMMITTER_DATE: iso,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_SYSTEM: '/dev/null',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
