import { useEffect, useState } from 'react';
import type { AdrSummary } from '../../../core/common/api.js';
import { api, ApiCallError } from '../../api/client.js';
import { askDialog } from '../../stores/dialog.js';
import { useEditor } from '../../stores/editor.js';
import { useUi } from '../../stores/ui.js';
import { useWorkspace } from '../../stores/workspace.js';

/** Writes a decision record that supersedes `id`, asking its title in the app, and opens it. True when written. */
export async function supersedeAdr(id: string): Promise<boolean> {
  const answer = await askDialog(`Supersede ${id}`, [{ name: 'title', label: 'Title of the new decision' }], {
    message: `A new decision record is written that supersedes ${id}; ${id} is marked superseded.`,
    confirm: 'Write the decision record',
  });
  if (!answer) return false;
  try {
    const { path } = await api.call('adr.supersede', { id, title: answer.title!.trim() });
    await useWorkspace.getState().refreshFiles();
    await useEditor.getState().open(path);
    return true;
  } catch (e) {
    useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
    return false;
  }
}

/** The decision records: status, what they supersede, the change requests that cite them; new and supersede. */
export function AdrList() {
  const [adrs, setAdrs] = useState<AdrSummary[] | null>(null);
  const open = useEditor((s) => s.open);
  const load = () => void api.call('adr.list').then(setAdrs);
  useEffect(load, []);
  const supersede = async (id: string) => {
    if (await supersedeAdr(id)) load();
  };
  if (!adrs) return <div className="page">Loading…</div>;
  return (
    <div className="page" data-testid="adr-page">
      <h2>Decision records</h2>
      <p className="page-note">
        <button className="link" onClick={() => void useWorkspace.getState().newFile('adr')}>
          New decision record
        </button>
      </p>
      <table className="grid">
        <thead>
          <tr>
            <th>Record</th>
            <th>Title</th>
            <th>Status</th>
            <th>Date</th>
            <th>Cited by</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {adrs.map((a) => (
            <tr key={a.path} data-testid="adr-row" data-id={a.id}>
              <td>
                <button className="link" onClick={() => void open(a.path)}>
                  {a.id}
                </button>
              </td>
              <td>{a.title ?? '—'}</td>
              <td>
                {a.status ?? '—'}
                {a.supersedes ? ` (supersedes ${a.supersedes})` : ''}
              </td>
              <td>{a.date ?? '—'}</td>
              <td>
                {a.citedBy.map((c) => (
                  <button key={c.path} className="link" onClick={() => void open(c.path)}>
                    {c.id}
                  </button>
                ))}
              </td>
              <td>{!a.supersededBy && <button onClick={() => void supersede(a.id)}>Supersede…</button>}</td>
            </tr>
          ))}
          {adrs.length === 0 && (
            <tr>
              <td colSpan={6} className="page-note">
                No decision records yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
