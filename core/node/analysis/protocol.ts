import type { FileKind } from '../../common/model/kinds.js';

/** What the main thread asks the analysis worker: analyse one big contract file, read git status, or merge a big file, off the thread. */
export type WorkerRequest =
  | { id: number; op: 'analyse'; path: string; kind: FileKind; text: string }
  | { id: number; op: 'status'; dir: string }
  | { id: number; op: 'merge'; path: string; base: string; mine: string; theirs: string };
