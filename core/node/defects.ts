/**
 * Defect records from a tracker's export (Jira or GitLab CSV, GitHub or Jira JSON, or any table with an id, a
 * created and a triaged column), read with csv-parse and written to contracts/defects/<export>.yaml: the workspace
 * then holds the timestamps defect triage is measured from. Importing the same export again replaces the file.
 */
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'yaml';
import { CovenantError } from '../common/errors.js';
import { defectsPath } from '../common/model/kinds.js';
import type { DefectRecords } from '../common/model/schema-types.js';
import type { Snapshot } from '../common/workspace.js';
import type { OpenWorkspace } from './workspace-service.js';
import { sha256 } from './results.js';

export type DefectField = 'id' | 'title' | 'severity' | 'sow' | 'reported' | 'triaged';

/** Column names trackers use for each field (compared without case, spaces, dashes or underscores). */
const ALIASES: Record<DefectField, string[]> = {
  id: ['id', 'key', 'issuekey', 'issueid', 'number', 'iid', 'defectid', 'bugid'],
  title: ['title', 'summary', 'name', 'subject'],
  severity: ['severity', 'priority'],
  sow: ['sow', 'sprint', 'iteration', 'milestone'],
  reported: ['reported', 'reportedat', 'created', 'createdat', 'createddate', 'creationdate', 'opened', 'openedat', 'submitted'],
  triaged: ['triaged', 'triagedat', 'triagedate', 'firstresponse', 'firstresponseat', 'acknowledged', 'acknowledgedat', 'firstrespondedat'],
};

const norm = (s: string) => s.toLowerCase().replace(/[\s_\-.]+/g, '');

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A tracker's time as ISO with Z: ISO 8601 (a time without a zone is read as UTC), a plain date (midnight UTC),
 * or Jira's default export format (14/Oct/25 9:12 AM). Null when it is none of them.
 */
export function parseTrackerTime(raw: string): string | null {
  const s = raw.trim();
  if (s === '') return null;
  let ms = NaN;
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  const jira = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?$/i.exec(s);
  if (iso) {
    const zone = iso[3] ? (iso[3].toUpperCase() === 'Z' ? 'Z' : iso[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
    ms = Date.parse(`${iso[1]}T${iso[2] ?? '00:00'}${iso[2] && iso[2].length === 5 ? ':00' : ''}${zone}`);
  } else if (jira) {
    const month = MONTHS.indexOf(jira[2]!.toLowerCase());
    let hour = Number(jira[4]);
    if (jira[7]) hour = (hour % 12) + (jira[7].toUpperCase() === 'PM' ? 12 : 0);
    const year = jira[3]!.length === 2 ? 2000 + Number(jira[3]) : Number(jira[3]);
    if (month >= 0) ms = Date.UTC(year, month, Number(jira[1]), hour, Number(jira[5]), Number(jira[6] ?? 0));
  }
  if (!Number.isFinite(ms)) return null;
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

export interface ParsedDefects {
  format: 'csv' | 'json';
  defects: DefectRecords['defects'];
  /** Which column each field came from. */
  columns: Partial<Record<DefectField, string>>;
}

/** Rows of an export as flat records: CSV with a header row, or JSON (an array, or {issues|defects|items: [...]}). */
function rowsOf(text: string, file: string, format: 'csv' | 'json'): Record<string, unknown>[] {
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new CovenantError('invalid-input', `${file} is not valid JSON: ${(e as Error).message}.`);
    }
    const list = Array.isArray(value)
      ? value
      : value !== null && typeof value === 'object'
        ? ((value as Record<string, unknown>).issues ?? (value as Record<string, unknown>).defects ?? (value as Record<string, unknown>).items)
        : undefined;
    if (!Array.isArray(list)) throw new CovenantError('invalid-input', `${file} holds no list of defects (expected an array, or issues: [...]).`);
    // Jira's JSON keeps the fields under fields:, with the key beside them
    return list.map((item) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return {};
      const o = item as Record<string, unknown>;
      const fields = o.fields !== null && typeof o.fields === 'object' && !Array.isArray(o.fields) ? (o.fields as Record<string, unknown>) : {};
      return { ...fields, ...o };
    });
  }
  try {
    return parseCsv(text, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true, trim: true }) as Record<string, unknown>[];
  } catch (e) {
    throw new CovenantError('invalid-input', `${file} is not a readable CSV file: ${(e as Error).message}.`);
  }
}

const textOf = (v: unknown): string | null => {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number') return String(v);
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    return textOf(o.name ?? o.title ?? o.value); // Jira's priority: {name: High}
  }
  return null;
};

/**
 * Reads an export. `map` names the column of a field when the tracker calls it something else (triaged=Triage Date).
 * Every row must give an id and a reported time; a problem names the file, the row and the column.
 */
