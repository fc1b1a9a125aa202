import { MiddlePath } from '../../components/MiddlePath.js';
import { applyFix, showFile } from '../../commands.js';
import { useMemo } from 'react';
import type { Diagnostic, Severity } from '../../../core/common/diagnostics.js';
import { countDiagnostics } from '../../../core/common/diagnostics.js';
import { useUi, type ProblemSortKey } from '../../stores/ui.js';
import { useWorkspace } from '../../stores/workspace.js';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const MAX_ROWS = 1000;

function compare(key: ProblemSortKey, a: Diagnostic, b: Diagnostic): number {
  switch (key) {
    case 'severity':
      return RANK[a.severity] - RANK[b.severity] || a.file.localeCompare(b.file) || a.line - b.line;
    case 'code':
      return a.code.localeCompare(b.code) || a.file.localeCompare(b.file) || a.line - b.line;
    case 'message':
      return a.message.localeCompare(b.message);
    default:
      return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
  }
}

export function ProblemsPanel() {
  const diagnostics = useWorkspace((s) => s.diagnostics);
  const filter = useUi((s) => s.problemFilter);
  const sort = useUi((s) => s.problemSort);
  const { setProblemFilter, sortProblems, setLayout } = useUi.getState();
  const collapsed = useUi((s) => s.problemsCollapsed);
  const height = useUi((s) => s.problemsHeight);
  /** Dragging the top edge resizes the panel (kept for next time); the editor keeps at least 120 px. */
  const startResize = (e: React.PointerEvent) => {
    e.preventDefault();
    const startY = e.clientY;
    const start = height;
    const max = Math.max(120, window.innerHeight - 240);
    const move = (m: PointerEvent) => setLayout({ problemsHeight: Math.min(max, Math.max(80, start + startY - m.clientY)), problemsCollapsed: false });
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const counts = countDiagnostics(diagnostics);

  const rows = useMemo(() => {
    const needle = filter.file.trim().toLowerCase();
    const list = diagnostics.filter((d) => (filter.severity === 'all' || d.severity === filter.severity) && (!needle || d.file.toLowerCase().includes(needle)));
    list.sort((a, b) => (sort.ascending ? 1 : -1) * compare(sort.key, a, b));
    return list;
  }, [diagnostics, filter, sort]);

  const header = (key: ProblemSortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.ascending ? 'ascending' : 'descending') : 'none'}>
      <button onClick={() => sortProblems(key)}>
        {label}
        {sort.key === key ? (sort.ascending ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );

  return (
    <section className={`problems${collapsed ? ' collapsed' : ''}`} aria-label="Problems" data-testid="problems">
      <div
        className="problems-resize"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the Problems panel"
        aria-valuenow={height}
        tabIndex={0}
        data-testid="problems-resize"
        onPointerDown={startResize}
        onKeyDown={(e) => {
          if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
            e.preventDefault();
            setLayout({ problemsHeight: Math.max(80, height + (e.key === 'ArrowUp' ? 20 : -20)), problemsCollapsed: false });
          }
        }}
      />
      <header className="problems-header">
        <button
          className="problems-toggle"
          aria-expanded={!collapsed}
          data-testid="problems-toggle"
          title={collapsed ? 'Show the Problems panel' : 'Hide the Problems panel'}
          onClick={() => setLayout({ problemsCollapsed: !collapsed })}
        >
          {collapsed ? '▸' : '▾'}
        </button>
        <strong>Problems</strong>
        <span className="count error">
          {counts.errors} error{counts.errors === 1 ? '' : 's'}
        </span>
        <span className="count warning">
          {counts.warnings} warning{counts.warnings === 1 ? '' : 's'}
        </span>
        <span className="count info">{counts.infos} info</span>
        <span className="spacer" />
        <label>
          Severity{' '}
          <select value={filter.severity} onChange={(e) => setProblemFilter({ severity: e.target.value as Severity | 'all' })} data-testid="severity-filter">
            <option value="all">all</option>
            <option value="error">errors</option>
            <option value="warning">warnings</option>
            <option value="info">info</option>
          </select>
        </label>
        <input
          type="search"
          placeholder="Filter by file"
          value={filter.file}
          onChange={(e) => setProblemFilter({ file: e.target.value })}
          data-testid="file-filter"
        />
      </header>
      <div className="problems-body">
        {rows.length === 0 ? (
          <p className="problems-empty">{diagnostics.length === 0 ? 'No problems: every contract file validates clean.' : 'No problems match the filter.'}</p>
        ) : (
          <table>
            <thead>
              <tr>
                {header('severity', 'Severity')}
                {header('file', 'File')}
                {header('code', 'Rule')}
                {header('message', 'Message')}
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, MAX_ROWS).map((d, i) => (
                <tr
                  key={`${d.file}:${d.line}:${d.column}:${d.code}:${i}`}
                  data-testid="problem-row"
                  data-code={d.code}
                  data-file={d.file}
                  onClick={() => void showFile(d.file, { line: d.line, column: d.column })}
                >
                  <td>
                    <span className={`sev ${d.severity}`}>{d.severity}</span>
                  </td>
                  <td className="mono problem-where">
                    <MiddlePath path={`${d.file}:${d.line}:${d.column}`} />
                  </td>
                  <td className="mono">{d.code}</td>
                  <td>
                    {d.message}
                    {d.fix && (
                      <button
                        className="quick-fix"
                        data-testid="quick-fix"
                        title="Apply in the editor (an unsaved edit to review and save)"
                        onClick={(e) => {
                          e.stopPropagation();
                          void applyFix(d);
                        }}
                      >
                        {d.fix.title}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {rows.length > MAX_ROWS && <p className="problems-more">{rows.length - MAX_ROWS} more: narrow the filter to see them.</p>}
      </div>
    </section>
  );
}
