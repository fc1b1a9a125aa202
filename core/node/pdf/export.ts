import { CovenantError } from '../../common/errors.js';
import type { Snapshot } from '../../common/workspace.js';
import type { Provenance } from '../../common/provenance.js';
import { renderPdf, type PdfScope } from './summary.js';
import { prepared } from '../analysis/offload.js';

function requireScope(snap: Snapshot, scope: PdfScope): void {
  if (scope.kind === 'contract') return;
  const model = snap.model;
  const found = scope.kind === 'sow' ? model.sow(scope.id) : model.cr(scope.id);
  if (found) return;
  const kind = scope.kind === 'sow' ? 'SOW' : 'change request';
  const known = scope.kind === 'sow' ? model.knownIds.sow : model.knownIds.cr;
  if (known.has(scope.id))
    throw new CovenantError('invalid-input', `The ${kind} ${scope.id} fails its schema, so it cannot be summarised; run covenant validate for its problems.`);
  throw new CovenantError('not-found', `There is no ${kind} ${scope.id} in this workspace.`);
}

/**
 * The PDF summary of a snapshot (which must carry git's facts): the whole contract, one SOW or one change request,
 * showing what `provenance` says (the footer says so on every page). A part that cannot be made is named in
 * `problems` (and in the PDF), never dropped in silence.
 */
export async function exportPdf(root: string, snap: Snapshot, scope: PdfScope, provenance: Provenance): Promise<{ pdf: Buffer; problems: string[] }> {
  requireScope(snap, scope);
  await prepared(snap);
  const { diagnostics } = await snap.validateSliced();
  const problems: string[] = [];
  // a SOW or CR page shows what changed since it was last approved: what the committee signs this time
  const path = scope.kind === 'sow' ? snap.model.sow(scope.id)?.path : scope.kind === 'cr' ? snap.model.cr(scope.id)?.path : undefined;
  const redline = path
    ? await (await import('../approvals.js')).redline(root, snap, path).catch((e: Error) => {
        problems.push(`The changes of ${path} since its last approval could not be read: ${e.message}`);
        return undefined;
      })
    : undefined;
  const pdf = await renderPdf({ snapshot: snap, figures: snap.figures(), diagnostics, provenance, redline, problems }, scope);
  return { pdf, problems };
}
