/**
 * The typed contract model: the one place that answers domain questions (a SOW by id, a CR's verdict, which SOWs a
 * CR belongs to, the decision-rights row of an area, who may request or approve). Built from files that passed
 * their schema: their data has exactly the shape of the generated types, so nothing downstream second-guesses it.
 * A file that failed its schema is listed in `leftOut` with the reason, and is in no figure.
 */
import { checkCriterion, type CriterionCheck } from '../measure.js';
import { resolveRefPath } from '../paths.js';
import type { ComplianceCode, Diagnostic, Severity } from '../diagnostics.js';
import { describeEvaluation, evaluateChange, type ChangeThresholds, type Evaluation } from '../thresholds.js';
import type { YamlFile } from '../yaml/parse.js';
import { idFromPath, type FileKind } from './kinds.js';
import type { Addendum, AdrFrontMatter, ChangeRequest, DefectRecords, Ledger, MasterContract, ResultRecord, Sow } from './schema-types.js';
import { trustRoot, type Trust, type TrustVersion } from '../trust.js';
import { sameThresholds, versionLabel, versionOn, type MasterInForce, type MasterVersion } from './versions.js';

/** Codes that mean a file's data cannot be trusted to have its schema's shape. */
export const SCHEMA_FAILURE_CODES: ReadonlySet<string> = new Set([
  'file-unreadable',
  'file-too-large',
  'yaml-syntax',
  'yaml-unsupported',
  'duplicate-key',
  'schema',
]);

/** One contract file whose data passed its schema. */
export interface Doc<T> {
  path: string;
  /** The id it holds (SOW, CR) or takes from its file name (ADR); the master's meta.id; 'ledger' for the ledger. */
  id: string;
  data: T;
  /** For positions of fields. */
  yaml: YamlFile;
}

/** A contract file left out of the model, with the first reason (file, line and what is expected). */
export interface LeftOut {
  path: string;
  kind: FileKind;
  line: number;
  reason: string;
}

/** What the model is built from: every contract file, parsed or not, with its own (single-file) diagnostics. */
export interface ModelInput {
  path: string;
  kind: FileKind;
  yaml: YamlFile | undefined;
  diagnostics: readonly Diagnostic[];
}

export interface CrVerdict {
  /** Computed from the master's thresholds; null when the master or its thresholds are not usable. */
  evaluation: Evaluation | null;
  verdict: 'minor' | 'major' | null;
  /** What the file says (threshold_eval), which may disagree. */
  declared: 'minor' | 'major' | null;
  /** The master version whose thresholds were used: the one in force on the decision date for a decided CR. */
  master: MasterInForce;
  /** "major: schedule slip 12 days exceeds 10" or why it cannot be computed. */
  explanation: string;
}

/**
 * A gate's status as the evidence says: the latest recorded result decides (passed or failed); a status typed into
 * the SOW with no result behind it is "unverified"; with neither, "pending" while the iteration runs and "missing"
 * once it has ended (it never ran). Only "passed" counts as passed.
 */
export type GateState = 'passed' | 'failed' | 'unverified' | 'pending' | 'missing';

export interface GateStatus {
  sow: string;
  gate: string;
  validator: string;
  status: GateState;
  /** The result that decided it (the latest by recorded.at). */
  result: Doc<ResultRecord> | null;
  /** What the SOW's own status field says, if anything (never trusted on its own). */
  typed: string | null;
  /** The open stop-the-line raising that fails the gate under enforcement. */
  stoppedBy?: { trigger: string; date: string };
}

export interface LinkDisagreement {
  sow: string;
  cr: string;
  /** Which side names the other: the SOW's links.changes only, or the CR's sows only. */
  namedBy: 'sow' | 'cr';
}

