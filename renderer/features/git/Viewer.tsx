import { DiffEditor, Editor } from '@monaco-editor/react';
import { useGit, type Viewer as ViewerModel } from '../../stores/git.js';

function language(path: string): string {
  return /\.ya?ml$/i.test(path) ? 'yaml' : /\.md$/i.test(path) ? 'markdown' : 'plaintext';
}

/** A diff (Monaco's diff editor) or a read-only file at a commit, over the editor area. */
export function Viewer({ viewer }: { viewer: ViewerModel }) {
  const close = useGit((s) => s.closeViewer);
  const restore = useGit((s) => s.restore);
  return (
    <div className="viewer" data-testid="viewer" data-kind={viewer.kind}>
      <div className="viewer-bar">
        <strong>{viewer.title}</strong>
        <span className="spacer" />
        {viewer.kind === 'snapshot' && <button onClick={() => void restore(viewer.oid, viewer.path)}>Restore this version</button>}
        <button onClick={close} aria-label="Close the view">
          Close
        </button>
      </div>
      <div className="viewer-body">
        {viewer.kind === 'diff' ? (
          <DiffEditor
            original={viewer.original}
            modified={viewer.modified}
            language={language(viewer.path)}
            options={{ readOnly: true, renderSideBySide: true, automaticLayout: true, minimap: { enabled: false } }}
          />
        ) : (
          <Editor
            value={viewer.text}
            language={language(viewer.path)}
            path={`snapshot://${viewer.oid}/${viewer.path}`}
            options={{ readOnly: true, automaticLayout: true, minimap: { enabled: false } }}
          />
        )}
      </div>
    </div>
  );
}
