import type { EventType, Props, WireEvent } from '@trackway/protocol'
import { COOKIELESS_ID, LIMITS, REFERRAL_PARAM } from '@trackway/protocol'
import { resolveOptions, type Options } from './options.js'
import { defaultDeps, type Deps } from './env.js'
import { memoryStore, type Entry, type Store } from './store.js'
import { createQueue } from './queue.js'
import { createDelivery } from './delivery.js'
import { misuse, pickItem, type Draft } from './events.js'
import type { PageOptions, Tracker } from './api.js'

// In cookieless mode every event's anonymousId is COOKIELESS_ID; the collector replaces it with
// its daily-rotating hash of (salt, site, IP, UA) (SPEC §3).
export { COOKIELESS_ID }

/**
 * Key of a persisted identity field: `s:v1:anonymousId`, `s:v1:userId`, `s:v1:referralCode`,
 * `s:v1:consent` (in the same object store as the queue's `q:v1:` keys).
 */
export const STATE_PREFIX = 's:v1:'

/**
 * Until then an unanswered IndexedDB open counts as failed, and events go to memory (Safari 14.1
 * shipped with an open that never answered); it also bounds the events waiting for that answer.
 */
const OPEN_TIMEOUT_MS = 5000

interface State {
  anonymousId?: string
  userId?: string
  referralCode?: string
  consent?: 'granted' | 'pending' | 'denied'
}

/** Identity fields every event carries from the state. */
const IDS = ['anonymousId', 'userId', 'referralCode'] as const

const noop = () => {}

/**
 * Builds a tracker: validates options (a TypeError for a missing site or endpoint), reads storage,
 * listens to the page and records the first pageview. From then on nothing throws: API functions
 * and listeners report failures to the debug logger.
 */
