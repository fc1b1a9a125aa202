/**
 * API results as plain text: how the CLI (and anything else that writes text, a log or a notification) says what a
 * handler answered. One function a result, so a CLI verb is parse, call, print.
 */
import { plural } from './format.js';
import type {
  ApprovalVerification,
  Approved,
  ArchiveResult,
  CreatedWorkspace,
  CrEvaluation,
  GitStatus,
  LogEntry,
  PullOutcome,
  RecordedResult,
  ValidationResult,
} from './api-types.js';
import type { AddendumEdit } from './addendum.js';
import type { ApiEvent } from './api.js';
import { countDiagnostics, formatDiagnostic, type Diagnostic } from './diagnostics.js';
import { describeChange, type FieldChange } from './redline.js';
import { STATUS_WORDS } from './approvals.js';
import type { DiagnosticCounts } from './diagnostics.js';
import type { MergeConflictEntry } from './merge.js';
import type { LeftOut } from './model/contract.js';

export { plural };

export function summaryLine(files: number, c: DiagnosticCounts): string {
  return `${plural(files, 'file')} checked: ${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}, ${c.infos} info`;
}

/** The verdict line, the master it was judged against, and a table of the thresholds. */
export function evaluationText(e: CrEvaluation): string {
  const head = `${e.id}: ${e.verdict}${e.declared === null ? ' (no verdict declared)' : e.matches ? ` (declared ${e.declared})` : ` (declared ${e.declared}: MISMATCH)`}\n`;
  const judged = `  judged against ${e.master.label}${e.decision.status === 'proposed' ? '' : `, in force on ${e.decision.date ?? 'the decision date'}`}\n`;
  const table = [['threshold', 'value', 'limit', 'crossed'], ...e.thresholds.map((c) => [c.label, String(c.value), String(c.limit), c.crossed ? 'yes' : 'no'])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return (
    head +
    judged +
    table
      .map(
        (r) =>
          `  ${r
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join('  ')
            .trimEnd()}\n`,
      )
      .join('')
  );
}

export function recordedText(sow: string, r: RecordedResult, next: string): string {
  const what = r.gate
    ? `${r.gate}: ${r.outcome}${r.counts ? ` (${plural(r.counts.tests, 'test')}, ${r.counts.failures + r.counts.errors} failing)` : ''}`
    : `${r.criterion} = ${r.value}`;
  return `Recorded ${sow} ${what} in ${r.path} by ${r.by}${r.commit ? ` at ${r.commit.slice(0, 7)}` : ''}.\nReview and commit it (${next}).\n`;
}

/** Whether verify fails: an approval that does not hold, or a decision typed without the signatures it needs. */
export const verifyFails = (v: ApprovalVerification) => v.approvals.some((c) => c.status !== 'holds') || v.findings.some((f) => f.code === 'decision-unsigned');

export function approvedText(id: string, member: string, r: Approved): string {
  const verb = r.outcome === 'approved' ? 'Approved' : r.outcome === 'rejected' ? 'Rejected' : 'Withdrew';
  const next = r.decided
    ? `${id} is ${r.decided} now${r.statusSet ? ' (decision.status set in that commit)' : ''}.`
    : r.awaited.length
      ? `Awaited: ${r.awaited.join(', ')}.`
      : '';
  return `${verb} ${id}${r.role ? ` as ${r.role}` : ''}: commit ${r.commit.slice(0, 7)} signed with ${member}'s key (${r.path}).${next ? ` ${next}` : ''}\n`;
}

export function verifyText(v: ApprovalVerification): string {
  const checks = v.approvals;
  const bad = checks.filter((c) => c.status !== 'holds').length;
  const lines = checks.map((c) => `${c.file} ${c.member}${c.role ? ` as ${c.role}` : ''}: ${STATUS_WORDS[c.status]} - ${c.message}\n`);
  const docs = v.documents.filter((d) => d.requirement && (d.checks.length || d.kind !== 'sow')).map((d) => `${d.id}: ${d.words}\n`);
  const findings = v.findings.map((f) => `${f.file}: ${f.message}\n`);
  return `Trust root: ${v.trust.label}\n${lines.join('')}${docs.join('')}${findings.join('')}${plural(checks.length, 'approval')} checked: ${checks.length - bad} hold, ${bad} do not\n`;
}

export function statusText(s: GitStatus): string {
  const where = s.detached ? `HEAD detached at ${s.head?.slice(0, 7)}` : `On branch ${s.branch}${s.head ? ` (${s.head.slice(0, 7)})` : ', no commits yet'}`;
  const flags = [
    s.mergeInProgress && 'a merge is in progress',
    s.rebaseInProgress && 'a rebase is in progress',
    s.cherryPickInProgress && 'a cherry-pick is in progress',
    s.locked && 'the index is locked',
  ].filter(Boolean);
  const changes =
    s.changes.length === 0 ? 'Nothing to commit: the working tree is clean.\n' : s.changes.map((c) => `  ${c.status.padEnd(9)}${c.path}\n`).join('');
  return `${where}${flags.length ? `; ${flags.join(', ')}` : ''}\n${changes}`;
}

export function logLine(e: LogEntry): string {
  return `${e.oid.slice(0, 7)} ${e.date.slice(0, 10)} ${e.author.name}  ${e.refs.length ? `(${e.refs.join(', ')}) ` : ''}${e.summary}\n`;
}

const shown = (v: unknown) =>
  v === undefined ? '(absent)' : typeof v === 'string' && v.includes('\n') ? `(${v.split('\n').length} lines)` : JSON.stringify(v);

/** The conflicts of a waiting pull that are still open, one a line. */
export function openConflicts(conflicts: readonly MergeConflictEntry[]): string {
  return conflicts
    .filter((x) => !x.resolution)
    .map((c) => `${c.key}: mine ${shown(c.mine)}, theirs ${shown(c.theirs)} (base ${shown(c.base)})${c.kind === 'both-changed' ? '' : ` [${c.kind}]`}\n`)
    .join('');
}

/** Files left out of the figures, named with file, line and what is expected (for stderr). */
export function leftOutText(verb: string, leftOut: readonly LeftOut[]): string {
  if (leftOut.length === 0) return '';
  const each = leftOut.map((l) => `covenant ${verb}: ${l.path}:${l.line} is left out of the figures: ${l.reason}\n`).join('');
  const one = leftOut.length === 1;
  return `${each}covenant ${verb}: ${plural(leftOut.length, 'file')} left out; figures that depend on ${one ? 'it are' : 'them are'} unknown. Run covenant validate for every problem.\n`;
}

export function redlineText(r: { path: string; since: { commit: string; date: string; name: string } | null; changes: FieldChange[] | null }): string {
  if (!r.since) return `${r.path} has no approved version yet (no commit of it is signed with a member key).\n`;
  const lines = r.changes!.length ? r.changes!.map((c) => `  ${describeChange(c)}\n`).join('') : '  no change\n';
  return `${r.path} since it was approved by ${r.since.name} on ${r.since.date} (${r.since.commit.slice(0, 7)}):\n${lines}`;
}

export function pullText(r: PullOutcome): string {
  if (r.outcome === 'conflicts')
    return (
      `${openConflicts(r.conflicts)}Not merged yet: ${plural(r.conflicts.length, 'conflict')}. The rest of the merge is in your files, your value kept in each conflicting field.\n` +
      'Resolve with covenant pull --resolve KEY=mine|theirs|file (or --take theirs), then covenant pull --continue; or covenant pull --abort.\n'
    );
  if (r.outcome === 'invalid')
    return `${r.errors.map((x) => `${formatDiagnostic(x)}\n`).join('')}Not merged: the merged contract would have ${plural(r.errors.length, 'error')}; nothing changed.\n`;
  return r.outcome === 'up-to-date' ? 'Already up to date.\n' : `Pulled (${r.outcome}): now at ${r.oid!.slice(0, 7)}.\n`;
}

/** A waiting pull after --resolve / --take: what is still open, and what to do next. */
export function waitingText(conflicts: readonly MergeConflictEntry[], open: number): string {
  const next = open
    ? `${plural(open, 'conflict')} still open; resolve ${open === 1 ? 'it' : 'them'}, then covenant pull --continue.\n`
    : 'Every conflict is resolved: covenant pull --continue commits the merge.\n';
  return openConflicts(conflicts) + next;
}

export function editsText(edits: readonly AddendumEdit[]): string {
  return edits.map((e) => `  ${e.file} ${e.field}: ${e.from === undefined ? '(new)' : JSON.stringify(e.from)} -> ${JSON.stringify(e.to)}\n`).join('');
}

export function validationText(r: ValidationResult): string {
  const counts = countDiagnostics(r.diagnostics);
  return `${r.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('')}${summaryLine(r.files, counts)}\n`;
}

export function createdText(dir: string, r: CreatedWorkspace): string {
  const first = r.commit && r.author ? `First commit ${r.commit.slice(0, 7)} by ${r.author.name} <${r.author.email}>.\n` : '';
  const left = r.leftOut.length
    ? `Left out of the first commit (they were in the folder before; commit them yourself if they belong): ${r.leftOut.slice(0, 10).join(', ')}${r.leftOut.length > 10 ? ` and ${r.leftOut.length - 10} more` : ''}.\n`
    : '';
  return `Created a Covenant workspace in ${dir}:\n${r.files.map((f) => `  ${f}\n`).join('')}${first}${left}Next: edit contracts/master_contract.yaml, then run covenant validate ${dir}\n`;
}

export function archiveText(plan: ArchiveResult): string {
  const dry = plan.dryRun;
  const moves = plan.moves.map((m) => `${dry ? 'would move' : 'moved'} ${m.from} -> ${m.to}\n`).join('');
  return `${moves}${dry ? 'would write' : 'wrote'} ${plan.summaryPath} (${plural(plan.moves.length, 'iteration')})${dry ? '' : '; review and commit'}\n`;
}

export function committedText(r: { oid: string | null; message: string; paths: string[]; left: string[] }): string {
  if (r.oid === null) return 'Nothing to commit: no contract file has changed.\n';
  const left = r.left.length ? `Not committed (not contract files; name them to include them): ${r.left.join(', ')}\n` : '';
  return `Committed ${r.oid.slice(0, 7)}: ${r.message.split('\n')[0]}\n${r.paths.map((p) => `  ${p}\n`).join('')}${left}`;
}

export function editorSetupText(files: string[]): string {
  return `Wrote ${files.join(', ')}. Open the folder in VS Code with the YAML extension (redhat.vscode-yaml): contract files are checked as you type.\n`;
}

export function importedText(r: { path: string; count: number; columns: Record<string, string> }, next: string): string {
  const cols = Object.entries(r.columns).map(([k, x]) => `${k} <- ${x}`);
  return `Imported ${plural(r.count, 'defect')} into ${r.path} (${cols.join(', ')}).\nReview and commit it (${next}).\n`;
}

export function abortedText(r: { restored: string[]; head: string }): string {
  return `Pull aborted: ${plural(r.restored.length, 'file')} back as before the pull; HEAD still at ${r.head.slice(0, 7)}.\n`;
}

/** A waiting pull after --resolve / --take (and --continue): merged, or what is still open and what to do next. */
export function settledText(r: { state: { conflicts: MergeConflictEntry[] }; open: number; oid: string | null }): string {
  return r.oid ? `Merged: now at ${r.oid.slice(0, 7)}. Next: covenant push\n` : waitingText(r.state.conflicts, r.open);
}

export function notCommittedText(why: string): string {
  return `covenant: not committed. ${why}\nFix them, or commit anyway with --allow-errors (the message will say so).\n`;
}

/** An addendum that would leave errors: each, and that nothing was written (for stderr). */
export function notWrittenText(diagnostics: readonly Diagnostic[]): string {
  const each = diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('');
  return `${each}covenant addendum: nothing written; the files would have ${plural(diagnostics.length, 'error')}.\n`;
}

export function unevaluatedText(e: CrEvaluation): string {
  return `covenant evaluate: cannot compute the verdict of ${e.id}: ${e.problem?.replace(/\.$/, '')}. Run covenant validate for details.\n`;
}

export function reviewedText(outcome: string, r: { path: string; by: string }, next: string): string {
  return `Recorded ${outcome.replace('_', ' ')} by ${r.by} in ${r.path}.\nReview and commit it (${next}).\n`;
}

export function addendumText(cr: string, applied: boolean, paths: string[], next: string): string {
  return `${applied ? `${cr} implemented` : `Addendum of ${cr} drafted`}: ${paths.join(', ')}.\nReview and commit the change (${next}).\n`;
}

/** An argument its schema refused, in the words of the transport that took it (a CLI flag, not the API field). */
export function refusedText(message: string, method: string, field: string, words: string): string {
  return message.replace(`Invalid arguments for ${method}: ${field}`, words).replace(/^./, (c) => c.toUpperCase());
}

export function pdfWrittenText(file: string, bytes: number): string {
  return `Wrote ${file} (${Math.round(bytes / 1024)} KB) from the saved files.\n`;
}

/**
 * Progress as the CLI says it on stderr: a clone's or pull's in a terminal only; a first reading of a long history as
 * one line kept up to date in a terminal, a line at its start and end in a log.
 */
export function progressText(e: Extract<ApiEvent, { type: 'remote-progress' | 'history-progress' }>, tty: boolean): string {
  if (e.type === 'remote-progress') return tty ? `\r${e.phase}: ${e.loaded}${e.total ? `/${e.total}` : ''}   ` : '';
  const p = e;
  const n = (x: number) => x.toLocaleString('en');
  if (tty) return `\rIndexing the git history: ${n(p.done)} of ${n(p.total)} commits${p.done === p.total ? ', kept for next time.\n' : '…'}`;
  if (p.done === 0) return `Indexing the git history: ${n(p.total)} commits, once (kept for next time)…\n`;
  return p.done === p.total ? `Indexed ${n(p.total)} commits.\n` : '';
}
