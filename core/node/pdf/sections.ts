/**
 * What every part of a PDF shares: what a PDF covers and shows, the sections with their pages (for the contents),
 * and the change-request table.
 */
import { provenanceLine, type Provenance as CommonProvenance } from '../../common/provenance.js';
import type { Diagnostic } from '../../common/diagnostics.js';
import type { Figures } from '../../common/figures.js';
import type { ContractModel, Doc as ContractDoc } from '../../common/model/contract.js';
import type { ChangeRequest } from '../../common/model/schema-types.js';
import type { FieldChange } from '../../common/redline.js';
import type { Snapshot } from '../../common/workspace.js';
import { ensureSpace, heading, MARGIN, tag, width, type Doc } from './layout.js';

/** What a PDF covers; the whole contract's steering pack lists major changes since `since` (the last steering). */
export type PdfScope = { kind: 'contract'; since?: string } | { kind: 'sow'; id: string } | { kind: 'cr'; id: string };

/** What the document shows (which commit, uncommitted changes, unsaved edits) and when it was made. */
export type Provenance = Pick<CommonProvenance, 'generatedAt' | 'commit' | 'uncommitted' | 'unsaved'>;

export interface PdfInput {
  snapshot: Snapshot;
  figures: Figures;
  diagnostics: readonly Diagnostic[];
  provenance: Provenance;
  /** For a SOW or CR: what changed since its last approved version (null: it was never approved). */
  redline?: { since: { commit: string; date: string; name: string } | null; changes: FieldChange[] | null };
  /** Parts that could not be made (named on the first page). */
  problems?: readonly string[];
}

export { provenanceLine };

export const s = (v: string | number | null | undefined) => (v === undefined || v === null ? '' : String(v));
export const list = (v: readonly string[] | undefined) => (v ?? []).join(', ');

export class Sections {
  readonly pages = new Map<string, number>();
  private readonly names = new Map<string, string>();
  constructor(
    private readonly doc: Doc,
    private readonly known: ReadonlyMap<string, number> | null,
  ) {}
  /** The named destination of a section, for links from the contents. */
  name(title: string): string {
    if (!this.names.has(title)) this.names.set(title, `section-${this.names.size + 1}`);
    return this.names.get(title)!;
  }
  /** Starts a section: a heading kept with what follows, a bookmark, a link target; its page is remembered for the contents. */
  start(title: string, level: 1 | 2 = 1, keep?: number): void {
    heading(this.doc, title, level, { destination: this.name(title), keep });
    const range = this.doc.bufferedPageRange();
    this.pages.set(title, range.start + range.count);
  }
  /** The contents: each entry a link to its section, with its page number (from the first pass). */
  toc(entries: { title: string; level: 1 | 2 }[], level: 1 | 2 = 1): void {
    heading(this.doc, 'Contents', level, { keep: 14 * Math.min(entries.length, 6) });
    const w = width(this.doc);
    for (const e of entries) {
      ensureSpace(this.doc, 14);
      const y = this.doc.y;
      const n = this.known?.get(e.title);
      const indent = e.level === 2 ? 14 : 0;
      tag(this.doc, 'TOCI', () => {
        this.doc
          .font(e.level === 1 ? 'bold' : 'regular')
          .fontSize(10)
          .fillColor('#1f2430')
          .text(e.title, MARGIN + indent, y, { width: w - 60 - indent, lineBreak: false, ellipsis: true, goTo: this.name(e.title) });
        this.doc
          .font('regular')
          .text(n === undefined ? '…' : String(n), MARGIN + w - 50, y, { width: 50, align: 'right', lineBreak: false, goTo: this.name(e.title) });
      });
      this.doc.x = MARGIN;
      this.doc.y = y + 15;
    }
    this.doc.moveDown(0.5);
  }
}

export function crRows(crs: readonly ContractDoc<ChangeRequest>[], model: ContractModel): string[][] {
  return crs.map((cr) => {
    const { data } = cr;
    const v = model.verdict(cr);
    const i = data.impact_analysis;
    return [
      cr.id,
      data.summary,
      `${i.budget_delta_pct}% · ${i.schedule_slip_days} d · ${i.risk_score}`,
      v.verdict ?? v.declared ?? '—',
      [model.stage(cr), s(data.decision.date)].filter(Boolean).join(' '),
      list(data.decision.approvers),
      // the record's id is what people cite; its path is in the CR's own export
      data.adr ? (/ADR-\d{4}/.exec(data.adr)?.[0] ?? data.adr) : '',
    ];
  });
}

export const CR_COLUMNS = [
  { header: 'CR', width: 0.08 },
  { header: 'Summary', width: 0.31 },
  { header: 'Budget · slip · risk', width: 0.15 },
  { header: 'Verdict', width: 0.08 },
  { header: 'Stage', width: 0.13 },
  { header: 'Approvers', width: 0.15 },
  { header: 'ADR', width: 0.1 },
];

/** At most five rows of a summary list, then one row saying how many more there are and where they are. */
const SUMMARY_ROWS = 5;
export function capped<T>(rows: T[], where: string): (T | { more: string[] })[] {
  if (rows.length <= SUMMARY_ROWS) return rows;
  return [...rows.slice(0, SUMMARY_ROWS), { more: ['…', `${rows.length - SUMMARY_ROWS} more: ${where}`] }];
}
