import { MiddlePath } from '../../components/MiddlePath.js';
import { showFile } from '../../commands.js';
import { useMemo, useState } from 'react';
import type { FileEntry } from '../../../core/common/api.js';
import type { Diagnostic } from '../../../core/common/diagnostics.js';
import { isArchived, type FileKind } from '../../../core/common/model/kinds.js';
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
  ...(Object.entries(KIND_TITLES) as [FileKind, string][]).map(([key, title]) => ({
    key,
    title,
    match: (f: FileEntry) => f.kind === key && !isArchived(f.path),
  })),
  // closed iterations bundled away: still validated and counted, out of the way
  { key: 'archive', title: 'Archive', match: (f) => isArchived(f.path) },
  { key: 'other', title: 'Other files', match: (f) => f.kind === null && !isArchived(f.path) },
];

/** How a file is named in its group: short, and unique within it. */
function nameIn(group: string, path: string): string {
  if (group === 'other') return path;
  if (group === 'result') return path.split('/').slice(-2).join('/');
  if (group === 'archive') {
    const rest = path.slice('contracts/archive/'.length);
    return rest.endsWith('/README.md') ? `${rest.slice(0, -'/README.md'.length)} — summary` : rest.replace('/sow/', ' / ');
  }
  return path.slice(path.lastIndexOf('/') + 1);
}

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
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({ other: true, archive: true });
  const [filter, setFilter] = useState('');
  const counts = useMemo(() => countsByFile(diagnostics), [diagnostics]);
  const dirty = useMemo(() => new Set(tabs.filter(isDirty).map((t) => t.path)), [tabs]);
  const sorted = useMemo(
    () =>
      GROUPS.map((g) => ({ ...g, files: files.filter(g.match).sort((a, b) => collator.compare(a.path, b.path)) })).filter(
        (g) => g.key !== 'archive' || g.files.length > 0, // the Archive group appears once something is archived
      ),
    [files],
  );
  const needle = filter.trim().toLowerCase();
  // while filtering, only matching files show, every group with a match open, the others hidden
  const groups = useMemo(
    () =>
      needle ? sorted.map((g) => ({ ...g, files: g.files.filter((f) => f.path.toLowerCase().includes(needle)) })).filter((g) => g.files.length > 0) : sorted,
    [sorted, needle],
  );

  return (
    <nav className="tree" aria-label="Workspace files">
      <div className="tree-filter">
        <input
          type="search"
          value={filter}
          placeholder={`Filter ${files.length} files`}
          aria-label="Filter files"
          data-testid="tree-filter"
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filter) {
              e.stopPropagation();
              setFilter('');
            }
          }}
        />
      </div>
      {needle && groups.length === 0 && <p className="tree-empty">No file name contains “{filter.trim()}”.</p>}
      {groups.map((g) => {
        const errors = g.files.reduce((n, f) => n + (counts.get(f.path)?.errors ?? 0), 0);
        const isCollapsed = needle ? false : (collapsed[g.key] ?? false);
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
                  const name = nameIn(g.key, f.path);
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
                          <MiddlePath path={name} />
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
