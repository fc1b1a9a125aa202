/**
 * The one API between the renderer and the Node core, declared once. Electron serves it over IPC, `covenant serve`
 * over a token-guarded loopback HTTP bridge; both call the same handlers (core/node/handlers.ts).
 * Every result is `{ok: true, data} | {ok: false, error}` so errors look the same over every transport.
 */
import type { ValidationResult } from './workspace.js';
import type { FileKind } from './model/kinds.js';
import type { LedgerSummary } from './ledger.js';
import type { Compliance } from './compliance.js';
import type { ChangeThresholds } from './thresholds.js';
import type { CrDraft } from './wizards/cr.js';
import type { SowDraft } from './wizards/sow.js';
import type { Diagnostic } from './diagnostics.js';

export interface ApiError {
  code: ApiErrorCode;
  message: string;
}

export type ApiErrorCode =
  | 'bad-request'
  | 'unknown-method'
  | 'no-workspace'
  | 'not-found'
  | 'exists'
  | 'outside-workspace'
  | 'conflict'
  | 'io'
  | 'unsupported'
  | 'not-a-repository'
  | 'locked'
  | 'no-author'
  | 'validation-errors'
  | 'git'
  | 'internal';

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export interface WorkspaceInfo {
  /** Absolute real path of the workspace folder. */
  root: string;
  /** The folder's name, for titles. */
  name: string;
}

export interface RecentWorkspace {
  root: string;
  name: string;
  openedAt: string;
}

export interface FileEntry {
  /** Workspace-relative path with forward slashes. */
  path: string;
  kind: FileKind | null;
}

export interface FileContent {
  path: string;
  text: string;
  /** SHA-256 of the bytes on disk, to detect changes made by others. */
  hash: string;
}

export interface WriteResult {
  path: string;
  hash: string;
}

export type TemplateKind = 'sow' | 'cr' | 'adr';

export interface NewFileProposal {
  kind: TemplateKind;
  /** Suggested workspace path, e.g. contracts/sow/SPRINT-08.yaml. */
  path: string;
  text: string;
}

export type ChangeStatus = 'new' | 'modified' | 'deleted';

export interface FileChange {
  path: string;
  status: ChangeStatus;
}

export interface GitState {
  /** The workspace is a git repository. */
  repository: boolean;
  branch: string | null;
  detached: boolean;
  head: string | null;
  mergeInProgress: boolean;
  rebaseInProgress: boolean;
  cherryPickInProgress: boolean;
  /** Another git process holds .git/index.lock. */
  locked: boolean;
  /** Contract files that contain merge conflict markers. */
  conflictFiles: string[];
}

export interface LogEntry {
  oid: string;
  message: string;
  summary: string;
  author: { name: string; email: string };
  date: string;
  parents: string[];
}

/** An unsaved buffer found after Covenant stopped, with the file as it is on disk now. */
export interface RestoredBackup {
  path: string;
  text: string;
  baseHash: string | null;
  savedAt: string;
  /** The file on disk now (null when it no longer exists). */
  disk: { text: string; hash: string } | null;
  /** The disk still holds the version the buffer was based on: safe to restore as unsaved edits. */
  baseMatches: boolean;
}

export interface LedgerView {
  /** Null when the ledger or the master's incentive model is missing or invalid (see problem). */
  summary: LedgerSummary | null;
  problem: string | null;
  /** SOW ids, for new entries. */
  periods: string[];
  /** Approved change requests shown on the period of the SOW they link to. */
  changesByPeriod: Record<string, { id: string; path: string; verdict: 'minor' | 'major' | null }[]>;
}

export interface LedgerEntryInput {
  period: string;
  target_cost: number;
  actual_cost: number;
  note?: string;
}

export interface CrContext {
  thresholds: ChangeThresholds | null;
  /** Governance roles, suggested as requestor and approvers. */
  roles: string[];
  /** The owner of scope decisions, suggested as approver. */
  scopeOwner: string | null;
  /** Dependencies already used in the workspace. */
  dependencies: string[];
  sows: string[];
  nextCr: string;
  nextAdr: string;
  today: string;
}

