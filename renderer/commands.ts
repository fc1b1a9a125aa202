import { api, ApiCallError } from './api/client.js';
import { commandForKey, displayKeys, shortcutOf } from '../core/common/menu.js';
import { isAbsolutePath } from '../core/common/paths.js';
import { BUNDLE_NAME_RE, classifyPath, idFromPath } from '../core/common/model/kinds.js';
import { todayIso } from '../core/common/dates.js';
import { supersedeAdr } from './features/adrs/AdrList.js';
import { useGit } from './stores/git.js';
import { useRemote } from './stores/remote.js';
import { askDialog, confirmDialog, useDialog } from './stores/dialog.js';
import { useEditor } from './stores/editor.js';
import { usePages } from './stores/pages.js';
import { useUi, type SidebarView } from './stores/ui.js';
import { scheduleValidation, useWorkspace } from './stores/workspace.js';
import type { Diagnostic } from '../core/common/diagnostics.js';

export interface Command {
  id: string;
  title: string;
  /** Shown in the palette, e.g. Ctrl+S (from SHORTCUTS). */
  keys?: string;
  /** Whether the command makes sense now (e.g. Save needs an open tab). */
  enabled?: () => boolean;
  run: () => unknown;
}

export const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

const hasWorkspace = () => useWorkspace.getState().workspace !== null;
const hasTab = () => useEditor.getState().active !== null;
/** The SOW open in the editor, so a change request started from it is linked to it. */
/** The id of the SOW, change request or decision record open in the editor, when the active tab is one of that kind. */
const activeId = (kind: 'sow' | 'cr' | 'adr', path = useEditor.getState().active ?? ''): string | null =>
  classifyPath(path) === kind ? idFromPath(path) : null;
const sowOfActiveTab = () => activeId('sow');

/** Asks for a folder: the native dialog in the desktop app, a typed path in browser mode. */
export async function askFolder(purpose: string): Promise<string | null> {
  if (useWorkspace.getState().mode === 'electron') {
    return api.call('workspace.pickFolder').catch(() => null);
  }
  const answer = await askDialog(
    purpose,
    [
      {
        name: 'path',
        label: "The folder's full path on this computer",
        placeholder: '/home/you/contracts',
        check: (v) =>
          isAbsolutePath(v.trim())
            ? null
            : `A full path is needed (starting with / or a drive letter), not "${v.trim()}": a relative one would depend on where Covenant was started.`,
      },
    ],
    { confirm: purpose.startsWith('Create') ? 'Create here' : 'Open' },
  );
  return answer ? answer.path!.trim() : null;
}

const isRepo = () => !!useGit.getState().state?.repository;
const hasOrigin = () => !!useRemote.getState().state?.origin;
const activeAdr = () => activeId('adr');
const keysOf = (id: string) => {
  const k = shortcutOf(id);
  return k ? displayKeys(k, isMac) : undefined;
};

