import { Counter, Gauge, Histogram, Registry } from 'prom-client'

type Labels = Record<string, string>

/** Every metric the collector exposes at `/metrics`, with its help text (docs/security.md lists them). */
const COUNTERS: Record<string, [help: string, labels?: string[]]> = {
  trackway_ingest_requests_total: ['Ingest requests answered, by route and status', ['route', 'status']],
  trackway_http_errors_total: ['HTTP error answers, by code (docs/errors.md)', ['code']],
  trackway_events_accepted_total: ['Events newly stored'],
  trackway_events_duplicate_total: ['Events whose id was already stored, or repeated in a batch (dedup hits)'],
  trackway_events_rejected_total: ['Events rejected inside accepted batches, by code', ['code']],
  trackway_shed_total: ['Ingest requests shed, by code (rate_limited 429, overloaded 503)', ['code']],
  trackway_ingest_overloaded_total: ['Submits refused by the writer bound (pending + committing events)'],
  trackway_dedup_store_checks_total: ['Event ids looked up in the store because the dedup filter could not decide'],
  trackway_commits_total: ['Group commits'],
  trackway_commit_seconds_total: ['Seconds spent in group commits'],
  trackway_commit_failures_total: ['Group commits the store refused (store errors)'],
  trackway_store_errors_total: ['Store errors, by operation', ['op']],
  trackway_derivations_total: ['Derivations of persons and sessions (refreshes and rebuilds), by kind', ['kind']],
}

const HISTOGRAMS: Record<string, [help: string, buckets: number[]]> = {
  trackway_commit_duration_seconds: ['Group commit latency', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]],
  trackway_derivation_duration_seconds: ['Duration of derivations (refreshes and rebuilds)', [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]],
}

const key = (name: string, labels?: Labels) => (labels ? `${name}${JSON.stringify(labels)}` : name)

/**
 * The collector's metrics in a registry of its own (prom-client), rendered in the Prometheus text
 * format at `/metrics`. Counters are also kept as plain numbers so `get` answers synchronously
 * (tests, health checks). Names must be declared above: a typo throws instead of exporting nothing.
 */
export class Metrics {
  readonly registry = new Registry()
  private readonly counters = new Map<string, Counter>()
  private readonly histograms = new Map<string, Histogram>()
  private readonly values = new Map<string, number>()
  private readonly gauges = new Map<string, () => number>()

  constructor() {
    for (const [name, [help, labelNames = []]] of Object.entries(COUNTERS)) {
      this.counters.set(name, new Counter({ name, help, labelNames, registers: [this.registry] }))
    }
    for (const [name, [help, buckets]] of Object.entries(HISTOGRAMS)) {
      this.histograms.set(name, new Histogram({ name, help, buckets, registers: [this.registry] }))
    }
  }

  inc(name: string, by = 1, labels?: Labels): void {
    const counter = this.counters.get(name)
    if (!counter) throw new Error(`undeclared metric ${name}`)
    if (by === 0) return
    if (labels) counter.inc(labels, by)
    else counter.inc(by)
    this.values.set(key(name, labels), (this.values.get(key(name, labels)) ?? 0) + by)
  }

  /** A counter's value (with these labels), or a gauge's current value. */
  get(name: string, labels?: Labels): number {
    return this.values.get(key(name, labels)) ?? this.gauges.get(name)?.() ?? 0
  }

  observe(name: string, value: number): void {
    const h = this.histograms.get(name)
    if (!h) throw new Error(`undeclared metric ${name}`)
    h.observe(value)
  }

  /** A value read when scraped. */
  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, read)
    new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()) } })
  }

  render(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
