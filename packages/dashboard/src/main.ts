import { ApiError, createApi, isAbort, sitePath } from './api-client.js'
import type { Site } from './api-types.js'
import { VIEWS, type ViewId } from './catalog.js'
import { clearToken, getToken, setToken, takeTokenFromUrl } from './auth.js'
import { csvName } from './csv.js'
import { rangeOf, todayIn } from './dates.js'
import { createFormat } from './format.js'
import { createRunner, poll, type Runner } from './refresh.js'
import { shell, signIn } from './shell.js'
import { parseState, reportParams, stateToSearch, type State } from './url-state.js'
import { fill, h } from './ui/dom.js'
import { acquisitionView } from './views/acquisition.js'
import { experimentsView } from './views/experiments.js'
import { funnelView } from './views/funnel.js'
import { journeysView } from './views/journeys.js'
import { overviewView } from './views/overview.js'
import { referralsView } from './views/referrals.js'
import { revenueView } from './views/revenue.js'
import type { Load, View } from './views/view.js'

/**
 * The dashboard: sign in, load the sites, then render the state the URL holds. A state change
 * pushes a URL and mounts the view again (aborting what was loading); the view's data refreshes
 * every minute, realtime visitors every 15 s, each only after the previous refresh settled.
 */
const VIEW_OF: Record<ViewId, View> = {
  overview: overviewView,
  funnel: funnelView,
  acquisition: acquisitionView,
  revenue: revenueView,
  referrals: referralsView,
  experiments: experimentsView,
  journeys: journeysView,
}
const VIEW_REFRESH_MS = 60_000
const REALTIME_MS = 15_000

const app = document.getElementById('app')!
let sites: Site[] = []
let state: State
let runner: Runner | null = null
let stops: (() => void)[] = []
let signedOut = false

const api = createApi(getToken, () => showSignIn('That token was not accepted. Sign in with the current admin token.'))

function stop() {
  runner?.abort()
  runner = null
  for (const s of stops) s()
  stops = []
}

function showSignIn(message: string | null = null) {
  stop()
  clearToken()
  signedOut = true
  fill(app, signIn(message, (token) => {
    setToken(token)
    void start()
  }))
  app.querySelector<HTMLInputElement>('[data-testid=token]')?.focus()
}

async function start() {
  signedOut = false
  if (!getToken()) return showSignIn()
  fill(app, h('p', { class: 'muted boot' }, 'Loading…'))
  try {
    sites = await api.get<Site[]>('/v1/sites')
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return // onUnauthorized showed the sign-in
    fill(app, h('p', { class: 'error boot', role: 'alert' }, `Could not load the sites: ${(err as Error).message}`))
    return
  }
  if (signedOut) return
  if (!sites.length) {
    fill(app, h('p', { class: 'muted boot', 'data-testid': 'no-sites' }, 'No sites yet: start the collector with --site id:origin, or POST /v1/sites.'))
    return
  }
  state = parseState(location.search)
  render({ replace: true })
}

function navigate(patch: Partial<State>) {
  state = { ...state, ...patch }
  render({ replace: false })
}

/** The element that has focus, as a selector that finds its twin after a re-render. */
function focusKey(): string | null {
  const el = document.activeElement as HTMLElement | null
  if (!el || el === document.body) return null
  const group = el.closest<HTMLElement>('[data-testid]')
  if (el.dataset.testid) return `[data-testid="${el.dataset.testid}"]`
  if (el.dataset.metric) return `[data-metric="${el.dataset.metric}"]`
  if (group && el.dataset.value) return `[data-testid="${group.dataset.testid}"] [data-value="${CSS.escape(el.dataset.value)}"]`
  return null
}

function render({ replace }: { replace: boolean }) {
  const site = sites.find((x) => x.id === state.site) ?? sites[0]!
  state = { ...state, site: site.id }
  const url = location.pathname + stateToSearch(state)
  if (replace) history.replaceState(null, '', url)
  else if (url !== location.pathname + location.search) history.pushState(null, '', url)
  const refocus = focusKey()
  stop()

  const range = rangeOf(state.range, todayIn(site.timezone), { from: state.from ?? undefined, to: state.to ?? undefined })
  const fmt = createFormat(site.currency, site.timezone)
  const frame = shell({ state, sites, site, range, fmt, navigate, signOut: () => showSignIn('Signed out.') })
  fill(app, frame.el)
  document.title = `${VIEWS.find((v) => v.id === state.view)!.title} · ${site.name} · Trackway`

  const current = state
  const load: Load = VIEW_OF[state.view].mount(frame.main, {
    api,
    state: current,
    site,
    range,
    fmt,
    params: reportParams(current, range),
    navigate,
    refresh: () => void runner?.run(),
    file: (what) => csvName(site.id, what, range.from, range.to),
    width: () => Math.max(280, frame.main.clientWidth - 40),
  })
  runner = createRunner(load)
  const restore = () => {
    if (refocus && (document.activeElement === document.body || !document.activeElement)) app.querySelector<HTMLElement>(refocus)?.focus()
  }
  restore()
  void runner.run().then(restore)

  const realtimeAbort = new AbortController()
  stops.push(() => realtimeAbort.abort())
  const realtime = async () => {
    try {
      const r = await api.get<{ visitors: number }>(sitePath(site.id, 'stats/realtime'), state.filters as Record<string, string>, realtimeAbort.signal)
      frame.realtime.textContent = `${fmt.int(r.visitors)} ${r.visitors === 1 ? 'visitor' : 'visitors'} now`
      frame.realtime.dataset.value = String(r.visitors)
    } catch (err) {
      if (!isAbort(err)) frame.realtime.textContent = 'realtime unavailable'
    }
  }
  void realtime()
  const r = runner
  // A refresh that would rebuild a form the user is typing in waits for the next minute.
  const editing = () => !!frame.main.querySelector('input:focus, textarea:focus, select:focus')
  stops.push(
    poll(realtime, REALTIME_MS),
    poll(() => (editing() ? Promise.resolve() : r.tick()), VIEW_REFRESH_MS),
  )
}

window.addEventListener('popstate', () => {
  if (!sites.length || signedOut) return
  state = parseState(location.search)
  render({ replace: true })
})
// Charts take their colours from CSS: draw them again when the system switches dark mode.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => sites.length && !signedOut && render({ replace: true }))

takeTokenFromUrl()
void start()