const COMMAND_LIST: Omit<Command, 'keys'>[] = [
  { id: 'palette', title: 'Show all commands', run: () => useUi.getState().setPalette(true) },
  { id: 'file.quickOpen', title: 'Open a file…', enabled: hasWorkspace, run: () => useUi.getState().setPalette(true, true) },
  { id: 'help.shortcuts', title: 'Keyboard shortcuts', run: () => useUi.getState().setShortcuts(true) },
  { id: 'page.close', title: 'Close the page (back to the editor)', enabled: () => usePages.getState().page !== null, run: () => closePage() },
  { id: 'file.save', title: 'Save', enabled: hasTab, run: () => useEditor.getState().save() },
  { id: 'file.saveAll', title: 'Save all', enabled: () => useEditor.getState().dirtyCount() > 0, run: () => useEditor.getState().saveAll() },
  {
    id: 'file.close',
    title: 'Close editor tab',
    enabled: hasTab,
    run: () => {
      const active = useEditor.getState().active;
      if (active) void useEditor.getState().close(active);
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
    id: 'adr.supersede',
    title: 'Supersede this decision record (write the one that replaces it)',
    enabled: () => activeAdr() !== null,
    run: () => supersedeAdr(activeAdr()!),
  },
  { id: 'workspace.archive', title: 'Archive closed iterations… (a bundle: still validated and counted)', enabled: hasWorkspace, run: () => archiveClosed() },
  {
    id: 'ledger.add',
    title: 'Add a ledger entry (target and actual cost of a period)',
    enabled: hasWorkspace,
    run: () => usePages.getState().addLedgerEntry(),
  },
  {
    id: 'file.exportPdf',
    title: 'Export PDF… (the open SOW or change request, else the steering pack)',
    enabled: hasWorkspace,
    run: () => exportPdf('auto'),
  },
  { id: 'pdf.contract', title: 'Export PDF: the steering pack (whole contract)', enabled: hasWorkspace, run: () => exportPdf('contract') },
  { id: 'csv.ledger', title: 'Export the incentive ledger as CSV', enabled: hasWorkspace, run: () => exportCsv('ledger') },
  { id: 'csv.changes', title: 'Export the change request log as CSV', enabled: hasWorkspace, run: () => exportCsv('changes') },
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
  {
    id: 'view.toggleDocument',
    title: 'Switch between the document view and the YAML',
    enabled: hasTab,
    run: () => useEditor.getState().toggleDocument(),
  },
  {
    id: 'settings.documentFirst',
    title: 'Setting: open contract files as documents (for readers; YAML one click away) — on or off',
    run: () => {
      const on = !useUi.getState().documentFirst;
      useUi.getState().setLayout({ documentFirst: on });
      useUi.getState().notify('info', on ? 'Contract files now open as documents; the YAML is one click away.' : 'Contract files now open in the YAML editor.');
    },
  },
  { id: 'view.changes', title: 'Show the changes since the last commit', enabled: hasWorkspace, run: () => showSidebar('changes') },
  { id: 'view.history', title: 'Show the history (git log)', enabled: hasWorkspace, run: () => showSidebar('history') },
  {
    id: 'view.problems',
    title: 'Show or hide the Problems panel',
    enabled: hasWorkspace,
    run: () => useUi.getState().setLayout({ problemsCollapsed: !useUi.getState().problemsCollapsed }),
  },
  {
    id: 'git.commit',
    title: 'Commit… (review the changes and write the message)',
    enabled: hasWorkspace,
    run: () => {
      showSidebar('changes');
      requestAnimationFrame(() => document.getElementById('commit-message')?.focus());
    },
  },
  { id: 'remote.sync', title: 'Sync with the shared repository (pull, then push)', enabled: () => isRepo() && hasOrigin(), run: () => sync() },
  { id: 'remote.pull', title: 'Pull from the shared repository', enabled: () => isRepo() && hasOrigin(), run: () => useRemote.getState().pull() },
  { id: 'remote.push', title: 'Push to the shared repository', enabled: () => isRepo() && hasOrigin(), run: () => useRemote.getState().push() },
  { id: 'remote.fetch', title: 'Fetch: compare with the shared repository', enabled: () => isRepo() && hasOrigin(), run: () => useRemote.getState().fetch() },
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

export const COMMANDS: Command[] = COMMAND_LIST.map((c) => ({ ...c, keys: keysOf(c.id) }));

/** Why a command of the menus cannot run now, in words (shown as the disabled item's title). */
export function whyDisabled(id: string): string | undefined {
  if (['remote.sync', 'remote.pull', 'remote.push', 'remote.fetch'].includes(id))
    return isRepo() ? 'This repository has no shared repository (origin) to sync with.' : 'This workspace is not a git repository yet.';
  if (id === 'adr.supersede') return 'Open the decision record to supersede first.';
  if (id === 'cr.wizard' || id === 'cr.implement') return 'Open a change request first.';
  if (!hasWorkspace()) return 'Open a workspace first.';
  if (id === 'file.saveAll') return 'Nothing is unsaved.';
  if (id === 'page.close') return 'No page is open.';
  return 'Open a file first.';
}

function showSidebar(view: SidebarView): void {
  usePages.getState().close();
  useUi.getState().setSidebarView(view);
  useGit.getState().setHistoryOpen(view === 'history');
}

/** Pull, then push what is here and not there: one click for people who just want the shared contract up to date. */
async function sync(): Promise<void> {
  const outcome = await useRemote.getState().pull();
  if (!outcome || useRemote.getState().state?.merge) return;
  if ((useRemote.getState().state?.ahead ?? 0) > 0) await useRemote.getState().push();
}

/** Asks for a bundle and a date, shows what would move, and archives on confirmation. */
async function archiveClosed(): Promise<void> {
  const today = todayIso();
  const answer = await askDialog(
    'Archive closed iterations',
    [
      {
        name: 'bundle',
        label: 'Bundle name',
        placeholder: '2025-H1',
        check: (v) => (BUNDLE_NAME_RE.test(v.trim()) ? null : 'Letters, digits, dots, dashes or underscores, such as 2025-H1.'),
      },
      {
        name: 'before',
        label: 'Iterations that ended before (YYYY-MM-DD)',
        value: today,
        check: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? null : 'A date as YYYY-MM-DD.'),
      },
    ],
    {
      message: 'Their SOW files move to contracts/archive/<bundle>/sow/ with a summary. They are still validated and counted in every figure.',
      confirm: 'Show what moves',
    },
  );
  if (!answer) return;
  const args = { bundle: answer.bundle!.trim(), before: answer.before!.trim() };
  try {
    const plan = await api.call('archive.closed', { ...args, dryRun: true });
    const ids = plan.moves.map((m) => m.id);
    const sure = await confirmDialog(
      `Archive ${ids.length} iteration${ids.length === 1 ? '' : 's'}?`,
      `${ids.slice(0, 12).join(', ')}${ids.length > 12 ? ` and ${ids.length - 12} more` : ''} move to contracts/archive/${plan.bundle}/sow/, with ${plan.summaryPath}. Review and commit afterwards.`,
      'Archive them',
    );
    if (!sure) return;
    const done = await api.call('archive.closed', args);
    await useWorkspace.getState().refreshFiles();
    useUi
      .getState()
      .notify(
        'info',
        `Archived ${done.moves.length} iteration${done.moves.length === 1 ? '' : 's'} in ${done.summaryPath.replace(/\/README\.md$/, '/')}. Review and commit.`,
      );
  } catch (e) {
    useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
  }
}

/** The offset of a 1-based line and column in a text. */
function offsetAt(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) return text.length;
    at = nl + 1;
  }
  return Math.min(text.length, at + column - 1);
}

