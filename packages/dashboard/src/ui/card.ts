import { ApiError, isAbort } from '../api-client.js'
import { fill, h, type Child } from './dom.js'

/**
 * A titled panel whose body loads: "Loading…" the first time, the previous content dimmed (with
 * aria-busy) while a refresh runs, the API's error message when it fails, an empty-state line
 * when there is nothing in the range.
 */
export interface Card {
  el: HTMLElement
  body: HTMLElement
  /** Loads `fetch`, then shows `render(data)`; `isEmpty(data)` shows `empty` instead. */
  load<T>(signal: AbortSignal, fetch: () => Promise<T>, render: (data: T) => Child | Child[], opts?: { isEmpty?: (data: T) => boolean; empty?: string }): Promise<void>
}

export function card(title: string, testid: string, opts: { tools?: Child[]; wide?: boolean; intro?: string } = {}): Card {
  const body = h('div', { class: 'card-body' }, h('p', { class: 'muted loading' }, 'Loading…'))
  const heading = h('h2', {}, title)
  const el = h(
    'section',
    { class: `card${opts.wide ? ' wide' : ''}`, 'data-testid': testid, 'aria-busy': 'true', 'aria-label': title },
    h('header', { class: 'card-head' }, heading, opts.tools?.length ? h('div', { class: 'card-tools' }, ...opts.tools) : null),
    opts.intro ? h('p', { class: 'muted intro' }, opts.intro) : null,
    body,
  )
  return {
    el,
    body,
    async load(signal, fetch, render, o = {}) {
      el.setAttribute('aria-busy', 'true')
      el.classList.add('is-loading')
      try {
        const data = await fetch()
        if (signal.aborted) return
        if (o.isEmpty?.(data)) fill(body, h('p', { class: 'muted empty', 'data-testid': `${testid}-empty` }, o.empty ?? 'Nothing in this range yet.'))
        else fill(body, render(data))
      } catch (err) {
        if (isAbort(err) || signal.aborted) return
        if (err instanceof ApiError && err.status === 401) return // back to sign-in
        fill(body, h('p', { class: 'error', role: 'alert', 'data-testid': `${testid}-error` }, `Could not load: ${(err as Error).message}`))
      } finally {
        if (!signal.aborted) {
          el.setAttribute('aria-busy', 'false')
          el.classList.remove('is-loading')
        }
      }
    },
  }
}
