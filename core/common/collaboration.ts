/**
 * Collaboration and predictability, measured from what the workspace holds rather than typed: review turnaround from
 * a CR's request time and its review records, defect triage from imported tracker records, decisions against every
 * decision-rights row, escalation steps that have fired on open decisions, and iteration_forecast_error from a SOW's
 * forecast against the ledger's actual cost and the day its last gate passed.
 */
import { dayNumber } from './dates.js';
import type { ContractModel, Doc } from './model/contract.js';
import type { ChangeRequest, Sow } from './model/schema-types.js';

const HOUR = 3_600_000;

/** Nearest-rank quantile of sorted numbers. */
export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

/** Measured durations against a service level: how many were judged, how many within, the median and p90. */
export interface SloMeasure {
  /** The SLO in hours from collaboration_slos; null when the master sets none. */
  sloHours: number | null;
  /** Durations measured (completed ones), in hours. */
  count: number;
  median: number | null;
  p90: number | null;
  /** Completed within the SLO, plus still open and already past it (a breach that is certain). */
  judged: number;
  within: number;
  /** within / judged; null when nothing could be judged (or there is no SLO). */
  adherence: number | null;
  /** Still open and not yet past the SLO. */
  pending: number;
}

function measure(hours: number[], open: number[], sloHours: number | null): SloMeasure {
  const sorted = [...hours].sort((a, b) => a - b);
  const within = sloHours === null ? 0 : hours.filter((h) => h <= sloHours).length;
  const lateOpen = sloHours === null ? 0 : open.filter((h) => h > sloHours).length;
  const judged = sloHours === null ? 0 : hours.length + lateOpen;
  return {
    sloHours,
    count: hours.length,
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    judged,
    within,
    adherence: ratio(within, judged),
    pending: sloHours === null ? open.length : open.length - lateOpen,
  };
}

export interface ReviewFigure {
  cr: string;
  path: string;
  /** When the review was asked for: the CR's creation (the commit that added it, else the start of its created day). */
  requested: string | null;
  requestedFrom: 'git' | 'created' | null;
  /** The first completed review (approve or request_changes), or the decision when no review was recorded. */
  reviewed: { at: string; by: string; from: 'review' | 'decision' } | null;
  hours: number | null;
  /** null while still open within the SLO, or without an SLO. */
  withinSlo: boolean | null;
}

export interface DefectFigure {
  id: string;
  file: string;
  sow: string | null;
  severity: string | null;
  reported: string;
  triaged: string | null;
  hours: number | null;
  withinSlo: boolean | null;
}

export interface DecisionRightFigure {
  area: string;
  owner: string;
  slaDays: number;
  /** Change requests decided in this area (approved or rejected, with a known lead time). */
  decided: number;
  withinSla: number;
  adherence: number | null;
  open: number;
  overdue: number;
  /** Decided CRs whose approvers do not include the area's owner. */
  notByOwner: string[];
}

export interface EscalationFigure {
  cr: string;
  path: string;
  area: string;
  openDays: number;
  /** 1-based step of governance.escalation that applies now (the last whose after_days has passed). */
  step: number;
  afterDays: number;
  notify: string[];
  /** The step after it, if any: when and to whom it will go. */
  next: { afterDays: number; notify: string[] } | null;
}

export interface ForecastFigure {
  sow: string;
  cost: {
    forecast: number | null;
    forecastFrom: 'forecast' | 'ledger target' | null;
    actual: number | null;
    /** (actual - forecast) / forecast; null when either is unknown or the forecast is 0. */
    error: number | null;
  };
  schedule: {
    forecastEnd: string;
    forecastFrom: 'forecast' | 'dates.end';
    /** The day the last gate passed (when every gate has); null while the iteration is not done. */
    actualEnd: string | null;
    slipDays: number | null;
    /** slip / planned duration in days (start to forecast end); null while unknown. */
    error: number | null;
    /** Why the actual end is unknown, in words; null when known. */
    pendingReason: string | null;
  };
}

export interface CollaborationFigures {
  reviewTurnaround: SloMeasure;
  /** First response of any kind (a comment too) against collaboration_slos.decision_response_hours. */
  decisionResponse: SloMeasure;
  reviews: ReviewFigure[];
  defectTriage: SloMeasure;
  defects: DefectFigure[];
  decisionRights: DecisionRightFigure[];
  escalations: EscalationFigure[];
  forecasts: ForecastFigure[];
}

export interface CollaborationInput {
  model: ContractModel;
  /** Dates from git by CR path: createdAt is the time of the commit that added the file. */
  history?: Pick<ReadonlyMap<string, { created?: string; createdAt?: string; decided?: string }>, 'get'>;
  /** The day figures are for, YYYY-MM-DD. */
  today: string | null;
  /** The moment open items are judged at (ms): now, or the end of `today` when that is in the past. */
  now: number;
  /** Lead time (days) and approvers of each CR by path, from the compliance figures. */
  leadDays: ReadonlyMap<string, number | null>;
}

// exact: the figures keep the measured time (a quantile is always one observed value); views round it to show it
const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / HOUR;

