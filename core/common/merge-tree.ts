/**
 * The structural three-way merge of YAML documents, on stable identities: map keys as keys (whatever their type),
 * items of lists of maps by their identity (id, name, period, area, member ...), plain lists as sequences. Each side's
 * changes are applied to my document's nodes in place, by identity, never by index, so my comments and formatting stay
 * wherever they did not change and their new nodes keep theirs. A field both sides changed differently is a conflict,
 * returned as data with my value left in place. Linear in the size of the documents (one index per map and list).
 */
import { merge as diff3, diff3Merge } from 'node-diff3';
import { isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

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

const IDENTITY_KEYS = ['id', 'name', 'period', 'area', 'member', 'metric', 'trigger'];
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
/** Whether `x` is `base` with only fields taken away: nothing in it a deletion of the whole would lose. */
const onlyRemovals = (base: unknown, x: unknown): boolean =>
  same(base, x) || (isObj(base) && isObj(x) && Object.entries(x).every(([k, v]) => k in base && onlyRemovals((base as Record<string, unknown>)[k], v)));
/** Plain lists longer than this merge as a whole (one side's change, or a conflict), not element by element. */
const SEQUENCE_LIMIT = 2000;

/** A map key as the plain value (toJS) names it: numbers and booleans by their text. */
const keyText = (p: Pair): string => {
  const k = p.key as unknown;
  if (isScalar(k)) return String(k.value);
  return k === null || k === undefined ? '' : typeof k === 'object' ? JSON.stringify(k) : String(k);
};

/** The key every item of every list has, unique within each list, or null. */
function identityKey(lists: unknown[][]): string | null {
  const items = lists.flat();
  if (items.length === 0 || !items.every(isObj)) return null;
  for (const k of IDENTITY_KEYS) {
    const ok = (list: unknown[]) => {
      const vals = list.map((x) => (x as Record<string, unknown>)[k]);
      return vals.every((v) => typeof v === 'string' || typeof v === 'number') && new Set(vals.map(String)).size === vals.length;
    };
    if (lists.every(ok)) return k;
  }
  return null;
}

const kindOf = (b: unknown, m: unknown, t: unknown): MergeConflict['kind'] =>
  b === undefined ? 'both-added' : m === undefined ? 'deleted-by-me' : t === undefined ? 'deleted-by-them' : 'both-changed';

type Ctx = { conflicts: MergeConflict[]; changed: boolean };

type Commented = { commentBefore?: string | null; comment?: string | null };

/** Comments are changes too: one only they changed (added, edited or removed) comes in; mine stay. */
function takeComments(c: Ctx, bn: unknown, mn: unknown, tn: unknown): void {
  if (!mn || !tn || typeof mn !== 'object' || typeof tn !== 'object') return;
  const [b, m, t] = [(bn ?? {}) as Commented, mn as Commented, tn as Commented];
  for (const slot of ['commentBefore', 'comment'] as const) {
    const [bc, mc, tc] = [b[slot] ?? null, m[slot] ?? null, t[slot] ?? null];
    if (tc !== bc && mc === bc && tc !== mc) {
      m[slot] = tc ?? undefined;
      c.changed = true;
    }
  }
}

/** Their comment changes below a node whose values they did not change: maps by key, lists position by position. */
function commentsBelow(c: Ctx, bn: unknown, mn: unknown, tn: unknown): void {
  if (isMap(mn) && isMap(tn)) {
    const index = (n: unknown) => new Map(((isMap(n) ? n.items : []) as Pair[]).map((p) => [keyText(p), p]));
    const [bi, ti] = [index(bn), index(tn)];
    for (const p of mn.items as Pair[]) {
      const [bp, tp] = [bi.get(keyText(p)), ti.get(keyText(p))];
      if (!tp) continue;
      takeComments(c, bp?.key, p.key, tp.key);
      takeComments(c, bp?.value, p.value, tp.value);
      commentsBelow(c, bp?.value, p.value, tp.value);
    }
  } else if (isSeq(mn) && isSeq(tn) && mn.items.length === tn.items.length) {
    const bs = isSeq(bn) && bn.items.length === mn.items.length ? bn.items : [];
    mn.items.forEach((x, i) => {
      takeComments(c, bs[i], x, tn.items[i]);
      commentsBelow(c, bs[i], x, tn.items[i]);
    });
  }
}

const clone = (n: unknown) => (n && typeof (n as Node).clone === 'function' ? (n as Node).clone() : n);

/**
 * Merges theirs into my node `mn` (in place where it can; the returned node replaces it otherwise). `b`, `m`, `t` are
 * the plain values of the three versions at this place; `tn` is theirs' node.
 */
function mergeAt(c: Ctx, b: unknown, m: unknown, t: unknown, bn: unknown, mn: unknown, tn: unknown, field: string, at: FieldSeg[]): unknown {
  takeComments(c, bn, mn, tn);
  if (same(m, t) || same(b, t)) return (commentsBelow(c, bn, mn, tn), mn); // no value new from them: their comments only
  if (isObj(m) && isObj(t) && isMap(mn) && isMap(tn) && (b === undefined || isObj(b)))
    return (mergeMap(c, isObj(b) ? b : {}, m, t, isMap(bn) ? bn : null, mn, tn, field, at), mn);
  if (Array.isArray(m) && Array.isArray(t) && isSeq(mn) && isSeq(tn) && (b === undefined || Array.isArray(b)))
    return (mergeSeq(c, Array.isArray(b) ? b : [], m, t, isSeq(bn) ? bn : null, mn, tn, field, at), mn);
  if (same(b, m)) {
    c.changed = true;
    return clone(tn); // only they changed it: theirs
  }
  c.conflicts.push({ field: field || '(document)', at, base: b, mine: m, theirs: t, kind: kindOf(b, m, t) });
  return mn;
}

function mergeMap(
  c: Ctx,
  b: Record<string, unknown>,
  m: Record<string, unknown>,
  t: Record<string, unknown>,
  bn: YAMLMap | null,
  mn: YAMLMap,
  tn: YAMLMap,
  field: string,
  at: FieldSeg[],
) {
  const mine = new Map<string, Pair>();
  for (const p of mn.items as Pair[]) mine.set(keyText(p), p);
  const base = new Map<string, Pair>();
  for (const p of (bn?.items ?? []) as Pair[]) base.set(keyText(p), p);
  const added = new Map<string, Pair[]>(); // theirs' new keys, by the key before them in theirs ('' first)
  let before = '';
  const drop = new Set<Pair>();
  for (const p of tn.items as Pair[]) {
    const k = keyText(p);
    const f = field ? `${field}.${k}` : k;
    const mp = mine.get(k);
    if (!mp) {
      if (!(k in b)) {
        // they added it (I did not): in after the key before it in theirs
        const list = added.get(before) ?? [];
        list.push(clone(p) as Pair);
        added.set(before, list);
        c.changed = true;
      } else if (!onlyRemovals(b[k], t[k])) c.conflicts.push({ field: f, at: [...at, k], base: b[k], mine: undefined, theirs: t[k], kind: 'deleted-by-me' });
    } else {
      takeComments(c, base.get(k)?.key, mp.key, p.key);
      const merged = mergeAt(c, b[k], m[k], t[k], base.get(k)?.value, mp.value, p.value, f, [...at, k]);
      if (merged !== mp.value) mp.value = merged as never;
    }
    before = k;
  }
  for (const [k, mp] of mine) {
    if (k in t || !(k in b)) continue;
    // they removed it: gone, unless I changed it
    if (onlyRemovals(b[k], m[k])) {
      drop.add(mp);
      c.changed = true;
    } else c.conflicts.push({ field: field ? `${field}.${k}` : k, at: [...at, k], base: b[k], mine: m[k], theirs: undefined, kind: 'deleted-by-them' });
  }
  if (!added.size && !drop.size) return;
  const items: Pair[] = [...(added.get('') ?? [])];
  const placed = new Set<string>(['']);
  for (const p of mn.items as Pair[]) {
    const k = keyText(p);
    if (!drop.has(p)) items.push(p);
    placed.add(k);
    items.push(...(added.get(k) ?? []));
  }
  // new keys after a key only theirs has (itself new) or mine removed: at the end, in theirs' order
  for (const [k, list] of added) if (!placed.has(k)) items.push(...list);
  mn.items = items as never;
}

/** The merged order of unique ids: one side's reorder is kept, the other's additions go after their neighbour. */
function mergeOrder(bIds: string[], mIds: string[], tIds: string[]): { order: string[]; reorderConflict: boolean } {
  const inB = new Set(bIds);
  const inM = new Set(mIds);
  const inT = new Set(tIds);
  const common = (list: string[]) => list.filter((id) => inB.has(id) && inM.has(id) && inT.has(id));
  const [cb, cm, ct] = [common(bIds), common(mIds), common(tIds)];
  const theirsLead = same(cb, cm) && !same(cb, ct); // only they reordered: their order is the skeleton
  const reorderConflict = !same(cb, cm) && !same(cb, ct) && !same(cm, ct);
  const [lead, other, leadSet] = theirsLead ? [tIds, mIds, inT] : [mIds, tIds, inM];
  // the other side's additions (in neither base nor the lead), after the nearest id before them that the lead has
  const after = new Map<string, string[]>();
  let prev = '';
  for (const id of other) {
    if (!inB.has(id) && !leadSet.has(id)) after.set(prev, [...(after.get(prev) ?? []), id]);
    else if (leadSet.has(id)) prev = id;
  }
  // both adding at one place: the lead's new items first, then the other's
  const order: string[] = [];
  let pending = [...(after.get('') ?? [])];
  for (const id of lead) {
    if (!inB.has(id)) {
      order.push(id);
      pending.push(...(after.get(id) ?? []));
      continue;
    }
    order.push(...pending, id);
    pending = [...(after.get(id) ?? [])];
  }
  order.push(...pending);
  return { order, reorderConflict };
}

function mergeSeq(c: Ctx, b: unknown[], m: unknown[], t: unknown[], bn: YAMLSeq | null, mn: YAMLSeq, tn: YAMLSeq, field: string, at: FieldSeg[]) {
  const key = identityKey([b, m, t]);
  if (key) return mergeItems(c, key, b, m, t, bn, mn, tn, field, at);
  if (b.length === m.length && m.length === t.length && [...b, ...m, ...t].every((x) => x !== null && typeof x === 'object')) {
    // lists of containers without identity, same length everywhere: position by position
    m.forEach((mx, i) => {
      const merged = mergeAt(c, b[i], mx, t[i], bn?.items[i], mn.items[i], tn.items[i], `${field}[${i}]`, [...at, String(i)]);
      if (merged !== mn.items[i]) mn.items[i] = merged as never;
    });
    return;
  }
  // a plain list: merged as a sequence (diff3 over its elements); both inserting at one place keeps mine, then theirs
  const conflict = () => c.conflicts.push({ field: field || '(document)', at, base: b, mine: m, theirs: t, kind: kindOf(b, m, t) });
  if (Math.max(b.length, m.length, t.length) > SEQUENCE_LIMIT) {
    if (!same(b, m)) return conflict();
    mn.items = tn.items.map(clone) as never;
    c.changed = true;
    return;
  }
  const s = (list: unknown[]) => list.map((x) => JSON.stringify(x));
  const regions = diff3Merge(s(m), s(b), s(t), { excludeFalseConflicts: true });
  const out: string[] = [];
  for (const r of regions) {
    if (r.ok) out.push(...r.ok);
    else if (r.conflict && r.conflict.o.length === 0) out.push(...r.conflict.a, ...r.conflict.b.filter((x) => !r.conflict!.a.includes(x)));
    else return conflict();
  }
  // nodes: mine where the value is mine, theirs (cloned) where it came from them
  const pool = new Map<string, unknown[]>();
  const take = (list: unknown[], nodes: unknown[], copy: boolean) =>
    list.forEach((x, i) => {
      const k = JSON.stringify(x);
      pool.set(k, [...(pool.get(k) ?? []), copy ? clone(nodes[i]) : nodes[i]]);
    });
  take(m, mn.items, false);
  take(t, tn.items, true);
  const items = out.map((k) => pool.get(k)!.shift());
  if (!same(out, s(m))) {
    mn.items = items as never;
    c.changed = true;
  }
}

function mergeItems(
  c: Ctx,
  key: string,
  b: unknown[],
  m: unknown[],
  t: unknown[],
  bn: YAMLSeq | null,
  mn: YAMLSeq,
  tn: YAMLSeq,
  field: string,
  at: FieldSeg[],
) {
  const ids = (list: unknown[]) => list.map((x) => String((x as Record<string, unknown>)[key]));
  const [bIds, mIds, tIds] = [ids(b), ids(m), ids(t)];
  const index = (list: string[]) => new Map(list.map((id, i) => [id, i]));
  const [bi, mi, ti] = [index(bIds), index(mIds), index(tIds)];
  const { order, reorderConflict } = mergeOrder(bIds, mIds, tIds);
  if (reorderConflict) c.conflicts.push({ field: `${field} (order)`, at, base: bIds, mine: mIds, theirs: tIds, kind: 'both-changed' });
  const visit = (id: string): unknown => {
    const [bx, mx, tx] = [bi.get(id), mi.get(id), ti.get(id)];
    const f = `${field}[${id}]`;
    const fAt: FieldSeg[] = [...at, { key, id }];
    if (mx !== undefined && tx !== undefined)
      return mergeAt(c, bx === undefined ? undefined : b[bx], m[mx], t[tx], bx === undefined ? undefined : bn?.items[bx], mn.items[mx], tn.items[tx], f, fAt);
    if (mx !== undefined) {
      // I have it, they do not: I added it, or they removed it (gone unless I changed it)
      if (bx === undefined) return mn.items[mx];
      if (onlyRemovals(b[bx], m[mx])) {
        c.changed = true;
        return undefined;
      }
      c.conflicts.push({ field: f, at: fAt, base: b[bx], mine: m[mx], theirs: undefined, kind: 'deleted-by-them' });
      return mn.items[mx];
    }
    if (tx === undefined) return undefined;
    // they have it, I do not: they added it, or I removed it (gone unless they changed it)
    if (bx === undefined) {
      c.changed = true;
      return clone(tn.items[tx]);
    }
    if (!onlyRemovals(b[bx], t[tx])) c.conflicts.push({ field: f, at: fAt, base: b[bx], mine: undefined, theirs: t[tx], kind: 'deleted-by-me' });
    return undefined;
  };
  const seen = new Set(order);
  const items: unknown[] = [];
  const nodeOf = new Map<string, unknown>();
  for (const id of order) {
    const n = visit(id);
    if (n === undefined) continue;
    items.push(n);
    nodeOf.set(id, n);
  }
  // ids the order left out (removed by the side that leads): judged too; one I changed stays where I have it
  const extra = new Map<unknown, unknown[]>();
  let prevNode: unknown = null;
  for (const id of [...mIds, ...tIds, ...bIds]) {
    if (seen.has(id)) {
      if (mi.has(id)) prevNode = nodeOf.get(id) ?? prevNode;
      continue;
    }
    seen.add(id);
    const n = visit(id);
    if (n !== undefined) extra.set(prevNode, [...(extra.get(prevNode) ?? []), n]);
  }
  if (extra.size) {
    const withExtra: unknown[] = [...(extra.get(null) ?? [])];
    for (const x of items) withExtra.push(x, ...(extra.get(x) ?? []));
    items.splice(0, items.length, ...withExtra);
  }
  const before = mn.items;
  if (items.length !== before.length || items.some((x, i) => x !== before[i])) {
    mn.items = items as never;
    c.changed = true;
  }
}

/** Merges theirs into my document in place; returns whether anything of theirs went in. */
export function mergeDocuments(
  b: unknown,
  m: unknown,
  t: unknown,
  base: Document | null,
  doc: Document,
  theirs: Document,
  conflicts: MergeConflict[],
): boolean {
  const c: Ctx = { conflicts, changed: false };
  takeComments(c, base?.contents ? { commentBefore: base.commentBefore, comment: base.comment } : null, doc, theirs);
  const merged = mergeAt(c, b, m, t, base?.contents, doc.contents, theirs.contents, '', []);
  if (merged !== doc.contents) doc.contents = merged as never;
  return c.changed;
}

/** Markdown or any text: line-wise diff3; conflicts keep git's markers. */
export function mergeLineTexts(base: string, mine: string, theirs: string, labels: { a: string; b: string }): { text: string; conflicted: boolean } {
  const r = diff3(mine.split('\n'), base.split('\n'), theirs.split('\n'), { label: { a: labels.a, b: labels.b } });
  return { text: r.result.join('\n'), conflicted: r.conflict };
}
