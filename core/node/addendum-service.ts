/**
 * The last step of a change (identify -> analyze -> decide -> implement): the addendum lists the SOW or master edits
 * an approved change makes; applying it edits those files, stamps the addendum applied and marks the CR implemented,
 * as one change the user reviews and commits. Used by the app (through OpenWorkspace) and by `covenant addendum`.
 */
import { addendumText, applyEdits, editProblem, fieldPath, typedValue, valueAt, type AddendumEdit } from '../common/addendum.js';
import { todayIso } from '../common/dates.js';
import type { Diagnostic } from '../common/diagnostics.js';
import { CovenantError } from '../common/errors.js';
import { addendumPath } from '../common/model/kinds.js';
import type { Addendum } from '../common/model/schema-types.js';
import type { Snapshot } from '../common/workspace.js';
import { editYaml } from '../common/yaml/edit.js';

/** One edit as a person types it: the file, the field and the new value (read as YAML). */
export interface DraftEdit {
  file: string;
  field: string;
  to: string;
}

export interface AddendumRequest {
  cr: string;
  /** New edits (replacing a draft's); omitted to apply the addendum that is there. */
  edits?: DraftEdit[];
  summary?: string;
  apply: boolean;
  by: string | null;
  now?: Date;
}

export interface AddendumPlan {
  /** In the order to write them: contract edits, the addendum, the CR. */
  files: { path: string; text: string; isNew: boolean }[];
  /** Errors the written files would have (nothing is written while there are any). */
  diagnostics: Diagnostic[];
  /** Each edit with the value it replaces, for the preview. */
  edits: AddendumEdit[];
}

/** Plans the files an addendum writes: the addendum itself, and when applying the edited contract files and the CR. */
export async function planAddendum(snapshot: Snapshot, read: (path: string) => Promise<string>, req: AddendumRequest): Promise<AddendumPlan> {
  const model = snapshot.model;
  const cr = model.cr(req.cr);
  if (!cr) {
    throw new CovenantError(
      'not-found',
      model.knownIds.cr.has(req.cr) ? `${req.cr} has problems to fix first (run covenant validate).` : `There is no change request ${req.cr}.`,
    );
  }
  const existing = model.addendumOf(cr);
  if (existing?.data.applied)
    throw new CovenantError(
      'conflict',
      `The addendum of ${cr.id} was applied ${existing.data.applied.at.slice(0, 10)}; a further change to the contract needs a change request of its own.`,
    );
  if (req.apply && cr.data.decision.status !== 'approved')
    throw new CovenantError('invalid-input', `${cr.id} is ${cr.data.decision.status}; only an approved change is implemented. Decide it first.`);

  const docData = (file: string): unknown => {
    if (file === model.master?.path) return model.master.data;
    const sow = model.sows.find((s) => s.path === file);
    if (sow) return sow.data;
    const left = model.leftOut.find((l) => l.path === file);
    throw new CovenantError(
      'invalid-input',
      left ? `${file} has problems to fix first: line ${left.line}: ${left.reason}` : `${file} is not the master contract or a SOW of this workspace.`,
    );
  };

  let edits: AddendumEdit[];
  if (req.edits) {
    if (req.edits.length === 0) throw new CovenantError('invalid-input', 'An addendum makes at least one edit: name a file, a field and the new value.');
    edits = req.edits.map((e, i) => {
      const path = fieldPath(e.field.trim());
      if (!path)
        throw new CovenantError(
          'invalid-input',
          `Edit ${i + 1}: ${JSON.stringify(e.field)} is not a field (dotted keys with [n] for list items, e.g. dates.end).`,
        );
      const from = valueAt(docData(e.file), path);
      const edit = { file: e.file, field: e.field.trim(), ...(from !== undefined ? { from } : {}), to: typedValue(e.to) } as AddendumEdit;
      const problem = editProblem(edit, docData(e.file));
      if (problem) throw new CovenantError('invalid-input', `Edit ${i + 1}: ${problem}`);
      if (JSON.stringify(from) === JSON.stringify(edit.to))
        throw new CovenantError('invalid-input', `Edit ${i + 1}: ${e.file} ${edit.field} is ${JSON.stringify(from)} already.`);
      return edit;
    });
  } else if (existing) {
    edits = existing.data.edits;
  } else {
    throw new CovenantError('not-found', `${cr.id} has no addendum yet: list its edits first (covenant addendum ${cr.id} --set FILE:FIELD=VALUE).`);
  }

  const path = existing?.path ?? addendumPath(cr.id);
  const now = req.now ?? new Date();
  const addendum: Addendum = {
    cr: cr.id,
    ...((req.summary ?? existing?.data.summary) ? { summary: req.summary ?? existing?.data.summary } : {}),
    edits: edits as Addendum['edits'],
    ...(req.apply ? { applied: { at: now.toISOString().replace(/\.\d{3}Z$/, 'Z'), ...(req.by ? { by: req.by } : {}) } } : {}),
  };
  const files: AddendumPlan['files'] = [{ path, text: addendumText(addendum), isNew: !existing }];

  if (req.apply) {
    const byFile = new Map<string, AddendumEdit[]>();
    edits.forEach((e, i) => {
      const problem = editProblem(e, docData(e.file));
      if (problem) throw new CovenantError('conflict', `Edit ${i + 1}: ${problem}`);
      byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    });
    for (const [file, list] of byFile) files.push({ path: file, text: applyEdits(await read(file), list), isNew: false });
  }
  // the CR links its addendum; applying marks it implemented (a CR edited by its own addendum keeps those edits)
  const crFile = files.find((f) => f.path === cr.path);
  const crText = crFile?.text ?? (await read(cr.path));
  const crEdits = [
    ...(cr.data.addendum !== path ? [{ op: 'set' as const, path: ['addendum'], value: path }] : []),
    ...(req.apply ? [{ op: 'set' as const, path: ['implemented'], value: todayIso(now) }] : []),
  ];
  if (crEdits.length) {
    const text = editYaml(crText, crEdits);
    if (crFile) crFile.text = text;
    else files.push({ path: cr.path, text, isNew: false });
  }

  // written in this order: the contract edits, then the addendum that says they were applied, then the CR
  const rank = (f: { path: string }) => (f.path === path ? 1 : f.path === cr.path ? 2 : 0);
  files.sort((a, b) => rank(a) - rank(b));
  const result = (await snapshot.withUnsaved(Object.fromEntries(files.map((f) => [f.path, f.text]))).prepare()).validate();
  const touched = new Set(files.map((f) => f.path));
  return { files, edits, diagnostics: result.diagnostics.filter((d) => touched.has(d.file) && d.severity === 'error') };
}
