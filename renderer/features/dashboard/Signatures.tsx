/**
 * Signatures as the dashboard shows them: a document's decision in the words `covenant verify` uses, each signature
 * judged, and "Sign as…" (approve, reject or withdraw) with a member's key file. One set of words: core/common/approvals.ts.
 */
import { useState } from 'react';
import { STATUS_WORDS } from '../../../core/common/approvals.js';
import type { Signatures } from '../../../core/common/compliance.js';
import { usePages } from '../../stores/pages.js';

export function SignatureCell({ sig, due }: { sig: Signatures; due?: string | null }) {
  return (
    <>
      {sig.required !== null && <div data-testid="approval-words">{sig.words}</div>}
      {sig.checks.map((a) => (
        <div key={a.index} className={a.status === 'holds' ? '' : 'gate-stopped'} title={a.message} data-testid="approval-check" data-status={a.status}>
          {a.status === 'holds' ? '✓' : '✗'} {a.member}
          {a.role ? ` as ${a.role}` : ''}
          {a.outcome === 'approved' ? '' : ` (${a.outcome})`}
          {a.status === 'holds' ? '' : ` — ${STATUS_WORDS[a.status]}`}
        </div>
      ))}
      {sig.awaited.length > 0 && (
        <div className="muted">
          from {sig.awaited.join(', ')}
          {due ? ` by ${due}` : ''}
        </div>
      )}
      {sig.checks.length === 0 && sig.required === null && <span className="muted">—</span>}
    </>
  );
}

/** "Sign as …": the member, the decision, the key file on this computer and its passphrase (read for this one signature, never kept). */
export function ApproveAs({ id, sig, label = 'Approve as…' }: { id: string; sig: Signatures; label?: string }) {
  const approve = usePages((s) => s.approveAs);
  const [open, setOpen] = useState(false);
  const [member, setMember] = useState(sig.awaited[0] ?? '');
  const [outcome, setOutcome] = useState<'approve' | 'reject' | 'withdraw'>('approve');
  const [keyPath, setKeyPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  if (sig.outcome) return null; // decided: nothing left to sign
  if (!open)
    return (
      <button onClick={() => setOpen(true)} data-testid="approve-as">
        {label}
      </button>
    );
  return (
    <form
      className="approve-form"
      aria-label={`Sign ${id}`}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        void approve(id, member.trim(), keyPath.trim(), passphrase, outcome).then((ok) => {
          setBusy(false);
          setPassphrase('');
          if (ok) setOpen(false);
        });
      }}
    >
      <input aria-label="Member" placeholder="member id" value={member} onChange={(e) => setMember(e.target.value)} />
      <select aria-label="Decision" value={outcome} onChange={(e) => setOutcome(e.target.value as typeof outcome)} data-testid="approve-outcome">
        <option value="approve">approve</option>
        <option value="reject">reject</option>
        {id !== 'master' && <option value="withdraw">withdraw</option>}
      </select>
      <input aria-label="Key file" placeholder="~/.ssh/id_ed25519 (full path)" value={keyPath} onChange={(e) => setKeyPath(e.target.value)} />
      <input aria-label="Passphrase" type="password" placeholder="passphrase, if any" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      <button type="submit" disabled={busy || !member.trim() || !keyPath.trim()} data-testid="approve-sign">
        Sign and commit
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

/** Whose signatures count, and the master's own approval by its parties. */
export function TrustBlock({ trust }: { trust: { label: string; basis: string; master: Signatures | null } }) {
  return (
    <div data-testid="trust-root">
      <p>
        Signatures count from <strong>{trust.label}</strong>.
      </p>
      {trust.master && trust.master.required !== null && (
        <div className="record-gate">
          <span>Master contract: </span>
          <SignatureCell sig={trust.master} />
          <ApproveAs id="master" sig={trust.master} label="Approve the master as…" />
        </div>
      )}
    </div>
  );
}
