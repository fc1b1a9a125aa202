import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO } from './workspace.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `covenant` bin in a child process, as a user would. */
export function covenant(args: string[], cwd = REPO): CliRun {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'covenant.mjs'), ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
