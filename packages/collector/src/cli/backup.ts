import { parseArgs } from 'node:util'
import { ConfigError } from '../errors.js'
import { adminTokenOf, storeUrlOf } from '../config.js'
import { openStopped } from './stopped-store.js'

export const BACKUP_USAGE = `backup options (DuckDB; restore: stop the collector, put the file in place of the store, start it):
  --url URL --admin-token T   a running collector writes a consistent snapshot into its --backup-dir
  --store URL --out FILE      a stopped collector's store (TRACKWAY_STORE) copied to FILE`

/** `trackway backup`: through a running collector (POST /v1/backups), or of a stopped store; `env` defaults to the process's (read in config.ts). */
export async function runBackup(argv: string[], env?: Record<string, string | undefined>): Promise<number> {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { url: { type: 'string' }, 'admin-token': { type: 'string' }, store: { type: 'string' }, out: { type: 'string' } },
    }))
  } catch (err) {
    throw new ConfigError(`backup: ${(err as Error).message}`)
  }
  if (values.url) {
    const token = adminTokenOf(values['admin-token'], env)
    if (!token) throw new ConfigError('backup --url needs --admin-token (or TRACKWAY_ADMIN_TOKEN)')
    const res = await fetch(new URL('/v1/backups', values.url), { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    const body = (await res.json()) as { path?: string; events?: number; bytes?: number; ms?: number; error?: { message: string } }
    if (!res.ok) {
      console.error(`trackway backup: ${res.status} ${body.error?.message ?? ''}`)
      return 1
    }
    console.log(`backup of ${values.url}: ${body.events} events, ${body.bytes} bytes in ${body.path} (${body.ms} ms)`)
    return 0
  }
  if (!values.out) throw new ConfigError('backup: give --url (a running collector) or --out FILE (a stopped store)')
  const url = storeUrlOf(values.store, env)
  if (!url.startsWith('duckdb:')) throw new ConfigError('backup --out: only a DuckDB store (ClickHouse: use the server\'s BACKUP or clickhouse-backup)')
  const store = await openStopped(url, { deriveOnInit: false, backgroundRefresh: false }, 'backup')
  try {
    const r = await store.backup!(values.out)
    console.log(`backup of ${url}: ${r.events} events, ${r.bytes} bytes in ${r.path} (${r.ms} ms)`)
    return 0
  } finally {
    await store.close()
  }
}
