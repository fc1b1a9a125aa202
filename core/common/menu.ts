// The one model of the app's actions as people see them: the menus (Electron's native menu and the browser's app bar),
// the toolbar's buttons, and every keyboard shortcut. The renderer's commands give each id its behaviour; a test checks
// that every id here has one.

/** A shortcut in a platform-neutral form: `Mod` is Ctrl, or Cmd on macOS. */
export interface Shortcut {
  command: string;
  keys: string;
  /** Also while typing in the YAML editor (Monaco keeps its own keys otherwise, such as Ctrl+/ for a comment). */
  inEditor?: boolean;
  /** Only for the sheet: a key the editor or a dialog handles itself. */
  describeOnly?: string;
}

/** Every shortcut, defined once: the key handler, the menus, the palette and the shortcut sheet read this list. */
export const SHORTCUTS: Shortcut[] = [
  { command: 'palette', keys: 'Mod+Shift+P', inEditor: true },
  { command: 'file.quickOpen', keys: 'Mod+P', inEditor: true },
  { command: 'file.save', keys: 'Mod+S', inEditor: true },
  { command: 'file.saveAll', keys: 'Mod+Alt+S', inEditor: true },
  { command: 'file.close', keys: 'Alt+W', inEditor: true },
  { command: 'file.exportPdf', keys: 'Mod+Shift+E', inEditor: true },
  { command: 'workspace.openFolder', keys: 'Mod+O', inEditor: true },
  { command: 'view.toggleDocument', keys: 'Mod+Shift+V', inEditor: true },
  { command: 'view.changes', keys: 'Mod+Shift+G', inEditor: true },
  { command: 'view.problems', keys: 'Mod+Shift+M', inEditor: true },
  { command: 'help.shortcuts', keys: 'Mod+/' },
  { command: 'page.close', keys: 'Escape' },
  { command: 'editor.comment', keys: 'Mod+/', describeOnly: 'Comment or uncomment the line (in the YAML editor)' },
  { command: 'editor.suggest', keys: 'Mod+Space', describeOnly: 'Suggest a value from the schema (in the YAML editor)' },
];

export interface MenuEntry {
  /** A command id of the renderer, or `separator`. */
  command: string;
  label?: string;
}

export interface Menu {
  label: string;
  items: MenuEntry[];
}

const SEP: MenuEntry = { command: 'separator' };

/** The application's menus, in order. Electron adds its platform roles (Edit, zoom, quit, recent workspaces) around these. */
export const APP_MENUS: Menu[] = [
  {
    label: 'File',
    items: [
      { command: 'workspace.new', label: 'New Workspace…' },
      { command: 'workspace.openFolder', label: 'Open Folder…' },
      { command: 'workspace.example', label: 'Open Example Workspace' },
      { command: 'workspace.close', label: 'Close Workspace' },
      SEP,
      { command: 'file.quickOpen', label: 'Open File…' },
      { command: 'file.save', label: 'Save' },
      { command: 'file.saveAll', label: 'Save All' },
      { command: 'file.close', label: 'Close Tab' },
      SEP,
      { command: 'file.exportPdf', label: 'Export PDF…' },
      { command: 'pdf.contract', label: 'Export Steering Pack (PDF)' },
      { command: 'csv.ledger', label: 'Export Ledger (CSV)' },
      { command: 'csv.changes', label: 'Export Change Log (CSV)' },
    ],
  },
  {
    label: 'Contract',
    items: [
      { command: 'new.sow', label: 'New SOW…' },
      { command: 'new.cr', label: 'New Change Request…' },
      { command: 'new.adr', label: 'New Decision Record' },
      SEP,
      { command: 'ledger.add', label: 'Add Ledger Entry…' },
      { command: 'cr.wizard', label: 'Open Change in the Impact Wizard' },
      { command: 'cr.implement', label: 'Implement Change Request…' },
      { command: 'adr.supersede', label: 'Supersede Decision Record…' },
      { command: 'workspace.archive', label: 'Archive Closed Iterations…' },
      SEP,
      { command: 'view.dashboard', label: 'Dashboard' },
      { command: 'view.ledger', label: 'Incentive Ledger' },
      { command: 'view.adrs', label: 'Decision Records' },
      { command: 'workspace.validate', label: 'Validate Now' },
    ],
  },
  {
    label: 'Git',
    items: [
      { command: 'git.commit', label: 'Commit…' },
      { command: 'view.changes', label: 'Changes' },
      { command: 'view.history', label: 'History' },
      SEP,
      { command: 'remote.sync', label: 'Sync (Pull, then Push)' },
      { command: 'remote.pull', label: 'Pull' },
      { command: 'remote.push', label: 'Push' },
      { command: 'remote.fetch', label: 'Fetch' },
    ],
  },
  {
    label: 'View',
    items: [
      { command: 'palette', label: 'Command Palette…' },
      { command: 'view.toggleDocument', label: 'Document / YAML' },
      { command: 'settings.documentFirst', label: 'Open Files as Documents (Reader Setting)' },
      { command: 'view.problems', label: 'Problems Panel' },
      { command: 'problems.errorsOnly', label: 'Errors Only' },
      { command: 'problems.all', label: 'All Problems' },
    ],
  },
  {
    label: 'Help',
    items: [{ command: 'help.shortcuts', label: 'Keyboard Shortcuts' }],
  },
];

