import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analysisStats, ContractEngine, Snapshot } from '../../../core/common/workspace.js';
import { CoreWorker, OFFLOAD_MIN_CHARS } from '../../../core/node/analysis/offload.js';
import { AppState } from '../../../core/node/app-state.js';
import { Session } from '../../../core/node/session.js';
import { exampleCopy, tempDir } from '../../helpers/tmp.js';
import { exampleFiles } from '../../helpers/workspace.js';

/**
 * A SOW far above the offload size: padding first, then evidence that does not exist (line 9010) and a change request
 * that does not exist (line 9016); with `broken`, a schema error instead (line 9013).
 */
function bigSow(id = 'SPRINT-08', broken = false): string {
  const pad = Array.from({ length: 9000 }, (_, i) => `  - "note ${i}: the steering committee asked for this line to be kept verbatim"`).join('\n');
  return `id: ${id}
dates: {start: 2025-10-27, end: 2025-11-07}
x-notes:
${pad}
goals:
  - description: Keep the big file honest
value_hypothesis: "Nobody waits"
acceptance_criteria:
  - id: AC1
    description: Parsed on a worker
    evidence: test_reports/missing.md
gates:
  - name: design_review
    validator: ${broken ? 42 : 'phase_gate_validator:design'}
links:
  dag_nodes: [onboarding_redesign]
  changes: [CR-99]
`;
}

const worker = new CoreWorker(OFFLOAD_MIN_CHARS);
afterAll(() => worker.close());

describe('big files are analysed off the main thread', () => {
  it('gives exactly the diagnostics of an analysis on the main thread, positions in the big file included', async () => {
    const text = bigSow();
    expect(text.length).toBeGreaterThan(OFFLOAD_MIN_CHARS * 8);
    const files = new Map(exampleFiles());
    files.set('contracts/sow/SPRINT-08.yaml', text);
    files.set('contracts/sow/SPRINT-09.yaml', bigSow('SPRINT-09', true));

    const inline = new ContractEngine();
    for (const [p, t] of files) if (t !== null) inline.setText(p, t);
    const expected = inline.validate({ today: '2025-10-20' }).diagnostics;
    // the file rule (schema) and the workspace rule (links disagree) both point into the big file
    const inBig = (file: string, diags = expected) => diags.filter((d) => d.file === file).map((d) => [d.code, d.line]);
    expect(inBig('contracts/sow/SPRINT-08.yaml')).toEqual(
      expect.arrayContaining([
        ['missing-evidence', 9010],
        ['unknown-reference', 9016],
      ]),
    );
    expect(inBig('contracts/sow/SPRINT-09.yaml')).toEqual(expect.arrayContaining([['schema', 9013]]));

    const snap = Snapshot.empty().edit((b) => {
      for (const [p, t] of files) if (t !== null) b.setText(p, t);
    });
    const before = analysisStats.parses;
    await snap.prepare(8, worker);
    // every small file was analysed here, the big ones were not
    expect(analysisStats.parses - before).toBe(snap.contractPaths().length - 2);
    expect(snap.validate({ today: '2025-10-20' }).diagnostics).toEqual(expected);
    expect(snap.model.sow('SPRINT-08')?.data.value_hypothesis).toBe('Nobody waits');
  });

  it('an offload that fails leaves the work to the main thread: same answer, nothing lost', async () => {
    const files = new Map(exampleFiles());
    files.set('contracts/sow/SPRINT-08.yaml', bigSow());
    const snap = Snapshot.empty().edit((b) => {
      for (const [p, t] of files) if (t !== null) b.setText(p, t);
    });
    const failing = { minChars: 1, analyse: () => Promise.reject(new Error('worker died')) };
    await snap.prepare(8, failing);
    const inline = new ContractEngine();
    for (const [p, t] of files) if (t !== null) inline.setText(p, t);
    expect(snap.validate({ today: '2025-10-20' }).diagnostics).toEqual(inline.validate({ today: '2025-10-20' }).diagnostics);
  });

  it('the app (a session) validates a workspace holding a big file through the worker', async () => {
    const dir = exampleCopy();
    writeFileSync(path.join(dir, 'contracts/sow/SPRINT-08.yaml'), bigSow());
    const session = new Session({ mode: 'browser', state: new AppState(tempDir()), watch: false });
    try {
      const before = analysisStats.parses;
      await session.open(dir);
      const { diagnostics, files } = await session.handlers['workspace.validate']({ today: '2025-10-20' });
      expect(diagnostics.filter((d) => d.file === 'contracts/sow/SPRINT-08.yaml').map((d) => [d.code, d.line])).toEqual(
        expect.arrayContaining([
          ['missing-evidence', 9010],
          ['unknown-reference', 9016],
        ]),
      );
      expect(analysisStats.parses - before).toBe(files - 1);
    } finally {
      await session.close();
    }
  });
});

describe('positions in a file parsed elsewhere', () => {
  it('answer every path as the parsed document does, missing paths included, without parsing again', async () => {
    const { parseYaml, YamlFile } = await import('../../../core/common/yaml/parse.js');
    const paths = (v: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
      if (Array.isArray(v)) return [prefix, ...v.flatMap((x, i) => paths(x, [...prefix, i]))];
      if (v && typeof v === 'object') return [prefix, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...prefix, k]))];
      return [prefix];
    };
    let checked = 0;
    for (const [p, text] of exampleFiles()) {
      if (text === null || !/\.ya?ml$/.test(p)) continue;
      const here = parseYaml(p, text);
      const copy = YamlFile.fromData(structuredClone(here.toData()));
      for (const path of paths(here.value)) {
        for (const probe of [path, [...path, 'missing'], [...path, 99]]) {
          for (const preferKey of [false, true]) {
            expect(copy.spanAt(probe, preferKey), `${p} ${JSON.stringify(probe)}`).toEqual(here.spanAt(probe, preferKey));
            checked++;
          }
        }
      }
      expect((copy as unknown as { docOrLoad: unknown }).docOrLoad).toBeTypeOf('function'); // never parsed again
    }
    expect(checked).toBeGreaterThan(300);
  });
});
