/**
 * Gate and criterion results as recorded evidence: JUnit XML (read with fast-xml-parser) and SARIF 2.1.0 (checked
 * against its published schema) become a result record under contracts/results/, a plain file reviewed and
 * committed like any other. A gate's status is then derived from its latest record, never from a typed field.
 */
import { createHash } from 'node:crypto';
import Ajv from 'ajv-draft-04';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { stringify } from 'yaml';
import sarifSchema from '../../schemas/external/sarif-2.1.0-rtm.5.json';
import { CovenantError } from '../common/errors.js';
import { resultPath } from '../common/model/kinds.js';
import type { ResultRecord } from '../common/model/schema-types.js';
import type { Snapshot } from '../common/workspace.js';
import type { OpenWorkspace } from './workspace-service.js';

export interface ParsedResult {
  outcome: 'passed' | 'failed';
  counts: { tests: number; failures: number; errors: number; skipped: number };
  failing: string[];
}

const MAX_FAILING = 50;
/** A name from a report is kept to this many characters (a 20 MB test name made a result its validator refused). */
const MAX_NAME = 300;
/** A name or message from a report as a record keeps it: control characters out, at most MAX_NAME characters. */
export const capName = (s: string) => {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const clean = s.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return clean.length > MAX_NAME ? `${clean.slice(0, MAX_NAME - 1)}…` : clean;
};
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A JUnit XML report (a <testsuites> or a single <testsuite>): counted from its test cases, not from its attributes. */
export function parseJunit(text: string, file: string): ParsedResult {
  // a report declares no entities: a DOCTYPE (external entities, entity expansion) is refused before any parsing
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype)
    throw new CovenantError(
      'invalid-input',
      `${file} declares a DOCTYPE (line ${text.slice(0, doctype.index).split('\n').length}): Covenant does not read entity declarations in a report; remove it.`,
    );
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new CovenantError('invalid-input', `${file} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`);
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: false }).parse(text) as Record<
      string,
      unknown
    >;
  } catch (e) {
    throw new CovenantError('invalid-input', `${file} cannot be read as a JUnit report: ${(e as Error).message}.`);
  }
  type Suite = { testcase?: unknown; testsuite?: unknown };
  const suites: Suite[] = [];
  const collect = (s: unknown) => {
    for (const suite of asList(s as Suite | Suite[])) {
      suites.push(suite);
      collect(suite.testsuite);
    }
  };
  if (doc.testsuites && typeof doc.testsuites === 'object') collect((doc.testsuites as Suite).testsuite);
  else if (doc.testsuite) collect(doc.testsuite);
  else throw new CovenantError('invalid-input', `${file} holds no <testsuites> or <testsuite>: it is not a JUnit report.`);
  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const failing: string[] = [];
  for (const suite of suites) {
    for (const tc of asList(suite.testcase as Record<string, unknown> | Record<string, unknown>[])) {
      counts.tests++;
      const name = capName([tc['@classname'], tc['@name']].filter((x) => typeof x === 'string' && x !== '').join('.') || '(unnamed test)');
      if (tc.failure !== undefined) {
        counts.failures++;
        failing.push(name);
      } else if (tc.error !== undefined) {
        counts.errors++;
        failing.push(name);
      } else if (tc.skipped !== undefined) counts.skipped++;
    }
  }
  if (counts.tests === 0) throw new CovenantError('invalid-input', `${file} holds no test cases: a gate cannot pass on an empty report.`);
  return { outcome: counts.failures + counts.errors > 0 ? 'failed' : 'passed', counts, failing: failing.slice(0, MAX_FAILING) };
}

let sarifValidator: ReturnType<Ajv['compile']> | null = null;

