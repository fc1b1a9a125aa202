import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractEngine } from '../../core/common/workspace.js';
import { decodeText } from '../../core/node/text.js';
import { exampleFiles } from '../helpers/workspace.js';
import { FUZZ_PATHS as PATHS, yamlish } from '../helpers/yamlish.js';

/** Validates one file in an otherwise real workspace; the answer must come without a throw, every diagnostic placed. */
function check(path: string, text: string): void {
  const engine = new ContractEngine();
  for (const [p, t] of exampleFiles()) if (t !== null) engine.setText(p, t);
  engine.setText(path, text);
  const result = engine.validate({ today: '2025-10-20' });
  for (const d of result.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(typeof d.message).toBe('string');
  }
}

// How long the slowest answer takes is measured by `npm run bench` (suite "parsing hazards"), not here.
describe('fuzzing the validator', () => {
  it('10,000 random YAML-ish texts: no throw escapes, every diagnostic has a place and a message', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), yamlish, (path, text) => check(path, text)),
      { numRuns: 10_000 },
    );
  }, 300_000);

  it('random bytes: decoded or refused with a message, never a throw', () => {
    // the case a random run found once, kept so that it is tried every run
    const refused = /binary data|not valid UTF-8|is UTF-16 text/;
    for (const bytes of [Uint8Array.from([255, 254]), Uint8Array.from([254, 255, 0, 65])]) {
      const d = decodeText(bytes);
      expect(d.ok ? '' : d.message).toMatch(refused);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...PATHS), (bytes, path) => {
        const decoded = decodeText(bytes);
        if (decoded.ok) check(path, decoded.text);
        // every refusal text.ts can give (a UTF-16 byte order mark is one: found by seed -864810209, [255, 254])
        else expect(decoded.message).toMatch(refused);
      }),
      { numRuns: 3_000 },
    );
  }, 120_000);
});
