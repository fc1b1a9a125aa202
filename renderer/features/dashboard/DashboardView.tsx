import { askDialog } from '../../stores/dialog.js';
import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'react';
import type { DashboardView as DashboardData } from '../../../core/common/api.js';
import { describeChange } from '../../../core/common/redline.js';
import { ApproveAs, SignatureCell, TrustBlock } from './Signatures.js';
import { usePaged } from '../../components/Pager.js';
import { fraction, hours as hoursInWords, percent, plural } from '../../../core/common/format.js';
import { formatMoney, shareInWords, SIGN_LEGEND, totalRow, varianceInWords } from '../../../core/common/ledger.js';
import { api } from '../../api/client.js';
import { useEditor } from '../../stores/editor.js';
import { usePages } from '../../stores/pages.js';
import { Chart } from '../charts/Chart.js';

const pct = (r: number | null) => percent(r, '—');
/** What a figure from git history shows while the history is still being read: not known yet, never 0 or "—". */
const INDEXING = 'indexing…';

const locale = typeof navigator !== 'undefined' ? navigator.language : undefined;

/** Budget to date in words: who bears the overrun or earns the saving, never a bare signed number. */
function BudgetCard({ budget }: { budget: DashboardData['budget'] }) {
  const l = budget.summary;
  if (!l)
    return (
      <div className="card" data-testid="card-budget">
        <span className="card-value">unknown</span>
        <span className="card-label">budget to date: {budget.problem ?? 'no valid ledger'}</span>
      </div>
    );
  const money = (minor: number) => formatMoney(minor, l.currency, locale);
  const t = l.totals;
  return (
    <div className="card" data-testid="card-budget" title={SIGN_LEGEND}>
      <span className="card-value">{varianceInWords(t.variance, money)}</span>
      <span className="card-label">
        budget to date over {l.rows.length} period{l.rows.length === 1 ? '' : 's'} ({money(t.actual)} against a target of {money(t.target)})
      </span>
      <span className="card-files">{shareInWords(totalRow(l.model, l.rows), money)}.</span>
    </div>
  );
}

const WINDOWS = [6, 12, 24, 52] as const;

