import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddendumPreview, ApiArgs, ApiEvent, DashboardView, Handlers, NewFileProposal, TemplateKind } from '../common/api.js';
import { addDays, todayIso } from '../common/dates.js';
import { CovenantError, noWorkspace } from '../common/errors.js';
import { adrPath, crPath, sowPath } from '../common/model/kinds.js';
import { nextAdrId, nextCrId, nextSowId } from '../common/model/next-ids.js';
import type { Snapshot } from '../common/workspace.js';
import { AppState } from './app-state.js';
import { copyExample, fillTemplate, initWorkspace, resourcesDir } from './init.js';
import { OpenWorkspace } from './workspace-service.js';
import { Backups } from './backups.js';
import { ledgerView, upsertLedgerEntry } from './ledger-service.js';
import { csvName } from './csv-export.js';
import { crContext, crLoad, crPreview, crWrite, sowContext, sowPreview, sowWrite } from './wizard-service.js';
import { listAdrs, supersedeAdr } from './adr-service.js';
import { commitIdentity, WorkspaceGit } from './git-service.js';
import { isAuthor, NO_IDENTITY, resolveIdentity, storeIdentity, type Signature } from './git/author.js';
import { findRepo } from './git/repo.js';
import { initRepository } from './git/init.js';
import { toApiError } from '../common/errors.js';
import { prepared } from './analysis/offload.js';
import type { CredentialStore } from './credential-store.js';
import type { RemoteOptions } from './git/remote.js';

export interface SessionOptions {
  mode: 'electron' | 'browser';
  state?: AppState;
  /** Native folder picker (Electron only). */
  pickFolder?: () => Promise<string | null>;
  watch?: boolean;
  version?: string;
  /** Where the desktop app remembers credentials (encrypted with safeStorage); none in browser mode. */
  credentials?: CredentialStore;
}

type GivenCredentials = { username: string; password: string; remember?: boolean } | undefined;

/**
 * One running Covenant: the open workspace, the app state, and the API handlers over them. Electron's main process
 * and `covenant serve` each make one and expose `handlers` over their transport.
 */
/** Whether some approval of the snapshot has no signature fact (or one for another entry). */
function staleSignatures(snap: Snapshot): boolean {
  const facts = snap.facts.signatures;
  for (const doc of [...snap.model.crs, ...snap.model.sows]) {
    const approvals = doc.data.approvals ?? [];
    if (approvals.length === 0) continue;
    const known = facts?.get(doc.path) ?? [];
    if (approvals.some((a, i) => !known.some((f) => f.index === i && f.member === a.member && f.at === a.at && f.signature !== 'uncommitted'))) return true;
  }
  return false;
}

export class Session {
  private workspace: OpenWorkspace | null = null;
  private git: WorkspaceGit | null = null;
  private backups: Backups | null = null;
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  readonly state: AppState;
  readonly handlers: Handlers;

  constructor(private readonly options: SessionOptions) {
    this.state = options.state ?? new AppState();
    this.handlers = this.makeHandlers();
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ApiEvent): void {
    for (const l of this.listeners) l(event);
  }

  current(): OpenWorkspace | null {
    return this.workspace;
  }

  private repo(): WorkspaceGit {
    if (!this.git) throw noWorkspace();
    return this.git;
  }

  private ws(): OpenWorkspace {
    if (!this.workspace) throw noWorkspace();
    return this.workspace;
  }

  /** Git's facts of the open workspace are read (figures wait for them: a figure from history is never guessed). */
  private factsReady: Promise<void> = Promise.resolve();

  /** The saved snapshot, settled (every change seen so far applied) and with git's facts. */
  private async saved(): Promise<Snapshot> {
    const ws = this.ws();
    await this.factsReady;
    await ws.settle();
    // approvals whose signatures git has not been asked about yet (an edit or a commit raced the last read): read them
    // now, so that a figure never calls a signed approval "uncommitted"
    if (staleSignatures(ws.snapshot)) await this.repo().refreshSignatures();
    const snap = await prepared(ws.snapshot);
    await snap.validateSliced(); // figures read the diagnostics: computed here in slices, not in one block later
    return snap;
  }

