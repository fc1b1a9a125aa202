import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddendumPreview, ApiArgs, Handlers, RecordedResult } from '../../common/api.js';
import { CovenantError } from '../../common/errors.js';
import type { HandlerContext } from './context.js';

/** Plans an addendum (and with `write`, writes it: the new files first, then the edits, each against what was read). */
async function addendum(c: HandlerContext, args: ApiArgs<'addendum.preview'>, write: boolean): Promise<AddendumPreview> {
  const ws = c.ws();
  const who = args.apply ? await c.actor('applies this addendum') : null;
  const { planAddendum } = await import('../addendum-service.js');
  const read = new Map<string, string>();
  const plan = await planAddendum(
    await c.saved(),
    async (p) => {
      const f = await ws.read(p);
      read.set(p, f.hash);
      return f.text;
    },
    { cr: args.cr, edits: args.edits, summary: args.summary, apply: args.apply, by: who?.label ?? null },
  );
  if (!write) return plan;
  if (plan.diagnostics.length)
    throw new CovenantError('invalid-input', `The addendum would leave errors: ${plan.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`).join(' ')}`);
  // every file of it, or none: the contract edits, the addendum and the CR are one change
  await ws.writeAll(plan.files.map((f) => ({ path: f.path, text: f.text, baseHash: f.isNew ? null : read.get(f.path) })));
  return plan;
}

type RecordArgs = ApiArgs<'results.record'>;

/** The request recordResult writes: a gate by hand or from a report, or a criterion's value. Refuses a mixed one. */
async function recordRequest(a: RecordArgs) {
  const url = a.sourceUrl ? { url: a.sourceUrl } : {};
  if (a.criterion !== undefined) {
    if (a.gate !== undefined || a.outcome !== undefined || a.report !== undefined)
      throw new CovenantError('invalid-input', 'A criterion takes a measured value; an outcome or a report is for a gate.');
    if (a.value === undefined || !Number.isFinite(a.value)) throw new CovenantError('invalid-input', `Give the measured value of ${a.criterion} as a number.`);
    return { criterion: a.criterion, value: a.value, source: { kind: 'value' as const, ...url } };
  }
  if (a.gate === undefined) throw new CovenantError('invalid-input', 'Name the gate whose result this is (or the criterion with its measured value).');
  if ((a.outcome === undefined) === (a.report === undefined))
    throw new CovenantError('invalid-input', `Give ${a.gate}'s result either as an outcome (passed or failed) or as a JUnit or SARIF report, not both.`);
  if (a.outcome) return { gate: a.gate, outcome: a.outcome, source: { kind: 'hand' as const, ...url } };
  const { parseJunit, parseSarif, sha256 } = await import('../results.js');
  const r = a.report!;
  const parsed = r.format === 'junit' ? parseJunit(r.text, r.name) : parseSarif(r.text, r.name);
  const source = { kind: r.format, file: path.basename(r.name), sha256: sha256(Buffer.from(r.text, 'utf8')), ...url };
  return { gate: a.gate, outcome: parsed.outcome, counts: parsed.counts, failing: parsed.failing, source };
}

async function record(c: HandlerContext, a: RecordArgs): Promise<RecordedResult> {
  const ws = c.ws();
  const { recordResult, checkRecordTarget } = await import('../results.js');
  const snap = await c.saved();
  const target = { sow: a.sow, gate: a.gate, criterion: a.criterion, ...(a.node ? { node: a.node } : {}) };
  checkRecordTarget(snap, target); // what is wrong with the request is said before who is asked
  const req = await recordRequest(a);
  const who = await c.actor('records this result');
  const commit = await (await import('../provenance.js')).headCommit(ws.root);
  const rel = await recordResult(ws, snap, { ...target, ...req, by: who.label, commit, note: a.note });
  const r = req as { gate?: string; outcome?: 'passed' | 'failed'; counts?: RecordedResult['counts']; criterion?: string; value?: number };
  return {
    path: rel,
    by: who.label,
    commit,
    gate: r.gate ?? null,
    outcome: r.outcome ?? null,
    counts: r.counts ?? null,
    criterion: r.criterion ?? null,
    value: r.value ?? null,
  };
}

/** The contract's records: ledger, results, reviews, approvals, defects, addenda, archive bundles, decision records. */
export function contractHandlers(c: HandlerContext) {
  return {
    'ledger.get': async () => (await import('../ledger-service.js')).ledgerView(await c.saved()),
    'ledger.upsert': async (entry) => (await import('../ledger-service.js')).upsertLedgerEntry(c.ws(), entry),
    'results.record': async (a) => record(c, a),
    'changes.review': async ({ cr, outcome, note }) => {
      const ws = c.ws();
      const who = await c.actor('reviews this change');
      const doc = (await c.saved()).model.cr(cr);
      if (!doc) throw new CovenantError('not-found', `There is no readable change request ${cr}.`);
      const { reviewText } = await import('../reviews.js');
      const current = await ws.read(doc.path);
      await ws.write(doc.path, reviewText(current.text, { by: who.label, outcome, note }), current.hash);
      return { path: doc.path, by: who.label };
    },
    'approvals.approve': async ({ id, member, keyPath, passphrase, role, outcome }) => {
      const ws = c.ws();
      const key = await readFile(path.resolve(keyPath), 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new CovenantError('not-found', `Cannot read the key file ${keyPath} (${e.code ?? e.message}).`);
      });
      const { approve } = await import('../approvals.js');
      const r = await approve(ws, await c.saved(), { id, member, key, keyFile: path.basename(keyPath), passphrase, role, outcome });
      await c.refreshFacts(); // the new signature is a fact of git's
      c.pushGitStatus();
      return r;
    },
    'redline.get': async ({ path: p }) => {
      const { redline } = await import('../approvals.js');
      return redline(c.ws().root, await c.saved(), p);
    },
    'defects.import': async ({ name, text, format, sow, map }) => {
      const who = await c.actorOrNull();
      const { importDefects } = await import('../defects.js');
      const r = await importDefects(c.ws(), await c.saved(), { file: name, bytes: Buffer.from(text, 'utf8'), format, sow, map, by: who?.label ?? null });
      return { path: r.path, count: r.count, columns: r.columns as Record<string, string> };
    },
    'addendum.preview': async (args) => addendum(c, args, false),
    'addendum.write': async (args) => (await addendum(c, args, true)).files.map((f) => f.path),
    'archive.closed': async ({ bundle, before, dryRun }) => {
      const { archiveClosed } = await import('../archive.js');
      const plan = await archiveClosed(c.ws(), bundle, before, { dryRun });
      return { bundle: plan.bundle, moves: plan.moves, summaryPath: plan.summaryPath, dryRun: dryRun ?? false };
    },
    'adr.list': async () => (await import('../adr-service.js')).listAdrs(c.ws()),
    'adr.supersede': async ({ id, title }) => ({ path: await (await import('../adr-service.js')).supersedeAdr(c.ws(), id, title) }),
  } satisfies Partial<Handlers>;
}
