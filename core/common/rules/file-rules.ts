import { dayNumber } from '../dates.js';
import type { Diagnostic } from '../diagnostics.js';
import { idFromPath, type FileKind } from '../model/kinds.js';
import type { AdrFrontMatter, ChangeRequest, MasterContract, ResultRecord, Sow } from '../model/schema-types.js';
import { rawId } from '../model/contract.js';
import type { PathSegment } from '../yaml/locate.js';
import type { YamlFile } from '../yaml/parse.js';
import { shown } from '../shown.js';

type Dated = [PathSegment[], string | null | undefined];

/** Date fields of a file that passed its schema; the schema checks their shape, this checks they are real calendar dates. */
function dateFields(file: YamlFile, kind: FileKind): Dated[] {
  switch (kind) {
    case 'master': {
      const m = file.value as MasterContract;
      const out: Dated[] = [[['meta', 'effective_date'], m.meta.effective_date]];
      (m.risk_policy?.raised ?? []).forEach((r, i) =>
        out.push([['risk_policy', 'raised', i, 'date'], r.date], [['risk_policy', 'raised', i, 'resolved'], r.resolved]),
      );
      return out;
    }
    case 'sow': {
      const s = file.value as Sow;
      return [
        [['dates', 'start'], s.dates.start],
        [['dates', 'end'], s.dates.end],
      ];
    }
    case 'cr': {
      const c = file.value as ChangeRequest;
      return [
        [['created'], c.created],
        [['decision', 'date'], c.decision.date],
      ];
    }
    case 'adr':
      return [[['date'], (file.value as AdrFrontMatter).date]];
    default:
      return [];
  }
}

/** The id a SOW or CR holds must be its file name's; checked on any parsed file, valid or not (its raw id:). */
export function idRuleDiagnostics(file: YamlFile, kind: FileKind): Diagnostic[] {
  if (kind !== 'sow' && kind !== 'cr') return [];
  const id = rawId(file);
  const expected = idFromPath(file.file);
  if (id === undefined || expected === null || id === expected) return [];
  const name = file.file.slice(file.file.lastIndexOf('/') + 1);
  const diag = file.at(
    ['id'],
    'error',
    'id-filename-mismatch',
    `The file ${shown(name)} must hold id: ${shown(expected)}, but it holds id: ${shown(id)}. Rename the file or fix the id.`,
  );
  return [{ ...diag, fix: { title: `Change the id to ${expected}`, replacement: expected } }];
}

/** Rules that need only the file itself, on data that has its schema's shape; cached with the parse. */
export function fileRuleDiagnostics(file: YamlFile, kind: FileKind): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [path, v] of dateFields(file, kind)) {
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && dayNumber(v) === null) {
      out.push(file.at(path, 'error', 'schema', `${path.join('.')} is ${v}, which is not a date in the calendar.`));
    }
  }
  if (out.length) return out;

  if (kind === 'sow') {
    const { start, end } = (file.value as Sow).dates;
    const s = dayNumber(start);
    const e = dayNumber(end);
    if (s !== null && e !== null && e < s) {
      out.push(
        file.at(['dates', 'end'], 'error', 'date-order', `dates.end (${end}) is before dates.start (${start}); an iteration cannot end before it starts.`),
      );
    }
  }

  if (kind === 'result') {
    const r = file.value as ResultRecord;
    if (r.gate !== undefined && r.criterion !== undefined)
      out.push(
        file.at(['criterion'], 'error', 'schema', 'A result is for one gate or one criterion, not both: keep gate: or criterion:, in a file of its own.', true),
      );
    else if (r.gate === undefined && r.criterion === undefined)
      out.push(file.atTop('error', 'schema', 'A result names the gate: (with outcome: passed or failed) or the criterion: (with value:) it is for.'));
    else if (r.gate !== undefined && r.outcome === undefined)
      out.push(file.at(['gate'], 'error', 'schema', 'A gate result needs outcome: passed or failed.', true));
    else if (r.criterion !== undefined && r.value === undefined)
      out.push(file.at(['criterion'], 'error', 'schema', 'A criterion result needs value: (the measured number).', true));
    else if (r.criterion !== undefined && r.outcome !== undefined)
      out.push(
        file.at(
          ['outcome'],
          'error',
          'schema',
          'A criterion result holds the measured value:, and Covenant judges it against the target; remove outcome:.',
          true,
        ),
      );
    if (Number.isNaN(Date.parse(r.recorded.at)))
      out.push(file.at(['recorded', 'at'], 'error', 'schema', `recorded.at is ${r.recorded.at}, which is not a time in the calendar.`));
  }

  if (kind === 'cr') {
    const cr = file.value as ChangeRequest;
    const { status, date } = cr.decision;
    if (status === 'approved' || status === 'rejected') {
      const missing: string[] = [];
      if (date === undefined) missing.push('decision.date');
      if ((cr.decision.approvers ?? []).length === 0) missing.push('decision.approvers');
      if (missing.length) {
        out.push(
          file.at(
            ['decision'],
            'error',
            'decision-incomplete',
            `The change is ${status}, so ${missing.join(' and ')} must be recorded (who decided, and when).`,
            true,
          ),
        );
      }
    }
    const created = cr.created === undefined ? null : dayNumber(cr.created);
    const decided = date === undefined ? null : dayNumber(date);
    if (created !== null && decided !== null && decided < created) {
      out.push(
        file.at(
          ['decision', 'date'],
          'error',
          'date-order',
          `decision.date (${date}) is before created (${cr.created}); a change cannot be decided before it is requested. Fix either date.`,
        ),
      );
    }
  }
  return out;
}
