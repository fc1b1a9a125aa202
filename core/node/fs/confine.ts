import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { ApiFailure } from '../../common/api.js';

/** Whether `target` (absolute) is `root` or inside it. path.relative, never string prefixes: /ws-evil is not in /ws. */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

const refuse = (message: string) => new ApiFailure('outside-workspace', message);

/**
 * Turns a workspace-relative path from the API into an absolute path inside `root` (a realpath), or refuses:
 * NUL bytes, absolute paths, `..` leading out, anything under .git/, and symlinks anywhere along the way
 * (the deepest existing part is realpath'd and must still be inside). `root` must already be a realpath.
 */
export function confine(root: string, rel: string): string {
  if (typeof rel !== 'string' || rel === '') throw refuse('A path inside the workspace is required.');
  if (rel.includes('\0')) throw refuse('Paths may not contain NUL characters.');
  const slashed = rel.replace(/\\/g, '/');
  if (path.isAbsolute(rel) || path.win32.isAbsolute(rel) || slashed.startsWith('/')) throw refuse(`${rel} is an absolute path; paths are relative to the workspace.`);
  const abs = path.resolve(root, ...slashed.split('/'));
  if (!isInside(root, abs) || abs === root) throw refuse(`${rel} leads outside the workspace.`);
  const first = path.relative(root, abs).split(path.sep)[0]!;
  if (first.toLowerCase() === '.git') throw refuse('The repository folder .git is not accessible through Covenant.');

  // Walk down from the root: every existing component must be a real folder or (last) a real file, never a link.
  let current = root;
  const parts = path.relative(root, abs).split(path.sep);
  for (let i = 0; i < parts.length; i++) {
    current = path.join(current, parts[i]!);
    let info;
    try {
      info = lstatSync(current);
    } catch {
      break; // the rest does not exist yet
    }
    if (info.isSymbolicLink()) throw refuse(`${rel} goes through a symbolic link; Covenant does not follow links.`);
  }
  // The deepest existing part, realpath'd, must still be inside (guards against races and odd mounts).
  for (let probe = abs; ; probe = path.dirname(probe)) {
    let real: string | null = null;
    try {
      real = realpathSync(probe);
    } catch {
      /* not there yet: try its folder */
    }
    if (real !== null) {
      if (!isInside(root, real)) throw refuse(`${rel} resolves outside the workspace.`);
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
