/**
 * The read API client: every request sends the admin token; a 401 calls `onUnauthorized` (back
 * to sign-in) — unless the token it was sent with is no longer the current one: a late answer to a
 * request made before the user signed out or in again says nothing about the new session. An
 * error answer becomes an ApiError carrying the API's own message and code
 * (`{"error":{"code","message"}}`, docs/errors.md). Requests take an AbortSignal so a view that
 * is left, or re-asked, cancels what it no longer needs.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export type Params = Record<string, string | number | boolean | null | undefined>

export interface Api {
  get<T>(path: string, params?: Params, signal?: AbortSignal): Promise<T>
  post<T>(path: string, body: string, contentType: string, signal?: AbortSignal): Promise<T>
}

/** `?a=1&b=x` from params, leaving out null, undefined and ''. */
export function queryOf(params: Params = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** An aborted request (a newer one replaced it): not an error to show. */
export const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError'

/** `/v1/sites/<site>/<path>`, the site id escaped. */
export const sitePath = (site: string, path: string) => `/v1/sites/${encodeURIComponent(site)}/${path}`

export function createApi(token: () => string | null, onUnauthorized: () => void, fetchImpl: typeof fetch = (...a) => fetch(...a), base = ''): Api {
  async function request<T>(method: string, path: string, init: RequestInit): Promise<T> {
    let res: Response
    const sent = token()
    try {
      res = await fetchImpl(base + path, { ...init, method, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${sent ?? ''}` } })
    } catch (err) {
      if (isAbort(err)) throw err
      throw new ApiError(`Cannot reach the collector (${(err as Error).message})`, 0, 'network_error')
    }
    const body: unknown = await res.json().catch(() => null)
    if (res.ok) return body as T
    const e = (body as { error?: { code?: string; message?: string } } | null)?.error
    if (res.status === 401 && token() === sent) onUnauthorized()
    throw new ApiError(e?.message ?? `${res.status} ${res.statusText}`, res.status, e?.code ?? 'http_error')
  }
  return {
    get: (path, params, signal) => request('GET', path + queryOf(params), { signal: signal ?? null }),
    post: (path, body, contentType, signal) => request('POST', path, { body, headers: { 'content-type': contentType }, signal: signal ?? null }),
  }
}
