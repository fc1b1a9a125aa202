import { useRemote } from '../../stores/remote.js';
import { usePages } from '../../stores/pages.js';

const VERB = { clone: 'Cloning', fetch: 'Fetching', pull: 'Pulling', push: 'Pushing' } as const;

/** Progress of a remote operation in words: "Pulling · Receiving objects 45/120". */
export function progressText(busy: { op: keyof typeof VERB; phase: string; loaded: number; total: number | null }): string {
  const amount = busy.loaded ? ` ${busy.loaded}${busy.total ? `/${busy.total}` : ''}` : '';
  return `${VERB[busy.op]} · ${busy.phase}${amount}`;
}

/**
 * The shared repository in the status bar: how far this clone is ahead of and behind origin (as last fetched), pull
 * and push, progress while they run, and a pull waiting for its conflicts to be resolved.
 */
export function RemoteStatus() {
  const state = useRemote((s) => s.state);
  const busy = useRemote((s) => s.busy);
  const { fetch, pull, push } = useRemote.getState();
  if (!state?.origin) return null;
  const open = state.merge?.conflicts.filter((c) => !c.resolution).length ?? 0;
  const known = state.ahead !== null && state.behind !== null;
  return (
    <span className="status-remote" data-testid="status-remote">
      {state.merge ? (
        <button className="status-warn" data-testid="status-merge" onClick={() => usePages.getState().showMerge()}>
          Pull waiting: {open ? `${open} conflict${open === 1 ? '' : 's'} to resolve` : 'ready to commit'}
        </button>
      ) : (
        <>
          <button
            data-testid="status-sync"
            title={`${state.origin}: commits here not yet pushed (↑) and commits there not yet pulled (↓), as of the last fetch. Click to fetch now.`}
            disabled={!!busy}
            onClick={() => void fetch()}
          >
            {known ? `↑${state.ahead} ↓${state.behind}` : 'not compared yet'}
          </button>
          <button data-testid="pull" disabled={!!busy} onClick={() => void pull()} title={`Fetch from ${state.origin} and merge`}>
            Pull
          </button>
          <button data-testid="push" disabled={!!busy} onClick={() => void push()} title={`Push ${state.branch ?? 'this branch'} to ${state.origin}`}>
            Push
          </button>
        </>
      )}
      {busy && (
        <span role="status" data-testid="remote-progress">
          {progressText(busy)}
        </span>
      )}
    </span>
  );
}
