import type { CrContext, CrPreview, SowContext } from '../common/api.js';
import { addDays, todayIso } from '../common/dates.js';
import { CovenantError } from '../common/errors.js';
import { buildSowText, checkSowDraft, type SowDraft } from '../common/wizards/sow.js';
import type { Diagnostic } from '../common/diagnostics.js';
import { classifyPath, isArchived, sowPath } from '../common/model/kinds.js';
import { nextAdrId, nextCrId, nextSowId } from '../common/model/next-ids.js';
import { buildCrFiles, checkCrDraft, crEdits, draftFromCr, draftVerdict, masterForDraft, needsAdr, type CrDraft } from '../common/wizards/cr.js';
import { editYaml } from '../common/yaml/edit.js';
import type { OpenWorkspace } from './workspace-service.js';

/** What the CR wizard suggests and checks against: thresholds, roles, dependencies in use, SOWs, the next ids. */
export async function crContext(ws: OpenWorkspace): Promise<CrContext> {
  await ws.settle();
  const model = ws.snapshot.model;
  const today = todayIso();
  const deps = new Set<string>();
  for (const cr of model.crs) for (const d of cr.data.impact_analysis.dependencies ?? []) deps.add(d);
  return {
    thresholds: model.thresholds(),
    roles: [...model.roles()].sort(),
    scopeOwner: model.decisionRight('scope')?.owner ?? null,
    dependencies: [...deps].sort(),
    sows: [...model.knownIds.sow].sort(),
    sowInfo: model.sows.map((s) => ({
      id: s.id,
      title: s.data.title ?? null,
      start: s.data.dates.start,
      end: s.data.dates.end,
      active: s.data.dates.end >= today,
      archived: isArchived(s.path),
    })),
    nextCr: nextCrId([...model.knownIds.cr]),
    nextAdr: nextAdrId([...model.knownIds.adr]),
    today: todayIso(),
    master: model.workingMaster(),
    masterVersions: [...model.masterVersions],
  };
}

/** The exact files the wizard would write (the CR, its ADR, the SOWs it links), validated together with the workspace. */
export async function crPreview(ws: OpenWorkspace, draft: CrDraft, editing?: string): Promise<CrPreview> {
  const created = editing ? ws.snapshot.model.crAt(editing)?.data.created : todayIso();
  const problems = checkCrDraft(draft, created);
  const fields = Object.entries(problems);
  if (fields.length) throw new CovenantError('invalid-input', `The change request is not complete: ${fields.map(([f, m]) => `${f}: ${m}`).join(' ')}`);
  const ctx = await crContext(ws);
  // a decided change is judged against the master in force on its decision date
  ctx.thresholds = masterForDraft(draft, ctx).thresholds;
  const model = ws.snapshot.model;
  const files: { path: string; text: string; kind: 'new' | 'edit' }[] = [];
  let crId = ctx.nextCr;
  let linkedBefore: string[] = [];
  if (editing) {
    // an existing CR: only the changed fields are edited in place, comments and formatting kept
    const doc = model.crAt(editing);
    if (classifyPath(editing) !== 'cr' || !doc)
      throw new CovenantError('invalid-input', `${editing} is not a readable change request; fix its problems first.`, { path: editing });
    const current = doc.data;
    crId = doc.id;
    linkedBefore = model.sows.filter((s) => (s.data.links?.changes ?? []).includes(crId)).map((s) => s.id);
    const verdict = draftVerdict(draft, ctx.thresholds);
    const addAdr = draft.createAdr && needsAdr(draft, verdict) && !current.adr;
    // the wizard shows the SOWs that link this CR; a CR that never listed them keeps not listing them
    const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
    if (current.sows === undefined && sameSet(draft.sows, linkedBefore)) draft = { ...draft, sows: [] };
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
    const path = model.sow(sow)?.path;
    if (!path) throw new CovenantError('invalid-input', `${sow} is not a SOW of this workspace (or it has problems to fix first).`);
    const current = (await ws.read(path)).text;
    files.push({ path, text: editYaml(current, [{ op: 'append', path: ['links', 'changes'], value: crId }]), kind: 'edit' });
  }
  // a snapshot of its own: the shared one never sees the preview
  const result = await ws.validate(Object.fromEntries(files.map((f) => [f.path, f.text])));
  const touched = new Set(files.map((f) => f.path));
  const diagnostics: Diagnostic[] = result.diagnostics.filter((d) => touched.has(d.file) && d.severity === 'error');
  return { files: files.map((f) => ({ path: f.path, text: f.text, isNew: f.kind === 'new' })), diagnostics };
}

