import { PassThrough } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { errorResponseSchema } from '@trackway/protocol'
import { PersonNotFound } from '../errors.js'
import { siteOf, siteParams } from '../reports/site.js'

const params = { type: 'object', properties: { ...siteParams.properties, personId: { type: 'string', minLength: 1, maxLength: 128 } } } as const
const personSchema = {
  personId: { type: 'string' },
  userIds: { type: 'array', items: { type: 'string' } },
  anonymousIds: { type: 'array', items: { type: 'string' } },
} as const
const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema }

/**
 * A person's data (SPEC §1.6, §6), admin token only. `:personId` is any id of the person — a
 * userId or an anonymousId — and names everything linked to it (store/person-data.ts).
 *
 * - `GET /v1/sites/:site/persons/:personId/export`: every stored event of the person as JSON
 *   `{personId, userIds, anonymousIds, events: [...]}`; with `?format=ndjson` (for large ones) a
 *   stream of one JSON line per event, the person's ids on the first line.
 * - `DELETE /v1/sites/:site/persons/:personId`: erases those events from the log and every derived
 *   table; answers what was erased. Recorded (who, when, how many) without any of the person's ids.
 */
export const privacyRoutes = fp(
  async (app: FastifyInstance) => {
    const { store } = app.trackway

    app.get<{ Params: { site: string; personId: string }; Querystring: { format?: 'json' | 'ndjson' } }>(
      '/v1/sites/:site/persons/:personId/export',
      {
        schema: {
          params,
          querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'ndjson'] } } },
          response: errors,
        },
      },
      async (request, reply) => {
        const site = siteOf(app, request.params.site)
        const person = await store.persons.resolve(site.id, request.params.personId)
        if (!person) throw new PersonNotFound(request.params.personId, site.id)
        const { events: _count, ...ids } = person
        reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="trackway-${site.id}-person.${request.query.format === 'ndjson' ? 'ndjson' : 'json'}"`)
        request.log.info({ site: site.id, events: person.events }, 'person data exported')
        if (request.query.format === 'ndjson') {
          const out = new PassThrough()
          const write = async (line: string) => {
            if (!out.write(line)) await new Promise((r) => out.once('drain', r))
          }
          void (async () => {
            try {
              await write(JSON.stringify(ids) + '\n')
              await store.persons.exportEvents(site.id, person.personId, async (rows) => {
                for (const r of rows) await write(JSON.stringify(r) + '\n')
              })
              out.end()
            } catch (err) {
              request.log.error({ err }, 'person export failed midway')
              out.destroy(err as Error)
            }
          })()
          return reply.type('application/x-ndjson; charset=utf-8').send(out)
        }
        const events: unknown[] = []
        await store.persons.exportEvents(site.id, person.personId, (rows) => void events.push(...rows))
        return reply.type('application/json; charset=utf-8').send({ ...ids, events })
      },
    )

    app.delete<{ Params: { site: string; personId: string } }>(
      '/v1/sites/:site/persons/:personId',
      {
        schema: {
          params,
          response: { 200: { type: 'object', required: ['personId', 'erased'], properties: { ...personSchema, erased: { type: 'integer' } } }, ...errors },
        },
      },
      async (request) => {
        const site = siteOf(app, request.params.site)
        const person = await store.persons.resolve(site.id, request.params.personId)
        if (!person) throw new PersonNotFound(request.params.personId, site.id)
        const erased = await store.persons.erase(site.id, person.personId, 'admin')
        request.log.info({ site: site.id, events: erased }, 'person erased')
        const { events: _count, ...ids } = person
        return { ...ids, erased }
      },
    )
  },
  { name: 'trackway-privacy' },
)
