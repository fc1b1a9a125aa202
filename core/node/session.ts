import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiFailure, type Api, type ApiEvent, type NewFileProposal, type TemplateKind } from '../common/api.js';
import { addDays, todayIso } from '../common/dates.js';
import { adrPath, crPath, idFromPath, sowPath } from '../common/model/kinds.js';
import { nextAdrId, nextCrId, nextSowId } from '../common/model/next-ids.js';
import { asString, dig } from '../common/model/read.js';
import { AppState } from './app-state.js';
import { copyExample, fillTemplate, initWorkspace, resourcesDir } from './init.js';
import { WorkspaceError } from './workspace-loader.js';
import { OpenWorkspace } from './workspace-service.js';
import { Backups } from './backups.js';
import { ledgerView, upsertLedgerEntry } from './ledger-service.js';
import { crContext, crLoad, crPreview, crWrite, sowContext, sowWrite } from './wizard-service.js';
import { listAdrs, supersedeAdr } from './adr-service.js';
import { exportPdf } from './pdf/export.js';
import { figuresFrom, volatilityOf } from './figures.js';
import { isRepository } from './git/repo.js';
import { fallbackAuthor, WorkspaceGit } from './git-service.js';
import { isAuthor, resolveAuthor } from './git/author.js';
import { initRepository } from './git/init.js';

export interface SessionOptions {
  mode: 'electron' | 'browser';
  state?: AppState;
  /** Native folder picker (Electron only). */
  pickFolder?: () => Promise<string | null>;
  watch?: boolean;
  version?: string;
}

/**
 * One running Covenant: the open workspace, the app state, and the API handlers over them. Electron's main process
 * and `covenant serve` each make one and expose `handlers` over their transport.
 */
