import { useEffect, useState } from 'react';
import type { ContractDocument, DocBlock, DocStatus } from '../../../core/common/document.js';
import { api, ApiCallError } from '../../api/client.js';
import { isDirty, useEditor, type Tab } from '../../stores/editor.js';
import { useWorkspace } from '../../stores/workspace.js';

const STATUS_TEXT: Record<DocStatus, string> = {
  met: 'met',
  unmet: 'unmet',
  unverified: 'unverified',
  pending: 'pending',
  missing: 'missing',
  passed: 'passed',
  failed: 'failed',
  minor: 'minor',
  major: 'major',
  unknown: 'unknown',
};

function Status({ status }: { status: DocStatus }) {
  return (
    <span className={`doc-status ${status}`} data-status={status}>
      {STATUS_TEXT[status]}
    </span>
  );
}

function FileLink({ path, present = true, children }: { path: string; present?: boolean; children?: React.ReactNode }) {
  const open = useEditor((s) => s.open);
  const known = useWorkspace((s) => s.files.some((f) => f.path === path));
  if (!present) return <span className="doc-missing">{children ?? path} (missing)</span>;
  return known ? (
    <button className="link" onClick={() => void open(path)}>
      {children ?? path}
    </button>
  ) : (
    <span>{children ?? path}</span>
  );
}

function Block({ block }: { block: DocBlock }) {
  switch (block.type) {
    case 'fields':
      return (
        <dl className="doc-fields">
          {block.rows.map((r, i) => (
            <div key={`${r.label}-${i}`} className="doc-field">
              <dt title={r.hint}>{r.label}</dt>
              <dd>{r.value}</dd>
            </div>
          ))}
        </dl>
      );
    case 'list':
      return (
        <ul className="doc-list">
          {block.items.map((x, i) => (
            <li key={i}>{x}</li>
          ))}
        </ul>
      );
    case 'table':
      return (
        <table className="grid doc-table">
          <thead>
            <tr>
              {block.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {block.rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'checks':
      return (
        <ul className="doc-checks">
          {block.items.map((x) => (
            <li key={x.label} data-testid="doc-check" data-label={x.label} data-status={x.status}>
              <Status status={x.status} />
              <div>
                <strong>{x.label}</strong> {x.text}
                <div className="doc-detail">
                  {x.detail}
                  {x.evidence && (
                    <>
                      {' · evidence: '}
                      <FileLink path={x.evidence.path} present={x.evidence.present} />
                    </>
                  )}
                </div>
              </div>
            </li>
          ))}
        </ul>
      );
    case 'links':
      return (
        <ul className="doc-checks">
          {block.items.map((x) => (
            <li key={x.path}>
              {x.status && <Status status={x.status} />}
              <div>
                <FileLink path={x.path}>{x.label}</FileLink> <span className="doc-detail">{x.detail}</span>
              </div>
            </li>
          ))}
        </ul>
      );
    case 'note':
      return <p className={`doc-note ${block.tone ?? ''}`}>{block.text}</p>;
  }
}

/**
 * A contract file as a document, read from the model: the schema's titles, and the evidence behind each status.
 * Editing stays in the YAML and the wizards (one click away); unsaved edits are shown, and it says so.
 */
export function DocumentView({ tab }: { tab: Tab }) {
  const [doc, setDoc] = useState<ContractDocument | null>(null);
  const [error, setError] = useState<string | null>(null);
  const diagnostics = useWorkspace((s) => s.diagnostics);
  const dirty = isDirty(tab);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api
        .call('document.get', dirty ? { path: tab.path, unsaved: { [tab.path]: tab.text } } : { path: tab.path })
        .then((d) => {
          if (!live) return;
          setDoc(d);
          setError(null);
        })
        .catch((e) => live && setError(e instanceof ApiCallError ? e.message : String(e)));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [tab.path, tab.text, dirty, diagnostics]);
  if (error)
    return (
      <div className="document" data-testid="document-view">
        <p className="doc-note warn">{error}</p>
      </div>
    );
  if (!doc || doc.path !== tab.path) return <div className="document">Reading {tab.path}…</div>;
  return (
    <article className="document" data-testid="document-view" lang="en">
      <header className="doc-header">
        <h1>{doc.title}</h1>
        <p className="doc-subtitle">{doc.subtitle}</p>
        <p className={`doc-shows${dirty ? ' unsaved' : ''}`} data-testid="document-shows">
          {doc.shows}.{' '}
          <button className="link" onClick={() => useEditor.getState().toggleDocument('yaml')}>
            Edit the YAML
          </button>
        </p>
      </header>
      {doc.sections.map((s) => (
        <section key={s.title} className="doc-section" data-testid="doc-section">
          <h2 title={s.hint}>{s.title}</h2>
          {s.hint && <p className="doc-hint">{s.hint}</p>}
          {s.blocks.map((b, i) => (
            <Block key={i} block={b} />
          ))}
        </section>
      ))}
    </article>
  );
}
