import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api'

export type Params = Record<string, DuckDBValue>

/**
 * The open database and its long-lived connections. One process owns the file (DuckDB's rule),
 * so the collector is its only writer: the ingest writer serializes appends on `write`,
 * management writes use `admin`, the derived-table refresh `derived`; every read opens its own
 * short-lived connection, so reads run concurrently (DuckDB's MVCC keeps them consistent).
 */
export class DuckDBHandle {
  instance!: DuckDBInstance
  write!: DuckDBConnection
  admin!: DuckDBConnection
  derived!: DuckDBConnection

  constructor(
    readonly path: string,
    /** Opened READ_ONLY: DuckDB still takes a (shared) lock, so a file a collector holds is refused. */
    readonly readOnly = false,
    /** DuckDB's memory_limit (e.g. '1GB'); null: DuckDB's default (80 % of RAM). */
    readonly memoryLimit: string | null = null,
  ) {}

  async open(): Promise<void> {
    if (this.readOnly) {
      this.instance = await DuckDBInstance.create(this.path, { access_mode: 'READ_ONLY', ...this.limits() })
    } else {
      if (this.path !== ':memory:') await mkdir(dirname(this.path), { recursive: true })
      // DuckDB checkpoints when the WAL reaches 16 MB by default, inside whichever COMMIT crosses it:
      // that stalled ingest group commits for 0.3–0.6 s (p99 523 → 59 ms with 256 MB, see
      // BENCHMARKS.md). The cost: a WAL replay of up to ~4 s when opening after a crash.
      this.instance = await DuckDBInstance.create(this.path, { checkpoint_threshold: '256MB', ...this.limits() })
    }
    this.write = await this.instance.connect()
    this.admin = await this.instance.connect()
    this.derived = await this.instance.connect()
  }

  /**
   * The memory cap, when set. Operators that can spill (hash joins and aggregates, sorts, windows)
   * write to `<file>.tmp` beyond it; what cannot spill fails with DuckDB's "Out of Memory Error".
   */
  private limits(): Record<string, string> {
    if (this.memoryLimit === null) return {}
    return { memory_limit: this.memoryLimit, ...(this.path === ':memory:' ? {} : { temp_directory: `${this.path}.tmp` }) }
  }

  /** Runs one read on a short-lived connection of its own. */
  async query(sql: string, params?: Params): Promise<Record<string, unknown>[]> {
    const conn = await this.instance.connect()
    try {
      return (await conn.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[]
    } finally {
      conn.closeSync()
    }
  }

  /** Runs `work` on `conn` inside BEGIN … COMMIT; ROLLBACK when it throws. */
  async transaction<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
    await conn.run('BEGIN TRANSACTION')
    try {
      const result = await work()
      await conn.run('COMMIT')
      return result
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined)
      throw err
    }
  }

  close(): void {
    this.derived?.closeSync()
    this.write?.closeSync()
    this.admin?.closeSync()
    this.instance?.closeSync()
  }
}
