import type { ApiEvent, Handlers, Provenance, WorkspaceInfo } from '../common/api.js';
import { noWorkspace, toApiError } from '../common/errors.js';
import type { Snapshot } from '../common/workspace.js';
import { keepAnalyses, prepared, runAlone } from './analysis/offload.js';
import { AppState } from './app-state.js';
import { Backups } from './backups.js';
import type { WorkspaceGit } from './git-service.js';
import type { RemoteOptions } from './git/remote.js';
import { makeHandlers, type HandlerContext, type SessionOptions } from './handlers/index.js';
import type { GivenCredentials, RemoteOp } from './handlers/context.js';
import type { Actor } from './identity.js';
import { OpenWorkspace } from './workspace-service.js';

export type { SessionOptions } from './handlers/index.js';

/** Whether some approval of the snapshot has no signature fact (or one for another entry). */
function staleSignatures(snap: Snapshot): boolean {
  const facts = snap.facts.signatures;
  for (const doc of [...(snap.model.master ? [snap.model.master] : []), ...snap.model.crs, ...snap.model.sows]) {
    const approvals = doc.data.approvals ?? [];
    if (approvals.length === 0) continue;
    const known = facts?.get(doc.path) ?? [];
    if (approvals.some((a, i) => !known.some((f) => f.index === i && f.member === a.member && f.at === a.at && f.signature !== 'uncommitted'))) return true;
  }
  return false;
}

/**
 * One running Covenant: the open workspace, the app state, and the API handlers over them (core/node/handlers/).
 * Electron's main process, `covenant serve` and each CLI command make one and expose `handlers` over their
 * transport; the Session itself keeps only the lifecycle: open, watch, close, and the facts git knows.
 */
export class Session implements HandlerContext {
  private workspace: OpenWorkspace | null = null;
  private git: WorkspaceGit | null = null;
  private backups: Backups | null = null;
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  readonly state: AppState;
  readonly handlers: Handlers;

  constructor(readonly options: SessionOptions) {
    this.state = options.state ?? new AppState();
    this.handlers = makeHandlers(this);
    if (options.mode === 'cli') {
      runAlone(); // one command for one person: nobody else waits on this process
      // a first reading of a long history says how far it is
      void import('./git/commit-index.js').then(({ onIndexing }) => onIndexing((p) => this.emit({ type: 'history-progress', ...p })));
    }
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ApiEvent): void {
    for (const l of this.listeners) l(event);
  }

  current(): OpenWorkspace | null {
    return this.workspace;
  }

  repo(): WorkspaceGit {
    if (!this.git) throw noWorkspace();
    return this.git;
  }

  ws(): OpenWorkspace {
    if (!this.workspace) throw noWorkspace();
    return this.workspace;
  }

  backupStore(): Backups {
    if (!this.backups) throw noWorkspace();
    return this.backups;
  }

  /** Git's facts of the open workspace, read once it opens (a CLI command: when a figure first needs them). */
  private facts: Promise<void> | null = null;
  /** The first reading of the history is done (until then a view may show "indexing…"). */
  private factsRead = false;
  /** A view has already waited for that reading and said "indexing…". */
  private indexingSaid = false;
  private readFacts(): Promise<void> {
    const git = this.repo();
    const ws = this.ws();
    this.facts ??= git
      .refreshFacts()
      .catch(async (e) => {
        this.emit({ type: 'notice', level: 'warning', message: `Reading the git history failed: ${(e as Error).message}` });
        if (ws.snapshot.facts.indexing) await ws.setFacts({ history: new Map() }); // not "indexing…" forever: unknown
      })
      .finally(() => (this.factsRead = true));
    return this.facts;
  }

  /** The saved snapshot, settled (every change seen so far applied) and with git's facts. */
  async saved(options: { early?: boolean } = {}): Promise<Snapshot> {
    const ws = this.ws();
    const facts = this.readFacts();
    // a view in the app does not wait on a first reading of a long history: it shows "indexing…", and the figures
    // follow as a snapshot delta when the reading is done (a CLI command, a gate, an export always wait)
    if (options.early && this.options.mode !== 'cli' && !this.factsRead) {
      // once one view has said "indexing…", the next ones say it at once instead of waiting again
      if (!this.indexingSaid) await Promise.race([facts, new Promise((r) => setTimeout(r, this.options.historyWaitMs ?? 1000))]);
      this.indexingSaid = !this.factsRead;
    } else await facts;
    await ws.settle();
    // approvals whose signatures git has not been asked about yet (an edit or a commit raced the last read): read them
    // now, so that a figure never calls a signed approval "uncommitted"
    // (analysed first: a big file goes to the worker, never parsed here by the model the check reads)
    let snap = await prepared(ws.snapshot);
    if (staleSignatures(snap)) {
      await this.repo().refreshSignatures();
      snap = await prepared(ws.snapshot);
    }
    await snap.validateSliced(); // figures read the diagnostics: computed here in slices, not in one block later
    return snap;
  }

  async withBuffers(unsaved: Record<string, string> | undefined): Promise<Snapshot> {
    const saved = await this.saved();
    return unsaved && Object.keys(unsaved).length ? this.ws().withUnsaved(unsaved) : saved;
  }

  // git and identity are loaded when a request needs them: a CLI command on a folder without git never loads them
  async provenance(snap: Snapshot): Promise<Provenance> {
    return (await import('./provenance.js')).readProvenance(this.ws().root, snap);
  }

