import { describe, expect, it } from 'vitest'
import { TOKEN, event, post, appPerTest } from './fixtures/helpers.js'

const ctx = appPerTest()


const get = (url: string, token: string | null = TOKEN) =>
  ctx.app.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} })

describe('GET /v1/sites/:site/stats/revenue and stats/csat', () => {
  it('answer per SPEC §5 on a real store, each order once', async () => {
    const t = Date.now() - 3_600_000
    const res = await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'a', ts: t }),
        event({ anonymousId: 'a', ts: t + 1, type: 'purchase', orderId: 'o-1', revenue: 30 }),
        event({ anonymousId: 'a', ts: t + 2, type: 'purchase', orderId: 'o-1', revenue: 30 }),
        event({ anonymousId: 'a', ts: t + 3, type: 'purchase', orderId: 'o-2', revenue: 10 }),
        event({ anonymousId: 'b', ts: t, type: 'feedback', score: 5 }),
        event({ anonymousId: 'c', ts: t, type: 'feedback', score: 1 }),
      ],
    })
    expect(res.json()).toMatchObject({ accepted: 6 })
    const revenue = await get('/v1/sites/shop/stats/revenue')
    expect(revenue.statusCode).toBe(200)
    expect(revenue.json()).toMatchObject({
      revenue: 40, orders: 2, customers: 1, newCustomers: 1, aov: 20, purchaseFrequency: 2,
      repeatPurchaseRate: 1, revenuePerVisitor: 40 / 3, clv: 40, clvToAov: 2,
    })
    expect((await get('/v1/sites/shop/stats/csat')).json()).toMatchObject({ responses: 2, csat: 50, avgScore: 3 })
    expect((await get('/v1/sites/shop/stats/csat?referred=true')).json()).toMatchObject({ responses: 0, csat: null, avgScore: null })
  })

  it.each(['revenue', 'csat'])('%s: 400 naming a bad parameter, 404 for an unknown site, 401 without the token', async (report) => {
    for (const [q, param] of [['referred=maybe', 'referred'], ['from=yesterday', 'from'], ['goal=purchase', 'goal']]) {
      const res = await get(`/v1/sites/shop/stats/${report}?${q}`)
      expect(res.statusCode, q).toBe(400)
      expect(res.json().error.message, q).toContain(param)
    }
    expect((await get(`/v1/sites/nope/stats/${report}`)).statusCode).toBe(404)
    expect((await get(`/v1/sites/shop/stats/${report}`, null)).statusCode).toBe(401)
  })
})

describe('GET /v1/sites/:site/stats/referrals', () => {
  it('answers invites, referred visitors and signups and the top referral codes', async () => {
    const t = Date.now() - 3_600_000
    await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'ann', ts: t, type: 'referral_invite', referralCode: 'ANN' }),
        event({ anonymousId: 'bo', ts: t + 1, url: 'https://shop.example/?ref=ANN' }),
        event({ anonymousId: 'bo', ts: t + 2, type: 'signup', userId: 'u-bo', referralCode: 'ANN' }),
        event({ anonymousId: 'bo', ts: t + 3, type: 'purchase', orderId: 'o-1', revenue: 25, referralCode: 'ANN' }),
      ],
    })
    const res = await get('/v1/sites/shop/stats/referrals?limit=5')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      invites: 1, referrers: 1, referredVisitors: 1, referredSignups: 1, referralConversionRate: 1,
      referralRate: 0, kFactor: 0.5, topReferrers: [{ referralCode: 'ANN', invites: 1, signups: 1, revenue: 25 }],
    })
    for (const q of ['limit=0', 'limit=1001', 'limit=x']) {
      const bad = await get(`/v1/sites/shop/stats/referrals?${q}`)
      expect(bad.statusCode, q).toBe(400)
      expect(bad.json().error.message, q).toContain('limit')
    }
  })
})

