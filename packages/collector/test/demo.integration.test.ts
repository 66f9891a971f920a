import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { generateDemo } from '../src/demo/generate.js'
import { runDemo, parseDemoArgs } from '../src/demo/command.js'
import { generateSpend } from '../src/demo/spend.js'
import { TOKEN, makeApp, readStore, tempDir } from './fixtures/helpers.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let path: string
let app: FastifyInstance

beforeEach(async () => {
  dir = await tempDir()
  path = join(dir.dir, 'demo.duckdb')
})
afterEach(async () => {
  await app?.close()
  await dir.cleanup()
})

const opts = { site: 'demo', shopUrl: 'http://127.0.0.1:9/demo/', days: 28, persons: 300, seed: 7, now: Date.UTC(2026, 10, 23) }

describe('demo history', () => {
  it('is the same for the same seed and covers every event type and every device kind', () => {
    const a = generateDemo(opts)
    expect(generateDemo(opts)).toEqual(a)
    const events = a.flatMap((r) => r.batch.events)
    const types = new Set(events.map((e) => e.type))
    expect([...types].sort()).toEqual(
      ['cart_add', 'cart_remove', 'checkout', 'custom', 'engagement', 'experiment', 'feedback', 'identify', 'pageview', 'purchase', 'referral_invite', 'signup'].sort(),
    )
    expect(events.every((e) => e.ts >= opts.now - 28 * 86_400_000 - 3 * 3_600_000 && e.ts <= opts.now + 3 * 3_600_000)).toBe(true)
    expect(a.some((r) => /Googlebot|bingbot|AhrefsBot/.test(r.userAgent))).toBe(true)
    expect(events.some((e) => e.referralCode && e.type !== 'referral_invite')).toBe(true)
  })

  it('goes through the real ingest endpoint and fills the reports, bots and resent batches included', async () => {
    app = await makeApp(path, { demo: true, port: 0 })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const sum = await runDemo({ url, site: 'demo', days: 20, persons: 300, seed: 3, adminToken: TOKEN })
    expect(sum.rejected).toBe(0)
    expect(sum.spendRows).toBe(21 * 8) // 8 channel/campaign pairs a day, today included
    expect(sum.duplicates).toBeGreaterThan(0) // resent batches, deduplicated
    expect(sum.accepted + sum.duplicates).toBe(sum.events)
    const res = await app.inject({ url: '/v1/sites/demo/stats/overview', headers: { authorization: `Bearer ${TOKEN}` } })
    const o = res.json()
    expect(o.visitors).toBeGreaterThan(200)
    // A second device is its own person until it identifies (SPEC §4): up to 15 % of persons have two.
    expect(o.visitors).toBeLessThanOrEqual(345)
    expect(o.orders).toBeGreaterThan(10)
    expect(o.signups).toBeGreaterThan(10)
    // The uploaded spend gives the paid channels a CAC and a ROAS; organic channels spend nothing.
    const acq = (await app.inject({ url: '/v1/sites/demo/stats/acquisition', headers: { authorization: `Bearer ${TOKEN}` } })).json() as {
      channel: string
      spend: number
      cac: number | null
      roas: number | null
    }[]
    const paidSearch = acq.find((r) => r.channel === 'Paid Search')!
    expect(paidSearch.spend).toBeGreaterThan(0)
    expect(paidSearch.cac).toBeGreaterThan(0)
    expect(paidSearch.roas).toBeGreaterThan(0)
    expect(acq.find((r) => r.channel === 'Organic Search')?.spend).toBe(0)
    await app.close()
    const [bots] = await readStore<{ n: bigint }>(path, 'SELECT count(*) AS n FROM events WHERE is_bot')
    expect(Number(bots!.n)).toBeGreaterThan(0)
    const [devices] = await readStore<{ n: bigint }>(path, "SELECT count(DISTINCT device) AS n FROM events WHERE device <> 'bot'")
    expect(Number(devices!.n)).toBe(3)
  })

  it('spends on the paid channels every day, the same for the same seed', () => {
    const rows = generateSpend({ days: 28, persons: 1500, seed: 42, now: opts.now })
    expect(generateSpend({ days: 28, persons: 1500, seed: 42, now: opts.now })).toEqual(rows)
    expect(new Set(rows.map((r) => r.channel))).toEqual(new Set(['Paid Search', 'Paid Social', 'Display', 'Affiliates', 'Email']))
    expect(rows[0]!.date).toBe('2026-10-26')
    expect(rows.at(-1)!.date).toBe('2026-11-23')
    expect(rows.every((r) => r.amount > 0 && /^\d+(\.\d{1,2})?$/.test(String(r.amount)))).toBe(true) // cents
  })

  it('rejects bad demo arguments clearly', () => {
    expect(() => parseDemoArgs(['--days', '40'])).toThrow(/--days must be an integer in 1..29/)
    expect(() => parseDemoArgs(['--url', 'nope'])).toThrow(/--url/)
    expect(parseDemoArgs(['--url', 'http://127.0.0.1:9000/x'])).toMatchObject({ url: 'http://127.0.0.1:9000', site: 'demo', days: 28 })
    expect(parseDemoArgs(['--admin-token', 'secret'])).toMatchObject({ adminToken: 'secret' })
  })
})
