/**
 * The one error type of Covenant. Every failure anywhere (API handler, git, files, CLI) is a CovenantError with one
 * of a few codes, mapped here once to an HTTP status, a CLI exit code and a title a person reads.
 */
export const ERROR_CODES = {
  'invalid-input': { http: 400, exit: 2, title: 'Invalid input' },
  'not-found': { http: 404, exit: 2, title: 'Not found' },
  conflict: { http: 409, exit: 2, title: 'Conflict' },
  'permission-denied': { http: 403, exit: 2, title: 'Permission denied' },
  locked: { http: 423, exit: 2, title: 'Locked' },
  'outside-workspace': { http: 403, exit: 2, title: 'Outside the workspace' },
  io: { http: 500, exit: 2, title: 'Input/output error' },
  internal: { http: 500, exit: 70, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * What a caller may act on beyond the code: no-workspace (nothing open), no-author (ask who commits),
 * validation-errors (the contract has errors), not-a-repository, exists, unknown-method, no-master.
 */
export type ErrorReason =
  | 'no-workspace'
  | 'no-author'
  | 'validation-errors'
  | 'not-a-repository'
  | 'exists'
  | 'unknown-method'
  /** An API argument failed its declared schema (path: the argument's field). */
  | 'invalid-argument'
  | 'no-master'
  | 'passphrase'
  | 'needs-credentials'
  | 'credentials-refused';

/** The error as it travels (HTTP, IPC) and as the renderer sees it. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** The workspace path (or folder) the error is about, when there is one. */
  path?: string;
  reason?: ErrorReason;
}

export class CovenantError extends Error {
  readonly path?: string;
  readonly reason?: ErrorReason;
  constructor(
    readonly code: ErrorCode,
    message: string,
    detail: { path?: string; reason?: ErrorReason; cause?: unknown } = {},
  ) {
    super(message, detail.cause === undefined ? undefined : { cause: detail.cause });
    if (detail.path !== undefined) this.path = detail.path;
    if (detail.reason !== undefined) this.reason = detail.reason;
  }

  toJSON(): ApiError {
    return {
      code: this.code,
      message: this.message,
      ...(this.path !== undefined ? { path: this.path } : {}),
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
    };
  }
}

export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, v);
}

/** Any thrown value as the error that travels: CovenantErrors as they are, anything else as internal. */
export function toApiError(e: unknown, doing?: string): ApiError {
  if (e instanceof CovenantError) return e.toJSON();
  const message = (e as Error)?.message ?? String(e);
  return { code: 'internal', message: doing ? `${doing} failed unexpectedly: ${message}` : message };
}

export const noWorkspace = () => new CovenantError('not-found', 'No workspace is open.', { reason: 'no-workspace' });