export const createTracker = (options: Options, deps: Deps = defaultDeps()): Tracker => {
  const log = options?.debug ? deps.log : noop
  const config = resolveOptions(options)
  const { win, now } = deps
  const { location: loc, document: doc, navigator: nav } = win
  const live = !(
    config.ignoreHosts.includes(loc.hostname) ||
    (config.respectDnt && (nav.doNotTrack == '1' || nav.globalPrivacyControl))
  )
  const guard =
    <A extends unknown[], R>(f: (...a: A) => R) =>
    (...a: A): R | undefined => {
      try {
        return f(...a)
      } catch (e) {
        log(e)
      }
    }

  // Storage: the first read decides between IndexedDB and memory; everything else waits for it.
  let initial: Entry[] = []
  const opened: Promise<Store> = live
    ? Promise.race([deps.store.all(), new Promise<never>((_, fail) => setTimeout(fail, OPEN_TIMEOUT_MS))]).then(
        (entries) => ((initial = entries), deps.store),
        (e) => (log('no IndexedDB, queueing in memory', e), memoryStore()),
      )
    : new Promise(noop)
  const queue = createQueue(config.site, config.maxQueue, opened, log)
  /** Identity and consent. A key present here is known for this page load: the first read of
   * storage only fills keys still absent, so a call made before that read finished wins. */
  let state: State = {}
  /** What storage held at page load: the identity of events made before it was read. */
  let stored: State = {}
  let ready = false
  const delivery = createDelivery(config, deps, queue, () => state.consent == 'granted', log)

  const save = <K extends keyof State>(key: K, value: State[K]) => {
    state[key] = value
    // Cookieless: ids are never stored, and saving one deletes what an earlier mode stored.
    if (live) queue.put(STATE_PREFIX + key, config.cookieless && (key == 'anonymousId' || key == 'userId') ? undefined : value)
    return value
  }
  const newAnonymousId = () => save('anonymousId', config.cookieless ? COOKIELESS_ID : deps.id())

  /** Whether this page load has a pageview (not dropped for consent): else `optIn()` records one. */
  let viewed = false
  const landingReferrer = doc.referrer
  /** The page of the last pageview: what `engagement` events measure. */
  let page: { url: string; title: string } | undefined
  let lastHref = ''

  /** Queues a complete event, once storage has been read. */
  const accept = (event: WireEvent) => {
    if (state.consent != 'granted') {
      if (event.type == 'pageview') viewed = false
      return log('no consent, dropped', event.type)
    }
    for (const k of IDS) if (!(k in event)) (event as any)[k] = stored[k]
    event.anonymousId ||= state.anonymousId || newAnonymousId()!
    queue.add(event)
    delivery.queued()
  }

  /** Validates, completes and queues an event; `false` when it was dropped as misuse. */
  const emit = (type: EventType, required: Draft, optional: Draft = {}): boolean => {
    if (!live) return false
    const why = misuse(required, optional)
    if (why) return log(type, 'dropped, bad argument:', why), false
    // Complete but for the identity storage has not told yet: `accept` adds that.
    const event = {
      id: deps.id(),
      type,
      ts: now(),
      url: loc.href,
      title: doc.title,
      referrer: landingReferrer,
      ...required,
      ...optional,
    } as WireEvent
    if (event.items) event.items = event.items.map(pickItem)
    // Page-derived fields are clipped to the protocol's limits rather than getting the event rejected.
    event.url = event.url.slice(0, LIMITS.urlMaxLength)
    event.title = event.title?.slice(0, LIMITS.titleMaxLength)
    event.referrer = event.referrer?.slice(0, LIMITS.referrerMaxLength)
    for (const k of IDS) if (k in state && !(k in event)) (event as any)[k] = state[k]
    viewed ||= type == 'pageview'
    // Before storage answers, wait for it (the open timeout bounds the wait, and so the memory).
    if (ready) accept(event)
    else opened.then(() => guard(accept)(event))
    return true
  }

  // Engagement: visible time on the current page since its last `engagement` event. Every hide
  // emits one, so the time since the page last became visible is all there is to add up.
  const hidden = () => doc.visibilityState == 'hidden'
  let visibleSince = hidden() ? -1 : now()
  const engage = () => {
    const t = now()
    const engagedMs = visibleSince < 0 ? 0 : Math.min(t - visibleSince, 86_400_000)
    visibleSince = hidden() ? -1 : t
    if (config.engagement && engagedMs > 0 && page) emit('engagement', { engagedMs }, page)
  }

  const pageview = (o: PageOptions = {}) => {
    engage()
    lastHref = loc.href.split('#')[0]
    page = { url: o.url ? new URL(o.url, loc.href).href : loc.href, title: o.title ?? doc.title }
    emit('pageview', {}, { ...page, referrer: o.referrer ?? landingReferrer, props: o.props })
  }

  /** An API function `(value, props?)` recording a `type` event whose required `field` is `value`. */
  const record = (type: EventType, field: keyof WireEvent) => (value: unknown, props?: Props) =>
    emit(type, { [field]: value }, { props })
  const identify = (type: 'identify' | 'signup') => (userId: string, props?: Props) => {
    if (record(type, 'userId')(userId, props)) save('userId', userId)
  }

  const api: Tracker = {
    page: pageview,
    track: record('custom', 'name'),
    identify: identify('identify'),
    signup: identify('signup'),
    cartAdd: record('cart_add', 'items'),
    cartRemove: record('cart_remove', 'items'),
    checkout: ({ items, revenue, currency, props } = {}) => emit('checkout', {}, { items, revenue, currency, props }),
    purchase: ({ orderId, revenue, currency, items, props }) =>
      emit('purchase', { orderId, revenue }, { currency, items, props }),
    referralInvite: ({ code, props }) => emit('referral_invite', { referralCode: code }, { props }),
    feedback: record('feedback', 'score'),
    exposure: (experiment, variant) => emit('experiment', { experiment, variant }),
    flush: () => (live ? delivery.flush() : Promise.resolve()),
    optOut() {
      save('consent', 'denied')
      for (const k of IDS) save(k, undefined)
      queue.clear()
      delivery.stop()
    },
    optIn() {
      save('consent', 'granted')
      if (config.autoPageviews && !viewed) {
        // The held-back pageview, without an engagement event for the time before consent.
        visibleSince = -1
        pageview()
      }
      delivery.queued()
    },
    reset() {
      newAnonymousId()
      save('userId', undefined)
    },
  }
  for (const k in api) api[k as 'page'] = guard(api[k as 'page'])
  if (!live) return log('off: DNT, GPC or ignoreHosts'), api

  if (config.cookieless) api.reset()
  const ref = new URLSearchParams(loc.search).get(REFERRAL_PARAM)
  if (ref && ref.length <= LIMITS.shortStringMaxLength) save('referralCode', ref)

  // Registered before any event's `accept`, so it runs first: events see the stored identity.
  opened.then(
    guard(() => {
      for (const [key, value] of initial)
        if (String(key).startsWith(STATE_PREFIX)) (stored as any)[String(key).slice(STATE_PREFIX.length)] = value
      state = { ...stored, ...state }
      state.consent ??= config.consent
      ready = true
      queue.load(initial)
      delivery.queued()
    }),
  )

  // `pagehide` can come before `visibilitychange`: either way the page is not visible after it.
  const hide = guard(() => {
    engage()
    visibleSince = -1
    delivery.beacon()
  })
  win.addEventListener('pagehide', hide)
  doc.addEventListener('visibilitychange', guard(() => (hidden() ? hide() : (visibleSince = now()))))
  win.addEventListener('online', guard(delivery.online))
  if (config.autoPageviews) {
    const route = guard(() => loc.href.split('#')[0] != lastHref && pageview())
    const history = win.history
    const pushState = history.pushState
    // SPA navigations: the page's own pushState runs (and throws) as before; then we look.
    history.pushState = function (this: unknown, ...args: unknown[]) {
      pushState.apply(this, args)
      route()
    }
    win.addEventListener('popstate', route)
    api.page()
  }
  return api
}
