import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { BatchResponse, Rejection } from '@trackway/protocol'
import type { EventRow } from '../store/event-log.js'
import type { SiteEntry } from '../sites/registry.js'
import { checkEvent } from './validate.js'
import { countryOf, enrich, type RequestFacts } from './enrich.js'
import { parseAgent, type Agent } from './user-agent.js'

/** What a request tells about all of its events: site, agent, country, cookieless id. */
export function requestFacts(app: FastifyInstance, request: FastifyRequest, site: SiteEntry, receivedAt: number): RequestFacts {
  const { config, salt } = app.trackway
  const ua = request.headers['user-agent']
  return {
    site: site.id,
    siteHosts: site.hosts,
    receivedAt,
    agent: parseAgent(ua),
    country: config.countryHeader ? countryOf(request.headers[config.countryHeader]) : null,
    cookielessId: () => salt.visitorId(site.id, request.ip, ua ?? ''),
  }
}

/** One event of a request, in wire format, with what it says about itself. */
export interface Candidate {
  /** Its index in the request (for `rejected[]`). */
  index: number
  event: unknown
  /** The client's send time of this event (ms), if it said. */
  sentAt: number | undefined
  /** The User-Agent the event was recorded with, when not the request's (Segment's `context.userAgent`). */
  userAgent?: string
  /** The agent itself, when no User-Agent describes the visitor (Segment's server-side sources). */
  agent?: Agent
}

/**
 * The one ingest path of `/v1/batch` and the compatibility endpoints (SPEC §2, §2.1): each event
 * validated against the protocol schema and the clock rules, enriched, then deduplicated and
 * committed by the writer; the answer follows the commit. `rejected` holds what failed before.
 * Admitted by the load shedder first (503 when full, 429 over the site's rate; SPEC §1.4).
 */
export async function acceptEvents(
  app: FastifyInstance,
  request: FastifyRequest,
  site: SiteEntry,
  receivedAt: number,
  candidates: readonly Candidate[],
  rejected: Rejection[] = [],
): Promise<BatchResponse> {
  const { shedder } = app.trackway
  // shed before any per-event work: under overload, answering fast is what keeps memory flat
  const release = shedder.admit(site.id, candidates.length)
  try {
    return await accept(app, request, site, receivedAt, candidates, rejected)
  } finally {
    release()
  }
}

async function accept(
  app: FastifyInstance,
  request: FastifyRequest,
  site: SiteEntry,
  receivedAt: number,
  candidates: readonly Candidate[],
  rejected: Rejection[],
): Promise<BatchResponse> {
  const { writer, config, metrics } = app.trackway
  const facts = requestFacts(app, request, site, receivedAt)
  const agents = new Map<string, ReturnType<typeof parseAgent>>()
  const agentOf = (ua: string) => agents.get(ua) ?? agents.set(ua, parseAgent(ua)).get(ua)!
  const rows: EventRow[] = []
  for (const c of candidates) {
    const r = checkEvent(c.event, { receivedAt, sentAt: c.sentAt, maxEventAgeMs: config.maxEventAgeMs })
    if (!r.ok) {
      rejected.push({ index: c.index, code: r.code, message: r.message })
      continue
    }
    const agent = c.agent ?? (c.userAgent === undefined ? undefined : agentOf(c.userAgent))
    rows.push(enrich(r.event, r.t, r.url, agent === undefined ? facts : { ...facts, agent }))
  }
  rejected.sort((a, b) => a.index - b.index)
  for (const r of rejected) metrics.inc('trackway_events_rejected_total', 1, { code: r.code })
  if (rejected.length > 0) request.log.info({ site: site.id, rejected: rejected.slice(0, 5) }, 'events rejected')
  const { accepted, duplicates } = rows.length > 0 ? await writer.submit(rows) : { accepted: 0, duplicates: 0 }
  return { accepted, duplicates, rejected }
}
