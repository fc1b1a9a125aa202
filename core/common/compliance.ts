/**
 * The compliance figures, computed once for the dashboard and for the Prometheus export: gate pass rate, criteria met,
 * change requests by verdict and status, change lead time, review SLA adherence, scope volatility, stop-the-line
 * triggers raised, value hypothesis against measured impact, and the validation status.
 */
import { dayNumber } from './dates.js';
import type { Diagnostic } from './diagnostics.js';
import { asArray, asString, dig } from './model/read.js';
import { resolveRefPath } from './paths.js';
import { impactOf, slaDays, thresholdsOf } from './rules/workspace-rules.js';
import { evaluateChange } from './thresholds.js';

export interface ComplianceInput {
  master: { path: string; data: unknown } | null;
  sows: { path: string; data: unknown }[];
  crs: { path: string; data: unknown }[];
  /** Whether a workspace path exists (evidence). */
  exists(path: string): boolean;
  /** Dates from git for CRs without created: / decision.date, by CR path. */
  history?: ReadonlyMap<string, { created?: string; decided?: string }>;
  /** Scope volatility per SOW path (from git history), when known. */
  volatility?: ReadonlyMap<string, number>;
  diagnostics: readonly Diagnostic[];
}

export interface SowFigures {
  id: string;
  path: string;
  gatesPassed: number;
  gatesFailed: number;
  /** passed / (passed + failed); null when no gate has been decided. */
  gatePassRatio: number | null;
  criteria: number;
  criteriaMet: number;
  criteriaMetRatio: number | null;
  scopeVolatility: number | null;
  valueHypothesis: string | null;
  measuredImpact: string | null;
}

export interface CrFigures {
  id: string;
  path: string;
  status: string;
  verdict: 'minor' | 'major' | null;
  created: string | null;
  decided: string | null;
  /** created -> decision, in days. */
  leadTimeDays: number | null;
  withinSla: boolean | null;
}

export interface Compliance {
  sows: SowFigures[];
  crs: CrFigures[];
  openChangeRequests: number;
  /** verdict|status -> count */
  changeRequests: { verdict: string; status: string; count: number }[];
  leadTime: { count: number; sum: number; median: number | null; p90: number | null };
  reviewSlaAdherence: number | null;
  scopeSlaDays: number | null;
  stopTheLineRaised: { trigger: string; date: string; sow?: string }[];
  diagnostics: { error: number; warning: number; info: number };
}

/** Nearest-rank quantile of sorted numbers. */
export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export function computeCompliance(input: ComplianceInput): Compliance {
  const master = input.master?.data;
  const thresholds = thresholdsOf(master);
  const sla = slaDays(master, 'scope') ?? null;

  const sows: SowFigures[] = input.sows.map(({ path, data }) => {
    const gates = asArray(dig(data, 'gates'));
    const passed = gates.filter((g) => asString(dig(g, 'status')) === 'passed').length;
    const failed = gates.filter((g) => asString(dig(g, 'status')) === 'failed').length;
    const criteria = asArray(dig(data, 'acceptance_criteria'));
    const met = criteria.filter((c) => {
      if (asString(dig(c, 'status')) !== 'met') return false;
      const ev = asString(dig(c, 'evidence'));
      const ref = ev === undefined ? null : resolveRefPath(ev);
      return ref !== null && ref.ok && input.exists(ref.path);
    }).length;
    return {
      id: asString(dig(data, 'id')) ?? path,
      path,
      gatesPassed: passed,
      gatesFailed: failed,
      gatePassRatio: ratio(passed, passed + failed),
      criteria: criteria.length,
      criteriaMet: met,
      criteriaMetRatio: ratio(met, criteria.length),
      scopeVolatility: input.volatility?.get(path) ?? null,
      valueHypothesis: asString(dig(data, 'value_hypothesis')) ?? null,
      measuredImpact: asString(dig(data, 'measured_impact')) ?? null,
    };
  });

  const crs: CrFigures[] = input.crs.map(({ path, data }) => {
    const history = input.history?.get(path);
    const status = asString(dig(data, 'decision', 'status')) ?? 'unknown';
    const impact = impactOf(data);
    const declared = asString(dig(data, 'threshold_eval'));
    const verdict = impact && thresholds ? evaluateChange(impact, thresholds).verdict : declared === 'minor' || declared === 'major' ? declared : null;
    const created = asString(dig(data, 'created')) ?? history?.created ?? null;
    const decided = status === 'proposed' ? null : (asString(dig(data, 'decision', 'date')) ?? history?.decided ?? null);
    const a = created === null ? null : dayNumber(created);
    const b = decided === null ? null : dayNumber(decided);
    const lead = a !== null && b !== null && b >= a ? b - a : null;
    return { id: asString(dig(data, 'id')) ?? path, path, status, verdict, created, decided, leadTimeDays: lead, withinSla: lead === null || sla === null ? null : lead <= sla };
  });

  const groups = new Map<string, number>();
  for (const c of crs) {
    const k = `${c.verdict ?? 'unknown'}|${c.status}`;
    groups.set(k, (groups.get(k) ?? 0) + 1);
  }
  const leads = crs.map((c) => c.leadTimeDays).filter((d): d is number => d !== null).sort((x, y) => x - y);
  const judged = crs.filter((c) => c.withinSla !== null);
  const diagnostics = { error: 0, warning: 0, info: 0 };
  for (const d of input.diagnostics) diagnostics[d.severity]++;

  return {
    sows,
    crs,
    openChangeRequests: crs.filter((c) => c.status === 'proposed').length,
    changeRequests: [...groups].map(([k, count]) => ({ verdict: k.split('|')[0]!, status: k.split('|')[1]!, count })).sort((x, y) => (x.verdict + x.status).localeCompare(y.verdict + y.status)),
    leadTime: { count: leads.length, sum: leads.reduce((s, d) => s + d, 0), median: quantile(leads, 0.5), p90: quantile(leads, 0.9) },
    reviewSlaAdherence: ratio(judged.filter((c) => c.withinSla).length, judged.length),
    scopeSlaDays: sla,
    stopTheLineRaised: asArray(dig(master, 'risk_policy', 'raised')).map((r) => ({ trigger: asString(dig(r, 'trigger')) ?? '?', date: asString(dig(r, 'date')) ?? '?', sow: asString(dig(r, 'sow')) })),
    diagnostics,
  };
}
