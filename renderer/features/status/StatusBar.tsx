import { GitStatus } from '../git/GitStatus.js';
import { RemoteStatus } from '../remote/RemoteStatus.js';
import { countDiagnostics } from '../../../core/common/diagnostics.js';
import { useEditor, isDirty } from '../../stores/editor.js';
import { useUi } from '../../stores/ui.js';
import { useWorkspace } from '../../stores/workspace.js';

export function StatusBar() {
  const workspace = useWorkspace((s) => s.workspace);
  const diagnostics = useWorkspace((s) => s.diagnostics);
  const files = useWorkspace((s) => s.validatedFiles);
  const mode = useWorkspace((s) => s.mode);
  const indexing = useWorkspace((s) => s.indexing);
  const historyIndexing = useWorkspace((s) => s.historyIndexing);
  const dirty = useEditor((s) => s.tabs.filter(isDirty).length);
  const counts = countDiagnostics(diagnostics);
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className="status-ws" title={workspace?.root}>
        {workspace?.name ?? 'No workspace'}
      </span>
      <button
        className={`status-count${counts.errors ? ' has-errors' : ''}`}
        data-testid="status-errors"
        onClick={() => useUi.getState().setProblemFilter({ severity: 'error' })}
      >
        ⊗ {counts.errors} error{counts.errors === 1 ? '' : 's'}
      </button>
      <button className="status-count" data-testid="status-warnings" onClick={() => useUi.getState().setProblemFilter({ severity: 'warning' })}>
        ⚠ {counts.warnings} warning{counts.warnings === 1 ? '' : 's'}
      </button>
      {indexing ? (
        <span className="status-indexing" role="status" data-testid="status-indexing">
          Indexing {useWorkspace.getState().files.length} files…
        </span>
      ) : (
        <span>{files} contract files</span>
      )}
      {historyIndexing && (
        <span
          className="status-indexing"
          role="status"
          data-testid="status-history-indexing"
          title="Lead times, decision days, scope volatility and signatures come from it"
        >
          Indexing the git history…
        </span>
      )}
      <GitStatus />
      <RemoteStatus />
      {dirty > 0 && <span data-testid="status-dirty">{dirty} unsaved</span>}
      <span className="spacer" />
      <span>{mode === 'electron' ? 'Desktop' : 'Browser mode'}</span>
    </footer>
  );
}