export function parseDefectExport(
  text: string,
  file: string,
  opts: { format?: 'csv' | 'json'; map?: Partial<Record<DefectField, string>> } = {},
): ParsedDefects {
  const format = opts.format ?? (/\.json$/i.test(file) || /^\s*[[{]/.test(text) ? 'json' : 'csv');
  const rows = rowsOf(text, file, format);
  if (rows.length === 0) throw new CovenantError('invalid-input', `${file} holds no defects.`);
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns: Partial<Record<DefectField, string>> = {};
  for (const field of Object.keys(ALIASES) as DefectField[]) {
    const wanted = opts.map?.[field];
    if (wanted !== undefined) {
      const found = keys.find((k) => k === wanted) ?? keys.find((k) => norm(k) === norm(wanted));
      if (!found) throw new CovenantError('invalid-input', `${file} has no column ${JSON.stringify(wanted)} for ${field}; its columns are ${keys.join(', ')}.`);
      columns[field] = found;
    } else {
      const found = ALIASES[field].map((a) => keys.find((k) => norm(k) === a)).find((k) => k !== undefined);
      if (found) columns[field] = found;
    }
  }
  for (const required of ['id', 'reported'] as const)
    if (!columns[required])
      throw new CovenantError(
        'invalid-input',
        `${file} has no ${required === 'id' ? 'id' : 'created'} column (looked for ${ALIASES[required].join(', ')}); name it with --map ${required}=COLUMN. Its columns are ${keys.join(', ')}.`,
      );
  const defects: DefectRecords['defects'] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const where = `${file} ${format === 'csv' ? `line ${i + 2}` : `item ${i + 1}`}`;
    const id = textOf(row[columns.id!]);
    if (id === null) throw new CovenantError('invalid-input', `${where}: the ${columns.id} column is empty; every defect needs an id.`);
    if (seen.has(id)) throw new CovenantError('invalid-input', `${where}: ${id} appears twice in the export.`);
    seen.add(id);
    const time = (field: 'reported' | 'triaged'): string | undefined => {
      const col = columns[field];
      const raw = col ? textOf(row[col]) : null;
      if (raw === null) return undefined;
      const t = parseTrackerTime(raw);
      if (t === null)
        throw new CovenantError(
          'invalid-input',
          `${where}: ${col} is ${JSON.stringify(raw)}, which is not a time (expected ISO 8601 such as 2025-10-14T09:12:00Z, or 14/Oct/25 9:12 AM).`,
        );
      return t;
    };
    const reported = time('reported');
    if (reported === undefined)
      throw new CovenantError('invalid-input', `${where}: ${columns.reported} is empty; every defect needs the time it was reported.`);
    const triaged = time('triaged');
    const title = columns.title ? textOf(row[columns.title]) : null;
    const severity = columns.severity ? textOf(row[columns.severity]) : null;
    const sow = columns.sow ? textOf(row[columns.sow]) : null;
    defects.push({
      id,
      ...(title !== null ? { title } : {}),
      ...(severity !== null ? { severity } : {}),
      ...(sow !== null ? { sow } : {}),
      reported,
      ...(triaged !== undefined ? { triaged } : {}),
    });
  });
  return { format, defects, columns };
}

export interface ImportRequest {
  /** The export's file name (the record file is named after it). */
  file: string;
  bytes: Uint8Array;
  format?: 'csv' | 'json';
  map?: Partial<Record<DefectField, string>>;
  /** The SOW every defect belongs to, when the export does not say. */
  sow?: string;
  by: string | null;
  at?: Date;
}

/** Writes contracts/defects/<export>.yaml (replacing an earlier import of the same export); returns its path and count. */
export async function importDefects(
  ws: OpenWorkspace,
  snapshot: Snapshot,
  req: ImportRequest,
): Promise<{ path: string; count: number; columns: ParsedDefects['columns'] }> {
  if (req.bytes.byteLength > 20 * 1024 * 1024) throw new CovenantError('invalid-input', `${req.file} is larger than 20 MB; export fewer defects at a time.`);
  const text = Buffer.from(req.bytes).toString('utf8');
  const parsed = parseDefectExport(text, req.file, { format: req.format, map: req.map });
  if (req.sow !== undefined) {
    if (!snapshot.model.knownIds.sow.has(req.sow)) throw new CovenantError('not-found', `There is no SOW ${req.sow} in this workspace.`);
    for (const d of parsed.defects) d.sow ??= req.sow;
  }
  const record: DefectRecords = {
    source: {
      file: path.basename(req.file),
      format: parsed.format,
      sha256: sha256(req.bytes),
      imported_at: (req.at ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(req.by ? { imported_by: req.by } : {}),
    },
    defects: parsed.defects,
  };
  const rel = defectsPath(req.file);
  // replacing an earlier import of the same export: the version read is the one replaced, never a newer one
  const earlier = await ws.read(rel).catch((e: CovenantError) => {
    if (e.code === 'not-found') return null;
    throw e;
  });
  await ws.write(rel, stringify(record, { lineWidth: 0 }), earlier?.hash ?? null);
  return { path: rel, count: parsed.defects.length, columns: parsed.columns };
}