  /** Tells the renderer what git sees now; a failure is sent as an error, never as "no changes". */
  private gitTimer: ReturnType<typeof setTimeout> | null = null;
  private pushGitStatus(): void {
    if (this.gitTimer) return;
    this.gitTimer = setTimeout(() => {
      this.gitTimer = null;
      const git = this.git;
      if (!git) return;
      void Promise.all([git.state(), git.changes()])
        .then(([state, changes]) => this.emit({ type: 'git-changed', state, changes }))
        .catch((e) => this.emit({ type: 'git-changed', error: toApiError(e, 'Reading the changes') }));
    }, 100);
  }

  async open(dir: string) {
    const next = await OpenWorkspace.open(dir, (e) => this.emit(e), { watch: this.options.watch });
    await this.workspace?.close();
    this.workspace = next;
    this.backups = new Backups(this.state.dir, next.root);
    this.git = new WorkspaceGit(
      next,
      () => this.state.get('author'),
      () => this.pushGitStatus(),
      (message) => this.emit({ type: 'notice', level: 'info', message }),
    );
    next.onChanged = () => this.pushGitStatus();
    await this.stopGitWatch?.();
    this.stopGitWatch = null;
    if (this.options.watch !== false) {
      const { watchRepository } = await import('./git/watch.js');
      let head = (await this.git.state().catch(() => null))?.head ?? null;
      const git = this.git;
      this.stopGitWatch = await watchRepository(next.root, () => {
        if (this.git !== git) return;
        // a commit or pull made elsewhere: git's facts are read again when HEAD moved, and the status always
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
    // History facts (CR creation dates, volatility) arrive shortly after, as a snapshot delta.
    this.factsReady = this.git
      .refreshFacts()
      .catch((e) => this.emit({ type: 'notice', level: 'warning', message: `Reading the git history failed: ${(e as Error).message}` }));
    await this.state.addRecent(next.root).catch(() => undefined); // the recent list is a convenience
    this.emit({ type: 'workspace-changed', workspace: next.info });
    return next.info;
  }

  private stopGitWatch: (() => Promise<void>) | null = null;

  async close(): Promise<void> {
    await this.stopGitWatch?.();
    this.stopGitWatch = null;
    if (this.gitTimer) clearTimeout(this.gitTimer);
    this.gitTimer = null;
    await this.workspace?.close();
    this.workspace = null;
    this.git = null;
    this.backups = null;
  }

  /** The person doing something by hand: git's identity, or the name given to Covenant once. */
  private async person(repo: Awaited<ReturnType<typeof findRepo>>, what: string): Promise<{ name: string; email: string }> {
    const found = await resolveIdentity(repo).catch(() => null);
    const remembered = this.state.get('author');
    const who = found ? found.author : isAuthor(remembered) ? remembered : null;
    if (!who) throw new CovenantError('invalid-input', `Who ${what}? ${NO_IDENTITY}`, { reason: 'no-author' });
    return who;
  }

  /** Plans an addendum (and with `write`, writes it: the new files first, then the edits). */
  private async addendum(args: ApiArgs<'addendum.preview'>, write: boolean): Promise<AddendumPreview> {
    const ws = this.ws();
    const who = args.apply ? await this.person(await findRepo(ws.root), 'applies this addendum') : null;
    const { planAddendum } = await import('./addendum-service.js');
    const plan = await planAddendum(await this.saved(), async (p) => (await ws.read(p)).text, {
      cr: args.cr,
      edits: args.edits,
      summary: args.summary,
      apply: args.apply,
      by: who ? `${who.name} <${who.email}>` : null,
    });
    if (!write) return plan;
    if (plan.diagnostics.length)
      throw new CovenantError('invalid-input', `The addendum would leave errors: ${plan.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`).join(' ')}`);
    for (const f of plan.files) await (f.isNew ? ws.create(f.path, f.text) : ws.write(f.path, f.text));
    return plan;
  }

  /**
   * Progress and credentials for one remote operation. Credentials: those the person just typed, else the ones the
   * desktop app remembered for the server, else the environment or git's credential helper.
   */
  private remoteOptions(op: 'clone' | 'fetch' | 'pull' | 'push', given: GivenCredentials): RemoteOptions & { used: () => string | null } {
    let last = 0;
    let usedUrl: string | null = null;
    return {
      onProgress: (phase, loaded, total) => {
        const now = Date.now();
        if (now - last < 100 && total !== loaded) return; // a few events a second are enough to watch
        last = now;
        this.emit({ type: 'remote-progress', op, phase, loaded, total: total ?? null });
      },
      credentials: async (url) => {
        usedUrl = url;
        if (given) return { username: given.username, password: given.password };
        const { credentialsFor } = await import('./git/remote.js');
        return (await this.options.credentials?.get(url)) ?? credentialsFor(url);
      },
      used: () => usedUrl,
    };
  }

  /** Runs a remote operation; remembers typed credentials that worked when asked to, forgets remembered ones refused. */
  private async remote<T>(op: 'clone' | 'fetch' | 'pull' | 'push', given: GivenCredentials, run: (o: RemoteOptions) => Promise<T>): Promise<T> {
    const o = this.remoteOptions(op, given);
    try {
      const r = await run(o);
      const url = o.used();
      if (url && given?.remember && this.options.credentials) await this.options.credentials.set(url, given);
      return r;
    } catch (e) {
      const url = o.used();
      if (url && !given && (e as CovenantError).reason === 'credentials-refused') await this.options.credentials?.forget(url);
      throw e;
    }
  }

  private async remoteState() {
    const root = this.ws().root;
    const { originOf, aheadBehind } = await import('./git/remote.js');
    const { readMergeState } = await import('./git/merge-state.js');
    const { isRepository } = await import('./git/repo.js');
    const canRemember = this.options.credentials?.available ?? false;
    if (!(await isRepository(root))) return { origin: null, branch: null, ahead: null, behind: null, canRemember, merge: null };
    const [origin, ab, merge] = await Promise.all([originOf(root), aheadBehind(root), readMergeState(root)]);
    return { origin, ...ab, canRemember, merge };
  }

  /** Files changed on disk by git (a pull, an abort): read now, not when the watcher gets to them. */
  private async filesChanged(paths: string[]): Promise<void> {
    const ws = this.ws();
    for (const p of paths) ws.noteChange(p);
    await ws.settle();
    await this.git?.refreshFacts().catch(() => undefined);
    this.pushGitStatus();
  }

  private backupStore(): Backups {
    if (!this.backups) throw noWorkspace();
    return this.backups;
  }

  /** The author for a first commit: the settings, git config, or a neutral one from this machine. */
  private async initialIdentity(): Promise<{ author: Signature; committer: Signature } | null> {
    return commitIdentity(null, this.state.get('author')).catch(() => null);
  }

  /** After `initRepository`: a name given to Covenant goes into the new repository's config, so git agrees. */
  private async rememberIdentityIn(root: string): Promise<void> {
    const repo = await findRepo(root);
    const remembered = this.state.get('author');
    if (repo && isAuthor(remembered) && !(await resolveIdentity(repo))) await storeIdentity(repo, remembered);
  }

  private async propose(kind: TemplateKind): Promise<NewFileProposal> {
    const model = (await this.saved()).model;
    const today = todayIso();
    let id: string;
    let file: string;
    if (kind === 'sow') {
      id = nextSowId([...model.knownIds.sow]);
      file = sowPath(id);
    } else if (kind === 'cr') {
      id = nextCrId([...model.knownIds.cr]);
      file = crPath(id);
    } else {
      id = nextAdrId([...model.knownIds.adr]);
      file = adrPath(id);
    }
    const requestor = model.master?.data.governance.steering_committee?.[0] ?? [...model.roles()][0] ?? 'client';
    const template = await readFile(path.join(resourcesDir(), 'templates', 'new', kind === 'adr' ? 'adr.md' : `${kind}.yaml`), 'utf8');
    return { kind, path: file, text: fillTemplate(template, { id, today, today_plus_13: addDays(today, 13), requestor }) };
  }

  private makeHandlers(): Handlers {
    return {
      'app.info': async () => ({ mode: this.options.mode, version: this.options.version ?? '0.1.0' }),
      'workspace.current': async () => this.workspace?.info ?? null,
      'workspace.open': async ({ root }) => this.open(root),
      'workspace.create': async ({ root }) => {
        if (!path.isAbsolute(root)) throw new CovenantError('invalid-input', `Give the full path of the new workspace folder (got ${JSON.stringify(root)}).`);
        await initWorkspace(root);
        const who = await this.initialIdentity();
        await initRepository(root, who, 'Covenant workspace created');
        await this.rememberIdentityIn(root);
        const info = await this.open(root);
        if (!who) this.emit({ type: 'notice', level: 'warning', message: `The workspace is a git repository with nothing committed yet. ${NO_IDENTITY}` });
        return info;
      },
      'workspace.openExample': async () => {
        const dir = path.join(this.state.dir, 'examples', 'onboarding-redesign');
        if (!(await stat(dir).catch(() => null))) {
          await mkdir(path.dirname(dir), { recursive: true });
          await copyExample(dir);
          // the example's first commit is the example's, not the user's: it says so when nobody is configured
          const now = new Date();
          const example = {
            name: 'Covenant example',
            email: 'example@covenant.invalid',
            timestamp: Math.floor(now.getTime() / 1000),
            timezoneOffset: now.getTimezoneOffset(),
          };
          await initRepository(dir, (await this.initialIdentity()) ?? { author: example, committer: example }, 'Example workspace: onboarding redesign');
          await this.rememberIdentityIn(dir);
        }
        return this.open(dir);
      },
      'workspace.close': async () => {
        await this.close();
        this.emit({ type: 'workspace-changed', workspace: null });
      },
      'workspace.recent': async () => this.state.recent(),
      'workspace.pickFolder': async () => {
        if (!this.options.pickFolder) throw new CovenantError('invalid-input', 'Folder dialogs exist only in the desktop app; type the folder path instead.');
        return this.options.pickFolder();
      },
      'files.list': async () => this.ws().list(),
      'files.read': async ({ path: p }) => this.ws().read(p),
      'files.write': async ({ path: p, text, baseHash }) => {
        const written = await this.ws().write(p, text, baseHash);
        await this.backups?.discard(p); // saved: the hot-exit copy is no longer needed (no second round trip)
        return written;
      },
      'files.create': async ({ path: p, text }) => this.ws().create(p, text),
      'files.rename': async ({ from, to }) => this.ws().rename(from, to),
      'files.delete': async ({ path: p }) => this.ws().delete(p),
      'workspace.validate': async ({ overlays, today }) => this.ws().validate(overlays ?? {}, today),
      'templates.propose': async ({ kind }) => this.propose(kind),
      'git.state': async () => this.repo().state(),
      'git.init': async () => this.repo().init(),
      'git.changes': async () => this.repo().changes(),
      'git.proposeMessage': async ({ paths }) => this.repo().proposeMessage(paths),
      'git.diff': async ({ path: p }) => this.repo().diff(p),
      'git.commit': async ({ paths, message, allowErrors }) => this.repo().commit(paths, message, allowErrors ?? false),
      'git.log': async ({ path: p, limit }) => this.repo().log(p, limit),
      'git.readAt': async ({ oid, path: p }) => this.repo().readAt(oid, p),
      'git.compare': async ({ from, to }) => this.repo().compare(from, to),
      'git.restore': async ({ oid, path: p }) => this.repo().restore(oid, p),
      'remote.state': async () => this.remoteState(),
      'remote.fetch': async ({ credentials }) => {
        const { fetchOrigin } = await import('./git/remote.js');
        await this.remote('fetch', credentials, (o) => fetchOrigin(this.ws().root, o));
        return this.remoteState();
      },
      'remote.pull': async ({ credentials }) => {
        const ws = this.ws();
        const repo = await findRepo(ws.root);
        const who = await commitIdentity(repo, this.state.get('author'));
        const { pull, newErrors, withFiles } = await import('./git/remote.js');
        // the merge is checked against the open snapshot: only the merged files are parsed again
        const check = async (changes: { path: string; text: string | null }[]) => {
          const now = await this.saved();
          const merged = withFiles(now, changes);
          const after = await (await prepared(merged)).validateSliced();
          return newErrors((await now.validateSliced()).diagnostics, after.diagnostics);
        };
        const r = await this.remote('pull', credentials, (o) => pull(ws.root, who, { ...o, check, onWrite: (paths) => void this.filesChanged(paths) }));
        if (r.outcome !== 'conflicts') this.pushGitStatus();
        return r;
      },
      'remote.push': async ({ credentials }) => {
        const { push } = await import('./git/remote.js');
        await this.remote('push', credentials, (o) => push(this.ws().root, o));
        return this.remoteState();
      },
      'remote.clone': async ({ url, root, credentials }) => {
        if (!path.isAbsolute(root)) throw new CovenantError('invalid-input', `Give the full path of the folder to clone into (got ${JSON.stringify(root)}).`);
        const { clone } = await import('./git/remote.js');
        await this.remote('clone', credentials, (o) => clone(url, root, o));
        return this.open(root);
      },
      'merge.resolve': async ({ key, take, edit }) => {
        const ws = this.ws();
        const who = await resolveIdentity(await findRepo(ws.root)).catch(() => null);
        const { resolveConflict } = await import('./git/merge-state.js');
        const state = await resolveConflict(ws.root, key, { take, edit, by: who ? `${who.author.name} <${who.author.email}>` : undefined });
        await this.filesChanged([state.conflicts.find((c) => c.key === key)!.path]);
        return state;
      },
      'merge.continue': async () => {
        const ws = this.ws();
        const who = await commitIdentity(await findRepo(ws.root), this.state.get('author'));
        const { continueMerge } = await import('./git/merge-state.js');
        const { errorsAddedSince } = await import('./git/remote.js');
        const { oid, state } = await continueMerge(ws.root, who, async (touched, ours) => errorsAddedSince(ws.root, ours, touched, await this.saved()));
        await this.filesChanged(state.touched);
        return { oid };
      },
      'merge.abort': async () => {
        const { abortMerge } = await import('./git/merge-state.js');
        const state = await abortMerge(this.ws().root);
        const restored = [...new Set([...state.touched, ...state.conflicts.map((c) => c.path)])];
        await this.filesChanged(restored);
        return { restored };
      },
      'backups.save': async ({ path: p, text, baseHash }) => {
        await this.ws().confinePath(p);
        await this.backupStore().save({ path: p, text, baseHash });
      },
      'backups.discard': async ({ path: p }) => this.backupStore().discard(p),
      'backups.list': async () => {
        const ws = this.ws();
        const out = [];
        for (const b of await this.backupStore().list()) {
          try {
            await ws.confinePath(b.path);
          } catch {
            await this.backupStore().discard(b.path);
            continue;
          }
          const disk = await ws.read(b.path).catch((e: CovenantError) => {
            if (e.code === 'not-found') return null;
            throw e;
          });
          const diskHash = disk ? disk.hash : null;
          if (disk && disk.text === b.text) {
            await this.backupStore().discard(b.path); // saved after all
            continue;
          }
          out.push({ ...b, disk: disk ? { text: disk.text, hash: disk.hash } : null, baseMatches: diskHash === b.baseHash });
        }
        return out;
      },
      'ledger.get': async () => ledgerView(await this.saved()),
      'ledger.upsert': async (entry) => upsertLedgerEntry(this.ws(), entry),
      'results.record': async ({ sow, gate, outcome, note }) => {
        const ws = this.ws();
        const repo = await findRepo(ws.root);
        const who = await this.person(repo, 'records this result');
        const { recordResult } = await import('./results.js');
        const { git } = await import('./git/repo.js');
        const commit = repo ? await git.resolveRef({ ...repo.opts, ref: 'HEAD' }).catch(() => null) : null;
        const rel = await recordResult(ws.root, await this.saved(), {
          sow,
          gate,
          outcome,
          source: { kind: 'hand' },
          by: `${who.name} <${who.email}>`,
          commit,
          note,
        });
        await ws.refresh(rel);
        return { path: rel };
      },
      'changes.review': async ({ cr, outcome, note }) => {
        const ws = this.ws();
        const who = await this.person(await findRepo(ws.root), 'reviews this change');
        const doc = (await this.saved()).model.cr(cr);
        if (!doc) throw new CovenantError('not-found', `There is no readable change request ${cr}.`);
        const { reviewText } = await import('./reviews.js');
        const current = await ws.read(doc.path);
        await ws.write(doc.path, reviewText(current.text, { by: `${who.name} <${who.email}>`, outcome, note }), current.hash);
        return { path: doc.path };
      },
      'approvals.approve': async ({ id, member, keyPath, passphrase }) => {
        const ws = this.ws();
        const key = await readFile(path.resolve(keyPath), 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw new CovenantError('not-found', `Cannot read the key file ${keyPath} (${e.code ?? e.message}).`);
        });
        const { approve } = await import('./approvals.js');
        const r = await approve(ws.root, await this.saved(), { id, member, key, keyFile: path.basename(keyPath), passphrase });
        await ws.refresh(r.path);
        await this.repo().refreshFacts(); // the new signature is a fact of git's
        this.pushGitStatus();
        return { commit: r.commit, path: r.path };
      },
      'redline.get': async ({ path: p }) => {
        const { redline } = await import('./approvals.js');
        return redline(this.ws().root, await this.saved(), p);
      },
      'defects.import': async ({ name, text, format, sow }) => {
        const ws = this.ws();
        const repo = await findRepo(ws.root);
        const found = await resolveIdentity(repo).catch(() => null);
        const { importDefects } = await import('./defects.js');
        const r = await importDefects(ws.root, await this.saved(), {
          file: name,
          bytes: Buffer.from(text, 'utf8'),
          format,
          sow,
          by: found ? `${found.author.name} <${found.author.email}>` : null,
        });
        await ws.refresh(r.path);
        return { path: r.path, count: r.count };
      },
      'addendum.preview': async (args) => this.addendum(args, false),
      'addendum.write': async (args) => (await this.addendum(args, true)).files.map((f) => f.path),
      'dashboard.get': async (): Promise<DashboardView> => {
        const snap = await this.saved();
        const f = snap.figures();
        const { provenance } = await import('./pdf/export.js');
        const p = await provenance(this.ws().root, []);
        return {
          ...f.compliance,
          provenance: { commit: p.commit, uncommitted: p.dirty, unsaved: [], leftOut: [...f.leftOut] },
          budget: { summary: f.ledger, problem: f.ledger ? null : f.ledgerProblem },
        };
      },
      'wizard.crContext': async () => crContext(this.ws()),
      'wizard.crLoad': async ({ path: p }) => crLoad(this.ws(), p),
      'wizard.crPreview': async ({ draft, editing }) => crPreview(this.ws(), draft, editing),
      'wizard.crWrite': async ({ draft, editing }) => crWrite(this.ws(), draft, editing),
      'wizard.sowContext': async () => sowContext(this.ws()),
      'wizard.sowPreview': async ({ draft }) => sowPreview(this.ws(), draft),
      'wizard.sowWrite': async ({ draft }) => sowWrite(this.ws(), draft),
      'pdf.export': async ({ scope, id, unsaved }) => {
        const ws = this.ws();
        if (scope !== 'contract' && !id) throw new CovenantError('invalid-input', `Which ${scope === 'sow' ? 'SOW' : 'change request'}?`);
        // saved files unless the user asked for unsaved edits: then a snapshot of its own, and the footer says so
        const snap = unsaved ? await ws.withUnsaved(unsaved) : await this.saved();
        const { exportPdf, provenance } = await import('./pdf/export.js');
        const pdf = await exportPdf(ws.root, snap, scope === 'contract' ? { kind: 'contract' } : { kind: scope, id: id! });
        const p = await provenance(ws.root, snap.unsaved);
        const name = scope === 'contract' ? `${path.basename(ws.root)}-contract` : id!;
        return {
          filename: `${name}-${new Date().toISOString().slice(0, 10)}.pdf`,
          base64: pdf.toString('base64'),
          provenance: { commit: p.commit, uncommitted: p.dirty, unsaved: snap.unsaved, leftOut: [...snap.model.leftOut] },
        };
      },
      'document.get': async ({ path: p, unsaved }) => {
        const ws = this.ws();
        const dirty = unsaved && Object.keys(unsaved).length > 0;
        const snap = dirty ? await ws.withUnsaved(unsaved) : await this.saved();
        const { provenance } = await import('./pdf/export.js');
        const at = await provenance(ws.root, []);
        const commit = at.commit ? `commit ${at.commit.slice(0, 7)}${at.dirty ? ' plus uncommitted changes' : ''}` : 'no commit yet';
        const shows = dirty && unsaved[p] !== undefined ? `Your unsaved edits to ${p} (not saved yet), over ${commit}` : `The saved file, ${commit}`;
        const { contractDocument } = await import('./document-service.js');
        return contractDocument(snap, p, shows);
      },
      'archive.closed': async ({ bundle, before, dryRun }) => {
        const { archiveClosed } = await import('./archive.js');
        const plan = await archiveClosed(this.ws(), bundle, before, { dryRun });
        return { bundle: plan.bundle, moves: plan.moves, summaryPath: plan.summaryPath };
      },
      'export.csv': async ({ table }) => {
        const ws = this.ws();
        const snap = await this.saved();
        const { exportCsv } = await import('./csv-export.js');
        const text = exportCsv(snap, table);
        const { provenance } = await import('./pdf/export.js');
        const p = await provenance(ws.root, []);
        return {
          filename: csvName(path.basename(ws.root), table, p.commit, p.dirty),
          text,
          provenance: { commit: p.commit, uncommitted: p.dirty, unsaved: [], leftOut: [...snap.model.leftOut] },
        };
      },
      'adr.list': async () => listAdrs(this.ws()),
      'adr.supersede': async ({ id, title }) => ({ path: await supersedeAdr(this.ws(), id, title) }),
      'settings.author': async () => {
        const repo = this.git ? await findRepo(this.git.root) : null;
        const found = await resolveIdentity(repo).catch(() => null);
        if (found) return { name: found.author.name, email: found.author.email };
        const remembered = this.state.get('author');
        return isAuthor(remembered) ? remembered : null;
      },
      'settings.setAuthor': async ({ name, email }) => {
        const who = { name: name.trim(), email: email.trim() };
        await this.state.set('author', who); // for repositories made later
        const repo = this.git ? await findRepo(this.git.root) : null;
        if (repo) await storeIdentity(repo, who); // asked once: this repository's .git/config, as git config user.name does
      },
    };
  }
}