  async actor(what: string): Promise<Actor> {
    const [{ findRepo }, { requirePerson }] = await Promise.all([import('./git/repo.js'), import('./identity.js')]);
    return requirePerson(await findRepo(this.ws().root), this.state.get('author'), what);
  }

  async actorOrNull(): Promise<Actor | null> {
    const [{ findRepo }, { actingPerson }] = await Promise.all([import('./git/repo.js'), import('./identity.js')]);
    return actingPerson(await findRepo(this.ws().root), this.state.get('author')).catch(() => null);
  }

  refreshFacts(): Promise<void> {
    return this.repo().refreshFacts();
  }

  /** Tells the renderer what git sees now; a failure is sent as an error, never as "no changes". */
  private gitTimer: ReturnType<typeof setTimeout> | null = null;
  pushGitStatus(): void {
    if (this.gitTimer || this.options.mode === 'cli') return;
    this.gitTimer = setTimeout(() => {
      this.gitTimer = null;
      const git = this.git;
      if (!git) return;
      void git
        .changes()
        .then(async (changes) => this.emit({ type: 'git-changed', state: await git.state(changes), changes }))
        .catch((e) => this.emit({ type: 'git-changed', error: toApiError(e, 'Reading the changes') }));
    }, 100);
  }

  async open(dir: string): Promise<WorkspaceInfo> {
    const next = await OpenWorkspace.open(dir, (e) => this.emit(e), {
      watch: this.options.watch,
      deltas: this.options.mode !== 'cli',
      lazy: this.options.mode === 'cli', // read at the first need: status and log never need the files
    });
    await this.close();
    this.workspace = next;
    this.backups = new Backups(this.state.dir, next.root);
    const { WorkspaceGit } = await import('./git-service.js');
    this.git = new WorkspaceGit(
      next,
      () => this.state.get('author'),
      () => this.pushGitStatus(),
      (message) => this.emit({ type: 'notice', level: 'info', message }),
    );
    next.onChanged = () => this.pushGitStatus();
    if (this.options.watch !== false) await this.watchGit(next, this.git);
    if (this.options.mode === 'cli') {
      // analyses kept between commands, beside the repository's other kept facts (the app holds its snapshot instead)
      const repo = await (await import('./git/repo.js')).findRepo(next.root);
      if (repo) keepAnalyses(repo.commondir);
    }
    // history facts (CR creation dates, volatility) arrive shortly after, as a snapshot delta; a CLI command reads
    // them when a figure first needs them
    if (this.options.mode !== 'cli') {
      // until the history is read, the figures it gives are "indexing…", not absent
      // (a repository Covenant cannot read opens as files; its git views say why)
      if (await (await import('./git/repo.js')).isRepository(next.root).catch(() => false)) await next.setFacts({ history: new Map(), indexing: true });
      [this.facts, this.factsRead, this.indexingSaid] = [null, false, false];
      void this.readFacts();
      await this.state.addRecent(next.root).catch(() => undefined); // the recent list is a convenience
    }
    this.emit({ type: 'workspace-changed', workspace: next.info });
    return next.info;
  }

  /** A commit or pull made elsewhere: git's facts are read again when HEAD moved, and the status always. */
  private async watchGit(ws: OpenWorkspace, git: WorkspaceGit): Promise<void> {
    const { watchRepository } = await import('./git/watch.js');
    let head = (await git.state().catch(() => null))?.head ?? null;
    this.stopGitWatch = await watchRepository(ws.root, () => {
      if (this.git !== git) return;
      void git.state().then(
        async (s) => {
          if (s.head !== head) {
            head = s.head;
            await git.refreshFacts().catch(() => undefined);
          }
          this.pushGitStatus();
        },
        () => this.pushGitStatus(),
      );
    }).catch(() => null);
  }

  private stopGitWatch: (() => Promise<void>) | null = null;

  async close(): Promise<void> {
    await this.git?.idle(); // a reading of the history still under way finishes before the workspace goes
    await this.stopGitWatch?.();
    this.stopGitWatch = null;
    if (this.gitTimer) clearTimeout(this.gitTimer);
    this.gitTimer = null;
    await this.workspace?.close();
    this.workspace = null;
    this.git = null;
    this.backups = null;
    this.facts = null;
  }

  async filesChanged(paths: string[]): Promise<void> {
    const ws = this.ws();
    for (const p of paths) ws.noteChange(p);
    await ws.settle();
    await this.git?.refreshFacts().catch(() => undefined);
    this.pushGitStatus();
  }

  async remote<T>(op: RemoteOp, given: GivenCredentials, run: (o: RemoteOptions) => Promise<T>): Promise<T> {
    const { remoteRun } = await import('./handlers/credentials.js');
    return remoteRun(this, op, given, run);
  }

  async remoteState() {
    const root = this.ws().root;
    const [{ originOf, aheadBehind }, { readMergeState }, { isRepository }] = await Promise.all([
      import('./git/remote.js'),
      import('./git/merge-state.js'),
      import('./git/repo.js'),
    ]);
    const canRemember = this.options.credentials?.available ?? false;
    if (!(await isRepository(root))) return { origin: null, branch: null, ahead: null, behind: null, canRemember, merge: null };
    const [origin, ab, merge] = await Promise.all([originOf(root), aheadBehind(root), readMergeState(root)]);
    return { origin, ...ab, canRemember, merge };
  }
}
