import { useEffect, useMemo, useState } from 'react';
import type { CrPreview, SowContext } from '../../../core/common/api.js';
import { runCommand } from '../../commands.js';
import { ReviewFiles } from './ReviewFiles.js';
import { addDays } from '../../../core/common/dates.js';
import { checkSowDraft, overlappingSows, type SowDraft } from '../../../core/common/wizards/sow.js';
import { api, ApiCallError } from '../../api/client.js';
import { useEditor } from '../../stores/editor.js';
import { usePages } from '../../stores/pages.js';
import { useUi } from '../../stores/ui.js';
import { scheduleValidation, useWorkspace } from '../../stores/workspace.js';

/** Drafting a SOW offline in minutes: id and dates suggested, goals, criteria (ids assigned), gates, DAG nodes. */
export function SowWizard() {
  const [ctx, setCtx] = useState<SowContext | null>(null);
  const [d, setDraft] = useState<SowDraft>({
    id: '',
    start: '',
    end: '',
    goals: [''],
    valueHypothesis: '',
    criteria: [{ description: '', evidence: '' }],
    gates: [],
    dagNodes: [],
  });
  const [tried, setTried] = useState(false);
  const [review, setReview] = useState<CrPreview | null>(null);
  const setD = (next: SowDraft) => {
    setDraft(next);
    usePages.getState().setDraftTouched(true);
  };
  useEffect(() => {
    void api.call('wizard.sowContext').then((c) => {
      setCtx(c);
      setDraft((x) => ({ ...x, id: c.nextId, start: c.suggestedStart, end: addDays(c.suggestedStart, 11) }));
    });
  }, []);
  const errors = useMemo(
    () =>
      ctx
        ? checkSowDraft(
            d,
            ctx.sows.map((s) => s.id),
          )
        : {},
    [d, ctx],
  );
  const overlaps = useMemo(() => (ctx ? overlappingSows(d, ctx.sows) : []), [d, ctx]);
  if (!ctx) return <div className="page">Loading…</div>;
  const err = (k: keyof typeof errors) =>
    (tried || k === 'end' || k === 'id') && errors[k] ? (
      <span className="field-error" role="alert">
        {errors[k]}
      </span>
    ) : null;
  const toReview = async () => {
    setTried(true);
    if (Object.keys(errors).length) return;
    try {
      setReview(await api.call('wizard.sowPreview', { draft: d }));
    } catch (e) {
      useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e), 'page');
    }
  };
  const write = async () => {
    setTried(true);
    if (Object.keys(errors).length) return;
    try {
      const file = await api.call('wizard.sowWrite', { draft: d });
      usePages.getState().close();
      await useWorkspace.getState().refreshFiles();
      await useEditor.getState().open(file);
      scheduleValidation(0);
    } catch (e) {
      useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e), 'page');
    }
  };
  if (review)
    return (
      <div className="page wizard" data-testid="sow-wizard">
        <h2>Review the new SOW</h2>
        <p className="page-note">This is exactly what will be written. Nothing is written until you say so.</p>
        <section data-testid="sow-review">
          <ReviewFiles files={review.files} diagnostics={review.diagnostics} />
        </section>
        <div className="wizard-nav">
          <button type="button" onClick={() => setReview(null)}>
            Back
          </button>
          <span className="spacer" />
          <button type="button" className="primary" data-testid="sow-write" disabled={review.diagnostics.length > 0} onClick={() => void write()}>
            Write {review.files[0]!.path}
          </button>
        </div>
      </div>
    );
  const setList = <K extends 'goals' | 'criteria' | 'gates'>(k: K, v: SowDraft[K]) => setD({ ...d, [k]: v });
  return (
    <div className="page wizard" data-testid="sow-wizard">
      <h2>New SOW</h2>
      <div className="impact-grid">
        <label className={`field${errors.id ? ' invalid' : ''}`}>
          <span className="field-label">Id</span>
          <input aria-label="SOW id" value={d.id} onChange={(e) => setD({ ...d, id: e.target.value.toUpperCase() })} />
          {err('id')}
        </label>
        <label className={`field${errors.start && tried ? ' invalid' : ''}`}>
          <span className="field-label">Start</span>
          <input aria-label="Start" type="date" value={d.start} onChange={(e) => setD({ ...d, start: e.target.value })} />
          {err('start')}
        </label>
        <label className={`field${errors.end ? ' invalid' : ''}`}>
          <span className="field-label">End</span>
          <input aria-label="End" type="date" value={d.end} onChange={(e) => setD({ ...d, end: e.target.value })} />
          {err('end')}
        </label>
      </div>
      {overlaps.length > 0 && (
        <p className="page-warn" data-testid="overlap">
          These dates overlap {overlaps.join(', ')}.
        </p>
      )}
      <fieldset className="field">
        <legend className="field-label">Goals</legend>
        {d.goals.map((g, i) => (
          <input
            key={i}
            aria-label={`Goal ${i + 1}`}
            value={g}
            onChange={(e) =>
              setList(
                'goals',
                d.goals.map((x, j) => (j === i ? e.target.value : x)),
              )
            }
          />
        ))}
        <button type="button" className="link" onClick={() => setList('goals', [...d.goals, ''])}>
          + goal
        </button>
        {err('goals')}
      </fieldset>
      <label className="field">
        <span className="field-label">Value hypothesis</span>
        <input
          aria-label="Value hypothesis"
          value={d.valueHypothesis}
          onChange={(e) => setD({ ...d, valueHypothesis: e.target.value })}
          placeholder="Reduce drop-off by 20%"
        />
      </label>
      <fieldset className="field">
        <legend className="field-label">Acceptance criteria</legend>
        <datalist id="sow-files">
          {ctx.files.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        {d.criteria.map((c, i) => (
          <div key={i} className="row">
            <span className="muted">AC{i + 1}</span>
            <input
              aria-label={`Criterion ${i + 1}`}
              value={c.description}
              placeholder="measurable, e.g. SUS score >= 85"
              onChange={(e) =>
                setList(
                  'criteria',
                  d.criteria.map((x, j) => (j === i ? { ...x, description: e.target.value } : x)),
                )
              }
            />
            <input
              aria-label={`Evidence ${i + 1}`}
              list="sow-files"
              value={c.evidence}
              placeholder="evidence file (optional)"
              onChange={(e) =>
                setList(
                  'criteria',
                  d.criteria.map((x, j) => (j === i ? { ...x, evidence: e.target.value } : x)),
                )
              }
            />
          </div>
        ))}
        <button type="button" className="link" onClick={() => setList('criteria', [...d.criteria, { description: '', evidence: '' }])}>
          + criterion
        </button>
        {err('criteria')}
      </fieldset>
      <fieldset className="field">
        <legend className="field-label">Gates</legend>
        <datalist id="sow-validators">
          {ctx.validators.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
        {d.gates.map((g, i) => (
          <div key={i} className="row">
            <input
              aria-label={`Gate ${i + 1}`}
              value={g.name}
              placeholder="qa_signoff"
              onChange={(e) =>
                setList(
                  'gates',
                  d.gates.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)),
                )
              }
            />
            <input
              aria-label={`Validator ${i + 1}`}
              list="sow-validators"
              value={g.validator}
              placeholder="module:check"
              onChange={(e) =>
                setList(
                  'gates',
                  d.gates.map((x, j) => (j === i ? { ...x, validator: e.target.value } : x)),
                )
              }
            />
          </div>
        ))}
        <button type="button" className="link" onClick={() => setList('gates', [...d.gates, { name: '', validator: '' }])}>
          + gate
        </button>
        {err('gates')}
      </fieldset>
      <label className="field">
        <span className="field-label">DAG nodes</span>
        <input
          aria-label="DAG nodes"
          value={d.dagNodes.join(', ')}
          placeholder="comma separated"
          onChange={(e) =>
            setD({
              ...d,
              dagNodes: e.target.value
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean),
            })
          }
        />
      </label>
      <div className="wizard-nav">
        <button type="button" onClick={() => runCommand('page.close')}>
          Cancel
        </button>
        <span className="spacer" />
        <button type="button" className="primary" data-testid="sow-review-next" onClick={() => void toReview()}>
          Review contracts/sow/{d.id || '…'}.yaml…
        </button>
      </div>
    </div>
  );
}
