/** A few typed errors with stable codes; one error handler maps them to responses (plugins/error-handler.ts). */
export type FieldError = { path: string; message: string };

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ValidationFailed extends AppError {
  constructor(
    readonly fields: FieldError[],
    message = 'The request is not valid',
  ) {
    super(400, 'validation_failed', message);
  }
}

export class Unauthenticated extends AppError {
  constructor(message = 'Sign in first') {
    super(401, 'unauthenticated', message);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'You do not have permission to do that') {
    super(403, 'forbidden', message);
  }
}

export class NotFound extends AppError {
  constructor(message = 'Not found') {
    super(404, 'not_found', message);
  }
}

export class InvalidTransition extends AppError {
  constructor(message: string) {
    super(409, 'invalid_transition', message);
  }
}

/** A URL that an open referral already has (deconfliction, SOP 8.1). */
export class DuplicateReferral extends AppError {
  constructor(
    readonly existing: { id: string; reference: string },
    message = `An open referral already has this URL: ${existing.reference}`,
  ) {
    super(409, 'duplicate_referral', message);
  }
}

export class UnsupportedMediaType extends AppError {
  constructor(message = 'Send the body as application/json') {
    super(415, 'unsupported_media_type', message);
  }
}

/** A file over the configured limit (EVIDENCE_MAX_BYTES): nothing of it is kept. */
export class PayloadTooLarge extends AppError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

/** Something else changed at the same moment (the retention sweep deleted the bytes just stored): send it again. */
export class TryAgain extends AppError {
  constructor(message: string) {
    super(503, 'try_again', message);
  }
}

/** The server lacks a program the request needs (e.g. ffmpeg or fpcalc for matching audio): the message says which. */
export class ServiceUnavailable extends AppError {
  constructor(message: string) {
    super(503, 'service_unavailable', message);
  }
}

/**
 * RIPA 2000 (issue 14 point 7): earlier uses through personas touched the same referral often
 * enough that this use must first answer whether a directed surveillance authorisation is needed.
 */
export class RepeatedViewing extends AppError {
  constructor(
    readonly repeatedViewing: { prompt: string; priorUses: number; days: number },
    message = repeatedViewing.prompt,
  ) {
    super(409, 'repeated_viewing', message);
  }
}
