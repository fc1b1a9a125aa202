import PDFDocument from 'pdfkit';
import path from 'node:path';
import { packageRoot } from '../paths.js';

/** Noto Sans JP (SIL OFL) from the npm registry: Latin, accents, €, and CJK, embedded as a subset. */
export function fontFiles(): { regular: string; bold: string } {
  const dir = path.join(packageRoot(), 'node_modules', '@expo-google-fonts', 'noto-sans-jp');
  return { regular: path.join(dir, '400Regular', 'NotoSansJP_400Regular.ttf'), bold: path.join(dir, '700Bold', 'NotoSansJP_700Bold.ttf') };
}

export type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

export const MARGIN = 54;
const FOOTER = 30;
const TEXT = '#1f2430';
const MUTED = '#667085';

/** The document's structure root (tagged PDF): every heading, paragraph and table is an element under it. */
const roots = new WeakMap<Doc, Struct>();
/** Bookmarks: the level-1 item sections of level 2 go under. */
const outlineParents = new WeakMap<Doc, PDFKit.PDFOutline>();

/**
 * A tagged PDF (structure tree, document language, PDF/A-2b with its colour profile and XMP metadata): screen
 * readers and archives read it as a document, not as positioned glyphs.
 */
export function newDoc(info: { title: string; subject: string }, opts: { tagged?: boolean } = {}): Doc {
  // a pass that only finds page numbers (for the contents) skips the structure: layout does not depend on it
  const tagged = opts.tagged ?? true;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER },
    bufferPages: true,
    autoFirstPage: true,
    pdfVersion: '1.7',
    ...(tagged ? { subset: 'PDF/A-2b' as const, tagged: true, lang: 'en-GB', displayTitle: true } : {}),
    info: { Title: info.title, Subject: info.subject, Producer: 'Covenant', Creator: 'Covenant' },
  });
  const f = fontFiles();
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  doc.font('regular').fontSize(10);
  if (tagged) {
    const root = doc.struct('Document');
    doc.addStructure(root);
    roots.set(doc, root);
  }
  return doc;
}

/** Draws content as one structure element (H1, P, TD…) under `parent` (the document by default). */
export function tag(doc: Doc, type: string, draw: () => void, parent: Struct | undefined = roots.get(doc)): void {
  if (!parent) return draw();
  parent.add(doc.struct(type, {}, [draw]));
}

/** Draws decoration (rules, shading, page furniture) that is not content: marked as an artifact. */
export function artifact(doc: Doc, draw: () => void, type?: 'Pagination' | 'Layout'): void {
  if (!roots.has(doc)) return draw();
  doc.markContent('Artifact', type ? { type } : undefined);
  draw();
  doc.endMarkedContent();
}

/**
 * Widths of words at the table font size, measured once per process (the fonts are always the same two files): a long
 * table measures the same words again and again, and the contents need two passes.
 */
const wordWidths = new Map<string, number>();
function wordWidth(doc: Doc, word: string, bold: boolean): number {
  const key = `${bold ? 'b' : 'r'}|${word}`;
  let w = wordWidths.get(key);
  if (w === undefined) {
    doc.font(bold ? 'bold' : 'regular').fontSize(CELL);
    w = doc.widthOfString(word);
    if (wordWidths.size > 100_000) wordWidths.clear();
    wordWidths.set(key, w);
  }
  return w;
}

const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;
export const width = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

export function ensureSpace(doc: Doc, h: number): void {
  if (doc.y + h > bottom(doc)) doc.addPage();
}

/**
 * A heading, kept with what follows it (`keep` points of it must fit on the same page), a bookmark in the outline,
 * and a named destination the contents link to.
 */
