import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CovenantError } from '../common/errors.js';
import { SCHEMA_FILE_MATCH, SCHEMAS } from '../common/schemas.js';
import type { FileKind } from '../common/model/kinds.js';
import { writeFileAtomic } from './fs/atomic.js';

/** Where a workspace keeps its copy of the schemas, for editors outside Covenant (versioned with the contract). */
export const SCHEMA_COPY_DIR = '.covenant/schemas';
const SETTINGS = '.vscode/settings.json';

const FILE_NAMES: Record<Exclude<FileKind, 'adr'>, string> = {
  master: 'master-contract.schema.json',
  sow: 'sow.schema.json',
  cr: 'change-request.schema.json',
  ledger: 'ledger.schema.json',
  result: 'result.schema.json',
  defects: 'defects.schema.json',
  addendum: 'addendum.schema.json',
};

/** The `yaml.schemas` setting of the YAML extension (Red Hat) for VS Code and editors that read it. */
export function yamlSchemasSetting(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [kind, globs] of Object.entries(SCHEMA_FILE_MATCH) as [Exclude<FileKind, 'adr'>, string[]][])
    out[`./${SCHEMA_COPY_DIR}/${FILE_NAMES[kind]}`] = globs.map((g) => g.replace(/^\*\*\//, ''));
  return out;
}

/**
 * Lets VS Code (and any editor with the YAML language server) check contract files as Covenant does: writes a copy of
 * the schemas to .covenant/schemas/ and maps them in .vscode/settings.json (other settings there are kept). Returns
 * the files written.
 */
export async function writeEditorSetup(root: string): Promise<string[]> {
  const written: string[] = [];
  await mkdir(path.join(root, ...SCHEMA_COPY_DIR.split('/')), { recursive: true });
  await mkdir(path.join(root, '.vscode'), { recursive: true });
  for (const [kind, name] of Object.entries(FILE_NAMES) as [Exclude<FileKind, 'adr'>, string][]) {
    const rel = `${SCHEMA_COPY_DIR}/${name}`;
    await writeFileAtomic(path.join(root, ...rel.split('/')), `${JSON.stringify(SCHEMAS[kind], null, 2)}\n`);
    written.push(rel);
  }
  const settingsPath = path.join(root, ...SETTINGS.split('/'));
  const current = await readFile(settingsPath, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new CovenantError('io', `${SETTINGS} cannot be read: ${e.message}`, { path: SETTINGS });
  });
  let settings: Record<string, unknown> = {};
  if (current !== null) {
    try {
      const parsed: unknown = JSON.parse(current);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      settings = parsed as Record<string, unknown>;
    } catch {
      throw new CovenantError(
        'invalid-input',
        `${SETTINGS} is not plain JSON (comments?), so Covenant will not rewrite it. Add this to it by hand: "yaml.schemas": ${JSON.stringify(yamlSchemasSetting())}`,
        { path: SETTINGS },
      );
    }
  }
  const existing = settings['yaml.schemas'];
  settings['yaml.schemas'] = { ...(existing && typeof existing === 'object' && !Array.isArray(existing) ? existing : {}), ...yamlSchemasSetting() };
  await writeFileAtomic(settingsPath, `${JSON.stringify(settings, null, 2)}\n`);
  written.push(SETTINGS);
  return written;
}
