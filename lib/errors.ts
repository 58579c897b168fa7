// The one error type of the domain. It lives outside lib/http so that lib/wiki, lib/auth and the rest do not depend
// on the HTTP layer; lib/http/route.ts is what turns an AppError into a response.

/** The error codes of the HTTP contract, each with its status. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  edit_conflict: 409,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The one error type lib throws for anything a client did or can fix. `details` is merged into the error body
 * (e.g. `current` for an edit conflict). Anything else thrown becomes a generic 500.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Schemas use this message for a size limit that must answer 413 rather than 400. */
export const PAYLOAD_TOO_LARGE = "payload_too_large";
