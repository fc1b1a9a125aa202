import { useEffect, useRef, useState } from 'react';
import { useDialog } from '../../stores/dialog.js';

/** The one in-app dialog for confirmations and questions: refusals are shown next to the field they are about. */
export function AppDialog() {
  const request = useDialog((s) => s.request);
  const [values, setValues] = useState<Record<string, string>>({});
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const go = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!request) return;
    setValues(Object.fromEntries(request.fields.map((f) => [f.name, f.value ?? ''])));
    setTried(false);
    // focus the first field, or for a confirmation that loses something the safe button (Enter must not discard by accident)
    requestAnimationFrame(() => (request.fields.length ? first.current : request.danger ? cancel.current : go.current)?.focus());
  }, [request]);
  if (!request) return null;
  const problems = Object.fromEntries(
    request.fields.map((f) => {
      const v = values[f.name] ?? '';
      const problem = !v.trim() && !f.optional ? `${f.label} is needed.` : (f.check?.(v) ?? null);
      return [f.name, v.trim() || !f.optional ? problem : null];
    }),
  );
  const ok = Object.values(problems).every((p) => !p);
  const settle = useDialog.getState().settle;
  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="app-dialog-title"
        data-testid="app-dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (ok) settle(values);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            settle(null);
          }
        }}
      >
        <h2 id="app-dialog-title">{request.title}</h2>
        {request.message && <p className="dialog-message">{request.message}</p>}
        {request.fields.map((f, i) => (
          <label key={f.name} className={`field${tried && problems[f.name] ? ' invalid' : ''}`}>
            <span className="field-label">
              {f.label}
              {f.optional ? ' (optional)' : ''}
            </span>
            <input
              ref={i === 0 ? first : undefined}
              type={f.type ?? 'text'}
              value={values[f.name] ?? ''}
              placeholder={f.placeholder}
              aria-invalid={tried && !!problems[f.name]}
              data-testid={`dialog-${f.name}`}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
            />
            {tried && problems[f.name] && (
              <span className="field-error" role="alert">
                {problems[f.name]}
              </span>
            )}
          </label>
        ))}
        <div className="wizard-nav">
          <button type="submit" ref={go} className={request.danger ? 'danger' : 'primary'} data-testid="dialog-confirm">
            {request.confirm}
          </button>
          <button type="button" ref={cancel} onClick={() => settle(null)} data-testid="dialog-cancel">
            {request.cancel ?? 'Cancel'}
          </button>
        </div>
      </form>
    </div>
  );
}
