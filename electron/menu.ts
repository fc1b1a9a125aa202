import type { RecentWorkspace } from '../core/common/api.js';

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

/** The application menu: File, Edit, View, Help. Commands are run by the renderer, like the palette's. */
export function menuTemplate(recent: RecentWorkspace[], isMac: boolean): MenuItemSpec[] {
  const recentItems: MenuItemSpec[] = recent.length
    ? recent.map((r) => ({ label: `${r.name} — ${r.root}`, command: `open-recent:${r.root}` }))
    : [{ label: 'No recent workspaces', enabled: false }];
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
    {
      label: 'File',
      submenu: [
        { label: 'New Workspace…', command: 'workspace.new' },
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', command: 'workspace.openFolder' },
        { label: 'Open Recent', submenu: recentItems },
        { label: 'Open Example Workspace', command: 'workspace.example' },
        { label: 'Close Workspace', command: 'workspace.close' },
        { type: 'separator' },
        { label: 'New SOW', command: 'new.sow' },
        { label: 'New Change Request', command: 'new.cr' },
        { label: 'New Decision Record', command: 'new.adr' },
        { type: 'separator' },
        { label: 'Save', accelerator: 'CmdOrCtrl+S', command: 'file.save' },
        { label: 'Save All', accelerator: 'CmdOrCtrl+Alt+S', command: 'file.saveAll' },
        { type: 'separator' },
        { label: 'Export PDF…', accelerator: 'CmdOrCtrl+Shift+E', command: 'file.exportPdf' },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: 'View',
      submenu: [
        { label: 'Command Palette…', accelerator: 'CmdOrCtrl+Shift+P', command: 'palette' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Help', submenu: [{ label: 'About Covenant', role: 'about' }] },
  ];
}
