import { describe, expect, it } from 'vitest'
import type { WireEvent } from '@trackway/protocol'
import { ACK, DROP, KEEPALIVE_BYTES, pack, post } from '../src/transport.js'
import type { Fetch } from '../src/env.js'

const event = (i: number, extra = 0): WireEvent => ({
  id: `event-${i}`.padEnd(21, '0'),
  type: 'custom',
  name: 'x'.repeat(extra || 1),
  ts: i,
  anonymousId: 'anon',
  url: 'https://shop.test/',
})

const answer = (status: number, headers: Record<string, string> = {}, body = '{"accepted":1,"duplicates":0,"rejected":[]}'): Fetch =>
  async () => new Response(body, { status, headers })

describe('transport', () => {
  it('packs at most max events in a {site, sentAt, events} body', () => {
    const events = [1, 2, 3, 4, 5].map((i) => event(i))
    const [batch, body] = pack('shop', events, 3, 123)
    expect(batch).toEqual(events.slice(0, 3))
    expect(JSON.parse(body)).toEqual({ site: 'shop', sentAt: 123, events: events.slice(0, 3) })
  })

  it('halves a batch until its body fits a keepalive request; one event always goes', () => {
    const big = [1, 2, 3, 4].map((i) => event(i, 20_000))
    const [batch, body] = pack('shop', big, 500, 0)
    expect(batch).toHaveLength(2)
    expect(new Blob([body]).size).toBeLessThanOrEqual(KEEPALIVE_BYTES)
    expect(pack('shop', [event(1, 100_000)], 20, 0)[0]).toHaveLength(1)
  })

  it('maps responses to ACK, DROP or a retry delay, and logs why in debug', async () => {
    const logs: unknown[][] = []
    const log = (...a: unknown[]) => logs.push(a)
    expect(await post(answer(200), 'u', '{}', log)).toBe(ACK)
    expect(await post(answer(202), 'u', '{}', log)).toBe(ACK)
    for (const status of [400, 403, 413, 415]) expect(await post(answer(status), 'u', '{}', log)).toBe(DROP)
    expect(await post(answer(503, { 'Retry-After': '12' }), 'u', '{}', log)).toBe(12_000)
    expect(await post(answer(429), 'u', '{}', log)).toBe(0)
    expect(await post(answer(500, { 'Retry-After': 'soon' }), 'u', '{}', log)).toBe(0)
    expect(await post(async () => Promise.reject(new TypeError('Failed to fetch')), 'u', '{}', log)).toBe(0)
    expect(logs.slice(0, 3)).toEqual([
      ['http', 400],
      ['http', 403],
      ['http', 413],
    ])
    expect(logs.at(-1)![0]).toBeInstanceOf(TypeError)
  })

  it('logs the events a 2xx rejected', async () => {
    const logs: unknown[][] = []
    const body = '{"accepted":0,"duplicates":0,"rejected":[{"index":0,"code":"invalid_event","message":"bad"}]}'
    expect(await post(answer(200, {}, body), 'u', '{}', (...a) => logs.push(a))).toBe(ACK)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(logs).toEqual([['rejected', [{ index: 0, code: 'invalid_event', message: 'bad' }]]])
  })

  it('gives a request 30 s, then counts it as a network error', async () => {
    const seen: RequestInit[] = []
    await post(async (_url, init) => (seen.push(init), new Response('{}')), 'u', '{}', () => {})
    expect(seen[0].signal).toBeInstanceOf(AbortSignal)
    expect(await post(async () => Promise.reject(new DOMException('timed out', 'TimeoutError')), 'u', '{}', () => {})).toBe(0)
  })

  it('sends a keepalive POST whose string body makes it text/plain', async () => {
    const seen: RequestInit[] = []
    await post(async (_url, init) => (seen.push(init), new Response('{}')), 'u', '{"a":1}', () => {})
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"a":1}', keepalive: true })
    expect(seen[0].headers).toBeUndefined()
    // Over Chrome's 64 KiB keepalive quota (a single huge event): an ordinary request.
    await post(async (_url, init) => (seen.push(init), new Response('{}')), 'u', 'x'.repeat(KEEPALIVE_BYTES + 1), () => {})
    expect(seen[1].keepalive).toBe(false)
  })
})
