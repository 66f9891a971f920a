import type { Store, StoreOptions } from '../store.js'
import { MACROS } from './derive/macros.js'
import { DDL, SCHEMA_VERSION } from './schema.js'
import { DERIVED_DDL } from './derive/materialize.js'
import { DuckDBHandle } from './handle.js'
import { DuckDBEventLog } from './event-log.js'
import { DuckDBCatalog } from './catalog.js'
import { DuckDBDerivation } from './derivation.js'
import { DuckDBReports } from './reports.js'

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

  constructor(path: string, private readonly options: StoreOptions = {}) {
    this.db = new DuckDBHandle(path)
    this.derivation = new DuckDBDerivation(this.db, options)
    this.log = new DuckDBEventLog(this.db, () => this.derivation.noteAppend())
    this.catalog = new DuckDBCatalog(this.db)
    this.reports = new DuckDBReports(async (sql, params) => {
      await this.derivation.current()
      return this.db.query(sql, params)
    })
  }

  async init(): Promise<void> {
    await this.db.open()
    for (const sql of [...DDL, ...DERIVED_DDL, ...MACROS]) await this.db.admin.run(sql)
    const rows = (await this.db.admin.runAndReadAll('SELECT max(version) AS v FROM schema_version')).getRowObjectsJS()
    if (rows[0]?.v === null || rows[0]?.v === undefined) {
      await this.db.admin.run('INSERT INTO schema_version VALUES ($v)', { v: SCHEMA_VERSION })
    }
    // Catch up with events appended since the last refresh (e.g. before a crash), or derive
    // everything when the derived tables are new or of another version.
    if (this.options.deriveOnInit !== false) await this.derivation.refresh()
  }

  async close(): Promise<void> {
    await this.derivation.close()
    this.db.close()
  }
}
