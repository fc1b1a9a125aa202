import { useEffect, useMemo, useState } from 'react';
import type { CrContext, CrPreview } from '../../../core/common/api.js';
import { checkCrDraft, draftVerdict, emptyCrDraft, masterForDraft, needsAdr, type CrDraft, type CrField } from '../../../core/common/wizards/cr.js';
import { api, ApiCallError } from '../../api/client.js';
import { useEditor } from '../../stores/editor.js';
import { usePages } from '../../stores/pages.js';
import { ReviewFiles } from './ReviewFiles.js';
import { SowPicker } from './SowPicker.js';
import { useUi } from '../../stores/ui.js';
import { scheduleValidation, useWorkspace } from '../../stores/workspace.js';

const STEPS = ['Request', 'Impact analysis', 'Decision', 'Review'] as const;
const STEP_FIELDS: CrField[][] = [
  ['summary', 'requestor', 'sows'],
  ['budget_delta_pct', 'schedule_slip_days', 'risk_score', 'dependencies', 'value'],
  ['status', 'approvers', 'date'],
  [],
];

function Field({ label, error, children, hint }: { label: string; error?: string; children: React.ReactNode; hint?: string }) {
  return (
    <label className={`field${error ? ' invalid' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

function Chips({ values, onChange, suggestions, label }: { values: string[]; onChange: (v: string[]) => void; suggestions: string[]; label: string }) {
  const [text, setText] = useState('');
  const add = (v: string) => {
    const t = v.trim();
    if (t && !values.includes(t)) onChange([...values, t]);
    setText('');
  };
  const listId = `list-${label.replace(/\W+/g, '-')}`;
  return (
    <div className="chips">
      {values.map((v) => (
        <span className="chip" key={v}>
          {v}
          <button type="button" aria-label={`Remove ${v}`} onClick={() => onChange(values.filter((x) => x !== v))}>
            ×
          </button>
        </span>
      ))}
      <input
        aria-label={label}
        list={listId}
        value={text}
        placeholder="type and press Enter"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ',') {
            e.preventDefault();
            add(text);
          } else if (e.key === 'Backspace' && text === '' && values.length) onChange(values.slice(0, -1));
        }}
        onBlur={() => text && add(text)}
      />
      <datalist id={listId}>
        {suggestions
          .filter((s) => !values.includes(s))
          .map((s) => (
            <option key={s} value={s} />
          ))}
      </datalist>
    </div>
  );
}

/** The change-request impact wizard: request, impact analysis with a live verdict, decision, review of the exact YAML. */
export function CrWizard({ presetSow, editing }: { presetSow?: string | null; editing?: string | null }) {
  const [ctx, setCtx] = useState<CrContext | null>(null);
  const [draft, setDraft] = useState<CrDraft>(() => ({ ...emptyCrDraft(), sows: presetSow ? [presetSow] : [] }));
  const [step, setStep] = useState(0);
  const [touched, setTouched] = useState<Set<CrField>>(new Set());
  const [preview, setPreview] = useState<CrPreview | null>(null);
  const [busy, setBusy] = useState(false);
  /** Review was refused because the decision record was unticked: said next to the tick box, until it changes. */
  const [adrRefused, setAdrRefused] = useState(false);

  useEffect(() => {
    void (async () => {
      const c = await api.call('wizard.crContext');
      if (editing) {
        try {
          setDraft(await api.call('wizard.crLoad', { path: editing }));
        } catch (e) {
          useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
          usePages.getState().close();
          return;
        }
      } else
        setDraft((d) => ({
          ...d,
          requestor: d.requestor || c.roles[0] || '',
          approvers: d.approvers.length ? d.approvers : c.scopeOwner ? [c.scopeOwner] : [],
        }));
      setCtx(c);
    })();
  }, [editing]);

  const errors = useMemo(() => checkCrDraft(draft, editing ? undefined : ctx?.today), [draft, editing, ctx]);
  // a decided change is judged against the master in force on its decision date; a proposed one against today's
  const master = useMemo(() => (ctx ? masterForDraft(draft, ctx) : null), [draft, ctx]);
  const verdict = useMemo(() => draftVerdict(draft, master?.thresholds ?? null), [draft, master]);
  const adrNeeded = needsAdr(draft, verdict);
  const stepErrors = (i: number) => STEP_FIELDS[i]!.filter((f) => errors[f]);
  const set = <K extends CrField>(k: K, v: CrDraft[K]) => {
    // a decision is dated today unless someone says otherwise: never before the request it decides
    usePages.getState().setDraftTouched(true);
    setDraft((d) => ({ ...d, [k]: v, ...(k === 'status' && (v === 'approved' || v === 'rejected') && d.date === '' && ctx ? { date: ctx.today } : {}) }));
    setTouched((t) => new Set(t).add(k));
  };
  const shown = (f: CrField) => (touched.has(f) ? errors[f] : undefined);

  const go = async (to: number) => {
    if (to > step && stepErrors(step).length) {
      setTouched((t) => new Set([...t, ...STEP_FIELDS[step]!]));
      return;
    }
    if (to === 3) {
      if (adrNeeded && !draft.createAdr) return setAdrRefused(true);
      try {
        setPreview(await api.call('wizard.crPreview', editing ? { draft, editing } : { draft }));
      } catch (e) {
        return useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e), 'page');
      }
    }
    setStep(to);
  };

  const write = async () => {
    setBusy(true);
    try {
      const paths = await api.call('wizard.crWrite', editing ? { draft, editing } : { draft });
      useUi.getState().notify('info', `Written: ${paths.join(', ')}`);
      usePages.getState().close();
      await useWorkspace.getState().refreshFiles();
      const cr = paths.find((p) => p.startsWith('contracts/changes/'))!;
      if (editing)
        await useEditor
          .getState()
          .reload(cr)
          .catch(() => undefined);
      await useEditor.getState().open(cr);
      scheduleValidation(0);
    } catch (e) {
      useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!ctx) return <div className="page">Loading…</div>;
  return (
    <div className="page wizard" data-testid="cr-wizard" onKeyDown={(e) => e.key === 'Enter' && e.ctrlKey && step < 3 && void go(step + 1)}>
      <h2>
        {editing ? 'Change request' : 'New change request'}{' '}
        <span className="muted">{editing ? editing.slice(editing.lastIndexOf('/') + 1, -5) : ctx.nextCr}</span>
      </h2>
      <ol className="steps">
        {STEPS.map((s, i) => (
          <li key={s} className={i === step ? 'current' : i < step ? 'done' : ''}>
            <button type="button" onClick={() => void go(i)} disabled={i > step + 1}>
              {i + 1}. {s}
            </button>
          </li>
        ))}
      </ol>

      {step === 0 && (
        <section data-testid="step-request">
          <Field label="Summary" error={shown('summary')}>
            <input autoFocus value={draft.summary} onChange={(e) => set('summary', e.target.value)} aria-label="Summary" />
          </Field>
          <Field label="Requestor" error={shown('requestor')} hint="A governance role, or a name.">
            <input list="cr-roles" value={draft.requestor} onChange={(e) => set('requestor', e.target.value)} aria-label="Requestor" />
            <datalist id="cr-roles">
              {ctx.roles.map((r) => (
                <option key={r} value={r} />
              ))}
            </datalist>
          </Field>
          <fieldset className="field">
            <legend className="field-label">Linked SOWs</legend>
            <SowPicker choices={ctx.sowInfo} value={draft.sows} onChange={(v) => set('sows', v)} />
          </fieldset>
        </section>
      )}

      {step === 1 && (
        <section data-testid="step-impact">
          <div className="impact-grid">
            <Field label="Budget delta (%)" error={shown('budget_delta_pct')} hint="Negative for a saving.">
              <input
                type="number"
                step="any"
                value={draft.budget_delta_pct}
                onChange={(e) => set('budget_delta_pct', e.target.value)}
                aria-label="Budget delta (%)"
              />
            </Field>
            <Field label="Schedule slip (days)" error={shown('schedule_slip_days')}>
              <input
                type="number"
                min="0"
                step="any"
                value={draft.schedule_slip_days}
                onChange={(e) => set('schedule_slip_days', e.target.value)}
                aria-label="Schedule slip (days)"
              />
            </Field>
            <Field label="Risk score" error={shown('risk_score')}>
              <input type="number" min="0" step="any" value={draft.risk_score} onChange={(e) => set('risk_score', e.target.value)} aria-label="Risk score" />
            </Field>
          </div>
          <div className={`verdict ${verdict?.verdict ?? ''}`} data-testid="verdict" aria-live="polite">
            {verdict ? (
              <>
                <strong>{verdict.verdict === 'major' ? 'Major change' : 'Minor change'}</strong>
                <span className="muted" data-testid="judged-against">
                  {' '}
                  judged against {master?.label}
                </span>
                <ul>
                  {verdict.checks.map((c) => (
                    <li key={c.key} className={c.crossed ? 'crossed' : ''} data-testid="threshold">
                      {c.crossed ? '✗' : '✓'} {c.explanation}
                    </li>
                  ))}
                </ul>
              </>
            ) : master?.thresholds ? (
              'Enter the three figures to see the verdict.'
            ) : (
              'The master contract has no valid change thresholds, so no verdict can be computed.'
            )}
          </div>
          <Field label="Dependencies" hint="Teams, systems or components affected.">
            <Chips label="Dependencies" values={draft.dependencies} onChange={(v) => set('dependencies', v)} suggestions={ctx.dependencies} />
          </Field>
          <Field label="Value">
            <input value={draft.value} onChange={(e) => set('value', e.target.value)} aria-label="Value" placeholder="Expected +2% conversion" />
          </Field>
        </section>
      )}

      {step === 2 && (
        <section data-testid="step-decision">
          <Field label="Status">
            <select value={draft.status} onChange={(e) => set('status', e.target.value as CrDraft['status'])} aria-label="Status">
              {['proposed', 'approved', 'rejected', 'withdrawn'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field label="Approvers" error={shown('approvers')} hint={ctx.scopeOwner ? `Scope decisions belong to ${ctx.scopeOwner}.` : undefined}>
            <Chips label="Approvers" values={draft.approvers} onChange={(v) => set('approvers', v)} suggestions={ctx.roles} />
          </Field>
          <Field label="Decision date" error={shown('date')}>
            <input type="date" value={draft.date} onChange={(e) => set('date', e.target.value)} aria-label="Decision date" />
          </Field>
          {adrNeeded && (
            <label className="check adr" data-testid="adr-offer">
              <input
                type="checkbox"
                checked={draft.createAdr}
                onChange={(e) => {
                  setAdrRefused(false);
                  set('createAdr', e.target.checked);
                }}
              />
              This approved change is major: create the decision record {ctx.nextAdr} from this change request and link it.
              {adrRefused && !draft.createAdr && (
                <span className="field-error" role="alert" data-testid="adr-refusal">
                  An approved major change needs a decision record: tick this box to go on.
                </span>
              )}
            </label>
          )}
        </section>
      )}

      {step === 3 && preview && (
        <section data-testid="step-review">
          <ReviewFiles files={preview.files} diagnostics={preview.diagnostics} />
        </section>
      )}

      <div className="wizard-nav">
        <button type="button" onClick={() => usePages.getState().close()}>
          Cancel
        </button>
        <span className="spacer" />
        {step > 0 && (
          <button type="button" onClick={() => setStep(step - 1)}>
            Back
          </button>
        )}
        {step < 3 ? (
          <button type="button" className="primary" onClick={() => void go(step + 1)} data-testid="wizard-next">
            Next
          </button>
        ) : (
          <button type="button" className="primary" disabled={busy || !!preview?.diagnostics.length} onClick={() => void write()} data-testid="wizard-write">
            Write {preview?.files.length ?? 0} file{preview?.files.length === 1 ? '' : 's'}
          </button>
        )}
      </div>
    </div>
  );
}
