/** What history-facts.ts keeps about a repository's history (types only: the worker's protocol names them too). */

/** One version of a file: the commit, its author and committer times (s), the blob (null: the commit removed it). */
export type Version = [commit: string, authorT: number, committedT: number, blob: string | null];

/** What history says about one contract file. */
export interface PathFacts {
  /** Earliest author time of a version that holds the file (CRs). */
  c?: number;
  /** The earliest version that is decided or too big to read (CRs): its author time, and "d" or its size in KB. */
  m?: [number, string];
  /** Every version, newest first, in git log's order (the master and SOWs). */
  v?: Version[];
  /** Each approval entry ("member|at") and the first version holding it: [commit, committedT, blob]. */
  a?: Record<string, [string, number, string]>;
  /** Versions over the size budget, oldest first: [commit, committedT, blob, bytes] (they may hold an approval unread). */
  big?: [string, number, string, number][];
}

export interface HistoryFacts {
  tip: string;
  paths: Record<string, PathFacts>;
}
