import { useState } from 'react';
import { stringify } from 'yaml';
import { WHOLE_FILE, type MergeConflictEntry, type Take } from '../../../core/common/merge.js';
import { useRemote } from '../../stores/remote.js';
import { usePages } from '../../stores/pages.js';
import { isDirty, useEditor } from '../../stores/editor.js';

/** A field path in words: acceptance_criteria[AC3].target -> acceptance criteria › AC3 › target */
export function fieldWords(field: string): string {
  if (field === WHOLE_FILE) return 'the whole file';
  return field
    .replace(/\[([^\]]*)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((s) => s.replace(/_/g, ' '))
    .join(' › ');
}

const KIND: Record<MergeConflictEntry['kind'], string> = {
  'both-changed': 'Both sides changed it, differently.',
  'both-added': 'Both sides added it, with different content.',
  'deleted-by-me': 'You removed it; they changed it.',
  'deleted-by-them': 'They removed it; you changed it.',
};

const TAKEN: Record<Take, string> = { mine: 'kept mine', theirs: 'took theirs', edit: 'edited' };

/** A value as a person reads it: plain text for scalars, YAML for maps and lists, "(absent)" where there is none. */
function Value({ v, whole }: { v: unknown; whole: boolean }) {
  if (v === undefined) return <span className="merge-absent">{whole ? '(no such file)' : '(absent)'}</span>;
  const text = typeof v === 'string' ? v : v === null ? 'null' : typeof v === 'object' ? stringify(v).trimEnd() : String(v);
  return text.includes('\n') ? <pre className="merge-value">{text}</pre> : <code className="merge-value">{text}</code>;
}

function Conflict({ c }: { c: MergeConflictEntry }) {
  const whole = c.field === WHOLE_FILE;
  const [editing, setEditing] = useState(false);
  const startText = whole ? (c.draft ?? (typeof c.mine === 'string' ? c.mine : '')) : c.mine === undefined ? '' : stringify(c.mine).trimEnd();
  const [text, setText] = useState(startText);
  const resolve = useRemote((s) => s.resolve);
  const slug = c.key.replace(/[^A-Za-z0-9]+/g, '-');
  return (
    <section className={`merge-conflict${c.resolution ? ' resolved' : ''}`} data-testid={`conflict-${slug}`} aria-label={`${c.path}: ${fieldWords(c.field)}`}>
      <header>
        <strong>{fieldWords(c.field)}</strong> <span className="merge-key">{c.key}</span>
        <span className="spacer" />
        {c.resolution ? (
          <span className="merge-status ok" data-testid="conflict-status">
            Resolved: {TAKEN[c.resolution.take]}
          </span>
        ) : (
          <span className="merge-status open" data-testid="conflict-status">
            Open
          </span>
        )}
      </header>
      <p className="page-note">{KIND[c.kind]}</p>
      <dl className="merge-sides">
        <dt>Before (common version)</dt>
        <dd>
          <Value v={c.base} whole={whole} />
        </dd>
        <dt>Mine</dt>
        <dd>
          <Value v={c.mine} whole={whole} />
        </dd>
        <dt>Theirs</dt>
        <dd>
          <Value v={c.theirs} whole={whole} />
        </dd>
      </dl>
      <div className="merge-actions">
        <button onClick={() => void resolve(c.key, 'mine')} aria-pressed={c.resolution?.take === 'mine'}>
          Keep mine
        </button>
        <button onClick={() => void resolve(c.key, 'theirs')} aria-pressed={c.resolution?.take === 'theirs'}>
          Take theirs
        </button>
        <button onClick={() => setEditing(!editing)} aria-pressed={c.resolution?.take === 'edit'} aria-expanded={editing}>
          Edit…
        </button>
      </div>
      {editing && (
        <form
          className="merge-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void resolve(c.key, 'edit', text).then((ok) => ok && setEditing(false));
          }}
        >
          <label>
            {whole ? 'The file as it should be' : 'The value, as YAML (empty removes the field)'}
            <textarea value={text} onChange={(e) => setText(e.target.value)} rows={whole ? 14 : Math.min(10, Math.max(2, text.split('\n').length + 1))} />
          </label>
          <button type="submit" className="primary">
            Use this value
          </button>
        </form>
      )}
    </section>
  );
}

/**
 * The conflict view of a pull that waits for people: per conflicting field, the common version, mine and theirs, with
 * keep mine, take theirs or edit. Everything else of the pull is already in the files. Commit the merge when every
 * conflict is resolved; abort puts the files back as they were before the pull.
 */
export function MergeView() {
  const merge = useRemote((s) => s.state?.merge ?? null);
  const { continueMerge, abortMerge } = useRemote.getState();
  const [confirmAbort, setConfirmAbort] = useState(false);
  const [busy, setBusy] = useState(false);
  const tabs = useEditor((s) => s.tabs);
  const dirty = tabs.filter(isDirty).map((t) => t.path);
  if (!merge)
    return (
      <div className="page" data-testid="merge-view">
        <p>No pull is waiting to be merged.</p>
      </div>
    );
  const open = merge.conflicts.filter((c) => !c.resolution);
  const files = [...new Set(merge.conflicts.map((c) => c.path))];
  const run = async (action: () => Promise<boolean>) => {
    setBusy(true);
    const ok = await action();
    setBusy(false);
    if (ok) usePages.getState().close();
  };
  return (
    <div className="page merge-page" data-testid="merge-view">
      <p>
        Merging <strong>{merge.from}</strong> ({merge.theirs.slice(0, 7)}) into <strong>{merge.branch}</strong> ({merge.ours.slice(0, 7)}). Everything that
        merged cleanly is already in your files ({merge.touched.length} file{merge.touched.length === 1 ? '' : 's'}); your value stays in each conflicting field
        until you choose.
      </p>
      {files.map((f) => (
        <div key={f} className="merge-file">
          <h3>{f}</h3>
          {merge.conflicts
            .filter((c) => c.path === f)
            .map((c) => (
              <Conflict key={c.key} c={c} />
            ))}
        </div>
      ))}
      {dirty.length > 0 && <p className="page-warn">Unsaved edits in {dirty.join(', ')} are not part of the merge until saved.</p>}
      <div className="wizard-nav">
        <button className="primary" data-testid="merge-commit" disabled={open.length > 0 || busy} onClick={() => void run(continueMerge)}>
          Commit the merge
        </button>
        <span className="page-note" data-testid="merge-open">
          {open.length ? `${open.length} conflict${open.length === 1 ? '' : 's'} still open` : 'Every conflict is resolved.'}
        </span>
        <span className="spacer" />
        {confirmAbort ? (
          <span className="merge-confirm" role="group" aria-label="Abort the pull?">
            Every file the merge touched goes back to before the pull, and these choices are dropped.
            <button data-testid="merge-abort-confirm" disabled={busy} onClick={() => void run(abortMerge)}>
              Abort the pull
            </button>
            <button onClick={() => setConfirmAbort(false)}>Keep merging</button>
          </span>
        ) : (
          <button data-testid="merge-abort" onClick={() => setConfirmAbort(true)}>
            Abort the pull…
          </button>
        )}
      </div>
    </div>
  );
}