describe('GET /v1/sites/:site/stats/experiments', () => {
  it('answers per variant with the statistics, and requires the experiment', async () => {
    const t = Date.now() - 3_600_000
    const events = []
    for (let i = 0; i < 8; i++) {
      const anonymousId = `p${i}`
      events.push(event({ anonymousId, ts: t + i, type: 'experiment', experiment: 'hero', variant: i % 2 ? 'green' : 'control' }))
      if (i < 3) events.push(event({ anonymousId, ts: t + 100 + i, type: 'signup', userId: `u${i}` }))
    }
    await post(ctx.app, { site: 'shop', events })
    const res = await get('/v1/sites/shop/stats/experiments?experiment=hero&goal=signup')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ experiment: 'hero', goal: 'signup', srmPValue: 1 })
    expect(body.variants.map((v: { variant: string; exposed: number; converted: number }) => [v.variant, v.exposed, v.converted])).toEqual([['control', 4, 2], ['green', 4, 1]])
    expect(body.variants[1].uplift).toBe(-0.5)
    expect(body.variants[1].ci95).toHaveLength(2)
    for (const [q, param] of [['', 'experiment'], ['experiment=hero&goal=nope', 'goal'], ['experiment=', 'experiment']]) {
      const bad = await get(`/v1/sites/shop/stats/experiments?${q}`)
      expect(bad.statusCode, q).toBe(400)
      expect(bad.json().error.message, q).toContain(param)
    }
    expect((await get('/v1/sites/shop/stats/experiments?experiment=none')).json()).toMatchObject({ variants: [], srmPValue: null })
  })
})

describe('GET /v1/sites/:site/stats/attribution', () => {
  it('splits an order over its touchpoints by model, and names bad parameters', async () => {
    const t = Date.now() - 3 * 3_600_000
    await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'ann', ts: t, url: 'https://shop.example/?utm_source=news&utm_medium=email' }),
        event({ anonymousId: 'ann', ts: t + 3_600_000, url: 'https://shop.example/?gclid=x' }),
        event({ anonymousId: 'ann', ts: t + 3_600_001, type: 'purchase', orderId: 'o-1', revenue: 50 }),
      ],
    })
    const get2 = async (q: string) => (await get(`/v1/sites/shop/stats/attribution?${q}`)).json()
    expect(await get2('model=linear')).toEqual([
      { value: 'Email', conversions: 0.5, revenue: 25 },
      { value: 'Paid Search', conversions: 0.5, revenue: 25 },
    ])
    expect(await get2('model=first_touch&by=source')).toEqual([{ value: 'news', conversions: 1, revenue: 50 }])
    expect(await get2('lookback=30m')).toEqual([{ value: 'Paid Search', conversions: 1, revenue: 50 }])
    // markov: one path Email → Paid Search → CONVERSION; removing either loses it (RE 1 each): 50/50
    expect(await get2('model=markov')).toEqual([
      { value: 'Email', conversions: 0.5, revenue: 25 },
      { value: 'Paid Search', conversions: 0.5, revenue: 25 },
    ])
    expect(await get2('model=markov&goal=purchase&lookback=30m&by=campaign')).toEqual([{ value: '(none)', conversions: 1, revenue: 50 }])
    for (const [q, param] of [['model=u_shaped', 'model'], ['by=device', 'by'], ['lookback=100d', 'lookback'], ['lookback=soon', 'lookback'], ['goal=x', 'goal']]) {
      const bad = await get(`/v1/sites/shop/stats/attribution?${q}`)
      expect(bad.statusCode, q).toBe(400)
      expect(bad.json().error.message, q).toContain(param)
    }
  })
})

describe('GET /v1/sites/:site/stats/retention', () => {
  it('answers weekly cohorts in the site time zone and the churn rate', async () => {
    const now = Date.now()
    await post(ctx.app, {
      site: 'shop',
      events: [event({ anonymousId: 'a', ts: now - 8 * 86_400_000 }), event({ anonymousId: 'a', ts: now - 3_600_000 }), event({ anonymousId: 'b', ts: now - 3_600_000 })],
    })
    const res = await get('/v1/sites/shop/stats/retention?periods=4')
    expect(res.statusCode).toBe(200)
    const body = res.json() as { cohort: string; cohorts: { cohort: string; size: number; retained: number[] }[]; churnRate: number | null }
    expect(body.cohort).toBe('week')
    expect(body.churnRate).toBeNull()
    expect(body.cohorts.reduce((n, c) => n + c.size, 0)).toBe(2)
    for (const c of body.cohorts) {
      expect(new Date(`${c.cohort}T00:00:00Z`).getUTCDay()).toBe(1) // weeks start on Monday
      expect(c.retained[0]).toBe(1)
      expect(c.retained.length).toBeLessThanOrEqual(4)
    }
    const month = (await get('/v1/sites/shop/stats/retention?cohort=month')).json() as { cohorts: { cohort: string }[] }
    expect(month.cohorts.every((c) => c.cohort.endsWith('-01'))).toBe(true)
    for (const [q, param] of [['cohort=day', 'cohort'], ['periods=0', 'periods'], ['periods=53', 'periods']]) {
      const bad = await get(`/v1/sites/shop/stats/retention?${q}`)
      expect(bad.statusCode, q).toBe(400)
      expect(bad.json().error.message, q).toContain(param)
    }
  })
})

