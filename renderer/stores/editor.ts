import { create } from 'zustand';
import type { RestoredBackup } from '../../core/common/api.js';
import { confirmDialog } from './dialog.js';
import { api, ApiCallError } from '../api/client.js';
import { useUi } from './ui.js';

export interface Tab {
  path: string;
  /** The text in the editor now. */
  text: string;
  /** The text as last read from or written to disk. */
  savedText: string;
  /** Hash of the disk version the buffer is based on; a save refuses when the disk moved on. */
  baseHash: string | null;
  /** Set when the file changed on disk while the tab had unsaved edits: the user chooses. */
  conflict: { diskText: string; diskHash: string } | { deleted: true } | null;
  /** Line to reveal once the editor shows the tab. */
  reveal?: { line: number; column: number; seq: number };
  /** Shown as a document (read from the model) or as the YAML to edit. */
  mode: 'document' | 'yaml';
}

/** Files that have a document view: the contract's YAML files. */
export const hasDocumentView = (path: string) => /^contracts\/.+\.ya?ml$/.test(path);

const TABS_KEY = (root: string) => `covenant.tabs:${root}`;
interface SavedTabs {
  tabs: { path: string; mode: Tab['mode'] }[];
  active: string | null;
}

interface EditorState {
  tabs: Tab[];
  active: string | null;
  /** The workspace these tabs belong to, once they are restored (null while a workspace opens or closes). */
  session: string | null;
  open(path: string, at?: { line: number; column: number }): Promise<void>;
  activate(path: string): void;
  /** Closes a tab; asks in the app first when it has unsaved edits. True when it was closed. */
  close(path: string, force?: boolean): Promise<boolean>;
  edit(path: string, text: string): void;
  save(path?: string, overwrite?: boolean): Promise<boolean>;
  saveAll(): Promise<void>;
  reload(path: string): Promise<void>;
  keepMine(path: string): void;
  /** A file changed on disk: reload a clean tab silently, flag a dirty one. */
  diskChanged(path: string, hash?: string | null): Promise<void>;
  /** Reopens unsaved buffers backed up before Covenant stopped; returns them (the caller may show a diff). */
  restoreBackups(): Promise<RestoredBackup[]>;
  /** Unsaved buffers, for validation as you type. */
  overlays(): Record<string, string>;
  dirtyCount(): number;
  /** Switches the active tab between the document view and the YAML. */
  toggleDocument(mode?: Tab['mode']): void;
  /** Keeps the open tabs of a workspace (paths, views, the active one) so a reload brings them all back. */
  rememberTabs(root: string): void;
  /** Reopens the tabs remembered for a workspace that still exist. */
  restoreTabs(root: string, exists: (path: string) => boolean): Promise<void>;
}

export const isDirty = (t: Tab) => t.text !== t.savedText;

let revealSeq = 0;

const backupTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** Hot exit: an unsaved buffer reaches the app's data folder within a second of typing; a clean one is dropped. */
const backupFailed = new Set<string>();
/** Text being saved right now, by path: the watcher's event for that save may arrive before the save's answer. */
const saving = new Map<string, string>();
/** Saves on their way, by path: the watcher's event for a save waits for its answer instead of reading the file. */
const savesInFlight = new Map<string, Promise<unknown>>();

const droppedListeners = new Set<() => void>();
/** Called when unsaved edits are thrown away (a dirty tab closed without saving, or reloaded from disk). */
export function onBuffersDropped(listener: () => void): () => void {
  droppedListeners.add(listener);
  return () => droppedListeners.delete(listener);
}
const buffersDropped = () => droppedListeners.forEach((l) => l());

function scheduleBackup(path: string, delay = 300): void {
  const previous = backupTimers.get(path);
  if (previous) clearTimeout(previous);
  backupTimers.set(
    path,
    setTimeout(() => {
      backupTimers.delete(path);
      const tab = useEditor.getState().tabs.find((t) => t.path === path);
      // a backup that fails is said once (until one succeeds again): the user must know the work is not protected
      if (tab && isDirty(tab))
        void api
          .call('backups.save', { path, text: tab.text, baseHash: tab.baseHash })
          .then(() => backupFailed.delete(path))
          .catch((e) => {
            if (backupFailed.has(path)) return;
            backupFailed.add(path);
            fail(e, `Keeping your unsaved changes to ${path}`);
          });
      else void api.call('backups.discard', { path }).catch((e) => fail(e, `Dropping the kept copy of ${path}`));
    }, delay),
  );
}

function patch(path: string, change: Partial<Tab>): void {
  useEditor.setState((s) => ({ tabs: s.tabs.map((t) => (t.path === path ? { ...t, ...change } : t)) }));
}