export function DashboardView() {
  const c = usePages((s) => s.dashboard);
  const open = useEditor((s) => s.open);
  // the chart shows a window of the last N iterations (readable at 300), moved with a range control
  const [windowSize, setWindowSize] = useState<number>(12);
  const [windowEnd, setWindowEnd] = useState<number | null>(null);
  const total = c?.sows.length ?? 0;
  const end = Math.min(total, windowEnd ?? total);
  const start = Math.max(0, end - windowSize);
  const shownSows = useMemo(() => c?.sows.slice(start, end) ?? [], [c, start, end]);
  const config = useMemo<ChartConfiguration | null>(() => {
    if (shownSows.length === 0) return null;
    return {
      type: 'bar',
      data: {
        labels: shownSows.map((s) => s.id),
        datasets: [
          {
            label: 'Gate pass rate %',
            data: shownSows.map((s) => (s.gatePassRatio === null ? null : Math.round(s.gatePassRatio * 100))),
            backgroundColor: '#2f5bd3',
          },
          {
            label: 'Criteria met %',
            data: shownSows.map((s) => (s.criteriaMetRatio === null ? null : Math.round(s.criteriaMetRatio * 100))),
            backgroundColor: '#2f9e62',
          },
          {
            label: 'Scope volatility %',
            data: shownSows.map((s) => (s.scopeVolatility === null ? null : Math.round(s.scopeVolatility * 100))),
            backgroundColor: '#b26a00',
          },
        ],
      },
      options: { scales: { y: { min: 0, max: 100 } }, plugins: { legend: { position: 'bottom' } } },
    } as ChartConfiguration;
  }, [shownSows]);
  const sowPage = usePaged(c?.sows ?? []);
  const gates = useMemo(() => c?.sows.flatMap((s) => s.gates.map((g) => ({ sow: s.id, g }))) ?? [], [c]);
  const gatePage = usePaged(gates);
  const crPage = usePaged(c?.crs ?? []);
  if (!c) return <div className="page">Loading the dashboard…</div>;
  const openCrs = c.crs.filter((x) => x.status === 'proposed');
  const decided = c.crs.filter((x) => x.withinSla !== null);
  const rt = c.collaboration.reviewTurnaround;
  const dt = c.collaboration.defectTriage;
  const forecastOf = new Map(c.collaboration.forecasts.map((f) => [f.sow, f]));
  const indexing = c.provenance.indexing === true;
  return (
    <div className="page" data-testid="dashboard-page">
      <h2>Contract compliance</h2>
      <p className={`enforcement ${c.enforcement}`} data-testid="dashboard-enforcement">
        {c.enforcement === 'enforce'
          ? 'Enforce mode: failed or unverified gates, unmet criteria and SLA breaches are errors (covenant validate fails).'
          : 'Report mode: failed or unverified gates, unmet criteria and SLA breaches are reported as warnings; set enforcement.mode: enforce in the master contract to make them errors.'}
      </p>
      <p className="muted" data-testid="dashboard-provenance">
        Saved files
        {c.provenance.commit
          ? ` at commit ${c.provenance.commit.slice(0, 7)}${c.provenance.uncommitted ? ', with uncommitted changes' : ''}`
          : ', not in a git repository'}
        ; unsaved edits are not included.
        {c.provenance.leftOut.length > 0 &&
          ` ${c.provenance.leftOut.length} file${c.provenance.leftOut.length === 1 ? '' : 's'} left out of the figures (they fail their schema): ${c.provenance.leftOut.map((l) => `${l.path}:${l.line}`).join(', ')}.`}
      </p>
      {indexing && (
        <p className="notice" role="status" data-testid="dashboard-indexing">
          Indexing the git history… Lead times, decision SLAs and scope volatility come from it: they show here when it is done.
        </p>
      )}
      <div className="cards">
        <BudgetCard budget={c.budget} />
        <div className="card" data-testid="card-open-crs">
          <span className="card-value">{c.openChangeRequests}</span>
          <span className="card-label">open change requests</span>
          <span className="card-files">
            {openCrs.map((x) => (
              <button key={x.path} className="link" onClick={() => void open(x.path)}>
                {x.id}
              </button>
            ))}
          </span>
        </div>
        <div className="card" data-testid="card-lead-time">
          <span className="card-value">{indexing ? INDEXING : c.leadTime.median === null ? '—' : `${c.leadTime.median} d`}</span>
          <span className="card-label">
            {indexing
              ? 'change lead time, median (from the git history)'
              : `change lead time, median (p90 ${c.leadTime.p90 === null ? '—' : `${c.leadTime.p90} d`}, ${c.leadTime.count} decided)`}
          </span>
        </div>
        <div className="card" data-testid="card-sla">
          <span className="card-value">{indexing ? INDEXING : pct(c.decisionSlaAdherence)}</span>
          <span className="card-label">
            decisions within their area&apos;s SLA ({c.collaboration.decisionRights.map((r) => `${r.area} ${r.slaDays} d`).join(', ') || 'no decision rights'})
          </span>
          <span className="card-files">
            {decided
              .filter((x) => !x.withinSla)
              .map((x) => (
                <button key={x.path} className="link" onClick={() => void open(x.path)} title="decided late">
                  {x.id}
                </button>
              ))}
          </span>
        </div>
        <div className="card" data-testid="card-review">
          <span className="card-value">{pct(rt.adherence)}</span>
          <span className="card-label">
            reviews within {rt.sloHours ?? '?'} h (median {hours(rt.median)}, {rt.count} measured{rt.pending ? `, ${rt.pending} waiting` : ''})
          </span>
          {c.collaboration.decisionResponse.sloHours !== null && (
            <span className="card-files muted" data-testid="decision-response">
              answered within {c.collaboration.decisionResponse.sloHours} h: {pct(c.collaboration.decisionResponse.adherence)}
            </span>
          )}
        </div>
        <div className="card" data-testid="card-triage">
          <span className="card-value">{pct(dt.adherence)}</span>
          <span className="card-label">
            defects triaged within {dt.sloHours ?? '?'} h (median {hours(dt.median)}, {c.collaboration.defects.length} imported
            {dt.pending ? `, ${dt.pending} waiting` : ''})
          </span>
          <span className="card-files">
            <ImportDefects />
          </span>
        </div>
        <div className="card" data-testid="card-stop-the-line">
          <span className="card-value">{c.stopTheLineRaised.length}</span>
          <span className="card-label">stop-the-line triggers raised</span>
          <span className="card-files">
            <button className="link" onClick={() => void open('contracts/master_contract.yaml')}>
              master contract
            </button>
          </span>
        </div>
        <div className="card" data-testid="card-validation">
          <span className="card-value">{c.diagnostics.error}</span>
          <span className="card-label">validation errors ({plural(c.diagnostics.warning, 'warning')})</span>
        </div>
      </div>
      {total > WINDOWS[0] && (
        <div className="window-control" data-testid="chart-window">
          <label>
            Show the last{' '}
            <select aria-label="Iterations in the chart" value={windowSize} onChange={(e) => setWindowSize(Number(e.target.value))}>
              {WINDOWS.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>{' '}
            iterations
          </label>
          <input
            type="range"
            aria-label="Move the chart through the iterations"
            min={Math.min(windowSize, total)}
            max={total}
            value={end}
            onChange={(e) => setWindowEnd(Number(e.target.value) >= total ? null : Number(e.target.value))}
          />
          <span data-testid="chart-range">
            {shownSows[0]?.id} to {shownSows.at(-1)?.id} ({shownSows.length} of {total})
          </span>
        </div>
      )}
      {config && <Chart config={config} label="Gate pass rate, criteria met and scope volatility per SOW" />}
      <table className="grid" data-testid="dashboard-sows">
        <thead>
          <tr>
            <th>SOW</th>
            <th>Gates passed</th>
            <th>Criteria met</th>
            <th>Scope volatility</th>
            <th>Forecast error (cost · schedule)</th>
            <th>Value hypothesis</th>
            <th>Measured impact</th>
            <th>Agreed</th>
          </tr>
        </thead>
        <tbody>
          {sowPage.rows.map((s) => (
            <tr key={s.path} data-testid="dashboard-sow" data-sow={s.id}>
              <td>
                <button className="link" onClick={() => void open(s.path)}>
                  {s.id}
                </button>
              </td>
              <td className="num">{fraction(s.gatesPassed, s.gates.length, 'no gates')}</td>
              <td className="num">{fraction(s.criteriaMet, s.criteria, 'no criteria')}</td>
              <td className="num">{indexing ? INDEXING : pct(s.scopeVolatility)}</td>
              <td className="num" data-testid="forecast-error">
                <ForecastCell f={forecastOf.get(s.id)} />
              </td>
              <td>{s.valueHypothesis ?? '—'}</td>
              <td>{s.measuredImpact ?? 'not recorded'}</td>
              <td data-testid="sow-approvals">
                <SignatureCell sig={s.approvals} />
                <ApproveAs id={s.id} sig={s.approvals} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sowPage.pager}
      <h3>Gates</h3>
      <p className="muted">
        A gate&apos;s status comes from its latest recorded result (a JUnit or SARIF report, or a person&apos;s record), never from what is typed in the SOW.
      </p>
      <table className="grid" data-testid="dashboard-gates">
        <thead>
          <tr>
            <th>SOW</th>
            <th>Gate</th>
            <th>Validator</th>
            <th>Status</th>
            <th>Evidence</th>
            <th>Record</th>
          </tr>
        </thead>
        <tbody>
          {gatePage.rows.map(({ sow, g }) => (
            <GateRow key={`${sow}:${g.name}`} sow={sow} gate={g} />
          ))}
        </tbody>
      </table>
      {gatePage.pager}
      <h3>Change requests</h3>
      <p className="muted">Verdicts are computed against the master contract in force on each decision date (from its git history).</p>
      <table className="grid" data-testid="dashboard-crs">
        <thead>
          <tr>
            <th>CR</th>
            <th>Stage</th>
            <th>Verdict</th>
            <th>Judged against</th>
            <th>Area (owner, SLA)</th>
            <th>Review</th>
            <th>Approvals</th>
            <th>Next step</th>
          </tr>
        </thead>
        <tbody>
          {crPage.rows.map((x) => (
            <CrRow key={x.path} cr={x} review={c.collaboration.reviews.find((r) => r.path === x.path) ?? null} />
          ))}
        </tbody>
      </table>
      {crPage.pager}
      <h3>Signatures</h3>
      <TrustBlock trust={c.trust} />
      <h3>Pending approvals</h3>
      {c.pendingApprovals.length === 0 ? (
        <p className="muted" data-testid="pending-approvals-none">
          Nobody is awaited: every open change request has its approval, or the master lists no members holding the deciding role.
        </p>
      ) : (
        <ul data-testid="pending-approvals">
          {c.pendingApprovals.map((p) => (
            <li key={`${p.member}:${p.cr}`} data-testid="pending-approval" data-member={p.member} className={p.overdue ? 'gate-stopped' : ''}>
              <strong>{p.name}</strong> ({p.member}):{' '}
              <button className="link" onClick={() => void open(p.path)}>
                {p.cr}
              </button>
              {p.due ? ` due ${p.due}` : ''}
              {p.overdue ? ' — overdue' : ''}
            </li>
          ))}
        </ul>
      )}
      <h3>Decision rights</h3>
      <table className="grid" data-testid="dashboard-decision-rights">
        <thead>
          <tr>
            <th>Area</th>
            <th>Owner</th>
            <th>SLA</th>
            <th>Decided within SLA</th>
            <th>Open (overdue)</th>
            <th>Approved without the owner</th>
          </tr>
        </thead>
        <tbody>
          {c.collaboration.decisionRights.map((r) => (
            <tr key={r.area} data-testid="decision-right" data-area={r.area}>
              <td>{r.area}</td>
              <td>{r.owner}</td>
              <td className="num">{r.slaDays} d</td>
              <td className="num">
                {r.withinSla}/{r.decided} · {pct(r.adherence)}
              </td>
              <td className="num">
                {r.open} ({r.overdue})
              </td>
              <td>{r.notByOwner.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Escalations</h3>
      {c.collaboration.escalations.length === 0 ? (
        <p className="muted" data-testid="escalations-none">
          No open decision has reached a step of the escalation path{c.collaboration.escalations.length === 0 ? '' : ''}.
        </p>
      ) : (
        <ul data-testid="escalations">
          {c.collaboration.escalations.map((e) => (
            <li key={e.path} data-testid="escalation" data-cr={e.cr}>
              <button className="link" onClick={() => void open(e.path)}>
                {e.cr}
              </button>{' '}
              open {e.openDays} days ({e.area}): step {e.step} (after {e.afterDays} days) — notify <strong>{e.notify.join(', ')}</strong>
              {e.next && (
                <span className="muted">
                  {' '}
                  · next after {e.next.afterDays} days: {e.next.notify.join(', ')}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const hours = (h: number | null) => hoursInWords(h, '—');
const signed = (r: number) => `${r > 0 ? '+' : ''}${Math.round(r * 1000) / 10}%`;

function ForecastCell({ f }: { f: DashboardData['collaboration']['forecasts'][number] | undefined }) {
  if (!f) return <>—</>;
  const cost = f.cost.error === null ? 'cost unknown' : `cost ${signed(f.cost.error)}`;
  const schedule =
    f.schedule.error === null
      ? `schedule unknown: ${f.schedule.pendingReason ?? 'no end'}`
      : `schedule ${signed(f.schedule.error)} (${f.schedule.slipDays! > 0 ? '+' : ''}${f.schedule.slipDays} d)`;
  return (
    <span
      title={`forecast ${f.cost.forecast ?? '?'} (${f.cost.forecastFrom ?? 'none'}), actual ${f.cost.actual ?? '?'}; end forecast ${f.schedule.forecastEnd} (${f.schedule.forecastFrom})`}
    >
      {cost} · {schedule}
    </span>
  );
}

function CrRow({ cr, review }: { cr: DashboardData['crs'][number]; review: DashboardData['collaboration']['reviews'][number] | null }) {
  const open = useEditor((s) => s.open);
  const reviewCr = usePages((s) => s.reviewCr);
  const implement = usePages((s) => s.implementCr);
  const [busy, setBusy] = useState(false);
  const act = async (outcome: 'approve' | 'request_changes' | 'comment') => {
    const answer = await askDialog(
      `${outcome === 'approve' ? 'Approve' : outcome === 'comment' ? 'Comment on' : 'Request changes to'} ${cr.id}`,
      [{ name: 'note', label: 'A note with your review', optional: outcome !== 'comment' }],
      { confirm: outcome === 'approve' ? 'Record the approval' : outcome === 'comment' ? 'Record the comment' : 'Request the changes' },
    );
    if (!answer) return;
    setBusy(true);
    await reviewCr(cr.id, outcome, answer.note ?? '');
    setBusy(false);
  };
  return (
    <tr data-testid="cr-row" data-cr={cr.id} data-stage={cr.stage}>
      <td>
        <button className="link" onClick={() => void open(cr.path)}>
          {cr.id}
        </button>
      </td>
      <td>{cr.stage}</td>
      <td>{cr.verdict ?? 'unknown'}</td>
      <td className="muted">{cr.judgedAgainst}</td>
      <td>
        {cr.area} ({cr.owner ?? 'no owner'}, {cr.slaDays === null ? '?' : `${cr.slaDays} d`})
      </td>
      <td>
        {review?.hours !== null && review?.hours !== undefined
          ? `${hours(review.hours)}${review.withinSlo === false ? ' (late)' : ''}`
          : review?.withinSlo === false
            ? 'overdue'
            : '—'}
      </td>
      <td data-testid="cr-approvals">
        <SignatureCell sig={cr.approvals} due={cr.approvals.due} />
      </td>
      <td className="record-gate">
        <Redline path={cr.path} />
        <ApproveAs id={cr.id} sig={cr.approvals} />
        {cr.stage === 'proposed' && (
          <>
            <button disabled={busy} onClick={() => void act('approve')} data-testid="review-approve">
              Approve
            </button>
            <button disabled={busy} onClick={() => void act('request_changes')}>
              Request changes
            </button>
            <button disabled={busy} onClick={() => void act('comment')}>
              Comment
            </button>
          </>
        )}
        {cr.stage === 'approved' && (
          <button onClick={() => implement(cr.id)} data-testid="implement">
            Implement…
          </button>
        )}
        {cr.stage === 'implemented' && cr.addendum && (
          <button className="link" onClick={() => void open(cr.addendum!)}>
            addendum
          </button>
        )}
      </td>
    </tr>
  );
}

/** What changed since the last approved version, field by field, fetched when asked for. */
function Redline({ path }: { path: string }) {
  const [r, setR] = useState<Awaited<ReturnType<typeof api.call<'redline.get'>>> | null>(null);
  if (!r)
    return (
      <button onClick={() => void api.call('redline.get', { path }).then(setR)} data-testid="redline">
        Changes since approval
      </button>
    );
  return (
    <div className="redline" data-testid="redline-view">
      {!r.since ? (
        <span className="muted">never approved</span>
      ) : (
        <>
          <div className="muted">
            since {r.since.name}, {r.since.date} ({r.since.commit.slice(0, 7)})
          </div>
          {r.changes!.length === 0 ? (
            <div className="muted">no change</div>
          ) : (
            <ul>
              {r.changes!.map((c, i) => (
                <li key={i} data-testid="redline-change">
                  {describeChange(c)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <button className="link" onClick={() => setR(null)}>
        hide
      </button>
    </div>
  );
}

function ImportDefects() {
  const importDefects = usePages((s) => s.importDefects);
  return (
    <label className="link file-pick">
      Import a tracker export…
      <input
        type="file"
        accept=".csv,.json,text/csv,application/json"
        data-testid="import-defects"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void file.text().then((text) => importDefects(file.name, text));
        }}
      />
    </label>
  );
}

const STATUS_TEXT = {
  passed: 'passed',
  failed: 'failed',
  unverified: 'unverified (typed, no result)',
  pending: 'pending (no result)',
  missing: 'missing (never ran)',
} as const;

function GateRow({ sow, gate }: { sow: string; gate: DashboardData['sows'][number]['gates'][number] }) {
  const open = useEditor((s) => s.open);
  const recordGate = usePages((s) => s.recordGate);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const r = gate.result;
  const record = async (outcome: 'passed' | 'failed') => {
    setBusy(true);
    if (await recordGate(sow, gate.name, outcome, note)) setNote('');
    setBusy(false);
  };
  return (
    <tr data-testid="gate-row" data-sow={sow} data-gate={gate.name} data-status={gate.status}>
      <td>{sow}</td>
      <td>{gate.name}</td>
      <td>
        <code>{gate.validator}</code>
      </td>
      <td>
        <span className={`gate-status ${gate.status}`}>{STATUS_TEXT[gate.status]}</span>
      </td>
      <td>
        {gate.stoppedBy && <div className="gate-stopped">{gate.stoppedBy}</div>}
        {r ? (
          <>
            <button className="link" onClick={() => void open(r.path)} title={r.path}>
              {r.source}
            </button>{' '}
            · {new Date(r.at).toLocaleString()} · {r.by ?? 'recorded by an unknown person'}
            {r.failing.length > 0 && (
              <div className="muted">
                failing: {r.failing.slice(0, 3).join(', ')}
                {r.failing.length > 3 ? ' …' : ''}
              </div>
            )}
            {r.note && <div className="muted">“{r.note}”</div>}
          </>
        ) : (
          <span className="muted">none recorded</span>
        )}
      </td>
      <td className="record-gate">
        <input aria-label={`Note for ${gate.name}`} placeholder="note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />
        <button disabled={busy} onClick={() => void record('passed')} data-testid="record-passed">
          Passed
        </button>
        <button disabled={busy} onClick={() => void record('failed')} data-testid="record-failed">
          Failed
        </button>
      </td>
    </tr>
  );
}