/** The raw `id:` of a parsed file whatever its validity (for duplicate checks), without trusting anything else. */
export function rawId(yaml: YamlFile | undefined): string | undefined {
  const v = yaml?.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, 'id')) return undefined;
  const id = (v as { id: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

export class ContractModel {
  readonly master: Doc<MasterContract> | null = null;
  readonly sows: readonly Doc<Sow>[];
  readonly crs: readonly Doc<ChangeRequest>[];
  readonly ledger: Doc<Ledger> | null = null;
  readonly adrs: readonly Doc<AdrFrontMatter>[];
  /** Recorded results (contracts/results/), oldest first by recorded.at. */
  readonly results: readonly Doc<ResultRecord>[];
  /** Imported defect records (contracts/defects/). */
  readonly defects: readonly Doc<DefectRecords>[];
  /** Addenda of change requests (contracts/addenda/), by path. */
  readonly addenda: readonly Doc<Addendum>[];
  /** Committed versions of the master contract, oldest first (from git; empty when unknown or not committed). */
  readonly masterVersions: readonly MasterVersion[];
  readonly leftOut: readonly LeftOut[];
  /** How many files of each kind exist, valid or not. */
  readonly counts: Readonly<Record<FileKind, number>>;
  /** Ids of every SOW, CR and ADR file that exists (valid or not; by its id or else its file name). */
  readonly knownIds: Readonly<Record<'sow' | 'cr' | 'adr', ReadonlySet<string>>>;
  private readonly sowById = new Map<string, Doc<Sow>>();
  private readonly crById = new Map<string, Doc<ChangeRequest>>();
  private readonly adrByPath = new Map<string, Doc<AdrFrontMatter>>();
  private verdicts = new Map<string, CrVerdict>();
  private links: { sowsOfCr: Map<string, string[]>; crsOfSow: Map<string, string[]>; disagreements: LinkDisagreement[] } | null = null;

  constructor(files: readonly ModelInput[], masterVersions: readonly MasterVersion[] = []) {
    this.masterVersions = masterVersions;
    const defects: Doc<DefectRecords>[] = [];
    const addenda: Doc<Addendum>[] = [];
    const sows: Doc<Sow>[] = [];
    const crs: Doc<ChangeRequest>[] = [];
    const adrs: Doc<AdrFrontMatter>[] = [];
    const results: Doc<ResultRecord>[] = [];
    const leftOut: LeftOut[] = [];
    const counts: Record<FileKind, number> = { master: 0, sow: 0, cr: 0, ledger: 0, adr: 0, result: 0, defects: 0, addendum: 0 };
    const known = { sow: new Set<string>(), cr: new Set<string>(), adr: new Set<string>() };
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      counts[f.kind]++;
      const fromName = idFromPath(f.path);
      if (f.kind === 'sow' || f.kind === 'cr') {
        const id = rawId(f.yaml) ?? fromName;
        if (id) known[f.kind].add(id);
      } else if (f.kind === 'adr' && fromName) known.adr.add(fromName);
      const failure = f.diagnostics.find((d) => d.severity === 'error' && SCHEMA_FAILURE_CODES.has(d.code));
      if (failure || !f.yaml || f.yaml.value === undefined) {
        const d = failure ?? f.diagnostics[0];
        leftOut.push({ path: f.path, kind: f.kind, line: d?.line ?? 1, reason: d?.message ?? 'The file could not be read.' });
        continue;
      }
      const yaml = f.yaml;
      switch (f.kind) {
        case 'master': {
          const data = yaml.value as MasterContract;
          (this as { master: Doc<MasterContract> | null }).master = { path: f.path, id: data.meta.id, data, yaml };
          break;
        }
        case 'sow': {
          const data = yaml.value as Sow;
          const doc = { path: f.path, id: data.id, data, yaml };
          sows.push(doc);
          if (!this.sowById.has(data.id)) this.sowById.set(data.id, doc);
          break;
        }
        case 'cr': {
          const data = yaml.value as ChangeRequest;
          const doc = { path: f.path, id: data.id, data, yaml };
          crs.push(doc);
          if (!this.crById.has(data.id)) this.crById.set(data.id, doc);
          break;
        }
        case 'ledger':
          (this as { ledger: Doc<Ledger> | null }).ledger = { path: f.path, id: 'ledger', data: yaml.value as Ledger, yaml };
          break;
        case 'result': {
          const data = yaml.value as ResultRecord;
          results.push({ path: f.path, id: `${data.sow}:${data.gate ?? data.criterion}`, data, yaml });
          break;
        }
        case 'defects':
          defects.push({ path: f.path, id: f.path, data: yaml.value as DefectRecords, yaml });
          break;
        case 'addendum': {
          const data = yaml.value as Addendum;
          addenda.push({ path: f.path, id: data.cr, data, yaml });
          break;
        }
        case 'adr': {
          const doc = { path: f.path, id: fromName ?? f.path, data: yaml.value as AdrFrontMatter, yaml };
          adrs.push(doc);
          this.adrByPath.set(f.path, doc);
          break;
        }
      }
    }
    this.sows = sows;
    this.crs = crs;
    this.adrs = adrs;
    this.defects = defects;
    this.addenda = addenda;
    // the latest recording decides: order by time (ISO strings of one format compare as times; ties by path)
    // two recordings in one second are ...T120000Z.yaml and then ...T120000Z-2.yaml: the suffix orders them
    const nth = (p: string) => Number(/Z-(\d+)\.ya?ml$/.exec(p)?.[1] ?? 1);
    this.results = results.sort(
      (a, b) => Date.parse(a.data.recorded.at) - Date.parse(b.data.recorded.at) || nth(a.path) - nth(b.path) || (a.path < b.path ? -1 : 1),
    );
    this.leftOut = leftOut;
    this.counts = counts;
    this.knownIds = known;
  }

  sow(id: string): Doc<Sow> | undefined {
    return this.sowById.get(id);
  }

  cr(id: string): Doc<ChangeRequest> | undefined {
    return this.crById.get(id);
  }

  crAt(path: string): Doc<ChangeRequest> | undefined {
    return this.crs.find((c) => c.path === path);
  }

  adr(path: string): Doc<AdrFrontMatter> | undefined {
    return this.adrByPath.get(path);
  }

  /** report (the default, phase 0 of the contract) or enforce, from the master's enforcement. */
  enforcementMode(): 'report' | 'enforce' {
    return this.master?.data.enforcement?.mode ?? 'report';
  }

  /** The severity a compliance finding has under the master's enforcement (null when switched off). */
  findingSeverity(code: ComplianceCode): Severity | null {
    const override = this.master?.data.enforcement?.overrides?.[code];
    if (override === 'off') return null;
    if (override) return override;
    return this.enforcementMode() === 'enforce' ? 'error' : 'warning';
  }

  /** Results recorded for one gate or criterion of a SOW, oldest first. */
  resultsFor(sow: string, subject: { gate: string } | { criterion: string }): Doc<ResultRecord>[] {
    return this.results.filter((r) => r.data.sow === sow && ('gate' in subject ? r.data.gate === subject.gate : r.data.criterion === subject.criterion));
  }

  /**
   * Every acceptance criterion of a SOW checked against its target, with the value from its CSV evidence (`data`
   * answers an evidence path's text) or the latest recorded value. Met needs the value to meet the target and the
   * evidence file to be there (`exists`); a target that cannot be read leaves the criterion unverified.
   */
  criterionChecks(
    sow: Doc<Sow>,
    data: (path: string) => { text: string } | { problem: string } | undefined,
    exists: (path: string) => boolean,
  ): CriterionCheck[] {
    return sow.data.acceptance_criteria.map((c) => {
      const recorded = c.measure ? undefined : this.resultsFor(sow.id, { criterion: c.id }).at(-1);
      return checkCriterion(c, recorded ? { value: recorded.data.value ?? null, at: recorded.data.recorded.at, path: recorded.path } : null, data, exists);
    });
  }

  /** Stop-the-line raisings of the master that are not resolved, for one SOW (or all when no id is given). */
  openStopTheLine(sow?: string): { trigger: string; date: string; sow?: string }[] {
    return (this.master?.data.risk_policy?.raised ?? []).filter((r) => r.resolved === undefined && (sow === undefined || r.sow === sow));
  }

  /**
   * Every gate of a SOW with its status derived from recorded results. Under enforcement an open stop-the-line
   * raising against the SOW fails its gates: the line is stopped until the raising is resolved. A gate with no
   * result is pending while the iteration runs and missing after its last day (`today`, YYYY-MM-DD; without it,
   * pending).
   */
  gateStatuses(sow: Doc<Sow>, today?: string): GateStatus[] {
    const stopped = this.enforcementMode() === 'enforce' ? this.openStopTheLine(sow.id)[0] : undefined;
    const ended = today !== undefined && today > sow.data.dates.end;
    return (sow.data.gates ?? []).map((g) => {
      const result = this.resultsFor(sow.id, { gate: g.name }).at(-1) ?? null;
      const typed = g.status ?? null;
      const status: GateState = stopped
        ? 'failed'
        : result
          ? result.data.outcome!
          : typed && typed !== 'pending'
            ? 'unverified'
            : ended
              ? 'missing'
              : 'pending';
      return { sow: sow.id, gate: g.name, validator: g.validator, status, result, typed, ...(stopped ? { stoppedBy: stopped } : {}) };
    });
  }

  thresholds(): ChangeThresholds | null {
    return this.master?.data.change_policy.thresholds ?? null;
  }

  /** The working master as a "version": what proposed changes and new drafts are judged against. */
  workingMaster(): MasterInForce {
    return (this.working ??= this.computeWorkingMaster());
  }

  private working: MasterInForce | null = null;

  private computeWorkingMaster(): MasterInForce {
    const m = this.master;
    const head = this.masterVersions.at(-1);
    if (!m) return { thresholds: null, commit: null, label: 'no valid master contract' };
    if (head && sameThresholds(head.thresholds, m.data.change_policy.thresholds) && head.id === m.data.meta.id)
      return { thresholds: m.data.change_policy.thresholds, commit: head.commit, label: versionLabel(head) };
    return {
      thresholds: m.data.change_policy.thresholds,
      commit: null,
      label: `${m.data.meta.id} as saved (${head ? 'with changes not committed' : 'not committed'}; effective ${m.data.meta.effective_date})`,
    };
  }

  /**
   * The master in force on a day (YYYY-MM-DD): from its git history when the master is committed, so that tuning the
   * thresholds never turns a past decision into an error; the working file when there is no history (a master not
   * yet committed counts from its effective_date) or no day.
   */
  masterOn(day: string | undefined): MasterInForce {
    const v = day ? versionOn(this.masterVersions, day) : null;
    if (!v) return this.workingMaster();
    return { thresholds: v.version.thresholds, commit: v.version.commit, label: v.label };
  }

  /** The addendum a CR links (addendum: path), or the one at contracts/addenda/<CR-ID>.yaml. */
  addendumOf(cr: Doc<ChangeRequest>): Doc<Addendum> | undefined {
    const linked = cr.data.addendum ? resolveRefPath(cr.data.addendum) : null;
    return (linked?.ok ? this.addenda.find((a) => a.path === linked.path) : undefined) ?? this.addenda.find((a) => a.id === cr.id);
  }

  /**
   * Where a change stands in the process identify -> analyze -> decide -> implement: proposed (awaiting the decision),
   * approved (to implement), implemented (its addendum applied), or closed (rejected or withdrawn).
   */
  stage(cr: Doc<ChangeRequest>): 'proposed' | 'approved' | 'implemented' | 'rejected' | 'withdrawn' {
    const status = cr.data.decision.status;
    if (status !== 'approved') return status;
    return cr.data.implemented !== undefined ? 'implemented' : 'approved';
  }

  /** The decision-rights area a CR is decided under (its area:, else scope). */
  areaOf(cr: Doc<ChangeRequest>): string {
    return cr.data.area ?? 'scope';
  }

  /** A CR's minor/major verdict from the master's thresholds, with its explanation. */
  verdict(cr: Doc<ChangeRequest>): CrVerdict {
    const cached = this.verdicts.get(cr.path);
    if (cached) return cached;
    // a decided change is judged against the master of its decision day; a proposed one against the working master
    const status = cr.data.decision.status;
    const master = status === 'proposed' ? this.workingMaster() : this.masterOn(cr.data.decision.date);
    const thresholds = master.thresholds;
    const evaluation = thresholds ? evaluateChange(cr.data.impact_analysis, thresholds) : null;
    const declared = cr.data.threshold_eval ?? null;
    const result: CrVerdict = {
      master,
      evaluation,
      verdict: evaluation?.verdict ?? null,
      declared,
      explanation: evaluation
        ? describeEvaluation(evaluation)
        : this.master
          ? `unknown: ${master.label} has no usable thresholds`
          : 'unknown: the master contract is missing or invalid',
    };
    this.verdicts.set(cr.path, result);
    return result;
  }

  /** The decision-rights row of an area (scope, budget, architecture ...). */
  decisionRight(area: string): MasterContract['governance']['decision_rights'][number] | undefined {
    return this.master?.data.governance.decision_rights.find((r) => r.area === area);
  }

  /**
   * The trust root: the members, keys and decision rights whose signatures count (the master as last approved by its
   * parties; its first commit until then), from the master's committed versions.
   */
  trust(): Trust {
    return (this.trusted ??= trustRoot(
      this.masterVersions.filter((v): v is MasterVersion & TrustVersion => v.value !== undefined && v.committedAt !== undefined),
      this.master?.data,
    ));
  }

  private trusted: Trust | null = null;

  /** The members of governance.members (as saved), by id. */
  members(): NonNullable<MasterContract['governance']['members']> {
    return this.master?.data.governance.members ?? [];
  }

  member(id: string): NonNullable<MasterContract['governance']['members']>[number] | undefined {
    return this.members().find((m) => m.id === id);
  }

  /** Whether a member may act as `role`: it is the member's id or one of its roles. */
  holds(member: NonNullable<MasterContract['governance']['members']>[number], role: string): boolean {
    return member.id === role || member.roles.includes(role);
  }

  /**
   * Who may be named as requestor, approver, decision owner or escalation contact. With governance.members: the
   * members and the roles they hold (and the parties' roles). Without: the roles and bodies governance names.
   */
  roles(): Set<string> {
    const out = new Set<string>();
    const m = this.master?.data;
    if (!m) return out;
    if (m.governance.members?.length) {
      for (const member of m.governance.members) {
        out.add(member.id);
        for (const r of member.roles) out.add(r);
      }
      for (const p of m.meta.parties ?? []) out.add(p.role);
      return out;
    }
    for (const r of m.governance.steering_committee ?? []) out.add(r);
    if (m.governance.steering_committee?.length) out.add('steering_committee');
    for (const r of m.governance.decision_rights) out.add(r.owner);
    for (const e of m.governance.escalation ?? []) for (const n of e.notify) out.add(n);
    for (const p of m.meta.parties ?? []) out.add(p.role);
    return out;
  }

  private linkIndex() {
    if (this.links) return this.links;
    const sowsOfCr = new Map<string, Set<string>>();
    const crsOfSow = new Map<string, Set<string>>();
    const add = (sow: string, cr: string) => {
      if (!sowsOfCr.has(cr)) sowsOfCr.set(cr, new Set());
      if (!crsOfSow.has(sow)) crsOfSow.set(sow, new Set());
      sowsOfCr.get(cr)!.add(sow);
      crsOfSow.get(sow)!.add(cr);
    };
    const fromSow = new Set<string>();
    const fromCr = new Set<string>();
    for (const s of this.sows) {
      for (const c of s.data.links?.changes ?? []) {
        if (!this.crById.has(c)) continue;
        add(s.id, c);
        fromSow.add(`${s.id}\u0000${c}`);
      }
    }
    for (const c of this.crs) {
      for (const s of c.data.sows ?? []) {
        if (!this.sowById.has(s)) continue;
        add(s, c.id);
        fromCr.add(`${s}\u0000${c.id}`);
      }
    }
    const disagreements: LinkDisagreement[] = [];
    // a side that names no links at all does not disagree: older CRs often leave sows: out
    for (const k of fromSow) {
      const [sow, cr] = k.split('\u0000') as [string, string];
      if (!fromCr.has(k) && this.crById.get(cr)!.data.sows !== undefined) disagreements.push({ sow, cr, namedBy: 'sow' });
    }
    for (const k of fromCr) {
      const [sow, cr] = k.split('\u0000') as [string, string];
      if (!fromSow.has(k) && this.sowById.get(sow)!.data.links?.changes !== undefined) disagreements.push({ sow, cr, namedBy: 'cr' });
    }
    const sorted = (m: Map<string, Set<string>>) => new Map([...m].map(([k, v]) => [k, [...v].sort()]));
    this.links = { sowsOfCr: sorted(sowsOfCr), crsOfSow: sorted(crsOfSow), disagreements };
    return this.links;
  }

  /** The SOWs a CR belongs to, named on either side (the CR's sows, or a SOW's links.changes). */
  sowsOfCr(crId: string): string[] {
    return this.linkIndex().sowsOfCr.get(crId) ?? [];
  }

  /** The CRs of a SOW, named on either side. */
  crsOfSow(sowId: string): string[] {
    return this.linkIndex().crsOfSow.get(sowId) ?? [];
  }

  /** Links named on one side only (a SOW lists a CR that does not list the SOW, or the other way). */
  linkDisagreements(): readonly LinkDisagreement[] {
    return this.linkIndex().disagreements;
  }
}
