/**
 * Lexical handling of paths written inside contract files (evidence, adr, addendum). Pure: the Node side adds the
 * checks that need the disk (symlinks, realpath). Workspace paths use forward slashes and never start with '/'.
 */
export type RefPath = { ok: true; path: string } | { ok: false; reason: 'empty' | 'absolute' | 'url' | 'outside' | 'nul' | 'git-dir' };

const URL_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const DRIVE_RE = /^[A-Za-z]:[\\/]|^[A-Za-z]:$/;

/** Resolves a reference written in a contract to a normalised workspace-relative path, or says why it is refused. */
export function resolveRefPath(raw: string): RefPath {
  if (raw.trim() === '') return { ok: false, reason: 'empty' };
  if (raw.includes('\0')) return { ok: false, reason: 'nul' };
  if (URL_RE.test(raw) || /^(file|data|javascript|mailto):/i.test(raw)) return { ok: false, reason: 'url' };
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || DRIVE_RE.test(raw) || slashed.startsWith('~/')) return { ok: false, reason: 'absolute' };
  const out: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return { ok: false, reason: 'outside' };
      out.pop();
    } else out.push(part);
  }
  if (out.length === 0) return { ok: false, reason: 'outside' };
  if (out[0]!.toLowerCase() === '.git') return { ok: false, reason: 'git-dir' };
  return { ok: true, path: out.join('/') };
}

export function describeRefRefusal(reason: Exclude<RefPath, { ok: true }>['reason']): string {
  switch (reason) {
    case 'empty':
      return 'is empty';
    case 'nul':
      return 'contains a NUL character';
    case 'url':
      return 'is a URL; it must be a path inside the workspace';
    case 'absolute':
      return 'is an absolute path; it must be relative to the workspace root';
    case 'outside':
      return 'leads outside the workspace';
    case 'git-dir':
      return "points into the repository's .git folder";
  }
}

/** Whether a path typed by a person is a full path on their computer (POSIX, a Windows drive, or a UNC share). */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}
