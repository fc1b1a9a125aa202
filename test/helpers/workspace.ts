import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContractEngine } from '../../core/common/workspace.js';
import type { Diagnostic, DiagnosticCode } from '../../core/common/diagnostics.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLE_DIR = path.join(REPO, 'resources', 'examples', 'onboarding-redesign');
export const SEED_FILE = path.join(REPO, '..', 'shared', 'seed', '000_453fe777e3e9a227.txt');

export const SEED_FIXTURES = path.join(REPO, 'test', 'fixtures', 'seed');

/** The three YAML skeletons of the source document, exactly as written (kept in test/fixtures/seed): master, SOW, CR. */
export function seedSkeletons(): { master: string; sow: string; cr: string } {
  const read = (name: string) => readFileSync(path.join(SEED_FIXTURES, `${name}.yaml`), 'utf8');
  return { master: read('master'), sow: read('sow'), cr: read('cr') };
}

/** The skeletons as the source document beside the repository has them, or null when it is not there. */
export function seedFromSharedDocument(): { master: string; sow: string; cr: string } | null {
  if (!existsSync(SEED_FILE)) return null;
  const blocks = [...readFileSync(SEED_FILE, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (blocks.length !== 3) throw new Error(`expected 3 YAML blocks in the seed, found ${blocks.length}`);
  return { master: blocks[0]!, sow: blocks[1]!, cr: blocks[2]! };
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(path.join(dir, name)).isDirectory() ? [rel, ...walk(path.join(dir, name), rel)] : [rel];
  });
}

/** The example workspace as a map of path -> text (folders map to null). */
export function exampleFiles(): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const rel of walk(EXAMPLE_DIR)) {
    const abs = path.join(EXAMPLE_DIR, rel);
    out.set(rel, statSync(abs).isDirectory() ? null : readFileSync(abs, 'utf8'));
  }
  return out;
}

/** An engine over the example workspace, with some files replaced (text), added, or removed (null). */
export function engineWith(changes: Record<string, string | null> = {}, base = exampleFiles()): ContractEngine {
  const files = new Map(base);
  for (const [p, text] of Object.entries(changes)) {
    if (text === null) files.delete(p);
    else files.set(p, text);
  }
  const engine = new ContractEngine();
  for (const [p, text] of files) {
    if (text === null) engine.addPath(p);
    else engine.setText(p, text);
  }
  return engine;
}

export const TODAY = '2025-10-20';

export function diagnosticsOf(engine: ContractEngine, today = TODAY): Diagnostic[] {
  return engine.validate({ today }).diagnostics;
}

export function only(diags: Diagnostic[], code: DiagnosticCode): Diagnostic[] {
  return diags.filter((d) => d.code === code);
}

export const MASTER = 'contracts/master_contract.yaml';
export const SOW = 'contracts/sow/SPRINT-07.yaml';
export const CR = 'contracts/changes/CR-42.yaml';
export const LEDGER = 'contracts/ledger.yaml';

/** `text` with `from` replaced by `to`; `from` must occur exactly once. */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at === -1 || text.indexOf(from, at + 1) !== -1) throw new Error(`${JSON.stringify(from)} must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The example file at `p` with each (from, to) pair of `pairs` replaced in turn. */
export function edited(p: string, ...pairs: string[]): string {
  let text = exampleFiles().get(p);
  if (typeof text !== 'string') throw new Error(`no file ${p}`);
  for (let i = 0; i + 1 < pairs.length; i += 2) text = replaceOnce(text, pairs[i]!, pairs[i + 1]!);
  return text;
}
