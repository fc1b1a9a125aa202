/**
 * The one API between the renderer and the Node core. Each method is declared once, below in API: its name, its
 * argument schema (TypeBox, which is JSON Schema that ajv runs at every transport) and its result type. The
 * allowlist, the runtime argument checks, the renderer client's types, the IPC channel and the HTTP routes all come
 * from this table; core/node/session.ts holds one handler per entry, typed by `Handlers`.
 * Every result is `{ok: true, data} | {ok: false, error}` so errors look the same over every transport.
 */
import { Type as T, type Static, type TSchema } from '@sinclair/typebox';
import type { ContractDocument } from './document.js';
import { BUNDLE_NAME_RE } from './model/kinds.js';
import { CrDraftSchema, type CrDraft } from './wizards/cr.js';
import { SowDraftSchema } from './wizards/sow.js';
import type { ApiError } from './errors.js';
import type { FieldChange } from './redline.js';
import type { WorkflowIndex } from './workflow-index.js';
import type {
  AddendumPreview,
  AdrSummary,
  AppInfo,
  ArchiveResult,
  ApprovalVerification,
  Approved,
  Author,
  CreatedWorkspace,
  CrContext,
  CrEvaluation,
  CrPreview,
  DashboardView,
  FileChange,
  FileContent,
  FileEntry,
  GitState,
  GitStatus,
  LedgerView,
  LogEntry,
  NewFileProposal,
  ProducedText,
  Provenance,
  PullOutcome,
  RecentWorkspace,
  RecordedResult,
  RemoteState,
  RestoredBackup,
  Result,
  SowContext,
  ValidationResult,
  WorkspaceInfo,
  WriteResult,
} from './api-types.js';
import type { MergeState } from './merge.js';
import type { Diagnostic } from './diagnostics.js';

export * from './api-types.js';

const none = T.Null();
const Path = T.String({ minLength: 1, maxLength: 4096 });
const Text = T.String({ maxLength: 8 * 1024 * 1024, description: 'at most 8 MB of text' });
const Hash = T.Union([T.String({ maxLength: 128 }), T.Null()]);
/** A commit as git names one: an oid (full or abbreviated), HEAD, a branch or a tag (git's ref-name rules, simplified). */
const Oid = T.String({ pattern: '^(?!.*\\.\\.)(?!.*//)(?![/.-])[A-Za-z0-9._/+@~^-]{1,200}(?<![/.])$', description: 'a commit, branch or tag name' });
const Buffers = T.Record(T.String({ maxLength: 4096 }), Text, { maxProperties: 200 });
const closed = { additionalProperties: false } as const;
const SowId = T.String({ pattern: '^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$', description: 'a SOW id such as SPRINT-07' });
const CrId = T.String({ pattern: '^CR-[0-9]+$', description: 'a change request id such as CR-42' });
const Day = T.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a calendar date as YYYY-MM-DD' });
const obj = <P extends Parameters<typeof T.Object>[0]>(props: P) => T.Object(props, closed);
/** Credentials typed by a person for one remote operation; `remember` keeps them (encrypted) in the desktop app. */
const Creds = T.Optional(
  obj({ username: T.String({ minLength: 1, maxLength: 500 }), password: T.String({ minLength: 1, maxLength: 8192 }), remember: T.Optional(T.Boolean()) }),
);

/** A method: its argument schema and (as a type only) its result. */
interface Method<A extends TSchema, R> {
  args: A;
  doc: string;
  /** Never set: carries the result type. */
  result?: R;
}
const m =
  <R>() =>
  <A extends TSchema>(args: A, doc: string): Method<A, R> => ({ args, doc });

const AddendumArgs = obj({
  cr: CrId,
  edits: T.Optional(
    T.Array(obj({ file: T.String({ minLength: 1, maxLength: 4096 }), field: T.String({ minLength: 1, maxLength: 500 }), to: T.String({ maxLength: 2000 }) }), {
      maxItems: 200,
    }),
  ),
  summary: T.Optional(T.String({ maxLength: 2000 })),
  apply: T.Boolean(),
});

