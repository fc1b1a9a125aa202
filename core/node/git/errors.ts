/** Every git failure as a typed error with a plain message the UI and the CLI show as it is. */
export type GitErrorCode =
  | 'not-a-repository'
  | 'locked'
  | 'no-author'
  | 'nothing-to-commit'
  | 'unclean-state'
  | 'not-found'
  | 'symlink'
  | 'failed';

export class GitError extends Error {
  constructor(
    readonly code: GitErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Wraps whatever isomorphic-git threw into a GitError with words a person can act on. */
export function gitFailure(e: unknown, doing: string): GitError {
  if (e instanceof GitError) return e;
  const err = e as { code?: string; message?: string };
  if (err?.code === 'NotFoundError') return new GitError('not-found', `${doing}: ${err.message ?? 'not found'}.`);
  if (err?.code === 'NoRefspecError' || /Could not find HEAD/.test(err?.message ?? '')) return new GitError('not-found', `${doing}: the repository has no commits yet.`);
  return new GitError('failed', `${doing} failed: ${err?.message ?? String(e)}`);
}
