import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'react';
import type { DashboardView as DashboardData } from '../../../core/common/api.js';
import { useEditor } from '../../stores/editor.js';
import { usePages } from '../../stores/pages.js';
import { Chart } from '../charts/Chart.js';

const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);

export function DashboardView() {
  const c = usePages((s) => s.dashboard);
  const open = useEditor((s) => s.open);
  const config = useMemo<ChartConfiguration | null>(() => {
    if (!c || c.sows.length === 0) return null;
    return {
      type: 'bar',
      data: {
        labels: c.sows.map((s) => s.id),
        datasets: [
          {
            label: 'Gate pass rate %',
            data: c.sows.map((s) => (s.gatePassRatio === null ? null : Math.round(s.gatePassRatio * 100))),
            backgroundColor: '#2f5bd3',
          },
          {
            label: 'Criteria met %',
            data: c.sows.map((s) => (s.criteriaMetRatio === null ? null : Math.round(s.criteriaMetRatio * 100))),
            backgroundColor: '#2f9e62',
          },
          {
            label: 'Scope volatility %',
            data: c.sows.map((s) => (s.scopeVolatility === null ? null : Math.round(s.scopeVolatility * 100))),
            backgroundColor: '#b26a00',
          },
        ],
      },
      options: { scales: { y: { min: 0, max: 100 } }, plugins: { legend: { position: 'bottom' } } },
    } as ChartConfiguration;
  }, [c]);
  if (!c) return <div className="page">Loading the dashboard…</div>;
  const openCrs = c.crs.filter((x) => x.status === 'proposed');
  const decided = c.crs.filter((x) => x.withinSla !== null);
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
      <div className="cards">
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
          <span className="card-value">{c.leadTime.median === null ? '—' : `${c.leadTime.median} d`}</span>
          <span className="card-label">
            change lead time, median (p90 {c.leadTime.p90 === null ? '—' : `${c.leadTime.p90} d`}, {c.leadTime.count} decided)
          </span>
        </div>
        <div className="card" data-testid="card-sla">
          <span className="card-value">{pct(c.reviewSlaAdherence)}</span>
          <span className="card-label">decisions within the {c.scopeSlaDays ?? '?'}-day scope SLA</span>
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
          <span className="card-label">validation errors ({c.diagnostics.warning} warnings)</span>
        </div>
      </div>
      {config && <Chart config={config} label="Gate pass rate, criteria met and scope volatility per SOW" />}
      <table className="grid" data-testid="dashboard-sows">
        <thead>
          <tr>
            <th>SOW</th>
            <th>Gates passed</th>
            <th>Criteria met</th>
            <th>Scope volatility</th>
            <th>Value hypothesis</th>
            <th>Measured impact</th>
          </tr>
        </thead>
        <tbody>
          {c.sows.map((s) => (
            <tr key={s.path} data-testid="dashboard-sow" data-sow={s.id}>
              <td>
                <button className="link" onClick={() => void open(s.path)}>
                  {s.id}
                </button>
              </td>
              <td className="num">
                {s.gatesPassed}/{s.gatesPassed + s.gatesFailed} · {pct(s.gatePassRatio)}
              </td>
              <td className="num">
                {s.criteriaMet}/{s.criteria} · {pct(s.criteriaMetRatio)}
              </td>
              <td className="num">{pct(s.scopeVolatility)}</td>
              <td>{s.valueHypothesis ?? '—'}</td>
              <td>{s.measuredImpact ?? 'not recorded'}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
        <tbody>{c.sows.flatMap((s) => s.gates.map((g) => <GateRow key={`${s.id}:${g.name}`} sow={s.id} gate={g} />))}</tbody>
      </table>
    </div>
  );
}

const STATUS_TEXT = { passed: 'passed', failed: 'failed', unverified: 'unverified (typed, no result)', pending: 'pending (no result)' } as const;

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
