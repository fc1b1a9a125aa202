import { spawn, spawnSync } from 'node:child_process';
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

/** The same, without blocking this process (for tests that serve something the CLI talks to). */
export function covenantAsync(args: string[], cwd = REPO, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'covenant.mjs'), ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a covenant command and SIGKILLs it after `ms` unless it finished first (the kill harnesses). */
export function covenantKilledAfter(args: string[], ms: number, env: NodeJS.ProcessEnv = IDENTITY): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'covenant.mjs'), ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(killed ? 'killed' : 'finished');
    });
  });
}
