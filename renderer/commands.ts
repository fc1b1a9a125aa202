import { api } from './api/client.js';
import { useEditor } from './stores/editor.js';
import { usePages } from './stores/pages.js';
import { useUi } from './stores/ui.js';
import { useWorkspace } from './stores/workspace.js';

export interface Command {
  id: string;
  title: string;
  /** Shown in the palette, e.g. Ctrl+S. */
  keys?: string;
  /** Whether the command makes sense now (e.g. Save needs an open tab). */
  enabled?: () => boolean;
  run: () => unknown;
}

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
export const MOD = isMac ? 'Cmd' : 'Ctrl';

const hasWorkspace = () => useWorkspace.getState().workspace !== null;
const hasTab = () => useEditor.getState().active !== null;
/** The SOW open in the editor, so a change request started from it is linked to it. */
const sowOfActiveTab = () => {
  const m = /^contracts\/sow\/([^/]+)\.ya?ml$/.exec(useEditor.getState().active ?? '');
  return m ? m[1]! : null;
};

/** Asks for a folder: the native dialog in the desktop app, a typed path in browser mode. */
export async function askFolder(purpose: string): Promise<string | null> {
  if (useWorkspace.getState().mode === 'electron') {
    return api.call('workspace.pickFolder').catch(() => null);
  }
  const typed = window.prompt(`${purpose}: the folder's full path on this computer`);
  return typed && typed.trim() ? typed.trim() : null;
}

export const COMMANDS: Command[] = [
  { id: 'file.save', title: 'Save', keys: `${MOD}+S`, enabled: hasTab, run: () => useEditor.getState().save() },
  { id: 'file.saveAll', title: 'Save all', keys: `${MOD}+Alt+S`, enabled: () => useEditor.getState().dirtyCount() > 0, run: () => useEditor.getState().saveAll() },
  {
    id: 'file.close',
    title: 'Close editor tab',
    keys: 'Alt+W',
    enabled: hasTab,
    run: () => {
      const active = useEditor.getState().active;
      if (active) useEditor.getState().close(active);
    },
  },
  { id: 'new.sow', title: 'New SOW (drafting wizard)', enabled: hasWorkspace, run: () => usePages.getState().newSow() },
  { id: 'new.sowFile', title: 'New SOW from the template (YAML)', enabled: hasWorkspace, run: () => useWorkspace.getState().newFile('sow') },
  { id: 'new.cr', title: 'New change request (impact wizard)', enabled: hasWorkspace, run: () => usePages.getState().newChangeRequest(sowOfActiveTab()) },
  {
    id: 'cr.wizard',
    title: 'Open this change request in the impact wizard',
    enabled: () => /^contracts\/changes\/[^/]+\.ya?ml$/.test(useEditor.getState().active ?? ''),
    run: () => usePages.getState().editCr(useEditor.getState().active!),
  },
  { id: 'new.crFile', title: 'New change request from the template (YAML)', enabled: hasWorkspace, run: () => useWorkspace.getState().newFile('cr') },
  { id: 'new.adr', title: 'New decision record (ADR)', enabled: hasWorkspace, run: () => useWorkspace.getState().newFile('adr') },
  {
    id: 'workspace.openFolder',
    title: 'Open folder…',
    run: async () => {
      const root = await askFolder('Open a workspace');
      if (root) await useWorkspace.getState().open(root);
    },
  },
  {
    id: 'workspace.new',
    title: 'New workspace…',
    run: async () => {
      const root = await askFolder('Create a new workspace');
      if (root) await useWorkspace.getState().create(root);
    },
  },
  { id: 'workspace.example', title: 'Open the example workspace', run: () => useWorkspace.getState().openExample() },
  { id: 'workspace.close', title: 'Close workspace', enabled: hasWorkspace, run: () => useWorkspace.getState().close() },
  { id: 'view.dashboard', title: 'Show the compliance dashboard', enabled: hasWorkspace, run: () => usePages.getState().show('dashboard') },
  { id: 'view.adrs', title: 'Show the decision records (ADRs)', enabled: hasWorkspace, run: () => usePages.getState().show('adrs') },
  { id: 'view.ledger', title: 'Show the incentive ledger', enabled: hasWorkspace, run: () => usePages.getState().show('ledger') },
  { id: 'workspace.validate', title: 'Validate workspace now', enabled: hasWorkspace, run: () => useWorkspace.getState().validateNow() },
  {
    id: 'problems.errorsOnly',
    title: 'Problems: show errors only',
    enabled: hasWorkspace,
    run: () => useUi.getState().setProblemFilter({ severity: 'error' }),
  },
  {
    id: 'problems.all',
    title: 'Problems: show all',
    enabled: hasWorkspace,
    run: () => useUi.getState().setProblemFilter({ severity: 'all', file: '' }),
  },
];

export function runCommand(id: string): void {
  const cmd = COMMANDS.find((c) => c.id === id);
  if (cmd && (cmd.enabled?.() ?? true)) void cmd.run();
}

/** Global shortcuts (outside the editor; the editor registers the same ones). */
export function handleGlobalKey(e: KeyboardEvent): void {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  const key = e.key.toLowerCase();
  if (mod && e.shiftKey && key === 'p') {
    e.preventDefault();
    useUi.getState().setPalette(true);
  } else if (mod && e.altKey && key === 's') {
    e.preventDefault();
    runCommand('file.saveAll');
  } else if (mod && !e.shiftKey && key === 's') {
    e.preventDefault();
    runCommand('file.save');
  } else if (e.altKey && !mod && key === 'w') {
    e.preventDefault();
    runCommand('file.close');
  }
}