export function heading(doc: Doc, text: string, level: 1 | 2 | 3 = 1, opts: { keep?: number; destination?: string; outline?: boolean } = {}): void {
  const size = level === 1 ? 16 : level === 2 ? 13 : 11;
  ensureSpace(doc, size * 2.4 + (opts.keep ?? 60));
  if (doc.y > doc.page.margins.top + 1) doc.moveDown(level === 1 ? 1 : 0.6);
  if (opts.outline !== false && level < 3) {
    if (level === 1) outlineParents.set(doc, doc.outline.addItem(text));
    else (outlineParents.get(doc) ?? doc.outline).addItem(text);
  }
  tag(doc, `H${level}`, () => {
    doc
      .font('bold')
      .fontSize(size)
      .fillColor(TEXT)
      .text(text, { width: width(doc), ...(opts.destination ? { destination: opts.destination } : {}) });
  });
  doc.moveDown(0.3).font('regular').fontSize(10).fillColor(TEXT);
}

/**
 * A word longer than any line (a 50,000-character token) gets break opportunities (U+200B) every 40 characters: pdfkit
 * breaks an unbreakable word by measuring ever longer prefixes, which is quadratic (146 s for 50,000 characters).
 */
export const breakable = (text: string) => (text.length < 60 ? text : text.replace(/\S{60,}/g, (w) => w.replace(/(.{40})/gu, '$1\u200B')));

export function para(doc: Doc, text: string, opts: { muted?: boolean; size?: number; bold?: boolean } = {}): void {
  tag(doc, 'P', () => {
    doc
      .font(opts.bold ? 'bold' : 'regular')
      .fontSize(opts.size ?? 10)
      .fillColor(opts.muted ? MUTED : TEXT)
      .text(breakable(text), { width: width(doc) });
  });
  doc.font('regular').fontSize(10).fillColor(TEXT);
}

/** "Label: value" as one paragraph; the value is never split inside an identifier. */
export function field(doc: Doc, label: string, value: string): void {
  ensureSpace(doc, 16);
  tag(doc, 'P', () => {
    doc
      .font('bold')
      .fontSize(10)
      .text(`${label}: `, { continued: true })
      .font('regular')
      .text(breakable(value) || '—', { width: width(doc) });
  });
}

/** A bullet list item. */
export function bullet(doc: Doc, text: string): void {
  ensureSpace(doc, 14);
  tag(doc, 'LI', () => {
    doc
      .font('regular')
      .fontSize(10)
      .fillColor(TEXT)
      .text(`•  ${breakable(text)}`, { width: width(doc), indent: 0 });
  });
}

export interface Column {
  header: string;
  width: number; // share of the full width
  align?: 'left' | 'right';
}

const CELL = 8.5;
const PAD = 3;
/** Word separators inside identifiers where a line may break when nothing else fits ("steering_" / "committee"). */
const SOFT_BREAK = /([_/.@-])(?=\S)/g;

/**
 * Column widths that fit every cell's longest word: a column narrower than its longest identifier takes room from
 * columns that have some to spare, so "steering_committee" is never cut inside a word.
 */
export function fitColumns(doc: Doc, columns: Column[], rows: string[][], total: number): number[] {
  const longest = columns.map((c, i) => {
    let w = Math.max(...c.header.split(/\s+/).map((t) => wordWidth(doc, t, true)));
    for (const r of rows) for (const token of breakable(r[i] ?? '').split(/[\s\u200B]+/)) w = Math.max(w, wordWidth(doc, token, false));
    return w + PAD * 2 + 1;
  });
  const widths = columns.map((c) => c.width * total);
  for (let round = 0; round < 3; round++) {
    const short = widths.map((w, i) => Math.max(0, longest[i]! - w));
    const need = short.reduce((a, b) => a + b, 0);
    if (need < 0.5) break;
    const spare = widths.map((w, i) => Math.max(0, w - longest[i]!));
    const available = spare.reduce((a, b) => a + b, 0);
    if (available < 0.5) break;
    const take = Math.min(need, available);
    for (let i = 0; i < widths.length; i++) {
      widths[i]! += (short[i]! / need) * take;
      widths[i]! -= (spare[i]! / available) * take;
    }
  }
  return widths;
}

