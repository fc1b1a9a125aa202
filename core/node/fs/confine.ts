import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { CovenantError } from '../../common/errors.js';

/** Whether `target` (absolute) is `root` or inside it. path.relative, never string prefixes: /ws-evil is not in /ws. */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

const refuse = (message: string, rel: string) => new CovenantError('outside-workspace', message, { path: rel });

/**
 * The absolute path of a workspace-relative path, by its spelling alone: NUL bytes, absolute paths, `..` leading
 * out and anything under .git/ are refused. No disk access (see `confine` for links).
 */
export function confineName(root: string, rel: string): string {
  if (typeof rel !== 'string' || rel === '') throw refuse('A path inside the workspace is required.', String(rel));
  if (rel.includes('\0')) throw refuse('Paths may not contain NUL characters.', rel);
  const slashed = rel.replace(/\\/g, '/');
  if (path.isAbsolute(rel) || path.win32.isAbsolute(rel) || slashed.startsWith('/'))
    throw refuse(`${rel} is an absolute path; paths are relative to the workspace.`, rel);
  const abs = path.resolve(root, ...slashed.split('/'));
  if (!isInside(root, abs) || abs === root) throw refuse(`${rel} leads outside the workspace.`, rel);
  const first = path.relative(root, abs).split(path.sep)[0]!;
  if (first.toLowerCase() === '.git') throw refuse('The repository folder .git is not accessible through Covenant.', rel);
  return abs;
}

/**
 * Turns a workspace-relative path from the API into an absolute path inside `root`, or refuses: everything
 * `confineName` refuses, and symlinks anywhere along the way (the deepest existing part is realpath'd and must
 * still be inside). `root` must already be a realpath.
 */
export async function confine(root: string, rel: string): Promise<string> {
  const abs = confineName(root, rel);
  // Walk down from the root: every existing component must be a real folder or (last) a real file, never a link.
  let current = root;
  const parts = path.relative(root, abs).split(path.sep);
  for (const part of parts) {
    current = path.join(current, part);
    const info = await lstat(current).catch(() => null);
    if (!info) break; // the rest does not exist yet
    if (info.isSymbolicLink()) throw refuse(`${rel} goes through a symbolic link; Covenant does not follow links.`, rel);
  }
  // The deepest existing part, realpath'd, must still be inside (guards against races and odd mounts).
  for (let probe = abs; ; probe = path.dirname(probe)) {
    const real = await realpath(probe).catch(() => null);
    if (real !== null) {
      if (!isInside(root, real)) throw refuse(`${rel} resolves outside the workspace.`, rel);
      break;
    }
    if (probe === root) break;
  }
  return abs;
}

/** The workspace-relative form (forward slashes) of an absolute path inside root. */
export function toWorkspacePath(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}
