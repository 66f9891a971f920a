import type { BatchResponse } from '@trackway/protocol'
import type { DemoRequest } from './generate.js'
import { seeded } from './random.js'

export interface SendSummary {
  requests: number
  events: number
  accepted: number
  duplicates: number
  rejected: number
}

/**
 * Sends the history through the real ingest endpoint, a few requests at a time, and sends a
 * share of the batches twice — as flaky networks and beacons do — so dedup is part of the demo.
 */
export async function sendDemo(
  endpoint: string,
  requests: readonly DemoRequest[],
  { concurrency = 4, resendShare = 0.04, seed = 1, fetchImpl = fetch } = {},
): Promise<SendSummary> {
  const r = seeded(seed)
  const queue = requests.flatMap((q) => (r.chance(resendShare) ? [q, q] : [q]))
  const sum: SendSummary = { requests: 0, events: 0, accepted: 0, duplicates: 0, rejected: 0 }
  let next = 0
  const worker = async () => {
    while (next < queue.length) {
      const q = queue[next++]!
      const res = await fetchImpl(`${endpoint}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': q.userAgent },
        body: JSON.stringify(q.batch),
      })
      if (!res.ok) throw new Error(`demo ingest answered ${res.status}: ${await res.text()}`)
      const body = (await res.json()) as BatchResponse
      sum.requests++
      sum.events += q.batch.events.length
      sum.accepted += body.accepted
      sum.duplicates += body.duplicates
      sum.rejected += body.rejected.length
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return sum
}
