/** Counters and gauges exposed at `/metrics` in the Prometheus text format. */
export class Metrics {
  private readonly counters = new Map<string, number>()
  private readonly gauges = new Map<string, () => number>()

  inc(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by)
  }

  get(name: string): number {
    return this.counters.get(name) ?? this.gauges.get(name)?.() ?? 0
  }

  /** A value read when scraped. */
  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read)
  }

  render(): string {
    const lines: string[] = []
    for (const [name, value] of [...this.counters].sort()) lines.push(`# TYPE ${name} counter`, `${name} ${value}`)
    for (const [name, read] of [...this.gauges].sort()) lines.push(`# TYPE ${name} gauge`, `${name} ${read()}`)
    return lines.join('\n') + '\n'
  }
}
