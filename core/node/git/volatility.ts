import { dayNumber } from '../../common/dates.js';
import type { Sow } from '../../common/model/schema-types.js';
import { schemaValidators } from '../../common/rules/schema.js';
import { parseYaml } from '../../common/yaml/parse.js';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import type { HistoryFacts } from './history-facts.js';
import { ObjectStore } from './objects.js';
import type { Repo } from './repo.js';

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

/** The scope items of old SOW versions, by blob id (a blob never changes), kept in <commondir>/covenant/scope-items.json. */
interface KeptItems {
  version: number;
  items: Record<string, string[] | null>;
}

const ITEMS_VERSION = 1;

/**
 * Scope volatility of every SOW from git: its goals and criteria as committed at its start date (the last commit of
 * that day or before; the first commit when the file came later) against the SOW as it is now; a SOW git has no
 * usable version of has none. The versions come from the kept history facts (no walk of the history per SOW), and
 * the goals and criteria of each old version are read once and kept by blob id.
 */
export async function sowVolatility(repo: Repo | null, facts: HistoryFacts | null, sows: readonly { path: string; data: Sow }[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!repo || !facts) return out;
  const file = path.join(repo.commondir, 'covenant', 'scope-items.json');
  let kept: KeptItems = { version: ITEMS_VERSION, items: {} };
  try {
    const k = JSON.parse(await readFile(file, 'utf8')) as KeptItems;
    if (k.version === ITEMS_VERSION && k.items && typeof k.items === 'object') kept = k;
  } catch {
    /* none yet, or damaged: read again */
  }
  const used: Record<string, string[] | null> = {};
  const store = ObjectStore.for(repo);
  for (const { path: p, data } of sows) {
    const startDay = dayNumber(data.dates.start);
    const versions = facts.paths[p]?.v ?? [];
    if (startDay === null || versions.length === 0) continue;
    const blob = (versions.find(([, authored]) => Math.floor(authored / 86_400) <= startDay) ?? versions[versions.length - 1]!)[3];
    if (!blob) continue;
    let items = kept.items[blob];
    if (items === undefined) {
      let text: string | null = null;
      try {
        text = store.read(blob).content.toString('utf8');
      } catch {
        /* missing from the repository */
      }
      const sow = text === null ? null : oldSow(p, text);
      items = sow === null ? null : [...scopeItems(sow)];
    }
    used[blob] = items;
    if (items !== null) out.set(p, volatilityRatio(new Set(items), scopeItems(data)));
  }
  // what this workspace's SOWs need, no more: the file follows the workspace, not the history
  if (Object.keys(used).some((b) => !(b in kept.items)) || Object.keys(used).length !== Object.keys(kept.items).length)
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, JSON.stringify({ version: ITEMS_VERSION, items: used } satisfies KeptItems));
    } catch {
      /* a read-only repository */
    }
  return out;
}
