import { dayNumber } from '../dates.js';
import type { Diagnostic } from '../diagnostics.js';
import { crPath, idFromPath, KIND_LABELS, MASTER_PATH, type FileKind } from '../model/kinds.js';
import { asArray, asNumber, asObject, asString, dig } from '../model/read.js';
import { describeRefRefusal, resolveRefPath } from '../paths.js';
import { quoted, shown } from '../shown.js';
import { describeEvaluation, evaluateChange, type ChangeThresholds, type Evaluation, type ImpactFigures } from '../thresholds.js';
import type { PathSegment } from '../yaml/locate.js';
import type { YamlFile } from '../yaml/parse.js';

/** What the cross-file rules see of one contract file. */
export interface RuleFile {
  path: string;
  kind: FileKind;
  /** Undefined when the file could not be parsed; the file still exists and still counts by its file name. */
  yaml: YamlFile | undefined;
}

/** What the rules may ask of the workspace beyond the contract files. */
export interface RuleContext {
  /** Whether a workspace-relative path names an existing file or folder inside the workspace. */
  exists(path: string): boolean;
  /** Whether an existing path is a link that leads outside the workspace. */
  leadsOutside(path: string): boolean;
  /** Today, as YYYY-MM-DD. */
  today: string;
  /** When a CR was created, from git, for CRs without a `created:` field (by CR path). */
  createdFromHistory(path: string): string | undefined;
}

export function thresholdsOf(master: unknown): ChangeThresholds | undefined {
  const t = asObject(dig(master, 'change_policy', 'thresholds'));
  const b = asNumber(t?.budget_delta_pct_major);
  const s = asNumber(t?.schedule_slip_days_major);
  const r = asNumber(t?.risk_score_major);
  return b === undefined || s === undefined || r === undefined ? undefined : { budget_delta_pct_major: b, schedule_slip_days_major: s, risk_score_major: r };
}

export function impactOf(cr: unknown): ImpactFigures | undefined {
  const i = asObject(dig(cr, 'impact_analysis'));
  const b = asNumber(i?.budget_delta_pct);
  const s = asNumber(i?.schedule_slip_days);
  const r = asNumber(i?.risk_score);
  return b === undefined || s === undefined || r === undefined ? undefined : { budget_delta_pct: b, schedule_slip_days: s, risk_score: r };
}

/** The SLA in days for decisions in `area` (e.g. scope), from the master's decision rights. */
export function slaDays(master: unknown, area: string): number | undefined {
  for (const right of asArray(dig(master, 'governance', 'decision_rights'))) {
    if (asString(dig(right, 'area')) === area) return asNumber(dig(right, 'sla_days'));
  }
  return undefined;
}

function idOf(f: RuleFile): string | undefined {
  return asString(dig(f.yaml?.value, 'id')) ?? idFromPath(f.path) ?? undefined;
}

function checkRefPath(f: YamlFile, path: PathSegment[], field: string, ctx: RuleContext, out: Diagnostic[], missing: 'error' | 'warning'): void {
  const raw = asString(dig(f.value, ...path));
  if (raw === undefined || raw === '') return;
  const ref = resolveRefPath(raw);
  if (!ref.ok) {
    if (ref.reason !== 'empty') out.push(f.at(path, 'error', 'path-outside-workspace', `${field} ${describeRefRefusal(ref.reason)} (${quoted(raw)}); evidence and records must be files inside the workspace.`));
    return;
  }
  if (ctx.leadsOutside(ref.path)) {
    out.push(f.at(path, 'error', 'path-outside-workspace', `${field} ${quoted(raw)} is a link that leads outside the workspace; Covenant will not follow it.`));
  } else if (!ctx.exists(ref.path)) {
    out.push(
      missing === 'warning'
        ? f.at(path, 'warning', 'missing-evidence', `${field} ${quoted(raw)} does not exist yet; add the file to the workspace to evidence the criterion.`)
        : f.at(path, 'error', 'unknown-reference', `${field} points to ${quoted(raw)}, which does not exist in the workspace.`),
    );
  }
}

