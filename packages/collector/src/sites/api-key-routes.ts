import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { errorResponseSchema } from '@trackway/protocol'
import { NotFound } from '../errors.js'
import { hashOfKey } from '../http/auth.js'
import { siteOf, siteParams } from '../reports/site.js'
import type { ApiKey } from '../store/catalog.js'

/** Marks a Trackway read-only key, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'twk_'
/** Characters of a key shown in lists: the marker and 4 of the secret. */
const SHOWN = API_KEY_PREFIX.length + 4

const keySchema = {
  type: 'object',
  required: ['id', 'site', 'name', 'prefix', 'createdAt'],
  properties: { id: { type: 'string' }, site: { type: 'string' }, name: { type: 'string' }, prefix: { type: 'string' }, createdAt: { type: 'string' } },
} as const
const shown = ({ hash: _hash, createdAt, ...k }: ApiKey) => ({ ...k, createdAt: new Date(createdAt).toISOString() })
const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema }

/**
 * Read-only API keys of a site (docs/security.md), managed with the admin token:
 * `POST /v1/sites/:site/api-keys {name?}` creates one and shows its secret once,
 * `GET /v1/sites/:site/api-keys` lists them (without secrets), `DELETE …/api-keys/:keyId` revokes.
 * A key reads that site's reports and journeys (`GET …/stats/*`, `…/journeys/*`), nothing else.
 */
export const apiKeyRoutes = fp(
  async (app: FastifyInstance) => {
    const { store, auth } = app.trackway

    app.post<{ Params: { site: string }; Body: { name?: string } | undefined }>(
      '/v1/sites/:site/api-keys',
      {
        schema: {
          params: siteParams,
          body: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } },
          response: { 201: { ...keySchema, required: [...keySchema.required, 'key'], properties: { ...keySchema.properties, key: { type: 'string' } } }, ...errors },
        },
      },
      async (request, reply) => {
        const site = siteOf(app, request.params.site)
        const secret = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`
        const key: ApiKey = {
          id: randomBytes(8).toString('hex'),
          site: site.id,
          name: request.body?.name ?? 'read-only key',
          hash: hashOfKey(secret),
          prefix: secret.slice(0, SHOWN),
          createdAt: Date.now(),
        }
        await store.catalog.insertApiKey(key)
        auth.invalidate()
        request.log.info({ site: site.id, keyId: key.id }, 'API key created')
        return reply.status(201).send({ ...shown(key), key: secret })
      },
    )

    app.get<{ Params: { site: string } }>(
      '/v1/sites/:site/api-keys',
      { schema: { params: siteParams, response: { 200: { type: 'array', items: keySchema }, ...errors } } },
      async (request) => (await store.catalog.listApiKeys(siteOf(app, request.params.site).id)).map(shown),
    )

    app.delete<{ Params: { site: string; keyId: string } }>(
      '/v1/sites/:site/api-keys/:keyId',
      {
        schema: {
          params: { type: 'object', properties: { ...siteParams.properties, keyId: { type: 'string', maxLength: 64 } } },
          response: { 200: { type: 'object', required: ['id', 'revoked'], properties: { id: { type: 'string' }, revoked: { type: 'boolean' } } }, ...errors },
        },
      },
      async (request) => {
        const site = siteOf(app, request.params.site)
        if (!(await store.catalog.revokeApiKey(site.id, request.params.keyId))) throw new NotFound('DELETE', `API key "${request.params.keyId}" of site "${site.id}"`)
        auth.invalidate()
        request.log.info({ site: site.id, keyId: request.params.keyId }, 'API key revoked')
        return { id: request.params.keyId, revoked: true }
      },
    )
  },
  { name: 'trackway-api-keys' },
)
