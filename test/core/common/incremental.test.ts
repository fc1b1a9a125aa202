import { describe, expect, it } from 'vitest';
import { analysisStats, Snapshot } from '../../../core/common/workspace.js';
import { CR, diagnosticsOf, edited, engineWith, SOW } from '../../helpers/workspace.js';

describe('incremental re-validation', () => {
  it('re-parses only the edited file, and cross-file results follow the edit', () => {
    const engine = engineWith();
    const start = analysisStats.parses;
    expect(diagnosticsOf(engine)).toEqual([]);
    const afterFirst = analysisStats.parses;
    expect(afterFirst - start).toBe(engine.contractPaths().length);

    engine.setText(CR, edited(CR, 'id: CR-42', 'id: CR-43'));
    const diags = diagnosticsOf(engine);
    expect(analysisStats.parses).toBe(afterFirst + 1);
    // the SOW was not re-parsed, yet its link to CR-42 is now dangling
    expect(diags.filter((d) => d.file === SOW).map((d) => d.code)).toEqual(['unknown-reference']);

    engine.setText(CR, edited(CR));
    expect(diagnosticsOf(engine)).toEqual([]);
    expect(analysisStats.parses).toBe(afterFirst + 2);
  });

  it('setting the same text again costs no parse', () => {
    const engine = engineWith();
    diagnosticsOf(engine);
    const n = analysisStats.parses;
    engine.setText(CR, edited(CR));
    diagnosticsOf(engine);
    expect(analysisStats.parses).toBe(n);
  });

  it('a snapshot with unsaved buffers is a snapshot of its own: the shared one never changes', () => {
    const saved = engineWith().snapshot();
    expect(saved.validate({ today: '2025-10-20' }).diagnostics).toEqual([]);
    const dirty = saved.withUnsaved({ [CR]: edited(CR, 'id: CR-42', 'id: CR-43') });
    expect(dirty.unsaved).toEqual([CR]);
    expect(dirty.validate({ today: '2025-10-20' }).diagnostics.map((d) => d.code)).toContain('unknown-reference');
    // the saved snapshot is untouched, whatever was asked of the derived one
    expect(saved.validate({ today: '2025-10-20' }).diagnostics).toEqual([]);
    expect(saved.text(CR)).toBe(edited(CR));
    expect(saved.unsaved).toEqual([]);
    expect(saved.model.cr('CR-42')).toBeDefined();
    expect(dirty.model.cr('CR-42')).toBeUndefined();
    // unchanged files share their analysis: no parse for them
    expect(Snapshot.empty().withUnsaved({ 'README.md': 'x' }).contractPaths()).toEqual([]);
  });

  it('a file removed from the workspace takes its diagnostics and its id with it', () => {
    const engine = engineWith();
    engine.remove(CR);
    const diags = diagnosticsOf(engine);
    expect(diags.map((d) => `${d.file} ${d.code}`)).toEqual([`${SOW} unknown-reference`]);
  });
});

describe('validation in slices', () => {
  it('gives the answer of one blocking validation, and lets timers run while it works through many files', async () => {
    const files = new Map<string, string>();
    const base = edited(CR, 'decision:\n  status: approved', 'created: 2025-10-01\ndecision:\n  status: proposed');
    for (let i = 100; i < 400; i++) files.set(`contracts/changes/CR-${i}.yaml`, base.replace('id: CR-42', `id: CR-${i}`));
    const make = () =>
      engineWith()
        .snapshot()
        .edit((b) => {
          for (const [p, t] of files) b.setText(p, t);
        });
    const expected = make().validate({ today: '2025-11-20' });
    expect(expected.diagnostics.filter((d) => d.code === 'decision-overdue').length).toBeGreaterThan(250);

    const snap = await make().prepare(); // every file parsed: what remains is the rules over the workspace
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      const sliced = await snap.validateSliced({ today: '2025-11-20' }, 0);
      expect(sliced).toEqual(expected);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(10);
  });
});
