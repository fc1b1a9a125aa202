import { describe, expect, it } from 'vitest';
import { ContractEngine } from '../../../core/common/workspace.js';
import { MAX_FILE_BYTES } from '../../../core/common/yaml/parse.js';
import { CR, exampleFiles, SOW } from '../../helpers/workspace.js';

function validateAlone(path: string, text: string) {
  const engine = new ContractEngine();
  engine.setText(path, text);
  const result = engine.validate({ today: '2025-10-20' });
  // Alone, a file misses its neighbours (the master, the ADR it cites): those two codes are not what these tests are about.
  // How long these hazards take is measured by `npm run bench` ("parsing hazards"), not here.
  return { diagnostics: result.diagnostics.filter((d) => d.code !== 'no-master' && d.code !== 'unknown-reference') };
}

const cr = exampleFiles().get(CR) as string;
const sow = exampleFiles().get(SOW) as string;

describe('bad input gives a diagnostic, never a crash or a hang', () => {
  it('an empty file', () => {
    const { diagnostics } = validateAlone(CR, '');
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([['schema', 1, 1, 'The file is empty; a change request is expected here.']]);
  });

  it('a file that holds a list instead of a map', () => {
    const { diagnostics } = validateAlone(SOW, '- a\n- b\n');
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['schema', 1, 'A SOW must be a map of fields (key: value), but the file holds a list.'],
    ]);
  });

  it('a file that holds a scalar', () => {
    const { diagnostics } = validateAlone(SOW, 'just words\n');
    expect(diagnostics[0]!.message).toBe('A SOW must be a map of fields (key: value), but the file holds "just words".');
  });

  it('a syntax error, at its position', () => {
    const { diagnostics } = validateAlone(CR, 'id: CR-42\nsummary: [unclosed\n');
    expect(diagnostics[0]!.code).toBe('yaml-syntax');
    expect(diagnostics[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('tabs as indentation', () => {
    const { diagnostics } = validateAlone(CR, 'id: CR-42\ndecision:\n\tstatus: approved\n');
    expect(diagnostics[0]).toMatchObject({
      code: 'yaml-syntax',
      line: 3,
      column: 1,
      message: 'Tabs are not allowed as indentation in YAML; indent with spaces.',
    });
  });

  it('duplicate keys, in linear time, pointing at the second key and naming the first line', () => {
    const { diagnostics } = validateAlone(CR, cr.replace('  status: approved\n', '  status: approved\n  status: rejected\n'));
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['duplicate-key', 13, 3, 'Duplicate key "status" in decision: it is already set on line 12, and YAML would silently keep only the last one.'],
    ]);
  });

  it('50,000 keys with duplicates in a 1 MB file: every duplicate reported', () => {
    const lines = ['id: CR-1'];
    for (let i = 0; i < 50_000; i++) lines.push(`x-k${i % 25_000}: ${i}`);
    const text = `${lines.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(700_000);
    const { diagnostics } = validateAlone('contracts/changes/CR-1.yaml', text);
    expect(diagnostics.filter((d) => d.code === 'duplicate-key')).toHaveLength(25_000);
  });

  it('a BOM does not shift columns', () => {
    const { diagnostics } = validateAlone(CR, `\uFEFF${cr.replace('status: approved', 'status: aproved')}`);
    expect(diagnostics.map((d) => [d.line, d.column])).toEqual([[12, 11]]);
  });

  it('CRLF line endings keep lines and columns right', () => {
    const { diagnostics } = validateAlone(CR, cr.replace('status: approved', 'status: aproved').replace(/\n/g, '\r\n'));
    expect(diagnostics.map((d) => [d.line, d.column, d.endLine, d.endColumn])).toEqual([[12, 11, 12, 18]]);
  });

  it('an alias bomb is refused', () => {
    let text = 'id: CR-42\nx-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let prev = 'a';
    for (let i = 0; i < 9; i++) {
      text += `x-${i}: &l${i} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
      prev = `l${i}`;
    }
    const { diagnostics } = validateAlone(CR, text);
    expect(diagnostics.map((d) => d.code)).toEqual(['yaml-unsupported']);
    expect(diagnostics[0]!.message).toContain('alias bomb');
  });

  it('10,000-deep nesting, in flow and block style', () => {
    const flow = validateAlone(CR, `id: CR-42\nx-deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    expect(flow.diagnostics.length).toBeGreaterThan(0);
    expect(flow.diagnostics.every((d) => d.code === 'yaml-syntax' || d.code === 'yaml-unsupported')).toBe(true);
    const block = validateAlone(
      CR,
      `id: CR-42\nx-deep:\n${Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}1\n`.slice(0, 4_000_000),
    );
    expect(block.diagnostics.length).toBeGreaterThan(0);
    expect(block.diagnostics[0]!.message).toMatch(/nested/);
  });

  it('__proto__, constructor and prototype keys are unknown fields, and pollute nothing', () => {
    const { diagnostics } = validateAlone(CR, `${cr}__proto__: {polluted: true}\nconstructor: 1\nprototype: 2\n`);
    expect(diagnostics.map((d) => [d.code, d.line, d.message.split(' is ')[0]])).toEqual([
      ['schema', 17, '"__proto__"'],
      ['schema', 18, '"constructor"'],
      ['schema', 19, '"prototype"'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a required field is not satisfied by an inherited name', () => {
    const { diagnostics } = validateAlone(CR, cr.replace('summary: Redesign navigation per user tests\n', ''));
    expect(diagnostics.map((d) => d.message)).toEqual(['summary is required at the top of the file.']);
  });

  it.each([
    ['!!binary', 'x-b: !!binary aGVsbG8=\n'],
    ['!!set', 'x-s: !!set {a, b}\n'],
    ['!!omap', 'x-o: !!omap [a: 1]\n'],
    ['!!timestamp', 'x-t: !!timestamp 2025-10-11\n'],
    ['!custom', 'x-c: !custom thing\n'],
  ])('the %s tag is a diagnostic, not a Buffer/Set/Map/Date handed to the schema', (tag, line) => {
    const { diagnostics } = validateAlone(CR, cr + line);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'yaml-unsupported', line: 17 });
    expect(diagnostics[0]!.message).toContain(`The tag ${tag} is not supported`);
  });

  it('a %YAML 1.1 directive is flagged and yes stays text', () => {
    const { diagnostics } = validateAlone(CR, `%YAML 1.1\n---\n${cr.replace('summary: Redesign navigation per user tests', 'summary: yes')}`);
    expect(diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([['yaml-unsupported', 'warning', 1]]);
  });

  it('non-finite numbers are refused', () => {
    const { diagnostics } = validateAlone(CR, cr.replace('risk_score: 5', 'risk_score: .inf'));
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['yaml-unsupported', 7]]);
  });

  it('complex keys are refused', () => {
    const { diagnostics } = validateAlone(CR, `${cr}? [a, b]\n: 1\n`);
    expect(diagnostics.map((d) => d.code)).toEqual(['yaml-unsupported']);
  });

  it('a second document in the file', () => {
    const { diagnostics } = validateAlone(SOW, `${sow}---\nid: SPRINT-08\n`);
    expect(diagnostics[0]!.message).toContain('more than one YAML document');
  });

  it('a 20 MB file is refused by size with a clear message', () => {
    const big = `id: CR-42\nx-pad: "${'a'.repeat(20 * 1024 * 1024)}"\n`;
    const { diagnostics } = validateAlone(CR, big);
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['file-too-large', 1, `The file is 20.0 MB; contract files may be at most ${(MAX_FILE_BYTES / 1048576).toFixed(1)} MB.`],
    ]);
  });
});
