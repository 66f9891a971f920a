import { existsSync, statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { ConfigError, MemoryLimitExceeded } from '../../errors.js'
import type { BackupResult, Store, StoreOptions } from '../store.js'
import { MACROS } from './derive/macros.js'
import { DDL, SCHEMA_VERSION } from './schema.js'
import { DERIVED_DDL } from './derive/materialize.js'
import { DuckDBHandle, isOutOfMemory } from './handle.js'
import { DuckDBEventLog } from './event-log.js'
import { DuckDBCatalog } from './catalog.js'
import { DuckDBDerivation } from './derivation.js'
import { DuckDBReports } from './reports.js'
import { DuckDBPersonData, PRIVACY_DDL } from './person-data.js'

/**
 * The embedded store: one DuckDB file, owned by one process. Its parts share the open database
 * (handle.ts); reports read derived tables that the derivation brings up to date first.
 */
export class DuckDBStore implements Store {
  private readonly db: DuckDBHandle
  readonly derivation: DuckDBDerivation
  readonly log: DuckDBEventLog
  readonly catalog: DuckDBCatalog
  readonly reports: DuckDBReports
  readonly persons: DuckDBPersonData

  constructor(path: string, private readonly options: StoreOptions = {}) {
    this.db = new DuckDBHandle(path, options.readOnly === true, options.memoryLimit ?? null)
    this.derivation = new DuckDBDerivation(this.db, options)
    this.log = new DuckDBEventLog(this.db, (events) => this.derivation.noteAppend(events))
    this.catalog = new DuckDBCatalog(this.db)
    this.persons = new DuckDBPersonData(this.db, this.derivation)
    this.reports = new DuckDBReports(async (sql, params) => {
      try {
        await this.derivation.current()
        return await this.db.query(sql, params)
      } catch (err) {
        if (isOutOfMemory(err)) throw new MemoryLimitExceeded(options.memoryLimit ?? 'default')
        throw err
      }
    })
  }

  onFault(listener: (err: Error) => void): void {
    this.db.onFault(listener)
  }

  async init(): Promise<void> {
    if (this.options.readOnly) return this.openReadOnly()
    await this.db.open()
    for (const sql of [...DDL, ...PRIVACY_DDL, ...DERIVED_DDL, ...MACROS]) await this.db.admin.run(sql)
    const rows = (await this.db.admin.runAndReadAll('SELECT max(version) AS v FROM schema_version')).getRowObjectsJS()
    if (rows[0]?.v === null || rows[0]?.v === undefined) {
      await this.db.admin.run('INSERT INTO schema_version VALUES ($v)', { v: SCHEMA_VERSION })
    }
    // Catch up with events appended since the last refresh (e.g. before a crash), or derive
    // everything when the derived tables are new or of another version.
    if (this.options.deriveOnInit !== false) await this.derivation.refresh()
  }

  /** A store to read from: it must exist and be a Trackway store; nothing is created or derived. */
  private async openReadOnly(): Promise<void> {
    if (!existsSync(this.db.path)) throw new ConfigError(`duckdb:${this.db.path}: no such file`)
    await this.db.open()
    const [found] = await this.db.query("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name IN ('events', 'sites', 'settings', 'spend')")
    if (Number(found?.n) !== 4) throw new ConfigError(`duckdb:${this.db.path} is not a Trackway store (it has no events, sites, settings and spend tables)`)
  }

  /**
   * A consistent snapshot while the collector runs: the file is attached and the whole database
   * copied into it by one statement (one transaction, so appends committed during the copy are
   * either all in it or not). The copy is a complete Trackway store: open it with `--store`
   * (restore: stop the collector, put the file in place). Refuses to overwrite a file.
   */
  async backup(path: string): Promise<BackupResult> {
    const t0 = performance.now()
    if (existsSync(path)) throw new ConfigError(`backup: ${path} exists`)
    await mkdir(dirname(path), { recursive: true })
    const conn = await this.db.instance.connect()
    const quoted = (s: string) => s.replaceAll("'", "''")
    let events: number
    try {
      const name = String((await conn.runAndReadAll('SELECT current_database()')).getRowsJS()[0]![0])
      await conn.run(`ATTACH '${quoted(path)}' AS trackway_backup`)
      try {
        await conn.run(`COPY FROM DATABASE "${name.replaceAll('"', '""')}" TO trackway_backup`)
        events = Number((await conn.runAndReadAll('SELECT count(*) FROM trackway_backup.events')).getRowsJS()[0]![0])
      } finally {
        await conn.run('DETACH trackway_backup')
      }
    } finally {
      conn.closeSync()
    }
    return { path, events, bytes: statSync(path).size, ms: Math.round(performance.now() - t0) }
  }

  async close(): Promise<void> {
    await this.derivation.close()
    await this.db.closeAll()
  }
}
