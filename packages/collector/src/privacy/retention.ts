import type { FastifyBaseLogger } from 'fastify'
import type { PersonData } from '../store/person-data.js'

const DAY = 86_400_000
/** How often retention runs after the run at start. */
export const RETENTION_EVERY_MS = 3_600_000

/**
 * Data retention (`--retention-days N`): events whose time is more than N days ago are deleted
 * from the log and the derived tables, at start and then hourly. Each run is recorded per site
 * like an erasure (store/person-data.ts). `start`/`stop` own the timer (STYLE §12).
 */
export class Retention {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<number> | null = null

  constructor(
    private readonly persons: Pick<PersonData, 'eraseBefore'>,
    private readonly days: number,
    private readonly log: FastifyBaseLogger,
    private readonly now = () => Date.now(),
  ) {}

  /** Deletes what is older than the retention now; resolves with the events deleted. */
  run(): Promise<number> {
    this.running ??= this.persons
      .eraseBefore(this.now() - this.days * DAY)
      .then((n) => {
        if (n > 0) this.log.info({ events: n, days: this.days }, 'retention deleted old events')
        return n
      })
      .finally(() => (this.running = null))
    return this.running
  }

  start(): void {
    const tick = () => void this.run().catch((err) => this.log.error({ err }, 'retention failed; it runs again in an hour'))
    tick()
    this.timer = setInterval(tick, RETENTION_EVERY_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running?.catch(() => undefined)
  }
}