export interface CrPreview {
  files: { path: string; text: string; isNew: boolean }[];
  /** Errors those files would have in the workspace; the wizard writes nothing while there are any. */
  diagnostics: Diagnostic[];
}

export interface AdrSummary {
  id: string;
  path: string;
  title: string | null;
  status: string | null;
  date: string | null;
  supersedes: string | null;
  supersededBy: string | null;
  /** Change requests whose adr: cites this record. */
  citedBy: { id: string; path: string }[];
}

export interface SowContext {
  nextId: string;
  /** Three days after the last iteration ends (or today). */
  suggestedStart: string;
  sows: { id: string; start: string; end: string }[];
  /** Gate validators already used in the workspace. */
  validators: string[];
  /** Non-contract files, offered as evidence. */
  files: string[];
}

export interface Author {
  name: string;
  email: string;
}

/** What the app shell can do beyond the files (native dialogs exist only in Electron). */
export interface AppInfo {
  mode: 'electron' | 'browser';
  version: string;
}

/** The API: method name -> (args) => Promise<result>. Arguments are one JSON object (or nothing). */
export interface Api {
  'app.info': () => Promise<AppInfo>;
  'workspace.current': () => Promise<WorkspaceInfo | null>;
  'workspace.open': (args: { root: string }) => Promise<WorkspaceInfo>;
  'workspace.create': (args: { root: string }) => Promise<WorkspaceInfo>;
  'workspace.openExample': () => Promise<WorkspaceInfo>;
  'workspace.close': () => Promise<void>;
  'workspace.recent': () => Promise<RecentWorkspace[]>;
  'workspace.pickFolder': () => Promise<string | null>;
  'files.list': () => Promise<FileEntry[]>;
  'files.read': (args: { path: string }) => Promise<FileContent>;
  /** Writes a file; with `baseHash`, refuses (conflict) when the file on disk is no longer that version. */
  'files.write': (args: { path: string; text: string; baseHash?: string | null }) => Promise<WriteResult>;
  'files.create': (args: { path: string; text: string }) => Promise<WriteResult>;
  'files.rename': (args: { from: string; to: string }) => Promise<void>;
  'files.delete': (args: { path: string }) => Promise<void>;
  /** Validates the workspace with unsaved editor buffers laid over the files on disk (path -> text). */
  'workspace.validate': (args: { overlays?: Record<string, string>; today?: string }) => Promise<ValidationResult>;
  'templates.propose': (args: { kind: TemplateKind }) => Promise<NewFileProposal>;
  'git.state': () => Promise<GitState>;
  /** Makes the workspace a repository and commits what is there. */
  'git.init': () => Promise<GitState>;
  'git.changes': () => Promise<FileChange[]>;
  'git.proposeMessage': (args: { paths: string[] }) => Promise<string>;
  /** A file at HEAD and in the working tree (null where it does not exist). */
  'git.diff': (args: { path: string }) => Promise<{ path: string; head: string | null; working: string | null }>;
  /** Commits exactly `paths`. With validation errors it fails (validation-errors) unless allowErrors, which adds a trailer. */
  'git.commit': (args: { paths: string[]; message: string; allowErrors?: boolean }) => Promise<{ oid: string; message: string }>;
  'git.log': (args: { path?: string; limit?: number }) => Promise<LogEntry[]>;
  'git.readAt': (args: { oid: string; path: string }) => Promise<{ text: string | null }>;
  'git.compare': (args: { from: string; to: string }) => Promise<FileChange[]>;
  /** Writes a file as it was at a commit into the working tree. */
  'git.restore': (args: { oid: string; path: string }) => Promise<WriteResult>;
  /** Keeps an unsaved buffer in the app's data folder (hot exit); discarded once saved or thrown away. */
  'backups.save': (args: { path: string; text: string; baseHash: string | null }) => Promise<void>;
  'backups.discard': (args: { path: string }) => Promise<void>;
  /** Unsaved buffers left from a run that stopped, each with the file on disk now. */
  'backups.list': () => Promise<RestoredBackup[]>;
  'ledger.get': () => Promise<LedgerView>;
  /** Adds the period's entry to contracts/ledger.yaml, or updates it; comments and everything else are kept. */
  'ledger.upsert': (args: LedgerEntryInput) => Promise<WriteResult>;
  'dashboard.get': () => Promise<Compliance>;
  'wizard.crContext': () => Promise<CrContext>;
  /** An existing CR as a draft, to walk through the wizard again. */
  'wizard.crLoad': (args: { path: string }) => Promise<CrDraft>;
  /** With `editing`, the CR at that path is updated in place instead of a new one created. */
  'wizard.crPreview': (args: { draft: CrDraft; editing?: string }) => Promise<CrPreview>;
  /** Writes the CR (and ADR) and links it from its SOWs; returns the paths written. */
  'wizard.crWrite': (args: { draft: CrDraft; editing?: string }) => Promise<string[]>;
  'adr.list': () => Promise<AdrSummary[]>;
  /** Creates the next ADR superseding `id`; the old record's status becomes "superseded by ADR-nnnn". */
  'adr.supersede': (args: { id: string; title: string }) => Promise<{ path: string }>;
  'wizard.sowContext': () => Promise<SowContext>;
  'wizard.sowWrite': (args: { draft: SowDraft }) => Promise<string>;
  /** A PDF summary (whole contract, one SOW or one CR), as base64 with a file name for the download. */
  'pdf.export': (args: { scope: 'contract' | 'sow' | 'cr'; id?: string }) => Promise<{ filename: string; base64: string }>;
  'settings.author': () => Promise<Author | null>;
  'settings.setAuthor': (args: Author) => Promise<void>;
}

