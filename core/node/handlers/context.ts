import type { ApiEvent, Provenance, RemoteState, WorkspaceInfo } from '../../common/api.js';
import type { Snapshot } from '../../common/workspace.js';
import type { AppState } from '../app-state.js';
import type { Backups } from '../backups.js';
import type { CredentialStore } from '../credential-store.js';
import type { WorkspaceGit } from '../git-service.js';
import type { RemoteOptions } from '../git/remote.js';
import type { Actor } from '../identity.js';
import type { OpenWorkspace } from '../workspace-service.js';

export interface SessionOptions {
  /** What runs the session: the desktop app, `covenant serve`, or one CLI command (no watcher, no recent list). */
  mode: 'electron' | 'browser' | 'cli';
  state?: AppState;
  /** Native folder picker (Electron only). */
  pickFolder?: () => Promise<string | null>;
  watch?: boolean;
  /** How long a view waits for a first reading of the history before it shows "indexing…" (ms; 1,000 by default: a short history is read by then, and nothing says "indexing…"). */
  historyWaitMs?: number;
  version?: string;
  /** Where the desktop app remembers credentials (encrypted with safeStorage); none in browser mode. */
  credentials?: CredentialStore;
}

export type GivenCredentials = { username: string; password: string; remember?: boolean } | undefined;
export type RemoteOp = 'clone' | 'fetch' | 'pull' | 'push';

/**
 * What every handler gets from the Session: the open workspace, git over it, the settings, and the facts. Handlers
 * hold no state of their own; the Session keeps only the lifecycle.
 */
export interface HandlerContext {
  readonly options: SessionOptions;
  readonly state: AppState;
  current(): OpenWorkspace | null;
  /** The open workspace, or not-found ("open a workspace first"). */
  ws(): OpenWorkspace;
  repo(): WorkspaceGit;
  backupStore(): Backups;
  /** The saved snapshot, settled, with git's facts, validated. */
  /**
   * The saved snapshot, settled, with git's facts, validated. With `early` (a view that can say "indexing…"), the app
   * does not wait for a first reading of a long history: the snapshot then has `facts.indexing`.
   */
  saved(options?: { early?: boolean }): Promise<Snapshot>;
  /** The saved snapshot, or one of its own with unsaved buffers laid over it. */
  withBuffers(unsaved: Record<string, string> | undefined): Promise<Snapshot>;
  /** What an output made from `snap` shows (commit, uncommitted changes, unsaved buffers, files left out). */
  provenance(snap: Snapshot): Promise<Provenance>;
  /** The person acting now; refuses with what to do when nobody is known. `what`: "records this result". */
  actor(what: string): Promise<Actor>;
  /** The person acting, or null when nobody is known (for records that may say "unknown"). */
  actorOrNull(): Promise<Actor | null>;
  emit(event: ApiEvent): void;
  pushGitStatus(): void;
  /** Files changed on disk by git (a pull, an abort): read now, with git's facts again. */
  filesChanged(paths: string[]): Promise<void>;
  /** Git's facts read again (after a commit or approval). */
  refreshFacts(): Promise<void>;
  open(dir: string): Promise<WorkspaceInfo>;
  close(): Promise<void>;
  remote<T>(op: RemoteOp, given: GivenCredentials, run: (o: RemoteOptions) => Promise<T>): Promise<T>;
  remoteState(): Promise<RemoteState>;
}