/** Writes what the preview showed; refuses when any of those files would fail validation. */
/** An existing change request as a wizard draft. */
export async function crLoad(ws: OpenWorkspace, path: string): Promise<CrDraft> {
  await ws.settle();
  const doc = ws.snapshot.model.crAt(path);
  if (classifyPath(path) !== 'cr' || !doc)
    throw new CovenantError('invalid-input', `${path} is not a readable change request; fix its problems first.`, { path });
  const draft = draftFromCr(doc.data);
  // the SOWs it belongs to, whichever side names the link
  draft.sows = [...new Set([...draft.sows, ...ws.snapshot.model.sowsOfCr(doc.id)])];
  return draft;
}

export async function crWrite(ws: OpenWorkspace, draft: CrDraft, editing?: string): Promise<string[]> {
  const preview = await crPreview(ws, draft, editing);
  if (preview.diagnostics.length)
    throw new CovenantError(
      'invalid-input',
      `The wizard will not write a change request that fails validation: ${preview.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`).join(' ')}`,
    );
  const newOnes = preview.files.filter((f) => f.isNew);
  for (const f of newOnes.reverse()) await ws.create(f.path, f.text); // the ADR before the CR that cites it
  for (const f of preview.files.filter((x) => !x.isNew)) await ws.write(f.path, f.text);
  return preview.files.map((f) => f.path);
}

/** What the SOW wizard suggests: the next id, the other iterations' dates, validators in use, files for evidence. */
export async function sowContext(ws: OpenWorkspace): Promise<SowContext> {
  await ws.settle();
  const model = ws.snapshot.model;
  const sows = model.sows.map((s) => ({
    id: s.id,
    start: s.data.dates.start,
    end: s.data.dates.end,
    validators: (s.data.gates ?? []).map((g) => g.validator),
  }));
  // ids of SOWs left out still count: the next id must not collide with them
  const ids = [...model.knownIds.sow];
  const last = [...sows].sort((a, b) => a.end.localeCompare(b.end)).at(-1);
  return {
    nextId: nextSowId(ids),
    suggestedStart: last?.end ? addDays(last.end, 3) : todayIso(),
    sows: sows.map(({ id, start, end }) => ({ id, start, end })),
    validators: [...new Set(sows.flatMap((s) => s.validators))].sort(),
    files: ws
      .list()
      .map((f) => f.path)
      .filter((p) => classifyPath(p) === null && !p.startsWith('.')),
  };
}

/** The SOW file the wizard would write, exactly, with the problems it would have in the workspace. */
export async function sowPreview(ws: OpenWorkspace, draft: SowDraft): Promise<CrPreview> {
  await ws.settle();
  const errors = Object.entries(checkSowDraft(draft, [...ws.snapshot.model.knownIds.sow]));
  if (errors.length) throw new CovenantError('invalid-input', `The SOW is not complete: ${errors.map(([f, m]) => `${f}: ${m}`).join(' ')}`);
  const file = sowPath(draft.id);
  const text = buildSowText(draft);
  const result = await ws.validate({ [file]: text });
  return { files: [{ path: file, text, isNew: true }], diagnostics: result.diagnostics.filter((d) => d.file === file && d.severity === 'error') };
}

export async function sowWrite(ws: OpenWorkspace, draft: SowDraft): Promise<string> {
  // what is written is exactly what the review step showed
  const { files, diagnostics: problems } = await sowPreview(ws, draft);
  const { path: file, text } = files[0]!;
  if (problems.length)
    throw new CovenantError(
      'invalid-input',
      `The wizard will not write a SOW that fails validation: ${problems.map((d) => `${d.line}: ${d.message}`).join(' ')}`,
    );
  await ws.create(file, text);
  return file;
}
