import { describe, expect, it } from 'vitest';
import { ContractEngine } from '../../../core/common/workspace.js';
import { CR, diagnosticsOf, engineWith, exampleFiles, MASTER, SEED_FILE, seedFromSharedDocument, seedSkeletons, SOW } from '../../helpers/workspace.js';

describe('the canonical examples of the source document', () => {
  const seed = seedSkeletons();

  it.each([
    ['master contract', MASTER, seed.master],
    ['SOW', SOW, seed.sow],
    ['change request', CR, seed.cr],
  ])('the %s skeleton validates against its schema with zero diagnostics, exactly as written', (_label, path, text) => {
    const engine = new ContractEngine();
    engine.setText(path, text);
    // A lone skeleton may only miss its neighbours (the master, the CR a SOW links to, the ADR file): nothing of its own.
    const own = engine.validate({ today: '2025-10-20' }).diagnostics.filter((d) => !['no-master', 'unknown-reference', 'missing-evidence'].includes(d.code));
    expect(own).toEqual([]);
  });

  it('the three skeletons together with the files they name validate with zero diagnostics', () => {
    expect(diagnosticsOf(engineWith())).toEqual([]);
  });

  // the fixtures are the source document's blocks; checked against it whenever the document is beside the repository
  const shared = seedFromSharedDocument();
  it.skipIf(shared === null)(
    `the fixtures equal the source document's three YAML blocks byte for byte${shared === null ? ` (skipped: ${SEED_FILE} is not beside this clone)` : ''}`,
    () => {
      expect(seed).toEqual(shared);
    },
  );

  it('the example workspace holds the skeletons byte for byte', () => {
    const files = exampleFiles();
    expect(files.get(MASTER)).toBe(seed.master);
    expect(files.get(SOW)).toBe(seed.sow);
    expect(files.get(CR)).toBe(seed.cr);
  });

  it('the skeleton change request is minor under the skeleton master thresholds, as it declares', () => {
    const diags = diagnosticsOf(engineWith());
    expect(diags.some((d) => d.code === 'threshold-eval-mismatch')).toBe(false);
  });
});
