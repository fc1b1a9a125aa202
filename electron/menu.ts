import type { RecentWorkspace } from '../core/common/api.js';
import { accelerator, APP_MENUS, shortcutOf, SHORTCUTS, type Menu } from '../core/common/menu.js';

/** A menu item as data (a subset of Electron's MenuItemConstructorOptions), built without Electron. */
export interface MenuItemSpec {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu' | 'normal';
  accelerator?: string;
  /** A renderer command id (see renderer/commands.ts) or an action of the main process. */
  command?: string;
  submenu?: MenuItemSpec[];
  enabled?: boolean;
}

/**
 * One of the shared menus as Electron items. Only shortcuts that hold everywhere become accelerators: a menu
 * accelerator would take Esc from every field and Ctrl+/ from the YAML editor (where it comments a line).
 */
function fromModel(menu: Menu): MenuItemSpec[] {
  return menu.items.map((item) => {
    if (item.command === 'separator') return { type: 'separator' };
    const keys = shortcutOf(item.command);
    const everywhere = SHORTCUTS.some((s) => s.command === item.command && s.inEditor);
    return { label: item.label, command: item.command, ...(keys && everywhere ? { accelerator: accelerator(keys) } : {}) };
  });
}

/**
 * The application menu: the shared menus of core/common/menu.ts (the browser's app bar shows the same), with the
 * platform's roles added: Edit, zoom, full screen, quit, and the recent workspaces.
 */
export function menuTemplate(recent: RecentWorkspace[], isMac: boolean): MenuItemSpec[] {
  const recentItems: MenuItemSpec[] = recent.length
    ? recent.map((r) => ({ label: `${r.name} — ${r.root}`, command: `open-recent:${r.root}` }))
    : [{ label: 'No recent workspaces', enabled: false }];
  const shared = new Map(APP_MENUS.map((m) => [m.label, fromModel(m)]));
  const file = shared.get('File')!;
  const openAt = file.findIndex((i) => i.command === 'workspace.openFolder');
  file.splice(openAt + 1, 0, { label: 'Open Recent', submenu: recentItems });
  return [
    ...(isMac
      ? [
          {
            label: 'Covenant',
            submenu: [
              { role: 'about' },
              { type: 'separator' as const },
              { role: 'hide' },
              { role: 'hideOthers' },
              { type: 'separator' as const },
              { role: 'quit' },
            ],
          },
        ]
      : []),
    { label: 'File', submenu: [...file, { type: 'separator' }, isMac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    { label: 'Contract', submenu: shared.get('Contract')! },
    { label: 'Git', submenu: shared.get('Git')! },
    {
      label: 'View',
      submenu: [
        ...shared.get('View')!,
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Help', submenu: [...shared.get('Help')!, { label: 'About Covenant', role: 'about' }] },
  ];
}
