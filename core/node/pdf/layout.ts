import PDFDocument from 'pdfkit';
import path from 'node:path';
import { packageRoot } from '../paths.js';

/** Noto Sans JP (SIL OFL) from the npm registry: Latin, accents, €, and CJK, embedded as a subset. */
export function fontFiles(): { regular: string; bold: string } {
  const dir = path.join(packageRoot(), 'node_modules', '@expo-google-fonts', 'noto-sans-jp');
  return { regular: path.join(dir, '400Regular', 'NotoSansJP_400Regular.ttf'), bold: path.join(dir, '700Bold', 'NotoSansJP_700Bold.ttf') };
}

export type Doc = PDFKit.PDFDocument;

export const MARGIN = 54;
const FOOTER = 30;

export function newDoc(info: { title: string; subject: string }): Doc {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER },
    bufferPages: true,
    autoFirstPage: true,
    info: { Title: info.title, Subject: info.subject, Producer: 'Covenant', Creator: 'Covenant' },
  });
  const f = fontFiles();
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  doc.font('regular').fontSize(10);
  return doc;
}

const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;
export const width = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

export function ensureSpace(doc: Doc, h: number): void {
  if (doc.y + h > bottom(doc)) doc.addPage();
}

export function heading(doc: Doc, text: string, level: 1 | 2 | 3 = 1): void {
  const size = level === 1 ? 16 : level === 2 ? 13 : 11;
  ensureSpace(doc, size * 3);
  if (doc.y > doc.page.margins.top + 1) doc.moveDown(level === 1 ? 1 : 0.6);
  doc
    .font('bold')
    .fontSize(size)
    .fillColor('#1f2430')
    .text(text, { width: width(doc) });
  doc.moveDown(0.3).font('regular').fontSize(10).fillColor('#1f2430');
}

export function para(doc: Doc, text: string, opts: { muted?: boolean } = {}): void {
  doc
    .font('regular')
    .fontSize(10)
    .fillColor(opts.muted ? '#667085' : '#1f2430')
    .text(text, { width: width(doc) });
  doc.fillColor('#1f2430');
}

export function field(doc: Doc, label: string, value: string): void {
  ensureSpace(doc, 16);
  doc
    .font('bold')
    .fontSize(10)
    .text(`${label}: `, { continued: true })
    .font('regular')
    .text(value || '—', { width: width(doc) });
}

export interface Column {
  header: string;
  width: number; // share of the full width
  align?: 'left' | 'right';
}

/** A table whose header row is repeated on every page it runs onto. */
export function table(doc: Doc, columns: Column[], rows: string[][]): void {
  const total = width(doc);
  const widths = columns.map((c) => c.width * total);
  const pad = 3;
  const drawRow = (cells: string[], bold: boolean, shade: boolean) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(8.5);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i]! - pad * 2 }))) + pad * 2;
    const y = doc.y;
    if (shade) doc.rect(doc.page.margins.left, y, total, h).fill('#eef1f6');
    doc.fillColor('#1f2430');
    let x = doc.page.margins.left;
    cells.forEach((c, i) => {
      doc.text(c || '', x + pad, y + pad, { width: widths[i]! - pad * 2, align: columns[i]!.align ?? 'left' });
      x += widths[i]!;
    });
    doc
      .moveTo(doc.page.margins.left, y + h)
      .lineTo(doc.page.margins.left + total, y + h)
      .lineWidth(0.5)
      .strokeColor('#dde1e6')
      .stroke();
    doc.x = doc.page.margins.left;
    doc.y = y + h;
  };
  const header = columns.map((c) => c.header);
  const rowHeight = (cells: string[]) => {
    doc.font('regular').fontSize(8.5);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i]! - pad * 2 }))) + pad * 2;
  };
  ensureSpace(doc, 40);
  drawRow(header, true, true);
  for (const r of rows) {
    if (doc.y + rowHeight(r) > bottom(doc)) {
      doc.addPage();
      drawRow(header, true, true);
    }
    drawRow(r, false, false);
  }
  doc.moveDown(0.6);
  doc.font('regular').fontSize(10);
}

/** "Page x of y · generated … · commit …" on every page. */
export function footers(doc: Doc, line: (page: number, pages: number) => string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(7.5)
      .fillColor('#667085')
      .text(line(i + 1, range.count), MARGIN, doc.page.height - MARGIN, { width: doc.page.width - MARGIN * 2, align: 'center', lineBreak: false });
    doc.page.margins.bottom = saved;
  }
  doc.fillColor('#1f2430');
}