/** The buttons always in sight in the app bar: the main jobs, one click each. */
export const TOOLBAR: MenuEntry[] = [
  { command: 'new.sow', label: 'New SOW' },
  { command: 'new.cr', label: 'New change' },
  { command: 'new.adr', label: 'New decision' },
  { command: 'file.exportPdf', label: 'Export PDF' },
  { command: 'git.commit', label: 'Commit' },
  { command: 'remote.sync', label: 'Sync' },
  { command: 'workspace.openFolder', label: 'Open folder' },
];

/** The shortcut of a command, if it has one (the first listed wins). */
export function shortcutOf(command: string): string | undefined {
  return SHORTCUTS.find((s) => s.command === command && !s.describeOnly)?.keys;
}

/** A shortcut as the platform writes it: "Ctrl+Shift+P" or "Cmd+Shift+P". */
export function displayKeys(keys: string, mac: boolean): string {
  return keys.replace(/\bMod\b/g, mac ? 'Cmd' : 'Ctrl').replace(/\bEscape\b/, 'Esc');
}

/** Electron's accelerator for a shortcut. */
export function accelerator(keys: string): string {
  return keys.replace(/\bMod\b/g, 'CmdOrCtrl');
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  code?: string;
}

/** Whether a key press is the given shortcut (exact modifiers; letters by their key, not the keyboard layout's code). */
export function matches(keys: string, e: KeyPress, mac: boolean): boolean {
  const parts = keys.split('+');
  const main = parts.pop()!;
  const want = new Set(parts);
  const mod = mac ? e.metaKey : e.ctrlKey;
  const other = mac ? e.ctrlKey : e.metaKey;
  if (want.has('Mod') !== mod || other || want.has('Shift') !== e.shiftKey || want.has('Alt') !== e.altKey) {
    // Mod+/ on many layouts needs Shift to type "/": accept it when the key itself is "/"
    if (!(main === '/' && want.has('Mod') === mod && !other && want.has('Alt') === e.altKey && e.key === '/')) return false;
  }
  // with Alt, macOS types a symbol for a letter: read the physical key then
  if (/^[A-Z]$/.test(main)) return e.key.toUpperCase() === main || e.code === `Key${main}`;
  if (main === 'Space') return e.key === ' ' || e.code === 'Space';
  return e.key === main;
}

/** The command a key press runs, if any. */
export function commandForKey(e: KeyPress, mac: boolean, inEditor = false): string | null {
  for (const s of SHORTCUTS) {
    if (s.describeOnly || (inEditor && !s.inEditor)) continue;
    if (matches(s.keys, e, mac)) return s.command;
  }
  return null;
}
