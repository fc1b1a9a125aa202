import { create } from 'zustand';
import type { PullOutcome, RemoteState, WorkspaceInfo } from '../../core/common/api.js';
import type { MergeState, Take } from '../../core/common/merge.js';
import { api, ApiCallError } from '../api/client.js';
import { useGit } from './git.js';
import { usePages } from './pages.js';
import { useUi } from './ui.js';

type Op = 'clone' | 'fetch' | 'pull' | 'push';
export interface Credentials {
  username: string;
  password: string;
  remember?: boolean;
}

/** A request for credentials shown as a dialog; answered with what the person typed, or null (cancelled). */
export interface CredentialRequest {
  op: Op;
  message: string;
  answer(c: Credentials | null): void;
}

interface RemoteStore {
  state: RemoteState | null;
  /** The remote operation running, with how far it has got. */
  busy: { op: Op; phase: string; loaded: number; total: number | null } | null;
  credentialRequest: CredentialRequest | null;
  refresh(): Promise<void>;
  progress(e: { op: Op; phase: string; loaded: number; total: number | null }): void;
  fetch(): Promise<void>;
  pull(): Promise<PullOutcome | null>;
  push(): Promise<boolean>;
  clone(url: string, root: string): Promise<WorkspaceInfo | null>;
  resolve(key: string, take: Take, edit?: string): Promise<boolean>;
  continueMerge(): Promise<boolean>;
  abortMerge(): Promise<boolean>;
}

const VERB: Record<Op, string> = { clone: 'Cloning', fetch: 'Fetching', pull: 'Pulling', push: 'Pushing' };

function report(e: unknown): void {
  if (e instanceof ApiCallError && e.error.reason === 'no-workspace') return;
  useUi.getState().notify('error', e instanceof ApiCallError ? e.message : String(e));
}

export const useRemote = create<RemoteStore>((set, get) => {
  /**
   * Runs a remote operation; when the server wants credentials (or refused the ones given), asks the person in a
   * dialog and tries again with what they typed, until it works or they cancel. Credentials stay in memory for that
   * one call unless the person asked the desktop app to remember them.
   */
  async function withCredentials<T>(op: Op, run: (c: Credentials | undefined) => Promise<T>): Promise<T | null> {
    let given: Credentials | undefined;
    set({ busy: { op, phase: `${VERB[op]}…`, loaded: 0, total: null } });
    try {
      for (;;) {
        try {
          return await run(given);
        } catch (e) {
          const reason = e instanceof ApiCallError ? e.error.reason : undefined;
          if (reason !== 'needs-credentials' && reason !== 'credentials-refused') throw e;
          const typed = await new Promise<Credentials | null>((answer) =>
            set({
              credentialRequest: {
                op,
                message: reason === 'credentials-refused' && given ? 'The server refused those credentials. Try again.' : (e as ApiCallError).message,
                answer,
              },
            }),
          );
          set({ credentialRequest: null });
          if (!typed) return null;
          given = typed;
        }
      }
    } finally {
      set({ busy: null });
    }
  }

  /** Ends the waiting merge one way or the other: says what happened and reads git's state again; false on failure. */
  async function settled(end: () => Promise<string>): Promise<boolean> {
    try {
      useUi.getState().notify('info', await end());
      await get().refresh();
      await useGit.getState().refresh();
      return true;
    } catch (e) {
      report(e);
      return false;
    }
  }

  return {
    state: null,
    busy: null,
    credentialRequest: null,
    async refresh() {
      try {
        set({ state: await api.call('remote.state') });
      } catch (e) {
        if (e instanceof ApiCallError && e.error.reason === 'no-workspace') return set({ state: null });
        report(e);
      }
    },
    progress(e) {
      if (get().busy?.op === e.op) set({ busy: e });
    },
    async fetch() {
      try {
        const state = await withCredentials('fetch', (credentials) => api.call('remote.fetch', credentials ? { credentials } : {}));
        if (state) set({ state });
      } catch (e) {
        report(e);
      }
    },
    async pull() {
      try {
        const r = await withCredentials('pull', (credentials) => api.call('remote.pull', credentials ? { credentials } : {}));
        if (!r) return null;
        await get().refresh();
        await useGit.getState().refresh();
        const ui = useUi.getState();
        if (r.outcome === 'up-to-date') ui.notify('info', 'Already up to date with the shared repository.');
        else if (r.outcome === 'fast-forward' || r.outcome === 'merged') ui.notify('info', `Pulled (${r.outcome}): now at ${r.oid!.slice(0, 7)}.`);
        else if (r.outcome === 'invalid')
          ui.notify(
            'error',
            `Not merged: the merged contract would have ${r.errors.length} error(s); nothing changed. ${r.errors
              .slice(0, 3)
              .map((d) => `${d.file}:${d.line} ${d.message}`)
              .join(' ')}`,
          );
        else usePages.getState().showMerge();
        return r;
      } catch (e) {
        report(e);
        return null;
      }
    },
    async push() {
      try {
        const state = await withCredentials('push', (credentials) => api.call('remote.push', credentials ? { credentials } : {}));
        if (!state) return false;
        set({ state });
        useUi.getState().notify('info', `Pushed ${state.branch ?? 'the branch'} to the shared repository.`);
        return true;
      } catch (e) {
        report(e);
        return false;
      }
    },
    async clone(url, root) {
      try {
        return await withCredentials('clone', (credentials) => api.call('remote.clone', credentials ? { url, root, credentials } : { url, root }));
      } catch (e) {
        report(e);
        return null;
      }
    },
    async resolve(key, take, edit) {
      try {
        const merge: MergeState = await api.call('merge.resolve', edit === undefined ? { key, take } : { key, take, edit });
        set((s) => ({ state: s.state ? { ...s.state, merge } : s.state }));
        return true;
      } catch (e) {
        report(e);
        return false;
      }
    },
    continueMerge: () =>
      settled(async () => {
        const { oid } = await api.call('merge.continue');
        return `Merged: now at ${oid.slice(0, 7)}. Push to share it.`;
      }),
    abortMerge: () =>
      settled(async () => {
        const { restored } = await api.call('merge.abort');
        return `Pull aborted: ${restored.length} file${restored.length === 1 ? '' : 's'} back as before the pull.`;
      }),
  };
});
