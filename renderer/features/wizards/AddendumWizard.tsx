import { useEffect, useState } from 'react';
import type { AddendumPreview } from '../../../core/common/api.js';
import { api, ApiCallError } from '../../api/client.js';
import { useEditor } from '../../stores/editor.js';
import { usePages } from '../../stores/pages.js';
import { ReviewFiles } from './ReviewFiles.js';
import { useUi } from '../../stores/ui.js';
import { scheduleValidation, useWorkspace } from '../../stores/workspace.js';

interface Row {
  file: string;
  field: string;
  to: string;
}

const fail = (e: unknown) => useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));

/**
 * The implement step of an approved change: the SOW or master edits it makes, listed as an addendum, previewed as the
 * exact files, then saved as a draft or applied (the contract files edited, the addendum stamped, the CR implemented).
 */
export function AddendumWizard({ cr }: { cr: string }) {
  const files = useWorkspace((s) => s.files);
  const contracts = files.map((f) => f.path).filter((p) => p === 'contracts/master_contract.yaml' || /^contracts\/sow\/[^/]+\.ya?ml$/.test(p));
  const [rows, setRows] = useState<Row[]>([{ file: '', field: '', to: '' }]);
  const [summary, setSummary] = useState('');
  const [preview, setPreview] = useState<{ plan: AddendumPreview; apply: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [existing, setExisting] = useState<boolean>(false);

  // an addendum drafted earlier is loaded, so that it can be reviewed and applied as it is
  useEffect(() => {
    void api
      .call('addendum.preview', { cr, apply: false })
      .then((p) => {
        setExisting(true);
        setRows(p.edits.map((e) => ({ file: e.file, field: e.field, to: typeof e.to === 'string' ? e.to : JSON.stringify(e.to) })));
      })
      .catch(() => setExisting(false));
  }, [cr]);

  const filled = rows.filter((r) => r.file && r.field.trim());
  const args = (apply: boolean) => ({ cr, apply, edits: filled, ...(summary.trim() ? { summary: summary.trim() } : {}) });
  const show = async (apply: boolean) => {
    if (filled.length === 0) return useUi.getState().notify('warning', 'Name at least one edit: a file, a field and its new value.');
    try {
      setPreview({ plan: await api.call('addendum.preview', args(apply)), apply });
    } catch (e) {
      fail(e);
    }
  };
  const write = async () => {
    if (!preview) return;
    setBusy(true);
    try {
      const paths = await api.call('addendum.write', args(preview.apply));
      useUi.getState().notify('info', `${preview.apply ? `${cr} implemented` : 'Addendum drafted'}: ${paths.join(', ')}. Review and commit the change.`);
      usePages.getState().close();
      await useWorkspace.getState().refreshFiles();
      for (const p of paths)
        await useEditor
          .getState()
          .reload(p)
          .catch(() => undefined);
      scheduleValidation(0);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const setRow = (i: number, patch: Partial<Row>) => {
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    setPreview(null);
  };

  return (
    <div className="page wizard" data-testid="addendum-wizard">
      <h2>Implement {cr}</h2>
      <p className="muted">
        List the contract edits this approved change makes. Each names a file, a field (dotted, with [n] for list items: <code>dates.end</code>,{' '}
        <code>gates[1].validator</code>) and its new value. Applying edits the files, records the addendum as applied and marks {cr} implemented — one change to
        review and commit.{existing ? ' A drafted addendum was loaded.' : ''}
      </p>
      <label className="field">
        <span className="field-label">Summary</span>
        <input value={summary} onChange={(e) => setSummary(e.target.value)} aria-label="Summary" placeholder="Extend the iteration by four days" />
      </label>
      <table className="grid" data-testid="addendum-edits">
        <thead>
          <tr>
            <th>File</th>
            <th>Field</th>
            <th>New value</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>
                <select value={r.file} onChange={(e) => setRow(i, { file: e.target.value })} aria-label={`File of edit ${i + 1}`}>
                  <option value="">choose a file</option>
                  {contracts.map((p) => (
                    <option key={p}>{p}</option>
                  ))}
                </select>
              </td>
              <td>
                <input value={r.field} onChange={(e) => setRow(i, { field: e.target.value })} aria-label={`Field of edit ${i + 1}`} placeholder="dates.end" />
              </td>
              <td>
                <input value={r.to} onChange={(e) => setRow(i, { to: e.target.value })} aria-label={`New value of edit ${i + 1}`} placeholder="2025-10-28" />
              </td>
              <td>
                <button type="button" aria-label={`Remove edit ${i + 1}`} onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setRows((rs) => [...rs, { file: '', field: '', to: '' }])}>
        Add an edit
      </button>
      {preview && (
        <section data-testid="addendum-review">
          <ul>
            {preview.plan.edits.map((e, i) => (
              <li key={i} data-testid="addendum-edit">
                {e.file} <code>{e.field}</code>: {e.from === undefined ? 'new' : JSON.stringify(e.from)} → {JSON.stringify(e.to)}
              </li>
            ))}
          </ul>
          <ReviewFiles files={preview.plan.files} diagnostics={preview.plan.diagnostics} />
        </section>
      )}
      <div className="wizard-nav">
        <button type="button" onClick={() => usePages.getState().close()}>
          Cancel
        </button>
        <span className="spacer" />
        <button type="button" onClick={() => void show(false)} data-testid="addendum-preview-draft">
          Preview draft
        </button>
        <button type="button" onClick={() => void show(true)} data-testid="addendum-preview-apply">
          Preview applying
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || !preview || preview.plan.diagnostics.length > 0}
          onClick={() => void write()}
          data-testid="addendum-write"
        >
          {preview?.apply ? `Apply and mark ${cr} implemented` : 'Save the draft'}
        </button>
      </div>
    </div>
  );
}
