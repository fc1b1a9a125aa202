import { CovenantError, type ErrorCode, type ErrorReason } from '../../common/errors.js';

/** The kinds of git failure, each one of the error model's codes. */
export type GitErrorKind =
  'not-a-repository' | 'locked' | 'no-author' | 'nothing-to-commit' | 'unclean-state' | 'not-found' | 'symlink' | 'failed' | 'unresolved';

const CODES: Record<GitErrorKind, [ErrorCode, ErrorReason?]> = {
  'not-a-repository': ['not-found', 'not-a-repository'],
  locked: ['locked'],
  'no-author': ['invalid-input', 'no-author'],
  'nothing-to-commit': ['invalid-input'],
  'unclean-state': ['conflict'],
  'not-found': ['not-found'],
  symlink: ['outside-workspace'],
  failed: ['io'],
  unresolved: ['conflict'],
};

/** A git failure as the one error type, with a plain message the UI and the CLI show as it is. */
export function gitError(kind: GitErrorKind, message: string, path?: string): CovenantError {
  const [code, reason] = CODES[kind];
  return new CovenantError(code, message, { ...(reason ? { reason } : {}), ...(path ? { path } : {}) });
}

/** Wraps whatever isomorphic-git threw into a CovenantError with words a person can act on. */
export function gitFailure(e: unknown, doing: string): CovenantError {
  if (e instanceof CovenantError) return e;
  const err = e as { code?: string; message?: string; errors?: unknown[] };
  // a checkout whose tasks failed throws them all as one: the first says what went wrong (a full disk, a permission)
  if (err?.code === 'MultipleGitError' && err.errors?.length) {
    const first = err.errors[0] instanceof CovenantError ? err.errors[0] : gitFailure(err.errors[0], doing);
    const more = err.errors.length - 1;
    const words = first.message.startsWith(doing) ? first.message : `${doing} failed: ${first.message}`;
    return new CovenantError(first.code, more ? `${words} (${more} more files failed the same way)` : words, { cause: e });
  }
  if (err?.code === 'NotFoundError') return gitError('not-found', `${doing}: ${err.message ?? 'not found'}.`);
  if (err?.code === 'NoRefspecError' || /Could not find HEAD/.test(err?.message ?? ''))
    return gitError('not-found', `${doing}: the repository has no commits yet.`);
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return new CovenantError('permission-denied', `${doing}: no permission (${err.message ?? err.code}).`);
  if (err?.code === 'ENOSPC' || err?.code === 'EDQUOT')
    return new CovenantError('io', `${doing} failed: the disk is full. Nothing was changed; free some space and try again.`, { cause: e });
  return gitError('failed', `${doing} failed: ${err?.message ?? String(e)}`);
}
