import { ContractEngine } from '../core/common/workspace.js';
import { renderPdf } from '../core/node/pdf/summary.js';
import { generatedWorkspace } from './generate.js';
import { timeMedian, type Row } from './lib.js';

export async function pdfBench(): Promise<Row[]> {
  const files = generatedWorkspace(100, 1000);
  const engine = new ContractEngine();
  for (const [p, t] of files) engine.setText(p, t);
  const snapshot = engine.snapshot();
  const { diagnostics } = snapshot.validate({ today: '2026-01-01' });
  const figures = snapshot.figures('2026-01-01');
  const input = { snapshot, figures, diagnostics, provenance: { generatedAt: '2026-01-01T00:00:00Z', commit: null, uncommitted: false, unsaved: [] } };
  let size = 0;
  const whole = await timeMedian(
    async () => {
      size = (await renderPdf(input, { kind: 'contract' })).length;
    },
    3,
    1,
  );
  const one = await timeMedian(() => renderPdf(input, { kind: 'sow', id: 'SPRINT-050' }), 7, 2);
  // one 50,000-character word in a CR's summary (the red team's case: 146 s and 3.9 GB before)
  const long = new ContractEngine();
  for (const [p, text] of files) long.setText(p, p.endsWith('/CR-1.yaml') ? text.replace(/^summary: .*$/m, `summary: ${'x'.repeat(50_000)}`) : text);
  const ls = long.snapshot();
  const lInput = { ...input, snapshot: ls, figures: ls.figures('2026-01-01'), diagnostics: ls.validate({ today: '2026-01-01' }).diagnostics };
  const word = await timeMedian(() => renderPdf(lInput, { kind: 'cr', id: 'CR-1' }), 3, 1);
  return [
    { suite: 'PDF (100 SOWs, 1,000 CRs)', case: 'one CR with a 50,000-character word', value: word, target: '<= 1000 ms', ok: word <= 1000 },
    {
      suite: 'PDF (100 SOWs, 1,000 CRs)',
      case: `whole-contract summary (${Math.round(size / 1024)} KB)`,
      value: whole,
      target: '<= 5000 ms',
      ok: whole <= 5000,
    },
    { suite: 'PDF (100 SOWs, 1,000 CRs)', case: 'one SOW, warm', value: one, target: '<= 300 ms', ok: one <= 300 },
  ];
}
