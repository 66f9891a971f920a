import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { BOT_UA, IPHONE_UA, ORIGIN, countEvents, event, makeApp, post, readStore, tempDir } from './fixtures/helpers.js'

let dir: { dir: string; cleanup: () => Promise<void> }
let path: string
let app: FastifyInstance

beforeEach(async () => {
  dir = await tempDir()
  path = join(dir.dir, 't.duckdb')
  app = await makeApp(path)
})
afterEach(async () => {
  await app.close()
  await dir.cleanup()
})

describe('POST /v1/batch', () => {
  it('stores a valid batch and answers how many events were accepted', async () => {
    const events = [event(), event({ type: 'custom', name: 'signup_click' }), event()]
    const res = await post(app, { site: 'shop', sentAt: Date.now(), events }, { headers: { origin: ORIGIN } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [] })
    await app.close()
    expect(await countEvents(path)).toBe(3)
  })

  it('answers duplicates = n for the same batch again and stores nothing new, also after a restart', async () => {
    const batch = { site: 'shop', sentAt: Date.now(), events: [event(), event(), event()] }
    expect((await post(app, batch)).json()).toMatchObject({ accepted: 3, duplicates: 0 })
    expect((await post(app, batch)).json()).toMatchObject({ accepted: 0, duplicates: 3 })
    await app.close()
    app = await makeApp(path)
    expect((await post(app, batch)).json()).toMatchObject({ accepted: 0, duplicates: 3 })
    const more = { ...batch, events: [...batch.events, event()] }
    expect((await post(app, more)).json()).toMatchObject({ accepted: 1, duplicates: 3 })
    await app.close()
    expect(await countEvents(path)).toBe(4)
  })

  it('counts an id repeated inside one batch, and across concurrent requests, once', async () => {
    const e = event()
    const res = await post(app, { site: 'shop', events: [e, e, event()] })
    expect(res.json()).toMatchObject({ accepted: 2, duplicates: 1 })
    const f = event()
    const answers = await Promise.all([1, 2, 3, 4].map(() => post(app, { site: 'shop', events: [f] })))
    const bodies = answers.map((a) => a.json())
    expect(bodies.reduce((n, b) => n + b.accepted, 0)).toBe(1)
    expect(bodies.reduce((n, b) => n + b.duplicates, 0)).toBe(3)
    await app.close()
    expect(await countEvents(path)).toBe(3)
  })

  it('keeps ids of different sites apart', async () => {
    await app.close()
    app = await makeApp(path, { sites: [{ id: 'shop', origins: [ORIGIN] }, { id: 'blog', origins: ['https://blog.example'] }] })
    const e = event()
    expect((await post(app, { site: 'shop', events: [e] })).json()).toMatchObject({ accepted: 1 })
    expect((await post(app, { site: 'blog', events: [{ ...e, url: 'https://blog.example/' }] })).json()).toMatchObject({ accepted: 1 })
  })

  it('accepts text/plain (sendBeacon) and gzip bodies', async () => {
    const a = await post(app, { site: 'shop', events: [event()] }, { headers: { 'content-type': 'text/plain;charset=UTF-8' } })
    expect(a.json()).toMatchObject({ accepted: 1 })
    const b = await post(app, { site: 'shop', events: [event(), event()] }, { gzip: true })
    expect(b.json()).toMatchObject({ accepted: 2 })
    await app.close()
    expect(await countEvents(path)).toBe(3)
  })

  it('corrects client clock skew with sentAt', async () => {
    const now = Date.now()
    const hourAhead = now + 3_600_000 // the client's clock runs an hour fast
    const e = event({ ts: hourAhead - 5000 })
    expect((await post(app, { site: 'shop', sentAt: hourAhead, events: [e] })).json()).toMatchObject({ accepted: 1 })
    await app.close()
    const [row] = await readStore<{ t: bigint; ts: bigint }>(path, 'SELECT t, ts FROM events')
    expect(Number(row!.ts)).toBe(hourAhead - 5000)
    expect(Math.abs(Number(row!.t) - (now - 5000))).toBeLessThan(2000)
  })

  it('enriches device, browser, bots, campaign parameters and the referrer domain', async () => {
    const url = 'https://shop.example/landing?utm_source=news&utm_medium=email&utm_campaign=spring&gclid=&ref=FRIEND1'
    await post(app, { site: 'shop', events: [event({ url, referrer: 'https://www.google.co.uk/search?q=x' })] }, { headers: { 'user-agent': IPHONE_UA } })
    await post(app, { site: 'shop', events: [event({ referrer: 'https://blog.shop.example/post' })] })
    await post(app, { site: 'shop', events: [event({ referrer: 'https://l.facebook.com/' })] }, { headers: { 'user-agent': BOT_UA } })
    await app.close()
    const rows = await readStore<Record<string, unknown>>(path, 'SELECT * FROM events ORDER BY t')
    expect(rows[0]).toMatchObject({
      device: 'mobile',
      os: 'iOS',
      browser: 'Mobile Safari',
      is_bot: false,
      path: '/landing',
      utm_source: 'news',
      utm_medium: 'email',
      utm_campaign: 'spring',
      gclid: null, // an empty value counts as absent
      url_ref: 'FRIEND1',
      referrer_domain: 'google.co.uk',
    })
    expect(rows[1]).toMatchObject({ device: 'desktop', browser: 'Chrome', referrer_domain: null })
    expect(rows[2]).toMatchObject({ device: 'bot', is_bot: true, referrer_domain: 'l.facebook.com' })
  })

  it('rejects bad events one by one with stable codes and stores the good ones', async () => {
    const now = Date.now()
    const events = [
      event(),
      { ...event(), id: 'short' },
      { ...event(), colour: 'red' },
      { ...event(), type: 'purchase' },
      event({ type: 'feedback', score: 9 }),
      { ...event(), url: 'ftp://shop.example/' },
      event({ ts: now + 3_600_000 }),
      event({ ts: now - 31 * 86_400_000 }),
      'not an event',
      event({ type: 'custom' }),
      event({ props: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }),
    ]
    const res = await post(app, { site: 'shop', sentAt: now, events })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.accepted).toBe(1)
    expect(body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [1, 'invalid_field'],
      [2, 'unknown_field'],
      [3, 'missing_field'],
      [4, 'invalid_field'],
      [5, 'invalid_field'],
      [6, 'ts_in_future'],
      [7, 'ts_too_old'],
      [8, 'invalid_field'],
      [9, 'missing_field'],
      [10, 'invalid_field'],
    ])
    expect(body.rejected[2].message).toMatch(/orderId.*purchase/)
    expect(body.rejected[1].message).toMatch(/colour/)
    await app.close()
    expect(await countEvents(path)).toBe(1)
  })
})

