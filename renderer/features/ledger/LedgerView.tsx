import type { ChartConfiguration } from 'chart.js';
import { useMemo, useState } from 'react';
import { formatMoney, fromMinor } from '../../../core/common/ledger.js';
import { useEditor } from '../../stores/editor.js';
import { usePages } from '../../stores/pages.js';
import { Chart } from '../charts/Chart.js';

const locale = typeof navigator !== 'undefined' ? navigator.language : undefined;

export function LedgerView() {
  const view = usePages((s) => s.ledger);
  const saveEntry = usePages((s) => s.saveEntry);
  const open = useEditor((s) => s.open);
  const [form, setForm] = useState({ period: '', target: '', actual: '', note: '' });
  const summary = view?.summary ?? null;
  const money = (minor: number) => (summary ? formatMoney(minor, summary.currency, locale) : String(minor));

  const config = useMemo<ChartConfiguration | null>(() => {
    if (!summary) return null;
    const m = (x: number) => fromMinor(x, summary.digits);
    return {
      type: 'bar',
      data: {
        labels: summary.rows.map((r) => r.period),
        datasets: [
          { type: 'bar', label: 'Target', data: summary.rows.map((r) => m(r.target)), backgroundColor: '#9bb4ee' },
          { type: 'bar', label: 'Actual', data: summary.rows.map((r) => m(r.actual)), backgroundColor: '#2f5bd3' },
          {
            type: 'line',
            label: 'Supplier balance (cumulative)',
            data: summary.rows.map((r) => m(r.supplierBalance)),
            borderColor: '#2f9e62',
            backgroundColor: '#2f9e62',
            yAxisID: 'y',
          },
        ],
      },
      options: { plugins: { legend: { position: 'bottom' } } },
    } as ChartConfiguration;
  }, [summary]);

  if (!view) return <div className="page">Loading the ledger…</div>;
  const submit = async () => {
    const target = Number(form.target);
    const actual = Number(form.actual);
    if (!form.period || !Number.isFinite(target) || !Number.isFinite(actual) || target < 0 || actual < 0) return;
    if (await saveEntry({ period: form.period, target_cost: target, actual_cost: actual, ...(form.note ? { note: form.note } : {}) }))
      setForm({ period: '', target: '', actual: '', note: '' });
  };
  const invalid =
    !form.period ||
    form.target === '' ||
    form.actual === '' ||
    Number(form.target) < 0 ||
    Number(form.actual) < 0 ||
    !Number.isFinite(Number(form.target)) ||
    !Number.isFinite(Number(form.actual));

  return (
    <div className="page" data-testid="ledger-page">
      <h2>
        Incentive ledger{' '}
        <button className="link" onClick={() => void open('contracts/ledger.yaml')}>
          contracts/ledger.yaml
        </button>
      </h2>
      {view.problem && <p className="page-note">{view.problem}</p>}
      {summary && (
        <>
          <p className="page-note" data-testid="ledger-explanation">
            {summary.explanation}
          </p>
          {summary.cap && (
            <p className={summary.cap.reached ? 'page-warn' : 'page-note'}>
              Cap {money(summary.cap.cap)}: {money(summary.cap.spent)} spent, {summary.cap.reached ? 'cap reached' : `${money(summary.cap.remaining)} left`}.
            </p>
          )}
          {config && <Chart config={config} label="Target against actual cost per period, and the supplier's cumulative balance" />}
          <table className="grid" data-testid="ledger-table">
            <thead>
              <tr>
                <th>Period</th>
                <th>Target</th>
                <th>Actual</th>
                <th>Variance</th>
                <th>Supplier share</th>
                <th>Client share</th>
                <th>Supplier balance</th>
                <th>Approved changes</th>
              </tr>
            </thead>
            <tbody>
              {summary.rows.map((r) => (
                <tr key={r.period} data-testid="ledger-row" data-period={r.period}>
                  <td>{r.period}</td>
                  <td className="num">{money(r.target)}</td>
                  <td className="num">{money(r.actual)}</td>
                  <td className={`num ${r.variance > 0 ? 'neg' : r.variance < 0 ? 'pos' : ''}`}>{money(r.variance)}</td>
                  <td className="num">{r.kind === 'not-shared' ? '—' : money(r.supplierShare)}</td>
                  <td className="num">{r.kind === 'not-shared' ? '—' : money(r.clientShare)}</td>
                  <td className="num">{money(r.supplierBalance)}</td>
                  <td>
                    {(view.changesByPeriod[r.period] ?? []).map((c) => (
                      <button key={c.id} className="link" onClick={() => void open(c.path)} title={c.verdict ?? ''}>
                        {c.id}
                        {c.verdict ? ` (${c.verdict})` : ''}
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th>Total</th>
                <th className="num">{money(summary.totals.target)}</th>
                <th className="num">{money(summary.totals.actual)}</th>
                <th className="num">{money(summary.totals.variance)}</th>
                <th className="num">{money(summary.totals.supplierShare)}</th>
                <th className="num">{money(summary.totals.clientShare)}</th>
                <th />
                <th />
              </tr>
            </tfoot>
          </table>
        </>
      )}
      <form
        className="entry-form"
        data-testid="ledger-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <strong>Add or update a period</strong>
        <select aria-label="Period" value={form.period} onChange={(e) => setForm({ ...form, period: e.target.value })}>
          <option value="">SOW…</option>
          {view.periods.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <input
          aria-label="Target cost"
          type="number"
          min="0"
          step="0.01"
          placeholder="target"
          value={form.target}
          onChange={(e) => setForm({ ...form, target: e.target.value })}
        />
        <input
          aria-label="Actual cost"
          type="number"
          min="0"
          step="0.01"
          placeholder="actual"
          value={form.actual}
          onChange={(e) => setForm({ ...form, actual: e.target.value })}
        />
        <input aria-label="Note" placeholder="note (optional)" value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />
        <button type="submit" disabled={invalid}>
          Save to ledger
        </button>
      </form>
    </div>
  );
}
