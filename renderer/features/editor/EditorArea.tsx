import Editor, { type OnMount } from '@monaco-editor/react';
import { useEffect, useRef } from 'react';
import type { Diagnostic } from '../../../core/common/diagnostics.js';
import { displayKeys } from '../../../core/common/menu.js';
import { handleGlobalKey, isMac, runCommand } from '../../commands.js';
import { DocumentView } from '../document/DocumentView.js';
import { modelUri, monaco } from '../../monaco/setup.js';
import { hasDocumentView, isDirty, useEditor, type Tab } from '../../stores/editor.js';
import { useGit } from '../../stores/git.js';
import { Viewer } from '../git/Viewer.js';
import { usePages } from '../../stores/pages.js';
import { LedgerView } from '../ledger/LedgerView.js';
import { DashboardView } from '../dashboard/DashboardView.js';
import { AddendumWizard } from '../wizards/AddendumWizard.js';
import { MergeView } from '../git/MergeView.js';
import { CrWizard } from '../wizards/CrWizard.js';
import { SowWizard } from '../wizards/SowWizard.js';
import { AdrList } from '../adrs/AdrList.js';
import { scheduleValidation, useWorkspace } from '../../stores/workspace.js';

const SEVERITY = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info } as const;

function toMarker(d: Diagnostic): monaco.editor.IMarkerData {
  const sameLine = d.endLine === d.line;
  return {
    startLineNumber: d.line,
    startColumn: d.column,
    endLineNumber: d.endLine,
    endColumn: sameLine && d.endColumn <= d.column ? d.column + 1 : d.endColumn,
    severity: SEVERITY[d.severity],
    message: d.message,
    code: d.code,
    source: 'Covenant',
  };
}

/** Puts the engine's diagnostics on every open model as markers (owner "covenant"). */
function applyMarkers(tabs: Tab[], diagnostics: Diagnostic[]): void {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file);
    if (list) list.push(d);
    else byFile.set(d.file, [d]);
  }
  for (const t of tabs) {
    const model = monaco.editor.getModel(modelUri(t.path));
    if (model) monaco.editor.setModelMarkers(model, 'covenant', (byFile.get(t.path) ?? []).map(toMarker));
  }
}

// Quick fixes (Ctrl+. or the light bulb) from the diagnostics that carry one: a misspelt field, a near-miss value, an id.
monaco.languages.registerCodeActionProvider('yaml', {
  provideCodeActions(model, range) {
    const path = model.uri.path.replace(/^\/workspace\//, '');
    const actions = useWorkspace
      .getState()
      .diagnostics.filter(
        (d) => d.file === path && d.fix && monaco.Range.areIntersectingOrTouching(range, new monaco.Range(d.line, d.column, d.endLine, d.endColumn)),
      )
      .map((d) => ({
        title: d.fix!.title,
        kind: 'quickfix',
        isPreferred: true,
        diagnostics: [toMarker(d)],
        edit: {
          edits: [
            {
              resource: model.uri,
              versionId: undefined,
              textEdit: { range: new monaco.Range(d.line, d.column, d.endLine, d.endColumn), text: d.fix!.replacement },
            },
          ],
        },
      }));
    return { actions, dispose: () => undefined };
  },
});

function language(path: string): string {
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.md$/i.test(path)) return 'markdown';
  return 'plaintext';
}

