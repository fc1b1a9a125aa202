import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { status } from '../core/node/git/status.js';
import { OpenWorkspace } from '../core/node/workspace-service.js';
import { generatedWorkspace } from './generate.js';
import { median, type Row } from './lib.js';

const EXAMPLE = fileURLToPath(new URL('../resources/examples/onboarding-redesign', import.meta.url));

/** A 5,000-file workspace on disk as a git repository (made with system git, the referee, to keep the setup fast). */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'covenant-stall-'));
  for (const [p, text] of generatedWorkspace(500, 4499)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@e',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@e',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-q', '-m', 'bench'], { cwd: dir, env });
  return dir;
}

/** The longest event-loop stall (ms) while `run` works: what a person waits for in the Electron main process. */
async function longestStall(run: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  // the monitor records the gap between two of its ticks: let it tick once before the work starts
  await new Promise((r) => setTimeout(r, 12));
  await run();
  // a stall is recorded when the monitor's timer finally runs: give it that turn before reading
  await new Promise((r) => setTimeout(r, 20));
  h.disable();
  return h.max / 1e6;
}

export async function stallBench(): Promise<Row[]> {
  if (spawnSync('git', ['--version']).error)
    return [{ suite: 'event loop', case: 'skipped: system git is needed to set up the 5,000-file repository', value: NaN, target: '', ok: true }];
  const dir = workspace();
  try {
    const open: number[] = [];
    const validate: number[] = [];
    const git: number[] = [];
    for (let i = 0; i < 3; i++) {
      let ws: OpenWorkspace | null = null;
      open.push(await longestStall(async () => (ws = await OpenWorkspace.open(dir, () => undefined, { watch: false }))));
      validate.push(await longestStall(() => ws!.validate({})));
      git.push(await longestStall(() => status(dir)));
      await ws!.close();
    }
    const row = (c: string, v: number) => ({ suite: 'event loop, 5,000 files', case: `longest stall: ${c}`, value: v, target: '<= 50 ms', ok: v <= 50 });
    return [row('open', median(open)), row('validate (all files parsed)', median(validate)), row('git status', median(git)), ...(await bigFile())];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One 4.9 MB contract beside the example: analysed on the main thread (before) and on the worker (now). */
async function bigFile(): Promise<Row[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'covenant-big-'));
  try {
    cpSync(EXAMPLE, dir, { recursive: true });
    const line = (i: number) => `  - "note ${i}: the steering committee asked for this line to be kept verbatim, word for word"`;
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 4.9 * 1024 * 1024; i++) size += lines[lines.push(line(i)) - 1]!.length + 1;
    const sow = readFileSync(path.join(dir, 'contracts/sow/SPRINT-07.yaml'), 'utf8').replace('id: SPRINT-07', 'id: SPRINT-08');
    writeFileSync(path.join(dir, 'contracts/sow/SPRINT-08.yaml'), `${sow}x-notes:\n${lines.join('\n')}\n`);
    const inline: number[] = [];
    const offloaded: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ws = await OpenWorkspace.open(dir, () => undefined, { watch: false });
      inline.push(await longestStall(() => ws.snapshot.prepare()));
      await ws.close();
      const ws2 = await OpenWorkspace.open(dir, () => undefined, { watch: false });
      offloaded.push(await longestStall(() => ws2.validate({})));
      await ws2.close();
    }
    const suite = 'event loop, one 4.9 MB contract';
    return [
      { suite, case: 'longest stall: parsed on the main thread (before)', value: median(inline) },
      { suite, case: 'longest stall: validate, parsed on the worker', value: median(offloaded), target: '<= 50 ms', ok: median(offloaded) <= 50 },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
