/** Response shapes of the read API (SPEC §6; the collector's route schemas are the reference). */
import type { Metric } from './catalog.js'

export interface Site {
  id: string
  name: string
  origins: string[]
  timezone: string
  currency: string
}

export type OverviewValues = Record<Metric, number | null>
export type Overview = OverviewValues & { from: string; to: string; previous?: OverviewValues & { from: string; to: string } }

export interface Point {
  t: string
  value: number | null
}

export interface BreakdownRow {
  value: string | null
  visitors: number
  sessions: number
  conversions: number
  revenue: number
}

export interface FunnelStep {
  step: string
  persons: number
  conversionFromStart: number | null
  conversionFromPrevious: number | null
  medianMsFromPrevious: number | null
}

export interface Revenue {
  revenue: number
  orders: number
  customers: number
  newCustomers: number
  aov: number | null
  purchaseFrequency: number | null
  repeatPurchaseRate: number | null
  revenuePerVisitor: number | null
  clv: number | null
  clvToAov: number | null
}

export interface AcquisitionRow {
  channel: string
  visitors: number
  newCustomers: number
  conversions: number
  revenue: number
  spend: number
  cac: number | null
  cpa: number | null
  roas: number | null
  roi: number | null
  /** New customers' revenue up to `to` ÷ their number. */
  clv: number | null
  ltvToCac: number | null
  /** Days from `from` until the new customers' revenue covers the range's spend. */
  paybackDays: number | null
}

export interface AttributionRow {
  value: string
  conversions: number
  revenue: number
}

export interface Retention {
  cohort: 'week' | 'month'
  cohorts: { cohort: string; size: number; retained: number[] }[]
  churnRate: number | null
}

export interface Referrals {
  invites: number
  referrers: number
  referredVisitors: number
  referredSignups: number
  referralConversionRate: number | null
  referralRate: number | null
  kFactor: number | null
  topReferrers: { referralCode: string; invites: number; signups: number; revenue: number }[]
}

export interface Csat {
  responses: number
  csat: number | null
  avgScore: number | null
}

export interface Variant {
  variant: string
  exposed: number
  converted: number
  rate: number | null
  uplift: number | null
  pValue: number | null
  ci95: [number, number] | null
}

export interface Experiment {
  experiment: string
  goal: string
  variants: Variant[]
  srmPValue: number | null
}

export interface PathRow {
  pages: string[]
  sessions: number
}

export interface JourneyEvent {
  id: string
  type: string
  t: string
  path: string
  name: string | null
  orderId: string | null
  revenue: number | null
}

export interface JourneySession {
  start: string
  end: string
  channel: string
  source: string
  medium: string
  campaign: string
  entryPage: string
  exitPage: string | null
  device: string
  pages: string[]
  conversions: { type: string; t: string; orderId: string | null; revenue: number | null }[]
  events: JourneyEvent[]
}

export interface Journey {
  personId: string
  sessions: JourneySession[]
}
