import { describe, expect, it } from 'vitest'
import { TOKEN, appPerTest, event, post } from './fixtures/helpers.js'
import { logSerializers, redactUrl } from '../src/http/log-serializers.js'

const ctx = appPerTest()
const scrape = async () => (await ctx.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('GET /metrics', () => {
  it('counts ingest by outcome, rejects by code, dedup hits, errors by code, and commit latency', async () => {
    const e = event()
    await post(ctx.app, { site: 'shop', events: [e, event({ id: 'bad id!' }), event({ url: undefined })] })
    await post(ctx.app, { site: 'shop', events: [e] })
    await post(ctx.app, { site: 'shop', events: null })
    const text = await scrape()
    expect(value(text, 'trackway_events_accepted_total')).toBe(1)
    expect(value(text, 'trackway_events_duplicate_total')).toBe(1)
    expect(value(text, 'trackway_events_rejected_total{code="invalid_field"}')).toBe(1)
    expect(value(text, 'trackway_events_rejected_total{code="missing_field"}')).toBe(1)
    expect(value(text, 'trackway_ingest_requests_total{route="/v1/batch",status="200"}')).toBe(2)
    expect(value(text, 'trackway_ingest_requests_total{route="/v1/batch",status="400"}')).toBe(1)
    expect(value(text, 'trackway_http_errors_total{code="invalid_batch"}')).toBe(1)
    expect(value(text, 'trackway_commit_duration_seconds_count')).toBeGreaterThanOrEqual(1)
    expect(value(text, 'trackway_inflight_events')).toBe(0)
    expect(value(text, 'trackway_ingest_queued_events')).toBe(0)
    expect(text).toContain('# TYPE trackway_commit_duration_seconds histogram')
    expect(text).toContain('# HELP trackway_shed_total')
  })

  it('tells how far the derived tables are behind, and times every refresh', async () => {
    const before = await scrape()
    expect(value(before, 'trackway_derivation_lag_events')).toBe(0)
    expect(value(before, 'trackway_derivation_lag_seconds')).toBe(0)
    await post(ctx.app, { site: 'shop', events: [event(), event(), event()] })
    await post(ctx.app, { site: 'shop', events: [event({ anonymousId: 'anon-2' })] })
    await new Promise((r) => setTimeout(r, 20))
    const behind = await scrape() // a scrape is no report: it does not refresh
    expect(value(behind, 'trackway_derivation_lag_events')).toBe(4)
    expect(value(behind, 'trackway_derivation_lag_seconds')).toBeGreaterThanOrEqual(0.02)
    const day = new Date().toISOString().slice(0, 10)
    await ctx.app.inject({ url: `/v1/sites/shop/stats/overview?from=${day}&to=${day}`, headers: { authorization: `Bearer ${TOKEN}` } })
    const after = await scrape()
    expect(value(after, 'trackway_derivation_lag_events')).toBe(0)
    expect(value(after, 'trackway_derivation_lag_seconds')).toBe(0)
    // the refresh took well under a second and is counted and timed all the same
    expect(value(after, 'trackway_derivations_total{kind="refresh"}')).toBe((value(before, 'trackway_derivations_total{kind="refresh"}') ?? 0) + 1)
    expect(value(after, 'trackway_derivation_duration_seconds_bucket{le="1"}')).toBeGreaterThanOrEqual(1)
  })

  it('requires the admin token', async () => {
    expect((await ctx.app.inject('/metrics')).statusCode).toBe(401)
  })

  it('counts a store that does not answer as a store error, and readiness goes false', async () => {
    const ping = ctx.app.trackway.store.log.ping
    ctx.app.trackway.store.log.ping = async () => {
      throw new Error('disk gone')
    }
    const res = await ctx.app.inject('/readyz')
    ctx.app.trackway.store.log.ping = ping
    expect(res.statusCode).toBe(503)
    expect(res.json().error.code).toBe('not_ready')
    expect(value(await scrape(), 'trackway_store_errors_total{op="ping"}')).toBe(1)
    expect((await ctx.app.inject('/readyz')).statusCode).toBe(200)
  })
})

describe('log lines', () => {
  it('carry neither the client address nor a token put in the query', () => {
    expect(redactUrl('/v1/sites/shop/stats/overview?token=s3cret&from=2026-01-01&api_key=k')).toBe('/v1/sites/shop/stats/overview?token=***&from=2026-01-01&api_key=***')
    const line = logSerializers.req({ method: 'GET', url: '/x?access_token=abc', ip: '203.0.113.9', headers: { authorization: 'Bearer abc' } } as never)
    expect(JSON.stringify(line)).not.toMatch(/abc|203\.0\.113/)
  })
})
