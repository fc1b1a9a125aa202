/**
 * Trees compared the way git compares them: entry by entry in git's order, equal subtrees skipped by id, and the
 * entries two versions share not even parsed (a folder of 2,000 CRs where one changed costs a few compares).
 */
import { damaged, type ObjectStore } from './objects.js';

/** One entry of a raw tree, found in place: where its name is, its mode, and where its id is. */
interface RawEntry {
  start: number;
  nameStart: number;
  nameEnd: number;
  end: number;
  tree: boolean;
}

function rawEntry(buf: Buffer, start: number): RawEntry {
  const sp = buf.indexOf(0x20, start);
  const nul = buf.indexOf(0, sp);
  if (sp === -1 || nul === -1 || nul + 21 > buf.length) throw damaged('a tree is cut short');
  return { start, nameStart: sp + 1, nameEnd: nul, end: nul + 21, tree: buf[start] === 0x34 /* "4": 40000 */ };
}

/** git's order of tree entries: by name, a tree's name compared as if it ended in "/". */
function compareEntries(a: Buffer, x: RawEntry, b: Buffer, y: RawEntry): number {
  const la = x.nameEnd - x.nameStart;
  const lb = y.nameEnd - y.nameStart;
  const c = a.compare(b, y.nameStart, y.nameStart + Math.min(la, lb), x.nameStart, x.nameStart + Math.min(la, lb));
  if (c !== 0) return c;
  const ca = la > lb ? a[x.nameStart + lb]! : x.tree ? 0x2f : 0;
  const cb = lb > la ? b[y.nameStart + la]! : y.tree ? 0x2f : 0;
  return ca - cb;
}

/** Where two buffers first differ (their common prefix's length), by halving: a few native compares. */
function commonPrefix(a: Buffer, b: Buffer): number {
  let [lo, hi] = [0, Math.min(a.length, b.length)];
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (a.compare(b, 0, mid, 0, mid) === 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** An entry that differs between two trees: its name, and what each side has (absent: undefined). */
export interface TreeChange {
  name: string;
  before?: { mode: string; oid: string };
  after?: { mode: string; oid: string };
}

/**
 * The entries that differ between two raw trees, in git's order, without parsing the entries they share: the common
 * start is found by halving, the entries walked from there, and the walk stops where the rest of both is the same.
 */
export function diffRawTrees(a: Buffer | null, b: Buffer | null): TreeChange[] {
  const [x, y] = [a ?? Buffer.alloc(0), b ?? Buffer.alloc(0)];
  const out: TreeChange[] = [];
  if (x.equals(y)) return out;
  const d = commonPrefix(x, y);
  let start = 0; // the entry holding the first difference (the same offset on both sides)
  for (let e = 0; e < d;) {
    const end = x.indexOf(0, x.indexOf(0x20, e)) + 21;
    if (end > d) break;
    start = e = end;
  }
  let [i, j] = [start, start];
  const side = (buf: Buffer, e: RawEntry) => ({ mode: buf.toString('latin1', e.start, e.nameStart - 1), oid: buf.toString('hex', e.nameEnd + 1, e.end) });
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x.length - i === y.length - j && x.compare(y, j, y.length, i, x.length) === 0) break;
    const ex = i < x.length ? rawEntry(x, i) : null;
    const ey = j < y.length ? rawEntry(y, j) : null;
    const c = !ex ? 1 : !ey ? -1 : compareEntries(x, ex, y, ey);
    if (c === 0) {
      if (x.compare(y, ey!.start, ey!.end, ex!.start, ex!.end) !== 0)
        out.push({ name: x.toString('utf8', ex!.nameStart, ex!.nameEnd), before: side(x, ex!), after: side(y, ey!) });
      [i, j] = [ex!.end, ey!.end];
    } else if (c < 0) {
      out.push({ name: x.toString('utf8', ex!.nameStart, ex!.nameEnd), before: side(x, ex!) });
      i = ex!.end;
    } else {
      out.push({ name: y.toString('utf8', ey!.nameStart, ey!.nameEnd), after: side(y, ey!) });
      j = ey!.end;
    }
  }
  return out;
}

/** Paths seen, each kept once: the commit index holds the same few thousand paths for 50,000 commits. */
const paths = new Map<string, string>();
function path(p: string): string {
  const known = paths.get(p);
  if (known !== undefined) return known;
  if (paths.size < 200_000) paths.set(p, p);
  return p;
}

/**
 * Paths of files that differ between two trees (by id; a folder's files when it came or went), recursing only into
 * subtrees that differ. `each` hears every changed file with what the second tree has there.
 */
export function changedPaths(
  store: ObjectStore,
  a: string | null,
  b: string | null,
  prefix: string,
  each?: (path: string, after: { mode: string; oid: string } | undefined) => void,
  only?: (path: string) => boolean,
): string[] {
  if (a === b) return [];
  const out: string[] = [];
  for (const ch of diffRawTrees(a ? store.readTree(a) : null, b ? store.readTree(b) : null)) {
    const p = path(prefix ? `${prefix}/${ch.name}` : ch.name);
    if (only && !only(p)) continue;
    const isTree = (e?: { mode: string }) => !!e && e.mode.startsWith('4');
    if (isTree(ch.before) || isTree(ch.after))
      out.push(...changedPaths(store, isTree(ch.before) ? ch.before!.oid : null, isTree(ch.after) ? ch.after!.oid : null, p, each, only));
    if ((ch.before && !isTree(ch.before)) || (ch.after && !isTree(ch.after))) {
      out.push(p);
      each?.(p, ch.after && !isTree(ch.after) ? ch.after : undefined);
    }
  }
  return out;
}
