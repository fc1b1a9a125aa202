import { useState } from 'react';
import { askFolder } from '../../commands.js';
import { confirmDialog } from '../../stores/dialog.js';
import { isAbsolutePath } from '../../../core/common/paths.js';
import { useWorkspace } from '../../stores/workspace.js';
import { useRemote } from '../../stores/remote.js';
import { progressText } from '../remote/RemoteStatus.js';

/** Clone a shared contract: its URL, and the new folder it goes into (suggested from the URL's last part). */
function CloneForm() {
  const mode = useWorkspace((s) => s.mode);
  const busy = useRemote((s) => s.busy);
  const [url, setUrl] = useState('');
  const [folder, setFolder] = useState('');
  const name = (url.replace(/\/+$/, '').split('/').pop() ?? '').replace(/\.git$/, '');
  const urlOk = /^https?:\/\/[^/]+\/.+/.test(url.trim());
  const absolute = isAbsolutePath(folder.trim());
  const why = !url.trim()
    ? null
    : !urlOk
      ? 'The address starts with https:// (or http://) and names a repository. SSH addresses (git@…) are not supported; use the HTTPS one.'
      : folder.trim() && !absolute
        ? 'Give the full path of the new folder, for example /home/you/contracts/' + (name || 'contract') + '.'
        : null;
  return (
    <section className="clone" aria-labelledby="clone-title">
      <h2 id="clone-title">Clone a shared contract</h2>
      <form
        className="folder-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (urlOk && absolute) void useRemote.getState().clone(url.trim(), folder.trim());
        }}
      >
        <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://git.example.com/team/contract.git" aria-label="Repository URL" />
        <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder={`/full/path/to/new/${name || 'folder'}`} aria-label="New folder" />
        {mode === 'electron' && (
          <button type="button" onClick={() => void askFolder('Clone into').then((root) => root && setFolder(name ? `${root}/${name}` : root))}>
            Choose…
          </button>
        )}
        <button type="submit" disabled={!urlOk || !absolute || !!busy} data-testid="clone">
          Clone
        </button>
      </form>
      {why && (
        <p className="field-error" role="alert">
          {why}
        </p>
      )}
      {busy?.op === 'clone' && (
        <p role="status" data-testid="clone-progress">
          {progressText(busy)}
        </p>
      )}
    </section>
  );
}

export function Welcome() {
  const recent = useWorkspace((s) => s.recent);
  const mode = useWorkspace((s) => s.mode);
  const { open, create, openExample } = useWorkspace.getState();
  const [folder, setFolder] = useState('');
  const [tried, setTried] = useState(false);
  const typed = folder.trim();
  const folderProblem = !typed
    ? 'Type the full path of a folder.'
    : isAbsolutePath(typed)
      ? null
      : `"${typed}" is not a full path: start it with / (or a drive letter).`;
  const createHere = async () => {
    setTried(true);
    if (folderProblem) return;
    const sure = await confirmDialog(
      'Create a new workspace?',
      `A new contract workspace and git repository is created in ${typed}, with the master contract and the folders for SOWs, changes and decisions.`,
      'Create the workspace',
    );
    if (sure) await create(typed);
  };

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
              setTried(true);
              if (!folderProblem) void open(typed);
            }}
          >
            <input
              value={folder}
              onChange={(e) => setFolder(e.target.value)}
              placeholder="/path/to/contract-repository"
              aria-label="Folder path"
              aria-invalid={tried && !!folderProblem}
            />
            <button type="submit">Open folder</button>
            <button type="button" onClick={() => void createHere()}>
              New workspace here…
            </button>
            {tried && folderProblem && (
              <p className="field-error" role="alert" data-testid="folder-problem">
                {folderProblem}
              </p>
            )}
          </form>
        )}
      </div>
      <CloneForm />
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
