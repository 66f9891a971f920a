import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api'
import { StoreUnavailable } from '../../errors.js'
import { sizeBytes } from '../../size.js'

const QUARANTINED = 'a commit failed and its outcome is unknown; the collector takes no writes until it restarts'

export type Params = Record<string, DuckDBValue>

/**
 * DuckDB ran out of its memory_limit, e.g. "Out of Memory Error: failed to allocate data of size
 * 64.0 MiB (953.6 MiB/953.6 MiB used)": a report answers memory_limit_exceeded, a refresh tries again.
 */
export const isOutOfMemory = (err: unknown): boolean => err instanceof Error && /^Out of Memory Error/.test(err.message)

/**
 * The WAL size at which DuckDB checkpoints. 256MB by default (fewer checkpoint stalls in ingest
 * commits, see open()); with a memory limit at most a quarter of it: rows appended since the
 * last checkpoint are held in the buffer pool, and at 256MB of them a 384MB limit left too little
 * for the derivation (bench:live's 1.6M fill failed its refreshes, BENCHMARKS.md).
 */
export function checkpointThreshold(memoryLimit: string | null): string {
  const cap = 256 * 2 ** 20
  const limit = sizeBytes(memoryLimit)
  const bytes = limit === null ? cap : Math.max(16 * 2 ** 20, Math.min(cap, Math.floor(limit / 4)))
  return `${Math.floor(bytes / 2 ** 20)}MiB`
}

/** A COMMIT that threw: its outcome is unknown (see DuckDBHandle.quarantine). */
export class CommitFailed extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message)
    this.name = 'CommitFailed'
  }
}

/** Runs COMMIT on `conn`; a failure is a CommitFailed (the transaction may or may not be stored). */
export async function commit(conn: DuckDBConnection): Promise<void> {
  try {
    await conn.run('COMMIT')
  } catch (err) {
    throw new CommitFailed(err as Error)
  }
}

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
  /** The failed COMMIT that quarantined the database, or null while it is sound. */
  failure: Error | null = null
  private readonly faultListeners: ((err: Error) => void)[] = []
  private quarantined: Promise<unknown> = Promise.resolve()
  /** The tail of the queue for the memory lock (see `memoryLock`). */
  private lockTail: Promise<void> = Promise.resolve()

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
      // BENCHMARKS.md). The cost: a WAL replay of up to ~4 s when opening after a crash. Under a
      // memory limit the threshold is smaller (checkpointThreshold).
      this.instance = await DuckDBInstance.create(this.path, { checkpoint_threshold: checkpointThreshold(this.memoryLimit), ...this.limits() })
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

  /**
   * Runs `work` on `conn` inside BEGIN … COMMIT; ROLLBACK when it throws. A failed COMMIT
   * quarantines the database; a quarantined one refuses to begin.
   */
  async transaction<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
    const release = await this.memoryLock()
    try {
      this.assertSound()
      await conn.run('BEGIN TRANSACTION')
      let result: T
      try {
        result = await work()
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined)
        throw err
      }
      await commit(conn).catch((err: unknown) => this.commitFailed(err, conn))
      return result
    } finally {
      release()
    }
  }

  /**
   * Waits until no transaction() and no memory-heavy derivation step runs, and holds the others
   * off until the returned release is called. A COMMIT needs buffer memory (DuckDB pins the table's
   * last blocks to merge the appended rows in); a derivation that re-derives many persons from the
   * log (the slow path, a rebuild) can hold all of memory_limit in what it cannot spill, and a
   * COMMIT running beside it then fails part way (see quarantine). Ingest commits are short and
   * run one at a time anyway; while a heavy step runs they wait, the writer's queue grows, and
   * past its bound ingest sheds with 503 + Retry-After instead of failing a commit.
   */
  async memoryLock(): Promise<() => void> {
    let release!: () => void
    const mine = new Promise<void>((resolve) => (release = resolve))
    const before = this.lockTail
    this.lockTail = before.then(() => mine)
    await before
    return release // resolving twice is harmless
  }

  /**
   * Where a COMMIT's failure goes (transaction() here, the derivation's refresh): a CommitFailed
   * quarantines the database and becomes store_unavailable (after a ROLLBACK on `conn`, if given);
   * any other error is thrown as it is.
   */
  async commitFailed(err: unknown, conn?: DuckDBConnection): Promise<never> {
    if (!(err instanceof CommitFailed)) throw err
    this.quarantine(err.cause)
    await conn?.run('ROLLBACK').catch(() => undefined)
    throw new StoreUnavailable(QUARANTINED)
  }

  /** Throws store_unavailable once the database is quarantined. */
  assertSound(): void {
    if (this.failure !== null) throw new StoreUnavailable(QUARANTINED)
  }

  /** Calls `listener` once, when the database is quarantined. */
  onFault(listener: (err: Error) => void): void {
    this.faultListeners.push(listener)
  }

  /**
   * Stops every write after a COMMIT failed. DuckDB 1.5 does not undo a COMMIT that fails part way
   * (under memory_limit: "failed to pin block", "failed to allocate data"): the rows may be stored
   * or not, and the table in memory can be left inconsistent — the next commit then stored a
   * 2,048-row vector twice and lost another (see docs/ingest.md, bench/failed-commit.mjs). The WAL
   * on disk holds only whole commits, so the database is sound again after a restart: until then
   * nothing commits or checkpoints (closing skips the checkpoint too), and the listeners are told
   * (`serve` exits for its supervisor to restart it; the dedup filter, loaded from the file again,
   * makes the clients' retries exactly-once).
   */
  quarantine(err: Error): void {
    if (this.failure !== null) return
    this.failure = err
    this.quarantined = this.admin.run('PRAGMA disable_checkpoint_on_shutdown').catch(() => undefined)
    for (const listener of this.faultListeners) listener(err)
  }

  /** Closes the connections and the database (without a checkpoint when quarantined). */
  async closeAll(): Promise<void> {
    await this.quarantined
    this.close()
  }

  close(): void {
    this.derived?.closeSync()
    this.write?.closeSync()
    this.admin?.closeSync()
    this.instance?.closeSync()
  }
}
