import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clone, pull, push } from '../core/node/git/remote.js';
import { commit } from '../core/node/git/commit.js';
import { gitHttpServer } from '../test/helpers/git-server.js';
import { signed } from '../test/helpers/git.js';
import { generatedWorkspace } from './generate.js';
import { timedRuns, type Row, GIT_ENV } from './lib.js';

const ENV = GIT_ENV;
const sys = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
/** System git talking to the server in this process: asynchronous, or the server could not answer it. */
const run = promisify(execFile);
const sysNet = (dir: string, ...args: string[]) => run('git', args, { cwd: dir, env: ENV, maxBuffer: 64 * 1024 * 1024 });
const WHO = signed({ name: 'Bench', email: 'b@example.com' });
const RUNS = 5;

const timed = (fn: (i: number) => Promise<unknown> | unknown, before?: (i: number) => Promise<unknown> | unknown) => timedRuns(RUNS, fn, before);

/**
 * Clone, pull and push of a 2,000-file contract over smart HTTP (system git's http-backend on 127.0.0.1), Covenant
 * (isomorphic-git in the app's process) beside system git through the same server. Pull and push move a commit of 3
 * changed files.
 */
export async function remoteBench(): Promise<Row[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'covenant-remotebench-'));
  const server = await gitHttpServer(path.join(root, 'srv'));
  const rows: Row[] = [];
  try {
    const seed = path.join(root, 'seed');
    const files = generatedWorkspace(200, 1796);
    for (const [rel, text] of files) {
      mkdirSync(path.dirname(path.join(seed, rel)), { recursive: true });
      writeFileSync(path.join(seed, rel), text);
    }
    sys(seed, 'init', '-q', '-b', 'main');
    sys(seed, 'add', '-A');
    sys(seed, 'commit', '-q', '-m', 'base');
    mkdirSync(path.join(root, 'srv'));
    sys(root, 'clone', '-q', '--bare', seed, path.join(root, 'srv', 'contract.git'));
    const url = `${server.url}/contract.git`;
    const suite = `sync over HTTP (${files.size.toLocaleString('en')} files; pull and push move 3 changed files)`;

    const oursClone = await timed((i) => clone(url, path.join(root, `ours-${i}`)));
    const sysClone = await timed((i) => sysNet(root, 'clone', '-q', url, path.join(root, `sys-${i}`)));
    rows.push({ suite, case: 'clone: Covenant', value: oursClone });
    rows.push({ suite, case: 'clone: system git clone', value: sysClone });
    rows.push({ suite, case: 'clone ratio', value: oursClone / sysClone, unit: 'x', target: '<= 3x', ok: oursClone / sysClone <= 3 });

    // another party pushes a commit of 3 changed files before each pull
    const other = path.join(root, 'sys-0');
    const changed = ['contracts/changes/CR-10.yaml', 'contracts/changes/CR-1000.yaml', 'contracts/sow/SPRINT-100.yaml'];
    let n = 0;
    const theyPush = async () => {
      n++;
      for (const rel of changed) writeFileSync(path.join(other, rel), `${readFileSync(path.join(other, rel), 'utf8')}x-bench-${n}: 1\n`);
      sys(other, 'commit', '-q', '-am', `change ${n}`);
      await sysNet(other, 'push', '-q', 'origin', 'main');
    };
    const mine = path.join(root, 'ours-0');
    const sysMine = path.join(root, 'sys-1');
    const oursPull = await timed(() => pull(mine, WHO), theyPush);
    const sysPull = await timed(() => sysNet(sysMine, 'pull', '-q', '--ff-only', 'origin', 'main'), theyPush);
    rows.push({ suite, case: 'pull (fast-forward): Covenant', value: oursPull });
    rows.push({ suite, case: 'pull (fast-forward): system git pull', value: sysPull });
    rows.push({ suite, case: 'pull ratio', value: oursPull / sysPull, unit: 'x', target: '<= 2x', ok: oursPull / sysPull <= 2 });

    // each push sends a new commit of 3 changed files; both clones stay current by pulling untimed first
    let m = 0;
    const weCommit = async () => {
      m++;
      await pull(mine, WHO);
      for (const rel of changed) writeFileSync(path.join(mine, rel), `${readFileSync(path.join(mine, rel), 'utf8')}x-ours-${m}: 1\n`);
      await commit(mine, changed, `ours ${m}`, WHO);
    };
    const oursPush = await timed(() => push(mine), weCommit);
    const sysCommit = async () => {
      m++;
      await sysNet(sysMine, 'pull', '-q', '--ff-only', 'origin', 'main');
      for (const rel of changed) writeFileSync(path.join(sysMine, rel), `${readFileSync(path.join(sysMine, rel), 'utf8')}x-sys-${m}: 1\n`);
      sys(sysMine, 'commit', '-q', '-am', `sys ${m}`);
    };
    const sysPush = await timed(() => sysNet(sysMine, 'push', '-q', 'origin', 'main'), sysCommit);
    rows.push({ suite, case: 'push: Covenant', value: oursPush });
    rows.push({ suite, case: 'push: system git push', value: sysPush });
    rows.push({ suite, case: 'push ratio', value: oursPush / sysPush, unit: 'x', note: 'no target named; reported' });
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}
