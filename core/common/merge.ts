/**
 * Contract-aware three-way merge. Contract YAML merges by structure (merge-tree.ts): maps by key, lists of maps by
 * their identity (id, name, period, area, member), plain lists as sequences; theirs' changes are applied to my
 * document's nodes by identity, so my comments and formatting stay and their new nodes keep theirs. True conflicts
 * (one field changed two ways, delete/modify, add/add with different content, two reorders) come back as data, with my
 * value left in place. Markdown (ADRs) merges line-wise with diff3 (node-diff3); binary content never merges. Pure:
 * the git merge driver and the pull flow both use it, and the resolution of conflicts (setField).
 */
import { isMap, isScalar, isSeq, parse, parseDocument, type Document, type Node } from 'yaml';
import { mergeDocuments, mergeLineTexts, type FieldSeg, type MergeConflict } from './merge-tree.js';

export type { FieldSeg, MergeConflict } from './merge-tree.js';

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

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

type Seg = string | number;

const PRINT = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The field of a conflict that concerns a whole file (unparsable YAML, Markdown, a file deleted on one side). */
export const WHOLE_FILE = '(whole file)';

/** Texts over this size (all three together) are not merged by structure: the whole file is a conflict. */
export const MERGE_BUDGET_BYTES = 8 * 1024 * 1024;
/** Above this many lines, the line merge that keeps both sides' layout is not tried (its cost grows faster). */
const LINE_MERGE_LIMIT = 5000;

/** git's rule for binary content: a NUL byte (in text decoded from a blob, or U+FFFD where bytes were not UTF-8). */
export const looksBinaryText = (s: string) => s.includes('\u0000') || s.includes('\uFFFD');

const lineCount = (s: string) => s.split('\n').length;

/** Whether any map below `node` has a key twice (by the key's text), in one pass. */
function duplicateKeys(node: unknown): boolean {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const p of node.items) {
      const k = isScalar(p.key) ? String(p.key.value) : JSON.stringify(p.key);
      if (seen.has(k) || duplicateKeys(p.value)) return true;
      seen.add(k);
    }
  } else if (isSeq(node)) return node.items.some(duplicateKeys);
  return false;
}

/**
 * Merges YAML texts by structure (merge-tree.ts). `base` may be empty (a file both sides added). When git's line merge
 * is clean and means the same, its text is taken, so both sides' comments and layout stay as written. Unparsable,
 * binary or oversized input is a conflict on the whole file (my text kept), never a throw.
 */
export function mergeYaml(base: string, mine: string, theirs: string): MergeResult {
  if (mine === theirs) return { text: mine, conflicts: [] };
  if (base === theirs) return { text: mine, conflicts: [] };
  if (base === mine) return { text: theirs, conflicts: [] };
  const whole = (): MergeResult => ({
    text: mine,
    conflicts: [{ field: WHOLE_FILE, at: [], base, mine, theirs, kind: base.trim() === '' ? 'both-added' : 'both-changed' }],
  });
  if (base.length + mine.length + theirs.length > MERGE_BUDGET_BYTES || [base, mine, theirs].some(looksBinaryText)) return whole();
  try {
    // duplicate keys are checked here in one pass (the yaml library's own check is quadratic in a map's size)
    const docs = [base, mine, theirs].map((s) => (s.trim() === '' ? null : parseDocument(s, { uniqueKeys: false })));
    if (docs.some((d) => d && (d.errors.length || duplicateKeys(d.contents))) || !docs[1] || !docs[2]) return whole();
    const [b, m, t] = docs.map((d) => (d ? d.toJS({ maxAliasCount: 100 }) : undefined));
    const conflicts: MergeConflict[] = [];
    const changed = mergeDocuments(b, m, t, docs[0] ?? null, docs[1], docs[2], conflicts);
    const text = changed ? docs[1].toString(PRINT) : mine;
    if (!conflicts.length && Math.max(lineCount(base), lineCount(mine), lineCount(theirs)) <= LINE_MERGE_LIMIT) {
      const lines = mergeLineTexts(base, mine, theirs, { a: 'mine', b: 'theirs' });
      if (!lines.conflicted && lines.text !== text) {
        try {
          const merged = parseDocument(lines.text, { uniqueKeys: false });
          if (!merged.errors.length && !duplicateKeys(merged.contents) && same(merged.toJS(), parse(text, { uniqueKeys: false })))
            return { text: lines.text, conflicts: [] };
        } catch {
          /* the line merge is not valid YAML: the structural text stands */
        }
      }
    }
    return { text, conflicts };
  } catch {
    return whole();
  }
}

/** Markdown or any text: line-wise diff3; conflicts keep git's markers. Binary content is a conflict, never merged. */
export function mergeLines(base: string, mine: string, theirs: string, labels = { a: 'mine', b: 'theirs' }): { text: string; conflicted: boolean } {
  if ([base, mine, theirs].some(looksBinaryText)) return { text: mine, conflicted: mine !== theirs && base !== theirs };
  return mergeLineTexts(base, mine, theirs, labels);
}

/** One file's three-way merge, as the pull and git's driver make it: by structure for YAML, by lines otherwise. */
export interface TextMerge {
  text: string;
  /** Field conflicts of a YAML file (empty when clean); a text file's conflict is one whole-file entry. */
  conflicts: MergeConflict[];
  /** Whether the text carries git's conflict markers (a text file's line conflict). */
  markers: boolean;
}

export function mergeText(path: string, base: string, mine: string, theirs: string): TextMerge {
  if (/\.ya?ml$/i.test(path)) return { ...mergeYaml(base, mine, theirs), markers: false };
  const r = mergeLines(base, mine, theirs);
  return {
    text: r.text,
    markers: r.conflicted && !looksBinaryText(mine),
    conflicts: r.conflicted ? [{ field: WHOLE_FILE, at: [], base, mine, theirs, kind: base === '' ? 'both-added' : 'both-changed' }] : [],
  };
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
