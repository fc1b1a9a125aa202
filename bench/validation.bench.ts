import Ajv2020 from 'ajv/dist/2020.js';
import { LineCounter, parse, parseDocument } from 'yaml';
import { classifyPath } from '../core/common/model/kinds.js';
import { SCHEMAS } from '../core/common/schemas.js';
import { ContractEngine } from '../core/common/workspace.js';
import { closeSync, cpSync, mkdtempSync, openSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { loadWorkspace } from '../core/node/workspace-loader.js';
import { exampleFiles } from '../test/helpers/workspace.js';
import { FUZZ_PATHS, yamlish } from '../test/helpers/yamlish.js';
import { generatedWorkspace } from './generate.js';

const EXAMPLE = fileURLToPath(new URL('../resources/examples/onboarding-redesign', import.meta.url));
import { timeMedian, type Row } from './lib.js';

export async function validationBench(): Promise<Row[]> {
  const files = generatedWorkspace(200, 2000);
  const suite = 'validation (1 master, 200 SOWs, 2,000 CRs)';

  const engineFor = () => {
    const e = new ContractEngine();
    for (const [p, t] of files) e.setText(p, t);
    return e;
  };
  let diagCount = 0;
  const full = await timeMedian(
    () => {
      diagCount = engineFor().validate({ today: '2026-01-01' }).diagnostics.length;
    },
    7,
    2,
  );

  // The floor: plain yaml.parse and one compiled ajv validate per file, no positions and no rules.
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: false });
  const validators = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, ajv.compile(s)]));
  const floor = await timeMedian(
    () => {
      for (const [p, t] of files) {
        const kind = classifyPath(p);
        if (!kind || kind === 'adr') continue;
        validators[kind]!(parse(t));
      }
    },
    7,
    2,
  );

  // The floor the issue names: yaml.parseDocument of the same files in one process (what any YAML tool must do).
  const docFloor = await timeMedian(
    () => {
      for (const [, t] of files) parseDocument(t, { lineCounter: new LineCounter(), uniqueKeys: false });
    },
    7,
    2,
  );

  const engine = engineFor();
  engine.validate({ today: '2026-01-01' });
  const crText = files.get('contracts/changes/CR-1000.yaml')!;
  let flip = false;
  const incremental = await timeMedian(
    () => {
      flip = !flip;
      engine.setText('contracts/changes/CR-1000.yaml', crText.replace('risk_score: 0', `risk_score: ${flip ? 1 : 0}`));
      engine.validate({ today: '2026-01-01' });
    },
    21,
    3,
  );

  const dupLines = ['id: CR-1'];
  for (let i = 0; i < 50_000; i++) dupLines.push(`x-key-${i % 25_000}: v${i}`);
  const dupText = `${dupLines.join('\n')}\n`;
  const dup = await timeMedian(
    () => {
      const e = new ContractEngine();
      e.setText('contracts/changes/CR-1.yaml', dupText);
      e.validate();
    },
    5,
    1,
  );
  const dupFloor = await timeMedian(() => parseDocument(dupText, { lineCounter: new LineCounter(), uniqueKeys: false }), 5, 1);

  // hazards that once were timing budgets inside tests
  let bomb = 'id: CR-42\nx-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 0, prev = 'a'; i < 9; prev = `l${i}`, i++) bomb += `x-${i}: &l${i} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
  const alone = (p: string, text: string) => () => {
    const e = new ContractEngine();
    e.setText(p, text);
    e.validate();
  };
  const bombMs = await timeMedian(alone('contracts/changes/CR-42.yaml', bomb), 5, 1);
  const huge = `id: CR-42\nx-pad: "${'a'.repeat(20 * 1024 * 1024)}"\n`;
  const hugeMs = await timeMedian(alone('contracts/changes/CR-42.yaml', huge), 5, 1);
  const sparse = mkdtempSync(path.join(tmpdir(), 'covenant-sparse-'));
  cpSync(EXAMPLE, sparse, { recursive: true });
  const big = path.join(sparse, 'contracts/sow/SPRINT-99.yaml');
  closeSync(openSync(big, 'w'));
  truncateSync(big, 200 * 1024 * 1024);
  const sparseMs = await timeMedian(async () => (await loadWorkspace(sparse)).snapshot.validate(), 5, 1);
  rmSync(sparse, { recursive: true, force: true });
  // the slowest of 2,000 fuzz inputs (the fuzz test checks answers; this measures them), each timed 3 times, best kept
  const base = new ContractEngine();
  const example = [...exampleFiles()].filter((e): e is [string, string] => e[1] !== null);
  const timeOne = (p: string, text: string) => {
    const e = new ContractEngine();
    for (const [q, t] of example) e.setText(q, t);
    e.setText(p, text);
    const t0 = performance.now();
    e.validate({ today: '2025-10-20' });
    return performance.now() - t0;
  };
  base.validate();
  let slowest = 0;
  for (const [p, text] of fc.sample(fc.tuple(fc.constantFrom(...FUZZ_PATHS), yamlish), { numRuns: 2000, seed: 42 }))
    slowest = Math.max(slowest, Math.min(timeOne(p, text), timeOne(p, text), timeOne(p, text)));

  return [
    { suite, case: `full validation (${diagCount} diagnostics)`, value: full, target: '<= 1500 ms', ok: full <= 1500 },
    { suite, case: 'floor: yaml.parse + compiled ajv, no rules', value: floor },
    { suite, case: 'full / floor', value: full / floor, unit: 'x' },
    { suite, case: 'floor: yaml.parseDocument of every file', value: docFloor },
    { suite, case: 'full / parseDocument', value: full / docFloor, unit: 'x', target: '<= 1.5x', ok: full / docFloor <= 1.5 },
    { suite, case: 'incremental: one CR edited', value: incremental, target: '<= 30 ms', ok: incremental <= 30 },
    {
      suite: 'parsing hazards',
      case: `duplicate keys: ${(dupText.length / 1e6).toFixed(1)} MB, 50,000 keys, 25,000 duplicates`,
      value: dup,
      target: '< 1000 ms',
      ok: dup < 1000,
    },
    { suite: 'parsing hazards', case: 'floor: yaml.parseDocument of that file alone', value: dupFloor },
    { suite: 'parsing hazards', case: 'alias bomb (9 levels of 9) refused', value: bombMs, target: '< 1000 ms', ok: bombMs < 1000 },
    { suite: 'parsing hazards', case: '20 MB text refused by size', value: hugeMs, target: '< 500 ms', ok: hugeMs < 500 },
    { suite: 'parsing hazards', case: '200 MB (sparse) file in a workspace: load + validate', value: sparseMs, target: '< 2000 ms', ok: sparseMs < 2000 },
    { suite: 'parsing hazards', case: 'slowest answer of 2,000 fuzz inputs (best of 3)', value: slowest, target: '< 200 ms', ok: slowest < 200 },
  ];
}
