/** The SOW drafting wizard's model: fields checked in plain words, overlap with other iterations, and the file. */
import { Type as T, type Static } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { dayNumber } from '../dates.js';

const text = (max = 2000) => T.String({ maxLength: max });
const names = T.Array(text(200), { maxItems: 200 });
const closed = { additionalProperties: false } as const;

/** What a person fills in for a new SOW, as the API receives it. */
export const SowDraftSchema = T.Object(
  {
    id: text(100),
    start: text(20),
    end: text(20),
    goals: names,
    valueHypothesis: text(),
    criteria: T.Array(T.Object({ description: text(), evidence: text(500) }, closed), { maxItems: 100 }),
    gates: T.Array(T.Object({ name: text(200), validator: text(200) }, closed), { maxItems: 100 }),
    dagNodes: names,
  },
  closed,
);
export type SowDraft = Static<typeof SowDraftSchema>;

export type SowErrors = Partial<Record<'id' | 'start' | 'end' | 'goals' | 'criteria' | 'gates', string>>;

export function checkSowDraft(d: SowDraft, existingIds: string[]): SowErrors {
  const e: SowErrors = {};
  if (!/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$/.test(d.id)) e.id = 'Capitals, digits and hyphens, e.g. SPRINT-08.';
  else if (existingIds.includes(d.id)) e.id = `${d.id} already exists.`;
  const s = dayNumber(d.start);
  const t = dayNumber(d.end);
  if (s === null) e.start = 'The first day, as YYYY-MM-DD.';
  if (t === null) e.end = 'The last day, as YYYY-MM-DD.';
  else if (s !== null && t < s) e.end = 'The iteration cannot end before it starts.';
  if (d.goals.filter((g) => g.trim()).length === 0) e.goals = 'At least one goal.';
  if (d.criteria.filter((c) => c.description.trim()).length === 0) e.criteria = 'At least one measurable acceptance criterion.';
  if (d.gates.some((g) => (g.name.trim() === '') !== (g.validator.trim() === ''))) e.gates = 'Each gate needs a name and a validator.';
  return e;
}

/** Other SOWs whose dates overlap the draft's (a warning: parallel iterations happen, but usually by mistake). */
export function overlappingSows(d: SowDraft, sows: { id: string; start: string; end: string }[]): string[] {
  const [s, t] = [dayNumber(d.start), dayNumber(d.end)];
  if (s === null || t === null) return [];
  return sows
    .filter((o) => {
      const [a, b] = [dayNumber(o.start), dayNumber(o.end)];
      return a !== null && b !== null && o.id !== d.id && a <= t && s <= b;
    })
    .map((o) => o.id);
}

export function buildSowText(d: SowDraft): string {
  const criteria = d.criteria.filter((c) => c.description.trim());
  const gates = d.gates.filter((g) => g.name.trim());
  const sow = {
    id: d.id,
    dates: { start: d.start, end: d.end },
    goals: d.goals.filter((g) => g.trim()).map((g) => ({ description: g.trim() })),
    ...(d.valueHypothesis.trim() ? { value_hypothesis: d.valueHypothesis.trim() } : {}),
    acceptance_criteria: criteria.map((c, i) => ({
      id: `AC${i + 1}`,
      description: c.description.trim(),
      ...(c.evidence.trim() ? { evidence: c.evidence.trim() } : {}),
      status: 'pending',
    })),
    ...(gates.length ? { gates: gates.map((g) => ({ name: g.name.trim(), validator: g.validator.trim(), status: 'pending' })) } : {}),
    links: { dag_nodes: d.dagNodes, changes: [] },
  };
  const text = stringify(sow, { lineWidth: 0 });
  // dates read best on one line, as in the source document's example
  return `# ${d.id}: drafted with the SOW wizard\n${text.replace(/^dates:\n {2}start: (\S+)\n {2}end: (\S+)\n/m, 'dates: {start: $1, end: $2}\n')}`;
}
