import createError from '@fastify/error'

/*
 * Every error code the collector answers with, in one place (STYLE §9).
 * docs/errors.md lists the same codes; test/errors.test.ts fails when the two disagree.
 * HTTP errors answer `{"error":{"code","message"}}`; per-event codes appear in `rejected[]`.
 */

export const InvalidJson = createError('invalid_json', 'Body is not valid JSON: %s', 400)
export const InvalidBatch = createError('invalid_batch', 'Body is not a batch: %s', 400)
export const BatchTooLarge = createError('batch_too_large', 'A batch holds at most %s events, got %s', 400)
export const InvalidGzip = createError('invalid_gzip', 'Body is not valid gzip: %s', 400)
export const BodyTooLarge = createError('body_too_large', 'Body exceeds %s bytes', 413)
export const UnsupportedMediaType = createError(
  'unsupported_media_type',
  'Content-Type must be application/json or text/plain (text/csv for spend uploads), got %s',
  415,
)
export const UnsupportedEncoding = createError('unsupported_encoding', 'Content-Encoding must be gzip or identity, got %s', 415)
export const UnknownSite = createError('unknown_site', 'Unknown site "%s"', 403)
export const OriginNotAllowed = createError('origin_not_allowed', 'Origin %s is not allowed for site "%s"', 403)
export const Unauthorized = createError('unauthorized', 'A valid admin token is required (Authorization: Bearer <token>)', 401)
export const Forbidden = createError('forbidden', 'This API key may not %s', 403)
export const InvalidUrl = createError('invalid_url', 'The URL is not valid: %s', 400)
export const UriTooLong = createError('uri_too_long', 'A path segment exceeds %s characters', 414)
export const BadRequest = createError('bad_request', 'Bad request: %s', 400)
export const HeadersTooLarge = createError('headers_too_large', 'The request headers exceed %s bytes', 431)
export const RequestTimeout = createError('request_timeout', 'The request did not arrive in time', 408)
export const RateLimited = createError('rate_limited', 'Too many events for site "%s"; retry after %s s', 429)
export const InvalidParameter = createError('invalid_parameter', 'Invalid parameter "%s": %s', 400)
export const InvalidBody = createError('invalid_body', 'Invalid request body: %s', 400)
export const SiteNotFound = createError('site_not_found', 'Site "%s" not found', 404)
export const PersonNotFound = createError('person_not_found', 'No events of person "%s" on site "%s"', 404)
export const NotFound = createError('not_found', 'Route %s %s not found', 404)
export const Overloaded = createError('overloaded', 'The collector is overloaded; retry after %s s', 503)
export const StoreUnavailable = createError('store_unavailable', 'The store did not commit: %s', 503)
export const NotReady = createError('not_ready', 'The collector is starting: %s', 503)
export const MemoryLimitExceeded = createError(
  'memory_limit_exceeded',
  'The report needs more memory than the store may use (--memory-limit %s); ask for a shorter range or raise the limit',
  503,
)
export const InternalError = createError('internal_error', 'Internal error', 500)
// Compatibility endpoints (SPEC §2.1)
export const InvalidWriteKey = createError('invalid_write_key', 'A valid write key is required (HTTP Basic user name or "writeKey"): %s', 401)
export const InvalidEvent = createError('invalid_event', 'The event was not stored (%s): %s', 400)

/** Codes of events rejected inside an accepted batch (`rejected[].code`). */
export const EVENT_ERROR_CODES = {
  missingField: 'missing_field',
  unknownField: 'unknown_field',
  invalidField: 'invalid_field',
  tsInFuture: 'ts_in_future',
  tsTooOld: 'ts_too_old',
  // Segment messages (SPEC §2.1)
  invalidType: 'invalid_type',
  messageTooLarge: 'message_too_large',
} as const

export type EventErrorCode = (typeof EVENT_ERROR_CODES)[keyof typeof EVENT_ERROR_CODES]

/** Every HTTP error class above, for the docs agreement test. */
export const HTTP_ERRORS = [
  HeadersTooLarge,
  RequestTimeout,
  InvalidJson,
  InvalidBatch,
  BatchTooLarge,
  InvalidGzip,
  BodyTooLarge,
  UnsupportedMediaType,
  UnsupportedEncoding,
  UnknownSite,
  OriginNotAllowed,
  Unauthorized,
  Forbidden,
  InvalidUrl,
  UriTooLong,
  BadRequest,
  RateLimited,
  InvalidParameter,
  InvalidBody,
  SiteNotFound,
  PersonNotFound,
  NotFound,
  Overloaded,
  StoreUnavailable,
  NotReady,
  MemoryLimitExceeded,
  InternalError,
  InvalidWriteKey,
  InvalidEvent,
]

/** The store named by --store cannot be opened (unreachable, refused, broken): the CLI prints it and exits 1. */
export class StoreOpenError extends Error {
  readonly code = 'store_open_failed'
}

/** A bad configuration: the CLI prints it and exits 2. */
export class ConfigError extends Error {
  readonly code = 'config_invalid'
}

/** A log cursor that names no row of this log (another file at the same path, a log of another adapter). */
export class StaleCursorError extends Error {
  readonly code = 'stale_cursor'
}
