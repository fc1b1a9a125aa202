/**
 * The change-request wizard's model: what a person fills in, checked field by field, and the files it produces
 * (the CR itself, and for a major change its decision record). Pure: the renderer checks fields as they are typed,
 * the Node side builds and validates the same files before writing them.
 */
import { Type as T, type Static } from '@sinclair/typebox';
import { stringify } from 'yaml';
import { dayNumber } from '../dates.js';
import type { ChangeRequest } from '../model/schema-types.js';
import { evaluateChange, type ChangeThresholds, type Evaluation } from '../thresholds.js';
import { versionOn, type MasterInForce, type MasterVersion } from '../model/versions.js';

const text = (max = 2000) => T.String({ maxLength: max });
const names = T.Array(text(200), { maxItems: 200 });

/** What a person fills in, as the API receives it (figures stay text until checked). */
export const CrDraftSchema = T.Object(
  {
    summary: text(),
    requestor: text(200),
    sows: names,
    budget_delta_pct: text(40),
    schedule_slip_days: text(40),
    risk_score: text(40),
    dependencies: names,
    value: text(),
    status: T.Union([T.Literal('proposed'), T.Literal('approved'), T.Literal('rejected'), T.Literal('withdrawn')]),
    approvers: names,
    date: text(20),
    /** For a major change: create the decision record (next free ADR number) and link it. */
    createAdr: T.Boolean(),
  },
  { additionalProperties: false },
);
export type CrDraft = Static<typeof CrDraftSchema>;

export type CrField = keyof CrDraft;

export function emptyCrDraft(): CrDraft {
  return {
    summary: '',
    requestor: '',
    sows: [],
    budget_delta_pct: '0',
    schedule_slip_days: '0',
    risk_score: '0',
    dependencies: [],
    value: '',
    status: 'proposed',
    approvers: [],
    date: '',
    createAdr: true,
  };
}

const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

/** Problems by field, in plain words; empty when the draft can be written. */
/** Problems by field; `created` is the day the request is (or was) created, before which nothing can be decided. */
export function checkCrDraft(d: CrDraft, created?: string): Partial<Record<CrField, string>> {
  const e: Partial<Record<CrField, string>> = {};
  if (d.summary.trim() === '') e.summary = 'Say in one sentence what is to change.';
  if (d.requestor.trim() === '') e.requestor = 'Who asks for the change?';
  const b = num(d.budget_delta_pct);
  if (!Number.isFinite(b)) e.budget_delta_pct = 'A number of percent; negative for a saving.';
  else if (Math.abs(b) > 1000) e.budget_delta_pct = 'Between -1000 and 1000 percent.';
  const s = num(d.schedule_slip_days);
  if (!Number.isFinite(s) || s < 0) e.schedule_slip_days = 'Days of slip: 0 or more.';
  const r = num(d.risk_score);
  if (!Number.isFinite(r) || r < 0) e.risk_score = 'Risk points: 0 or more.';
  if (d.status === 'approved' || d.status === 'rejected') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date) || dayNumber(d.date) === null) e.date = 'The decision date, as YYYY-MM-DD.';
    if (d.approvers.length === 0) e.approvers = 'Who decided?';
  } else if (d.date !== '' && dayNumber(d.date) === null) e.date = 'A date as YYYY-MM-DD, or empty.';
  const day = dayNumber(d.date);
  const from = created === undefined ? null : dayNumber(created);
  if (!e.date && day !== null && from !== null && day < from) e.date = `The request is created ${created}; it cannot be decided before that.`;
  return e;
}

export function impactOfDraft(d: CrDraft): { budget_delta_pct: number; schedule_slip_days: number; risk_score: number } | null {
  const [b, s, r] = [num(d.budget_delta_pct), num(d.schedule_slip_days), num(d.risk_score)];
  return Number.isFinite(b) && Number.isFinite(s) && Number.isFinite(r) ? { budget_delta_pct: b, schedule_slip_days: s, risk_score: r } : null;
}

/** The live verdict the wizard shows, from the same function the validator uses. */
export function draftVerdict(d: CrDraft, thresholds: ChangeThresholds | null): Evaluation | null {
  const impact = impactOfDraft(d);
  return impact && thresholds ? evaluateChange(impact, thresholds) : null;
}

/** Whether the draft needs a decision record: an approved major change. */
export function needsAdr(d: CrDraft, verdict: Evaluation | null): boolean {
  return d.status === 'approved' && verdict?.verdict === 'major';
}

export interface CrFiles {
  crPath: string;
  crText: string;
  adrPath: string | null;
  adrText: string | null;
}

