import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../test/helpers/workspace.js';
import { historyRepository } from './history.js';
import { GIT_ENV, median, type Row } from './lib.js';

const run = promisify(execFile);

/** Wall time (ms) and peak memory (MB) of a whole process. */
async function measured(cwd: string, cmd: string, args: string[]): Promise<{ ms: number; mb: number }> {
  const t0 = performance.now();
  const r = await run('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd, env: GIT_ENV, maxBuffer: 64 << 20 }).catch((e: { stderr: string }) => e);
  return { ms: performance.now() - t0, mb: Number(String(r.stderr).trim().split('\n').pop()) / 1024 };
}

/**
 * What a year of commits costs (issue 26): on repositories the generator grows to 1,000 and 5,000 commits, `covenant
 * commit` of 3 files, `status`, `log` and `log --file` as whole processes (after a first run), beside system git on
 * the same repository plus one bare `node -e 0` (the price of starting Node). The targets are issue 26's.
 */
export async function historyBench(): Promise<Row[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'covenant-historybench-'));
  const cli = path.join(REPO, 'bin', 'covenant.mjs');
  const rows: Row[] = [];
  try {
    const node = median(await Promise.all([0, 1, 2].map(async () => (await measured(root, process.execPath, ['-e', '0'])).ms)));
    // COVENANT_BENCH_HISTORY=1000 for a shorter run
    for (const commits of (process.env.COVENANT_BENCH_HISTORY ?? '1000,5000,50000').split(',').map(Number)) {
      const dir = path.join(root, `h${commits}`);
      historyRepository(dir, commits);
      const suite = `history (${commits.toLocaleString('en')} commits, 200 SOWs, 2,000 CRs)`;
      const cov = (...a: string[]) => measured(dir, process.execPath, [cli, ...a]);
      const git = (...a: string[]) => measured(dir, 'git', a);
      const first = await cov('log', '.', '--file', 'contracts/changes/CR-10.yaml');
      const firstTarget = commits <= 5000 ? 5000 : 30000;
      rows.push({
        suite,
        case: 'first run after the repository appeared: covenant log --file',
        value: first.ms,
        target: `<= ${firstTarget} ms`,
        ok: first.ms <= firstTarget,
      });
      rows.push({ suite, case: 'first run: peak memory', value: first.mb, unit: 'MB', target: '<= 300 MB', ok: first.mb <= 300 });
      // the first figures: the history facts (CR dates, master and SOW versions, signatures) read once, then kept
      const facts = await cov('validate', '.');
      rows.push({ suite, case: 'first validate (history facts and analyses kept)', value: facts.ms, note: `peak ${Math.round(facts.mb)} MB` });
      const pairs: [string, () => Promise<{ ms: number; mb: number }>, () => Promise<{ ms: number; mb: number }>][] = [
        ['status', () => cov('status', '.'), () => git('status', '--porcelain')],
        ['log', () => cov('log', '.'), () => git('log', '--oneline')],
        ['log --file', () => cov('log', '.', '--file', 'contracts/changes/CR-10.yaml'), () => git('log', '--oneline', '--', 'contracts/changes/CR-10.yaml')],
      ];
      let n = 0;
      const edit = () => {
        n++;
        for (const f of ['contracts/changes/CR-10.yaml', 'contracts/changes/CR-100.yaml', 'contracts/sow/SPRINT-100.yaml'])
          appendFileSync(path.join(dir, f), `x-bench-${n}: 1\n`);
      };
      pairs.push([
        'commit of 3 files',
        async () => (
          edit(),
          cov(
            'commit',
            '.',
            'contracts/changes/CR-10.yaml',
            'contracts/changes/CR-100.yaml',
            'contracts/sow/SPRINT-100.yaml',
            '-m',
            `bench ${n}`,
            '--allow-errors',
          )
        ),
        async () => (edit(), git('commit', '-qam', `bench ${n}`)),
      ]);
      for (const [what, ours, theirs] of pairs) {
        // medians of five runs each, taken in turns (a disk that is slow for a moment slows both)
        const [o, g] = [[] as { ms: number; mb: number }[], [] as { ms: number; mb: number }[]];
        for (let i = 0; i < 5; i++) [o[i], g[i]] = [await ours(), await theirs()];
        const [ms, gms] = [median(o.map((x) => x.ms)), median(g.map((x) => x.ms)) + node];
        rows.push({ suite, case: `${what}: covenant`, value: ms, note: `peak ${Math.round(Math.max(...o.map((x) => x.mb)))} MB` });
        rows.push({ suite, case: `${what}: git + node -e 0`, value: gms });
        rows.push({ suite, case: `${what} ratio`, value: ms / gms, unit: 'x', target: '<= 2x', ok: ms / gms <= 2 });
      }
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}
