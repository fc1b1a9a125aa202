/** The next free ids for new files: SOWs (SPRINT-08 after SPRINT-07), change requests (CR-43), ADRs (ADR-0008). */

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The id after the highest numbered SOW id (same prefix and width), or SPRINT-01 in an empty workspace. */
export function nextSowId(existing: Iterable<string>): string {
  let best: { prefix: string; n: number; width: number } | null = null;
  for (const id of existing) {
    const m = /^([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-)(\d+)$/.exec(id);
    if (!m) continue;
    const n = Number(m[2]);
    if (!best || n > best.n) best = { prefix: m[1]!, n, width: m[2]!.length };
  }
  if (!best) return 'SPRINT-01';
  const taken = new Set(existing);
  let n = best.n + 1;
  while (taken.has(`${best.prefix}${pad(n, best.width)}`)) n++;
  return `${best.prefix}${pad(n, best.width)}`;
}

export function nextCrId(existing: Iterable<string>): string {
  let max = 0;
  for (const id of existing) {
    const m = /^CR-(\d+)$/.exec(id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `CR-${max + 1}`;
}

export function nextAdrId(existing: Iterable<string>): string {
  let max = 0;
  for (const id of existing) {
    const m = /^ADR-(\d{4})$/.exec(id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `ADR-${pad(max + 1, 4)}`;
}
