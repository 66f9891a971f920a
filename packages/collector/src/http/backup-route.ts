import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { errorResponseSchema } from '@trackway/protocol'
import { BadRequest } from '../errors.js'

/** `trackway-20261202T014500123Z.duckdb`: sortable, never an existing name. */
export const backupName = (now = new Date()) => `trackway-${now.toISOString().replace(/[-:.]/g, '')}.duckdb`

/**
 * `POST /v1/backups` (admin token): a consistent snapshot of the running store into a new file in
 * the backup folder (`--backup-dir`); answers where it is. The name is chosen here, never by the
 * caller, so the API cannot write anywhere else. ClickHouse keeps its own backups (400).
 */
export const backupRoute = fp(
  async (app: FastifyInstance) => {
    app.post(
      '/v1/backups',
      {
        schema: {
          response: {
            200: { type: 'object', required: ['path', 'events', 'bytes', 'ms'], properties: { path: { type: 'string' }, events: { type: 'integer' }, bytes: { type: 'integer' }, ms: { type: 'integer' } } },
            400: errorResponseSchema,
            401: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const { store, config } = app.trackway
        if (!store.backup || !config.backupDir) throw new BadRequest('this store has no built-in backup (ClickHouse: use the server\'s BACKUP or clickhouse-backup)')
        const result = await store.backup(join(config.backupDir, backupName()))
        request.log.info(result, 'backup written')
        return result
      },
    )
  },
  { name: 'trackway-backup' },
)
