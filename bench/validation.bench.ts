import Ajv2020 from 'ajv/dist/2020.js';
import { LineCounter, parse, parseDocument } from 'yaml';
import { classifyPath } from '../core/common/model/kinds.js';
import { SCHEMAS } from '../core/common/schemas.js';
import { ContractEngine } from '../core/common/workspace.js';
import { generatedWorkspace } from './generate.js';
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

  return [
    { suite, case: `full validation (${diagCount} diagnostics)`, value: full, target: '<= 1500 ms', ok: full <= 1500 },
    { suite, case: 'floor: yaml.parse + compiled ajv, no rules', value: floor },
    { suite, case: 'full / floor', value: full / floor, unit: 'x', target: '<= 1.5x', ok: full / floor <= 1.5 },
    { suite, case: 'incremental: one CR edited', value: incremental, target: '<= 30 ms', ok: incremental <= 30 },
    {
      suite: 'parsing hazards',
      case: `duplicate keys: ${(dupText.length / 1e6).toFixed(1)} MB, 50,000 keys, 25,000 duplicates`,
      value: dup,
      target: '< 1000 ms',
      ok: dup < 1000,
    },
    { suite: 'parsing hazards', case: 'floor: yaml.parseDocument of that file alone', value: dupFloor },
  ];
}
