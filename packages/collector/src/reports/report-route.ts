import type { FastifyInstance } from 'fastify'
import { errorResponseSchema } from '@trackway/protocol'
import type { Filters, Store } from '../store/types.js'
import type { SiteEntry } from '../sites/registry.js'
import { siteOf, siteParams } from './site.js'
import { reportRange } from './range.js'
import { commonQuery, filtersOf, type CommonQuery } from './params.js'

/** What a report's handler gets: the site (404 when unknown), its validated query and filters. */
export interface ReportRequest<Q extends CommonQuery> {
  site: SiteEntry
  query: Q
  filters: Filters
  store: Store
  /** `from`–`to` in the site's time zone, computed when first read (report-specific checks may come first). */
  readonly range: ReturnType<typeof reportRange>
}

/**
 * Registers `GET /v1/sites/:site/<path>` (SPEC §6): behind the admin token, with the common query
 * parameters plus `extra` (`required` among them) validated by the schema — a bad one answers 400
 * naming it — and `response` as the 200 schema (also what /docs/json shows).
 */
export function reportRoute<Q extends CommonQuery>(
  app: FastifyInstance,
  path: string,
  spec: { response: object; extra?: object; required?: string[] },
  answer: (r: ReportRequest<Q>) => Promise<unknown>,
): void {
  app.get<{ Params: { site: string }; Querystring: Q }>(
    `/v1/sites/:site/${path}`,
    {
      preHandler: app.trackway.requireAdmin,
      schema: {
        params: siteParams,
        querystring: { type: 'object', additionalProperties: false, required: spec.required ?? [], properties: { ...commonQuery, ...spec.extra } },
        response: { 200: spec.response, 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const site = siteOf(app, request.params.site)
      const query = request.query as Q
      let range: ReturnType<typeof reportRange> | undefined
      return answer({
        site,
        query,
        filters: filtersOf(query),
        store: app.trackway.store,
        get range() {
          return (range ??= reportRange(query, site.timezone))
        },
      })
    },
  )
}
