import type { FileKind } from '../../common/model/kinds.js';

/** What the main thread asks the worker: analyse one big contract file, read git status, merge a big file, or bring the history facts up to date, off the thread. */
export type WorkerRequest =
  | { id: number; op: 'analyse'; path: string; kind: FileKind; text: string }
  | { id: number; op: 'status'; dir: string }
  | { id: number; op: 'merge'; path: string; base: string; mine: string; theirs: string }
  | { id: number; op: 'history'; dir: string };