/** Rules over the whole workspace. Cheap and linear in the number of files: they run after every change. */
export function workspaceDiagnostics(files: readonly RuleFile[], ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byKind: Record<FileKind, RuleFile[]> = { master: [], sow: [], cr: [], ledger: [], adr: [] };
  for (const f of files) byKind[f.kind].push(f);
  const master = byKind.master[0]?.yaml?.value;

  if (byKind.master.length === 0 && (byKind.sow.length > 0 || byKind.cr.length > 0)) {
    out.push({
      file: MASTER_PATH, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'no-master',
      message: `There is no master contract (${MASTER_PATH}), yet the workspace has ${byKind.sow.length} SOW(s) and ${byKind.cr.length} change request(s); their thresholds and SLAs come from it.`,
    });
  }

  // duplicate ids
  const ids: Record<'sow' | 'cr' | 'adr', Map<string, RuleFile[]>> = { sow: new Map(), cr: new Map(), adr: new Map() };
  for (const kind of ['sow', 'cr', 'adr'] as const) {
    for (const f of byKind[kind]) {
      const id = kind === 'adr' ? idFromPath(f.path) ?? undefined : idOf(f);
      if (id === undefined) continue;
      const list = ids[kind].get(id);
      if (list) list.push(f);
      else ids[kind].set(id, [f]);
    }
    for (const [id, list] of ids[kind]) {
      if (list.length < 2) continue;
      for (const f of list) {
        if (!f.yaml) continue;
        const others = list.filter((o) => o !== f).map((o) => o.path).join(', ');
        const message = `${KIND_LABELS[kind]} id ${shown(id)} is also used by ${others}; ids must be unique.`;
        out.push(kind === 'adr' ? f.yaml.atTop('error', 'duplicate-id', message) : f.yaml.at(['id'], 'error', 'duplicate-id', message));
      }
    }
  }

  // SOWs: links to changes, evidence
  for (const f of byKind.sow) {
    const y = f.yaml;
    if (!y) continue;
    asArray(dig(y.value, 'links', 'changes')).forEach((ref, i) => {
      if (typeof ref === 'string' && !ids.cr.has(ref)) {
        out.push(y.at(['links', 'changes', i], 'error', 'unknown-reference', `links.changes names ${shown(ref)}, but there is no such change request (expected ${shown(crPath(ref))}).`));
      }
    });
    asArray(dig(y.value, 'acceptance_criteria')).forEach((_, i) => {
      checkRefPath(y, ['acceptance_criteria', i, 'evidence'], `acceptance_criteria[${i}].evidence`, ctx, out, 'warning');
    });
  }

  // CRs
  const thresholds = thresholdsOf(master);
  const scopeSla = slaDays(master, 'scope');
  const today = dayNumber(ctx.today);
  for (const f of byKind.cr) {
    const y = f.yaml;
    if (!y) continue;
    const cr = y.value;
    asArray(dig(cr, 'sows')).forEach((ref, i) => {
      if (typeof ref === 'string' && !ids.sow.has(ref)) out.push(y.at(['sows', i], 'error', 'unknown-reference', `sows names ${shown(ref)}, but there is no SOW with that id.`));
    });
    checkRefPath(y, ['adr'], 'adr', ctx, out, 'error');
    const cited = resolveRefPath(asString(dig(cr, 'adr')) ?? '');
    const crStatus = asString(dig(cr, 'decision', 'status'));
    if (cited.ok && crStatus !== 'rejected' && crStatus !== 'withdrawn') {
      const adr = byKind.adr.find((a) => a.path === cited.path);
      const adrStatus = asString(dig(adr?.yaml?.value, 'status'));
      if (adrStatus?.startsWith('superseded by ')) {
        const by = adrStatus.slice('superseded by '.length);
        out.push(y.at(['adr'], 'warning', 'adr-superseded', `adr cites ${shown(cited.path)}, which is ${shown(adrStatus)}; cite docs/adr/${shown(by)}.md if the new decision covers this change.`));
      }
    }
    checkRefPath(y, ['addendum'], 'addendum', ctx, out, 'error');

    const impact = impactOf(cr);
    let evaluation: Evaluation | undefined;
    if (impact && thresholds) evaluation = evaluateChange(impact, thresholds);
    const declared = asString(dig(cr, 'threshold_eval'));
    if (evaluation && (declared === 'minor' || declared === 'major') && declared !== evaluation.verdict) {
      const why = evaluation.verdict === 'major' ? evaluation.crossed.map((c) => c.explanation).join('; ') : `no threshold is crossed (${evaluation.checks.map((c) => c.explanation).join('; ')})`;
      out.push(y.at(['threshold_eval'], 'error', 'threshold-eval-mismatch', `threshold_eval is ${declared}, but the master contract's thresholds make this change ${evaluation.verdict}: ${why}.`));
    } else if (evaluation && declared === undefined) {
      out.push(y.at(['impact_analysis'], 'info', 'threshold-eval-missing', `threshold_eval is not set; the master contract's thresholds make this change ${describeEvaluation(evaluation)}.`, true));
    }

    const status = asString(dig(cr, 'decision', 'status'));
    const verdict = evaluation?.verdict ?? declared;
    const adr = asString(dig(cr, 'adr'));
    if (status === 'approved' && verdict === 'major' && (adr === undefined || adr.trim() === '')) {
      out.push(y.at(['decision', 'status'], 'error', 'major-change-needs-adr', `This major change is approved without a decision record: set adr: to the ADR that records the decision (under docs/adr/).`));
    }

    if (status === 'proposed' && scopeSla !== undefined && today !== null) {
      const created = asString(dig(cr, 'created')) ?? ctx.createdFromHistory(f.path);
      const start = created === undefined ? null : dayNumber(created);
      if (start !== null && today - start > scopeSla) {
        out.push(
          y.at(['decision', 'status'], 'warning', 'decision-overdue', `This change has been proposed since ${created} (${today - start} days); the scope decision SLA is ${scopeSla} day${scopeSla === 1 ? '' : 's'}.`),
        );
      }
    }
  }

  // ledger periods
  for (const f of byKind.ledger) {
    const y = f.yaml;
    if (!y) continue;
    asArray(dig(y.value, 'entries')).forEach((entry, i) => {
      const period = asString(dig(entry, 'period'));
      if (period !== undefined && !ids.sow.has(period)) out.push(y.at(['entries', i, 'period'], 'error', 'unknown-reference', `period ${shown(period)} names no SOW; each ledger period must be the id of a SOW under contracts/sow/.`));
    });
  }
  return out;
}
