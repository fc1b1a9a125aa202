/**
 * Contract-aware three-way merge. Contract YAML merges by structure: maps by key, lists of maps by their identity
 * (id, name, period, area, member), lists of plain values as sets; theirs' changes are applied to my document with
 * the yaml Document API, so my comments and formatting stay and their new nodes keep theirs. True conflicts (one field
 * changed two ways, delete/modify, add/add with different content) come back as data, with my value left in place.
 * Markdown (ADRs) merges line-wise with diff3 (node-diff3). Pure: the git merge driver and the pull flow both use it.
 */
import { merge as diff3 } from 'node-diff3';
import { isSeq, parse, parseDocument, type Document, type Node } from 'yaml';

/** One step of a field's identity path: a map key, or the item of a list of maps with `key` equal to `id`. */
export type FieldSeg = string | { key: string; id: string };

export interface MergeConflict {
  /** The field path in contract words: dates.end, acceptance_criteria[AC3].target ... */
  field: string;
  /** The same path by identity (keys and list-item ids, not indices): it still finds the field after other edits. */
  at: FieldSeg[];
  base: unknown;
  mine: unknown;
  theirs: unknown;
  /** add/add, delete/modify or modify/modify. */
  kind: 'both-changed' | 'deleted-by-them' | 'deleted-by-me' | 'both-added';
}

/** How a person settles a conflict: keep my value, take theirs, or write another (an edit). */
export type Take = 'mine' | 'theirs' | 'edit';

/** One conflict of a merge waiting for people, as kept in .git/covenant/merge.json and shown in the conflict view. */
export interface MergeConflictEntry {
  /** File and field, the handle people and scripts use: contracts/sow/SPRINT-07.yaml#dates.end */
  key: string;
  path: string;
  /** The field in contract words, or "(whole file)". */
  field: string;
  at: FieldSeg[];
  kind: MergeConflict['kind'];
  /** Absent where that side has no such field (or file). Whole-file conflicts hold the texts. */
  base?: unknown;
  mine?: unknown;
  theirs?: unknown;
  /** Whole-file conflicts of text (Markdown): the line merge with git's markers, where an edit starts. */
  draft?: string;
  resolution: { take: Take; by?: string; at: string } | null;
}

/** A merge waiting for people. */
export interface MergeState {
  version: 1;
  branch: string;
  /** HEAD when the pull began (my side) and the commit merged in (theirs). */
  ours: string;
  theirs: string;
  /** What was merged, in words: origin/main. */
  from: string;
  message: string;
  startedAt: string;
  /** Files the merge wrote or deleted: abort puts them back, continue commits them. */
  touched: string[];
  conflicts: MergeConflictEntry[];
}

export interface MergeResult {
  text: string;
  conflicts: MergeConflict[];
}

const IDENTITY_KEYS = ['id', 'name', 'period', 'area', 'member', 'metric', 'trigger'];
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const scalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function identity(lists: unknown[][]): string | null {
  const items = lists.flat();
  if (items.length === 0 || !items.every(isObj)) return null;
  for (const k of IDENTITY_KEYS) {
    const ok = (list: unknown[]) => {
      const vals = list.map((x) => (x as Record<string, unknown>)[k]);
      return vals.every((v) => typeof v === 'string' || typeof v === 'number') && new Set(vals).size === vals.length;
    };
    if (lists.every(ok)) return k;
  }
  return null;
}

type Seg = string | number;

const PRINT = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The field of a conflict that concerns a whole file (unparsable YAML, Markdown, a file deleted on one side). */
export const WHOLE_FILE = '(whole file)';

/**
 * Merges YAML texts. `base` may be empty (a file both sides added). Unparsable input is a conflict on the whole file
 * (my text kept), never a throw.
 */
