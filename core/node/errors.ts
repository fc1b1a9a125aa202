import { CovenantError, type ErrorCode } from '../common/errors.js';

/** A Node file-system error (errno) as a CovenantError naming the path and what was being done. */
export function fsError(e: unknown, path: string, doing: string): CovenantError {
  if (e instanceof CovenantError) return e;
  const errno = (e as NodeJS.ErrnoException)?.code;
  const map: Record<string, [ErrorCode, string]> = {
    ENOENT: ['not-found', `${path} does not exist`],
    ENOTDIR: ['not-found', `a folder on the way to ${path} is a file`],
    EACCES: ['permission-denied', `no permission to ${doing} ${path}`],
    EPERM: ['permission-denied', `no permission to ${doing} ${path}`],
    EEXIST: ['conflict', `${path} already exists`],
    EISDIR: ['invalid-input', `${path} is a folder`],
    EROFS: ['permission-denied', `${path} is on a read-only file system`],
    ENOSPC: ['io', 'the disk is full'],
    EMFILE: ['io', 'too many files are open'],
    ELOOP: ['outside-workspace', `${path} goes through a symbolic link`],
  };
  const [code, words] = map[errno ?? ''] ?? ['io', `could not ${doing} ${path} (${errno ?? (e as Error)?.message ?? 'unknown error'})`];
  return new CovenantError(code, `${words.charAt(0).toUpperCase()}${words.slice(1)}.`, { path, cause: e });
}
