import { stringify } from 'csv-stringify/sync';
import { fromMinor, shareInWords, varianceInWords } from '../common/ledger.js';
import type { Snapshot } from '../common/workspace.js';
import { CovenantError } from '../common/errors.js';

export type CsvTable = 'ledger' | 'changes';

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab or CR first) gets a leading apostrophe, as OWASP
 * recommends against CSV injection: `=HYPERLINK(...)` in a CR summary is shown, never run. Numbers stay numbers.
 */
export const neutralised = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
const CAST = { cast: { string: neutralised } };

/**
 * The ledger or the change-request log as CSV (RFC 4180, a header row, UTF-8): amounts in the currency's units with a
 * dot, unsigned, with the words that say who bears or earns them; dates as YYYY-MM-DD; an unknown figure is an empty cell.
 */
export function exportCsv(snap: Snapshot, what: CsvTable): string {
  const f = snap.figures();
  const model = snap.model;
  if (what === 'ledger') {
    const l = f.ledger;
    if (!l) throw new CovenantError('invalid-input', `The ledger cannot be exported: ${f.ledgerProblem ?? 'there is no valid ledger or incentive model.'}`);
    const amount = (minor: number) => fromMinor(Math.abs(minor), l.digits).toFixed(l.digits);
    const words = (minor: number) => `${amount(minor)} ${l.currency}`;
    return stringify(
      l.rows.map((r) => ({
        period: r.period,
        currency: l.currency,
        target_cost: amount(r.target),
        actual_cost: amount(r.actual),
        outcome: r.variance > 0 ? 'overrun' : r.variance < 0 ? 'saving' : 'on target',
        variance: amount(r.variance),
        supplier_share: r.kind === 'not-shared' ? '' : amount(r.supplierShare),
        client_share: r.kind === 'not-shared' ? '' : amount(r.clientShare),
        in_words: `${varianceInWords(r.variance, words)}. ${shareInWords(r, words)}.`,
        supplier_net_so_far: amount(r.supplierBalance),
        supplier_net_direction: r.supplierBalance > 0 ? 'earned' : r.supplierBalance < 0 ? 'borne' : 'even',
        note: r.note ?? '',
      })),
      {
        ...CAST,
        header: true,
        columns: [
          'period',
          'currency',
          'target_cost',
          'actual_cost',
          'outcome',
          'variance',
          'supplier_share',
          'client_share',
          'in_words',
          'supplier_net_so_far',
          'supplier_net_direction',
          'note',
        ],
      },
    );
  }
  const byId = new Map(f.compliance.crs.map((c) => [c.id, c]));
  return stringify(
    model.crs.map((cr) => {
      const c = byId.get(cr.id);
      const i = cr.data.impact_analysis;
      return {
        id: cr.id,
        summary: cr.data.summary,
        requestor: cr.data.requestor ?? '',
        created: c?.created ?? '',
        sows: model.sowsOfCr(cr.id).join(' '),
        budget_delta_pct: i.budget_delta_pct,
        schedule_slip_days: i.schedule_slip_days,
        risk_score: i.risk_score,
        verdict: c?.verdict ?? '',
        judged_against: c?.judgedAgainst ?? '',
        status: cr.data.decision.status,
        stage: c?.stage ?? model.stage(cr),
        decided: c?.decided ?? '',
        approvers: (cr.data.decision.approvers ?? []).join(' '),
        area: c?.area ?? '',
        owner: c?.owner ?? '',
        sla_days: c?.slaDays ?? '',
        due: c?.approvals.due ?? '',
        lead_time_days: c?.leadTimeDays ?? '',
        within_sla: c?.withinSla === null || c?.withinSla === undefined ? '' : c.withinSla ? 'yes' : 'no',
        signed_by: c?.approvals.signed.join(' ') ?? '',
        awaited: c?.approvals.awaited.join(' ') ?? '',
        adr: cr.data.adr ?? '',
        addendum: c?.addendum ?? '',
        path: cr.path,
      };
    }),
    { ...CAST, header: true, columns: CHANGE_COLUMNS },
  );
}

const CHANGE_COLUMNS = [
  'id',
  'summary',
  'requestor',
  'created',
  'sows',
  'budget_delta_pct',
  'schedule_slip_days',
  'risk_score',
  'verdict',
  'judged_against',
  'status',
  'stage',
  'decided',
  'approvers',
  'area',
  'owner',
  'sla_days',
  'due',
  'lead_time_days',
  'within_sla',
  'signed_by',
  'awaited',
  'adr',
  'addendum',
  'path',
];

/** "contract-ledger-3f2a1bc.csv", "-uncommitted" when the files differ from that commit: the name says what it shows. */
export function csvName(workspace: string, table: CsvTable, commit: string | null, dirty: boolean): string {
  const at = commit ? `-${commit.slice(0, 7)}${dirty ? '-uncommitted' : ''}` : '-not-committed';
  return `${workspace}-${table === 'ledger' ? 'ledger' : 'change-log'}${at}.csv`;
}