export function mergeYaml(base: string, mine: string, theirs: string): MergeResult {
  if (mine === theirs) return { text: mine, conflicts: [] };
  if (base === theirs) return { text: mine, conflicts: [] };
  if (base === mine) return { text: theirs, conflicts: [] };
  let b: unknown, m: unknown, t: unknown;
  let doc: Document;
  let theirsDoc: Document;
  try {
    b = base.trim() === '' ? undefined : parse(base);
    m = parse(mine);
    t = parse(theirs);
    doc = parseDocument(mine);
    theirsDoc = parseDocument(theirs);
    if (doc.errors.length || theirsDoc.errors.length) throw new Error('syntax');
  } catch {
    return { text: mine, conflicts: [{ field: WHOLE_FILE, at: [], base, mine, theirs, kind: 'both-changed' }] };
  }
  const conflicts: MergeConflict[] = [];
  // edits are collected and applied after the walk: the paths into my document are computed from my (unchanged) value
  const edits: { path: Seg[]; op: 'set' | 'delete' | 'append'; node?: unknown }[] = [];
  const theirsNode = (path: Seg[]): unknown => {
    const n = theirsDoc.getIn(path, true);
    return n === undefined ? undefined : (n as Node).clone ? (n as Node).clone() : n;
  };

  const walk = (bv: unknown, mv: unknown, tv: unknown, field: string, at: FieldSeg[], mPath: Seg[], tPath: Seg[]) => {
    if (same(mv, tv) || same(bv, tv)) return; // nothing new from them
    if (same(bv, mv)) {
      // only they changed it: take theirs
      if (tv === undefined) edits.push({ path: mPath, op: 'delete' });
      else edits.push({ path: mPath, op: 'set', node: theirsNode(tPath) });
      return;
    }
    // both changed it, differently
    if (isObj(mv) && isObj(tv) && (bv === undefined || isObj(bv))) {
      const bo = (bv ?? {}) as Record<string, unknown>;
      for (const k of new Set([...Object.keys(bo), ...Object.keys(mv), ...Object.keys(tv)]))
        walk(bo[k], mv[k], tv[k], field ? `${field}.${k}` : k, [...at, k], [...mPath, k], [...tPath, k]);
      return;
    }
    if (Array.isArray(mv) && Array.isArray(tv) && (bv === undefined || Array.isArray(bv))) {
      const bl = (bv ?? []) as unknown[];
      const key = identity([bl, mv, tv]);
      if (key) {
        const idx = (list: unknown[]) => new Map(list.map((x, i) => [String((x as Record<string, unknown>)[key]), i]));
        const [bi, mi, ti] = [idx(bl), idx(mv), idx(tv)];
        for (const id of new Set([...bi.keys(), ...mi.keys(), ...ti.keys()])) {
          const [bx, mx, tx] = [bi.get(id), mi.get(id), ti.get(id)];
          const f = `${field}[${id}]`;
          const fAt = [...at, { key, id }];
          if (mx === undefined && tx !== undefined && bx === undefined) edits.push({ path: mPath, op: 'append', node: theirsNode([...tPath, tx]) });
          else if (mx !== undefined && tx !== undefined) walk(bx === undefined ? undefined : bl[bx], mv[mx], tv[tx], f, fAt, [...mPath, mx], [...tPath, tx]);
          else if (mx !== undefined && tx === undefined && bx !== undefined) {
            // they removed it: fine unless I changed it
            if (same(bl[bx], mv[mx])) edits.push({ path: [...mPath, mx], op: 'delete' });
            else conflicts.push({ field: f, at: fAt, base: bl[bx], mine: mv[mx], theirs: undefined, kind: 'deleted-by-them' });
          } else if (mx === undefined && tx !== undefined && bx !== undefined) {
            // I removed it: fine unless they changed it
            if (!same(bl[bx], tv[tx])) conflicts.push({ field: f, at: fAt, base: bl[bx], mine: undefined, theirs: tv[tx], kind: 'deleted-by-me' });
          }
        }
        return;
      }
      if ([...bl, ...mv, ...tv].every(scalar)) {
        // plain values as a set: their additions appended, their removals removed
        for (const [i, x] of tv.entries())
          if (!bl.some((y) => same(x, y)) && !mv.some((y) => same(x, y))) edits.push({ path: mPath, op: 'append', node: theirsNode([...tPath, i]) });
        mv.forEach((x, i) => {
          if (bl.some((y) => same(x, y)) && !tv.some((y) => same(x, y))) edits.push({ path: [...mPath, i], op: 'delete' });
        });
        return;
      }
    }
    conflicts.push({
      field: field || '(document)',
      at,
      base: bv,
      mine: mv,
      theirs: tv,
      kind: bv === undefined ? 'both-added' : mv === undefined ? 'deleted-by-me' : tv === undefined ? 'deleted-by-them' : 'both-changed',
    });
  };
  walk(b, m, t, '', [], [], []);

  // deletions from the end of lists first, so earlier indices stay right
  const order = (e: (typeof edits)[number]) => (e.op === 'delete' ? 2 : e.op === 'append' ? 1 : 0);
  edits.sort((x, y) => order(x) - order(y) || (x.op === 'delete' && y.op === 'delete' ? Number(y.path.at(-1)) - Number(x.path.at(-1)) : 0));
  for (const e of edits) {
    if (e.op === 'set') doc.setIn(e.path, e.node);
    else if (e.op === 'delete') doc.deleteIn(e.path);
    else {
      const seq = doc.getIn(e.path, true);
      if (isSeq(seq)) seq.items.push(e.node as never);
      else doc.setIn(e.path, doc.createNode([e.node]));
    }
  }
  const text = edits.length ? doc.toString(PRINT) : mine;
  return { text, conflicts };
}

