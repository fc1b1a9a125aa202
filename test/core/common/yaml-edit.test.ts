import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { editYaml, scalarSource, type YamlEdit } from '../../../core/common/yaml/edit.js';

const COMMENTED_SOW = `# SPRINT-07 — onboarding redesign. Owner: Zoë Müller (design_lead)
id: SPRINT-07   # must match the file name

dates: {start: 2025-10-13, end: 2025-10-24}   # two weeks
goals:
  # what we set out to do
  - description: Redesign onboarding flow
value_hypothesis: 'Reduce drop-off by 20%'   # single quotes kept
x-code: 01234
x-big: 12345678901234567890
x-exp: 1e3
x-long: "${'a long line that must not be folded at eighty columns, '.repeat(3)}"
acceptance_criteria:
  - id: AC1
    description: Usability score >= 85 on SUS
    evidence: test_reports/usability_2025-10-20.md

links:
  dag_nodes: [onboarding_redesign, ab_test_setup]
  # the change requests that amend this SOW
  changes: [CR-42]   # keep in sync
# trailing comment
`;

function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const pool = new Map<string, number>();
  for (const l of b) pool.set(l, (pool.get(l) ?? 0) + 1);
  const removed: string[] = [];
  for (const l of a) {
    const n = pool.get(l) ?? 0;
    if (n > 0) pool.set(l, n - 1);
    else removed.push(l);
  }
  const added = [...pool.entries()].flatMap(([l, n]) => Array(n).fill(l) as string[]);
  return { removed, added };
}

