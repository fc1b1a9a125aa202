import { dayNumber } from '../dates.js';
import type { Diagnostic } from '../diagnostics.js';
import { idFromPath, type FileKind } from '../model/kinds.js';
import { asArray, asString, dig } from '../model/read.js';
import type { PathSegment } from '../yaml/locate.js';
import type { YamlFile } from '../yaml/parse.js';
import { shown } from '../shown.js';

/** Date fields of each kind; the schema checks their shape, this checks they are real calendar dates. */
const DATE_FIELDS: Record<FileKind, PathSegment[][]> = {
  master: [['meta', 'effective_date']],
  sow: [
    ['dates', 'start'],
    ['dates', 'end'],
  ],
  cr: [['created'], ['decision', 'date']],
  ledger: [],
  adr: [['date']],
};

function calendarDates(file: YamlFile, kind: FileKind, out: Diagnostic[]): void {
  const paths = [...DATE_FIELDS[kind]];
  if (kind === 'master') asArray(dig(file.value, 'risk_policy', 'raised')).forEach((_, i) => paths.push(['risk_policy', 'raised', i, 'date'], ['risk_policy', 'raised', i, 'resolved']));
  for (const path of paths) {
    const v = asString(dig(file.value, ...path));
    if (v !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(v) && dayNumber(v) === null) {
      out.push(file.at(path, 'error', 'schema', `${path.join('.')} is ${v}, which is not a date in the calendar.`));
    }
  }
}

/** Rules that need only the file itself; their results are cached with the parse. */
export function fileRuleDiagnostics(file: YamlFile, kind: FileKind): Diagnostic[] {
  const out: Diagnostic[] = [];
  const value = file.value;
  calendarDates(file, kind, out);

  if (kind === 'sow' || kind === 'cr') {
    const id = asString(dig(value, 'id'));
    const expected = idFromPath(file.file);
    if (id !== undefined && expected !== null && id !== expected) {
      const name = file.file.slice(file.file.lastIndexOf('/') + 1);
      out.push(file.at(['id'], 'error', 'id-filename-mismatch', `The file ${shown(name)} must hold id: ${shown(expected)}, but it holds id: ${shown(id)}. Rename the file or fix the id.`));
    }
  }

  if (kind === 'sow') {
    const start = asString(dig(value, 'dates', 'start'));
    const end = asString(dig(value, 'dates', 'end'));
    const s = start === undefined ? null : dayNumber(start);
    const e = end === undefined ? null : dayNumber(end);
    if (s !== null && e !== null && e < s) {
      out.push(file.at(['dates', 'end'], 'error', 'date-order', `dates.end (${end}) is before dates.start (${start}); an iteration cannot end before it starts.`));
    }
  }

  if (kind === 'cr') {
    const status = asString(dig(value, 'decision', 'status'));
    if (status === 'approved' || status === 'rejected') {
      const missing: string[] = [];
      if (asString(dig(value, 'decision', 'date')) === undefined) missing.push('decision.date');
      if (asArray(dig(value, 'decision', 'approvers')).length === 0) missing.push('decision.approvers');
      if (missing.length) {
        out.push(file.at(['decision'], 'error', 'decision-incomplete', `The change is ${status}, so ${missing.join(' and ')} must be recorded (who decided, and when).`, true));
      }
    }
  }
  return out;
}
