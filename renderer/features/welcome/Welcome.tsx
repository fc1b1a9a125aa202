import { useState } from 'react';
import { askFolder } from '../../commands.js';
import { useWorkspace } from '../../stores/workspace.js';

export function Welcome() {
  const recent = useWorkspace((s) => s.recent);
  const mode = useWorkspace((s) => s.mode);
  const { open, create, openExample } = useWorkspace.getState();
  const [folder, setFolder] = useState('');

  return (
    <main className="welcome" data-testid="welcome">
      <h1>Covenant</h1>
      <p className="tagline">
        Living contracts: the master agreement, iteration SOWs, change requests and decision records, validated as you type and kept in git.
      </p>
      <div className="welcome-actions">
        <button className="primary" onClick={() => void openExample()} data-testid="open-example">
          Open the example workspace
        </button>
        {mode === 'electron' ? (
          <>
            <button onClick={() => void askFolder('Open').then((root) => (root ? open(root) : false))}>Open folder…</button>
            <button onClick={() => void askFolder('New workspace').then((root) => (root ? create(root) : false))}>New workspace…</button>
          </>
        ) : (
          <form
            className="folder-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (folder.trim()) void open(folder.trim());
            }}
          >
            <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/path/to/contract-repository" aria-label="Folder path" />
            <button type="submit">Open folder</button>
            <button type="button" onClick={() => folder.trim() && void create(folder.trim())}>
              New workspace here
            </button>
          </form>
        )}
      </div>
      {recent.length > 0 && (
        <section className="recent">
          <h2>Recent</h2>
          <ul>
            {recent.map((r) => (
              <li key={r.root}>
                <button onClick={() => void open(r.root)} title={r.root}>
                  <strong>{r.name}</strong> <span>{r.root}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
