/**
 * Decision records are Markdown with MADR-style YAML front matter between two `---` lines. The front matter is
 * handed to the YAML parser with the opening fence blanked out (same length), so every offset, line and column
 * reported for it is exact in the .md file.
 */
export interface FrontMatter {
  /** The text to parse as YAML: the front matter at its original offsets, or null when there is none. */
  yaml: string | null;
  /** Offset where the Markdown body starts. */
  bodyStart: number;
}

const OPEN_RE = /^\uFEFF?---[ \t]*\r?\n/;
const CLOSE_RE = /^(---|\.\.\.)[ \t]*(\r?\n|$)/m;

export function splitFrontMatter(text: string): FrontMatter {
  const open = OPEN_RE.exec(text);
  if (!open) return { yaml: null, bodyStart: 0 };
  const rest = text.slice(open[0].length);
  const close = CLOSE_RE.exec(rest);
  if (!close) return { yaml: null, bodyStart: 0 };
  const end = open[0].length + close.index;
  const fence = open[0].replace(/-/g, ' ').replace('\uFEFF', '');
  return { yaml: fence + text.slice(open[0].length, end), bodyStart: end + close[0].length };
}

/** Applies YAML edits to an ADR's front matter only; the Markdown body and every other byte stay as written. */
export function editFrontMatter(text: string, edit: (yaml: string) => string): string {
  const open = OPEN_RE.exec(text);
  if (!open) throw new Error('the decision record has no front matter');
  const rest = text.slice(open[0].length);
  const close = CLOSE_RE.exec(rest);
  if (!close) throw new Error('the front matter is not closed by ---');
  const start = open[0].length;
  const end = start + close.index;
  return text.slice(0, start) + edit(text.slice(start, end)) + text.slice(end);
}
