import { useState } from 'react';
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

function Notices() {
  const notices = useUi((s) => s.notices);
  const dismiss = useUi((s) => s.dismiss);
  return (
    <div className="notices" aria-live="polite">
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

function Sidebar() {
  const workspace = useWorkspace((s) => s.workspace)!;
  const changes = useGit((s) => s.changes.length);
  const [view, setView] = useState<'files' | 'changes' | 'history'>('files');
  return (
    <aside className="sidebar">
      <div className="sidebar-title" title={workspace.root}>
        {workspace.name}
      </div>
      <div className="sidebar-pages">
        <button data-testid="open-dashboard" onClick={() => void usePages.getState().show('dashboard')}>
          Dashboard
        </button>
        <button data-testid="open-ledger" onClick={() => void usePages.getState().show('ledger')}>
          Ledger
        </button>
        <button data-testid="open-adrs" onClick={() => void usePages.getState().show('adrs')}>
          ADRs
        </button>
      </div>
      <div className="sidebar-views" role="tablist">
        <button
          role="tab"
          aria-selected={view === 'files'}
          onClick={() => {
            setView('files');
            useGit.getState().setHistoryOpen(false);
          }}
          data-testid="view-files"
        >
          Files
        </button>
        <button
          role="tab"
          aria-selected={view === 'changes'}
          onClick={() => {
            setView('changes');
            useGit.getState().setHistoryOpen(false);
          }}
          data-testid="view-changes"
        >
          Changes{changes > 0 ? ` (${changes})` : ''}
        </button>
        <button
          role="tab"
          aria-selected={view === 'history'}
          onClick={() => {
            setView('history');
            useGit.getState().setHistoryOpen(true);
          }}
          data-testid="view-history"
        >
          History
        </button>
      </div>
      {view === 'files' ? <Tree /> : view === 'changes' ? <ChangesView /> : <HistoryView />}
    </aside>
  );
}

export function App() {
  const booted = useWorkspace((s) => s.booted);
  const workspace = useWorkspace((s) => s.workspace);
  if (!booted) return <div className="booting">Starting Covenant…</div>;
  return (
    <>
      {workspace ? (
        <div className="workbench" data-testid="workbench">
          <Sidebar />
          <EditorArea />
          <ProblemsPanel />
          <StatusBar />
        </div>
      ) : (
        <Welcome />
      )}
      <CommandPalette />
      <Notices />
    </>
  );
}
