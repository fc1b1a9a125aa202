import { CovenantError } from '../common/errors.js';
import { dateInWords, isValidDate } from '../common/dates.js';
import { fraction } from '../common/format.js';
import { formatMoney, shareInWords, totalRow, varianceInWords } from '../common/ledger.js';
import { ARCHIVE_DIR, BUNDLE_NAME_RE, isArchived } from '../common/model/kinds.js';
import type { Snapshot } from '../common/workspace.js';
import type { OpenWorkspace } from './workspace-service.js';

export interface ArchivePlan {
  bundle: string;
  before: string;
  /** SOW files moved into the bundle, from → to. */
  moves: { from: string; to: string; id: string }[];
  /** The bundle's summary (Markdown): what the iterations showed when archived, and from which commit. */
  summaryPath: string;
  summary: string;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * Which iterations a bundle would take: every SOW not archived yet whose last day is before `before`. The SOW files
 * move to contracts/archive/<bundle>/sow/ (still validated, still counted in every figure); results, changes and the
 * ledger stay where they are, since they name SOWs by id.
 */
export function planArchive(snap: Snapshot, bundle: string, before: string, shows: string): ArchivePlan {
  if (!BUNDLE_NAME_RE.test(bundle))
    throw new CovenantError('invalid-input', `A bundle name is letters, digits, dots, dashes or underscores, such as 2025-H1 (got ${JSON.stringify(bundle)}).`);
  if (!isValidDate(before))
    throw new CovenantError('invalid-input', `The date iterations must have ended before is YYYY-MM-DD (got ${JSON.stringify(before)}).`);
  const model = snap.model;
  const closed = model.sows
    .filter((s) => !isArchived(s.path) && s.data.dates.end < before)
    .sort((a, b) => a.data.dates.start.localeCompare(b.data.dates.start));
  if (!closed.length) throw new CovenantError('invalid-input', `No iteration that is not archived yet ended before ${before}: nothing to archive.`);
  const dir = `${ARCHIVE_DIR}/${bundle}`;
  const moves = closed.map((s) => ({ id: s.id, from: s.path, to: `${dir}/sow/${s.path.slice(s.path.lastIndexOf('/') + 1)}` }));
  for (const m of moves) if (snap.has(m.to)) throw new CovenantError('conflict', `${m.to} already exists: choose another bundle name.`, { path: m.to });
  const f = snap.figures();
  const byId = new Map(f.compliance.sows.map((x) => [x.id, x]));
  const ledger = f.ledger;
  const money = ledger ? (minor: number) => formatMoney(minor, ledger.currency, 'en-GB') : null;
  const rows = closed.map((s) => {
    const x = byId.get(s.id);
    const row = ledger?.rows.find((r) => r.period === s.id);
    const crs = model.crsOfSow(s.id);
    return `| ${s.id} | ${s.data.dates.start} to ${s.data.dates.end} | ${x ? fraction(x.gatesPassed, x.gates.length, 'no gates') : 'unknown'} | ${x ? fraction(x.criteriaMet, x.criteria, 'no criteria') : 'unknown'} | ${row && money ? cell(`${varianceInWords(row.variance, money)}; ${shareInWords(row, money)}`) : 'no entry'} | ${crs.join(', ') || '—'} |`;
  });
  const periods = new Set(closed.map((s) => s.id));
  let total = '';
  if (ledger && money) {
    const rs = ledger.rows.filter((r) => periods.has(r.period));
    const t = totalRow(ledger.model, rs);
    total = `\nLedger over these ${rs.length} period${rs.length === 1 ? '' : 's'}: ${varianceInWords(t.variance, money).toLowerCase()}. ${shareInWords(t, money)}.\n`;
  }
  const first = closed[0]!.data.dates.start;
  const last = closed
    .map((s) => s.data.dates.end)
    .sort()
    .at(-1)!;
  const summary = [
    `# Archive bundle ${bundle}`,
    '',
    `${closed.length} iteration${closed.length === 1 ? '' : 's'}, ${dateInWords(first)} to ${dateInWords(last)}, archived because they ended before ${dateInWords(before)}.`,
    `This summary shows ${shows}. Covenant still validates the SOWs in \`sow/\` and counts them in every figure; this table is what they showed when they were archived.`,
    '',
    '| SOW | Dates | Gates passed | Criteria met | Ledger | Changes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    total,
  ].join('\n');
  return { bundle, before, moves, summaryPath: `${dir}/README.md`, summary: `${summary.trimEnd()}\n` };
}

/**
 * Archives the iterations that ended before `before` (or, with dryRun, only says which): each SOW file renamed into the
 * bundle (atomic, confined), then the summary written, naming what it shows (the saved files at which commit).
 */
export async function archiveClosed(ws: OpenWorkspace, bundle: string, before: string, opts: { dryRun?: boolean } = {}): Promise<ArchivePlan> {
  const [{ readProvenance }, { provenanceLine }] = await Promise.all([import('./provenance.js'), import('../common/provenance.js')]);
  await ws.settle();
  const shows = `the saved files (${provenanceLine(await readProvenance(ws.root, ws.snapshot))})`;
  const plan = planArchive(ws.snapshot, bundle, before, shows);
  if (opts.dryRun) return plan;
  for (const m of plan.moves) await ws.rename(m.from, m.to);
  await ws.create(plan.summaryPath, plan.summary);
  return plan;
}
