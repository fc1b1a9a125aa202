// Nothing lost in a merge (issue 25, item 1), as a model-based property: from one base document, each side makes
// random edits (scalars, nested maps, numeric keys, items of a list by id: change, add, remove, reorder, their own
// plain lists; a plain list; comments), and the structural merge must keep every change made on one side only, report every field both sides
// changed differently as a conflict (mine kept), change nothing else, and never throw. 10,000 cases a run
// (COVENANT_MERGE_RUNS to change it); a failure prints the shrunk case and its seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { mergeYaml, type MergeConflict } from '../../../core/common/merge.js';

const RUNS = Number(process.env.COVENANT_MERGE_RUNS ?? 10_000);

type Item = { id: string; v?: number; w?: string; r?: string[] };
interface Model {
  s: Record<string, number | string>;
  meta: Record<string, number>;
  byNum: Map<number, string>;
  items: Item[];
  tags: string[];
  /** Comment lines above top-level keys, by key. */
  notes: Record<string, string>;
}

const KEYS = ['a', 'b', 'c', 'd'];
const IDS = ['A', 'B', 'C', 'D', 'E', 'F'];
const word = fc.constantFrom('x', 'y', 'z', 'u', 'v');

const model: fc.Arbitrary<Model> = fc.record({
  s: fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.integer({ min: 0, max: 5 }), word), { maxKeys: 4 }),
  meta: fc.dictionary(fc.constantFrom('p', 'q', 'r'), fc.integer({ min: 0, max: 5 }), { maxKeys: 3 }),
  byNum: fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), word), { maxLength: 4 }).map((kv) => new Map(kv)),
  items: fc
    .uniqueArray(fc.constantFrom(...IDS.slice(0, 4)), { maxLength: 4 })
    .chain((ids) =>
      fc
        .tuple(...ids.map((id) => fc.record({ v: fc.integer({ min: 0, max: 3 }), w: word, r: fc.array(word, { maxLength: 3 }) }).map((x) => ({ id, ...x }))))
        .map((x) => x as Item[]),
    ),
  tags: fc.array(word, { maxLength: 4 }),
  notes: fc.constant({}),
});

/** One edit a party makes. */
type Edit =
  | { op: 'set'; key: string; value: number | string }
  | { op: 'unset'; key: string }
  | { op: 'meta'; key: string; value: number | null }
  | { op: 'num'; key: number; value: string | null }
  | { op: 'item'; id: string; field: 'v' | 'w'; value: number | string }
  | { op: 'add'; id: string; v: number }
  | { op: 'remove'; id: string }
  | { op: 'move'; from: number; to: number }
  | { op: 'roles'; id: string; roles: string[] }
  | { op: 'tags'; tags: string[] }
  | { op: 'note'; key: string; text: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: fc.constantFrom(...KEYS, 'e'), value: fc.oneof(fc.integer({ min: 0, max: 9 }), word) }),
  fc.record({ op: fc.constant('unset' as const), key: fc.constantFrom(...KEYS) }),
  fc.record({ op: fc.constant('meta' as const), key: fc.constantFrom('p', 'q', 'r'), value: fc.option(fc.integer({ min: 0, max: 9 })) }),
  fc.record({ op: fc.constant('num' as const), key: fc.integer({ min: 1, max: 5 }), value: fc.option(word) }),
  fc.record({
    op: fc.constant('item' as const),
    id: fc.constantFrom(...IDS),
    field: fc.constantFrom('v' as const, 'w' as const),
    value: fc.integer({ min: 4, max: 9 }),
  }),
  fc.record({ op: fc.constant('add' as const), id: fc.constantFrom(...IDS), v: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ op: fc.constant('remove' as const), id: fc.constantFrom(...IDS) }),
  fc.record({ op: fc.constant('move' as const), from: fc.nat(5), to: fc.nat(5) }),
  fc.record({ op: fc.constant('tags' as const), tags: fc.array(word, { maxLength: 5 }) }),
  fc.record({ op: fc.constant('roles' as const), id: fc.constantFrom(...IDS), roles: fc.array(word, { maxLength: 3 }) }),
  fc.record({ op: fc.constant('note' as const), key: fc.constantFrom('s', 'meta', 'items', 'tags'), text: fc.constantFrom('checked', 'agreed', 'see ticket') }),
);

