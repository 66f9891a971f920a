import type { Item, Props } from '@trackway/protocol'

/*
 * The types of the public API (SPEC §8). Types only: this module costs the bundles nothing.
 */

/** `page()` arguments; each defaults to the current page. */
export interface PageOptions {
  /** Absolute, or relative to the current location. */
  url?: string
  title?: string
  referrer?: string
  props?: Props
}

/** `checkout()` arguments. */
export interface CheckoutOptions {
  items?: Item[]
  revenue?: number
  /** ISO 4217; default: the site's currency. */
  currency?: string
  props?: Props
}

/** `purchase()` arguments. */
export interface PurchaseOptions {
  /** Required: the collector counts an order once. */
  orderId: string
  /** Required, ≥ 0, in `currency`. */
  revenue: number
  /** ISO 4217; default: the site's currency. */
  currency?: string
  items?: Item[]
  props?: Props
}

/** `referralInvite()` arguments. */
export interface ReferralInviteOptions {
  /** The inviter's own referral code. */
  code: string
  props?: Props
}

/** The SDK API (SPEC §8) bound to one configuration; `index.ts` documents each function. */
export interface Tracker {
  page(options?: PageOptions): void
  track(name: string, props?: Props): void
  identify(userId: string, props?: Props): void
  signup(userId: string, props?: Props): void
  cartAdd(items: Item[], props?: Props): void
  cartRemove(items: Item[], props?: Props): void
  checkout(options?: CheckoutOptions): void
  purchase(options: PurchaseOptions): void
  referralInvite(options: ReferralInviteOptions): void
  feedback(score: number, props?: Props): void
  exposure(experiment: string, variant: string): void
  flush(): Promise<void>
  optOut(): void
  optIn(): void
  reset(): void
}

