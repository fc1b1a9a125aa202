import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { CovenantError } from '../common/errors.js';
import { SCHEMA_FILE_MATCH, SCHEMAS } from '../common/schemas.js';
import type { FileKind } from '../common/model/kinds.js';
import { writeFileAtomic } from './fs/atomic.js';
import { confine } from './fs/confine.js';
import type { OpenWorkspace } from './workspace-service.js';

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

/** Where the editor setup reads and writes: the open workspace (confined, atomic, seen by the watcher). */
export interface SetupFiles {
  /** The file's text and hash, or null when it does not exist. */
  read(rel: string): Promise<{ text: string; hash: string } | null>;
  write(rel: string, text: string, baseHash: string | null): Promise<unknown>;
}

/** SetupFiles over a folder being made a workspace (by init, before it is open): confined, atomic. */
export function folderFiles(root: string): SetupFiles {
  return {
    read: async (rel) => {
      const text = await readFile(await confine(root, rel), 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return null;
        throw new CovenantError('io', `${rel} cannot be read: ${e.message}`, { path: rel });
      });
      return text === null ? null : { text, hash: createHash('sha256').update(text).digest('hex') };
    },
    write: async (rel, text) => {
      const abs = await confine(root, rel);
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFileAtomic(await confine(root, rel), text, { within: root });
    },
  };
}

/** SetupFiles over an open workspace. */
export function workspaceFiles(ws: OpenWorkspace): SetupFiles {
  return {
    read: (rel) =>
      ws.read(rel).catch((e: CovenantError) => {
        if (e.code === 'not-found') return null;
        throw new CovenantError(e.code, `${rel} cannot be read: ${e.message}`, { path: rel });
      }),
    write: (rel, text, baseHash) => ws.write(rel, text, baseHash),
  };
}

/**
 * Lets VS Code (and any editor with the YAML language server) check contract files as Covenant does: writes a copy of
 * the schemas to .covenant/schemas/ and maps them in .vscode/settings.json (other settings there are kept; a settings
 * file changed meanwhile is not overwritten). Returns the files written.
 */
export async function writeEditorSetup(files: SetupFiles): Promise<string[]> {
  const written: string[] = [];
  for (const [kind, name] of Object.entries(FILE_NAMES) as [Exclude<FileKind, 'adr'>, string][]) {
    const rel = `${SCHEMA_COPY_DIR}/${name}`;
    await files.write(rel, `${JSON.stringify(SCHEMAS[kind], null, 2)}\n`, (await files.read(rel))?.hash ?? null);
    written.push(rel);
  }
  const current = await files.read(SETTINGS);
  let settings: Record<string, unknown> = {};
  if (current !== null) {
    try {
      const parsed: unknown = JSON.parse(current.text);
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
  await files.write(SETTINGS, `${JSON.stringify(settings, null, 2)}\n`, current?.hash ?? null);
  written.push(SETTINGS);
  return written;
}