/** The CR file (schema key order) and, when asked for, its MADR decision record. */
export function buildCrFiles(d: CrDraft, ids: { cr: string; adr: string }, today: string, thresholds: ChangeThresholds | null): CrFiles {
  const impact = impactOfDraft(d)!;
  const verdict = draftVerdict(d, thresholds);
  const withAdr = d.createAdr && needsAdr(d, verdict);
  const adrPath = withAdr ? `docs/adr/${ids.adr}.md` : null;
  const decision: Record<string, unknown> = { status: d.status };
  if (d.approvers.length) decision.approvers = d.approvers;
  if (d.date) decision.date = d.date;
  const cr: Record<string, unknown> = {
    id: ids.cr,
    requestor: d.requestor.trim(),
    summary: d.summary.trim(),
    created: today,
    ...(d.sows.length ? { sows: d.sows } : {}),
    impact_analysis: { ...impact, dependencies: d.dependencies, ...(d.value.trim() ? { value: d.value.trim() } : {}) },
    ...(verdict ? { threshold_eval: verdict.verdict } : {}),
    decision,
    ...(adrPath ? { adr: adrPath } : {}),
  };
  const crText = `# ${ids.cr}: written by the change-request wizard${verdict ? ` — ${verdict.verdict}` : ''}\n${stringify(cr, { lineWidth: 0 })}`;
  let adrText: string | null = null;
  if (adrPath && verdict) {
    const crossed = verdict.crossed.map((c) => `- ${c.explanation}`).join('\n');
    adrText = `---
title: ${JSON.stringify(d.summary.trim())}
status: accepted
date: ${d.date || today}
decision-makers: [${d.approvers.map((a) => JSON.stringify(a)).join(', ')}]
change-requests: [${ids.cr}]
---
# ${ids.adr}: ${d.summary.trim()}

## Context and problem statement
${ids.cr}, requested by ${d.requestor.trim()}${d.sows.length ? ` for ${d.sows.join(', ')}` : ''}: ${d.summary.trim()}

This is a **major** change under the master contract's thresholds:
${crossed}

## Evidence
- Impact analysis in contracts/changes/${ids.cr}.yaml: budget ${impact.budget_delta_pct}%, slip ${impact.schedule_slip_days} days, risk ${impact.risk_score}.
${d.value.trim() ? `- Expected value: ${d.value.trim()}\n` : ''}
## Considered options
1. Make the change as requested.
2. Defer it to a later iteration.
3. Reject it.

## Decision outcome
Approved by ${d.approvers.join(', ')} on ${d.date || today}.

## Follow-ups
- Update the affected SOWs and the ledger targets.
`;
  }
  return { crPath: `contracts/changes/${ids.cr}.yaml`, crText, adrPath, adrText };
}

/** Every step filled from an existing change request (one that passed its schema). */
export function draftFromCr(cr: ChangeRequest): CrDraft {
  const i = cr.impact_analysis;
  return {
    summary: cr.summary,
    requestor: cr.requestor ?? '',
    sows: cr.sows ?? [],
    budget_delta_pct: String(i.budget_delta_pct),
    schedule_slip_days: String(i.schedule_slip_days),
    risk_score: String(i.risk_score),
    dependencies: i.dependencies ?? [],
    value: i.value ?? '',
    status: cr.decision.status,
    approvers: cr.decision.approvers ?? [],
    date: cr.decision.date ?? '',
    createAdr: !cr.adr,
  };
}

type Edit = { op: 'set'; path: (string | number)[]; value: string | number | boolean | null | (string | number | boolean | null)[] };

/** The edits that bring an existing CR in line with the draft: only fields whose value changed are touched. */
export function crEdits(current: ChangeRequest, d: CrDraft, verdict: Evaluation | null, adrPath: string | null): Edit[] {
  const impact = impactOfDraft(d)!;
  const was: Record<string, unknown> = {
    summary: current.summary,
    requestor: current.requestor,
    sows: current.sows,
    'impact_analysis.budget_delta_pct': current.impact_analysis.budget_delta_pct,
    'impact_analysis.schedule_slip_days': current.impact_analysis.schedule_slip_days,
    'impact_analysis.risk_score': current.impact_analysis.risk_score,
    'impact_analysis.dependencies': current.impact_analysis.dependencies,
    'impact_analysis.value': current.impact_analysis.value,
    threshold_eval: current.threshold_eval,
    'decision.status': current.decision.status,
    'decision.approvers': current.decision.approvers,
    'decision.date': current.decision.date,
    adr: current.adr,
  };
  const get = (_: unknown, ...keys: string[]) => was[keys.join('.')];
  const want: [(string | number)[], Edit['value'] | undefined][] = [
    [['summary'], d.summary.trim()],
    [['requestor'], d.requestor.trim()],
    [['sows'], d.sows.length || get(current, 'sows') !== undefined ? d.sows : undefined],
    [['impact_analysis', 'budget_delta_pct'], impact.budget_delta_pct],
    [['impact_analysis', 'schedule_slip_days'], impact.schedule_slip_days],
    [['impact_analysis', 'risk_score'], impact.risk_score],
    [['impact_analysis', 'dependencies'], d.dependencies.length || get(current, 'impact_analysis', 'dependencies') !== undefined ? d.dependencies : undefined],
    [['impact_analysis', 'value'], d.value.trim() || (get(current, 'impact_analysis', 'value') !== undefined ? d.value.trim() : undefined)],
    [['threshold_eval'], verdict?.verdict],
    [['decision', 'status'], d.status],
    [['decision', 'approvers'], d.approvers.length || get(current, 'decision', 'approvers') !== undefined ? d.approvers : undefined],
    [['decision', 'date'], d.date || undefined],
    [['adr'], adrPath ?? undefined],
  ];
  const edits: Edit[] = [];
  for (const [path, value] of want) {
    if (value === undefined) continue;
    if (JSON.stringify(get(current, ...path.map(String))) === JSON.stringify(value)) continue;
    edits.push({ op: 'set', path, value });
  }
  return edits;
}

/** The master a draft is judged against: the working master while proposed, the one in force on its decision date after. */
export function masterForDraft(d: Pick<CrDraft, 'status' | 'date'>, ctx: { master: MasterInForce; masterVersions: readonly MasterVersion[] }): MasterInForce {
  if (d.status === 'proposed' || dayNumber(d.date) === null) return ctx.master;
  const v = versionOn(ctx.masterVersions, d.date);
  return v ? { thresholds: v.version.thresholds, commit: v.version.commit, label: v.label } : ctx.master;
}
