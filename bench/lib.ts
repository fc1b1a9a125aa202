/** Tiny helpers for `npm run bench`: medians of repeated runs, and one table at the end. */
export interface Row {
  suite: string;
  case: string;
  /** Median milliseconds (or another figure named in `unit`). */
  value: number;
  unit?: string;
  /** e.g. "<= 1500 ms" */
  target?: string;
  ok?: boolean;
  note?: string;
}

/** System git as the benches run it: a fixed identity, no user configuration, never a prompt. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'b@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'b@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `fn` `runs` times after `warmup` untimed runs; returns the median duration in ms. */
export async function timeMedian(fn: () => unknown | Promise<unknown>, runs = 7, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** The median of `runs` timed calls of `fn`, each after an untimed `before` (which sets the next run up). */
export async function timedRuns(
  runs: number,
  fn: (i: number) => Promise<unknown> | unknown,
  before?: (i: number) => Promise<unknown> | unknown,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (before) await before(i);
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return median(times);
}

export function printTable(rows: Row[]): void {
  const head = ['suite', 'case', 'median', 'target', 'ok', 'note'];
  const body = rows.map((r) => [
    r.suite,
    r.case,
    `${r.value < 10 ? r.value.toFixed(2) : r.value.toFixed(0)} ${r.unit ?? 'ms'}`,
    r.target ?? '',
    r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}
