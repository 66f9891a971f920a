/**
 * The admin token, kept for this tab only (sessionStorage). `npm start` prints a link with
 * `#token=…`: the fragment never reaches a server, and it is taken out of the address bar (and
 * history) at once so it is not left in a copied link or a screenshot.
 */
const KEY = 'trackway-token'

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** Moves a `#token=` of the URL into session storage and removes it from the URL. */
export function takeTokenFromUrl(loc: Location = location, hist: History = history, store: Store = sessionStorage): void {
  const fragment = new URLSearchParams(loc.hash.slice(1))
  const token = fragment.get('token')
  if (!token) return
  store.setItem(KEY, token)
  fragment.delete('token')
  const rest = fragment.toString()
  hist.replaceState(hist.state, '', loc.pathname + loc.search + (rest ? `#${rest}` : ''))
}

export const getToken = (store: Store = sessionStorage) => store.getItem(KEY)
export const setToken = (token: string, store: Store = sessionStorage) => store.setItem(KEY, token)
export const clearToken = (store: Store = sessionStorage) => store.removeItem(KEY)
