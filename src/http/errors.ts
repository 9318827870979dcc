/**
 * Typed errors with stable codes. Services throw `AppError`; the one error handler in
 * `http/app.ts` maps the code to an HTTP status (exhaustive table below) and answers
 * `{error:{code,message,details?}}`. Anything else becomes a logged, generic 500.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNIT_NOT_FOUND: 404,
  TEAM_NOT_FOUND: 404,
  NOT_FOUND: 404,
  UNIT_AMBIGUOUS: 409,
  UNIT_LEVEL_UNSUPPORTED: 400,
  IMPORT_FILE_UNREADABLE: 422,
  IMPORT_FILE_TOO_LARGE: 413,
  IMPORT_NO_VALID_ROWS: 422,
  IMPORT_HAS_ERRORS: 422,
  IMPORT_FILE_MISSING: 400,
  IMPORT_TOO_MANY_FILES: 413,
  IMPORT_MAPPING_INVALID: 400,
  DEMO_DATABASE_NOT_EMPTY: 409,
  AUTH_REQUIRED: 401,
  AUTH_FAILED: 401,
  AUTH_LOCKED: 423,
  FORBIDDEN: 403,
  OUT_OF_SCOPE: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  PASSWORD_WEAK: 400,
  CODE_INVALID: 400,
  USER_EXISTS: 409,
  USER_NOT_FOUND: 404,
  SETUP_DONE: 409,
  RESIDENT_NOT_FOUND: 404,
  CONSENT_REQUIRED: 400,
  PURPOSE_REQUIRED: 400,
  CSRF_INVALID: 403,
  RATE_LIMITED: 429,
  DATABASE_IN_USE: 409,
  SYNC_BATCH_TOO_LARGE: 413,
  /** the record changed since the caller read it (optimistic concurrency: `version`) */
  VERSION_CONFLICT: 409,
  /** the change contradicts the registry as it stands (a second leader, a name taken, already a member) */
  REGISTRY_CONFLICT: 409,
  /** a provider's callback whose signature does not match (forged or unsigned) */
  SIGNATURE_INVALID: 401,
  /** a provider's callback address that is not ours (a wrong secret, or the channel is off) */
  WEBHOOK_UNKNOWN: 404,
  /** an attachment that is not what its name says, or of a kind not accepted */
  ATTACHMENT_REFUSED: 415,
  ATTACHMENT_TOO_LARGE: 413,
  IMAGE_INVALID: 415,
  ALREADY_ACCEPTED: 409,
  HELP_CLOSED: 409,
  /** the national server: province data is written on the province's server and replicated */
  READ_ONLY: 409,
  /** `ngoso migrate-to-postgres`: the target is not empty, or the copy cannot start (CLI only) */
  MIGRATION_REFUSED: 409,
  /** `ngoso migrate-to-postgres`: a table's copy failed part-way (CLI only) */
  MIGRATION_FAILED: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * What a refused request asked for, for the audit log only (never sent to the client): the object
 * (entity and id or code) and the unit it lies in, so the refusal shows in the audit log of the
 * targeted unit as well as the requester's.
 */
export interface RefusalTarget {
  entity: string;
  id?: string | number | null;
  provinceCode?: string | null;
  communeId?: number | null;
}

export class AppError extends Error {
  /** set on refusals (403 OUT_OF_SCOPE, and the 404 that hides an out-of-scope object): audited with this target */
  refusal?: RefusalTarget;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** Marks the error as a refusal of `target` (audited by the error handler, target never shown). */
  refusing(target: RefusalTarget): this {
    this.refusal = target;
    return this;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
