import { dayNumber } from '../../common/dates.js';
import type { Sow } from '../../common/model/schema-types.js';
import { schemaValidators } from '../../common/rules/schema.js';
import { parseYaml } from '../../common/yaml/parse.js';
import { historyFacts } from './history-facts.js';
import { ObjectStore } from './objects.js';
import { findRepo } from './repo.js';

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

/** Scope items of SOW versions already read, by blob id (a blob never changes). */
const itemsOf = new Map<string, Set<string> | null>();

/**
 * Scope volatility of one SOW from git: its goals and criteria as committed at its start date (the last commit of that
 * day or before; the first commit when the file came later) against `current`. Null when git has no usable version.
 * The versions come from the kept history facts: no walk of the history per SOW.
 */
export async function scopeVolatility(dir: string, path: string, current: Sow): Promise<number | null> {
  const startDay = dayNumber(current.dates.start);
  if (startDay === null) return null;
  const repo = await findRepo(dir);
  const versions = (repo && (await historyFacts(repo))?.paths[path]?.v) || [];
  if (versions.length === 0) return null;
  const atStart = versions.find(([, authored]) => Math.floor(authored / 86_400) <= startDay) ?? versions[versions.length - 1]!;
  const blob = atStart[3];
  if (!blob) return null;
  let before = itemsOf.get(blob);
  if (before === undefined) {
    let text: string | null = null;
    try {
      text = ObjectStore.for(repo!).read(blob).content.toString('utf8');
    } catch {
      /* missing from the repository */
    }
    const sow = text === null ? null : oldSow(path, text);
    itemsOf.set(blob, (before = sow === null ? null : scopeItems(sow)));
  }
  return before === null ? null : volatilityRatio(before, scopeItems(current));
}