export type ApiMethod = keyof Api;
export type ApiArgs<M extends ApiMethod> = Parameters<Api[M]> extends [infer A] ? A : undefined;
export type ApiResult<M extends ApiMethod> = Awaited<ReturnType<Api[M]>>;

/** Every method, for allowlists at each transport. */
export const API_METHODS: readonly ApiMethod[] = [
  'app.info',
  'workspace.current',
  'workspace.open',
  'workspace.create',
  'workspace.openExample',
  'workspace.close',
  'workspace.recent',
  'workspace.pickFolder',
  'files.list',
  'files.read',
  'files.write',
  'files.create',
  'files.rename',
  'files.delete',
  'workspace.validate',
  'templates.propose',
  'git.state',
  'git.init',
  'git.changes',
  'git.proposeMessage',
  'git.diff',
  'git.commit',
  'git.log',
  'git.readAt',
  'git.compare',
  'git.restore',
  'backups.save',
  'backups.discard',
  'backups.list',
  'ledger.get',
  'ledger.upsert',
  'dashboard.get',
  'wizard.crContext',
  'wizard.crLoad',
  'wizard.crPreview',
  'wizard.crWrite',
  'adr.list',
  'adr.supersede',
  'wizard.sowContext',
  'wizard.sowWrite',
  'pdf.export',
  'settings.author',
  'settings.setAuthor',
] as const satisfies readonly ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

/** Pushed from the core to the renderer when something changed. */
export type ApiEvent =
  | { type: 'files-changed'; paths: string[] }
  | { type: 'workspace-changed'; workspace: WorkspaceInfo | null }
  /** A command chosen in the native menu (Electron), run by the renderer like a palette command. */
  | { type: 'menu-command'; id: string }
  /** Commits, branch or repository state changed. */
  | { type: 'git-changed' };

/** How the renderer reaches the API: IPC in Electron, HTTP in browser mode. */
export interface ApiTransport {
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<Result<ApiResult<M>>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

/** A typed error a handler throws; the transport turns it into `{ok: false, error}`. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
