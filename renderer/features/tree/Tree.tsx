import { showFile } from '../../commands.js';
import { useMemo, useState } from 'react';
import type { FileEntry } from '../../../core/common/api.js';
import type { Diagnostic } from '../../../core/common/diagnostics.js';
import type { FileKind } from '../../../core/common/model/kinds.js';
import { useEditor, isDirty } from '../../stores/editor.js';
import { useWorkspace } from '../../stores/workspace.js';

// every kind of contract file has its group (the compiler says when a new kind has none), in this order
const KIND_TITLES: Record<FileKind, string> = {
  master: 'Master',
  sow: 'SOWs',
  cr: 'Change requests',
  addendum: 'Addenda',
  adr: 'ADRs',
  ledger: 'Ledger',
  result: 'Results',
  defects: 'Defects',
};
const GROUPS: { key: string; title: string; match: (f: FileEntry) => boolean }[] = [
  ...(Object.entries(KIND_TITLES) as [FileKind, string][]).map(([key, title]) => ({ key, title, match: (f: FileEntry) => f.kind === key })),
  { key: 'other', title: 'Other files', match: (f) => f.kind === null },
];

function countsByFile(diagnostics: Diagnostic[]): Map<string, { errors: number; warnings: number }> {
  const out = new Map<string, { errors: number; warnings: number }>();
  for (const d of diagnostics) {
    const c = out.get(d.file) ?? { errors: 0, warnings: 0 };
    if (d.severity === 'error') c.errors++;
    else if (d.severity === 'warning') c.warnings++;
    out.set(d.file, c);
  }
  return out;
}

/** Natural order: CR-2 before CR-10. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function Tree() {
  const files = useWorkspace((s) => s.files);
  const diagnostics = useWorkspace((s) => s.diagnostics);
  const active = useEditor((s) => s.active);
  const tabs = useEditor((s) => s.tabs);
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({ other: true });
  const counts = useMemo(() => countsByFile(diagnostics), [diagnostics]);
  const dirty = useMemo(() => new Set(tabs.filter(isDirty).map((t) => t.path)), [tabs]);
  const groups = useMemo(() => GROUPS.map((g) => ({ ...g, files: files.filter(g.match).sort((a, b) => collator.compare(a.path, b.path)) })), [files]);

  return (
    <nav className="tree" aria-label="Workspace files">
      {groups.map((g) => {
        const errors = g.files.reduce((n, f) => n + (counts.get(f.path)?.errors ?? 0), 0);
        const isCollapsed = collapsed[g.key] ?? false;
        return (
          <section key={g.key} className="tree-group" data-group={g.key}>
            <button className="tree-group-title" aria-expanded={!isCollapsed} onClick={() => setCollapsed((c) => ({ ...c, [g.key]: !isCollapsed }))}>
              <span className="chevron">{isCollapsed ? '▸' : '▾'}</span>
              {g.title}
              <span className="tree-group-count">{g.files.length}</span>
              {errors > 0 && (
                <span className="badge error" title={`${errors} errors`}>
                  {errors}
                </span>
              )}
            </button>
            {!isCollapsed && (
              <ul>
                {g.files.length === 0 && <li className="tree-empty">none yet</li>}
                {g.files.map((f) => {
                  const c = counts.get(f.path);
                  // results are named by their SOW folder too: SPRINT-07/qa_signoff--20251020T100000Z.yaml
                  const name =
                    g.key === 'other' ? f.path : g.key === 'result' ? f.path.split('/').slice(-2).join('/') : f.path.slice(f.path.lastIndexOf('/') + 1);
                  return (
                    <li key={f.path}>
                      <button
                        className={`tree-item${f.path === active ? ' active' : ''}`}
                        data-testid="tree-item"
                        data-path={f.path}
                        title={f.path}
                        onClick={() => void showFile(f.path)}
                      >
                        <span className="tree-name">
                          {name}
                          {dirty.has(f.path) && (
                            <span className="dirty-dot" aria-label="unsaved">
                              {' '}
                              ●
                            </span>
                          )}
                        </span>
                        {c && c.errors > 0 && (
                          <span className="badge error" data-testid="error-count" title={`${c.errors} error${c.errors === 1 ? '' : 's'}`}>
                            {c.errors}
                          </span>
                        )}
                        {c && c.warnings > 0 && (
                          <span className="badge warning" data-testid="warning-count" title={`${c.warnings} warning${c.warnings === 1 ? '' : 's'}`}>
                            {c.warnings}
                          </span>
                        )}
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        );
      })}
    </nav>
  );
}