function apply(base: Model, edits: readonly Edit[], side: string): Model {
  const m: Model = structuredClone(base);
  for (const e of edits) {
    if (e.op === 'set') m.s[e.key] = e.value;
    else if (e.op === 'unset') delete m.s[e.key];
    else if (e.op === 'meta') {
      if (e.value === null) delete m.meta[e.key];
      else m.meta[e.key] = e.value;
    } else if (e.op === 'num') {
      if (e.value === null) m.byNum.delete(e.key);
      else m.byNum.set(e.key, e.value);
    } else if (e.op === 'item') {
      const it = m.items.find((x) => x.id === e.id);
      if (it) it[e.field] = e.value as never;
    } else if (e.op === 'add') {
      if (!m.items.some((x) => x.id === e.id)) m.items.push({ id: e.id, v: e.v });
    } else if (e.op === 'remove') m.items = m.items.filter((x) => x.id !== e.id);
    else if (e.op === 'move') {
      if (m.items.length > 1) {
        const [x] = m.items.splice(e.from % m.items.length, 1);
        m.items.splice(e.to % (m.items.length + 1), 0, x!);
      }
    } else if (e.op === 'roles') {
      const it = m.items.find((x) => x.id === e.id);
      if (it) it.r = e.roles;
    } else if (e.op === 'tags') m.tags = e.tags;
    else m.notes[e.key] = `${side} ${e.text}`;
  }
  return m;
}

/** The document's text: one layout for all three versions (as one tool would write them), comments above keys. */
function text(m: Model): string {
  const doc = { s: m.s, meta: m.meta, byNum: m.byNum, items: m.items, tags: m.tags };
  return Object.entries(doc)
    .map(([k, v]) => `${m.notes[k] ? `# ${m.notes[k]}\n` : ''}${stringify({ [k]: v }, { flowCollectionPadding: false })}`)
    .join('');
}

/** The leaves the property speaks of: every field, each item's existence and fields by id, the items' common order. */
function leaves(v: Record<string, unknown> | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!v) return out;
  const put = (k: string, x: unknown) => x !== undefined && out.set(k, JSON.stringify(x));
  for (const g of ['s', 'meta', 'byNum'] as const) for (const [k, x] of Object.entries((v[g] as Record<string, unknown>) ?? {})) put(`${g}.${k}`, x);
  for (const it of (v.items as Item[]) ?? []) {
    put(`items[${it.id}]`, true);
    for (const f of ['v', 'w', 'r'] as const) put(`items[${it.id}].${f}`, it[f]);
  }
  put('tags', v.tags ?? []);
  return out;
}

const ids = (v: Record<string, unknown> | undefined) => ((v?.items as Item[]) ?? []).map((x) => x.id);
const covers = (c: MergeConflict, leaf: string) => leaf === c.field || leaf.startsWith(`${c.field}.`) || leaf.startsWith(`${c.field}[`);

