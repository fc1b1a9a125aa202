/** Where each kind of contract file lives in a workspace. Paths are workspace-relative with forward slashes. */
export type FileKind = 'master' | 'sow' | 'cr' | 'ledger' | 'adr' | 'result';

export const MASTER_PATH = 'contracts/master_contract.yaml';
export const LEDGER_PATH = 'contracts/ledger.yaml';
export const SOW_DIR = 'contracts/sow';
export const CR_DIR = 'contracts/changes';
export const ADR_DIR = 'docs/adr';
export const RESULTS_DIR = 'contracts/results';

const SOW_RE = /^contracts\/sow\/([^/]+)\.ya?ml$/;
const CR_RE = /^contracts\/changes\/([^/]+)\.ya?ml$/;
const ADR_RE = /^docs\/adr\/(ADR-\d{4})(?:-[^/]*)?\.md$/;
const RESULT_RE = /^contracts\/results\/[^/]+\/[^/]+\.ya?ml$/;

export const KIND_LABELS: Record<FileKind, string> = {
  master: 'master contract',
  sow: 'SOW',
  cr: 'change request',
  ledger: 'ledger',
  adr: 'decision record',
  result: 'result record',
};

/** The kind of contract file at `path`, or null for any other file (evidence, README, ...). */
export function classifyPath(path: string): FileKind | null {
  if (path === MASTER_PATH) return 'master';
  if (path === LEDGER_PATH) return 'ledger';
  if (SOW_RE.test(path)) return 'sow';
  if (CR_RE.test(path)) return 'cr';
  if (ADR_RE.test(path)) return 'adr';
  if (RESULT_RE.test(path)) return 'result';
  return null;
}

/** The id a SOW, CR or ADR file is expected to hold, from its file name (CR-42.yaml -> CR-42). */
export function idFromPath(path: string): string | null {
  const m = SOW_RE.exec(path) ?? CR_RE.exec(path) ?? ADR_RE.exec(path);
  return m ? m[1]! : null;
}

export function sowPath(id: string): string {
  return `${SOW_DIR}/${id}.yaml`;
}

export function crPath(id: string): string {
  return `${CR_DIR}/${id}.yaml`;
}

export function adrPath(id: string): string {
  return `${ADR_DIR}/${id}.md`;
}

/** Where a result recorded at `at` (ISO time) for a gate or criterion of a SOW is kept: one file per recording. */
export function resultPath(sow: string, subject: string, at: string): string {
  const stamp = at.replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${RESULTS_DIR}/${sow}/${subject.replace(/[^A-Za-z0-9_.-]/g, '_')}--${stamp}.yaml`;
}

/** Evidence files whose values criteria can measure (a column and an aggregate): CSV. */
export function isDataFile(path: string): boolean {
  return /\.csv$/i.test(path);
}
