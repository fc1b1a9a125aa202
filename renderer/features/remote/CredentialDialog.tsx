import { useEffect, useRef, useState } from 'react';
import { useRemote } from '../../stores/remote.js';

/**
 * Asks for the credentials of a shared repository when the server wants them: a user name and a password or access
 * token. They are used for this operation only, unless the desktop app may remember them (encrypted by the system
 * keychain); they never go into the repository or a log.
 */
export function CredentialDialog() {
  const request = useRemote((s) => s.credentialRequest);
  const canRemember = useRemote((s) => s.state?.canRemember ?? false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (request) {
      setPassword('');
      first.current?.focus();
    }
  }, [request]);
  if (!request) return null;
  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="cred-title"
        onSubmit={(e) => {
          e.preventDefault();
          if (username.trim() && password) request.answer({ username: username.trim(), password, ...(remember ? { remember } : {}) });
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') request.answer(null);
        }}
      >
        <h2 id="cred-title">Sign in to the shared repository</h2>
        <p className="page-note">{request.message}</p>
        <label>
          User name
          <input ref={first} value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" data-testid="cred-user" />
        </label>
        <label>
          Password or access token
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" data-testid="cred-password" />
        </label>
        {canRemember ? (
          <label className="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember on this computer (encrypted by the system
            keychain)
          </label>
        ) : (
          <p className="page-note">
            Used for this operation only. To stop being asked, use a git credential helper or set COVENANT_GIT_TOKEN where Covenant runs.
          </p>
        )}
        <div className="wizard-nav">
          <button type="submit" className="primary" disabled={!username.trim() || !password} data-testid="cred-submit">
            Sign in
          </button>
          <button type="button" onClick={() => request.answer(null)}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
