/* eslint-disable no-restricted-syntax -- used on the worker thread, and by a CLI command walking on its own thread: a
   blocking call there holds nobody, and a walk of thousands of files is many times faster with them than with a
   thread-pool round trip per file. */
/**
 * The working-tree walk's file system calls, blocking (see git/status.ts WalkFs). Stats of a big walk are shared with
 * a helper thread on the worker, as git's core.preloadIndex spreads them.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { isMainThread, Worker } from 'node:worker_threads';
import { statLite, type StatLite, type WalkFs } from '../git/walk-fs.js';

function statSome(paths: string[]): (StatLite | null)[] {
  return paths.map((p) => {
    try {
      return statLite(lstatSync(p, { bigint: true }));
    } catch {
      return null;
    }
  });
}

/**
 * A helper thread for stats: lstat costs a few microseconds of system time per file, and git spreads it over threads
 * (core.preloadIndex); so does this worker, over itself and this helper, for walks large enough to be worth it.
 */
let helper: Worker | null | undefined;
const HELPER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { lstatSync } = require('node:fs');
const B = BigInt(1000000000);
parentPort.on('message', ({ id, paths }) => {
  const out = new Float64Array(paths.length * 3).fill(NaN);
  for (let i = 0; i < paths.length; i++) {
    try { const st = lstatSync(paths[i], { bigint: true }); out[3 * i] = Number(st.size); out[3 * i + 1] = Number(st.mtimeMs); out[3 * i + 2] = Number(st.mtimeNs % B); }
    catch {}
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});`;
let helperNext = 1;
const helperWaiting = new Map<number, (r: (StatLite | null)[] | null) => void>();
function statHelper(): Worker | null {
  if (helper !== undefined) return helper;
  try {
    helper = new Worker(HELPER_SOURCE, { eval: true });
    helper.unref();
    helper.on('message', ({ id, out }: { id: number; out: Float64Array }) => {
      const stats: (StatLite | null)[] = [];
      for (let i = 0; i < out.length; i += 3) stats.push(Number.isNaN(out[i]!) ? null : { size: out[i]!, ms: out[i + 1]!, ns: out[i + 2]! });
      helperWaiting.get(id)?.(stats);
      helperWaiting.delete(id);
    });
    const down = () => {
      for (const w of helperWaiting.values()) w(null);
      helperWaiting.clear();
      helper = null;
    };
    helper.on('error', down);
    helper.on('exit', down);
  } catch {
    helper = null;
  }
  return helper;
}

export const BLOCKING_FS: WalkFs = {
  readdir: async (p) => readdirSync(p, { withFileTypes: true }),
  async statMany(paths) {
    const h = paths.length >= 1000 && !isMainThread ? statHelper() : null; // a helper's start costs more than one CLI walk saves
    if (!h) return statSome(paths);
    const half = Math.floor(paths.length / 2);
    const id = helperNext++;
    const theirs = new Promise<(StatLite | null)[] | null>((resolve) => helperWaiting.set(id, resolve));
    h.postMessage({ id, paths: paths.slice(half) });
    const mine = statSome(paths.slice(0, half));
    const rest = (await theirs) ?? statSome(paths.slice(half));
    return mine.concat(rest);
  },
  readFile: async (p) => readFileSync(p),
  statBig: async (p) => statSync(p, { bigint: true }),
  readlink: async (p) => readlinkSync(p),
};
