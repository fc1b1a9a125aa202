/**
 * The worker thread that analyses big contract files (see ./offload.ts): the same pure analysis as the main thread,
 * posted back as plain data. It holds no state between messages.
 */
import { parentPort } from 'node:worker_threads';
import type { FileKind } from '../../common/model/kinds.js';
import { analyseToData } from '../../common/workspace.js';

export interface AnalysisRequest {
  id: number;
  path: string;
  kind: FileKind;
  text: string;
}

parentPort?.on('message', (req: AnalysisRequest) => {
  try {
    parentPort!.postMessage({ id: req.id, data: analyseToData(req.path, req.kind, req.text) });
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: (e as Error).message });
  }
});