/** Every method of the API, declared once. */
export const API = {
  'app.info': m<AppInfo>()(none, 'What runs the app: Electron or the browser, and the version.'),
  'workspace.current': m<WorkspaceInfo | null>()(none, 'The open workspace, if any.'),
  'workspace.open': m<WorkspaceInfo>()(obj({ root: Path }), 'Opens a workspace folder.'),
  'workspace.create': m<CreatedWorkspace>()(
    obj({ root: Path, git: T.Optional(T.Boolean()) }),
    'Creates a new workspace (absolute folder) that validates clean, as a git repository with a first commit unless git is false, and opens it.',
  ),
  'workspace.editorSetup': m<{ files: string[] }>()(
    none,
    'Writes the schemas to .covenant/schemas/ and maps them in .vscode/settings.json, so editors with the YAML language server check as Covenant does.',
  ),
  'workspace.openExample': m<WorkspaceInfo>()(none, 'Opens the example workspace (copied to the app data folder once).'),
  'workspace.close': m<void>()(none, 'Closes the workspace.'),
  'workspace.recent': m<RecentWorkspace[]>()(none, 'Recently opened workspaces.'),
  'workspace.pickFolder': m<string | null>()(none, 'A native folder dialog (desktop app only).'),
  'files.list': m<FileEntry[]>()(none, 'Every file of the workspace.'),
  'files.read': m<FileContent>()(obj({ path: Path }), 'Reads a file as text, with the hash of its bytes.'),
  'files.write': m<WriteResult>()(
    obj({ path: Path, text: Text, baseHash: T.Optional(Hash) }),
    'Writes a file; with baseHash, refuses (conflict) when the file on disk is no longer that version.',
  ),
  'files.create': m<WriteResult>()(obj({ path: Path, text: Text }), 'Creates a file that does not exist yet.'),
  'files.rename': m<void>()(obj({ from: Path, to: Path }), 'Renames a file.'),
  'files.delete': m<void>()(obj({ path: Path }), 'Deletes a file.'),
  'workspace.validate': m<ValidationResult & { enforcement: 'report' | 'enforce'; historyIndexing?: boolean }>()(
    obj({ overlays: T.Optional(Buffers), today: T.Optional(Day) }),
    'Validates the saved files with unsaved buffers (path -> text) laid over them, in a snapshot of its own.',
  ),
  'templates.propose': m<NewFileProposal>()(
    obj({ kind: T.Union([T.Literal('sow'), T.Literal('cr'), T.Literal('adr')]) }),
    'A new file from a template, with the next free id.',
  ),
  'git.state': m<GitState>()(none, 'Branch, HEAD and repository state.'),
  'git.status': m<GitStatus>()(none, 'Branch, HEAD, repository state and the changed files with their kinds, as the Changes view shows them.'),
  'git.init': m<GitState>()(none, 'Makes the workspace a repository and commits what is there.'),
  'git.changes': m<FileChange[]>()(none, 'Files that differ from HEAD.'),
  'git.proposeMessage': m<string>()(obj({ paths: T.Array(Path, { maxItems: 10_000 }) }), 'A commit message for the chosen files, in contract words.'),
  'git.diff': m<{ path: string; head: string | null; working: string | null }>()(
    obj({ path: Path }),
    'A file at HEAD and in the working tree (null where it does not exist).',
  ),
  'git.commit': m<{ oid: string | null; message: string; paths: string[]; left: string[] }>()(
    obj({
      paths: T.Optional(T.Array(Path, { maxItems: 10_000 })),
      message: T.Optional(T.String({ maxLength: 100_000 })),
      allowErrors: T.Optional(T.Boolean()),
    }),
    'Commits exactly `paths` (default: every changed contract file; `left` names the other changed files) with `message` (default: the proposed one). With validation errors it fails unless allowErrors, which adds a trailer. Nothing changed: oid null.',
  ),
  'git.log': m<LogEntry[]>()(
    obj({ path: T.Optional(Path), limit: T.Optional(T.Integer({ minimum: 1, maximum: 100_000 })), ref: T.Optional(Oid) }),
    'History, newest first, of the workspace or one file, from HEAD or `ref`.',
  ),
  'git.readAt': m<{ text: string | null }>()(obj({ oid: Oid, path: Path }), 'A file as it was at a commit.'),
  'git.compare': m<FileChange[]>()(obj({ from: Oid, to: Oid }), 'Files that differ between two commits.'),
  'git.restore': m<WriteResult>()(obj({ oid: Oid, path: Path }), 'Writes a file as it was at a commit into the working tree.'),
  'remote.state': m<RemoteState>()(none, 'The shared repository (origin), ahead/behind as last fetched, and a pull waiting for people.'),
  'remote.fetch': m<RemoteState>()(obj({ credentials: Creds }), "Reads origin's branch (nothing else changes), so ahead and behind are current."),
  'remote.pull': m<PullOutcome>()(
    obj({ credentials: Creds }),
    "Fetches and merges origin's branch with the contract-aware merge; on conflicts the merge waits for merge.resolve / merge.continue / merge.abort.",
  ),
  'remote.push': m<RemoteState>()(
    obj({ credentials: Creds }),
    'Pushes the current branch to origin; refused (pull first) when origin has commits this clone lacks.',
  ),
  'remote.clone': m<WorkspaceInfo>()(
    obj({ url: T.String({ pattern: '^https?://', maxLength: 4096 }), root: Path, credentials: Creds }),
    'Clones a shared contract into a new (or empty) absolute folder and opens it.',
  ),
  'merge.resolve': m<MergeState>()(
    obj({
      key: T.String({ minLength: 1, maxLength: 5000 }),
      take: T.Union([T.Literal('mine'), T.Literal('theirs'), T.Literal('edit')]),
      edit: T.Optional(Text),
    }),
    'Settles one conflict of the waiting pull: keep mine, take theirs, or an edit (a field: its value as YAML; a whole file: its text).',
  ),
  'merge.continue': m<{ oid: string }>()(none, 'Commits the waiting merge once every conflict is resolved and the contract validates.'),
  'merge.settle': m<{ state: MergeState; open: number; oid: string | null }>()(
    obj({
      resolve: T.Optional(
        T.Array(obj({ key: T.String({ minLength: 1, maxLength: 5000 }), take: T.Union([T.Literal('mine'), T.Literal('theirs'), T.Literal('edit')]) }), {
          maxItems: 10_000,
        }),
      ),
      takeAll: T.Optional(T.Union([T.Literal('mine'), T.Literal('theirs')], { description: 'mine or theirs' })),
      commit: T.Optional(T.Boolean()),
    }),
    'Settles the waiting pull in one step: these conflicts as chosen (edit: keep what the file holds), every other open one the same way (takeAll), and with commit the merge once none is open.',
  ),
  'merge.abort': m<{ restored: string[]; head: string }>()(none, 'Gives the waiting merge up: every file it touched goes back to before the pull.'),
  'backups.save': m<void>()(obj({ path: Path, text: Text, baseHash: Hash }), 'Keeps an unsaved buffer in the app data folder (hot exit).'),
  'backups.discard': m<void>()(obj({ path: Path }), 'Drops the kept buffer of a file (saved or thrown away).'),
  'backups.list': m<RestoredBackup[]>()(none, 'Unsaved buffers left from a run that stopped, each with the file on disk now.'),
  'ledger.get': m<LedgerView>()(none, 'The ledger of the saved files: table, problem, periods, approved changes per period.'),
  'ledger.upsert': m<WriteResult>()(
    obj({
      period: T.String({ minLength: 1, maxLength: 200 }),
      target_cost: T.Number({ minimum: 0, maximum: 1e13 }),
      actual_cost: T.Number({ minimum: 0, maximum: 1e13 }),
      note: T.Optional(T.String({ maxLength: 2000 })),
    }),
    "Adds the period's entry to contracts/ledger.yaml, or updates it; comments and everything else are kept.",
  ),
  'results.record': m<RecordedResult>()(
    obj({
      sow: SowId,
      gate: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
      outcome: T.Optional(T.Union([T.Literal('passed'), T.Literal('failed')])),
      report: T.Optional(obj({ format: T.Union([T.Literal('junit'), T.Literal('sarif')]), name: T.String({ minLength: 1, maxLength: 255 }), text: Text })),
      criterion: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
      value: T.Optional(T.Number()),
      note: T.Optional(T.String({ maxLength: 2000 })),
      node: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
      sourceUrl: T.Optional(T.String({ maxLength: 2000 })),
    }),
    "Records a gate's result (by hand with outcome, or from a JUnit or SARIF report) or a criterion's measured value, with who, when and at which commit, under contracts/results/.",
  ),
  'changes.review': m<{ path: string; by: string }>()(
    obj({
      cr: CrId,
      outcome: T.Union([T.Literal('approve'), T.Literal('request_changes'), T.Literal('comment')]),
      note: T.Optional(T.String({ maxLength: 2000 })),
    }),
    'Records a review of a change request in its file: who (the git identity), now, the outcome and a note.',
  ),
  'approvals.approve': m<Approved>()(
    obj({
      id: T.String({ pattern: '^([A-Z][A-Z0-9]*(-[A-Z0-9]+)*|master)$', description: 'CR-42, SPRINT-07 or master' }),
      member: T.String({ minLength: 1, maxLength: 200 }),
      keyPath: T.String({ minLength: 1, maxLength: 4096 }),
      passphrase: T.Optional(T.String({ maxLength: 1024 })),
      role: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
      outcome: T.Optional(T.Union([T.Literal('approve'), T.Literal('reject'), T.Literal('withdraw')], { description: 'approve, reject or withdraw' })),
    }),
    "Signs a decision on a CR, SOW or the master as a member of the trust root: adds the approval (or rejection, withdrawal) and commits it signed with the member's SSH key (read from keyPath, never stored); the last signature the decision needs sets the CR's status in that commit.",
  ),
  'redline.get': m<{ path: string; since: { commit: string; date: string; member: string; name: string } | null; changes: FieldChange[] | null }>()(
    obj({ path: Path }),
    'Changes of a contract file since its last approved version (the latest commit of it signed with a member key), field by field.',
  ),
  'defects.import': m<{ path: string; count: number; columns: Record<string, string> }>()(
    obj({
      name: T.String({ minLength: 1, maxLength: 255 }),
      text: Text,
      format: T.Optional(T.Union([T.Literal('csv'), T.Literal('json')])),
      sow: T.Optional(T.String({ maxLength: 200 })),
      map: T.Optional(
        T.Object(Object.fromEntries(['id', 'title', 'severity', 'sow', 'reported', 'triaged'].map((f) => [f, T.Optional(T.String({ maxLength: 200 }))])), {
          additionalProperties: false,
          description: 'FIELD=COLUMN with FIELD one of id, title, severity, sow, reported, triaged',
        }),
      ),
    }),
    "Imports a tracker's defect export (CSV or JSON) as contracts/defects/<name>.yaml, replacing an earlier import of it.",
  ),
  'addendum.preview': m<AddendumPreview>()(AddendumArgs, 'The files an addendum would write (drafted, or applied to the contract and the CR), validated.'),
  'addendum.write': m<string[]>()(AddendumArgs, 'Writes what the preview showed; refuses when any of those files would fail validation.'),
  'dashboard.get': m<DashboardView>()(
    T.Union([none, obj({ today: T.Optional(Day) })]),
    'Compliance figures of the saved files (as of `today`), with what they show (commit, uncommitted changes, files left out).',
  ),
  'changes.evaluate': m<CrEvaluation>()(
    obj({ cr: CrId }),
    "A change request's minor/major verdict from the thresholds of the master in force (for a decided CR, on its decision date).",
  ),
  'approvals.verify': m<ApprovalVerification>()(
    none,
    'Every approval of the master, CRs and SOWs checked against the trust root (the master as last approved by its parties), and each decision as its signatures make it.',
  ),
  'approvals.allowedSigners': m<ProducedText>()(none, "git's allowed-signers file for the trust root's SSH keys (gpg.ssh.allowedSignersFile)."),
  'metrics.prometheus': m<ProducedText>()(
    obj({ today: T.Optional(Day) }),
    "The compliance and ledger figures of the saved files in Prometheus' text format, the dashboard's numbers.",
  ),
  'alerts.rules': m<ProducedText>()(none, 'Prometheus alerting rules over the metrics: SLA breaches, gates, stop-the-line, escalations, validation errors.'),
  'export.index': m<{ index: WorkflowIndex; provenance: Provenance }>()(
    none,
    'The workflow index: every DAG node with its SOW, gates (validator, status from results) and criteria.',
  ),
  'wizard.crContext': m<CrContext>()(none, 'What the CR wizard suggests: thresholds, roles, dependencies, SOWs, next ids.'),
  'wizard.crLoad': m<CrDraft>()(obj({ path: Path }), 'An existing CR as a draft, to walk through the wizard again.'),
  'wizard.crPreview': m<CrPreview>()(
    obj({ draft: CrDraftSchema, editing: T.Optional(Path) }),
    'The files the wizard would write, validated in a snapshot of their own.',
  ),
  'wizard.crWrite': m<string[]>()(
    obj({ draft: CrDraftSchema, editing: T.Optional(Path) }),
    'Writes the CR (and ADR) and links it from its SOWs; returns the paths written.',
  ),
  'adr.list': m<AdrSummary[]>()(none, 'Decision records with status and the CRs citing them.'),
  'adr.supersede': m<{ path: string }>()(
    obj({ id: T.String({ pattern: '^ADR-[0-9]{4}$' }), title: T.String({ minLength: 1, maxLength: 300 }) }),
    'Creates the next ADR superseding `id`.',
  ),
  'wizard.sowContext': m<SowContext>()(none, 'What the SOW wizard suggests: next id, dates, validators, evidence files.'),
  'wizard.sowPreview': m<CrPreview>()(obj({ draft: SowDraftSchema }), 'The SOW file the wizard would write, exactly, and its problems.'),
  'wizard.sowWrite': m<string>()(obj({ draft: SowDraftSchema }), 'Writes a new SOW when it validates; returns its path.'),
  'pdf.export': m<{ filename: string; base64: string; provenance: Provenance; problems: string[] }>()(
    obj({
      scope: T.Union([T.Literal('contract'), T.Literal('sow'), T.Literal('cr')]),
      id: T.Optional(T.String({ pattern: '^[A-Z][A-Z0-9-]*$', maxLength: 100 })),
      since: T.Optional(Day),
      unsaved: T.Optional(Buffers),
    }),
    'A PDF of the saved files (whole contract, one SOW or one CR); with `unsaved`, those buffers are included and the footer says so.',
  ),
  'document.get': m<ContractDocument>()(
    obj({ path: Path, unsaved: T.Optional(Buffers) }),
    'A contract file as a document (schema titles, evidence-backed statuses); with `unsaved`, of those buffers, and it says so.',
  ),
  'archive.closed': m<ArchiveResult>()(
    obj({
      bundle: T.String({ pattern: BUNDLE_NAME_RE.source, description: 'A bundle name is letters, digits, dots, dashes or underscores, such as 2025-H1' }),
      before: Day,
      dryRun: T.Optional(T.Boolean()),
    }),
    'Moves the SOWs that ended before `before` into contracts/archive/<bundle>/ with a summary; still validated and counted.',
  ),
  'export.csv': m<{ filename: string; text: string; provenance: Provenance }>()(
    obj({ table: T.Union([T.Literal('ledger'), T.Literal('changes')], { description: 'the table is "ledger" or "changes"' }) }),
    'The incentive ledger or the change-request log of the saved files as CSV; the file name carries the commit it shows.',
  ),
  'settings.author': m<Author | null>()(none, 'Who commits: the settings, or git config.'),
  'settings.setAuthor': m<void>()(
    obj({ name: T.String({ minLength: 1, maxLength: 200 }), email: T.String({ pattern: '^[^\\s@<>]+@[^\\s@<>]+$', maxLength: 200 }) }),
    'Sets who commits.',
  ),
} as const;

