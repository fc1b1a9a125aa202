import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO } from './workspace.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `covenant` bin in a child process, as a user would. */
export function covenant(args: string[], cwd = REPO, env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'covenant.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Git's identity variables for a CLI run that commits (tests run with no git configuration of their own). */
export const IDENTITY = {
  GIT_AUTHOR_NAME: 'Cli Tester',
  GIT_AUTHOR_EMAIL: 'cli@example.com',
  GIT_COMMITTER_NAME: 'Cli Tester',
  GIT_COMMITTER_EMAIL: 'cli@example.com',
};
