import { useEffect, useRef, useState } from 'react';
import { APP_MENUS, TOOLBAR, type Menu } from '../../../core/common/menu.js';
import { COMMANDS, runCommand, whyDisabled } from '../../commands.js';
import { hasDocumentView, useEditor } from '../../stores/editor.js';
import { useGit } from '../../stores/git.js';
import { usePages } from '../../stores/pages.js';
import { useRemote } from '../../stores/remote.js';
import { useUi } from '../../stores/ui.js';
import { useWorkspace } from '../../stores/workspace.js';

const byId = new Map(COMMANDS.map((c) => [c.id, c]));
const enabled = (id: string) => byId.get(id)?.enabled?.() ?? true;

/** Re-renders when anything a command's `enabled` reads changes. */
function useCommandState() {
  useWorkspace((s) => s.workspace);
  useEditor((s) => s.active);
  useEditor((s) => s.tabs.filter((t) => t.text !== t.savedText).length);
  useGit((s) => s.state);
  useRemote((s) => s.state);
  usePages((s) => s.page);
}

function MenuButton({ menu, open, setOpen }: { menu: Menu; open: boolean; setOpen: (label: string | null) => void }) {
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (open) list.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
  }, [open]);
  return (
    <div className="appbar-menu">
      <button
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid={`menu-${menu.label.toLowerCase()}`}
        onClick={() => setOpen(open ? null : menu.label)}
        onMouseEnter={(e) => {
          // moving along the bar while a menu is open opens the next one, as menus do
          if ((e.currentTarget.closest('.appbar') as HTMLElement | null)?.dataset.menuOpen === 'true') setOpen(menu.label);
        }}
      >
        {menu.label}
      </button>
      {open && (
        <ul
          className="menu-list"
          role="menu"
          aria-label={menu.label}
          ref={list}
          onKeyDown={(e) => {
            const items = [...(list.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
            const at = items.indexOf(document.activeElement as HTMLButtonElement);
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
            } else if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(null);
            }
          }}
        >
          {menu.items.map((item, i) =>
            item.command === 'separator' ? (
              <li key={`sep-${i}`} role="separator" />
            ) : (
              <li key={item.command} role="none">
                <button
                  role="menuitem"
                  disabled={!enabled(item.command)}
                  title={enabled(item.command) ? byId.get(item.command)?.title : whyDisabled(item.command)}
                  data-command={item.command}
                  onClick={() => {
                    setOpen(null);
                    runCommand(item.command);
                  }}
                >
                  <span>{item.label}</span>
                  {byId.get(item.command)?.keys && <kbd>{byId.get(item.command)!.keys}</kbd>}
                </button>
              </li>
            ),
          )}
        </ul>
      )}
    </div>
  );
}

/** Document or YAML for the active contract file: the reader's view, with the YAML one click away. */
function ViewSwitch() {
  const tab = useEditor((s) => s.tabs.find((t) => t.path === s.active));
  const page = usePages((s) => s.page);
  if (!tab || page || !hasDocumentView(tab.path)) return null;
  return (
    <div className="view-switch" role="group" aria-label="Show the file as">
      {(['document', 'yaml'] as const).map((mode) => (
        <button key={mode} aria-pressed={tab.mode === mode} data-testid={`show-${mode}`} onClick={() => useEditor.getState().toggleDocument(mode)}>
          {mode === 'document' ? 'Document' : 'YAML'}
        </button>
      ))}
    </div>
  );
}

/**
 * The app bar: the menus (the same model as the desktop app's native menu; shown in browser mode, where there is no
 * native one) and the main jobs as buttons, always in sight.
 */
export function AppBar() {
  useCommandState();
  const mode = useWorkspace((s) => s.mode);
  const workspace = useWorkspace((s) => s.workspace);
  const [open, setOpen] = useState<string | null>(null);
  const bar = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (!bar.current?.contains(e.target as Node)) setOpen(null);
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [open]);
  return (
    <header className="appbar" ref={bar} data-menu-open={open !== null} data-testid="appbar">
      <span className="appbar-brand">Covenant</span>
      {mode === 'browser' && (
        <nav className="appbar-menus" aria-label="Menus">
          {APP_MENUS.map((menu) => (
            <MenuButton key={menu.label} menu={menu} open={open === menu.label} setOpen={setOpen} />
          ))}
        </nav>
      )}
      <div className="appbar-tools" role="toolbar" aria-label="Main actions">
        {TOOLBAR.filter((t) => workspace || enabled(t.command)).map((t) => (
          <button
            key={t.command}
            data-testid={`tool-${t.command}`}
            disabled={!enabled(t.command)}
            title={
              enabled(t.command)
                ? `${byId.get(t.command)?.title ?? t.label}${byId.get(t.command)?.keys ? ` (${byId.get(t.command)!.keys})` : ''}`
                : whyDisabled(t.command)
            }
            onClick={() => runCommand(t.command)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <span className="spacer" />
      <ViewSwitch />
      <button className="appbar-help" aria-label="Keyboard shortcuts and help" title="Keyboard shortcuts" onClick={() => useUi.getState().setShortcuts(true)}>
        ?
      </button>
    </header>
  );
}
