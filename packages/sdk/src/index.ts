/**
 * @trackway/sdk — the browser SDK of Trackway (SPEC §8).
 *
 * Plain named functions over one module-level tracker that `init()` creates. Importing this module
 * touches no browser global (SSR-safe); every function is a no-op until `init()` has run, and none
 * of them throws into the page.
 */
import type { Item, Props } from '@trackway/protocol'
import type { Options } from './options.js'
import type { CheckoutOptions, PageOptions, PurchaseOptions, ReferralInviteOptions, Tracker } from './api.js'
import { createTracker } from './tracker.js'

export type { Item, Props, WireEvent } from '@trackway/protocol'
export type { Options } from './options.js'
export type { CheckoutOptions, PageOptions, PurchaseOptions, ReferralInviteOptions } from './api.js'
export { COOKIELESS_ID } from './tracker.js'

let tracker: Tracker | undefined

/**
 * Starts tracking: reads the persisted queue and identity, listens to the page and, with
 * `autoPageviews`, records a pageview. Call once, before the other functions (calls made earlier
 * are dropped); later calls are ignored. Does nothing without `window` (server-side rendering).
 * Throws a TypeError when `site` or `endpoint` is missing.
 */
export function init(options: Options): void {
  if (!tracker && typeof window != 'undefined') tracker = createTracker(options)
}

/** Records a `pageview`; each option defaults to the current page (landing referrer). */
export const page = (options?: PageOptions): void => tracker?.page(options)

/** Records a `custom` event named `name` (1–120 chars). */
export const track = (name: string, props?: Props): void => tracker?.track(name, props)

/** Links this browser to `userId` (kept for later events and page loads) and records `identify`. */
export const identify = (userId: string, props?: Props): void => tracker?.identify(userId, props)

/** Records `signup` for a new `userId`, which is then kept like after `identify`. */
export const signup = (userId: string, props?: Props): void => tracker?.signup(userId, props)

/** Records `cart_add` of one or more items. */
export const cartAdd = (items: Item[], props?: Props): void => tracker?.cartAdd(items, props)

/** Records `cart_remove` of one or more items. */
export const cartRemove = (items: Item[], props?: Props): void => tracker?.cartRemove(items, props)

/** Records `checkout` (the start of a checkout). */
export const checkout = (options?: CheckoutOptions): void => tracker?.checkout(options)

/** Records `purchase`; `orderId` and `revenue` are required (an order counts once). */
export const purchase = (options: PurchaseOptions): void => tracker?.purchase(options)

/** Records `referral_invite` carrying the inviter's own referral `code`. */
export const referralInvite = (options: ReferralInviteOptions): void => tracker?.referralInvite(options)

/** Records `feedback` with a CSAT `score`, an integer from 1 to 5. */
export const feedback = (score: number, props?: Props): void => tracker?.feedback(score, props)

/** Records an `experiment` exposure: this visitor saw `variant` of `experiment`. */
export const exposure = (experiment: string, variant: string): void => tracker?.exposure(experiment, variant)

/**
 * Sends queued events now, unless offline or waiting out a retry (`Retry-After`, backoff).
 * Resolves when the attempt is over, whatever its outcome; never rejects.
 */
export const flush = (): Promise<void> => (tracker ? tracker.flush() : Promise.resolve())

/** Stops tracking in this browser (persisted): clears the queue and every stored id. */
export const optOut = (): void => tracker?.optOut()

/** Starts tracking after `consent: 'pending'` or `optOut()` (persisted); records the held-back pageview. */
export const optIn = (): void => tracker?.optIn()

/** On logout: a new `anonymousId`, no `userId`. */
export const reset = (): void => tracker?.reset()
