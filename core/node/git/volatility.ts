import { dayNumber } from '../../common/dates.js';
import type { Sow } from '../../common/model/schema-types.js';
import { schemaValidators } from '../../common/rules/schema.js';
import { parseYaml } from '../../common/yaml/parse.js';
import { log } from './log.js';
import { readAt } from './read-at.js';

/** The goals and acceptance criteria of a SOW as comparable items. */
export function scopeItems(sow: Pick<Sow, 'goals' | 'acceptance_criteria'>): Set<string> {
  const items = new Set<string>();
  for (const g of sow.goals) items.add(`goal:${g.description}`);
  for (const c of sow.acceptance_criteria) items.add(`ac:${c.id}:${c.description}`);
  return items;
}

/** Added + removed goals and criteria since `before`, as a share of what there was. */
export function volatilityRatio(before: Set<string>, now: Set<string>): number {
  let changed = 0;
  for (const x of before) if (!now.has(x)) changed++;
  for (const x of now) if (!before.has(x)) changed++;
  return changed / Math.max(1, before.size);
}

/** A SOW as committed long ago: read with the hardened parser, trusted only when it passes today's schema. */
export function oldSow(path: string, text: string): Sow | null {
  const yaml = parseYaml(path, text);
  if (yaml.value === undefined || yaml.diagnostics.some((d) => d.severity === 'error')) return null;
  return schemaValidators().sow(yaml.value) ? (yaml.value as Sow) : null;
}

/**
 * Scope volatility of one SOW from git: its goals and criteria as committed at its start date (the last commit of that
 * day or before; the first commit when the file came later) against `current`. Null when git has no usable version.
 */
export async function scopeVolatility(dir: string, path: string, current: Sow): Promise<number | null> {
  const startDay = dayNumber(current.dates.start);
  if (startDay === null) return null;
  const history = await log(dir, { filepath: path }).catch(() => []);
  if (history.length === 0) return null;
  const atStart = history.find((e) => Math.floor(Date.parse(e.date) / 86_400_000) <= startDay) ?? history[history.length - 1]!;
  const text = await readAt(dir, atStart.oid, path).catch(() => null);
  const before = text === null ? null : oldSow(path, text);
  return before === null ? null : volatilityRatio(scopeItems(before), scopeItems(current));
}
