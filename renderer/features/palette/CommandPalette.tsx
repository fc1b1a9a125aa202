import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { COMMANDS, showFile } from '../../commands.js';
import { useUi } from '../../stores/ui.js';
import { useWorkspace } from '../../stores/workspace.js';

interface Item {
  id: string;
  title: string;
  keys?: string;
  run: () => unknown;
}

/** Subsequence match ("nsow" finds "New SOW"); lower score is better. */
function score(text: string, query: string): number | null {
  if (!query) return 0;
  const t = text.toLowerCase();
  const q = query.toLowerCase();
  const direct = t.indexOf(q);
  if (direct !== -1) return direct;
  let pos = -1;
  let gaps = 0;
  for (const ch of q) {
    const next = t.indexOf(ch, pos + 1);
    if (next === -1) return null;
    gaps += next - pos - 1;
    pos = next;
  }
  return 100 + gaps;
}

export function CommandPalette() {
  const open = useUi((s) => s.paletteOpen);
  const filesOnly = useUi((s) => s.paletteFiles);
  const files = useWorkspace((s) => s.files);
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  // Focus before the next keystroke arrives, so nothing typed after the shortcut lands in the editor.
  useLayoutEffect(() => {
    if (open) {
      setQuery('');
      setIndex(0);
      input.current?.focus();
    }
  }, [open]);

  const items = useMemo(() => {
    const commands: Item[] = filesOnly
      ? []
      : COMMANDS.filter((c) => c.id !== 'palette' && (c.enabled?.() ?? true)).map((c) => ({ id: c.id, title: c.title, keys: c.keys, run: c.run }));
    const fileItems: Item[] = files.map((f) => ({
      id: `open:${f.path}`,
      title: filesOnly ? f.path : `Open ${f.path}`,
      run: () => showFile(f.path),
    }));
    return [...commands, ...fileItems]
      .map((item) => ({ item, s: score(item.title, query) }))
      .filter((x): x is { item: Item; s: number } => x.s !== null)
      .sort((a, b) => a.s - b.s)
      .slice(0, 50)
      .map((x) => x.item);
  }, [files, query, open, filesOnly]);

  if (!open) return null;
  const close = () => useUi.getState().setPalette(false);
  const run = (item: Item | undefined) => {
    close();
    if (item) void item.run();
  };

  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div
        className="palette"
        role="dialog"
        aria-label={filesOnly ? 'Open a file' : 'Command palette'}
        data-testid="palette"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <input
          ref={input}
          autoFocus
          value={query}
          placeholder={filesOnly ? 'Type part of a file name' : 'Type a command or a file name'}
          aria-label={filesOnly ? 'File name' : 'Command'}
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') {
              e.preventDefault();
              setIndex((i) => Math.min(i + 1, items.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setIndex((i) => Math.max(i - 1, 0));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              run(items[index]);
            }
          }}
        />
        <ul role="listbox">
          {items.map((item, i) => (
            <li
              key={item.id}
              role="option"
              aria-selected={i === index}
              className={i === index ? 'selected' : ''}
              onMouseEnter={() => setIndex(i)}
              onClick={() => run(item)}
            >
              <span>{item.title}</span>
              {item.keys && <kbd>{item.keys}</kbd>}
            </li>
          ))}
          {items.length === 0 && <li className="palette-empty">{filesOnly ? 'No file matches.' : 'No command or file matches.'}</li>}
        </ul>
      </div>
    </div>
  );
}
