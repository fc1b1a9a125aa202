import { ApiFailure, type CrContext, type CrPreview, type SowContext } from '../common/api.js';
import { addDays, todayIso } from '../common/dates.js';
import { buildSowText, checkSowDraft, type SowDraft } from '../common/wizards/sow.js';
import type { Diagnostic } from '../common/diagnostics.js';
import { classifyPath, idFromPath, MASTER_PATH, sowPath } from '../common/model/kinds.js';
import { nextAdrId, nextCrId, nextSowId } from '../common/model/next-ids.js';
import { asArray, asString, dig } from '../common/model/read.js';
import { thresholdsOf } from '../common/rules/workspace-rules.js';
import { buildCrFiles, checkCrDraft, crEdits, draftFromCr, draftVerdict, needsAdr, type CrDraft } from '../common/wizards/cr.js';
import { editYaml } from '../common/yaml/edit.js';
import type { OpenWorkspace } from './workspace-service.js';

/** What the CR wizard suggests and checks against: thresholds, roles, dependencies in use, SOWs, the next ids. */
export function crContext(ws: OpenWorkspace): CrContext {
  const e = ws.engine;
  const master = e.parsed(MASTER_PATH)?.value;
  const paths = e.contractPaths();
  const rights = asArray(dig(master, 'governance', 'decision_rights'));
  const roles = new Set<string>();
  for (const r of asArray(dig(master, 'governance', 'steering_committee'))) if (typeof r === 'string') roles.add(r);
  for (const r of rights) {
    const owner = asString(dig(r, 'owner'));
    if (owner) roles.add(owner);
  }
  const deps = new Set<string>();
  const crIds: string[] = [];
  for (const p of paths.filter((x) => classifyPath(x) === 'cr')) {
    const cr = e.parsed(p)?.value;
    crIds.push(asString(dig(cr, 'id')) ?? idFromPath(p) ?? '');
    for (const d of asArray(dig(cr, 'impact_analysis', 'dependencies'))) if (typeof d === 'string') deps.add(d);
  }
  const scope = rights.find((r) => asString(dig(r, 'area')) === 'scope');
  return {
    thresholds: thresholdsOf(master) ?? null,
    roles: [...roles],
    scopeOwner: asString(dig(scope, 'owner')) ?? null,
    dependencies: [...deps].sort(),
    sows: paths.filter((x) => classifyPath(x) === 'sow').map((x) => asString(dig(e.parsed(x)?.value, 'id')) ?? idFromPath(x) ?? x),
    nextCr: nextCrId(crIds),
    nextAdr: nextAdrId(paths.filter((x) => classifyPath(x) === 'adr').map((x) => idFromPath(x) ?? '')),
    today: todayIso(),
  };
}

/** The exact files the wizard would write (the CR, its ADR, the SOWs it links), validated together with the workspace. */
export async function crPreview(ws: OpenWorkspace, draft: CrDraft, editing?: string): Promise<CrPreview> {
  const problems = checkCrDraft(draft);
  const fields = Object.entries(problems);
  if (fields.length) throw new ApiFailure('bad-request', `The change request is not complete: ${fields.map(([f, m]) => `${f}: ${m}`).join(' ')}`);
  const ctx = crContext(ws);
  const files: { path: string; text: string; kind: 'new' | 'edit' }[] = [];
  let crId = ctx.nextCr;
  let linkedBefore: string[] = [];
  if (editing) {
    // an existing CR: only the changed fields are edited in place, comments and formatting kept
    const current = ws.engine.parsed(editing)?.value;
    if (classifyPath(editing) !== 'cr' || current === undefined) throw new ApiFailure('bad-request', `${editing} is not a readable change request.`);
    crId = asString(dig(current, 'id')) ?? idFromPath(editing) ?? crId;
    linkedBefore = ws.engine.contractPaths().filter((p) => classifyPath(p) === 'sow' && asArray(dig(ws.engine.parsed(p)?.value, 'links', 'changes')).includes(crId)).map((p) => asString(dig(ws.engine.parsed(p)?.value, 'id')) ?? '');
    const verdict = draftVerdict(draft, ctx.thresholds);
    const addAdr = draft.createAdr && needsAdr(draft, verdict) && !asString(dig(current, 'adr'));
    const built = buildCrFiles(draft, { cr: crId, adr: ctx.nextAdr }, ctx.today, ctx.thresholds);
    const text = editYaml((await ws.read(editing)).text, crEdits(current, draft, verdict, addAdr ? built.adrPath : null));
    files.push({ path: editing, text, kind: 'edit' });
    if (addAdr && built.adrPath && built.adrText) files.push({ path: built.adrPath, text: built.adrText, kind: 'new' });
  } else {
    const built = buildCrFiles(draft, { cr: ctx.nextCr, adr: ctx.nextAdr }, ctx.today, ctx.thresholds);
    files.push({ path: built.crPath, text: built.crText, kind: 'new' });
    if (built.adrPath && built.adrText) files.push({ path: built.adrPath, text: built.adrText, kind: 'new' });
  }
  for (const sow of draft.sows.filter((s) => !linkedBefore.includes(s))) {
    const path = ws.engine.contractPaths().find((p) => classifyPath(p) === 'sow' && (asString(dig(ws.engine.parsed(p)?.value, 'id')) ?? idFromPath(p)) === sow);
    if (!path) throw new ApiFailure('bad-request', `${sow} is not a SOW of this workspace.`);
    const current = (await ws.read(path)).text;
    files.push({ path, text: editYaml(current, [{ op: 'append', path: ['links', 'changes'], value: crId }]), kind: 'edit' });
  }
  const result = await ws.validate(Object.fromEntries(files.map((f) => [f.path, f.text])));
  await ws.validate({}); // the preview is not a buffer: put the disk versions back
  const touched = new Set(files.map((f) => f.path));
  const diagnostics: Diagnostic[] = result.diagnostics.filter((d) => touched.has(d.file) && d.severity === 'error');
  return { files: files.map((f) => ({ path: f.path, text: f.text, isNew: f.kind === 'new' })), diagnostics };
}

