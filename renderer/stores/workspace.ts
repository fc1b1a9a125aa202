import { create } from 'zustand';
import type { FileEntry, RecentWorkspace, SnapshotDelta, TemplateKind, WorkspaceInfo } from '../../core/common/api.js';
import type { Diagnostic } from '../../core/common/diagnostics.js';
import { confirmDialog } from './dialog.js';
import { api, ApiCallError } from '../api/client.js';
import { onBuffersDropped, useEditor } from './editor.js';
import { useGit } from './git.js';
import { useRemote } from './remote.js';
import { useUi } from './ui.js';

interface WorkspaceState {
  booted: boolean;
  workspace: WorkspaceInfo | null;
  files: FileEntry[];
  diagnostics: Diagnostic[];
  /** Contract files validated in the last run. */
  validatedFiles: number;
  recent: RecentWorkspace[];
  mode: 'electron' | 'browser';
  /** A validation of the whole workspace has been running for a while: the figures shown are not final yet. */
  indexing: boolean;
  /** The git history is still being read (a first opening of a long one): what comes from it follows. */
  historyIndexing: boolean;
  boot(): Promise<void>;
  open(root: string): Promise<boolean>;
  create(root: string): Promise<boolean>;
  openExample(): Promise<boolean>;
  close(): Promise<void>;
  pickAndOpen(): Promise<void>;
  refreshFiles(): Promise<void>;
  validateNow(): Promise<void>;
  newFile(kind: TemplateKind): Promise<void>;
  /** Applies what changed on disk (from the watcher's event) without asking the core again. */
  applyDelta(delta: SnapshotDelta): void;
}

function report(e: unknown): void {
  // 'no-workspace' only reaches here from calls still on their way when the workspace was closed
  if (e instanceof ApiCallError && e.error.reason === 'no-workspace') return;
  useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
}

let validationSeq = 0;
/** The saved files' diagnostics (the snapshot's): from validations without buffers and from every delta. Shown as
 * they are the moment the last unsaved buffer is discarded. */
let savedDiagnostics: Diagnostic[] | null = null;

function merged(base: Diagnostic[], delta: SnapshotDelta): Diagnostic[] {
  const changed = new Set(Object.keys(delta.diagnostics));
  const out = [...base.filter((d) => !changed.has(d.file)), ...Object.values(delta.diagnostics).flat()];
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}
let timer: ReturnType<typeof setTimeout> | null = null;

/** Re-validates the workspace with unsaved buffers, `delay` ms after the last call (typing). */
export function scheduleValidation(delay = 150): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    void useWorkspace.getState().validateNow();
  }, delay);
}

/** A workspace opens on the unsaved work left from a crash, if any (with a diff), else on its master contract. */
async function openStartFile(): Promise<void> {
  const root = useWorkspace.getState().workspace?.root;
  const known = new Set(useWorkspace.getState().files.map((f) => f.path));
  if (root) await useEditor.getState().restoreTabs(root, (p) => known.has(p));
  const restored = await useEditor.getState().restoreBackups();
  if (restored.length) scheduleValidation(0);
  const first = restored.find((b) => b.baseMatches);
  if (first) {
    useGit.setState({
      viewer: {
        kind: 'diff',
        title: `${first.path}: on disk ↔ your unsaved changes (restored)`,
        path: first.path,
        original: first.disk?.text ?? '',
        modified: first.text,
      },
    });
  }
  const { files } = useWorkspace.getState();
  const editor = useEditor.getState();
  const master = files.find((f) => f.kind === 'master');
  if (master && editor.tabs.length === 0) await editor.open(master.path);
  useEditor.setState({ session: root ?? null });
}

/** Makes the workspace a call opened the current one: fresh tabs, files and problems. */
async function adopt(opening: () => Promise<WorkspaceInfo>): Promise<boolean> {
  try {
    const workspace = await opening();
    useEditor.setState({ tabs: [], active: null, session: null });
    savedDiagnostics = null;
    useWorkspace.setState({ workspace, diagnostics: [] });
    const { refreshFiles, validateNow } = useWorkspace.getState();
    await Promise.all([refreshFiles(), validateNow(), useGit.getState().refresh(), useRemote.getState().refresh()]);
    await openStartFile();
    return true;
  } catch (e) {
    report(e);
    return false;
  }
}

