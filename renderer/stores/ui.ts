import { create } from 'zustand';
import type { Severity } from '../../core/common/diagnostics.js';

export interface Notice {
  id: number;
  kind: 'info' | 'error' | 'warning';
  text: string;
}

export type ProblemSortKey = 'file' | 'severity' | 'code' | 'message';

interface UiState {
  paletteOpen: boolean;
  notices: Notice[];
  problemFilter: { severity: Severity | 'all'; file: string };
  problemSort: { key: ProblemSortKey; ascending: boolean };
  setPalette(open: boolean): void;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
  setProblemFilter(filter: Partial<UiState['problemFilter']>): void;
  sortProblems(key: ProblemSortKey): void;
}

let nextNotice = 1;

export const useUi = create<UiState>((set) => ({
  paletteOpen: false,
  notices: [],
  problemFilter: { severity: 'all', file: '' },
  problemSort: { key: 'file', ascending: true },
  setPalette: (paletteOpen) => set({ paletteOpen }),
  notify: (kind, text) => {
    const id = nextNotice++;
    set((s) => ({ notices: [...s.notices.slice(-4), { id, kind, text }] }));
    if (kind === 'info') setTimeout(() => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })), 6000);
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  setProblemFilter: (filter) => set((s) => ({ problemFilter: { ...s.problemFilter, ...filter } })),
  sortProblems: (key) => set((s) => ({ problemSort: { key, ascending: s.problemSort.key === key ? !s.problemSort.ascending : true } })),
}));