export type ApiMethod = keyof typeof API;
export type ApiArgs<M extends ApiMethod> = Static<(typeof API)[M]['args']>;
export type ApiResult<M extends ApiMethod> = (typeof API)[M] extends Method<TSchema, infer R> ? R : never;

/** One handler per method: what core/node implements. */
export type Handlers = {
  [M in ApiMethod]: null extends ApiArgs<M> ? (args?: ApiArgs<M>) => Promise<ApiResult<M>> : (args: ApiArgs<M>) => Promise<ApiResult<M>>;
};

/** Every method, for allowlists at each transport. */
export const API_METHODS = Object.keys(API) as readonly ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(API, name);
}

/** What one change on disk did: which files came and went, and the diagnostics of the saved files now. */
export interface SnapshotDelta {
  /** Increases with every snapshot of this workspace. */
  version: number;
  /** Paths that changed on disk (files and folders). */
  changed: string[];
  /** Files that appeared or disappeared: the renderer updates its tree without asking. */
  added: FileEntry[];
  removed: string[];
  /** Diagnostics of the saved files, for every file whose diagnostics changed (an empty list: now clean). */
  diagnostics: Record<string, Diagnostic[]>;
  /** Contract files validated now. */
  files: number;
  /** SHA-256 of each changed file's bytes now (null: it is gone), so editors know whether their text is current. */
  hashes: Record<string, string | null>;
  /** The figures changed (dashboard, ledger): views showing them re-read. */
  figuresChanged: boolean;
}

/** Pushed from the core to the renderer when something changed. */
export type ApiEvent =
  /** The watcher saw changes on disk: the one way changes reach the UI. */
  | { type: 'snapshot'; delta: SnapshotDelta }
  | { type: 'workspace-changed'; workspace: WorkspaceInfo | null }
  /** A command chosen in the native menu (Electron), run by the renderer like a palette command. */
  | { type: 'menu-command'; id: string }
  /** Commits, branch or repository state changed, with the changed files as git sees them now (or why not). */
  | { type: 'git-changed'; state?: GitState; changes?: FileChange[]; error?: ApiError }
  /** Something the user should know that is not about one file (the watcher stopped, a folder became unreadable). */
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string }
  /** How far a clone, fetch, pull or push has got (phase in isomorphic-git's words: Counting objects, Receiving objects...). */
  | { type: 'remote-progress'; op: 'clone' | 'fetch' | 'pull' | 'push'; phase: string; loaded: number; total: number | null }
  /** A first reading of a long history: commits read so far, of how many (done = total at the end). */
  | { type: 'history-progress'; done: number; total: number };

/** How the renderer reaches the API: IPC in Electron, HTTP in browser mode. */
export interface ApiTransport {
  call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<Result<ApiResult<M>>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}
