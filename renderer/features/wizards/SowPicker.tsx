import { useMemo, useState } from 'react';
import type { SowChoice } from '../../../core/common/api.js';

const PAGE = 30;

/**
 * Picks the SOWs a change links to among hundreds: a search box, the chosen ones as chips, current iterations first
 * (then closed, then archived, newest first), and only the first matches rendered.
 */
export function SowPicker({ choices, value, onChange }: { choices: SowChoice[]; value: string[]; onChange: (v: string[]) => void }) {
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(PAGE);
  const ordered = useMemo(
    () =>
      [...choices].sort(
        (a, b) => Number(b.active) - Number(a.active) || Number(a.archived) - Number(b.archived) || b.start.localeCompare(a.start) || a.id.localeCompare(b.id),
      ),
    [choices],
  );
  const q = query.trim().toLowerCase();
  const matches = useMemo(
    () => (q ? ordered.filter((c) => c.id.toLowerCase().includes(q) || (c.title ?? '').toLowerCase().includes(q)) : ordered),
    [ordered, q],
  );
  const toggle = (id: string) => onChange(value.includes(id) ? value.filter((x) => x !== id) : [...value, id]);
  return (
    <div className="sow-picker" data-testid="sow-picker">
      <div className="chips">
        {value.map((id) => (
          <span className="chip" key={id}>
            {id}
            <button type="button" aria-label={`Unlink ${id}`} onClick={() => toggle(id)}>
              ×
            </button>
          </span>
        ))}
        {value.length === 0 && <span className="muted">none linked yet</span>}
      </div>
      <input
        type="search"
        aria-label="Search SOWs"
        placeholder={`Search ${choices.length} SOWs by id or title`}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setShown(PAGE);
        }}
        onKeyDown={(e) => {
          // Enter links the first match: type "08", press Enter
          if (e.key === 'Enter') {
            e.preventDefault();
            const first = matches.find((c) => !value.includes(c.id));
            if (first) toggle(first.id);
          }
        }}
      />
      <ul className="sow-choices" role="listbox" aria-multiselectable="true" aria-label="SOWs">
        {matches.slice(0, shown).map((c) => (
          <li key={c.id} role="option" aria-selected={value.includes(c.id)} data-testid="sow-choice" data-sow={c.id}>
            <label className="check">
              <input type="checkbox" checked={value.includes(c.id)} onChange={() => toggle(c.id)} />
              <strong>{c.id}</strong>
              {c.title && <span> {c.title}</span>}
              <span className="muted">
                {' '}
                {c.start} to {c.end}
                {c.archived ? ' · archived' : c.active ? ' · current' : ' · closed'}
              </span>
            </label>
          </li>
        ))}
        {matches.length === 0 && <li className="muted">No SOW matches “{query}”.</li>}
      </ul>
      {matches.length > shown && (
        <button type="button" className="link" onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, matches.length - shown)} more of {matches.length - shown}
        </button>
      )}
    </div>
  );
}
