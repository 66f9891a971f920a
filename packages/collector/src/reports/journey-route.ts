import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { siteOf, siteParams } from './site.js'
import { errorResponseSchema } from '@trackway/protocol'
import { PersonNotFound } from '../errors.js'
import { commonQuery, filtersOf, type CommonQuery } from './params.js'

const nullable = (type: string) => ({ type: [type, 'null'] }) as const
const iso = (ms: number) => new Date(ms).toISOString()

const journeySchema = {
  type: 'object',
  required: ['personId', 'sessions'],
  properties: {
    personId: { type: 'string' },
    sessions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          start: { type: 'string' },
          end: { type: 'string' },
          channel: { type: 'string' },
          source: { type: 'string' },
          medium: { type: 'string' },
          campaign: { type: 'string' },
          entryPage: { type: 'string' },
          exitPage: nullable('string'),
          device: { type: 'string' },
          pages: { type: 'array', items: { type: 'string' } },
          conversions: {
            type: 'array',
            items: { type: 'object', properties: { type: { type: 'string' }, t: { type: 'string' }, orderId: nullable('string'), revenue: nullable('number') } },
          },
          events: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                type: { type: 'string' },
                t: { type: 'string' },
                path: { type: 'string' },
                name: nullable('string'),
                orderId: nullable('string'),
                revenue: nullable('number'),
              },
            },
          },
        },
      },
    },
  },
} as const

/**
 * `GET /v1/sites/:site/journeys/:personId` (SPEC §6): every session of a person, in time order,
 * across devices; an anonymousId or userId resolves to its person. Times are ISO 8601 (UTC).
 * `GET /v1/sites/:site/stats/realtime`: visitors in the last 5 minutes (common filters apply).
 */
export const journeyRoutes = fp(
  async (app: FastifyInstance) => {
    const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema }

    app.get<{ Params: { site: string; personId: string } }>(
      '/v1/sites/:site/journeys/:personId',
      {
        schema: {
          params: { type: 'object', properties: { site: { type: 'string' }, personId: { type: 'string', minLength: 1, maxLength: 128 } } },
          response: { 200: journeySchema, ...errors },
        },
      },
      async (request) => {
        const site = siteOf(app, request.params.site)
        const journey = await app.trackway.answers.journey(site.id, request.params.personId)
        if (journey === null) throw new PersonNotFound(request.params.personId, site.id)
        return {
          personId: journey.personId,
          sessions: journey.sessions.map((s) => ({
            ...s,
            start: iso(s.start),
            end: iso(s.end),
            conversions: s.conversions.map((c) => ({ ...c, t: iso(c.t) })),
            events: s.events.map((e) => ({ ...e, t: iso(e.t) })),
          })),
        }
      },
    )

    const { from: _from, to: _to, ...filterQuery } = commonQuery
    app.get<{ Params: { site: string }; Querystring: CommonQuery }>(
      '/v1/sites/:site/stats/realtime',
      {
        schema: {
          params: siteParams,
          querystring: { type: 'object', additionalProperties: false, properties: filterQuery },
          response: { 200: { type: 'object', required: ['visitors'], properties: { visitors: { type: 'integer' } } }, ...errors },
        },
      },
      async (request) => {
        const site = siteOf(app, request.params.site)
        return { visitors: await app.trackway.answers.realtime({ site: site.id, filters: filtersOf(request.query), now: Date.now() }) }
      },
    )
  },
  { name: 'trackway-journeys' },
)
