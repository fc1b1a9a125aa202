import { useGit } from '../../stores/git.js';
import { useRemote } from '../../stores/remote.js';

/** Branch and repository state in the status bar, in words rather than failures. */
export function GitStatus() {
  const state = useGit((s) => s.state);
  const changes = useGit((s) => s.changes.length);
  const statusError = useGit((s) => s.statusError);
  const init = useGit((s) => s.init);
  const merging = useRemote((s) => !!s.state?.merge);
  if (!state) return null;
  if (!state.repository) {
    return (
      <button className="status-git" data-testid="status-git" onClick={() => void init()} title="Initialise a git repository here">
        Not a git repository · Initialise
      </button>
    );
  }
  const notes: string[] = [];
  // a pull Covenant began is shown (and resolved) by the remote status; another tool's merge is finished there
  if (state.mergeInProgress && !merging) notes.push('merge in progress: finish it in your git tool');
  if (state.rebaseInProgress) notes.push('rebase in progress: finish it in your git tool');
  if (state.cherryPickInProgress) notes.push('cherry-pick in progress');
  if (state.locked) notes.push('another git process is working (index.lock)');
  if (state.conflictFiles.length) notes.push(`conflict markers in ${state.conflictFiles.join(', ')}`);
  if (statusError) notes.push('changes unknown (git status failed)');
  return (
    <span className="status-git" data-testid="status-git" title={state.head ?? 'no commits yet'}>
      ⎇ {state.detached ? `detached at ${state.head?.slice(0, 7) ?? '?'}` : (state.branch ?? 'main')}
      {changes > 0 && ` · ${changes} changed`}
      {notes.length > 0 && <span className="status-warn"> · {notes.join(' · ')}</span>}
    </span>
  );
}
