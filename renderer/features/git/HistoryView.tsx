import { useGit } from '../../stores/git.js';
import { useEditor } from '../../stores/editor.js';

export function HistoryView() {
  const log = useGit((s) => s.log);
  const logFile = useGit((s) => s.logFile);
  const picked = useGit((s) => s.picked);
  const pickedFiles = useGit((s) => s.pickedFiles);
  const state = useGit((s) => s.state);
  const active = useEditor((s) => s.active);
  const { loadLog, pick, showCommitDiff, showSnapshot, restore } = useGit.getState();

  if (state && !state.repository) return <p className="git-note">No history: this folder is not a git repository yet (see Changes).</p>;
  const single = picked.length === 1 ? picked[0]! : null;

  return (
    <div className="git-view" data-testid="history-view">
      <div className="history-scope">
        <button className={logFile ? '' : 'on'} onClick={() => void loadLog(null)}>
          Whole workspace
        </button>
        <button className={logFile ? 'on' : ''} disabled={!active} onClick={() => active && void loadLog(active)} title={active ?? 'Open a file first'}>
          This file
        </button>
      </div>
      {logFile && <p className="git-note">History of {logFile}</p>}
      <p className="git-hint">Click a commit for its changes; Shift+click a second one to compare the two.</p>
      <ol className="history">
        {log.map((e) => (
          <li key={e.oid} className={picked.includes(e.oid) ? 'picked' : ''} data-testid="commit-entry" data-oid={e.oid}>
            <button onClick={(ev) => void pick(e.oid, ev.shiftKey)} title={e.message}>
              <span className="commit-summary">
                {e.refs.map((r) => (
                  <span key={r} className={`ref-badge${r.startsWith('tag: ') ? ' tag' : r.startsWith('HEAD') ? ' head' : ''}`} data-testid="ref-badge">
                    {r.startsWith('tag: ') ? `🏷 ${r.slice(5)}` : r}
                  </span>
                ))}
                {e.summary}
              </span>
              <span className="commit-meta">
                {e.oid.slice(0, 7)} · {e.author.name} ·{' '}
                <time dateTime={e.date} title={e.date}>
                  {new Date(e.date).toLocaleString()}
                </time>
              </span>
            </button>
          </li>
        ))}
        {log.length === 0 && <li className="git-note">No commits yet.</li>}
      </ol>
      {picked.length > 0 && (
        <section className="picked-files" data-testid="picked-files">
          <h3>{picked.length === 2 ? `${picked[0]!.slice(0, 7)} ↔ ${picked[1]!.slice(0, 7)}` : `Changed in ${single!.slice(0, 7)}`}</h3>
          <ul>
            {pickedFiles.map((f) => (
              <li key={f.path} data-testid="picked-file" data-path={f.path}>
                <button className="change-name" onClick={() => void showCommitDiff(f.path)} title="Show the diff">
                  {f.path}
                </button>
                {single && f.status !== 'deleted' && (
                  <>
                    <button className="link" onClick={() => void showSnapshot(single, f.path)}>
                      view
                    </button>
                    <button className="link" data-testid="restore" onClick={() => void restore(single, f.path)}>
                      restore
                    </button>
                  </>
                )}
              </li>
            ))}
            {pickedFiles.length === 0 && <li className="git-note">No file changes (or the first commit).</li>}
          </ul>
        </section>
      )}
    </div>
  );
}
