import { ApiFailure } from '../../common/api.js';
import { classifyPath, idFromPath } from '../../common/model/kinds.js';
import { asString, dig } from '../../common/model/read.js';
import type { ContractEngine } from '../../common/workspace.js';
import { figuresForFolder } from '../figures.js';
import { git, fs, isRepository } from '../git/repo.js';
import { status } from '../git/status.js';
import { renderPdf, type PdfScope, type Provenance } from './summary.js';

/** Which commit the document shows, and whether the working tree differs from it. */
export async function provenance(root: string, now = new Date()): Promise<Provenance> {
  const generatedAt = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (!isRepository(root)) return { generatedAt, commit: null, dirty: false };
  const commit = await git.resolveRef({ fs, dir: root, ref: 'HEAD' }).catch(() => null);
  const dirty = (await status(root).catch(() => [])).length > 0;
  return { generatedAt, commit, dirty };
}

function requireScope(engine: ContractEngine, scope: PdfScope): void {
  if (scope.kind === 'contract') return;
  const kind = scope.kind === 'sow' ? 'sow' : 'cr';
  const found = engine.contractPaths().some((p) => classifyPath(p) === kind && (asString(dig(engine.parsed(p)?.value, 'id')) ?? idFromPath(p)) === scope.id);
  if (!found) throw new ApiFailure('not-found', `There is no ${kind === 'sow' ? 'SOW' : 'change request'} ${scope.id} in this workspace.`);
}

/** The PDF summary of a workspace read from disk: the whole contract, one SOW or one change request. */
export async function exportPdf(root: string, engine: ContractEngine, scope: PdfScope, now?: Date): Promise<Buffer> {
  requireScope(engine, scope);
  const figures = await figuresForFolder(root, engine);
  const { diagnostics } = engine.validate();
  return renderPdf({ engine, figures, diagnostics, provenance: await provenance(root, now) }, scope);
}
