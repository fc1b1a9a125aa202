/**
 * Proposes a commit message from what changed, in the contract's own words:
 * `CR-42: impact analysis (minor)`, `SPRINT-07: acceptance criteria updated`, `ADR-0008: new decision record`.
 */
import { idFromPath, type FileKind } from './model/kinds.js';

/** A contract file's top-level sections (what a commit message speaks of). */
export type Sections = Readonly<Record<string, unknown>>;

export interface ChangedContract {
  path: string;
  kind: FileKind | null;
  status: 'new' | 'modified' | 'deleted';
  /** The file's id (SOW, CR), when known. */
  id?: string;
  /** Top-level sections at HEAD and now (undefined when absent or unreadable). */
  before?: Sections;
  after?: Sections;
  /** A CR's decision status at HEAD and now. */
  statusBefore?: string;
  statusAfter?: string;
  /** The computed verdict of a CR, if it can be computed. */
  verdict?: 'minor' | 'major';
}

const SECTION_WORDS: Record<string, string> = {
  acceptance_criteria: 'acceptance criteria',
  impact_analysis: 'impact analysis',
  value_hypothesis: 'value hypothesis',
  measured_impact: 'measured impact',
  dag_nodes: 'DAG nodes',
  change_policy: 'change policy',
  collaboration_slos: 'collaboration SLOs',
  risk_policy: 'risk policy',
  decision_rights: 'decision rights',
  threshold_eval: 'verdict',
};

const words = (key: string) => SECTION_WORDS[key] ?? key.replace(/_/g, ' ');

/** Top-level sections whose content differs. */
function changedSections(before: Sections | undefined, after: Sections | undefined): string[] {
  const a = before ?? {};
  const b = after ?? {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

function label(c: ChangedContract): string {
  return c.id ?? idFromPath(c.path) ?? c.path.slice(c.path.lastIndexOf('/') + 1);
}

/** One line describing one changed file. */
export function describeChange(c: ChangedContract): string {
  const name = label(c);
  const verdict = c.verdict ? ` (${c.verdict})` : '';
  if (c.status === 'deleted') return `${name}: removed`;
  switch (c.kind) {
    case 'cr': {
      if (c.status === 'new') return `${name}: new change request${verdict}`;
      const sections = changedSections(c.before, c.after);
      const status = c.statusAfter;
      if (sections.includes('decision') && status && status !== c.statusBefore) return `${name}: ${status}${verdict}`;
      if (sections.includes('impact_analysis')) return `${name}: impact analysis${verdict}`;
      return `${name}: ${sections.map(words).join(', ') || 'updated'} updated${verdict}`;
    }
    case 'sow': {
      if (c.status === 'new') return `${name}: new SOW`;
      const sections = changedSections(c.before, c.after);
      return `${name}: ${sections.length ? sections.map(words).join(', ') : 'formatting'} updated`;
    }
    case 'master': {
      if (c.status === 'new') return 'Master contract created';
      const sections = changedSections(c.before, c.after);
      return `Master contract: ${sections.length ? sections.map(words).join(', ') : 'formatting'} updated`;
    }
    case 'ledger':
      return c.status === 'new' ? 'Ledger created' : 'Ledger: entries updated';
    case 'adr':
      return c.status === 'new' ? `${name}: new decision record` : `${name}: decision record updated`;
    default:
      return `${c.path}: ${c.status === 'new' ? 'added' : 'updated'}`;
  }
}

export function proposeCommitMessage(changes: ChangedContract[]): string {
  if (changes.length === 0) return '';
  const sorted = [...changes].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
  const lines = sorted.map(describeChange);
  if (lines.length === 1) return lines[0]!;
  const contracts = sorted.filter((c) => c.kind !== null);
  const head = contracts.length
    ? `${[...new Set(contracts.map(label))].slice(0, 3).join(', ')}${contracts.length > 3 ? ` and ${contracts.length - 3} more` : ''}: contract updates`
    : `Update ${changes.length} files`;
  return `${head}\n\n${lines.map((l) => `- ${l}`).join('\n')}`;
}

function rank(c: ChangedContract): number {
  return ['master', 'sow', 'cr', 'adr', 'ledger'].indexOf(c.kind ?? '') + 1 || 9;
}

/** The trailer added when committing with validation errors (report first, as the contract process asks). */
export function validationTrailer(errors: number, codes: string[]): string {
  return `Covenant-Validation: ${errors} error${errors === 1 ? '' : 's'} (${[...new Set(codes)].sort().join(', ')})`;
}
