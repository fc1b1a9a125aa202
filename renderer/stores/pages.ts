import type { DashboardView } from '../../core/common/api.js';
import { create } from 'zustand';
import type { LedgerEntryInput, LedgerView } from '../../core/common/api.js';
import { askAuthorDialog } from './dialog.js';
import { approvedText } from '../../core/common/result-text.js';
import { api, ApiCallError } from '../api/client.js';
import { useUi } from './ui.js';

/** The ledger and dashboard pages shown over the editor area, with their data. */
interface PagesStore {
  page: 'ledger' | 'dashboard' | 'cr-wizard' | 'sow-wizard' | 'adrs' | 'addendum' | 'merge' | null;
  /** A SOW the CR wizard starts linked to. */
  presetSow: string | null;
  newChangeRequest(sow?: string | null): void;
  newSow(): void;
  /** The conflict view of a pull waiting for people. */
  showMerge(): void;
  /** The CR being walked through the wizard again, or null for a new one. */
  editingCr: string | null;
  editCr(path: string): void;
  ledger: LedgerView | null;
  dashboard: DashboardView | null;
  show(page: 'ledger' | 'dashboard' | 'adrs'): Promise<void>;
  close(): void;
  refresh(): Promise<void>;
  saveEntry(entry: LedgerEntryInput): Promise<boolean>;
  /** Records a gate result by hand (asks who, once, when nobody is known); true when written. */
  recordGate(sow: string, gate: string, outcome: 'passed' | 'failed', note: string): Promise<boolean>;
  /** Records a review of a change request (asks who, once). */
  reviewCr(cr: string, outcome: 'approve' | 'request_changes' | 'comment', note: string): Promise<boolean>;
  importDefects(name: string, text: string): Promise<boolean>;
  /** Approves a CR as a member with their SSH key: a signed commit. */
  approveAs(id: string, member: string, keyPath: string, passphrase: string, outcome?: 'approve' | 'reject' | 'withdraw'): Promise<boolean>;
  /** The approved change whose addendum is being written. */
  addendumCr: string | null;
  implementCr(cr: string): void;
  /** A wizard on the page has input that is not written yet (closing it asks first). */
  draftTouched: boolean;
  setDraftTouched(touched: boolean): void;
  /** Opens the ledger with its entry form ready; the number changes on each request. */
  ledgerFormRequest: number;
  addLedgerEntry(): Promise<void>;
}

/** Runs an action that names its person; asks who, once, when nobody is known. */
async function asPerson<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    if (e instanceof ApiCallError && e.error.reason === 'no-author') {
      const who = await askAuthorDialog('What you record names who recorded it: your name and email are needed once.');
      if (who) {
        await api.call('settings.setAuthor', who);
        return action();
      }
    }
    throw e;
  }
}

function report(e: unknown): void {
  if (e instanceof ApiCallError && e.error.reason === 'no-workspace') return;
  useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
}

let refreshSeq = 0;

export const usePages = create<PagesStore>((set, get) => ({
  page: null,
  presetSow: null,
  newChangeRequest: (sow = null) => set({ page: 'cr-wizard', presetSow: sow, editingCr: null }),
  editingCr: null,
  editCr: (path) => set({ page: 'cr-wizard', presetSow: null, editingCr: path }),
  newSow: () => set({ page: 'sow-wizard' }),
  showMerge: () => set({ page: 'merge' }),
  ledger: null,
  dashboard: null,
  async show(page) {
    set({ page });
    await get().refresh();
  },
  close: () => set({ page: null }),
  async refresh() {
    const page = get().page;
    // reads overlap (an action's own refresh, the watcher's after a commit): only the latest one started may land, or
    // an older answer arriving last would show what was before (an approval as "uncommitted" after its commit)
    const seq = ++refreshSeq;
    try {
      if (page === 'ledger') {
        const ledger = await api.call('ledger.get');
        if (seq === refreshSeq) set({ ledger });
      }
      if (page === 'dashboard') {
        const dashboard = await api.call('dashboard.get');
        if (seq === refreshSeq) set({ dashboard });
      }
    } catch (e) {
      if (seq === refreshSeq) report(e);
    }
  },
  async recordGate(sow, gate, outcome, note) {
    try {
      const { path } = await asPerson(() => api.call('results.record', { sow, gate, outcome, ...(note.trim() ? { note: note.trim() } : {}) }));
      useUi.getState().notify('info', `Recorded ${gate} ${outcome} in ${path}. Review and commit it.`);
      return true; // the write's snapshot event refreshes the page (main.tsx): no second read
    } catch (e) {
      report(e);
      return false;
    }
  },
  async reviewCr(cr, outcome, note) {
    try {
      const { path } = await asPerson(() => api.call('changes.review', { cr, outcome, ...(note.trim() ? { note: note.trim() } : {}) }));
      useUi.getState().notify('info', `Recorded your review in ${path}. Review and commit it.`);
      return true; // the write's snapshot event refreshes the page (main.tsx): no second read
    } catch (e) {
      report(e);
      return false;
    }
  },
  async importDefects(name, text) {
    try {
      const { path, count } = await api.call('defects.import', { name, text });
      useUi.getState().notify('info', `Imported ${count} defect${count === 1 ? '' : 's'} into ${path}. Review and commit it.`);
      return true; // the write's snapshot event refreshes the page (main.tsx): no second read
    } catch (e) {
      report(e);
      return false;
    }
  },
  async approveAs(id, member, keyPath, passphrase, outcome = 'approve') {
    try {
      const r = await api.call('approvals.approve', { id, member, keyPath, outcome, ...(passphrase ? { passphrase } : {}) });
      useUi.getState().notify('info', approvedText(id, member, r).trim());
      return true; // the write's snapshot event refreshes the page (main.tsx): no second read
    } catch (e) {
      report(e);
      return false;
    }
  },
  addendumCr: null,
  implementCr: (cr) => set({ page: 'addendum', addendumCr: cr }),
  draftTouched: false,
  setDraftTouched: (draftTouched) => set({ draftTouched }),
  ledgerFormRequest: 0,
  async addLedgerEntry() {
    set({ ledgerFormRequest: get().ledgerFormRequest + 1 });
    await get().show('ledger');
  },
  async saveEntry(entry) {
    try {
      await api.call('ledger.upsert', entry);
      return true; // the write's snapshot event refreshes the page (main.tsx): no second read
    } catch (e) {
      report(e);
      return false;
    }
  },
}));
