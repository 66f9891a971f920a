import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { errorResponseSchema } from '@trackway/protocol'
import { InvalidBody } from '../errors.js'
import { siteOf, siteParams } from '../reports/site.js'
import type { SpendRow } from '../core/query.js'
import { checkSpendRows, SpendError, spendRowsOfCsv } from './rows.js'

/**
 * `POST /v1/sites/:site/spend` (SPEC §6): ad spend as JSON rows `[{date, channel?, source?,
 * campaign?, amount}]` or as a CSV upload (`Content-Type: text/csv`) with a header row naming the
 * same columns. All rows or none: a bad row answers 400 naming it and stores nothing. Rows with
 * the same date and names are summed within an upload and replace the stored row across uploads,
 * so loading the same export twice does not count it twice.
 */
export const spendRoutes = fp(
  async (app: FastifyInstance) => {
    app.post<{ Params: { site: string }; Body: unknown }>(
      '/v1/sites/:site/spend',
      {
        config: { csv: true },
        schema: {
          params: siteParams,
          body: {
            description: 'JSON rows, or a CSV text with the header date,channel,source,campaign,amount (Content-Type: text/csv)',
            oneOf: [
              {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { date: { type: 'string' }, channel: { type: 'string' }, source: { type: 'string' }, campaign: { type: 'string' }, amount: { type: 'number' } },
                },
              },
              { type: 'string' },
            ],
          },
          response: {
            200: { type: 'object', required: ['stored'], properties: { stored: { type: 'integer' } } },
            400: errorResponseSchema,
            401: errorResponseSchema,
            404: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const site = siteOf(app, request.params.site)
        let rows: SpendRow[]
        try {
          rows = typeof request.body === 'string' ? spendRowsOfCsv(request.body) : checkSpendRows(request.body)
        } catch (err) {
          if (err instanceof SpendError) throw new InvalidBody(err.message)
          throw err
        }
        await app.trackway.store.catalog.upsertSpend(site.id, rows)
        return { stored: rows.length }
      },
    )
  },
  { name: 'trackway-spend' },
)
