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

export function App() {
  const booted = useWorkspace((s) => s.booted);
  const workspace = useWorkspace((s) => s.workspace);
  if (!booted) return <div className="booting">Starting Covenant…</div>;
  return (
    <>
      {workspace ? (
        <div className="workbench" data-testid="workbench">
          <aside className="sidebar">
            <div className="sidebar-title" title={workspace.root}>
              {workspace.name}
            </div>
            <Tree />
          </aside>
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
