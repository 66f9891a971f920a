import type { BatchResponse, WireEvent } from '@trackway/protocol'
import { noop, type Fetch } from './env.js'
import { DEBUG } from './debug.js'

/**
 * Chrome caps the bodies of all of a page's in-flight keepalive requests (and beacons) at 64 KiB;
 * 60 000 bytes per batch leaves room for the page's own.
 */
export const KEEPALIVE_BYTES = 60_000
/** A request must not hold the send lock forever: a stalled mobile connection counts as a failure after 30 s. */
const TIMEOUT_MS = 30_000

/** `post` outcome: the collector acknowledged the batch with a 2xx. */
export const ACK = -1
/** `post` outcome: a 4xx the collector will answer again for the same batch (bad envelope, unknown site, …). */
export const DROP = -2

const fits = (body: string) => new Blob([body]).size <= KEEPALIVE_BYTES

/**
 * The batch for the head of `events`: at most `max` events, halved until the body fits a keepalive
 * request; a single event always goes (without keepalive if it is that large).
 */
export const pack = (site: string, events: WireEvent[], max: number, sentAt: number): [WireEvent[], string] => {
  for (let n = Math.min(max, events.length); ; n >>= 1) {
    const batch = events.slice(0, n)
    const body = JSON.stringify({ site, sentAt, events: batch })
    if (n < 2 || fits(body)) return [batch, body]
  }
}

/**
 * POSTs one batch. Resolves to ACK, DROP or, to retry, the ms the server asked to wait in
 * `Retry-After` (seconds; 0 when absent or invalid) — for 408, 429, 5xx and network errors.
 * Never rejects.
 *
 * Size hack and CORS: no `Content-Type` header is set, so a string body goes as
 * `text/plain;charset=UTF-8`, a "simple" request without a CORS preflight — the same type
 * `sendBeacon` uses, so the collector sees one content type from both paths.
 */
export const post = async (fetch: Fetch, url: string, body: string, log: (...a: unknown[]) => void): Promise<number> => {
  try {
    const res = await fetch(url, { method: 'POST', body, keepalive: fits(body), signal: AbortSignal.timeout?.(TIMEOUT_MS) })
    const status = res.status
    if (status < 300) {
      if (DEBUG) res.json().then((r: BatchResponse) => r.rejected[0] && log('rejected', r.rejected)).catch(noop)
      return ACK
    }
    if (DEBUG) log('http', status)
    return status == 408 || status == 429 || status > 499 ? +res.headers.get('retry-after')! * 1000 || 0 : DROP
  } catch (e) {
    if (DEBUG) log(e)
    return 0
  }
}
