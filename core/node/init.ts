import { cp, mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { writeFileAtomic } from './fs/atomic.js';
import path from 'node:path';
import { addDays, todayIso } from '../common/dates.js';
import { packageRoot } from './paths.js';
import { CovenantError } from '../common/errors.js';
import { confine } from './fs/confine.js';

/** resources/ of the installed app. */
export function resourcesDir(): string {
  return path.join(packageRoot(), 'resources');
}

/** Fills {{today}}-style placeholders of a template. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (m, name: string) => values[name] ?? m);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await listFiles(path.join(dir, d.name), rel)));
    else out.push(rel);
  }
  return out;
}

/**
 * Creates a new workspace in `dir` from resources/templates/workspace: a master contract, a first SOW, the ledger
 * and an ADR template. Refuses when `dir/contracts` exists; never overwrites a file (exclusive create).
 */
export async function initWorkspace(dir: string, today: string = todayIso()): Promise<string[]> {
  const target = path.resolve(dir);
  const existing = await stat(path.join(target, 'contracts')).catch(() => null);
  if (existing) throw new CovenantError('conflict', `${path.join(dir, 'contracts')} already exists; covenant init only creates new workspaces.`);
  const info = await stat(target).catch(() => null);
  if (info && !info.isDirectory()) throw new CovenantError('invalid-input', `${dir} exists and is not a folder.`);
  const templates = path.join(resourcesDir(), 'templates', 'workspace');
  const files = await listFiles(templates);
  const values = { today, year: today.slice(0, 4), today_plus_13: addDays(today, 13) };
  await mkdir(target, { recursive: true });
  const root = await realpath(target);
  for (const rel of files) {
    const text = fillTemplate(await readFile(path.join(templates, rel), 'utf8'), values);
    // confined: a folder of the target that is a link (docs -> elsewhere) is refused, never written through
    const dest = await confine(root, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    if (await stat(await confine(root, rel)).catch(() => null))
      throw new CovenantError('conflict', `${path.join(dir, rel)} already exists; covenant init never overwrites a file.`);
    await writeFileAtomic(dest, text, { within: root });
  }
  // editors outside Covenant check the files against the same schemas
  const { writeEditorSetup, folderFiles } = await import('./editor-setup.js');
  files.push(...(await writeEditorSetup(folderFiles(await realpath(target)))));
  return files.sort();
}

/** Copies the bundled example workspace into `dir` (which must not exist yet). */
export async function copyExample(dir: string): Promise<void> {
  await cp(path.join(resourcesDir(), 'examples', 'onboarding-redesign'), dir, { recursive: true, errorOnExist: true, force: false });
}