describe('comment-preserving YAML edits', () => {
  it('the wizard adding a link keeps every comment and every other byte', () => {
    const after = editYaml(COMMENTED_SOW, [{ op: 'append', path: ['links', 'changes'], value: 'CR-43' }]);
    expect(after).toBe(COMMENTED_SOW.replace('changes: [CR-42]', 'changes: [CR-42, CR-43]'));
  });

  it('values a Document round-trip would rewrite (01234, 20 digits, 1e3, long lines) stay as written', () => {
    const after = editYaml(COMMENTED_SOW, [
      { op: 'set', path: ['dates', 'end'], value: '2025-10-31' },
      { op: 'set', path: ['value_hypothesis'], value: 'Reduce drop-off by 25%' },
      { op: 'set', path: ['acceptance_criteria', 0, 'status'], value: 'met' },
    ]);
    for (const kept of ['x-code: 01234', 'x-big: 12345678901234567890', 'x-exp: 1e3', COMMENTED_SOW.split('\n').find((l) => l.startsWith('x-long'))!])
      expect(after).toContain(kept);
    const { removed, added } = changedLines(COMMENTED_SOW, after);
    expect(removed).toEqual(['dates: {start: 2025-10-13, end: 2025-10-24}   # two weeks', "value_hypothesis: 'Reduce drop-off by 20%'   # single quotes kept"]);
    expect(added).toEqual([
      'dates: {start: 2025-10-13, end: 2025-10-31}   # two weeks',
      'value_hypothesis: Reduce drop-off by 25%   # single quotes kept',
      '    status: met',
    ]);
  });

  it('creates missing keys and lists where they belong, and appends to block lists at their indentation', () => {
    const text = 'id: X\nlinks:\n  dag_nodes:\n    - a   # first\n    - b\nother: 1\n';
    expect(editYaml(text, [{ op: 'append', path: ['links', 'dag_nodes'], value: 'c' }])).toBe(
      'id: X\nlinks:\n  dag_nodes:\n    - a   # first\n    - b\n    - c\nother: 1\n',
    );
    expect(editYaml(text, [{ op: 'append', path: ['links', 'changes'], value: 'CR-1' }])).toBe(
      'id: X\nlinks:\n  dag_nodes:\n    - a   # first\n    - b\n  changes: [CR-1]\nother: 1\n',
    );
    expect(editYaml('id: X\n', [{ op: 'set', path: ['decision', 'status'], value: 'approved' }])).toBe('id: X\ndecision:\n  status: approved\n');
  });

  it('keeps CRLF line endings', () => {
    expect(editYaml('id: X\r\nlinks:\r\n  a: 1\r\n', [{ op: 'set', path: ['links', 'b'], value: 2 }])).toBe('id: X\r\nlinks:\r\n  a: 1\r\n  b: 2\r\n');
  });

  it('quotes text that would not read back as itself', () => {
    for (const v of ['yes', 'null', '01234', 'a: b', 'x #y', '- dash', '[x]', '', ' padded', 'Zoë', '12', 'true'])
      expect(parse(`k: ${scalarSource(v)}`).k).toBe(v);
  });

  it('refuses to edit a file with YAML errors', () => {
    expect(() => editYaml('a: [1\n', [{ op: 'set', path: ['a'], value: 1 }])).toThrow('YAML errors');
  });

  // property: an edit changes the targeted key only; every other line, comment included, is kept byte for byte
  const key = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'x-note');
  const scalar = fc.oneof(fc.constantFrom('01234', '1e3', '12345678901234567890', 'yes', '~', 'plain text', "'quoted'", '"dq"'), fc.integer().map(String));
  const comment = fc.option(fc.constantFrom('  # c', '   # note: keep', ' #x'), { nil: '' });
  const doc = fc.uniqueArray(
    fc.tuple(
      key,
      fc.oneof(
        scalar.map((s) => ({ kind: 's' as const, s })),
        fc.array(fc.constantFrom('CR-1', 'CR-2', 'x'), { maxLength: 3 }).map((l) => ({ kind: 'l' as const, l })),
      ),
      comment,
    ),
    {
      minLength: 1,
      selector: (t) => t[0],
    },
  );
  const render = (entries: [string, { kind: 's'; s: string } | { kind: 'l'; l: string[] }, string][]) =>
    `# header\n${entries.map(([k, v, c]) => `${k}: ${v.kind === 's' ? v.s : `[${v.l.join(', ')}]`}${c}`).join('\n\n')}\n# footer\n`;

  it('property: a set or an append changes nothing but the targeted key (fast-check)', () => {
    fc.assert(
      fc.property(doc, fc.nat(10), fc.constantFrom('set', 'append', 'new'), fc.constantFrom('CR-9', 'new value', '42'), (entries, pick, kind, value) => {
        const text = render(entries);
        const [k, v] = entries[pick % entries.length]!;
        let edit: YamlEdit;
        if (kind === 'new') edit = { op: 'set', path: ['zeta'], value };
        else if (kind === 'append' && v.kind === 'l') edit = { op: 'append', path: [k], value };
        else edit = { op: 'set', path: [k], value };
        const after = editYaml(text, [edit]);
        const { removed, added } = changedLines(text, after);
        expect(removed.length).toBeLessThanOrEqual(1);
        if (removed.length) expect(removed[0]!.startsWith(`${k}:`)).toBe(true);
        expect(added.length).toBe(1);
        const before = parse(text) as Record<string, unknown>;
        const now = parse(after) as Record<string, unknown>;
        for (const other of Object.keys(before)) if (other !== (edit.path[0] as string)) expect(now[other]).toEqual(before[other]);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('setting lists', () => {
  it('a block list is rewritten as a block list at its indentation; an empty one becomes []', () => {
    const text = 'decision:\n  # who\n  approvers:\n    - a   # first\n    - b\n  date: 2025-10-15\n';
    expect(editYaml(text, [{ op: 'set', path: ['decision', 'approvers'], value: ['a', 'c', 'd'] }])).toBe(
      'decision:\n  # who\n  approvers:\n    - a\n    - c\n    - d\n  date: 2025-10-15\n',
    );
    expect(editYaml(text, [{ op: 'set', path: ['decision', 'approvers'], value: [] }])).toBe('decision:\n  # who\n  approvers: []\n  date: 2025-10-15\n');
    expect(editYaml('a: [x, y]  # c\n', [{ op: 'set', path: ['a'], value: ['z'] }])).toBe('a: [z]  # c\n');
  });
});

describe('appending a map keeps the style of the list it goes into', () => {
  it('block items stay block items (a ledger entry is written as the entries before it)', () => {
    const text = '# ledger\ncurrency: EUR\nentries:\n  - period: A\n    target_cost: 1\n    actual_cost: 2\n';
    const after = editYaml(text, [{ op: 'append', path: ['entries'], value: { period: 'B', target_cost: 3, actual_cost: 4 } }]);
    expect(after).toBe(`${text}  - period: B\n    target_cost: 3\n    actual_cost: 4\n`);
    expect(parse(after).entries[1]).toEqual({ period: 'B', target_cost: 3, actual_cost: 4 });
  });

  it('flow-map items stay flow maps', () => {
    const text = 'entries:\n  - {period: A, target_cost: 1}\n';
    expect(editYaml(text, [{ op: 'append', path: ['entries'], value: { period: 'B', target_cost: 3 } }])).toBe(`${text}  - {period: B, target_cost: 3}\n`);
  });

  it('an empty `entries: []` in a block document becomes a block list', () => {
    const text = '# ledger\ncurrency: EUR\nentries: []\n';
    const after = editYaml(text, [{ op: 'append', path: ['entries'], value: { period: 'B', note: 'two: words' } }]);
    expect(after).toBe('# ledger\ncurrency: EUR\nentries:\n  - period: B\n    note: "two: words"\n');
    expect(parse(after)).toEqual({ currency: 'EUR', entries: [{ period: 'B', note: 'two: words' }] });
  });
});
