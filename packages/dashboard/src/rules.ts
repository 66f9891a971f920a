import type { AcquisitionRow, Csat, Experiment, Overview, Referrals, Revenue, Retention } from './api-types.js'
import type { Format } from './format.js'

/**
 * Rules of thumb from the marketing literature, shown beside a number that invites one. They are
 * hints — labelled as such, never errors: a shop's own history beats any benchmark.
 */
export interface Hint {
  id: string
  text: string
  /** Where the rule comes from. */
  source: string
}

/** CLV below 3× AOV: customers buy about once. */
export function revenueHints(r: Revenue, f: Format): Hint[] {
  const out: Hint[] = []
  if (r.clvToAov !== null && r.customers >= 10 && r.clvToAov < 3) {
    out.push({
      id: 'clv-aov',
      text: `CLV is ${f.decimal(r.clvToAov, 1)}× AOV: a customer buys little more than one order's worth. Shops that grow on repeat business aim for a CLV of at least 3× AOV — retention (email, loyalty, subscriptions) moves it more than acquisition does.`,
      source: 'retention economics rule of thumb (CLV ≥ 3 × AOV)',
    })
  }
  if (r.repeatPurchaseRate !== null && r.customers >= 20 && r.repeatPurchaseRate < 0.2) {
    out.push({
      id: 'repeat',
      text: `${f.percent(r.repeatPurchaseRate)} of customers ordered twice or more in this range. E-commerce repeat purchase rates are commonly 20–30 %; a longer range may be needed to see repeat orders.`,
      source: 'e-commerce repeat purchase benchmarks',
    })
  }
  return out
}

/** Churn above half of last period's customers. */
export function retentionHints(r: Retention, f: Format): Hint[] {
  if (r.churnRate === null || r.churnRate < 0.5) return []
  return [
    {
      id: 'churn',
      text: `${f.percent(r.churnRate)} of last period's customers did not order again in this one. For shops bought from occasionally this is normal; compare it with your purchase cycle before acting on it.`,
      source: 'non-subscription retention practice',
    },
  ]
}

/** ROAS below 1, LTV:CAC below 3. */
export function acquisitionHints(rows: readonly AcquisitionRow[], f: Format): Hint[] {
  const out: Hint[] = []
  const losing = rows.filter((r) => r.spend > 0 && r.roas !== null && r.roas < 1)
  if (losing.length) {
    out.push({
      id: 'roas',
      text: `${losing.map((r) => `${r.channel} (ROAS ${f.decimal(r.roas, 2)})`).join(', ')} returned less attributed revenue than it cost. Break-even ROAS is 1 ÷ gross margin (e.g. 2.5 at a 40 % margin), so a ROAS under 1 loses money before costs — unless the channel feeds others (compare the attribution models below).`,
      source: 'break-even ROAS = 1 / gross margin',
    })
  }
  const lowLtv = rows.filter((r) => r.ltvToCac !== null && r.ltvToCac < 3)
  if (lowLtv.length) {
    out.push({
      id: 'ltv-cac',
      text: `LTV:CAC below 3:1 for ${lowLtv.map((r) => `${r.channel} (${f.decimal(r.ltvToCac, 1)}:1)`).join(', ')}. 3:1 is the common target for acquisition that pays for itself with room for overheads.`,
      source: 'LTV:CAC ≥ 3 rule of thumb',
    })
  }
  return out
}

/** Cart abandonment far above the ~70 % average. */
export function overviewHints(o: Overview, f: Format): Hint[] {
  if (o.cartAbandonmentRate === null || o.cartAbandonmentRate <= 0.8) return []
  return [
    {
      id: 'abandonment',
      text: `Cart abandonment is ${f.percent(o.cartAbandonmentRate)}; the documented average for online shops is about 70 %. Shipping costs shown late and forced account creation are the usual causes.`,
      source: 'Baymard Institute, cart abandonment rate statistics',
    },
  ]
}

/** CSAT below the usual 75–85 % band, or too few answers to read. */
export function csatHints(c: Csat, f: Format): Hint[] {
  if (c.responses > 0 && c.responses < 30) {
    return [{ id: 'csat-sample', text: `Only ${f.int(c.responses)} answers: a CSAT from fewer than about 30 moves by many points with each answer.`, source: 'sampling rule of thumb (n ≥ 30)' }]
  }
  if (c.csat !== null && c.csat < 75) {
    return [{ id: 'csat', text: `CSAT is ${f.value('pct100', c.csat)}; most industries score 75–85 %. Read the low scores' topics before the average.`, source: 'CSAT industry benchmarks (ACSI range)' }]
  }
  return []
}

/** A k-factor of 1 or more grows by referrals alone. */
export function referralHints(r: Referrals, f: Format): Hint[] {
  if (r.kFactor === null) return []
  if (r.kFactor >= 1) return [{ id: 'viral', text: `k-factor ${f.decimal(r.kFactor, 2)}: each visitor brings at least one signup — growth by referral alone.`, source: 'viral coefficient (k > 1 is viral growth)' }]
  return [
    {
      id: 'k-factor',
      text: `k-factor ${f.decimal(r.kFactor, 3)}: referrals add to growth without sustaining it (that needs k ≥ 1). Programs commonly raise it with a reward for both sides.`,
      source: 'viral coefficient (k > 1 is viral growth)',
    },
  ]
}

/** No significant difference yet, or too few persons per variant. */
export function experimentHints(x: Experiment, f: Format): Hint[] {
  const others = x.variants.filter((v) => v.pValue !== null)
  if (!others.length) return []
  const small = x.variants.filter((v) => v.exposed < 100)
  if (small.length) {
    return [{ id: 'sample', text: `${small.map((v) => v.variant).join(', ')} ${small.length > 1 ? 'have' : 'has'} fewer than 100 persons: a test this small detects only very large effects.`, source: 'A/B testing practice (decide the sample size before the test)' }]
  }
  if (others.every((v) => (v.pValue ?? 1) >= 0.05)) {
    return [{ id: 'not-significant', text: `No variant differs from the control at the 5 % level (lowest p = ${f.decimal(Math.min(...others.map((v) => v.pValue!)), 3)}). Stopping as soon as p dips below 0.05 inflates false positives: run to the planned sample size.`, source: 'A/B testing practice (no peeking)' }]
  }
  return []
}

/** A sample-ratio mismatch: the split is off, so the result may be biased (a warning, not a hint). */
export const srmWarning = (x: Experiment) => x.srmPValue !== null && x.srmPValue < 0.01