export const useWorkspace = create<WorkspaceState>((set, get) => ({
  booted: false,
  workspace: null,
  files: [],
  diagnostics: [],
  validatedFiles: 0,
  recent: [],
  mode: 'browser',
  indexing: false,
  historyIndexing: false,

  async boot() {
    try {
      const [info, workspace, recent] = await Promise.all([api.call('app.info'), api.call('workspace.current'), api.call('workspace.recent')]);
      set({ mode: info.mode, workspace, recent });
      if (workspace) {
        await Promise.all([get().refreshFiles(), get().validateNow(), useGit.getState().refresh(), useRemote.getState().refresh()]);
        await openStartFile();
      }
    } catch (e) {
      report(e);
    } finally {
      set({ booted: true });
    }
  },

  open: (root) => adopt(() => api.call('workspace.open', { root })),
  create: (root) => adopt(() => api.call('workspace.create', { root })),
  openExample: () => adopt(() => api.call('workspace.openExample')),
  async close() {
    const editor = useEditor.getState();
    const dirty = editor.dirtyCount();
    if (
      dirty > 0 &&
      !(await confirmDialog(
        'Discard unsaved changes?',
        `${dirty} file${dirty === 1 ? ' has' : 's have'} unsaved changes. Close the workspace and discard them?`,
        'Discard and close',
        true,
      ))
    )
      return;
    try {
      await api.call('workspace.close');
      useEditor.setState({ tabs: [], active: null, session: null });
      savedDiagnostics = null;
      set({ workspace: null, files: [], diagnostics: [], validatedFiles: 0, recent: await api.call('workspace.recent') });
    } catch (e) {
      report(e);
    }
  },

  async pickAndOpen() {
    try {
      const root = await api.call('workspace.pickFolder');
      if (root) await get().open(root);
    } catch (e) {
      report(e);
    }
  },

  async refreshFiles() {
    try {
      set({ files: await api.call('files.list') });
    } catch (e) {
      report(e);
    }
  },

  async validateNow() {
    if (!get().workspace) return;
    const seq = ++validationSeq;
    // a run that takes a while (opening a large workspace) shows "Indexing…"; a quick one never flickers
    const slow = setTimeout(() => seq === validationSeq && set({ indexing: true }), 250);
    try {
      const overlays = useEditor.getState().overlays();
      const result = await api.call('workspace.validate', { overlays });
      if (seq !== validationSeq) return;
      if (Object.keys(overlays).length === 0) savedDiagnostics = result.diagnostics;
      set({ diagnostics: result.diagnostics, validatedFiles: result.files, historyIndexing: result.historyIndexing === true });
    } catch (e) {
      if (seq === validationSeq) report(e);
    } finally {
      clearTimeout(slow);
      if (seq === validationSeq) set({ indexing: false });
    }
  },

  applyDelta(delta) {
    const removed = new Set(delta.removed);
    const files = [...get().files.filter((f) => !removed.has(f.path)), ...delta.added].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (savedDiagnostics) savedDiagnostics = merged(savedDiagnostics, delta);
    // with unsaved buffers open, the saved files' diagnostics are not what the user sees: validate with them (one call)
    if (Object.keys(useEditor.getState().overlays()).length > 0) {
      set({ files });
      scheduleValidation(0);
      return;
    }
    const diagnostics = savedDiagnostics ?? merged(get().diagnostics, delta);
    validationSeq++; // a validation on its way is older than this delta
    set({ files, diagnostics, validatedFiles: delta.files });
  },

  async newFile(kind) {
    try {
      const proposal = await api.call('templates.propose', { kind });
      await api.call('files.create', { path: proposal.path, text: proposal.text });
      await get().refreshFiles();
      await useEditor.getState().open(proposal.path);
      scheduleValidation(0);
    } catch (e) {
      report(e);
    }
  },
}));

// discarded edits take their diagnostics with them at once: the saved files' diagnostics replace the buffer's
onBuffersDropped(() => {
  if (Object.keys(useEditor.getState().overlays()).length > 0 || savedDiagnostics === null) return scheduleValidation(0);
  validationSeq++; // a validation with the discarded buffer on its way must not land
  useWorkspace.setState({ diagnostics: savedDiagnostics, indexing: false });
});
