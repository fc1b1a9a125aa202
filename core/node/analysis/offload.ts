/**
 * Work that would hold the main process (in Electron, every window) runs on a worker thread: the analysis of big
 * contract files, and git status's walk of the working tree. One worker, started on first need, serves requests in
 * order and lets the process exit while it is idle. If it cannot start or dies, the work is done on the main thread
 * instead: slower, never wrong.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileKind } from '../../common/model/kinds.js';
import type { AnalysisData, Offload, Snapshot } from '../../common/workspace.js';
import type { FileChange } from '../../common/api.js';
import { CovenantError, type ErrorCode, type ErrorReason } from '../../common/errors.js';
import type { TextMerge } from '../../common/merge.js';
import type { WorkerRequest } from './protocol.js';
import type { AnalysisCache } from './disk-cache.js';
import type { HistoryFacts } from '../git/facts-types.js';

/** At roughly 1-2 MB/s of YAML, 64 KB is a few tens of milliseconds: below it a message round trip costs more. */
export const OFFLOAD_MIN_CHARS = 64 * 1024;

interface Reply {
  id: number;
  data?: unknown;
  error?: { code: ErrorCode; message: string; reason?: ErrorReason; path?: string };
}

type Pending = { resolve: (d: unknown) => void; reject: (e: Error) => void };

/**
 * How to start the worker: the bundled file beside the bundle that holds this module, or, when running from the
 * TypeScript sources (tests, bench), the source file through tsx's loader (a worker does not inherit it).
 */
function startWorker(): Worker {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(
      createRequire(import.meta.url)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const source = pathToFileURL(path.join(path.dirname(here), 'worker.ts')).href;
    return new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(source)}); });`, { eval: true });
  }
  const dir = path.dirname(here);
  return new Worker(path.join(path.basename(dir) === 'chunks' ? path.dirname(dir) : dir, 'analysis-worker.mjs'));
}

export class CoreWorker implements Offload {
  readonly minChars: number;
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(minChars: number) {
    this.minChars = minChars;
  }

  analyse(file: string, kind: FileKind, text: string): Promise<AnalysisData | null> {
    return this.request({ op: 'analyse', path: file, kind, text }) as Promise<AnalysisData | null>;
  }

  /** git status of `dir` walked on the worker; null when the worker is not available (the caller walks itself). */
  status(dir: string): Promise<FileChange[] | null> {
    return this.request({ op: 'status', dir }) as Promise<FileChange[] | null>;
  }

  /** The history facts of the repository at `dir`, brought up to date on the worker; null when it is not available. */
  history(dir: string): Promise<HistoryFacts | null> {
    return this.request({ op: 'history', dir }) as Promise<HistoryFacts | null>;
  }

  /** A three-way merge of one file (merge.ts mergeText) on the worker; null when the worker is not available. */
  merge(file: string, base: string, mine: string, theirs: string): Promise<TextMerge | null> {
    return this.request({ op: 'merge', path: file, base, mine, theirs }) as Promise<TextMerge | null>;
  }

  private request(req: WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never): Promise<unknown> {
    const worker = this.start();
    if (!worker) return Promise.resolve(null);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...req, id } as WorkerRequest);
    });
  }

  private start(): Worker | null {
    if (this.worker) return this.worker;
    let worker: Worker;
    try {
      worker = startWorker();
    } catch {
      return null;
    }
    worker.on('message', (reply: Reply) => {
      const done = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.error) done?.reject(new CovenantError(reply.error.code, reply.error.message, { reason: reply.error.reason, path: reply.error.path }));
      else done?.resolve(reply.data ?? null);
    });
    const fail = () => {
      // answer everything still waiting with null: the callers do that work themselves
      for (const done of this.pending.values()) done.resolve(null);
      this.pending.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Stops the worker (tests; the process otherwise lets it idle). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

let shared: CoreWorker | null = null;
let alone = false;

/** This process runs one command for one person (the CLI): work that would hold an app's main process runs here. */
export function runAlone(): void {
  alone = true;
}

export function isAlone(): boolean {
  return alone;
}

/** The process's worker. */
export function coreWorker(): CoreWorker {
  return (shared ??= new CoreWorker(OFFLOAD_MIN_CHARS));
}

/** Analyses the snapshot's files without holding the event loop: small ones in slices, big ones on the worker. */
/** A three-way merge of one file: on the worker when the texts are big (a 20,000-key CR never holds the process), else here. */
export async function mergeOffThread(file: string, base: string, mine: string, theirs: string): Promise<TextMerge> {
  const size = base.length + mine.length + theirs.length;
  const { mergeText } = await import('../../common/merge.js');
  if (size < OFFLOAD_MIN_CHARS) return mergeText(file, base, mine, theirs);
  return (await coreWorker().merge(file, base, mine, theirs)) ?? mergeText(file, base, mine, theirs);
}

let keptIn: string | null = null;
let kept: Promise<AnalysisCache | null> | null = null;

/** A CLI command on a repository's workspace: analyses are kept between commands (disk-cache.ts), read when first needed. */
export function keepAnalyses(commondir: string): void {
  if (alone) [keptIn, kept] = [commondir, null];
}

export async function prepared(snapshot: Snapshot): Promise<Snapshot> {
  const dir = keptIn;
  if (dir && !kept) kept = import('./disk-cache.js').then(({ AnalysisCache }) => AnalysisCache.open(dir)).catch(() => null);
  const cache = kept && (await kept);
  if (!cache) return snapshot.prepare(8, coreWorker());
  await snapshot.prepare(8, cache);
  await cache.save();
  return snapshot;
}
