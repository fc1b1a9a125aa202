/**
 * The result types of the API (core/common/api.ts declares the methods). Plain data: each crosses IPC, HTTP and the
 * CLI's JSON output unchanged.
 */
import type { ValidationResult } from './workspace.js';
import type { FileKind } from './model/kinds.js';
import type { LedgerSummary } from './ledger.js';
import type { Compliance } from './compliance.js';
import type { ChangeThresholds } from './thresholds.js';
import type { Diagnostic } from './diagnostics.js';
import type { ApiError } from './errors.js';
import type { MasterInForce, MasterVersion } from './model/versions.js';
import type { AddendumEdit } from './addendum.js';
import type { MergeConflictEntry, MergeState } from './merge.js';
import type { Provenance } from './provenance.js';
import type { ApprovalCheck, ApprovalFinding, ApprovalState } from './approvals.js';
import type { Trust } from './trust.js';
import type { FileKind as Kind } from './model/kinds.js';

export type { Provenance } from './provenance.js';
export type { ApiError } from './errors.js';
export type { ValidationResult };

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

/** The shared repository as this clone last saw it, and a pull waiting for people, if any. */
export interface RemoteState {
  /** origin's URL without credentials; null when the repository has no origin. */
  origin: string | null;
  branch: string | null;
  /** Commits here that origin's branch (as last fetched) lacks, and the other way round; null when unknown. */
  ahead: number | null;
  behind: number | null;
  /** Credentials can be remembered on this computer (desktop app with system encryption). */
  canRemember: boolean;
  merge: MergeState | null;
}

export interface PullOutcome {
  outcome: 'fast-forward' | 'merged' | 'up-to-date' | 'conflicts' | 'invalid';
  oid: string | null;
  conflicts: MergeConflictEntry[];
  errors: Diagnostic[];
}

export interface LogEntry {
  oid: string;
  message: string;
  summary: string;
  author: { name: string; email: string };
  /** When the author made it, ISO 8601 with the author's own UTC offset (e.g. 2025-10-15T09:30:00+02:00). */
  date: string;
  parents: string[];
  /** Branches and tags pointing at this commit, as git log --decorate names them: "HEAD -> main", "tag: v1", "feature". */
  refs: string[];
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

export interface SowChoice {
  id: string;
  title: string | null;
  start: string;
  end: string;
  /** running or not started yet on today's date */
  active: boolean;
  archived: boolean;
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
  /** Each SOW with what a picker shows: its dates, title, and whether it is current, closed or archived. */
  sowInfo: SowChoice[];
  nextCr: string;
  nextAdr: string;
  today: string;
  /** The working master, named: what a proposed change is judged against. */
  master: MasterInForce;
  /** Committed versions of the master, oldest first: a decided change is judged against the one in force on its date. */
  masterVersions: MasterVersion[];
}

/** What applying (or drafting) an addendum would write, with the edits and any errors. */
export interface AddendumPreview {
  files: { path: string; text: string; isNew: boolean }[];
  edits: AddendumEdit[];
  diagnostics: Diagnostic[];
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

export interface DashboardView extends Compliance {
  provenance: Provenance;
  /** The incentive ledger's figures, or why they are unknown. */
  budget: { summary: LedgerSummary | null; problem: string | null };
}

/** A workspace just made: where, its files, and the first commit (null with no git, or nobody to commit as). */
export interface CreatedWorkspace extends WorkspaceInfo {
  files: string[];
  /** Files that were in the folder before: not committed (covenant init commits only what it created). */
  leftOut: string[];
  commit: string | null;
  author: Author | null;
}

/** A change request's computed minor/major verdict, each threshold, and the master version it was judged against. */
export interface CrEvaluation {
  id: string;
  file: string;
  /** Null when it cannot be computed (see problem). */
  verdict: 'minor' | 'major' | null;
  declared: 'minor' | 'major' | null;
  /** No verdict declared, or the declared one is the computed one. */
  matches: boolean;
  master: { label: string; commit: string | null };
  decision: { status: string; date: string | null };
  thresholds: { name: string; label: string; value: number | string; limit: number | string; crossed: boolean }[];
  /** Why the verdict cannot be computed ("contracts/changes/CR-9.yaml:4 ..."); null when it was. */
  problem: string | null;
}

/** A recorded gate result or criterion value, as the record file says. */
export interface RecordedResult {
  path: string;
  by: string;
  commit: string | null;
  gate: string | null;
  outcome: 'passed' | 'failed' | null;
  counts: { tests: number; failures: number; errors: number; skipped: number } | null;
  criterion: string | null;
  value: number | null;
}

/** git's view of the workspace, as the Changes view shows it. */
export interface GitStatus extends GitState {
  changes: (FileChange & { kind: Kind | null })[];
}

/** A decision signed and committed (approvals.approve). */
export interface Approved {
  commit: string;
  path: string;
  role: string | null;
  outcome: 'approved' | 'rejected' | 'withdrawn';
  /** The decision this signature completes (decision.status set in the same commit), or null while others are awaited. */
  decided: 'approved' | 'rejected' | 'withdrawn' | null;
  /** Roles still needed after this signature. */
  awaited: string[];
  /** Whether the CR's decision.status was set in the signed commit (a SOW and the master have none). */
  statusSet: boolean;
}

export interface ApprovalVerification {
  /** Whose signatures count: the master as last approved by its parties (or its first commit, trust on first use). */
  trust: Pick<Trust, 'basis' | 'commit' | 'label' | 'approvedBy'>;
  /** Every approvable document's decision from its signatures (the master, CRs, SOWs). */
  documents: ApprovalState[];
  /** Every approval judged: holds, stale, unsigned, replayed, misdated, wrong key, retired key, not a member, role missing. */
  approvals: ApprovalCheck[];
  /** Where the files and the proof disagree (a decision typed without its signatures; members not approved yet). */
  findings: ApprovalFinding[];
}

/** A text made from the saved files (metrics, rules, an allowed-signers file), with what it shows. */
export interface ProducedText {
  text: string;
  provenance: Provenance;
}

/** An archive bundle written (or, with dryRun, planned). */
export interface ArchiveResult {
  bundle: string;
  moves: { from: string; to: string; id: string }[];
  summaryPath: string;
  dryRun: boolean;
}
