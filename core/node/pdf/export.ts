import { CovenantError } from '../../common/errors.js';
import type { Snapshot } from '../../common/workspace.js';
import { findRepo, git } from '../git/repo.js';
import { status } from '../git/status.js';
import { renderPdf, type PdfScope, type Provenance } from './summary.js';
import { prepared } from '../analysis/offload.js';

/** Which commit the document shows, whether the working tree differs from it, and which unsaved buffers it includes. */
export async function provenance(root: string, unsaved: readonly string[] = [], now = new Date()): Promise<Provenance> {
  const generatedAt = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const repo = await findRepo(root);
  if (!repo) return { generatedAt, commit: null, dirty: false, unsaved };
  const commit = await git.resolveRef({ ...repo.opts, ref: 'HEAD' }).catch(() => null);
  // a status that cannot be read is not "clean": the export fails rather than claim what it cannot know
  const dirty = (await status(root)).length > 0;
  return { generatedAt, commit, dirty, unsaved };
}

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
 * The PDF summary of a snapshot (which must carry git's facts): the whole contract, one SOW or one change request.
 * The snapshot says whether unsaved buffers are in it; the footer says so on every page.
 */
export async function exportPdf(root: string, snap: Snapshot, scope: PdfScope, now?: Date): Promise<Buffer> {
  requireScope(snap, scope);
  await prepared(snap);
  const { diagnostics } = await snap.validateSliced();
  // a SOW or CR page shows what changed since it was last approved: what the committee signs this time
  const path = scope.kind === 'sow' ? snap.model.sow(scope.id)?.path : scope.kind === 'cr' ? snap.model.cr(scope.id)?.path : undefined;
  const redline = path ? await (await import('../approvals.js')).redline(root, snap, path).catch(() => undefined) : undefined;
  return renderPdf({ snapshot: snap, figures: snap.figures(), diagnostics, provenance: await provenance(root, snap.unsaved, now), redline }, scope);
}
