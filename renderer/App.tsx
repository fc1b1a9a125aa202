import { ChangesView } from './features/git/ChangesView.js';
import { HistoryView } from './features/git/HistoryView.js';
import { useGit } from './stores/git.js';
import { usePages } from './stores/pages.js';
import { useUi } from './stores/ui.js';
import { useWorkspace } from './stores/workspace.js';
import { EditorArea } from './features/editor/EditorArea.js';
import { CommandPalette } from './features/palette/CommandPalette.js';
import { ProblemsPanel } from './features/problems/ProblemsPanel.js';
import { StatusBar } from './features/status/StatusBar.js';
import { Tree } from './features/tree/Tree.js';
import { Welcome } from './features/welcome/Welcome.js';
import { CredentialDialog } from './features/remote/CredentialDialog.js';
import { AppBar } from './features/appbar/AppBar.js';
import { ShortcutSheet } from './features/appbar/ShortcutSheet.js';
import { AppDialog } from './features/dialog/AppDialog.js';

/** Notices sit in a strip of their own above the work: they push it down rather than cover it. */
function Notices() {
  const notices = useUi((s) => s.notices);
  const dismiss = useUi((s) => s.dismiss);
  return (
    <div className="notices" aria-live="polite" data-testid="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
          <span>{n.text}</span>
          <button aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

const PAGES = [
  ['dashboard', 'Dashboard'],
  ['ledger', 'Ledger'],
  ['adrs', 'ADRs'],
] as const;
const VIEWS = [
  ['files', 'Files'],
  ['changes', 'Changes'],
  ['history', 'History'],
] as const;

function Sidebar() {
  const workspace = useWorkspace((s) => s.workspace)!;
  const changes = useGit((s) => s.changes.length);
  const view = useUi((s) => s.sidebarView);
  return (
    <aside className="sidebar">
      <div className="sidebar-title" title={workspace.root}>
        {workspace.name}
      </div>
      <div className="sidebar-pages">
        {PAGES.map(([page, label]) => (
          <button key={page} data-testid={`open-${page}`} onClick={() => void usePages.getState().show(page)}>
            {label}
          </button>
        ))}
      </div>
      <div className="sidebar-views" role="tablist">
        {VIEWS.map(([id, label]) => (
          <button
            key={id}
            role="tab"
            aria-selected={view === id}
            onClick={() => {
              useUi.getState().setSidebarView(id);
              useGit.getState().setHistoryOpen(id === 'history');
            }}
            data-testid={`view-${id}`}
          >
            {label}
            {id === 'changes' && changes > 0 ? ` (${changes})` : ''}
          </button>
        ))}
      </div>
      {view === 'files' ? <Tree /> : view === 'changes' ? <ChangesView /> : <HistoryView />}
    </aside>
  );
}

export function App() {
  const booted = useWorkspace((s) => s.booted);
  const workspace = useWorkspace((s) => s.workspace);
  // the panel never takes more than 40% of the window, whatever size it was given in a larger one
  const problemsHeight = useUi((s) => (s.problemsCollapsed ? 30 : s.problemsHeight));
  if (!booted) return <div className="booting">Starting Covenant…</div>;
  return (
    <div className="shell">
      <AppBar />
      <Notices />
      {workspace ? (
        <div className="workbench" data-testid="workbench" style={{ gridTemplateRows: `minmax(0, 1fr) min(${problemsHeight}px, 40vh) 26px` }}>
          <Sidebar />
          <EditorArea />
          <ProblemsPanel />
          <StatusBar />
        </div>
      ) : (
        <Welcome />
      )}
      <CommandPalette />
      <ShortcutSheet />
      <CredentialDialog />
      <AppDialog />
    </div>
  );
}