describe('the structural merge, as a property', () => {
  it(
    `keeps every one-sided change, reports every two-sided one, changes nothing else, never throws (${RUNS} cases)`,
    () => {
      fc.assert(
        fc.property(model, fc.array(edit, { maxLength: 5 }), fc.array(edit, { maxLength: 5 }), (base, mineEdits, theirsEdits) => {
          const [bm, mm, tm] = [base, apply(base, mineEdits, 'mine'), apply(base, theirsEdits, 'theirs')];
          const [bt, mt, tt] = [text(bm), text(mm), text(tm)];
          const r = mergeYaml(bt, mt, tt); // never throws: a throw fails the property
          const [b, m, t] = [bt, mt, tt].map((x) => parse(x) as Record<string, unknown>);
          const out = parse(r.text) as Record<string, unknown>;
          const [lb, lm, lt, lr] = [leaves(b), leaves(m), leaves(t), leaves(out)];
          const all = new Set([...lb.keys(), ...lm.keys(), ...lt.keys(), ...lr.keys()]);
          const twoWays = (leaf: string) => lb.get(leaf) !== lm.get(leaf) && lb.get(leaf) !== lt.get(leaf) && lm.get(leaf) !== lt.get(leaf);
          // every conflict is earned: some field under it was changed both ways
          for (const c of r.conflicts.filter((x) => x.field !== 'items (order)'))
            expect(
              [...all].some((leaf) => covers(c, leaf) && twoWays(leaf)),
              `conflict ${c.field} without a two-way change`,
            ).toBe(true);
          for (const leaf of all) {
            const [x, y, z, got] = [lb.get(leaf), lm.get(leaf), lt.get(leaf), lr.get(leaf)];
            if ((leaf === 'tags' || leaf.endsWith('.r')) && twoWays(leaf)) continue; // both changed a plain list: a sequence merge, or a conflict
            if (r.conflicts.some((c) => covers(c, leaf))) expect(got, `${leaf}: mine kept under a conflict`).toBe(y);
            else if (y === z || x === z) expect(got, `${leaf}: mine (or both) ${y}`).toBe(y);
            else if (x === y) expect(got, `${leaf}: theirs only ${z}`).toBe(z);
            else {
              expect(
                r.conflicts.some((c) => covers(c, leaf)),
                `${leaf}: changed both ways (${x} → ${y} / ${z}), a conflict`,
              ).toBe(true);
              expect(got, `${leaf}: mine kept in a conflict`).toBe(y);
            }
          }
          // the order of the items every version has: one side's reorder is kept; two different ones are a conflict
          const common = (list: string[]) => list.filter((id) => ids(b).includes(id) && ids(m).includes(id) && ids(t).includes(id));
          const [ob, om, ot, or] = [common(ids(b)), common(ids(m)), common(ids(t)), common(ids(out))].map((l) => l.join());
          if (om === ot || ob === ot) expect(or).toBe(om);
          else if (ob === om) expect(or).toBe(ot);
          else expect(r.conflicts.some((c) => c.field === 'items (order)')).toBe(true);
          // comments are changes: each side's new comment is in the result when its key is
          for (const side of [mm, tm])
            for (const [key, note] of Object.entries(side.notes))
              if (bm.notes[key] !== note && (side === mm || mm.notes[key] === bm.notes[key]) && key in out) expect(r.text).toContain(`# ${note}`);
        }),
        { numRuns: RUNS },
      );
    },
    Math.max(120_000, RUNS * 20),
  ); // about 1.5 ms a case here; CI's cores are shared

  it('the case that lost a member role: a deletion by index no longer lands on someone nobody touched', () => {
    const base =
      'members:\n  - {id: ana, roles: [client]}\n  - {id: bob, roles: [dev]}\n  - {id: cy, roles: [steering_committee, qa]}\n  - {id: dee, roles: [steering_committee]}\n';
    const mine = base.replace('[steering_committee, qa]', '[steering_committee, qa, design]'); // cy gains a role
    const theirs = base.replace('  - {id: bob, roles: [dev]}\n', '').replace('[steering_committee, qa]', '[qa]'); // bob goes, cy loses one
    const r = mergeYaml(base, mine, theirs);
    expect(r.conflicts).toEqual([]);
    expect(parse(r.text)).toEqual({
      members: [
        { id: 'ana', roles: ['client'] },
        { id: 'cy', roles: ['qa', 'design'] },
        { id: 'dee', roles: ['steering_committee'] },
      ],
    });
  });

  it('a deletion against a side that only took fields of it away is no conflict (the CI counterexample, seed -495308276)', () => {
    const base = 'items:\n  - {id: A, v: 0}\n  - {id: D, v: 2, w: x, r: []}\n';
    const mine = 'items:\n  - {id: A, v: 0}\n'; // D goes
    const theirs = 'items:\n  - {id: A, v: 0}\n  - {id: D, v: 2}\n'; // D loses w and r
    expect(mergeYaml(base, mine, theirs).conflicts).toEqual([]);
    expect(parse(mergeYaml(base, mine, theirs).text)).toEqual({ items: [{ id: 'A', v: 0 }] });
    expect(parse(mergeYaml(base, theirs, mine).text)).toEqual({ items: [{ id: 'A', v: 0 }] });
    // a field they changed or added is theirs: deleting the whole would lose it
    expect(mergeYaml(base, mine, theirs.replace('v: 2', 'v: 3')).conflicts.map((c) => c.kind)).toEqual(['deleted-by-me']);
  });

  it('numeric keys are keys; a binary file or one over the budget is a conflict, never text', () => {
    const r = mergeYaml('byNum:\n  1: a\n  2: b\n', 'byNum:\n  1: a\n  2: b\nx: 1\n', 'byNum:\n  1: a\n  2: c\n');
    expect(r.conflicts).toEqual([]);
    expect(parse(r.text)).toEqual({ byNum: { 1: 'a', 2: 'c' }, x: 1 });
    expect(mergeYaml('a: 1\n', 'a: 2\n\u0000', 'a: 3\n').conflicts[0]!.field).toBe('(whole file)');
    const big = `a: "${'x'.repeat(3 * 1024 * 1024)}"\n`;
    expect(mergeYaml(big, `${big}b: 1\n`, `${big}c: 1\n`).conflicts[0]!.field).toBe('(whole file)');
  });

  it('my comment-only change keeps my comments while theirs come in', () => {
    const base = 'a: 1\nb: 2\nc: 3\n';
    const r = mergeYaml(base, '# mine\na: 1\nb: 2 # why two\nc: 3\n', 'a: 1\nb: 2\nc: 4\n');
    expect(r.text).toBe('# mine\na: 1\nb: 2 # why two\nc: 4\n');
  });
});
