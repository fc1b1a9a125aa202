import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractEngine } from '../../core/common/workspace.js';
import { decodeText } from '../../core/node/text.js';
import { exampleFiles, CR, SOW } from '../helpers/workspace.js';

const PATHS = ['contracts/master_contract.yaml', SOW, CR, 'contracts/ledger.yaml', 'docs/adr/ADR-0001.md'];

/** Validates one file in an otherwise real workspace; the answer must come without a throw, and fast. */
function check(path: string, text: string): number {
  const engine = new ContractEngine();
  for (const [p, t] of exampleFiles()) if (t !== null) engine.setText(p, t);
  engine.setText(path, text);
  const t0 = performance.now();
  const result = engine.validate({ today: '2025-10-20' });
  const ms = performance.now() - t0;
  for (const d of result.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(typeof d.message).toBe('string');
  }
  return ms;
}

// YAML-ish text: fragments of real contract syntax, tags, anchors, flow and block collections, odd characters.
const token = fc.constantFrom(
  'id: CR-42',
  'decision:',
  '  status: approved',
  'status: ',
  '- ',
  '  - ',
  '[',
  ']',
  '{',
  '}',
  ', ',
  ': ',
  '? ',
  '&a ',
  '*a',
  '!!binary ',
  '!!set ',
  '!!omap ',
  '!!timestamp ',
  '%YAML 1.1\n',
  '---\n',
  '...\n',
  '#',
  '"',
  "'",
  '|',
  '>',
  '\t',
  '\n',
  '\r\n',
  '  ',
  'yes',
  'null',
  '~',
  '1e3',
  '0x1F',
  '.inf',
  '-.nan',
  '__proto__: 1',
  'constructor:',
  'prototype: x',
  '\u202e',
  '\u0000',
  '\ufeff',
  'Zoë 東京 €',
  '<script>alert(1)</script>',
  'x-ext: 1',
  '2025-02-30',
  'impact_analysis: {budget_delta_pct: 12, schedule_slip_days: 3, risk_score: 9}',
  'links: {changes: [CR-1, CR-2]}',
  'dates: {start: 2025-10-13, end: 2025-10-01}',
);
const yamlish = fc.array(fc.oneof(token, fc.string({ maxLength: 12 })), { maxLength: 60 }).map((parts) => parts.join(''));

describe('fuzzing the validator', () => {
  it('10,000 random YAML-ish texts: no throw escapes, each answered within 200 ms', () => {
    check(CR, 'id: CR-1\n'); // the schemas compile once per process: not part of an answer
    let slowest = 0;
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), yamlish, (path, text) => {
        // a slow answer is measured again: a GC pause or a busy CI core is not the input's doing, a slow input stays slow
        let ms = check(path, text);
        if (ms >= 200) ms = Math.min(ms, check(path, text), check(path, text));
        slowest = Math.max(slowest, ms);
      }),
      { numRuns: 10_000 },
    );
    expect(slowest).toBeLessThan(200);
  }, 300_000);

  it('random bytes: decoded or refused with a message, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...PATHS), (bytes, path) => {
        const decoded = decodeText(bytes);
        if (decoded.ok) expect(check(path, decoded.text)).toBeLessThan(200);
        else expect(decoded.message).toMatch(/binary data|not valid UTF-8/);
      }),
      { numRuns: 3_000 },
    );
  }, 120_000);
});
