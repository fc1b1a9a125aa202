import { create } from 'zustand';
import type { Severity } from '../../core/common/diagnostics.js';

export interface Notice {
  id: number;
  kind: 'info' | 'error' | 'warning';
  text: string;
  /** Where it was raised: a page's notice goes when the page closes, a workspace's when the workspace changes. */
  scope: 'page' | 'workspace';
}

export type ProblemSortKey = 'file' | 'severity' | 'code' | 'message';
export type SidebarView = 'files' | 'changes' | 'history';

/** How long a notice stays before it goes by itself; errors stay until dismissed. */
export const NOTICE_MS: Record<Notice['kind'], number | null> = { info: 6000, warning: 12000, error: null };

const LAYOUT_KEY = 'covenant.layout';
interface Layout {
  problemsHeight: number;
  problemsCollapsed: boolean;
  /** Contract files open as documents; YAML is one click away (for people who read rather than edit). */
  documentFirst: boolean;
}
/** A quarter of the window, at most 210 px: on a small screen the work keeps most of the height. */
const defaultProblemsHeight = () => Math.max(100, Math.min(210, Math.round((typeof window === 'undefined' ? 840 : window.innerHeight) * 0.25)));

function loadLayout(): Layout {
  try {
    const saved = JSON.parse(localStorage.getItem(LAYOUT_KEY) ?? '{}') as Partial<Layout>;
    return {
      problemsHeight: typeof saved.problemsHeight === 'number' && saved.problemsHeight >= 80 ? saved.problemsHeight : defaultProblemsHeight(),
      problemsCollapsed: saved.problemsCollapsed === true,
      documentFirst: saved.documentFirst === true,
    };
  } catch {
    return { problemsHeight: defaultProblemsHeight(), problemsCollapsed: false, documentFirst: false };
  }
}

interface UiState {
  paletteOpen: boolean;
  /** The palette lists files only (quick open, Ctrl+P). */
  paletteFiles: boolean;
  shortcutsOpen: boolean;
  sidebarView: SidebarView;
  notices: Notice[];
  problemFilter: { severity: Severity | 'all'; file: string };
  problemSort: { key: ProblemSortKey; ascending: boolean };
  problemsHeight: number;
  problemsCollapsed: boolean;
  documentFirst: boolean;
  setPalette(open: boolean, filesOnly?: boolean): void;
  setShortcuts(open: boolean): void;
  setSidebarView(view: SidebarView): void;
  /** Shows a notice; returns its id (to dismiss it when what it announces is done). */
  notify(kind: Notice['kind'], text: string, scope?: Notice['scope']): number;
  dismiss(id: number): void;
  /** The context ended: its notices go. */
  clearScope(scope: Notice['scope']): void;
  setProblemFilter(filter: Partial<UiState['problemFilter']>): void;
  sortProblems(key: ProblemSortKey): void;
  setLayout(layout: Partial<Layout>): void;
}

let nextNotice = 1;

export const useUi = create<UiState>((set, get) => ({
  paletteOpen: false,
  paletteFiles: false,
  shortcutsOpen: false,
  sidebarView: 'files',
  notices: [],
  problemFilter: { severity: 'all', file: '' },
  problemSort: { key: 'file', ascending: true },
  ...loadLayout(),
  setPalette: (paletteOpen, filesOnly = false) => set({ paletteOpen, paletteFiles: paletteOpen && filesOnly }),
  setShortcuts: (shortcutsOpen) => set({ shortcutsOpen }),
  setSidebarView: (sidebarView) => set({ sidebarView }),
  notify: (kind, text, scope = 'workspace') => {
    const id = nextNotice++;
    // the same message again replaces the old one rather than stacking up
    set((s) => ({ notices: [...s.notices.filter((n) => n.text !== text).slice(-3), { id, kind, text, scope }] }));
    const ms = NOTICE_MS[kind];
    if (ms !== null) setTimeout(() => get().dismiss(id), ms);
    return id;
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  clearScope: (scope) =>
    set((s) => {
      const kept = s.notices.filter((n) => (scope === 'workspace' ? false : n.scope !== 'page'));
      return kept.length === s.notices.length ? s : { notices: kept };
    }),
  setProblemFilter: (filter) => set((s) => ({ problemFilter: { ...s.problemFilter, ...filter }, problemsCollapsed: false })),
  sortProblems: (key) => set((s) => ({ problemSort: { key, ascending: s.problemSort.key === key ? !s.problemSort.ascending : true } })),
  setLayout(layout) {
    set(layout);
    const { problemsHeight, problemsCollapsed, documentFirst } = get();
    try {
      localStorage.setItem(LAYOUT_KEY, JSON.stringify({ problemsHeight, problemsCollapsed, documentFirst }));
    } catch {
      // a browser without storage keeps the layout for this session only
    }
  },
}));
