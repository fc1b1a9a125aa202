import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AdrSummary } from '../common/api.js';
import { CovenantError } from '../common/errors.js';
import { todayIso } from '../common/dates.js';
import { editFrontMatter } from '../common/model/adr.js';
import { adrPath, classifyPath, idFromPath } from '../common/model/kinds.js';
import { nextAdrId } from '../common/model/next-ids.js';
import { resolveRefPath } from '../common/paths.js';
import { editYaml } from '../common/yaml/edit.js';
import { fillTemplate, resourcesDir } from './init.js';
import type { OpenWorkspace } from './workspace-service.js';

/** Every decision record with its status and the change requests that cite it. */
export function listAdrs(ws: OpenWorkspace): AdrSummary[] {
  const snap = ws.snapshot;
  const model = snap.model;
  const citedBy = new Map<string, { id: string; path: string }[]>();
  for (const cr of model.crs) {
    const ref = resolveRefPath(cr.data.adr ?? '');
    if (!ref.ok) continue;
    const list = citedBy.get(ref.path) ?? [];
    list.push({ id: cr.id, path: cr.path });
    citedBy.set(ref.path, list);
  }
  // every decision record is listed; one whose front matter fails its schema shows with unknown fields
  return snap
    .contractPaths()
    .filter((p) => classifyPath(p) === 'adr')
    .map((p) => {
      const fm = model.adr(p)?.data;
      return {
        id: idFromPath(p) ?? p,
        path: p,
        title: fm?.title ?? null,
        status: fm?.status ?? null,
        date: fm?.date ?? null,
        supersedes: fm?.supersedes ?? null,
        supersededBy: fm?.['superseded-by'] ?? null,
        citedBy: citedBy.get(p) ?? [],
      };
    });
}

/** A new ADR that supersedes `id`: the old one's status becomes "superseded by ADR-nnnn", the new one links back. */
export async function supersedeAdr(ws: OpenWorkspace, id: string, title: string): Promise<string> {
  const adrs = listAdrs(ws);
  const old = adrs.find((a) => a.id === id);
  if (!old) throw new CovenantError('not-found', `There is no decision record ${id}.`);
  if (old.supersededBy) throw new CovenantError('conflict', `${id} is already superseded by ${old.supersededBy}.`);
  const next = nextAdrId(adrs.map((a) => a.id));
  const template = await readFile(path.join(resourcesDir(), 'templates', 'new', 'adr.md'), 'utf8');
  const today = todayIso();
  const fresh = editFrontMatter(fillTemplate(template, { id: next, today }), (fm) =>
    editYaml(fm, [
      { op: 'set', path: ['title'], value: title },
      { op: 'set', path: ['supersedes'], value: id },
    ]),
  ).replace(`# ${next}: Short title of the decision`, `# ${next}: ${title}\n\nSupersedes ${id}${old.title ? ` (${old.title})` : ''}.`);
  const current = await ws.read(old.path);
  const updated = editFrontMatter(current.text, (fm) =>
    editYaml(fm, [
      { op: 'set', path: ['status'], value: `superseded by ${next}` },
      { op: 'set', path: ['superseded-by'], value: next },
    ]),
  );
  const created = adrPath(next);
  await ws.create(created, fresh);
  await ws.write(old.path, updated, current.hash);
  return created;
}
