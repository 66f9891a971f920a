import { describe, expect, it } from 'vitest'
import { derive } from '../src/core/derive.js'
import { computeReferrals } from '../src/core/referrals.js'
import type { EventRow } from '../src/store/event-log.js'
import { row } from './fixtures/rows.js'

const day = (n: number) => Date.UTC(2026, 0, n, 12)
const RANGE = { fromMs: Date.UTC(2026, 0, 10), toMs: Date.UTC(2026, 0, 21) } // Jan 10–20

const invite = (anonymousId: string, t: number, code: string) => row({ anonymousId, t, type: 'referral_invite', referralCode: code })
const buy = (anonymousId: string, t: number, orderId: string, revenue: number) => row({ anonymousId, t, type: 'purchase', orderId, revenue })

/** ann invites (code ANN) and buys; bo and eve came through ANN, bo signs up; cy came through ZED; di invites (DI). */
const events: EventRow[] = [
  invite('ann', day(12), 'ANN'),
  invite('ann', day(13), 'ANN'),
  buy('ann', day(15), 'o-1', 50),
  row({ anonymousId: 'bo', t: day(14), referralCode: 'ANN', urlRef: 'ANN' }),
  row({ anonymousId: 'bo', t: day(14) + 1, type: 'signup', userId: 'u-bo', referralCode: 'ANN' }),
  buy('bo', day(16), 'o-2', 20),
  row({ anonymousId: 'cy', t: day(11), referralCode: 'ZED', urlRef: 'ZED' }),
  row({ anonymousId: 'di', t: day(11) }),
  invite('di', day(11) + 1, 'DI'),
  row({ anonymousId: 'eve', t: day(3), referralCode: 'ANN', urlRef: 'ANN' }),
  buy('eve', day(18), 'o-3', 10),
]

describe('referral metrics (SPEC §5)', () => {
  it('counts invites, referred visitors and signups, rates and top referrers by hand', () => {
    expect(computeReferrals(derive(events), RANGE)).toEqual({
      invites: 3,
      referrers: 2, // ann, di
      referredVisitors: 3, // bo, cy, eve (her code is from before the range)
      referredSignups: 1, // bo
      referralConversionRate: 1 / 3,
      referralRate: 1 / 3, // of customers ann, bo, eve, ann invited
      kFactor: 1 / 5, // ÷ visitors ann, bo, cy, di, eve
      topReferrers: [
        { referralCode: 'ANN', invites: 2, signups: 1, revenue: 30 }, // bo 20 + eve 10; ann's own order is not hers to claim
        { referralCode: 'DI', invites: 1, signups: 0, revenue: 0 },
      ],
    })
  })

  it('limits the top referrers and answers null rates without data', () => {
    expect(computeReferrals(derive(events), RANGE, {}, 1).topReferrers.map((r) => r.referralCode)).toEqual(['ANN'])
    expect(computeReferrals(derive(events), { fromMs: day(30), toMs: day(31) })).toEqual({
      invites: 0, referrers: 0, referredVisitors: 0, referredSignups: 0, referralConversionRate: null,
      referralRate: null, kFactor: null, topReferrers: [],
    })
  })
})
