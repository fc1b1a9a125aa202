/**
 * The worker thread of core/node (see ./offload.ts): analyses big contract files (the same pure analysis as the main
 * thread, posted back as plain data) and walks the working tree for git status. Holds no state between messages
 * beyond caches of immutable things (git trees by oid).
 */
import { parentPort } from 'node:worker_threads';
import { CovenantError } from '../../common/errors.js';
import { mergeText } from '../../common/merge.js';
import { analyseToData } from '../../common/workspace.js';
import { localHistoryFacts } from '../git/history-facts.js';
import { statusWith } from '../git/status.js';
import { BLOCKING_FS } from './blocking-fs.js';
import type { WorkerRequest } from './protocol.js';

parentPort?.on('message', (req: WorkerRequest) => {
  void (async () => {
    try {
      const data =
        req.op === 'analyse'
          ? analyseToData(req.path, req.kind, req.text)
          : req.op === 'merge'
            ? mergeText(req.path, req.base, req.mine, req.theirs)
            : req.op === 'history'
              ? await localHistoryFacts(req.dir)
              : await statusWith(req.dir, BLOCKING_FS);
      parentPort!.postMessage({ id: req.id, data });
    } catch (e) {
      const err =
        e instanceof CovenantError ? { code: e.code, message: e.message, reason: e.reason, path: e.path } : { code: 'internal', message: (e as Error).message };
      parentPort!.postMessage({ id: req.id, error: err });
    }
  })();
});