/** Markdown or any text: line-wise diff3; conflicts keep git's markers. */
export function mergeLines(base: string, mine: string, theirs: string, labels = { a: 'mine', b: 'theirs' }): { text: string; conflicted: boolean } {
  const r = diff3(mine.split('\n'), base.split('\n'), theirs.split('\n'), { label: { a: labels.a, b: labels.b } });
  return { text: r.result.join('\n'), conflicted: r.conflict };
}

/** The index path of an identity path in a document; `missing` is how many trailing steps do not exist. */
function locate(doc: Document, at: FieldSeg[]): { path: Seg[]; missing: number } {
  const path: Seg[] = [];
  for (let i = 0; i < at.length; i++) {
    const seg = at[i]!;
    if (typeof seg === 'string') {
      if (doc.getIn([...path, seg], true) === undefined) return { path, missing: at.length - i };
      path.push(seg);
      continue;
    }
    const seq = doc.getIn(path, true);
    const items = isSeq(seq) ? seq.toJSON() : [];
    const idx = (items as unknown[]).findIndex((x) => isObj(x) && String(x[seg.key]) === seg.id);
    if (idx < 0) return { path, missing: at.length - i };
    path.push(idx);
  }
  return { path, missing: 0 };
}

/**
 * Sets one field of `current` (YAML text) to its value in `from`: another version's text (its node, with its comments
 * and style), a plain value, or nothing (the field, or list item, is removed). The field is found by identity, so the
 * other resolutions made before it do not move it. Returns the new text; refuses when the field's parent is gone.
 */
export function setField(current: string, at: FieldSeg[], from: { text: string } | { value: unknown } | null): string {
  const doc = parseDocument(current);
  if (doc.errors.length) throw new Error(`the file is not valid YAML now (${doc.errors[0]!.message.split('\n')[0]}); fix it first`);
  let node: unknown;
  if (from && 'text' in from) {
    const src = parseDocument(from.text);
    const found = src.errors.length ? null : locate(src, at);
    node = found && found.missing === 0 ? ((src.getIn(found.path, true) as Node | undefined)?.clone?.() ?? src.getIn(found.path)) : undefined;
  } else if (from) node = from.value === undefined ? undefined : doc.createNode(from.value);
  const here = locate(doc, at);
  if (here.missing === 0) {
    if (node === undefined) doc.deleteIn(here.path);
    else doc.setIn(here.path, node);
    return doc.toString(PRINT);
  }
  if (node === undefined) return current; // already absent
  if (here.missing > 1)
    throw new Error(
      `${at
        .slice(0, at.length - here.missing + 1)
        .map((s) => (typeof s === 'string' ? s : `[${s.id}]`))
        .join('.')} no longer exists`,
    );
  const last = at[at.length - 1]!;
  if (typeof last === 'string') doc.setIn([...here.path, last], node);
  else {
    const seq = doc.getIn(here.path, true);
    if (isSeq(seq)) seq.items.push(node as never);
    else doc.setIn(here.path, doc.createNode([node]));
  }
  return doc.toString(PRINT);
}
