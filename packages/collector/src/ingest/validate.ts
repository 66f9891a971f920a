import { Ajv, type ErrorObject } from 'ajv'
import { batchEnvelopeSchema, eventSchema, LIMITS, type Batch, type WireEvent } from '@trackway/protocol'
import { BatchTooLarge, EVENT_ERROR_CODES, InvalidBatch, type EventErrorCode } from '../errors.js'

const ajv = new Ajv({ allErrors: false, strict: false })
const isEvent = ajv.compile<WireEvent>(eventSchema)
const isEnvelope = ajv.compile<Batch>(batchEnvelopeSchema)

/** Checks the envelope of `POST /v1/batch`; events are checked one by one later. */
export function checkEnvelope(body: unknown): Batch {
  if (!isEnvelope(body)) throw new InvalidBatch(describe(isEnvelope.errors?.[0]))
  if (body.events.length > LIMITS.maxBatchEvents) {
    throw new BatchTooLarge(String(LIMITS.maxBatchEvents), String(body.events.length))
  }
  return body
}

export type EventCheck =
  | { ok: true; event: WireEvent; t: number; url: URL }
  | { ok: false; code: EventErrorCode; message: string }

export interface Clock {
  receivedAt: number
  sentAt: number | undefined
  maxEventAgeMs: number
}

/**
 * Validates one event against the protocol schema and the time rules of SPEC §2:
 * `t = ts + (receivedAt − sentAt)`; `ts` more than 60 s ahead of `sentAt` (or of receivedAt
 * without sentAt) is rejected, and so is an event whose corrected time is older than the
 * maximum age (equivalently `ts < sentAt − maxAge`, judged on the client's own clock).
 */
export function checkEvent(raw: unknown, clock: Clock): EventCheck {
  if (!isEvent(raw)) return fromAjv(isEvent.errors?.[0], raw)
  const event = raw
  let url: URL
  try {
    url = new URL(event.url)
  } catch {
    return { ok: false, code: EVENT_ERROR_CODES.invalidField, message: '"url" is not an absolute http(s) URL' }
  }
  const reference = clock.sentAt ?? clock.receivedAt
  if (event.ts > reference + LIMITS.maxFutureSkewMs) {
    return {
      ok: false,
      code: EVENT_ERROR_CODES.tsInFuture,
      message: `"ts" is ${event.ts - reference} ms after ${clock.sentAt === undefined ? 'receipt' : '"sentAt"'} (at most ${LIMITS.maxFutureSkewMs} ms)`,
    }
  }
  const t = clock.sentAt === undefined ? event.ts : event.ts + (clock.receivedAt - clock.sentAt)
  if (t < clock.receivedAt - clock.maxEventAgeMs) {
    return {
      ok: false,
      code: EVENT_ERROR_CODES.tsTooOld,
      message: `the event is older than ${Math.round(clock.maxEventAgeMs / 86_400_000)} days`,
    }
  }
  return { ok: true, event, t, url }
}

function fromAjv(err: ErrorObject | undefined, raw: unknown): EventCheck {
  if (!err) return { ok: false, code: EVENT_ERROR_CODES.invalidField, message: 'invalid event' }
  const at = err.instancePath ? err.instancePath.slice(1).replaceAll('/', '.') : ''
  if (err.keyword === 'required') {
    const field = [at, (err.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.')
    const type = (raw as { type?: unknown })?.type
    const forType = at === '' && typeof type === 'string' ? ` for ${type} events` : ''
    return { ok: false, code: EVENT_ERROR_CODES.missingField, message: `"${field}" is required${forType}` }
  }
  if (err.keyword === 'additionalProperties') {
    const field = [at, (err.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.')
    return { ok: false, code: EVENT_ERROR_CODES.unknownField, message: `unknown field "${field}"` }
  }
  if (err.keyword === 'type' && at === '') {
    return { ok: false, code: EVENT_ERROR_CODES.invalidField, message: 'an event must be an object' }
  }
  return { ok: false, code: EVENT_ERROR_CODES.invalidField, message: describe(err) }
}

function describe(err: ErrorObject | undefined): string {
  if (!err) return 'invalid'
  const at = err.instancePath ? `"${err.instancePath.slice(1).replaceAll('/', '.')}"` : 'body'
  if (err.keyword === 'required') return `"${(err.params as { missingProperty: string }).missingProperty}" is required`
  if (err.keyword === 'additionalProperties') {
    return `unknown field "${(err.params as { additionalProperty: string }).additionalProperty}"`
  }
  return `${at} ${err.message ?? 'is invalid'}`
}
