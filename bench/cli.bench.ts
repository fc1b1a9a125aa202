import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO } from '../test/helpers/workspace.js';
import { median, type Row } from './lib.js';

/** Wall time of whole processes, as a user or a CI job pays it. */
function run(args: string[], n = 9): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    spawnSync(process.execPath, args, { cwd: REPO, stdio: 'ignore' });
    times.push(performance.now() - t);
  }
  return median(times);
}

export async function cliBench(): Promise<Row[]> {
  const bin = path.join(REPO, 'bin', 'covenant.mjs');
  const bare = run(['-e', '0']);
  const help = run([bin, '--help']);
  const validate = run([bin, 'validate', 'resources/examples/onboarding-redesign']);
  return [
    { suite: 'CLI start', case: 'node -e 0 (baseline)', value: bare, target: '', ok: true },
    { suite: 'CLI start', case: `covenant --help = ${(help / bare).toFixed(1)}x node`, value: help, target: '<= 3x node', ok: help <= 3 * bare },
    {
      suite: 'CLI start',
      case: `covenant validate example = ${(validate / bare).toFixed(1)}x node`,
      value: validate,
      target: '<= 8x node',
      ok: validate <= 8 * bare,
    },
  ];
}
