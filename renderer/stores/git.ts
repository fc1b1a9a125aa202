import { create } from 'zustand';
import type { ApiError, FileChange, GitState, LogEntry } from '../../core/common/api.js';
import { askAuthorDialog, confirmDialog } from './dialog.js';
import { api, ApiCallError } from '../api/client.js';
import { useEditor, isDirty } from './editor.js';
import { useUi } from './ui.js';

/** What the editor area shows instead of an editable tab: a diff, or a file as it was at a commit. */
export type Viewer =
  | { kind: 'diff'; title: string; path: string; original: string; modified: string; workingTree?: boolean }
  | { kind: 'snapshot'; title: string; path: string; oid: string; text: string };

interface GitStore {
  state: GitState | null;
  changes: FileChange[];
  /** Paths chosen for the next commit. */
  selected: string[];
  message: string;
  /** The user typed the message: stop proposing. */
  messageEdited: boolean;
  log: LogEntry[];
  logFile: string | null;
  /** Commits picked in the history (one: its changes; two: compared). */
  picked: string[];
  pickedFiles: FileChange[];
  viewer: Viewer | null;
  /** The History view is shown: only then is the log re-read after each change. */
  historyOpen: boolean;
  setHistoryOpen(open: boolean): void;
  refresh(): Promise<void>;
  /** What git sees now, pushed by the core after changes (or why it cannot tell). */
  applyEvent(event: { state?: GitState; changes?: FileChange[]; error?: ApiError }): void;
  /** Git status could not be read: shown instead of a "clean" that nobody knows. */
  statusError: string | null;
  toggle(path: string): void;
  setMessage(message: string): void;
  propose(): Promise<void>;
  commit(): Promise<void>;
  init(): Promise<void>;
  loadLog(file?: string | null): Promise<void>;
  pick(oid: string, add: boolean): Promise<void>;
  showDiff(path: string): Promise<void>;
  showCommitDiff(path: string): Promise<void>;
  showSnapshot(oid: string, path: string): Promise<void>;
  restore(oid: string, path: string): Promise<void>;
  closeViewer(): void;
}

function report(e: unknown): void {
  // 'no-workspace' only reaches here from calls still on their way when the workspace was closed
  if (e instanceof ApiCallError && e.error.reason === 'no-workspace') return;
  useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
}

/** Asks once for the name and email commits are made with. */
const askAuthor = () => askAuthorDialog('Commits name who made them: your name and email are needed once.');

/**
 * A diff of the working tree shown while files change or are committed is read again, so it never shows what was:
 * a file with no change left (committed or reverted) closes its diff and says why.
 */
async function refreshWorkingDiff(): Promise<void> {
  const viewer = useGit.getState().viewer;
  if (viewer?.kind !== 'diff' || !viewer.workingTree) return;
  if (!useGit.getState().changes.some((c) => c.path === viewer.path)) {
    useGit.setState({ viewer: null });
    useUi.getState().notify('info', `${viewer.path} has no change since the last commit any more: its diff is closed.`);
    return;
  }
  const d = await api.call('git.diff', { path: viewer.path }).catch(() => null);
  const now = useGit.getState().viewer;
  if (d && now === viewer && ((d.head ?? '') !== viewer.original || (d.working ?? '') !== viewer.modified))
    useGit.setState({ viewer: { ...viewer, original: d.head ?? '', modified: d.working ?? '' } });
}