/**
 * Applies a diagnostic's quick fix to the file's editor buffer (opened if needed): an unsaved edit like any other, to
 * review and save; validated at once.
 */
export async function applyFix(d: Diagnostic): Promise<void> {
  if (!d.fix) return;
  await showFile(d.file, { line: d.line, column: d.column });
  const tab = useEditor.getState().tabs.find((t) => t.path === d.file);
  if (!tab) return;
  const start = offsetAt(tab.text, d.line, d.column);
  const end = offsetAt(tab.text, d.endLine, d.endColumn);
  useEditor.getState().edit(d.file, tab.text.slice(0, start) + d.fix.replacement + tab.text.slice(end));
  scheduleValidation(0);
}

/** Shows a file in the editor: a page over it closes first (a wizard with a draft asks). */
export async function showFile(path: string, at?: { line: number; column: number }): Promise<void> {
  if (usePages.getState().page) await closePage();
  if (usePages.getState().page) return;
  useGit.getState().closeViewer();
  await useEditor.getState().open(path, at);
}

/** Closes the page over the editor; a wizard with input asks first (its draft is not written anywhere yet). */
async function closePage(): Promise<void> {
  const page = usePages.getState().page;
  if (!page) return;
  if (
    (page === 'cr-wizard' || page === 'sow-wizard' || page === 'addendum') &&
    usePages.getState().draftTouched &&
    !(await confirmDialog(
      'Close the wizard?',
      'What you entered in this wizard is not written to any file yet. Close it and lose it?',
      'Close and discard',
      true,
    ))
  )
    return;
  usePages.getState().close();
}

/** Hands bytes to the browser as a download (Electron asks where to save it). */
function download(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Renders the PDF in the core and downloads it. */
async function exportPdf(which: 'auto' | 'contract'): Promise<void> {
  const active = usePages.getState().page ? '' : (useEditor.getState().active ?? '');
  const sow = activeId('sow', active);
  const cr = activeId('cr', active);
  const args =
    which === 'contract' || (!sow && !cr) ? { scope: 'contract' as const } : sow ? { scope: 'sow' as const, id: sow } : { scope: 'cr' as const, id: cr! };
  const preparing = useUi.getState().notify('info', `Preparing the PDF of ${args.scope === 'contract' ? 'the whole contract (steering pack)' : args.id}…`);
  try {
    const { filename, base64 } = await api.call('pdf.export', args);
    download(filename, new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'application/pdf' }));
  } catch (e) {
    useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
  } finally {
    useUi.getState().dismiss(preparing);
  }
}

/** The ledger or the change log as CSV, named after the commit it shows. */
async function exportCsv(table: 'ledger' | 'changes'): Promise<void> {
  try {
    const { filename, text } = await api.call('export.csv', { table });
    download(filename, new Blob([text], { type: 'text/csv;charset=utf-8' }));
  } catch (e) {
    useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
  }
}

export function runCommand(id: string): void {
  const cmd = COMMANDS.find((c) => c.id === id);
  if (cmd && (cmd.enabled?.() ?? true)) void cmd.run();
}

/** Something else is asking (a dialog, the palette, the sheet): its own keys win. */
const modalOpen = () => useDialog.getState().request !== null || useUi.getState().paletteOpen || useRemote.getState().credentialRequest !== null;

/** The app's shortcuts (SHORTCUTS in core/common/menu.ts); true when the key press ran a command. */
export function handleGlobalKey(e: KeyboardEvent, inEditor = false): boolean {
  const id = commandForKey(e, isMac, inEditor);
  if (!id) return false;
  if (id === 'page.close') {
    if (e.defaultPrevented || modalOpen()) return false;
    if (useUi.getState().shortcutsOpen) {
      useUi.getState().setShortcuts(false);
      return true;
    }
    if (!usePages.getState().page && !useGit.getState().viewer) return false;
    if (!usePages.getState().page) {
      useGit.getState().closeViewer();
      return true;
    }
  } else if (modalOpen()) return false;
  e.preventDefault();
  runCommand(id);
  return true;
}
