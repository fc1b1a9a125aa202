import { MiddlePath } from '../../components/MiddlePath.js';
import { useGit } from '../../stores/git.js';

const LETTER = { new: 'N', modified: 'M', deleted: 'D' } as const;

export function ChangesView() {
  const state = useGit((s) => s.state);
  const changes = useGit((s) => s.changes);
  const selected = useGit((s) => s.selected);
  const message = useGit((s) => s.message);
  const statusError = useGit((s) => s.statusError);
  const { toggle, setMessage, commit, showDiff, init, propose } = useGit.getState();

  if (state && !state.repository) {
    return (
      <div className="git-view" data-testid="changes-view">
        <p className="git-note">
          This folder is not a git repository yet. Covenant keeps the contract's history in git: every change traceable to who, when and why.
        </p>
        <button className="primary" onClick={() => void init()} data-testid="git-init">
          Initialise repository
        </button>
      </div>
    );
  }

  return (
    <div className="git-view" data-testid="changes-view">
      {statusError ? (
        <p className="git-note" role="alert" data-testid="status-error">
          Changes unknown: {statusError}
        </p>
      ) : changes.length === 0 ? (
        <p className="git-note">No changes since the last commit.</p>
      ) : (
        <>
          <ul className="changes">
            {changes.map((c) => (
              <li key={c.path} data-testid="change" data-path={c.path} data-status={c.status}>
                <input type="checkbox" checked={selected.includes(c.path)} onChange={() => toggle(c.path)} aria-label={`Include ${c.path}`} />
                <button className="change-name" title={`Show the diff of ${c.path}`} onClick={() => void showDiff(c.path)}>
                  <MiddlePath path={c.path} />
                </button>
                <span className={`change-status ${c.status}`} title={c.status}>
                  {LETTER[c.status]}
                </span>
              </li>
            ))}
          </ul>
          <label className="commit-label" htmlFor="commit-message">
            Message{' '}
            <button className="link" onClick={() => void propose()} title="Propose a message from what changed">
              propose
            </button>
          </label>
          <textarea id="commit-message" data-testid="commit-message" value={message} rows={5} onChange={(e) => setMessage(e.target.value)} />
          <button
            className="primary"
            data-testid="commit"
            disabled={selected.length === 0 || message.trim() === '' || !!state?.mergeInProgress || !!state?.locked}
            onClick={() => void commit()}
          >
            Commit {selected.length} file{selected.length === 1 ? '' : 's'}
          </button>
        </>
      )}
    </div>
  );
}
