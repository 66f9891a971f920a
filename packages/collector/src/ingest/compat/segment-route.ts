import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { batchResponseSchema, errorResponseSchema, type BatchResponse, type Rejection } from '@trackway/protocol'
import { EVENT_ERROR_CODES, InvalidBatch, InvalidWriteKey, OriginNotAllowed } from '../../errors.js'
import type { SiteEntry } from '../../sites/registry.js'
import { acceptEvents, type Candidate } from '../accept.js'
import type { Agent } from '../user-agent.js'
import { convertSegmentMessage, SEGMENT_BATCH_MAX_BYTES, SEGMENT_MESSAGE_MAX_BYTES } from './segment-message.js'
import { shedWhenFull } from '../load-shedding.js'

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 413: errorResponseSchema, 415: errorResponseSchema, 429: errorResponseSchema, 503: errorResponseSchema }

/**
 * Where Segment clients post, under a `host`/`apiHost` of `…/v1/segment` (or `…/v1/segment/v1`),
 * and under `/v1` for an analytics.js `apiHost` of just the collector + `/v1` (as Segment's own
 * default, `api.segment.io/v1`); `/v1/batch` itself takes Segment bodies in batch-route.ts.
 */
const PREFIXES = ['/v1/segment', '/v1/segment/v1', '/v1']
/** Batch paths: the HTTP API's `batch`, analytics-next's batching mode `b`. */
const BATCH_PATHS = ['batch', 'b']
/** Single-message paths and the type they imply: the HTTP API's names, analytics-next's first letters. */
const SINGLE_PATHS: Record<string, string> = {
  track: 'track', page: 'page', identify: 'identify', alias: 'alias', group: 'group', screen: 'screen',
  t: 'track', p: 'page', i: 'identify', a: 'alias', g: 'group', s: 'screen',
}

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The write key of a request: the HTTP Basic user name (Segment's server libraries), else `writeKey` of the body (analytics.js). */
export function writeKeyOf(request: FastifyRequest, body: unknown): string | undefined {
  const header = request.headers.authorization
  const basic = header && /^Basic\s+(\S+)\s*$/i.exec(header)
  if (basic) {
    const user = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0]
    if (user) return user
  }
  return isObject(body) && typeof body.writeKey === 'string' && body.writeKey !== '' ? body.writeKey : undefined
}

function siteOfKey(app: FastifyInstance, request: FastifyRequest, body: unknown): SiteEntry {
  const key = writeKeyOf(request, body)
  if (key === undefined) throw new InvalidWriteKey('none was sent')
  const site = app.trackway.sites.byWriteKey(key)
  if (!site) throw new InvalidWriteKey('this key belongs to no site')
  return site
}

/**
 * The agent of a message from one of Segment's server libraries without `context.userAgent`: the
 * request's User-Agent is the library's ("analytics-node-next/latest", "analytics-python/2.3" —
 * all bots to isbot), not the visitor's, so it is left out; the event counts like one from an
 * unrecognised browser (ua-parser's default device, desktop), not as a bot — the source is the
 * site's own backend. Any other request User-Agent is judged as SPEC §2.1 says (a crawler stays one).
 */
const SERVER_AGENT: Agent = Object.freeze({ browser: null, os: null, device: 'desktop', isBot: false })
const SEGMENT_LIBRARY_UA = /^analytics[-.]/i

/** The page URL of server-side messages: the site's first real origin + `/`. */
const fallbackUrlOf = (site: SiteEntry) => {
  const origin = site.origins.find((o) => o !== '*')
  return origin === undefined ? undefined : `${origin}/`
}

const sentAtOf = (v: unknown) => {
  const ms = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN
  return Number.isFinite(ms) ? ms : undefined
}

/** Converts Segment messages and stores them through the ingest path of `/v1/batch`. */
async function ingest(app: FastifyInstance, request: FastifyRequest, site: SiteEntry, messages: unknown[], batch: Json): Promise<BatchResponse> {
  const receivedAt = Date.now()
  const origin = request.headers.origin
  if (!app.trackway.sites.allows(site, origin)) throw new OriginNotAllowed(String(origin), site.id)
  const context = { context: isObject(batch.context) ? batch.context : undefined, sentAt: sentAtOf(batch.sentAt), fallbackUrl: fallbackUrlOf(site), receivedAt }
  const candidates: Candidate[] = []
  const rejected: Rejection[] = []
  const fromLibrary = SEGMENT_LIBRARY_UA.test(request.headers['user-agent'] ?? '')
  messages.forEach((message, index) => {
    const bytes = Buffer.byteLength(JSON.stringify(message) ?? '')
    if (bytes > SEGMENT_MESSAGE_MAX_BYTES) {
      rejected.push({ index, code: EVENT_ERROR_CODES.messageTooLarge, message: `the message has ${bytes} bytes (at most ${SEGMENT_MESSAGE_MAX_BYTES})` })
      return
    }
    const c = convertSegmentMessage(message, context)
    if (c.kind === 'event') {
      const agent = c.userAgent === undefined && fromLibrary ? SERVER_AGENT : undefined
      candidates.push({ index, event: c.event, sentAt: c.sentAt, userAgent: c.userAgent, agent })
    } else if (c.kind === 'rejected') {
      rejected.push({ index, code: c.code, message: c.message })
    }
  })
  return acceptEvents(app, request, site, receivedAt, candidates, rejected)
}

/** A Segment batch `{batch: [...]}` (not a Trackway one `{site, events}`). */
export const isSegmentBatch = (body: unknown): boolean =>
  isObject(body) && Array.isArray(body.batch) && body.events === undefined && body.site === undefined

/** Answers one Segment batch request: write key, then each message converted and stored. */
export async function segmentBatch(app: FastifyInstance, request: FastifyRequest): Promise<BatchResponse> {
  const body = request.body
  if (!isObject(body)) {
    siteOfKey(app, request, body) // 401 before 400: a caller without the key learns nothing
    throw new InvalidBatch('the body must be an object {batch: [...]}')
  }
  const site = siteOfKey(app, request, body)
  if (!Array.isArray(body.batch)) throw new InvalidBatch('"batch" must be an array of messages')
  return ingest(app, request, site, body.batch, body)
}

/**
 * The Segment HTTP Tracking API (SPEC §2.1): `POST /v1/segment/batch` and the paths Segment's
 * clients derive from their host (`/v1/segment/v1/batch`, analytics-next's `/v1/segment/v1/t|p|i…`).
 * Auth is the site's write key; each message becomes a Trackway event or is rejected on its own.
 */
export const segmentRoutes = fp(
  async (app: FastifyInstance) => {
    const options = { bodyLimit: SEGMENT_BATCH_MAX_BYTES, schema: { response: { 200: batchResponseSchema, ...errors } }, config: { bodyErrorCode: 'invalid_batch' as const },
      onRequest: shedWhenFull(app),
    }
    for (const prefix of PREFIXES) {
      for (const path of BATCH_PATHS) {
        if (prefix === '/v1' && path === 'batch') continue
        app.post(`${prefix}/${path}`, options, async (request): Promise<BatchResponse> => {
          return segmentBatch(app, request)
        })
      }
      for (const [path, type] of Object.entries(SINGLE_PATHS)) {
        app.post(`${prefix}/${path}`, options, async (request): Promise<BatchResponse> => {
          const body = request.body
          const site = siteOfKey(app, request, body)
          if (!isObject(body)) throw new InvalidBatch('the body must be one message object')
          const message = body.type === undefined ? { ...body, type } : body
          return ingest(app, request, site, [message], {})
        })
      }
    }
  },
  { name: 'trackway-segment' },
)
