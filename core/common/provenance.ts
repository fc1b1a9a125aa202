/**
 * What an output shows: which commit, whether the working tree differs from it, which unsaved buffers it includes,
 * which files it leaves out, and when it was made. One type for the dashboard, the PDF, the CSV, the metrics, the
 * document view and the CLI; computed once per request (core/node/provenance.ts).
 */
import type { LeftOut } from './model/contract.js';

export interface Provenance {
  /** HEAD's commit id, null outside a repository or before the first commit. */
  commit: string | null;
  /** The working tree differs from that commit (saved but not committed). */
  uncommitted: boolean;
  /** Unsaved buffers the output includes (empty: saved files only). */
  unsaved: readonly string[];
  /** Files that failed their schema and are in no figure. */
  leftOut: readonly LeftOut[];
  /** When the output was made (ISO 8601, UTC, whole seconds). */
  generatedAt: string;
  /** The git history was still being read: lead times, decision days, volatility and versions are not known yet. */
  indexing?: boolean;
}

/** The footer and title-page line: exactly what the pages show. */
export function provenanceLine(p: Pick<Provenance, 'commit' | 'uncommitted' | 'unsaved'>): string {
  const commit = p.commit ? `commit ${p.commit.slice(0, 12)}${p.uncommitted ? ' · uncommitted changes' : ''}` : 'not in a git repository';
  return `${commit}${p.unsaved.length ? ' · includes unsaved edits' : ''}`;
}

/** "commit abc1234 plus uncommitted changes", "no commit yet": what the document view says it shows. */
export function commitInWords(p: Pick<Provenance, 'commit' | 'uncommitted'>): string {
  return p.commit ? `commit ${p.commit.slice(0, 7)}${p.uncommitted ? ' plus uncommitted changes' : ''}` : 'no commit yet';
}
