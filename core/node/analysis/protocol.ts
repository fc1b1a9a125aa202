import type { FileKind } from '../../common/model/kinds.js';

/** What the main thread asks the analysis worker: analyse one big contract file, or read git status off the thread. */
export type WorkerRequest = { id: number; op: 'analyse'; path: string; kind: FileKind; text: string } | { id: number; op: 'status'; dir: string };
