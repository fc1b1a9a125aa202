import type { ChartConfiguration } from 'chart.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { balanceInWords, formatMoney, fromMinor, shareInWords, SIGN_LEGEND, totalRow, varianceInWords } from '../../../core/common/ledger.js';
import { useEditor } from '../../stores/editor.js';
import { usePages } from '../../stores/pages.js';
import { Chart } from '../charts/Chart.js';

const locale = typeof navigator !== 'undefined' ? navigator.language : undefined;

/** An amount typed as text (so "48,000" can be refused with a reason, not silently emptied), its problem beside it. */
function AmountField(props: { label: string; placeholder: string; value: string; problem: string | null; onChange: (v: string) => void }) {
  const id = props.label.toLowerCase().split(' ')[0];
  return (
    <label className={`field${props.problem ? ' invalid' : ''}`}>
      <span className="field-label">{props.label}</span>
      <input
        aria-label={props.label}
        inputMode="decimal"
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.problem && (
        <span className="field-error" role="alert" data-testid={`${id}-problem`}>
          {props.problem}
        </span>
      )}
    </label>
  );
}

export function LedgerView() {
  const view = usePages((s) => s.ledger);
  const saveEntry = usePages((s) => s.saveEntry);
  const open = useEditor((s) => s.open);
  const [form, setForm] = useState({ period: '', target: '', actual: '', note: '' });
  const [tried, setTried] = useState(false);
  const formRequest = usePages((s) => s.ledgerFormRequest);
  const periodField = useRef<HTMLSelectElement>(null);
  // "Add ledger entry" from the menu or the palette: the form is brought into view with the period to choose
  useEffect(() => {
    if (formRequest && view) {
      periodField.current?.scrollIntoView({ block: 'center' });
      periodField.current?.focus();
    }
  }, [formRequest, view !== null]);
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
            label: "Supplier's net so far (above 0: earned, below 0: borne)",
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
  // what is wrong with the entry, in words, next to the field it is about (null: it can be saved)
  const amountProblem = (label: string, v: string) =>
    v.trim() === ''
      ? `The ${label} is needed: an amount in ${summary?.currency ?? 'the ledger currency'}, such as 48000 or 51250.50.`
      : !Number.isFinite(Number(v))
        ? `The ${label} must be a number, such as 48000 or 51250.50 (got "${v}").`
        : Number(v) < 0
          ? `The ${label} cannot be negative: the words (overrun, saving) say who bears what.`
          : null;
  const problems = {
    period: form.period ? null : 'Choose the SOW this entry is for: a ledger period is an iteration.',
    target: amountProblem('target cost', form.target),
    actual: amountProblem('actual cost', form.actual),
  };
  const invalid = Object.values(problems).some((p) => p !== null);
  const submit = async () => {
    setTried(true);
    if (invalid) return;
    if (
      await saveEntry({ period: form.period, target_cost: Number(form.target), actual_cost: Number(form.actual), ...(form.note ? { note: form.note } : {}) })
    ) {
      setForm({ period: '', target: '', actual: '', note: '' });
      setTried(false);
    }
  };
  const shown = (k: keyof typeof problems) => (tried ? problems[k] : null);

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
          <p className="page-note sign-legend" data-testid="sign-legend">
            {SIGN_LEGEND}
          </p>
          <table className="grid" data-testid="ledger-table">
            <thead>
              <tr>
                <th>Period</th>
                <th>Target</th>
                <th>Actual</th>
                <th>Outcome</th>
                <th>Who bears or earns it</th>
                <th>Supplier's net so far</th>
                <th>Approved changes</th>
              </tr>
            </thead>
            <tbody>
              {summary.rows.map((r) => (
                <tr key={r.period} data-testid="ledger-row" data-period={r.period}>
                  <td>{r.period}</td>
                  <td className="num">{money(r.target)}</td>
                  <td className="num">{money(r.actual)}</td>
                  <td className={r.variance > 0 ? 'neg' : r.variance < 0 ? 'pos' : ''}>{varianceInWords(r.variance, money)}</td>
                  <td>{shareInWords(r, money)}</td>
                  <td>{balanceInWords(r.supplierBalance, money)}</td>
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
                <th>{varianceInWords(summary.totals.variance, money)}</th>
                <th>{summary.model === 'target_cost' ? shareInWords(totalRow(summary.model, summary.rows), money, { inAll: true }) : '—'}</th>
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
        <label className={`field${shown('period') ? ' invalid' : ''}`}>
          <span className="field-label">Period (SOW)</span>
          <select ref={periodField} aria-label="Period" value={form.period} onChange={(e) => setForm({ ...form, period: e.target.value })}>
            <option value="">SOW…</option>
            {view.periods.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
          {shown('period') && (
            <span className="field-error" role="alert">
              {shown('period')}
            </span>
          )}
        </label>
        <AmountField
          label="Target cost"
          placeholder="48000"
          value={form.target}
          problem={shown('target')}
          onChange={(target) => setForm({ ...form, target })}
        />
        <AmountField
          label="Actual cost"
          placeholder="51250.50"
          value={form.actual}
          problem={shown('actual')}
          onChange={(actual) => setForm({ ...form, actual })}
        />
        <label className="field">
          <span className="field-label">Note (optional)</span>
          <input aria-label="Note" value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />
        </label>
        <button type="submit">Save to ledger</button>
      </form>
    </div>
  );
}
