/** The structural merge at scale: a CR with N map keys changed on both sides (the red team's 10k/20k/40k keys). */
import { mergeYaml } from '../core/common/merge.js';
import { timeMedian, type Row } from './lib.js';

/** A base with `n` keys under x-notes, mine changing the first key and theirs the last (a clean merge). */
export function manyKeys(n: number): { base: string; mine: string; theirs: string } {
  const lines = Array.from({ length: n }, (_, i) => `  k${i}: value ${i}`);
  const doc = (l: string[]) => `id: CR-1\nx-notes:\n${l.join('\n')}\n`;
  const mine = [...lines];
  mine[0] = '  k0: mine';
  const theirs = [...lines];
  theirs[n - 1] = `  k${n - 1}: theirs`;
  return { base: doc(lines), mine: doc(mine), theirs: doc(theirs) };
}

export async function mergeBench(): Promise<Row[]> {
  const rows: Row[] = [];
  const per: number[] = [];
  for (const n of [10_000, 20_000, 40_000]) {
    const { base, mine, theirs } = manyKeys(n);
    let conflicts = -1;
    const ms = await timeMedian(() => (conflicts = mergeYaml(base, mine, theirs).conflicts.length), 3, 1);
    per.push(ms / n);
    rows.push({
      suite: 'merge (structural)',
      case: `${n.toLocaleString('en')} keys, both sides changed`,
      value: ms,
      target: '<= 2000 ms',
      ok: ms <= 2000 && conflicts === 0,
    });
  }
  // linear: the cost per key at 40k is within 2x of that at 10k (quadratic would be 4x)
  const ratio = per[2]! / per[0]!;
  rows.push({
    suite: 'merge (structural)',
    case: 'cost per key, 40k over 10k',
    value: Math.round(ratio * 100) / 100,
    unit: 'x',
    target: '<= 2 x',
    ok: ratio <= 2,
  });
  return rows;
}
