import { ApiError, sitePath } from '../api-client.js'
import type { Journey, JourneySession, PathRow } from '../api-types.js'
import type { Format } from '../format.js'
import { recent } from '../recent.js'
import { card } from '../ui/card.js'
import { h, uid } from '../ui/dom.js'
import { dataTable } from '../ui/table.js'
import { select } from '../ui/widgets.js'
import type { View } from './view.js'

// Person ids are personal data: remembered for this tab only.
const persons = recent('trackway-persons', () => sessionStorage)

/**
 * The most common page sequences of sessions, and the journey explorer: a person (userId or
 * anonymousId) with every session on a timeline — channel, source, landing page, events, orders.
 */
export const journeysView: View = {
  id: 'journeys',
  mount(root, ctx) {
    const { state: s, fmt: f } = ctx
    const paths = card('Paths', 'paths', {
      wide: true,
      tools: [select('Pages per path', [1, 2, 3, 4, 5, 6].map((d) => ({ value: String(d), label: String(d) })), String(s.depth), (v) => ctx.navigate({ depth: Number(v) }), 'paths-depth')],
      intro: 'The first pages of sessions, most common sequences first.',
    })
    const inputId = uid('person')
    const lookup = h(
      'form',
      {
        class: 'controls',
        'data-testid': 'journey-form',
        onsubmit: (e) => {
          e.preventDefault()
          const v = String(new FormData(e.target as HTMLFormElement).get('person') ?? '').trim()
          if (v) ctx.navigate({ person: v })
        },
      },
      h('label', { class: 'field grow', for: inputId }, h('span', {}, 'Person (userId or anonymousId)'), h('input', { id: inputId, name: 'person', value: s.person, required: true, 'data-testid': 'journey-person', autocomplete: 'off' })),
      h('button', { type: 'submit', 'data-testid': 'journey-apply' }, 'Show journey'),
    )
    const seen = persons.list()
    const recentList = seen.length
      ? h('p', { class: 'recent' }, h('span', { class: 'muted' }, 'Recently viewed: '), seen.map((p) => h('button', { type: 'button', class: 'chip', 'data-testid': 'recent-person', onclick: () => ctx.navigate({ person: p }) }, p)))
      : null
    const journey = card(s.person ? `Journey of ${s.person}` : 'Journey explorer', 'journey', { wide: true, tools: [] })
    root.append(paths.el, journey.el)
    journey.el.insertBefore(h('div', { class: 'journey-lookup' }, lookup, recentList), journey.body)

    return async (signal) => {
      await Promise.all([
        paths.load(
          signal,
          () => ctx.api.get<PathRow[]>(sitePath(ctx.site.id, 'stats/paths'), { ...ctx.params, depth: s.depth, limit: 20 }, signal),
          (rows) =>
            dataTable({
              testid: 'paths-table',
              file: ctx.file(`paths-${s.depth}`),
              rows,
              bar: 'sessions',
              columns: [
                { key: 'pages', label: 'Pages', value: (r) => r.pages.join(' → '), show: (r) => h('span', { class: 'path' }, r.pages.flatMap((p, i) => [i ? h('span', { class: 'arrow', 'aria-label': 'then' }, ' → ') : null, h('code', {}, p)])) },
                { key: 'sessions', label: 'Sessions', value: (r) => r.sessions, show: (r) => f.int(r.sessions), num: true },
              ],
            }),
          { isEmpty: (rows) => rows.length === 0, empty: 'No sessions in this range.' },
        ),
        s.person
          ? journey.load(
              signal,
              async () => {
                try {
                  const j = await ctx.api.get<Journey>(sitePath(ctx.site.id, `journeys/${encodeURIComponent(s.person)}`), {}, signal)
                  persons.add(s.person)
                  return j
                } catch (err) {
                  if (err instanceof ApiError && err.status === 404) return null
                  throw err
                }
              },
              (j) => timeline(j!, f),
              { isEmpty: (j) => j === null || j.sessions.length === 0, empty: `No person “${s.person}” on this site.` },
            )
          : journey.load(signal, async () => null, () => null, { isEmpty: () => true, empty: 'Look up a person by the userId your site sends (identify/signup) or an anonymousId.' }),
      ])
    }
  },
}

const EVENT_LABEL: Record<string, string> = { cart_add: 'add to cart', cart_remove: 'remove from cart', referral_invite: 'referral invite' }

function timeline(j: Journey, f: Format): HTMLElement {
  const orders = j.sessions.flatMap((x) => x.conversions.filter((c) => c.type === 'purchase'))
  return h(
    'div',
    { class: 'journey' },
    h('p', { class: 'muted', 'data-testid': 'journey-summary' }, `Person ${j.personId} · ${f.int(j.sessions.length)} session${j.sessions.length === 1 ? '' : 's'} · ${f.int(orders.length)} order${orders.length === 1 ? '' : 's'} · ${f.money(orders.reduce((n, o) => n + (o.revenue ?? 0), 0))}`),
    h('ol', { class: 'timeline', 'data-testid': 'journey-sessions' }, j.sessions.map((x) => sessionItem(x, f))),
  )
}

function sessionItem(x: JourneySession, f: Format): HTMLElement {
  return h(
    'li',
    { class: `session${x.conversions.length ? ' converted' : ''}`, 'data-testid': 'journey-session' },
    h(
      'div',
      { class: 'session-head' },
      h('time', { datetime: x.start }, f.dateTime(x.start)),
      h('span', { class: 'badge', 'data-testid': 'journey-channel' }, x.channel),
      h('span', { class: 'muted' }, `${x.source} / ${x.medium}${x.campaign !== '(none)' ? ` · ${x.campaign}` : ''} · ${x.device}`),
    ),
    h('p', {}, 'Landed on ', h('code', {}, x.entryPage), x.exitPage && x.exitPage !== x.entryPage ? [' · left from ', h('code', {}, x.exitPage)] : null),
    h(
      'details',
      {},
      h('summary', {}, `${x.events.length} events, ${x.pages.length} pages`),
      h(
        'ol',
        { class: 'events' },
        x.events.map((e) =>
          h(
            'li',
            { class: `event ${e.type}` },
            h('time', { datetime: e.t }, f.time(e.t)),
            ' ',
            h('strong', {}, e.type === 'custom' ? (e.name ?? 'custom') : (EVENT_LABEL[e.type] ?? e.type)),
            ' ',
            h('code', {}, e.path),
            e.orderId ? ` · order ${e.orderId}` : '',
            e.revenue !== null ? ` · ${f.money(e.revenue)}` : '',
          ),
        ),
      ),
    ),
    x.conversions.length
      ? h('p', { class: 'conversions' }, x.conversions.map((c) => h('span', { class: 'badge good' }, c.type === 'purchase' ? `Order ${f.money(c.revenue)}` : c.type)))
      : null,
  )
}