export const useGit = create<GitStore>((set, get) => ({
  state: null,
  changes: [],
  selected: [],
  message: '',
  messageEdited: false,
  log: [],
  logFile: null,
  picked: [],
  pickedFiles: [],
  viewer: null,
  historyOpen: false,
  statusError: null,
  applyEvent(event) {
    if (event.error) return set({ statusError: event.error.message });
    if (event.state) set({ state: event.state });
    if (!get().state?.repository) {
      if (event.state) set({ changes: [], selected: [] });
      return;
    }
    const changes = event.changes ?? [];
    const before = new Set(get().changes.map((c) => c.path));
    const same = changes.length === before.size && changes.every((c) => before.has(c.path)) && JSON.stringify(changes) === JSON.stringify(get().changes);
    if (same && get().statusError === null) return;
    // the state may be unchanged while the list changed, or the other way round
    const kept = new Set(get().selected);
    const selected = changes.map((c) => c.path).filter((p) => kept.has(p) || !before.has(p));
    set({ changes, selected, statusError: null });
    if (!get().messageEdited) void get().propose();
    if (get().historyOpen) void get().loadLog(get().logFile);
    void refreshWorkingDiff();
  },
  setHistoryOpen(open) {
    set({ historyOpen: open });
    if (open) void get().loadLog(get().logFile);
  },

  async refresh() {
    try {
      const state = await api.call('git.state');
      if (!state.repository) return set({ state, changes: [], selected: [], log: [] });
      const changes = await api.call('git.changes');
      const before = new Set(get().changes.map((c) => c.path));
      const kept = new Set(get().selected);
      // newly changed files are selected; files the user unticked stay unticked
      const selected = changes.map((c) => c.path).filter((p) => kept.has(p) || !before.has(p));
      set({ state, changes, selected, statusError: null });
      if (!get().messageEdited) await get().propose();
      if (get().historyOpen) await get().loadLog(get().logFile);
      await refreshWorkingDiff();
    } catch (e) {
      // the workspace was closed while this was on its way: nothing to show, nothing to report
      if (e instanceof ApiCallError && e.error.reason === 'no-workspace') return set({ state: null, changes: [], selected: [], log: [] });
      report(e);
    }
  },

  toggle(path) {
    const selected = get().selected.includes(path) ? get().selected.filter((p) => p !== path) : [...get().selected, path];
    set({ selected });
    if (!get().messageEdited) void get().propose();
  },

  setMessage: (message) => set({ message, messageEdited: message.trim() !== '' }),

  async propose() {
    const paths = get().selected;
    set({ message: paths.length ? await api.call('git.proposeMessage', { paths }).catch(() => '') : '', messageEdited: false });
  },

  async commit() {
    const { selected, message } = get();
    const dirty = useEditor.getState().tabs.filter((t) => isDirty(t) && selected.includes(t.path));
    if (
      dirty.length &&
      !(await confirmDialog(
        'Commit without the unsaved edits?',
        `${dirty.map((t) => t.path).join(', ')} ${dirty.length === 1 ? 'has' : 'have'} unsaved edits that will not be in this commit. Commit the saved version anyway?`,
        'Commit the saved version',
      ))
    )
      return;
    const attempt = async (allowErrors: boolean): Promise<void> => {
      try {
        const r = await api.call('git.commit', { paths: selected, message, allowErrors });
        useUi.getState().notify('info', `Committed ${r.oid?.slice(0, 7)}: ${r.message.split('\n')[0]}`);
        set({ message: '', messageEdited: false }); // the commit's git-changed event brings the new status: no second read
      } catch (e) {
        if (e instanceof ApiCallError && e.error.reason === 'validation-errors') {
          if (await confirmDialog('Commit with errors?', `${e.message} Commit anyway? The commit message will say so.`, 'Commit anyway', true))
            return attempt(true);
        } else if (e instanceof ApiCallError && e.error.reason === 'no-author') {
          const who = await askAuthor();
          if (who) {
            await api.call('settings.setAuthor', who);
            return attempt(allowErrors);
          }
        } else report(e);
      }
    };
    await attempt(false);
  },

  async init() {
    try {
      set({ state: await api.call('git.init') });
      await get().refresh();
    } catch (e) {
      // as git, Covenant will not make the first commit without knowing who makes it: ask once, then go on
      if (e instanceof ApiCallError && e.error.reason === 'no-author') {
        const who = await askAuthor();
        if (who) {
          await api.call('settings.setAuthor', who);
          return get().init();
        }
      }
      report(e);
    }
  },

  async loadLog(file = null) {
    try {
      set({ log: await api.call('git.log', file ? { path: file, limit: 500 } : { limit: 500 }), logFile: file });
    } catch (e) {
      report(e);
    }
  },

  async pick(oid, add) {
    const picked = add && get().picked.length === 1 && get().picked[0] !== oid ? [get().picked[0]!, oid] : [oid];
    set({ picked, pickedFiles: [] });
    try {
      if (picked.length === 2) {
        const [a, b] = picked as [string, string];
        const order = get().log.findIndex((e) => e.oid === a) > get().log.findIndex((e) => e.oid === b) ? [a, b] : [b, a];
        set({ pickedFiles: await api.call('git.compare', { from: order[0]!, to: order[1]! }) });
      } else {
        const entry = get().log.find((e) => e.oid === oid);
        const parent = entry?.parents[0];
        set({ pickedFiles: parent ? await api.call('git.compare', { from: parent, to: oid }) : [] });
      }
    } catch (e) {
      report(e);
    }
  },

  async showDiff(path) {
    try {
      const d = await api.call('git.diff', { path });
      set({
        viewer: { kind: 'diff', title: `${path}: last commit ↔ working tree`, path, original: d.head ?? '', modified: d.working ?? '', workingTree: true },
      });
    } catch (e) {
      report(e);
    }
  },

  async showCommitDiff(path) {
    const { picked, log } = get();
    let from: string | undefined;
    let to: string | undefined;
    if (picked.length === 2) {
      const [a, b] = picked as [string, string];
      [from, to] = log.findIndex((e) => e.oid === a) > log.findIndex((e) => e.oid === b) ? [a, b] : [b, a];
    } else {
      to = picked[0];
      from = log.find((e) => e.oid === to)?.parents[0];
    }
    if (!to) return;
    try {
      const [before, after] = await Promise.all([
        from ? api.call('git.readAt', { oid: from, path }) : Promise.resolve({ text: '' }),
        api.call('git.readAt', { oid: to, path }),
      ]);
      set({
        viewer: {
          kind: 'diff',
          title: `${path}: ${from ? from.slice(0, 7) : 'nothing'} ↔ ${to.slice(0, 7)}`,
          path,
          original: before.text ?? '',
          modified: after.text ?? '',
        },
      });
    } catch (e) {
      report(e);
    }
  },

  async showSnapshot(oid, path) {
    try {
      const { text } = await api.call('git.readAt', { oid, path });
      if (text === null) {
        useUi.getState().notify('warning', `${path} did not exist at ${oid.slice(0, 7)}.`);
        return;
      }
      set({ viewer: { kind: 'snapshot', title: `${path} at ${oid.slice(0, 7)} (read-only)`, path, oid, text } });
    } catch (e) {
      report(e);
    }
  },

  async restore(oid, path) {
    const tab = useEditor.getState().tabs.find((t) => t.path === path);
    if (
      tab &&
      isDirty(tab) &&
      !(await confirmDialog('Replace unsaved edits?', `${path} has unsaved edits. Replace them with the version from ${oid.slice(0, 7)}?`, 'Replace', true))
    )
      return;
    // the file on disk is replaced whether or not it is open: always ask (an uncommitted change there is lost)
    if (
      (!tab || !isDirty(tab)) &&
      !(await confirmDialog(
        'Restore this version?',
        `Restore ${path} as it was at ${oid.slice(0, 7)}? The current file is replaced; it stays in history if committed.`,
        'Restore',
        true,
      ))
    )
      return;
    try {
      await api.call('git.restore', { oid, path });
      if (tab) await useEditor.getState().reload(path);
      set({ viewer: null });
      useUi.getState().notify('info', `${path} restored from ${oid.slice(0, 7)}. Review it, then commit.`);
    } catch (e) {
      report(e);
    }
  },

  closeViewer: () => set({ viewer: null }),
}));