/**
 * A table: tagged as Table/TR/TH/TD; its caption (if any) and header row stay with its first row; the header row is
 * repeated on every page it runs onto; identifiers are not cut inside a word.
 */
export function table(doc: Doc, columns: Column[], rows: string[][], opts: { caption?: string } = {}): void {
  const total = width(doc);
  const widths = fitColumns(doc, columns, rows, total);
  // a word still wider than its column (a column cannot give more) may break only at its separators
  const cellText = (c: string, i: number, bold: boolean) =>
    breakable(c)
      .split(/(\s+)/)
      .map((t) => (wordWidth(doc, t, bold) > widths[i]! - PAD * 2 ? t.replace(SOFT_BREAK, '$1\u200B') : t))
      .join('');
  /** A row as it is drawn: its cells' texts and its height, worked out once. */
  const prepare = (cells: string[], bold: boolean) => {
    const texts = cells.map((c, i) => cellText(c || '', i, bold));
    doc.font(bold ? 'bold' : 'regular').fontSize(CELL);
    const h = Math.max(...texts.map((t, i) => doc.heightOfString(t || ' ', { width: widths[i]! - PAD * 2 }))) + PAD * 2;
    return { texts, h, bold };
  };
  const header = prepare(
    columns.map((c) => c.header),
    true,
  );
  const root = roots.get(doc);
  const structure = root ? doc.struct('Table') : undefined;
  if (structure) root!.add(structure);
  const drawRow = (row: { texts: string[]; h: number; bold: boolean }) => {
    const { texts, h, bold } = row;
    const y = doc.y;
    artifact(doc, () => {
      if (bold) doc.rect(doc.page.margins.left, y, total, h).fill('#eef1f6');
      doc
        .moveTo(doc.page.margins.left, y + h)
        .lineTo(doc.page.margins.left + total, y + h)
        .lineWidth(0.5)
        .strokeColor('#dde1e6')
        .stroke();
    });
    const tr = structure ? doc.struct('TR') : undefined;
    if (tr) structure!.add(tr);
    let x = doc.page.margins.left;
    texts.forEach((t, i) => {
      const at = x;
      const draw = () => {
        doc
          .font(bold ? 'bold' : 'regular')
          .fontSize(CELL)
          .fillColor(TEXT)
          .text(t, at + PAD, y + PAD, { width: widths[i]! - PAD * 2, align: columns[i]!.align ?? 'left' });
      };
      if (tr) tag(doc, bold ? 'TH' : 'TD', draw, tr);
      else draw();
      x += widths[i]!;
    });
    tr?.end();
    doc.x = doc.page.margins.left;
    doc.y = y + h;
  };
  // the caption, the header row and the first row go on the same page
  const first = rows[0] ? prepare(rows[0], false) : null;
  const captionHeight = opts.caption ? 22 : 0;
  ensureSpace(doc, captionHeight + header.h + (first?.h ?? 0) + 4);
  if (opts.caption) {
    tag(doc, 'Caption', () => doc.font('bold').fontSize(10).fillColor(TEXT).text(opts.caption!, { width: total }), structure);
    doc.moveDown(0.2);
  }
  drawRow(header);
  rows.forEach((r, n) => {
    const row = n === 0 && first ? first : prepare(r, false);
    if (doc.y + row.h > bottom(doc)) {
      doc.addPage();
      drawRow(header);
    }
    drawRow(row);
  });
  structure?.end();
  doc.moveDown(0.6);
  doc.font('regular').fontSize(10);
}

/** "Page x of y · generated … · commit …" on every page, as page furniture (an artifact). */
export function footers(doc: Doc, line: (page: number, pages: number) => string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    artifact(
      doc,
      () => {
        doc
          .font('regular')
          .fontSize(7.5)
          .fillColor(MUTED)
          .text(line(i + 1, range.count), MARGIN, doc.page.height - MARGIN, { width: doc.page.width - MARGIN * 2, align: 'center', lineBreak: false });
      },
      'Pagination',
    );
    doc.page.margins.bottom = saved;
  }
  doc.fillColor(TEXT);
}
