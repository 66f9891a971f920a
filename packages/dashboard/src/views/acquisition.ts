import { ApiError, sitePath } from '../api-client.js'
import type { AcquisitionRow, AttributionRow } from '../api-types.js'
import { ATTRIBUTION_BY, MODEL_LABEL, MODELS, type AttributionBy } from '../catalog.js'
import { acquisitionHints } from '../rules.js'
import { modelOf, withFilter } from '../url-state.js'
import { card } from '../ui/card.js'
import { h, uid } from '../ui/dom.js'
import { dataTable, type Column } from '../ui/table.js'
import { hintList, segmented, select } from '../ui/widgets.js'
import type { View, ViewContext } from './view.js'

/** The rule of thumb for LTV:CAC: a customer should earn back at least 3× what winning them cost. */
export const LTV_CAC_TARGET = 3

/**
 * Acquisition and spend: per channel visitors, new customers, attributed conversions and revenue,
 * spend, CAC, CPA, ROAS, ROI (under a chosen attribution model), the new customers' CLV, LTV:CAC
 * (marked against the 3:1 rule of thumb) and payback days; a spend upload (CSV or JSON); and the
 * attribution models side by side — the six rule-based ones and the data-driven Markov chain —
 * for channel, source or campaign.
 */
export const acquisitionView: View = {
  id: 'acquisition',
  mount(root, ctx) {
    const { state: s, fmt: f } = ctx
    const model = modelOf(s)
    const models = MODELS.map((m) => ({ value: m, label: MODEL_LABEL[m] ?? m }))
    const acq = card('Acquisition & spend', 'acquisition', {
      wide: true,
      tools: [select('Attribution', models, model, (v) => ctx.navigate({ model: v }), 'acquisition-model')],
      intro: `Conversions and revenue are attributed credits under the chosen model; new customers count where their first order’s first touch came from. CLV is their revenue so far; LTV:CAC = CLV ÷ CAC (rule of thumb: ${LTV_CAC_TARGET} or more); payback = days from the range’s start until their revenue covers the range’s spend.`,
    })
    const attribution = card('Attribution models side by side', 'attribution', {
      wide: true,
      tools: [segmented('Attribute to', ATTRIBUTION_BY.map((b) => ({ value: b, label: b[0]!.toUpperCase() + b.slice(1) })), s.by, (v: AttributionBy) => ctx.navigate({ by: v }), 'attribution-by')],
      intro: `Revenue credited to each ${s.by} by each model (orders in range, touchpoints in the ${s.lookback} before each). Markov is data-driven: it credits a ${s.by} by the share of conversions lost without it, learned from converting and non-converting journeys. Where models disagree, a ${s.by} opens journeys others close.`,
    })
    root.append(acq.el, spendForm(ctx, ctx.refresh), attribution.el)

    return async (signal) => {
      await Promise.all([
        acq.load(
          signal,
          () => ctx.api.get<AcquisitionRow[]>(sitePath(ctx.site.id, 'stats/acquisition'), { ...ctx.params, model }, signal),
          (rows) => [acquisitionTable(rows, ctx), hintList(acquisitionHints(rows, f))],
          { isEmpty: (rows) => rows.length === 0, empty: 'No sessions, conversions or spend in this range.' },
        ),
        attribution.load(
          signal,
          () => Promise.all(MODELS.map((m) => ctx.api.get<AttributionRow[]>(sitePath(ctx.site.id, 'stats/attribution'), { ...ctx.params, model: m, by: s.by, lookback: s.lookback }, signal))),
          (byModel) => attributionTable(byModel, ctx),
          { isEmpty: (byModel) => byModel.every((rows) => rows.length === 0), empty: 'No conversions in this range.' },
        ),
      ])
    }
  },
}

function acquisitionTable(rows: readonly AcquisitionRow[], ctx: ViewContext): HTMLElement {
  const f = ctx.fmt
  const cols: Column<AcquisitionRow>[] = [
    { key: 'channel', label: 'Channel', value: (r) => r.channel },
    { key: 'visitors', label: 'Visitors', value: (r) => r.visitors, show: (r) => f.int(r.visitors), num: true },
    { key: 'newCustomers', label: 'New customers', value: (r) => r.newCustomers, show: (r) => f.int(r.newCustomers), num: true },
    { key: 'conversions', label: 'Conversions', value: (r) => r.conversions, show: (r) => f.decimal(r.conversions, 1), num: true },
    { key: 'revenue', label: 'Revenue', value: (r) => r.revenue, show: (r) => f.money(r.revenue), num: true },
    { key: 'spend', label: 'Spend', value: (r) => r.spend, show: (r) => f.money(r.spend), num: true },
    { key: 'cac', label: 'CAC', value: (r) => r.cac, show: (r) => f.money(r.cac), num: true },
    { key: 'cpa', label: 'CPA', value: (r) => r.cpa, show: (r) => f.money(r.cpa), num: true },
    { key: 'roas', label: 'ROAS', value: (r) => r.roas, show: (r) => (r.roas === null ? '–' : `${f.decimal(r.roas, 2)}×`), num: true },
    { key: 'roi', label: 'ROI', value: (r) => r.roi, show: (r) => f.percent(r.roi), num: true },
    { key: 'clv', label: 'CLV', value: (r) => r.clv, show: (r) => f.money(r.clv), num: true },
    { key: 'ltvToCac', label: `LTV:CAC (≥ ${LTV_CAC_TARGET})`, value: (r) => r.ltvToCac, show: ltvCell(f), num: true },
    { key: 'paybackDays', label: 'Payback', value: (r) => r.paybackDays, show: (r) => f.value('days', r.paybackDays), num: true },
  ]
  return dataTable({
    testid: 'acquisition-table',
    file: ctx.file(`acquisition-${modelOf(ctx.state)}`),
    rows,
    columns: cols,
    bar: 'revenue',
    onRow: (r) => ctx.navigate(withFilter(ctx.state, 'channel', r.channel)),
    rowLabel: (r) => `Filter by channel: ${r.channel}`,
  })
}