export class Session {
  private workspace: OpenWorkspace | null = null;
  private git: WorkspaceGit | null = null;
  private backups: Backups | null = null;
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  readonly state: AppState;
  readonly handlers: Api;

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
    if (!this.git) throw new ApiFailure('no-workspace', 'No workspace is open.');
    return this.git;
  }

  private ws(): OpenWorkspace {
    if (!this.workspace) throw new ApiFailure('no-workspace', 'No workspace is open.');
    return this.workspace;
  }

  async open(dir: string) {
    let next: OpenWorkspace;
    try {
      next = await OpenWorkspace.open(dir, (e) => this.emit(e), { watch: this.options.watch });
    } catch (e) {
      if (e instanceof WorkspaceError) throw new ApiFailure(e.code === 'not-found' ? 'not-found' : 'io', e.message);
      throw e;
    }
    await this.workspace?.close();
    this.workspace = next;
    this.backups = new Backups(this.state.dir, next.root);
    this.git = new WorkspaceGit(next, () => this.state.get('author'), () => this.emit({ type: 'git-changed' }));
    // History facts (CR creation dates) arrive shortly after; then the renderer re-validates.
    void this.git.refreshFacts().then(() => this.emit({ type: 'git-changed' }));
    this.state.addRecent(next.root);
    this.emit({ type: 'workspace-changed', workspace: next.info });
    return next.info;
  }

  async close(): Promise<void> {
    await this.workspace?.close();
    this.workspace = null;
    this.git = null;
    this.backups = null;
  }

  private backupStore(): Backups {
    if (!this.backups) throw new ApiFailure('no-workspace', 'No workspace is open.');
    return this.backups;
  }

  /** The author for a first commit: the settings, git config, or a neutral one from this machine. */
  private async initialAuthor(root: string) {
    return (await resolveAuthor(root, this.state.get('author'))) ?? fallbackAuthor();
  }

  private async propose(kind: TemplateKind): Promise<NewFileProposal> {
    const ws = this.ws();
    const paths = ws.engine.contractPaths();
    const ids = (prefix: string) => paths.filter((p) => p.startsWith(prefix)).map((p) => asString(dig(ws.engine.parsed(p)?.value, 'id')) ?? idFromPath(p) ?? '');
    const today = todayIso();
    let id: string;
    let file: string;
    if (kind === 'sow') {
      id = nextSowId(ids('contracts/sow/'));
      file = sowPath(id);
    } else if (kind === 'cr') {
      id = nextCrId(ids('contracts/changes/'));
      file = crPath(id);
    } else {
      id = nextAdrId(paths.filter((p) => p.startsWith('docs/adr/')).map((p) => idFromPath(p) ?? ''));
      file = adrPath(id);
    }
    const requestor = asString(dig(ws.engine.parsed('contracts/master_contract.yaml')?.value, 'governance', 'steering_committee', 0)) ?? 'client';
    const template = await readFile(path.join(resourcesDir(), 'templates', 'new', kind === 'adr' ? 'adr.md' : `${kind}.yaml`), 'utf8');
    return { kind, path: file, text: fillTemplate(template, { id, today, today_plus_13: addDays(today, 13), requestor }) };
  }

  private makeHandlers(): Api {
    return {
      'app.info': async () => ({ mode: this.options.mode, version: this.options.version ?? '0.1.0' }),
      'workspace.current': async () => this.workspace?.info ?? null,
      'workspace.open': async ({ root }) => this.open(root),
      'workspace.create': async ({ root }) => {
        try {
          await initWorkspace(root);
        } catch (e) {
          throw new ApiFailure('exists', (e as Error).message);
        }
        await initRepository(root, await this.initialAuthor(root), 'Covenant workspace created');
        return this.open(root);
      },
      'workspace.openExample': async () => {
        const dir = path.join(this.state.dir, 'examples', 'onboarding-redesign');
        if (!(await stat(dir).catch(() => null))) {
          await mkdir(path.dirname(dir), { recursive: true });
          await copyExample(dir);
          await initRepository(dir, await this.initialAuthor(dir), 'Example workspace: onboarding redesign');
        }
        return this.open(dir);
      },
      'workspace.close': async () => {
        await this.close();
        this.emit({ type: 'workspace-changed', workspace: null });
      },
      'workspace.recent': async () => this.state.recent(),
      'workspace.pickFolder': async () => {
        if (!this.options.pickFolder) throw new ApiFailure('unsupported', 'Folder dialogs exist only in the desktop app; type the folder path instead.');
        return this.options.pickFolder();
      },
      'files.list': async () => this.ws().list(),
      'files.read': async ({ path: p }) => this.ws().read(p),
      'files.write': async ({ path: p, text, baseHash }) => this.ws().write(p, text, baseHash),
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
      'backups.save': async ({ path: p, text, baseHash }) => {
        this.ws().confinePath(p);
        this.backupStore().save({ path: p, text, baseHash });
      },
      'backups.discard': async ({ path: p }) => this.backupStore().discard(p),
      'backups.list': async () => {
        const ws = this.ws();
        const out = [];
        for (const b of this.backupStore().list()) {
          try {
            ws.confinePath(b.path);
          } catch {
            this.backupStore().discard(b.path);
            continue;
          }
          const disk = await ws.read(b.path).catch(() => null);
          const diskHash = disk ? disk.hash : null;
          if (disk && disk.text === b.text) {
            this.backupStore().discard(b.path); // saved after all
            continue;
          }
          out.push({ ...b, disk: disk ? { text: disk.text, hash: disk.hash } : null, baseMatches: diskHash === b.baseHash });
        }
        return out;
      },
      'ledger.get': async () => ledgerView(this.ws(), this.repo().crFacts()),
      'ledger.upsert': async (entry) => upsertLedgerEntry(this.ws(), entry),
      'dashboard.get': async () => {
        const ws = this.ws();
        const volatility = isRepository(ws.root) ? await volatilityOf(ws.root, ws.engine) : undefined;
        return figuresFrom(ws.engine, this.repo().crFacts(), undefined, volatility).compliance;
      },
      'wizard.crContext': async () => crContext(this.ws()),
      'wizard.crLoad': async ({ path: p }) => crLoad(this.ws(), p),
      'wizard.crPreview': async ({ draft, editing }) => crPreview(this.ws(), draft, editing),
      'wizard.crWrite': async ({ draft, editing }) => crWrite(this.ws(), draft, editing),
      'wizard.sowContext': async () => sowContext(this.ws()),
      'wizard.sowWrite': async ({ draft }) => sowWrite(this.ws(), draft),
      'pdf.export': async ({ scope, id }) => {
        const ws = this.ws();
        if (scope !== 'contract' && !id) throw new ApiFailure('bad-request', `Which ${scope === 'sow' ? 'SOW' : 'change request'}?`);
        const pdf = await exportPdf(ws.root, ws.engine, scope === 'contract' ? { kind: 'contract' } : { kind: scope, id: id! });
        const name = scope === 'contract' ? `${path.basename(ws.root)}-contract` : id!;
        return { filename: `${name}-${new Date().toISOString().slice(0, 10)}.pdf`, base64: pdf.toString('base64') };
      },
      'adr.list': async () => listAdrs(this.ws()),
      'adr.supersede': async ({ id, title }) => ({ path: await supersedeAdr(this.ws(), id, title) }),
      'settings.author': async () => (this.git ? resolveAuthor(this.git.root, this.state.get('author')) : isAuthor(this.state.get('author')) ? (this.state.get('author') as { name: string; email: string }) : null),
      'settings.setAuthor': async ({ name, email }) => this.state.set('author', { name: name.trim(), email: email.trim() }),
    };
  }
}