function requestTime(cr: Doc<ChangeRequest>, history: CollaborationInput['history']): { at: string; from: 'git' | 'created' } | null {
  const git = history?.get(cr.path);
  const created = cr.data.created;
  // the commit that added the file gives the hour, when it is on the day the file says (or the file says none)
  if (git?.createdAt && (!created || git.createdAt.slice(0, 10) === created)) return { at: git.createdAt, from: 'git' };
  if (created) return { at: `${created}T00:00:00.000Z`, from: 'created' };
  return null;
}

function reviewFigure(
  cr: Doc<ChangeRequest>,
  input: Pick<CollaborationInput, 'history' | 'now'>,
  slo: number | null,
  open: number[],
  done: number[],
  anyResponse = false,
): ReviewFigure {
  const req = requestTime(cr, input.history);
  const completed = (cr.data.reviews ?? [])
    .filter((r) => (anyResponse || r.outcome !== 'comment') && !Number.isNaN(Date.parse(r.at)))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  const d = cr.data.decision;
  let reviewed: ReviewFigure['reviewed'] = completed ? { at: new Date(Date.parse(completed.at)).toISOString(), by: completed.by, from: 'review' } : null;
  if (!reviewed && d.status !== 'proposed' && d.date)
    reviewed = { at: `${d.date}T00:00:00.000Z`, by: (d.approvers ?? []).join(', ') || 'unknown', from: 'decision' };
  let hours: number | null = null;
  let withinSlo: boolean | null = null;
  if (req && reviewed) {
    const h = hoursBetween(req.at, reviewed.at);
    // a review before the request (dates typed out of order) is unknown, never a negative turnaround
    if (h >= 0) {
      hours = h;
      done.push(h);
      withinSlo = slo === null ? null : h <= slo;
    }
  } else if (req && !reviewed && d.status === 'proposed') {
    const waited = (input.now - Date.parse(req.at)) / HOUR;
    open.push(waited);
    if (slo !== null && waited > slo) withinSlo = false;
  }
  return { cr: cr.id, path: cr.path, requested: req?.at ?? null, requestedFrom: req?.from ?? null, reviewed, hours, withinSlo };
}

function forecastFigure(model: ContractModel, sow: Doc<Sow>, today: string | null): ForecastFigure {
  const entry = model.ledger?.data.entries.find((e) => e.period === sow.id);
  const f = sow.data.forecast;
  const forecast = f?.cost ?? entry?.target_cost ?? null;
  const actual = entry ? entry.actual_cost : null;
  const forecastEnd = f?.end ?? sow.data.dates.end;
  const gates = model.gateStatuses(sow, today ?? undefined);
  let actualEnd: string | null = null;
  let pendingReason: string | null = null;
  if (gates.length === 0) pendingReason = 'the SOW has no gates, so nothing shows when it ended';
  else {
    const open = gates.filter((g) => g.status !== 'passed');
    if (open.length) pendingReason = `not every gate has passed (${open.map((g) => `${g.gate}: ${g.status}`).join(', ')})`;
    else
      actualEnd = gates
        .map((g) => g.result!.data.recorded.at.slice(0, 10))
        .sort()
        .at(-1)!;
  }
  const end = dayNumber(forecastEnd);
  const start = dayNumber(sow.data.dates.start);
  const slip = actualEnd !== null && end !== null ? dayNumber(actualEnd)! - end : null;
  const planned = end !== null && start !== null ? end - start + 1 : null;
  return {
    sow: sow.id,
    cost: {
      forecast,
      forecastFrom: f?.cost !== undefined ? 'forecast' : entry ? 'ledger target' : null,
      actual,
      error: forecast !== null && actual !== null && forecast !== 0 ? round((actual - forecast) / forecast, 4) : null,
    },
    schedule: {
      forecastEnd,
      forecastFrom: f?.end !== undefined ? 'forecast' : 'dates.end',
      actualEnd,
      slipDays: slip,
      error: slip !== null && planned !== null && planned > 0 ? round(slip / planned, 4) : null,
      pendingReason,
    },
  };
}

/** Review turnaround of every CR, and the measure over them. */
export function measureReviews(
  input: Pick<CollaborationInput, 'model' | 'history' | 'now'>,
  only?: (cr: Doc<ChangeRequest>) => boolean,
  /** 'response': any review counts, a comment too, against decision_response_hours (the request was acknowledged). */
  kind: 'review' | 'response' = 'review',
): { reviews: ReviewFigure[]; measure: SloMeasure } {
  const slos = input.model.master?.data.collaboration_slos;
  const reviewSlo = (kind === 'review' ? slos?.review_turnaround_hours : slos?.decision_response_hours) ?? null;
  const openReviews: number[] = [];
  const doneReviews: number[] = [];
  const reviews: ReviewFigure[] = [];
  for (const cr of input.model.crs) if (!only || only(cr)) reviews.push(reviewFigure(cr, input, reviewSlo, openReviews, doneReviews, kind === 'response'));
  return { reviews, measure: measure(doneReviews, openReviews, reviewSlo) };
}