function TabBar() {
  const tabs = useEditor((s) => s.tabs);
  const active = useEditor((s) => s.active);
  const { activate, close } = useEditor.getState();
  const closeViewer = useGit((s) => s.closeViewer);
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t) => (
        <div
          key={t.path}
          role="tab"
          aria-selected={t.path === active}
          className={`tab${t.path === active ? ' active' : ''}`}
          data-testid="tab"
          data-path={t.path}
          title={t.path}
          onClick={() => {
            closeViewer();
            usePages.getState().close();
            activate(t.path);
          }}
        >
          <span>{t.path.slice(t.path.lastIndexOf('/') + 1)}</span>
          {isDirty(t) ? (
            <span className="tab-dirty" data-testid="tab-dirty" aria-label="unsaved changes">
              ●
            </span>
          ) : null}
          <button
            className="tab-close"
            aria-label={`Close ${t.path}`}
            onClick={(e) => {
              e.stopPropagation();
              close(t.path);
            }}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

function ConflictBanner({ tab }: { tab: Tab }) {
  const { reload, keepMine, save } = useEditor.getState();
  if (!tab.conflict) return null;
  const deleted = 'deleted' in tab.conflict;
  return (
    <div className="conflict" role="alert" data-testid="conflict">
      <span>{deleted ? `${tab.path} was deleted on disk. Your unsaved text is still here.` : `${tab.path} changed on disk while you were editing it.`}</span>
      {!deleted && <button onClick={() => void reload(tab.path).then(() => scheduleValidation(0))}>Reload from disk</button>}
      {!deleted && <button onClick={() => keepMine(tab.path)}>Keep mine</button>}
      <button onClick={() => void save(tab.path, true)}>{deleted ? 'Save mine again' : 'Overwrite with mine'}</button>
    </div>
  );
}

export function EditorArea() {
  const tabs = useEditor((s) => s.tabs);
  const active = useEditor((s) => s.active);
  const diagnostics = useWorkspace((s) => s.diagnostics);
  const tab = tabs.find((t) => t.path === active) ?? null;
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const viewer = useGit((s) => s.viewer);
  const page = usePages((s) => s.page);

  // A tab's text changed from outside the editor (reload from disk): bring the model along, keeping undo.
  useEffect(() => {
    for (const t of tabs) {
      const model = monaco.editor.getModel(modelUri(t.path));
      if (model && model.getValue() !== t.text) model.pushEditOperations([], [{ range: model.getFullModelRange(), text: t.text }], () => null);
    }
  }, [tabs]);

  useEffect(() => applyMarkers(tabs, diagnostics), [tabs, diagnostics, active]);

  // Close models of closed tabs so a later open starts from the disk text.
  useEffect(() => {
    const open = new Set(tabs.map((t) => modelUri(t.path).toString()));
    for (const model of monaco.editor.getModels()) if (model.uri.path.startsWith('/workspace/') && !open.has(model.uri.toString())) model.dispose();
  }, [tabs]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !tab?.reveal) return;
    editor.revealLineInCenter(tab.reveal.line);
    editor.setPosition({ lineNumber: tab.reveal.line, column: tab.reveal.column });
    editor.focus();
  }, [tab?.reveal?.seq, tab?.path]);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    // The app's shortcuts work inside the editor too.
    editor.onKeyDown((e) => {
      // the shortcuts marked inEditor in core/common/menu.ts; Monaco keeps the rest (Ctrl+/ comments a line)
      if (handleGlobalKey(e.browserEvent, true)) {
        e.preventDefault();
        e.stopPropagation();
      }
    });
    applyMarkers(useEditor.getState().tabs, useWorkspace.getState().diagnostics);
    const t = useEditor.getState().tabs.find((x) => x.path === useEditor.getState().active);
    if (t?.reveal) {
      editor.revealLineInCenter(t.reveal.line);
      editor.setPosition({ lineNumber: t.reveal.line, column: t.reveal.column });
    }
    // take the focus only when nobody else holds it (a file opening late must not steal the palette's keystrokes)
    const focused = document.activeElement;
    if (!focused || focused === document.body) editor.focus();
  };

  if (page) {
    return (
      <div className="editor-area">
        <TabBar />
        <div className="page-host">
          <div className="viewer-bar">
            <strong>
              {
                {
                  ledger: 'Ledger',
                  dashboard: 'Dashboard',
                  'cr-wizard': 'Change request wizard',
                  'sow-wizard': 'SOW wizard',
                  adrs: 'Decision records',
                  addendum: 'Addendum',
                  merge: 'Conflicts of the pull',
                }[page]
              }
            </strong>
            <span className="spacer" />
            <button onClick={() => runCommand('page.close')} title="Close (Esc)" data-testid="page-close">
              Close
            </button>
          </div>
          {page === 'ledger' ? (
            <LedgerView />
          ) : page === 'dashboard' ? (
            <DashboardView />
          ) : page === 'adrs' ? (
            <AdrList />
          ) : page === 'sow-wizard' ? (
            <SowWizard />
          ) : page === 'merge' ? (
            <MergeView />
          ) : page === 'addendum' ? (
            <AddendumWizard key={usePages.getState().addendumCr ?? ''} cr={usePages.getState().addendumCr ?? ''} />
          ) : (
            <CrWizard key={usePages.getState().editingCr ?? 'new'} presetSow={usePages.getState().presetSow} editing={usePages.getState().editingCr} />
          )}
        </div>
      </div>
    );
  }

  if (viewer) {
    return (
      <div className="editor-area">
        <TabBar />
        <Viewer viewer={viewer} />
      </div>
    );
  }

  if (!tab) {
    return (
      <div className="editor-area empty">
        <TabBar />
        <div className="editor-placeholder">
          <p>
            Open a file from the tree or with <kbd>{displayKeys('Mod+P', isMac)}</kbd>; every command is in the menus above and in the palette (
            <kbd>{displayKeys('Mod+Shift+P', isMac)}</kbd>).
          </p>
        </div>
      </div>
    );
  }

  if (tab.mode === 'document' && hasDocumentView(tab.path)) {
    return (
      <div className="editor-area">
        <TabBar />
        <ConflictBanner tab={tab} />
        <div className="document-host">
          <DocumentView tab={tab} />
        </div>
      </div>
    );
  }

  return (
    <div className="editor-area">
      <TabBar />
      <ConflictBanner tab={tab} />
      <div className="editor-host" data-testid="editor">
        <Editor
          path={modelUri(tab.path).toString()}
          defaultValue={tab.text}
          defaultLanguage={language(tab.path)}
          onMount={onMount}
          onChange={(value) => {
            useEditor.getState().edit(tab.path, value ?? '');
            scheduleValidation(150);
          }}
          options={{
            automaticLayout: true,
            minimap: { enabled: false },
            fontSize: 13,
            scrollBeyondLastLine: false,
            tabSize: 2,
            insertSpaces: true,
            wordBasedSuggestions: 'off',
            quickSuggestions: { other: true, comments: false, strings: true },
            renderWhitespace: 'boundary',
            fixedOverflowWidgets: true,
          }}
        />
      </div>
    </div>
  );
}
