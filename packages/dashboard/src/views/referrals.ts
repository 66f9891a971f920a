import { sitePath } from '../api-client.js'
import type { Csat, Referrals } from '../api-types.js'
import { csatHints, referralHints } from '../rules.js'
import { withFilter } from '../url-state.js'
import { card } from '../ui/card.js'
import { h } from '../ui/dom.js'
import { dataTable } from '../ui/table.js'
import { hintList, tiles } from '../ui/widgets.js'
import type { View } from './view.js'

const REFERRAL_TILES = [
  { key: 'invites', label: 'Invites sent', kind: 'int' },
  { key: 'referrers', label: 'Referrers', kind: 'int' },
  { key: 'referredVisitors', label: 'Referred visitors', kind: 'int' },
  { key: 'referredSignups', label: 'Referred signups', kind: 'int' },
  { key: 'referralConversionRate', label: 'Referral conversion', kind: 'percent' },
  { key: 'referralRate', label: 'Customers who invite', kind: 'percent' },
  { key: 'kFactor', label: 'k-factor', kind: 'coefficient' },
] as const satisfies readonly { key: keyof Referrals; label: string; kind: string }[]

/** The referral program (invites, referrers, referred visitors and signups, k-factor, top codes) and CSAT. */
export const referralsView: View = {
  id: 'referrals',
  mount(root, ctx) {
    const { state: s, fmt: f } = ctx
    const only = s.filters.referred === 'true'
    const ref = card('Referral program', 'referrals', {
      wide: true,
      tools: [
        h(
          'button',
          { type: 'button', class: 'secondary', 'data-testid': 'only-referred', 'aria-pressed': only ? 'true' : 'false', onclick: () => ctx.navigate(withFilter(s, 'referred', only ? null : 'true')) },
          only ? 'Show everyone' : 'Only referred visitors',
        ),
      ],
    })
    const csat = card('Customer satisfaction (CSAT)', 'csat', { wide: true, intro: 'Share of feedback scores of 4 or 5 (of 1–5), and the mean score.' })
    root.append(ref.el, csat.el)
    return async (signal) => {
      await Promise.all([
        ref.load(
          signal,
          () => ctx.api.get<Referrals>(sitePath(ctx.site.id, 'stats/referrals'), { ...ctx.params, limit: 20 }, signal),
          (r) => [
            tiles(REFERRAL_TILES.map((t) => ({ ...t, value: r[t.key], testid: `referrals-${t.key}` })), f, 'Referral figures'),
            hintList(referralHints(r, f)),
            h('h3', {}, 'Top referrers'),
            r.topReferrers.length
              ? dataTable({
                  testid: 'top-referrers',
                  file: ctx.file('top-referrers'),
                  rows: r.topReferrers,
                  bar: 'signups',
                  columns: [
                    { key: 'referralCode', label: 'Referral code', value: (x) => x.referralCode },
                    { key: 'invites', label: 'Invites', value: (x) => x.invites, show: (x) => f.int(x.invites), num: true },
                    { key: 'signups', label: 'Signups', value: (x) => x.signups, show: (x) => f.int(x.signups), num: true },
                    { key: 'revenue', label: 'Revenue', value: (x) => x.revenue, show: (x) => f.money(x.revenue), num: true },
                  ],
                })
              : h('p', { class: 'muted empty' }, 'No referral codes in this range.'),
          ],
        ),
        csat.load(
          signal,
          () => ctx.api.get<Csat>(sitePath(ctx.site.id, 'stats/csat'), ctx.params, signal),
          (c) => [
            tiles(
              [
                { key: 'csat', label: 'CSAT (scores 4–5)', kind: 'pct100', value: c.csat, testid: 'csat-csat' },
                { key: 'avgScore', label: 'Mean score (1–5)', kind: 'score', value: c.avgScore, testid: 'csat-avgScore' },
                { key: 'responses', label: 'Responses', kind: 'int', value: c.responses, testid: 'csat-responses' },
              ],
              f,
              'CSAT figures',
            ),
            hintList(csatHints(c, f)),
          ],
          { isEmpty: (c) => c.responses === 0, empty: 'No feedback in this range.' },
        ),
      ])
    }
  },
}
