import { expect } from 'vitest'
import type { EventRow } from '../../src/store/event-log.js'
import { prng, row } from '../fixtures/rows.js'
import { demoRows } from '../fixtures/demo-rows.js'

const DAY = 86_400_000
const MIN = 60_000
export const EDGE_START = Date.UTC(2026, 0, 1)

/** Hand-made edge cases of SPEC §4 with random timing around the thresholds. */
export function edgeCases(seed: number): EventRow[] {
  const r = prng(seed)
  const out: EventRow[] = []
  const campaigns = [{}, { utmSource: 'news', utmMedium: 'email', utmCampaign: 'a' }, { utmSource: 'news', utmMedium: 'email', utmCampaign: 'b' }, { gclid: 'g' }, { fbclid: 'f', utmMedium: 'cpc' }]
  const refs = [null, 'www.google.co.uk', 'l.facebook.com', 'blog.example.org', 't.co']
  for (let p = 0; p < 150; p++) {
    let t = EDGE_START + Math.floor(r() * 10 * DAY)
    const anon = `edge-${p}`
    for (let i = 0; i < 12; i++) {
      t += [0, 30 * MIN, 30 * MIN + 1, 5 * MIN, 45 * MIN][Math.floor(r() * 5)]!
      const type = (['pageview', 'pageview', 'engagement', 'cart_add', 'checkout', 'purchase', 'identify', 'custom'] as const)[Math.floor(r() * 8)]!
      out.push(
        row({
          id: `edge-${p}-${String(i).padStart(2, '0')}${r() < 0.1 ? 'z' : ''}`,
          site: 'agree',
          anonymousId: anon,
          type,
          t,
          userId: type === 'identify' ? `u-${p % 40}` : null,
          path: ['/', '/p/1', '/cart', '/checkout'][Math.floor(r() * 4)]!,
          referrerDomain: i === 0 || r() < 0.2 ? refs[Math.floor(r() * refs.length)]! : null,
          urlRef: r() < 0.05 ? 'REF1' : null,
          referralCode: r() < 0.1 ? 'REF1' : null,
          orderId: type === 'purchase' ? `o-${p}-${Math.floor(r() * 2)}` : null,
          revenue: type === 'purchase' ? 10 + Math.floor(r() * 90) : null,
          engagedMs: type === 'engagement' ? Math.floor(r() * 60_000) : null,
          name: type === 'custom' ? 'invoice_download' : null,
          device: r() < 0.5 ? 'mobile' : 'desktop',
          isBot: p % 37 === 0,
          ...campaigns[Math.floor(r() * campaigns.length)],
        }),
      )
    }
  }
  return out
}

/**
 * Splits events into `n` batches in a shuffled order, so later batches bring identifies that
 * merge earlier anonymous history, events older than ones already derived (offline queues),
 * and repeats of orders already counted.
 */
export function batches(events: EventRow[], n: number, seed: number): EventRow[][] {
  const r = prng(seed)
  const out: EventRow[][] = Array.from({ length: n }, () => [])
  for (const e of events) out[Math.floor(r() * n)]!.push(e)
  return out
}

/** A dataset of the agreement suite: its events, the instant the report ranges are built around, and how many batches deliver it. */
export type Dataset = [name: string, make: () => EventRow[], t0: number, parts: number]

/** Realistic (the demo history) and adversarial (edge cases) data, delivered at once and in shuffled batches. */
export const DATASETS: Dataset[] = [
  ['the demo history', () => demoRows('agree', 400, 11), Date.UTC(2026, 10, 1), 1],
  ['hand-made edge cases', () => edgeCases(5), EDGE_START, 1],
  ['the demo history, derived incrementally from 6 shuffled batches', () => demoRows('agree', 400, 11), Date.UTC(2026, 10, 1), 6],
  ['hand-made edge cases, derived incrementally from 9 shuffled batches', () => edgeCases(5), EDGE_START, 9],
]

/** Equal field by field, numbers to 6 decimals (sums of fractional credits may differ in the last bits). */
export const close = (a: object, b: object) => {
  for (const [k, v] of Object.entries(b)) {
    const x = (a as Record<string, unknown>)[k]
    if (typeof v === 'number' && typeof x === 'number') expect(x, k).toBeCloseTo(v, 6)
    else expect(x, k).toEqual(v)
  }
}