function fail(e: unknown, what: string): void {
  if (e instanceof ApiCallError && e.error.reason === 'no-workspace') return; // a call that outlived a closed workspace
  useUi.getState().notify('error', e instanceof ApiCallError ? e.message : `${what} failed: ${String(e)}`);
}

export const useEditor = create<EditorState>((set, get) => ({
  tabs: [],
  active: null,
  session: null,

  async open(path, at) {
    const reveal = at ? { ...at, seq: ++revealSeq } : undefined;
    if (get().tabs.some((t) => t.path === path)) {
      // going to a line means the YAML
      if (reveal) patch(path, { reveal, mode: 'yaml' });
      set({ active: path });
      return;
    }
    try {
      const file = await api.call('files.read', { path });
      if (get().tabs.some((t) => t.path === path)) return set({ active: path });
      const mode = !at && useUi.getState().documentFirst && hasDocumentView(path) ? 'document' : 'yaml';
      set((s) => ({ tabs: [...s.tabs, { path, text: file.text, savedText: file.text, baseHash: file.hash, conflict: null, reveal, mode }], active: path }));
    } catch (e) {
      fail(e, `Opening ${path}`);
    }
  },

  activate: (path) => set({ active: path }),

  async close(path, force = false) {
    const tab = get().tabs.find((t) => t.path === path);
    if (!tab) return true;
    if (
      !force &&
      isDirty(tab) &&
      !(await confirmDialog('Discard unsaved changes?', `${path} has unsaved changes. Close it and discard them?`, 'Discard and close', true))
    )
      return false;
    scheduleBackup(path, 0);
    set((s) => {
      const index = s.tabs.findIndex((t) => t.path === path);
      const tabs = s.tabs.filter((t) => t.path !== path);
      const active = s.active === path ? (tabs[Math.min(index, tabs.length - 1)]?.path ?? null) : s.active;
      return { tabs, active };
    });
    if (isDirty(tab)) buffersDropped();
    return true;
  },

  edit: (path, text) => {
    patch(path, { text });
    scheduleBackup(path);
  },

  async save(path = get().active ?? undefined, overwrite = false) {
    const tab = get().tabs.find((t) => t.path === path);
    if (!tab) return false;
    const text = tab.text;
    try {
      const conflictHash = tab.conflict && 'diskHash' in tab.conflict ? tab.conflict.diskHash : null;
      const baseHash = overwrite ? (conflictHash ?? undefined) : tab.baseHash;
      saving.set(tab.path, text);
      let landed = (): void => undefined;
      savesInFlight.set(tab.path, new Promise<void>((r) => (landed = r)));
      try {
        const result = await api.call('files.write', overwrite && !conflictHash ? { path: tab.path, text } : { path: tab.path, text, baseHash });
        patch(tab.path, { savedText: text, baseHash: result.hash, conflict: null });
      } finally {
        // the watcher's event for this save, if it came first, goes on now: the tab holds the new hash (or the failure)
        saving.delete(tab.path);
        savesInFlight.delete(tab.path);
        landed();
      }
      // the server dropped the kept copy with the write; a backup still pending is cancelled
      const pending = backupTimers.get(tab.path);
      if (pending) clearTimeout(pending);
      backupTimers.delete(tab.path);
      return true;
    } catch (e) {
      if (e instanceof ApiCallError && e.error.code === 'conflict') {
        const disk = await api.call('files.read', { path: tab.path }).catch(() => null);
        patch(tab.path, { conflict: disk ? { diskText: disk.text, diskHash: disk.hash } : { deleted: true } });
        useUi.getState().notify('warning', `${tab.path} changed on disk since you opened it: choose Reload or Overwrite in the editor.`);
      } else fail(e, `Saving ${tab.path}`);
      return false;
    }
  },

  async saveAll() {
    for (const t of get().tabs) if (isDirty(t)) await get().save(t.path);
  },

  async reload(path) {
    try {
      const file = await api.call('files.read', { path });
      const wasDirty = get().tabs.some((t) => t.path === path && isDirty(t));
      patch(path, { text: file.text, savedText: file.text, baseHash: file.hash, conflict: null });
      scheduleBackup(path, 0);
      if (wasDirty) buffersDropped();
    } catch (e) {
      fail(e, `Reloading ${path}`);
    }
  },

  keepMine(path) {
    const tab = get().tabs.find((t) => t.path === path);
    if (!tab?.conflict) return;
    // Keep the buffer; a later save overwrites the disk version the user has now seen.
    patch(path, {
      baseHash: 'diskHash' in tab.conflict ? tab.conflict.diskHash : null,
      savedText: 'diskText' in tab.conflict ? tab.conflict.diskText : '',
      conflict: null,
    });
  },

  async diskChanged(path, hash) {
    // our own save: its event may come before its answer; the answer says what was written, no read needed
    await savesInFlight.get(path);
    const tab = get().tabs.find((t) => t.path === path);
    if (!tab) return;
    if (hash !== undefined && hash === tab.baseHash) return; // the tab already holds what is on disk (our own save)
    const disk = await api.call('files.read', { path }).catch(() => null);
    const current = get().tabs.find((t) => t.path === path);
    if (!current) return;
    if (!disk) {
      if (isDirty(current)) patch(path, { conflict: { deleted: true } });
      else void get().close(path, true);
      return;
    }
    if (disk.hash === current.baseHash) return;
    if (!isDirty(current) || disk.text === current.text) patch(path, { text: disk.text, savedText: disk.text, baseHash: disk.hash, conflict: null });
    else patch(path, { conflict: { diskText: disk.text, diskHash: disk.hash } });
  },

  async restoreBackups() {
    let backups: RestoredBackup[];
    try {
      backups = await api.call('backups.list');
    } catch {
      return [];
    }
    for (const b of backups) {
      // unsaved work is shown where it can be edited: the YAML
      const tab: Tab = b.baseMatches
        ? { path: b.path, text: b.text, savedText: b.disk?.text ?? '', baseHash: b.disk?.hash ?? null, conflict: null, mode: 'yaml' }
        : {
            path: b.path,
            text: b.text,
            savedText: b.disk?.text ?? '',
            baseHash: b.disk?.hash ?? null,
            conflict: b.disk ? { diskText: b.disk.text, diskHash: b.disk.hash } : { deleted: true },
            mode: 'yaml',
          };
      set((s) => ({ tabs: s.tabs.some((t) => t.path === b.path) ? s.tabs.map((t) => (t.path === b.path ? tab : t)) : [...s.tabs, tab], active: b.path }));
      const when = new Date(b.savedAt).toLocaleTimeString();
      if (b.baseMatches)
        useUi.getState().notify('warning', `Restored your unsaved changes to ${b.path} (kept at ${when} before Covenant stopped). They are not saved yet.`);
      else
        useUi
          .getState()
          .notify(
            'warning',
            `Your unsaved changes to ${b.path} (kept at ${when}) were made to an older version than the one on disk now: choose Reload, Keep mine or Overwrite.`,
          );
    }
    return backups;
  },

  overlays() {
    const out: Record<string, string> = {};
    for (const t of get().tabs) if (isDirty(t) && saving.get(t.path) !== t.text) out[t.path] = t.text;
    return out;
  },

  dirtyCount: () => get().tabs.filter(isDirty).length,

  toggleDocument(mode) {
    const active = get().tabs.find((t) => t.path === get().active);
    if (!active || !hasDocumentView(active.path)) return;
    patch(active.path, { mode: mode ?? (active.mode === 'document' ? 'yaml' : 'document') });
  },

  rememberTabs(root) {
    const saved: SavedTabs = { tabs: get().tabs.map((t) => ({ path: t.path, mode: t.mode })), active: get().active };
    try {
      localStorage.setItem(TABS_KEY(root), JSON.stringify(saved));
    } catch {
      // without storage the tabs are not brought back after a reload; the unsaved ones still are, from the backups
    }
  },

  async restoreTabs(root, exists) {
    const saved = ((): SavedTabs | null => {
      try {
        return JSON.parse(localStorage.getItem(TABS_KEY(root)) ?? 'null') as SavedTabs | null;
      } catch {
        return null;
      }
    })();
    if (!saved || !Array.isArray(saved.tabs)) return;
    const wanted = saved.tabs.filter((t) => typeof t?.path === 'string' && exists(t.path));
    const files = await Promise.all(wanted.map((t) => api.call('files.read', { path: t.path }).catch(() => null)));
    const tabs: Tab[] = [];
    wanted.forEach((t, i) => {
      const file = files[i];
      if (file)
        tabs.push({
          path: t.path,
          text: file.text,
          savedText: file.text,
          baseHash: file.hash,
          conflict: null,
          mode: t.mode === 'document' ? 'document' : 'yaml',
        });
    });
    if (!tabs.length) return;
    const active = tabs.some((t) => t.path === saved.active) ? saved.active : tabs[0]!.path;
    set((s) => ({ tabs: [...tabs, ...s.tabs.filter((t) => !tabs.some((x) => x.path === t.path))], active: s.active ?? active }));
  },
}));
