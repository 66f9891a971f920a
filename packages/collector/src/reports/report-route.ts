import type { FastifyInstance } from 'fastify'
import { errorResponseSchema } from '@trackway/protocol'
import type { Filters } from '../core/filters.js'
import type { DateRange, ReportQuery, TimeRange } from '../core/query.js'
import type { ReportAnswers } from './answers.js'
import type { SiteEntry } from '../sites/registry.js'
import { siteOf, siteParams } from './site.js'
import { reportRange } from './range.js'
import { commonQuery, filtersOf, type CommonQuery } from './params.js'

/** What a report's handler gets: the site (404 when unknown), its validated query and filters. */
export interface ReportRequest<Q extends CommonQuery> {
  site: SiteEntry
  query: Q
  filters: Filters
  answers: ReportAnswers
  /** `from`–`to` in the site's time zone, computed when first read (report-specific checks may come first). */
  readonly range: DateRange
  /** The ReportQuery of this request (over `range` unless another is given): site, range, filters, goal (default purchase). */
  reportQuery(range?: TimeRange): ReportQuery
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
      schema: {
        params: siteParams,
        querystring: { type: 'object', additionalProperties: false, required: spec.required ?? [], properties: { ...commonQuery, ...spec.extra } },
        response: { 200: spec.response, 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const site = siteOf(app, request.params.site)
      const query = request.query as Q
      let range: DateRange | undefined
      const filters = filtersOf(query)
      const r: ReportRequest<Q> = {
        site,
        query,
        filters,
        answers: app.trackway.answers,
        get range() {
          return (range ??= reportRange(query, site.timezone))
        },
        reportQuery: (over = r.range) => ({ site: site.id, range: over, filters, goal: (query as { goal?: string }).goal ?? 'purchase' }),
      }
      // one refresh for the report's queries (those of `compare=previous` too): the events acknowledged before it was asked
      return app.trackway.store.derivation.asOf(() => answer(r))
    },
  )
}
