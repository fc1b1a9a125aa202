/** What the workspace rules may ask beyond the contract files, and the helpers the rule files share. */
import type { Diagnostic } from '../diagnostics.js';
import type { SignatureFact } from '../approvals.js';
import { describeRefRefusal, resolveRefPath } from '../paths.js';
import { quoted } from '../shown.js';
import type { PathSegment } from '../yaml/locate.js';
import type { YamlFile } from '../yaml/parse.js';

/** What the rules may ask of the workspace beyond the contract files. */
export interface RuleContext {
  /** Whether a workspace-relative path names an existing file or folder inside the workspace. */
  exists(path: string): boolean;
  /** Whether a path lies in a folder that could not be read: it may exist, nobody can tell. */
  unknown(path: string): boolean;
  /** Whether an existing path is a link that leads outside the workspace. */
  leadsOutside(path: string): boolean;
  /** Today, as YYYY-MM-DD. */
  today: string;
  /** When a CR was created, from git, for CRs without a `created:` field (by CR path). */
  createdFromHistory(path: string): string | undefined;
  /** Signature facts of approvals, by file (from git); undefined when git was not read. */
  signatures?: ReadonlyMap<string, readonly SignatureFact[]>;
  /** What git knows of a CR (created day, the time of the commit that added it), by CR path. */
  history?(path: string): { created?: string; createdAt?: string } | undefined;
  /** Evidence data files' texts (CSV), for criteria measured from them. */
  data?(path: string): { text: string } | { problem: string } | undefined;
}

/** Whether a folder nobody can read may hold the file a reference names: then say nothing rather than "no such". */
export interface Unknowns {
  crFolder: boolean;
  sowFolder: boolean;
}

export function unknownsOf(ctx: RuleContext): Unknowns {
  return { crFolder: ctx.unknown('contracts/changes/x.yaml'), sowFolder: ctx.unknown('contracts/sow/x.yaml') };
}

export function checkRefPath(
  f: YamlFile,
  raw: string | null | undefined,
  path: PathSegment[],
  field: string,
  ctx: RuleContext,
  out: Diagnostic[],
  missing: 'error' | 'warning',
): void {
  if (raw === undefined || raw === null || raw === '') return;
  const ref = resolveRefPath(raw);
  if (!ref.ok) {
    if (ref.reason !== 'empty')
      out.push(
        f.at(
          path,
          'error',
          'path-outside-workspace',
          `${field} ${describeRefRefusal(ref.reason)} (${quoted(raw)}); evidence and records must be files inside the workspace.`,
        ),
      );
    return;
  }
  if (ctx.leadsOutside(ref.path)) {
    out.push(f.at(path, 'error', 'path-outside-workspace', `${field} ${quoted(raw)} is a link that leads outside the workspace; Covenant will not follow it.`));
  } else if (!ctx.exists(ref.path) && !ctx.unknown(ref.path)) {
    out.push(
      missing === 'warning'
        ? f.at(path, 'warning', 'missing-evidence', `${field} ${quoted(raw)} does not exist yet; add the file to the workspace to evidence the criterion.`)
        : f.at(path, 'error', 'unknown-reference', `${field} points to ${quoted(raw)}, which does not exist in the workspace.`),
    );
  }
}

/** "a, b or c". */
export const or = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`);