/** Writes what the preview showed; refuses when any of those files would fail validation. */
/** An existing change request as a wizard draft. */
export function crLoad(ws: OpenWorkspace, path: string): CrDraft {
  const data = ws.engine.parsed(path)?.value;
  if (classifyPath(path) !== 'cr' || data === undefined) throw new ApiFailure('bad-request', `${path} is not a readable change request; fix its YAML first.`);
  return draftFromCr(data);
}

export async function crWrite(ws: OpenWorkspace, draft: CrDraft, editing?: string): Promise<string[]> {
  const preview = await crPreview(ws, draft, editing);
  if (preview.diagnostics.length) throw new ApiFailure('validation-errors', `The wizard will not write a change request that fails validation: ${preview.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`).join(' ')}`);
  const newOnes = preview.files.filter((f) => f.isNew);
  for (const f of newOnes.reverse()) await ws.create(f.path, f.text); // the ADR before the CR that cites it
  for (const f of preview.files.filter((x) => !x.isNew)) await ws.write(f.path, f.text);
  return preview.files.map((f) => f.path);
}

/** What the SOW wizard suggests: the next id, the other iterations' dates, validators in use, files for evidence. */
export function sowContext(ws: OpenWorkspace): SowContext {
  const e = ws.engine;
  const sows = e.contractPaths().filter((p) => classifyPath(p) === 'sow').map((p) => {
    const v = e.parsed(p)?.value;
    return { id: asString(dig(v, 'id')) ?? idFromPath(p) ?? p, start: asString(dig(v, 'dates', 'start')) ?? '', end: asString(dig(v, 'dates', 'end')) ?? '', validators: asArray(dig(v, 'gates')).map((g) => asString(dig(g, 'validator'))).filter((x): x is string => !!x) };
  });
  const last = [...sows].sort((a, b) => a.end.localeCompare(b.end)).at(-1);
  return {
    nextId: nextSowId(sows.map((s) => s.id)),
    suggestedStart: last?.end ? addDays(last.end, 3) : todayIso(),
    sows: sows.map(({ id, start, end }) => ({ id, start, end })),
    validators: [...new Set(sows.flatMap((s) => s.validators))].sort(),
    files: ws.list().map((f) => f.path).filter((p) => classifyPath(p) === null && !p.startsWith('.')),
  };
}

export async function sowWrite(ws: OpenWorkspace, draft: SowDraft): Promise<string> {
  const ctx = sowContext(ws);
  const errors = Object.entries(checkSowDraft(draft, ctx.sows.map((s) => s.id)));
  if (errors.length) throw new ApiFailure('bad-request', `The SOW is not complete: ${errors.map(([f, m]) => `${f}: ${m}`).join(' ')}`);
  const file = sowPath(draft.id);
  const text = buildSowText(draft);
  const result = await ws.validate({ [file]: text });
  await ws.validate({});
  const problems = result.diagnostics.filter((d) => d.file === file && d.severity === 'error');
  if (problems.length) throw new ApiFailure('validation-errors', `The wizard will not write a SOW that fails validation: ${problems.map((d) => `${d.line}: ${d.message}`).join(' ')}`);
  await ws.create(file, text);
  return file;
}
