/** What the working-tree walk of git status needs of the file system (status.ts), and a stat in the index's terms. */
import type { BigIntStats, Dirent } from 'node:fs';

/** What status needs of a file's stat: size, whole milliseconds and the nanoseconds within the second. */
export interface StatLite {
  size: number;
  ms: number;
  ns: number;
}

const BILLION = BigInt(1_000_000_000);

export function statLite(st: BigIntStats): StatLite {
  // sizes and whole milliseconds fit a double exactly; only the nanoseconds need BigInt (one operation per file)
  return { size: Number(st.size), ms: Number(st.mtimeMs), ns: Number(st.mtimeNs % BILLION) };
}

/** The file system calls the working-tree walk makes: node's promises here, blocking ones on the worker thread. */
export interface WalkFs {
  readdir(p: string): Promise<Dirent[]>;
  /** lstat of many files; null for one that is gone. */
  statMany(paths: string[]): Promise<(StatLite | null)[]>;
  readFile(p: string): Promise<Buffer>;
  /** stat with nanoseconds (for the index file's identity). */
  statBig(p: string): Promise<BigIntStats>;
  readlink(p: string): Promise<string>;
}
