/** Where each kind of contract file lives in a workspace. Paths are workspace-relative with forward slashes. */
export type FileKind = 'master' | 'sow' | 'cr' | 'ledger' | 'adr' | 'result' | 'defects' | 'addendum';

export const MASTER_PATH = 'contracts/master_contract.yaml';
export const LEDGER_PATH = 'contracts/ledger.yaml';
export const SOW_DIR = 'contracts/sow';
export const CR_DIR = 'contracts/changes';
export const ADR_DIR = 'docs/adr';
export const RESULTS_DIR = 'contracts/results';
export const DEFECTS_DIR = 'contracts/defects';
export const ADDENDA_DIR = 'contracts/addenda';

/** A SOW: under contracts/sow/, or archived in a bundle under contracts/archive/<bundle>/sow/ (still validated and counted). */
const SOW_RE = /^contracts\/(?:archive\/[^/]+\/)?sow\/([^/]+)\.ya?ml$/;
export const ARCHIVE_DIR = 'contracts/archive';
const ARCHIVED_RE = /^contracts\/archive\/([^/]+)\//;

/** The bundle an archived file is in, or null when it is not archived. */
export function bundleOf(path: string): string | null {
  return ARCHIVED_RE.exec(path)?.[1] ?? null;
}

export const isArchived = (path: string) => bundleOf(path) !== null;

/** A bundle name: one plain folder name (2025-H1), never a path. */
export const BUNDLE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CR_RE = /^contracts\/changes\/([^/]+)\.ya?ml$/;
const ADR_RE = /^docs\/adr\/(ADR-\d{4})(?:-[^/]*)?\.md$/;
const RESULT_RE = /^contracts\/results\/[^/]+\/[^/]+\.ya?ml$/;
const DEFECTS_RE = /^contracts\/defects\/[^/]+\.ya?ml$/;
const ADDENDUM_RE = /^contracts\/addenda\/([^/]+)\.ya?ml$/;

export const KIND_LABELS: Record<FileKind, string> = {
  master: 'master contract',
  sow: 'SOW',
  cr: 'change request',
  ledger: 'ledger',
  adr: 'decision record',
  result: 'result record',
  defects: 'defect records',
  addendum: 'addendum',
};

/** The kind of contract file at `path`, or null for any other file (evidence, README, ...). */
export function classifyPath(path: string): FileKind | null {
  if (path === MASTER_PATH) return 'master';
  if (path === LEDGER_PATH) return 'ledger';
  if (SOW_RE.test(path)) return 'sow';
  if (CR_RE.test(path)) return 'cr';
  if (ADR_RE.test(path)) return 'adr';
  if (RESULT_RE.test(path)) return 'result';
  if (DEFECTS_RE.test(path)) return 'defects';
  if (ADDENDUM_RE.test(path)) return 'addendum';
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

/** Where the addendum of a change request is kept. */
export function addendumPath(crId: string): string {
  return `${ADDENDA_DIR}/${crId}.yaml`;
}

/** Where defects imported from an export named `source` are kept (one file per export, replaced on re-import). */
export function defectsPath(source: string): string {
  const base =
    source
      .replace(/^.*[\\/]/, '')
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '') || 'defects';
  return `${DEFECTS_DIR}/${base}.yaml`;
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
