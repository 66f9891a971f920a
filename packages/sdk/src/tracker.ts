import type { EventType, Props, WireEvent } from '@trackway/protocol'
import { COOKIELESS_ID, LIMITS, REFERRAL_PARAM } from '@trackway/protocol'
import { resolveOptions, type Options } from './options.js'
import { defaultDeps, noop, type Deps } from './env.js'
import type { Entry, Store } from './store.js'
import { createOutbox } from './outbox.js'
import { misuse, pickItem, type Draft } from './events.js'
import type { PageOptions, Tracker } from './api.js'
import { DEBUG } from './debug.js'

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
 * shipped with an open that never answered); it also bounds the calls waiting for that answer.
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

/**
 * Builds a tracker: validates options (a TypeError for a missing site or endpoint), reads storage,
 * listens to the page and records the first pageview. From then on nothing throws: API functions
 * and listeners report failures to the debug logger.
 */
export const createTracker = (options: Options, deps: Deps = defaultDeps()): Tracker => {
  const config = resolveOptions(options)
  const log = DEBUG && config.debug ? deps.log : noop
  const { win, now } = deps
  const { location: loc, document: doc, navigator: nav } = win
  const live = !(
    config.ignoreHosts.includes(loc.hostname) ||
    (config.respectDnt && (nav.doNotTrack == '1' || nav.globalPrivacyControl))
  )
  const guard =
    <A extends unknown[]>(f: (...a: A) => unknown) =>
    (...a: A): any => {
      try {
        return f(...a)
      } catch (e) {
        if (DEBUG) log(e)
      }
    }

  /** Identity and consent, as storage held them at page load and the calls since changed them. */
  let state: State = {}
  let ready = false
  let store = deps.store
  // Storage: the first read decides between IndexedDB and memory, and holds the identity and the
  // queue of earlier page loads. Without tracking (DNT, GPC, ignoreHosts) nothing opens IndexedDB.
  // `opened` resolves after this chain: what `later` made wait on it runs after the state is read.
  const opened: Promise<Store> = Promise.race([live ? store.all() : [], new Promise<never>((_, fail) => setTimeout(fail, OPEN_TIMEOUT_MS))])
    // The queue is in memory anyway: without storage, writing is all there is not to do.
    .catch((e) => (DEBUG && log('memory', e), (store = { write: noop } as unknown as Store), []))
    .then(
      guard((entries: Entry[]) => {
        for (const [key, value] of entries as [string, string][])
          if (key.startsWith(STATE_PREFIX)) state[key.slice(STATE_PREFIX.length) as 'userId'] = value
        state.consent ??= config.consent
        ready = true
        outbox.load(entries)
      }),
    )
    .then(() => store)
  const outbox = createOutbox(config, deps, opened, () => state.consent == 'granted', log)

  /**
   * Runs what reads or changes the identity: at once once storage was read, else right after that
   * read, in call order — so `track('logout'); reset()` at page load still stamps the stored ids on
   * `logout`, and an `identify()` made before the read wins over the stored userId. Never without
   * tracking (DNT, GPC, ignoreHosts): nothing waits forever then.
   */
  const later = (f: () => void) => live && (ready ? f() : opened.then(guard(f)))

  const save = <K extends keyof State>(key: K, value: State[K]) => {
    state[key] = value
    // Cookieless: ids are never stored, and saving one deletes what an earlier mode stored.
    outbox.put(STATE_PREFIX + key, config.cookieless && (key == 'anonymousId' || key == 'userId') ? undefined : value)
    return value
  }
  const newAnonymousId = () => save('anonymousId', config.cookieless ? COOKIELESS_ID : deps.id())

  const landingReferrer = doc.referrer
  /** The page of the last pageview: what `engagement` events measure. */
  let page: { url: string; title: string } | undefined
  let lastHref = ''

  /** Stamps the identity on a complete event and queues it; runs through `later`. */
  const accept = (event: WireEvent) => {
    if (state.consent != 'granted') return DEBUG && log('consent', event.type)
    for (const k of IDS) if (!(k in event)) (event as any)[k] = state[k]
    event.anonymousId ||= newAnonymousId()!
    outbox.add(event)
  }

  /** Validates, completes and queues an event; truthy unless it was dropped as misuse. */
  const emit = (type: EventType, required: Draft, optional: Draft = {}) => {
    const why = misuse(required)
    if (why) {
      if (DEBUG) log('misuse', type, why)
      return
    }
    // A JSON snapshot of the call: what JSON cannot encode (a BigInt, a cycle) throws here, at the
    // call, instead of failing every later batch it would be part of; later changes to the
    // caller's objects don't reach the queued event.
    const event: WireEvent = JSON.parse(
      JSON.stringify({ id: deps.id(), type, ts: now(), url: loc.href, title: doc.title, referrer: landingReferrer, ...required, ...optional }),
    )
    if (event.items) event.items = event.items.map(pickItem)
    // Page-derived fields are clipped to the protocol's limits rather than getting the event rejected.
    event.url = event.url.slice(0, LIMITS.urlMaxLength)
    event.title = event.title?.slice(0, LIMITS.titleMaxLength)
    event.referrer = event.referrer?.slice(0, LIMITS.referrerMaxLength)
    later(() => accept(event))
    return 1
  }

  // Engagement: visible time on the current page since its last `engagement` event. Every hide
  // emits one, so the time since the page last became visible is all there is to add up.
  const hidden = () => doc.visibilityState == 'hidden'
  // NaN while hidden: `engagedMs` is then NaN, which fails the `> 0` test.
  let visibleSince = hidden() ? NaN : now()
  const engage = () => {
    const t = now()
    const engagedMs = Math.min(t - visibleSince, 86_400_000)
    visibleSince = hidden() ? NaN : t
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
    if (record(type, 'userId')(userId, props)) later(() => save('userId', userId))
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
    flush: outbox.flush,
    optOut: () =>
      later(() => {
        // The store is wiped (ids included), then the decision is written. A pending send timer
        // may still fire: it finds nothing allowed to send.
        outbox.clear()
        state = {}
        save('consent', 'denied')
      }),
    optIn: () =>
      later(() => {
        // Tracking starts now: the pageview consent held back (or, after `optOut()`, the first of
        // the new anonymous id), without an engagement event for the time before consent.
        const before = state.consent
        save('consent', 'granted')
        if (config.autoPageviews && before != 'granted') {
          visibleSince = NaN
          pageview()
        }
        // What storage held while consent was pending goes now.
        outbox.flush()
      }),
    reset: () =>
      later(() => {
        newAnonymousId()
        save('userId', undefined)
      }),
  }
  for (const k in api) api[k as 'page'] = guard(api[k as 'page'])
  if (!live) return DEBUG && log('off'), api

  if (config.cookieless) api.reset()
  const ref = new URLSearchParams(loc.search).get(REFERRAL_PARAM)
  if (ref && ref.length <= LIMITS.shortStringMaxLength) later(() => save('referralCode', ref))

  // `pagehide` can come before `visibilitychange`: either way the page is not visible after it.
  const hide = guard(() => {
    engage()
    visibleSince = NaN
    outbox.beacon()
  })
  win.addEventListener('pagehide', hide)
  doc.addEventListener('visibilitychange', guard(() => (hidden() ? hide() : (visibleSince = now()))))
  win.addEventListener('online', guard(outbox.online))
  if (config.autoPageviews) {
    const route = guard(() => loc.href.split('#')[0] != lastHref && pageview())
    const history = win.history
    // SPA navigations: the page's own pushState/replaceState runs (and throws) as before; then we look.
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = history[method]
      history[method] = function (this: unknown, ...args: unknown[]) {
        original.apply(this, args)
        route()
      }
    }
    win.addEventListener('popstate', route)
    api.page()
  }
  return api
}