/** Triage time of every imported defect, and the measure over them. */
export function measureDefects(input: Pick<CollaborationInput, 'model' | 'now'>): { defects: DefectFigure[]; measure: SloMeasure } {
  const { model } = input;
  const triageSlo = model.master?.data.collaboration_slos?.defect_triage_hours ?? null;
  const openDefects: number[] = [];
  const doneDefects: number[] = [];
  const defects: DefectFigure[] = [];
  for (const file of model.defects) {
    for (const d of file.data.defects) {
      let hours: number | null = null;
      let withinSlo: boolean | null = null;
      if (d.triaged !== undefined) {
        const h = hoursBetween(d.reported, d.triaged);
        if (h >= 0) {
          hours = h;
          doneDefects.push(h);
          withinSlo = triageSlo === null ? null : h <= triageSlo;
        }
      } else {
        const waited = (input.now - Date.parse(d.reported)) / HOUR;
        if (waited >= 0) {
          openDefects.push(waited);
          if (triageSlo !== null && waited > triageSlo) withinSlo = false;
        }
      }
      defects.push({
        id: d.id,
        file: file.path,
        sow: d.sow ?? null,
        severity: d.severity ?? null,
        reported: d.reported,
        triaged: d.triaged ?? null,
        hours,
        withinSlo,
      });
    }
  }

  return { defects, measure: measure(doneDefects, openDefects, triageSlo) };
}

/** The escalation step that applies to each open decision by `today`. */
export function escalationsOf(input: Pick<CollaborationInput, 'model' | 'history' | 'today'>): EscalationFigure[] {
  const { model } = input;
  const today = input.today ? dayNumber(input.today) : null;
  const steps = [...(model.master?.data.governance.escalation ?? [])].sort((a, b) => a.after_days - b.after_days);
  const escalations: EscalationFigure[] = [];
  if (steps.length === 0 || today === null) return escalations;
  for (const cr of model.crs) {
    if (cr.data.decision.status !== 'proposed') continue;
    const created = cr.data.created ?? input.history?.get(cr.path)?.created;
    const start = created ? dayNumber(created) : null;
    if (start === null) continue;
    const openDays = today - start;
    const fired = steps.filter((s) => s.after_days <= openDays);
    if (fired.length === 0) continue;
    const step = fired.at(-1)!;
    const next = steps[fired.length];
    escalations.push({
      cr: cr.id,
      path: cr.path,
      area: model.areaOf(cr),
      openDays,
      step: fired.length,
      afterDays: step.after_days,
      notify: step.notify,
      next: next ? { afterDays: next.after_days, notify: next.notify } : null,
    });
  }
  return escalations;
}

export function computeCollaboration(input: CollaborationInput): CollaborationFigures {
  const { model } = input;
  const today = input.today ? dayNumber(input.today) : null;
  const reviews = measureReviews(input);
  const defects = measureDefects(input);
  const byArea = new Map<string, Doc<ChangeRequest>[]>();
  for (const c of model.crs) {
    const area = model.areaOf(c);
    const list = byArea.get(area);
    if (list) list.push(c);
    else byArea.set(area, [c]);
  }
  const decisionRights: DecisionRightFigure[] = (model.master?.data.governance.decision_rights ?? []).map((row) => {
    const crs = byArea.get(row.area) ?? [];
    const decided = crs.filter((c) => c.data.decision.status === 'approved' || c.data.decision.status === 'rejected');
    const leads = decided.map((c) => input.leadDays.get(c.path) ?? null).filter((d): d is number => d !== null);
    const within = leads.filter((d) => d <= row.sla_days).length;
    const open = crs.filter((c) => c.data.decision.status === 'proposed');
    let overdue = 0;
    for (const c of open) {
      const created = c.data.created ?? input.history?.get(c.path)?.created;
      const start = created ? dayNumber(created) : null;
      if (start !== null && today !== null && today - start > row.sla_days) overdue++;
    }
    return {
      area: row.area,
      owner: row.owner,
      slaDays: row.sla_days,
      decided: leads.length,
      withinSla: within,
      adherence: ratio(within, leads.length),
      open: open.length,
      overdue,
      notByOwner: decided.filter((c) => c.data.decision.status === 'approved' && !(c.data.decision.approvers ?? []).includes(row.owner)).map((c) => c.id),
    };
  });

  return {
    reviewTurnaround: reviews.measure,
    decisionResponse: measureReviews(input, undefined, 'response').measure,
    reviews: reviews.reviews,
    defectTriage: defects.measure,
    defects: defects.defects,
    decisionRights,
    escalations: escalationsOf(input),
    forecasts: model.sows.map((s) => forecastFigure(model, s, input.today)),
  };
}

/** The moment open items are judged at for a day: now, or the end of that day when it is in the past. */
export function judgedAt(today: string | undefined, now = Date.now()): number {
  const d = today ? dayNumber(today) : null;
  if (d === null || d === Math.floor(now / 86_400_000)) return now;
  return (d + 1) * 86_400_000 - 1;
}
