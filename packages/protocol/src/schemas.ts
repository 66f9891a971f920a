import { CURRENCY_PATTERN, ID_PATTERN, LIMITS } from './limits.js'
import { EVENT_TYPES } from './events.js'

/*
 * JSON Schemas (draft-07, as Ajv and Fastify use them) of wire protocol v1.
 * The collector compiles these; nothing else describes the wire format.
 * Plain objects, so the SDK pays nothing for them unless it imports them.
 */

const shortString = { type: 'string', minLength: 1, maxLength: LIMITS.shortStringMaxLength } as const
const money = { type: 'number', minimum: 0, maximum: 1e12 } as const

/** A line item. */
export const itemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sku', 'price', 'quantity'],
  properties: {
    sku: shortString,
    name: { type: 'string', maxLength: LIMITS.shortStringMaxLength },
    price: money,
    quantity: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  },
} as const

/** Flat free-form properties. */
export const propsSchema = {
  type: 'object',
  maxProperties: LIMITS.propsMaxKeys,
  propertyNames: { maxLength: LIMITS.propKeyMaxLength },
  additionalProperties: {
    anyOf: [
      { type: 'string', maxLength: LIMITS.propValueMaxLength },
      { type: 'number' },
      { type: 'boolean' },
      { type: 'null' },
    ],
  },
} as const

/** Fields required per type, beyond those every event needs. */
export const REQUIRED_BY_TYPE = {
  custom: ['name'],
  purchase: ['orderId', 'revenue'],
  feedback: ['score'],
  experiment: ['experiment', 'variant'],
  engagement: ['engagedMs'],
  signup: ['userId'],
  identify: ['userId'],
  referral_invite: ['referralCode'],
} as const

/** One event. Unknown top-level fields are rejected; `props` is free-form. */
export const eventSchema = {
  $id: 'trackway:event',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'ts', 'anonymousId', 'url'],
  properties: {
    id: { type: 'string', pattern: ID_PATTERN },
    type: { type: 'string', enum: EVENT_TYPES },
    name: { type: 'string', minLength: 1, maxLength: LIMITS.nameMaxLength },
    ts: { type: 'integer', minimum: 0, maximum: 8.64e15 },
    anonymousId: { type: 'string', minLength: 1, maxLength: LIMITS.anonymousIdMaxLength },
    userId: { type: 'string', minLength: 1, maxLength: LIMITS.userIdMaxLength },
    url: { type: 'string', maxLength: LIMITS.urlMaxLength, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+' },
    referrer: { type: 'string', maxLength: LIMITS.referrerMaxLength },
    title: { type: 'string', maxLength: LIMITS.titleMaxLength },
    props: propsSchema,
    orderId: shortString,
    revenue: money,
    currency: { type: 'string', pattern: CURRENCY_PATTERN },
    items: { type: 'array', maxItems: LIMITS.maxItems, items: itemSchema },
    referralCode: shortString,
    score: { type: 'integer', minimum: LIMITS.scoreMin, maximum: LIMITS.scoreMax },
    experiment: shortString,
    variant: shortString,
    engagedMs: { type: 'number', minimum: 0, maximum: 86_400_000 },
  },
  allOf: Object.entries(REQUIRED_BY_TYPE).map(([type, required]) => ({
    if: { properties: { type: { const: type } }, required: ['type'] },
    then: { required },
  })),
} as const

/** The envelope of `POST /v1/batch`; events are validated one by one with `eventSchema`. */
export const batchEnvelopeSchema = {
  $id: 'trackway:batch',
  type: 'object',
  additionalProperties: false,
  required: ['site', 'events'],
  properties: {
    site: { type: 'string', minLength: 1, maxLength: 64 },
    sentAt: { type: 'integer', minimum: 0, maximum: 8.64e15 },
    events: { type: 'array', minItems: 1 },
  },
} as const

/** The 200 answer of `POST /v1/batch`. */
export const batchResponseSchema = {
  type: 'object',
  required: ['accepted', 'duplicates', 'rejected'],
  properties: {
    accepted: { type: 'integer' },
    duplicates: { type: 'integer' },
    rejected: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'code', 'message'],
        properties: { index: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const

/** Every error answer. */
export const errorResponseSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const