/** LTV:CAC as `2.4:1`, labelled against the rule of thumb (below or meeting 3:1). */
const ltvCell = (f: ViewContext['fmt']) => (r: AcquisitionRow) => {
  if (r.ltvToCac === null) return '–'
  const ok = r.ltvToCac >= LTV_CAC_TARGET
  return h(
    'span',
    { class: ok ? 'ltv-ok' : 'ltv-low', 'data-testid': 'ltv-cac-mark', title: `${ok ? 'Meets' : 'Below'} the ${LTV_CAC_TARGET}:1 rule of thumb` },
    `${f.decimal(r.ltvToCac, 1)}:1${ok ? '' : ' ▾'}`,
  )
}

function attributionTable(byModel: readonly AttributionRow[][], ctx: ViewContext): HTMLElement {
  const f = ctx.fmt
  const values = [...new Set(byModel.flat().map((r) => r.value))]
  const credit = byModel.map((rows) => new Map(rows.map((r) => [r.value, r])))
  // rows in the order of the default model's revenue, then by name
  const def = credit[MODELS.indexOf('last_non_direct')] ?? credit[0]!
  values.sort((a, b) => (def.get(b)?.revenue ?? 0) - (def.get(a)?.revenue ?? 0) || a.localeCompare(b))
  return dataTable({
    testid: 'attribution-table',
    file: ctx.file(`attribution-by-${ctx.state.by}`),
    rows: values,
    columns: [
      { key: 'value', label: ctx.state.by[0]!.toUpperCase() + ctx.state.by.slice(1), value: (v) => v },
      ...MODELS.map((m, i) => ({
        key: m,
        label: MODEL_LABEL[m] ?? m,
        value: (v: string) => credit[i]!.get(v)?.revenue ?? 0,
        show: (v: string) => h('span', { title: `${f.decimal(credit[i]!.get(v)?.conversions ?? 0, 2)} conversions` }, f.money(credit[i]!.get(v)?.revenue ?? 0)),
        num: true,
      })),
    ],
  })
}

/** Upload spend (CSV with a header row, or JSON rows) to `POST /v1/sites/:site/spend`. */
function spendForm(ctx: ViewContext, done: () => void): HTMLElement {
  const fileId = uid('spend')
  const textId = uid('spend')
  const status = h('p', { class: 'muted', role: 'status', 'data-testid': 'spend-status' })
  const file = h('input', { id: fileId, type: 'file', accept: '.csv,.json,text/csv,application/json', 'data-testid': 'spend-file' }) as HTMLInputElement
  const text = h('textarea', { id: textId, rows: 4, placeholder: 'date,channel,campaign,amount\n2026-11-20,Paid Search,brand,120.50', 'data-testid': 'spend-text', spellcheck: 'false' }) as HTMLTextAreaElement
  const submit = async (e: Event) => {
    e.preventDefault()
    const body = file.files?.[0] ? await file.files[0].text() : text.value
    if (!body.trim()) return void (status.textContent = 'Choose a file or paste rows first.')
    const json = /^\s*[[{]/.test(body)
    status.className = 'muted'
    status.textContent = 'Uploading…'
    try {
      const r = await ctx.api.post<{ stored: number }>(sitePath(ctx.site.id, 'spend'), body, json ? 'application/json' : 'text/csv')
      status.textContent = `Stored ${ctx.fmt.int(r.stored)} spend row${r.stored === 1 ? '' : 's'}. Rows of the same date and names replace earlier ones.`
      file.value = ''
      text.value = ''
      done()
    } catch (err) {
      status.className = 'error'
      status.textContent = `Upload failed: ${err instanceof ApiError ? err.message : String(err)}`
    }
  }
  return h(
    'details',
    { class: 'card wide spend', 'data-testid': 'spend' },
    h('summary', {}, h('h2', {}, 'Upload ad spend')),
    h(
      'form',
      { onsubmit: submit },
      h('p', { class: 'muted' }, 'A CSV export with a header row naming date, channel, source, campaign, amount (date and amount required; channel one of the channel names above), or JSON rows [{"date","channel","campaign","amount"}].'),
      h('label', { for: fileId }, 'File (CSV or JSON)'),
      file,
      h('label', { for: textId }, '…or paste rows'),
      text,
      h('div', { class: 'row' }, h('button', { type: 'submit', 'data-testid': 'spend-submit' }, 'Upload spend')),
      status,
    ),
  )
}
