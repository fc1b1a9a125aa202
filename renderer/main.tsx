import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './monaco/setup.js';
import { api } from './api/client.js';
import { App } from './App.js';
import { handleGlobalKey, runCommand } from './commands.js';
import { useUi } from './stores/ui.js';
import { useGit } from './stores/git.js';
import { usePages } from './stores/pages.js';
import { useEditor } from './stores/editor.js';
import { useWorkspace } from './stores/workspace.js';
import { useRemote } from './stores/remote.js';
import './styles.css';

// The watcher is the one way changes on disk reach the UI.
api.subscribe((event) => {
  if (event.type === 'menu-command') {
    runCommand(event.id);
    return;
  }
  if (event.type === 'workspace-changed') {
    if (event.workspace?.root !== useWorkspace.getState().workspace?.root) {
      useEditor.setState({ tabs: [], active: null, session: null });
      void useWorkspace.getState().boot();
    }
    return;
  }
  if (event.type === 'remote-progress') {
    useRemote.getState().progress(event);
    return;
  }
  if (event.type === 'notice') {
    useUi.getState().notify(event.level, event.message);
    return;
  }
  if (event.type === 'history-progress') return; // a CLI command's; the app says "indexing…" where the figures are
  if (!useWorkspace.getState().workspace) return;
  if (event.type === 'git-changed') {
    const before = useGit.getState().state;
    useGit.getState().applyEvent(event);
    // commits and merges move HEAD: ahead/behind and the waiting merge are read again then, not on every file change
    if (event.state && (event.state.head !== before?.head || event.state.mergeInProgress !== before?.mergeInProgress)) void useRemote.getState().refresh();
    return;
  }
  // a snapshot delta: files, diagnostics and figures as they are on disk now, in one event
  const { delta } = event;
  useWorkspace.getState().applyDelta(delta);
  const open = new Set(useEditor.getState().tabs.map((t) => t.path));
  for (const p of delta.changed) if (open.has(p)) void useEditor.getState().diskChanged(p, delta.hashes[p]);
  if (delta.figuresChanged) void usePages.getState().refresh();
  // the history has been read (its facts changed the figures): the status bar stops saying it is being read
  if (delta.figuresChanged && useWorkspace.getState().historyIndexing) void useWorkspace.getState().validateNow();
});

window.addEventListener('keydown', (e) => void handleGlobalKey(e));

// a notice belongs to where it was raised: it goes when the page closes or the workspace changes
usePages.subscribe((s, prev) => {
  if (s.page === prev.page) return;
  useUi.getState().clearScope('page');
  if (s.draftTouched) usePages.setState({ draftTouched: false });
});
// every open tab comes back after a reload, not only the unsaved ones
useEditor.subscribe((s, prev) => {
  if (s.session && s.session === useWorkspace.getState().workspace?.root && (s.tabs !== prev.tabs || s.active !== prev.active))
    useEditor.getState().rememberTabs(s.session);
});
useWorkspace.subscribe((s, prev) => {
  if (s.workspace?.root !== prev.workspace?.root) useUi.getState().clearScope('workspace');
});
window.addEventListener('beforeunload', (e) => {
  if (useEditor.getState().dirtyCount() > 0) {
    e.preventDefault();
    e.returnValue = '';
  }
});

void useWorkspace.getState().boot();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
