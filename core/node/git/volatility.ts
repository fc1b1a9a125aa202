import { parse } from 'yaml';
import { dayNumber } from '../../common/dates.js';
import { asArray, asString, dig } from '../../common/model/read.js';
import { log } from './log.js';
import { readAt } from './read-at.js';

/** The goals and acceptance criteria of a SOW as comparable items. */
export function scopeItems(sow: unknown): Set<string> {
  const items = new Set<string>();
  for (const g of asArray(dig(sow, 'goals'))) items.add(`goal:${asString(dig(g, 'description')) ?? ''}`);
  for (const c of asArray(dig(sow, 'acceptance_criteria'))) items.add(`ac:${asString(dig(c, 'id')) ?? ''}:${asString(dig(c, 'description')) ?? ''}`);
  return items;
}

/** Added + removed goals and criteria since `before`, as a share of what there was. */
export function volatilityRatio(before: Set<string>, now: Set<string>): number {
  let changed = 0;
  for (const x of before) if (!now.has(x)) changed++;
  for (const x of now) if (!before.has(x)) changed++;
  return changed / Math.max(1, before.size);
}

/**
 * Scope volatility of one SOW from git: its goals and criteria as committed at its start date (the last commit of that
 * day or before; the first commit when the file came later) against `current`. Null when git has no version.
 */
export async function scopeVolatility(dir: string, path: string, current: unknown): Promise<number | null> {
  const start = asString(dig(current, 'dates', 'start'));
  const startDay = start === undefined ? null : dayNumber(start);
  if (startDay === null) return null;
  const history = await log(dir, { filepath: path }).catch(() => []);
  if (history.length === 0) return null;
  const atStart = history.find((e) => Math.floor(Date.parse(e.date) / 86_400_000) <= startDay) ?? history[history.length - 1]!;
  const text = await readAt(dir, atStart.oid, path).catch(() => null);
  if (text === null) return null;
  let before: unknown;
  try {
    before = parse(text);
  } catch {
    return null;
  }
  return volatilityRatio(scopeItems(before), scopeItems(current));
}
