/** One problem found in the workspace, at an exact range of one file. Lines and columns are 1-based; the end is exclusive. */
export interface Diagnostic {
  /** Workspace-relative path with forward slashes, e.g. contracts/changes/CR-42.yaml. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** A quick fix: the diagnostic's own range replaced by `replacement` (a misspelt field, a near-miss value, an id). */
  fix?: { title: string; replacement: string };
}

export type Severity = 'error' | 'warning' | 'info';

/** Stable codes: tools, tests and users may rely on them. */
export const DIAGNOSTIC_CODES = [
  // reading and parsing one file
  'file-unreadable',
  'file-too-large',
  'yaml-syntax',
  'yaml-unsupported',
  'duplicate-key',
  'schema',
  // rules across the workspace
  'no-master',
  'duplicate-id',
  'key-refused',
  'id-filename-mismatch',
  'unknown-reference',
  'path-outside-workspace',
  'missing-evidence',
  'threshold-eval-mismatch',
  'threshold-eval-missing',
  'major-change-needs-adr',
  'decision-incomplete',
  'date-order',
  'decision-overdue',
  'adr-superseded',
  'link-mismatch',
  'unknown-party',
  'dag-node-conflict',
  'decision-owner',
  'addendum-mismatch',
  'addendum-missing',
  'criterion-target-unreadable',
  // contract compliance: warnings in report mode, errors in enforce mode (master enforcement)
  'gate-failed',
  'gate-unverified',
  'gate-missing',
  'criterion-unmet',
  'criterion-unverified',
  'stop-the-line-open',
  'review-overdue',
  'triage-overdue',
  'approval-unverified',
  'approval-unauthorised',
  'decision-unsigned',
  'member-unapproved',
] as const;

/** Findings about whether the contract is kept (not whether the files are well-formed): their severity follows the master's enforcement mode. */
export const COMPLIANCE_CODES = [
  'gate-failed',
  'gate-unverified',
  'gate-missing',
  'decision-overdue',
  'criterion-unmet',
  'criterion-unverified',
  'stop-the-line-open',
  'review-overdue',
  'triage-overdue',
  'approval-unverified',
  'approval-unauthorised',
  'decision-unsigned',
  'member-unapproved',
] as const;
export type ComplianceCode = (typeof COMPLIANCE_CODES)[number];
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

export interface DiagnosticCounts {
  errors: number;
  warnings: number;
  infos: number;
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticCounts {
  const counts: DiagnosticCounts = { errors: 0, warnings: 0, infos: 0 };
  for (const d of diagnostics) {
    if (d.severity === 'error') counts.errors++;
    else if (d.severity === 'warning') counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

/** `file:line:col severity code message`, the format of `covenant validate` and of most compilers. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`;
}