describe('POST /v1/sites/:site/spend and GET stats/acquisition', () => {
  const spend = (payload: string, type = 'application/json', token: string | null = TOKEN) =>
    ctx.app.inject({ method: 'POST', url: '/v1/sites/shop/spend', payload, headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) } })
  const today = new Date().toISOString().slice(0, 10)

  it('loads spend as JSON and CSV, replaces re-uploaded rows, and reads CAC and ROAS per channel', async () => {
    const t = Date.now() - 3_600_000
    await post(ctx.app, {
      site: 'shop',
      events: [
        event({ anonymousId: 'a', ts: t, url: 'https://shop.example/?gclid=x' }),
        event({ anonymousId: 'a', ts: t + 1, type: 'purchase', orderId: 'o-1', revenue: 120 }),
        event({ anonymousId: 'b', ts: t, url: 'https://shop.example/?utm_source=news&utm_medium=email' }),
      ],
    })
    expect((await spend(JSON.stringify([{ date: today, channel: 'Paid Search', amount: 40 }]))).json()).toEqual({ stored: 1 })
    // the same export twice: replaced, not added
    const csv = `date,channel,campaign,amount\n${today},Paid Search,brand,20\n${today},Email,,10\n`
    expect((await spend(csv, 'text/csv')).json()).toEqual({ stored: 2 })
    expect((await spend(csv, 'text/csv')).json()).toEqual({ stored: 2 })
    const rows = (await get('/v1/sites/shop/stats/acquisition')).json() as Record<string, unknown>[]
    expect(rows).toEqual([
      // a's 120 covers the 60 on the day it was placed: today, the last of the range's 30 days (d = 29) — yesterday just after midnight
      { channel: 'Paid Search', visitors: 1, newCustomers: 1, conversions: 1, revenue: 120, spend: 60, cac: 60, cpa: 60, roas: 2, roi: 1, clv: 120, ltvToCac: 2, paybackDays: new Date(t + 1).toISOString().slice(0, 10) === today ? 29 : 28 },
      { channel: 'Email', visitors: 1, newCustomers: 0, conversions: 0, revenue: 0, spend: 10, cac: null, cpa: null, roas: 0, roi: -1, clv: null, ltvToCac: null, paybackDays: null },
    ])
    // markov: b's Email → NULL path leads nowhere near a conversion, so Paid Search keeps the order
    expect((await get('/v1/sites/shop/stats/acquisition?model=markov')).json()).toEqual(rows)
    expect((await get('/v1/sites/shop/stats/acquisition?model=nope')).statusCode).toBe(400)
  })

  it('answers 400 naming the bad row and stores nothing, 401 without the token, 404 for an unknown site', async () => {
    const bad = await spend(JSON.stringify([{ date: today, channel: 'Email', amount: 5 }, { date: today, amount: -1 }]))
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'invalid_body' })
    expect(bad.json().error.message).toContain('rows[1].amount')
    const badCsv = await spend(`date,amount\n${today},5\nyesterday,1\n`, 'text/csv')
    expect(badCsv.statusCode).toBe(400)
    expect(badCsv.json().error.message).toContain('line 3.date')
    expect((await get('/v1/sites/shop/stats/acquisition')).json()).toEqual([]) // nothing stored
    expect((await spend('[]', 'application/json', null)).statusCode).toBe(401)
    const unknown = await ctx.app.inject({ method: 'POST', url: '/v1/sites/nope/spend', payload: '[]', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` } })
    expect(unknown.statusCode).toBe(404)
  })
})