describe('POST /v1/batch bad input', () => {
  const expectError = async (res: { statusCode: number; json: () => unknown }, status: number, code: string) => {
    expect(res.statusCode).toBe(status)
    expect(res.json()).toMatchObject({ error: { code, message: expect.any(String) } })
  }

  it('answers each bad envelope with its status and code, and stores nothing', async () => {
    const ok = { site: 'shop', events: [event()] }
    await expectError(await post(app, null, { raw: '{"site":' }), 400, 'invalid_json')
    await expectError(await post(app, null, { raw: 'x', headers: { 'content-type': 'application/xml' } }), 415, 'unsupported_media_type')
    await expectError(await post(app, null, { raw: JSON.stringify(ok), headers: { 'content-encoding': 'br' } }), 415, 'unsupported_encoding')
    await expectError(await post(app, null, { raw: 'not gzip', headers: { 'content-encoding': 'gzip' } }), 400, 'invalid_gzip')
    await expectError(await post(app, { site: 'shop' }), 400, 'invalid_batch')
    await expectError(await post(app, { site: 'shop', events: [] }), 400, 'invalid_batch')
    await expectError(await post(app, [1, 2]), 400, 'invalid_batch')
    await expectError(await post(app, { site: 'shop', events: Array.from({ length: 501 }, () => event()) }), 400, 'batch_too_large')
    await expectError(await post(app, { site: 'nope', events: [event()] }), 403, 'unknown_site')
    await expectError(await post(app, ok, { headers: { origin: 'https://evil.example' } }), 403, 'origin_not_allowed')
    await app.close()
    expect(await countEvents(path)).toBe(0)
  })

  it('answers 413 for a body over the limit, before and after decompression (gzip bomb)', async () => {
    const big = { site: 'shop', events: [event({ title: 'x'.repeat(512) })], pad: 'y'.repeat(600 * 1024) }
    await expectError(await post(app, big), 413, 'body_too_large')
    // 10 MB of zeros gzip to ~10 KB: small on the wire, far over the limit once inflated.
    const bomb = { site: 'shop', events: [event({ title: '0'.repeat(10 * 1024 * 1024) })] }
    const res = await post(app, bomb, { gzip: true })
    await expectError(res, 413, 'body_too_large')
    await app.close()
    expect(await countEvents(path)).toBe(0)
  })

  it('lets the browser read every answer, errors included (CORS), and Retry-After', async () => {
    const evil = 'https://evil.example'
    const denied = await post(app, { site: 'shop', events: [event()] }, { headers: { origin: evil } })
    expect(denied.statusCode).toBe(403)
    expect(denied.headers['access-control-allow-origin']).toBe(evil)
    const bad = await post(app, null, { raw: '{', headers: { origin: ORIGIN } })
    expect(bad.headers['access-control-allow-origin']).toBe(ORIGIN)
    const ok = await post(app, { site: 'shop', events: [event()] }, { headers: { origin: ORIGIN } })
    expect(ok.headers['access-control-expose-headers']).toMatch(/Retry-After/i)
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/batch',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(preflight.statusCode).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN)
  })

  it('allows requests without an Origin (servers) and with an allowed one', async () => {
    expect((await post(app, { site: 'shop', events: [event()] })).statusCode).toBe(200)
    expect((await post(app, { site: 'shop', events: [event()] }, { headers: { origin: 'https://SHOP.example' } })).statusCode).toBe(200)
  })
})
