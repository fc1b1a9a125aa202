import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gitHttpServer } from '../test/helpers/git-server.js';
import { REPO } from '../test/helpers/workspace.js';
import { GIT_ENV, type Row } from './lib.js';

const run = promisify(execFile);
const sys = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, stdio: 'ignore' });

/** Peak resident memory (MB) and wall time (ms) of a whole process, as /usr/bin/time measures it. */
async function measured(cmd: string, args: string[]): Promise<{ mb: number; ms: number }> {
  const t0 = performance.now();
  const { stderr } = await run('/usr/bin/time', ['-f', '%M', cmd, ...args], { env: GIT_ENV, maxBuffer: 16 << 20 });
  return { mb: Number(stderr.trim().split('\n').pop()) / 1024, ms: performance.now() - t0 };
}

function repository(root: string, name: string, fill: (dir: string) => void): void {
  const seed = path.join(root, `${name}-seed`);
  mkdirSync(seed, { recursive: true });
  sys(seed, 'init', '-q', '-b', 'main');
  fill(seed);
  sys(seed, 'add', '-A');
  sys(seed, 'commit', '-q', '-m', name);
  sys(root, 'clone', '-q', '--bare', seed, path.join(root, 'srv', `${name}.git`));
  sys(path.join(root, 'srv', `${name}.git`), 'gc', '-q');
  rmSync(seed, { recursive: true, force: true });
}

/**
 * Clone's peak memory beside system git's (issue 25, item 4): a 512 MB blob of zeros (a pack of 0.5 MB) and 100,000
 * small files, each cloned once by the `covenant` process and by `git clone` through the same smart-HTTP server. The
 * CLI's own floor (`covenant --help`) is a row too: Node and the bundle cost that much before any work.
 */
export async function cloneBench(): Promise<Row[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'covenant-clonebench-'));
  mkdirSync(path.join(root, 'srv'));
  const server = await gitHttpServer(path.join(root, 'srv'));
  const rows: Row[] = [];
  const cli = path.join(REPO, 'bin', 'covenant.mjs');
  try {
    repository(root, 'zero', (d) => execFileSync('sh', ['-c', `head -c ${512 << 20} /dev/zero > '${path.join(d, 'zero.bin')}'`]));
    repository(root, 'many', (d) => {
      for (let k = 0; k < 100; k++) {
        mkdirSync(path.join(d, 'f', String(k)), { recursive: true });
        for (let i = 0; i < 1000; i++) writeFileSync(path.join(d, 'f', String(k), `${i}.txt`), `file ${k} ${i}\n`);
      }
    });
    const floor = await measured(process.execPath, [cli, '--help']);
    rows.push({ suite: 'clone memory', case: 'covenant --help (the process floor)', value: floor.mb, unit: 'MB' });
    for (const [name, what] of [
      ['zero', 'a 512 MB blob of zeros'],
      ['many', '100,000 small files'],
    ] as const) {
      const suite = `clone memory (${what})`;
      const url = `${server.url}/${name}.git`;
      const ours = await measured(process.execPath, [cli, 'clone', url, path.join(root, `ours-${name}`)]);
      rmSync(path.join(root, `ours-${name}`), { recursive: true, force: true });
      const git = await measured('git', ['clone', '-q', url, path.join(root, `git-${name}`)]);
      rmSync(path.join(root, `git-${name}`), { recursive: true, force: true });
      rows.push({ suite, case: 'peak memory: covenant clone', value: ours.mb, unit: 'MB' });
      rows.push({ suite, case: 'peak memory: git clone', value: git.mb, unit: 'MB' });
      rows.push({ suite, case: 'peak memory ratio', value: ours.mb / git.mb, unit: 'x', target: '<= 2x', ok: ours.mb / git.mb <= 2 });
      rows.push({ suite, case: 'peak memory above the floor, ratio', value: (ours.mb - floor.mb) / git.mb, unit: 'x', note: 'what the clone itself adds' });
      rows.push({ suite, case: 'time: covenant clone', value: ours.ms });
      rows.push({ suite, case: 'time: git clone', value: git.ms });
    }
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}
