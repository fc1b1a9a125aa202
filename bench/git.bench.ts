import { signed } from '../test/helpers/git.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppState } from '../core/node/app-state.js';
import { Session } from '../core/node/session.js';
import { commit } from '../core/node/git/commit.js';
import { status } from '../core/node/git/status.js';
import { generatedWorkspace } from './generate.js';
import { timedRuns, type Row, GIT_ENV } from './lib.js';

const ENV = GIT_ENV;
const sys = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
const tick = () => new Promise((r) => setTimeout(r, 30));

const timed = timedRuns;

export async function gitBench(): Promise<Row[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'covenant-gitbench-'));
  const rows: Row[] = [];
  try {
    // 5,000 files, 3 changed
    const dir = path.join(root, 'ws');
    const files = generatedWorkspace(500, 4496);
    for (const [rel, text] of files) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    sys(dir, 'init', '-q', '-b', 'main');
    sys(dir, 'add', '-A');
    sys(dir, 'commit', '-q', '-m', 'base');
    const count = files.size;
    const changed = ['contracts/changes/CR-10.yaml', 'contracts/changes/CR-2000.yaml', 'contracts/sow/SPRINT-100.yaml'];
    let n = 0;
    const touch = async () => {
      n++;
      for (const rel of changed) writeFileSync(path.join(dir, rel), `${files.get(rel)}x-bench: ${n}\n`);
      await tick();
    };
    await touch();
    await status(dir); // warm the object cache as a running app has it
    const ours = await timed(7, () => status(dir));
    const theirs = await timed(7, () => sys(dir, 'status', '--porcelain'));
    const suite = `git (${count.toLocaleString('en')} files, 3 changed)`;
    rows.push({ suite, case: 'status: Covenant (index stats, isomorphic-git objects)', value: ours, target: '<= 300 ms', ok: ours <= 300 });
    rows.push({ suite, case: 'status: system git status --porcelain', value: theirs });
    rows.push({ suite, case: 'status ratio', value: ours / theirs, unit: 'x', target: '<= 2x', ok: ours / theirs <= 2 });

    const author = { name: 'Bench', email: 'b@example.com' };
    const oursCommit = await timed(7, () => commit(dir, changed, `bench ${n}`, signed(author)), touch);
    const theirsCommit = await timed(
      7,
      () => {
        sys(dir, 'add', '--', ...changed);
        sys(dir, 'commit', '-q', '-m', `sys ${n}`);
      },
      touch,
    );
    rows.push({ suite, case: 'commit 3 files: Covenant', value: oursCommit, target: '<= 300 ms', ok: oursCommit <= 300 });
    rows.push({ suite, case: 'commit 3 files: system git add + commit', value: theirsCommit });
    rows.push({ suite, case: 'commit ratio', value: oursCommit / theirsCommit, unit: 'x', target: '<= 5x', ok: oursCommit / theirsCommit <= 5 });

    // history of 5,000 commits, made quickly with git fast-import (merges of a side branch every 100 commits)
    const hist = path.join(root, 'hist');
    mkdirSync(hist);
    sys(hist, 'init', '-q', '-b', 'main');
    let stream = '';
    const COMMITS = 5000;
    for (let i = 1; i <= COMMITS; i++) {
      const body = `id: CR-${i % 50}\nsummary: change ${i}\n`;
      const msg = `CR-${i % 50}: change ${i}`;
      stream += `commit refs/heads/main\nmark :${i}\ncommitter Bench <b@example.com> ${1_700_000_000 + i * 60} +0100\ndata ${Buffer.byteLength(msg)}\n${msg}\n`;
      if (i > 1) stream += `from :${i - 1}\n`;
      stream += `M 100644 inline contracts/changes/CR-${i % 50}.yaml\ndata ${Buffer.byteLength(body)}\n${body}\n`;
    }
    const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: hist, input: stream, env: ENV });
    if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
    sys(hist, 'reset', '-q', '--hard', 'main');
    sys(hist, 'tag', 'v1', 'HEAD~10');
    const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'covenant.mjs');
    const proc = (cmd: string, args: string[]) => () => {
      const p = spawnSync(cmd, args, { cwd: hist, env: ENV, maxBuffer: 256 * 1024 * 1024 });
      if (p.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${p.stderr}`);
    };
    const file = 'contracts/changes/CR-7.yaml';
    const firstRun = await timed(1, proc(process.execPath, [bin, 'log', hist, '--file', file])); // builds the commit index
    const nodeStart = await timed(7, proc(process.execPath, ['-e', '0']));
    const lsuite = `git log (${COMMITS.toLocaleString('en')} commits, whole processes)`;
    const pair = async (what: string, ours: string[], theirs: string[]) => {
      const o = await timed(7, proc(process.execPath, [bin, ...ours]));
      const t = await timed(7, proc('git', theirs));
      const ratio = o / (t + nodeStart);
      rows.push({ suite: lsuite, case: `${what}: covenant ${ours.join(' ').replace(hist, 'DIR')}`, value: o });
      rows.push({ suite: lsuite, case: `${what}: git ${theirs.join(' ')}`, value: t });
      rows.push({ suite: lsuite, case: `${what} ratio: covenant / (git + node -e 0)`, value: ratio, unit: 'x', target: '<= 5x', ok: ratio <= 5 });
    };
    rows.push({ suite: lsuite, case: 'first run (builds .git/covenant/commits.json)', value: firstRun });
    rows.push({ suite: lsuite, case: 'node -e 0', value: nodeStart });
    await pair('log', ['log', hist], ['log', '--format=%h %ad %an %d %s', '--date=short']);
    await pair('log --file', ['log', hist, '--file', file], ['log', '--format=%h %ad %an %d %s', '--date=short', '--', file]);
    const session = new Session({ mode: 'browser', state: new AppState(mkdtempSync(path.join(tmpdir(), 'covenant-state-'))), watch: false });
    await session.open(hist);
    await session.handlers['dashboard.get'](); // the history's facts, read once a workspace opens, are in: log alone is timed
    const view = await timed(5, () => session.handlers['git.log']({ limit: 500 }));
    await session.close();
    rows.push({ suite: lsuite, case: 'History view: git.log of 500 (in the app process)', value: view, target: '< 1000 ms', ok: view < 1000 });
    rows.push(await bigHistoryForBench(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

/** The red team's history: ten versions of a 1.8 MB CR. Reading git's facts (what metrics waits for) is bounded. */
export async function bigHistoryForBench(root: string): Promise<Row> {
  const dir = path.join(root, 'big-history');
  mkdirSync(path.join(dir, 'contracts/changes'), { recursive: true });
  writeFileSync(
    path.join(dir, 'contracts/master_contract.yaml'),
    'version: 1\nmeta: {id: m, effective_date: 2025-01-01}\ngovernance: {decision_rights: [{area: scope, owner: client, sla_days: 3}]}\nchange_policy: {thresholds: {budget_delta_pct_major: 10, schedule_slip_days_major: 10, risk_score_major: 8}}\n',
  );
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env: GIT_ENV });
  for (let v = 0; v < 10; v++) {
    const notes = Array.from({ length: 30_000 }, (_, i) => `  n${i}: "version ${v} note ${i} ${'x'.repeat(40)}"`).join('\n');
    writeFileSync(
      path.join(dir, 'contracts/changes/CR-1.yaml'),
      `id: CR-1\nrequestor: client\nsummary: Big\nimpact_analysis: {budget_delta_pct: 1, schedule_slip_days: 0, risk_score: 1}\ndecision: {status: ${v < 5 ? 'proposed' : 'approved'}}\nx-notes:\n${notes}\n`,
    );
    execFileSync('git', ['add', '-A'], { cwd: dir, env: GIT_ENV });
    execFileSync('git', ['commit', '-q', '-m', `v${v}`], { cwd: dir, env: GIT_ENV });
  }
  const { gitFacts } = await import('../core/node/figures.js');
  const { loadWorkspace } = await import('../core/node/workspace-loader.js');
  const { snapshot } = await loadWorkspace(dir);
  const ms = await timedRuns(3, () => gitFacts(dir, snapshot));
  return {
    suite: 'git history (10 versions of a 1.8 MB CR)',
    case: "git's facts read (metrics waits for them)",
    value: ms,
    target: '<= 3000 ms',
    ok: ms <= 3000,
  };
}
