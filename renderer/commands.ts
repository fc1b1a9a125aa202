import { api, ApiCallError } from './api/client.js';
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
  {
    id: 'file.saveAll',
    title: 'Save all',
    keys: `${MOD}+Alt+S`,
    enabled: () => useEditor.getState().dirtyCount() > 0,
    run: () => useEditor.getState().saveAll(),
  },
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
  {
    id: 'cr.implement',
    title: 'Implement this change request (write and apply its addendum)',
    enabled: () => /^contracts\/changes\/CR-\d+\.ya?ml$/.test(useEditor.getState().active ?? ''),
    run: () => usePages.getState().implementCr(/(CR-\d+)\.ya?ml$/.exec(useEditor.getState().active!)![1]!),
  },
  { id: 'new.crFile', title: 'New change request from the template (YAML)', enabled: hasWorkspace, run: () => useWorkspace.getState().newFile('cr') },
  { id: 'new.adr', title: 'New decision record (ADR)', enabled: hasWorkspace, run: () => useWorkspace.getState().newFile('adr') },
  {
    id: 'file.exportPdf',
    title: 'Export PDF… (the open SOW or change request, else the whole contract)',
    keys: `${MOD}+Shift+E`,
    enabled: hasWorkspace,
    run: () => exportPdf('auto'),
  },
  { id: 'pdf.contract', title: 'Export PDF: whole contract', enabled: hasWorkspace, run: () => exportPdf('contract') },
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

/** Renders the PDF in the core and hands it to the browser as a download (Electron asks where to save it). */
async function exportPdf(which: 'auto' | 'contract'): Promise<void> {
  const active = useEditor.getState().active ?? '';
  const sow = /^contracts\/sow\/([^/]+)\.ya?ml$/.exec(active)?.[1];
  const cr = /^contracts\/changes\/([^/]+)\.ya?ml$/.exec(active)?.[1];
  const args =
    which === 'contract' || (!sow && !cr) ? { scope: 'contract' as const } : sow ? { scope: 'sow' as const, id: sow } : { scope: 'cr' as const, id: cr! };
  try {
    useUi.getState().notify('info', 'Preparing the PDF…');
    const { filename, base64 } = await api.call('pdf.export', args);
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
  }
}

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
  } else if (mod && e.shiftKey && key === 'e') {
    e.preventDefault();
    runCommand('file.exportPdf');
  } else if (e.altKey && !mod && key === 'w') {
    e.preventDefault();
    runCommand('file.close');
  }
}