/** A SARIF 2.1.0 log, checked against the published schema: failed when any result has level "error". */
export function parseSarif(text: string, file: string): ParsedResult {
  let log: unknown;
  try {
    log = JSON.parse(text);
  } catch (e) {
    throw new CovenantError('invalid-input', `${file} is not JSON: ${(e as Error).message}.`);
  }
  // the published schema has a pattern that is not valid in unicode mode; formats are not needed to read results
  sarifValidator ??= new Ajv({ strict: false, allErrors: false, unicodeRegExp: false, validateFormats: false, logger: false }).compile(sarifSchema);
  if (!sarifValidator(log)) {
    const e = sarifValidator.errors?.[0];
    throw new CovenantError('invalid-input', `${file} is not a SARIF 2.1.0 log: ${e?.instancePath || '/'} ${e?.message ?? 'does not match the schema'}.`);
  }
  const runs = (log as { runs: { results?: { ruleId?: string; level?: string; kind?: string; message?: { text?: string } }[] }[] }).runs;
  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const failing: string[] = [];
  for (const run of runs) {
    for (const r of run.results ?? []) {
      counts.tests++;
      if (r.level === 'error' || r.kind === 'fail') {
        counts.failures++;
        failing.push(capName(`${r.ruleId ?? 'finding'}: ${(r.message?.text ?? '').slice(0, 200)}`));
      }
    }
  }
  return { outcome: counts.failures > 0 ? 'failed' : 'passed', counts, failing: failing.slice(0, MAX_FAILING) };
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface RecordRequest {
  sow: string;
  node?: string;
  gate?: string;
  criterion?: string;
  outcome?: 'passed' | 'failed';
  value?: number;
  counts?: ParsedResult['counts'];
  failing?: string[];
  source: ResultRecord['source'];
  by: string | null;
  commit: string | null;
  note?: string;
  at?: Date;
}

/** Refuses a SOW, gate, criterion or DAG node the contract does not declare, naming the ones it does. */
export function checkRecordTarget(snapshot: Snapshot, req: Pick<RecordRequest, 'sow' | 'gate' | 'criterion' | 'node'>): void {
  const sow = snapshot.model.sow(req.sow);
  if (!sow) {
    const known = snapshot.model.sows.map((s) => s.id).join(', ');
    throw new CovenantError('not-found', `There is no valid SOW ${req.sow}${known ? ` (SOWs: ${known})` : ''}.`);
  }
  if (req.gate !== undefined) {
    const gates = (sow.data.gates ?? []).map((g) => g.name);
    if (!gates.includes(req.gate))
      throw new CovenantError('not-found', `${req.sow} declares no gate ${req.gate}${gates.length ? `; its gates are ${gates.join(', ')}` : ''}.`);
  }
  if (req.criterion !== undefined) {
    const ids = sow.data.acceptance_criteria.map((c) => c.id);
    if (!ids.includes(req.criterion))
      throw new CovenantError('not-found', `${req.sow} has no acceptance criterion ${req.criterion}; its criteria are ${ids.join(', ')}.`);
  }
  if (req.node !== undefined && !(sow.data.links?.dag_nodes ?? []).includes(req.node)) {
    const nodes = sow.data.links?.dag_nodes ?? [];
    throw new CovenantError('not-found', `${req.sow} claims no DAG node ${req.node}${nodes.length ? `; its nodes are ${nodes.join(', ')}` : ''}.`);
  }
}

/**
 * Writes a result record for a gate or criterion the SOW declares (refused otherwise, with the names it does
 * declare), confined to the workspace and atomically. Returns the workspace path of the new file.
 */
export async function recordResult(ws: OpenWorkspace, snapshot: Snapshot, req: RecordRequest): Promise<string> {
  checkRecordTarget(snapshot, req);
  const at = (req.at ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const record: ResultRecord = {
    sow: req.sow,
    ...(req.node !== undefined ? { node: req.node } : {}),
    ...(req.gate !== undefined ? { gate: req.gate, outcome: req.outcome! } : { criterion: req.criterion!, value: req.value! }),
    ...(req.counts ? { counts: req.counts } : {}),
    ...(req.failing?.length ? { failing: req.failing } : {}),
    source: req.source,
    recorded: { at, by: req.by, commit: req.commit, ...(req.note ? { note: req.note } : {}) },
  };
  const base = resultPath(req.sow, req.gate ?? req.criterion!, at);
  const text = stringify(record, { lineWidth: 0 });
  // two recordings in one second: the second gets a suffix rather than replacing the first (create never overwrites)
  for (let n = 1; ; n++) {
    const rel = n === 1 ? base : base.replace(/\.yaml$/, `-${n}.yaml`);
    if (snapshot.has(rel)) continue;
    try {
      await ws.create(rel, text);
      return rel;
    } catch (e) {
      if (!(e instanceof CovenantError && e.reason === 'exists') || n > 100) throw e;
    }
  }
}
