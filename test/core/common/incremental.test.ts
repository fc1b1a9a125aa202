import { describe, expect, it } from 'vitest';
import { CR, diagnosticsOf, edited, engineWith, SOW } from '../../helpers/workspace.js';

describe('incremental re-validation', () => {
  it('re-parses only the edited file, and cross-file results follow the edit', () => {
    const engine = engineWith();
    expect(diagnosticsOf(engine)).toEqual([]);
    const afterFirst = engine.parseCount;
    expect(afterFirst).toBe(engine.contractPaths().length);

    engine.setText(CR, edited(CR, 'id: CR-42', 'id: CR-43'));
    const diags = diagnosticsOf(engine);
    expect(engine.parseCount).toBe(afterFirst + 1);
    // the SOW was not re-parsed, yet its link to CR-42 is now dangling
    expect(diags.filter((d) => d.file === SOW).map((d) => d.code)).toEqual(['unknown-reference']);

    engine.setText(CR, edited(CR));
    expect(diagnosticsOf(engine)).toEqual([]);
    expect(engine.parseCount).toBe(afterFirst + 2);
  });

  it('setting the same text again costs no parse', () => {
    const engine = engineWith();
    diagnosticsOf(engine);
    const n = engine.parseCount;
    engine.setText(CR, edited(CR));
    diagnosticsOf(engine);
    expect(engine.parseCount).toBe(n);
  });

  it('a file removed from the workspace takes its diagnostics and its id with it', () => {
    const engine = engineWith();
    engine.remove(CR);
    const diags = diagnosticsOf(engine);
    expect(diags.map((d) => `${d.file} ${d.code}`)).toEqual([`${SOW} unknown-reference`]);
  });
});
