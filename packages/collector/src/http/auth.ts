import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { Forbidden, Unauthorized } from '../errors.js'
import type { ApiKey, Catalog } from '../store/catalog.js'

const digest = (s: string) => createHash('sha256').update(s).digest()
/** How an API key is stored and looked up: hex SHA-256 of the whole key. */
export const hashOfKey = (key: string): string => createHash('sha256').update(key).digest('hex')

/**
 * The admin token (SPEC §6): from the config, else the one kept in the store, else a new
 * random one saved there — so a generated token survives restarts. `generated` is true
 * when this call created it (the CLI prints it then).
 */
export async function resolveAdminToken(configured: string | null, store: Catalog): Promise<{ token: string; generated: boolean }> {
  if (configured) return { token: configured, generated: false }
  const kept = await store.getSetting('admin_token')
  if (kept) return { token: kept, generated: false }
  const token = randomBytes(24).toString('base64url')
  await store.setSetting('admin_token', token)
  return { token, generated: true }
}

/** What a route needs: nothing, a token that may read the site's reports, or the admin token. */
export type Access = 'public' | 'report' | 'admin'

/** Report routes a read-only API key may use (`GET /v1/sites/:site/stats/*`, `…/journeys/*`). */
const REPORT_ROUTE = /^\/v1\/sites\/:site\/(stats|journeys)\//

/**
 * Decided by the route's URL, not by code in each route, so a route added later under
 * `/v1/sites` is protected without saying so: every read and management route (SPEC §6) and
 * `/metrics` and `/v1/backups` need the admin token; of them, only report GETs also take a site's API key.
 */
export function accessOf(method: string, routeUrl: string | undefined): Access {
  if (routeUrl === undefined) return 'public'
  if (routeUrl === '/metrics' || routeUrl === '/v1/backups') return 'admin'
  if (routeUrl !== '/v1/sites' && !routeUrl.startsWith('/v1/sites/')) return 'public'
  return (method === 'GET' || method === 'HEAD') && REPORT_ROUTE.test(routeUrl) ? 'report' : 'admin'
}

/** The bearer token of a request: only from `Authorization` (a token in the URL lands in logs and histories). */
const bearerOf = (request: FastifyRequest): string | null => /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? null

/** How long a collector trusts its copy of the API keys: keys created or revoked elsewhere (another collector) count within this. */
const KEYS_TTL_MS = 5_000

/**
 * Checks tokens: the admin token in constant time (SHA-256 of both sides, so lengths never
 * differ), API keys by the hash of the presented key in a map of the store's keys.
 */
export class Authenticator {
  private readonly admin: Buffer
  private keys: Map<string, ApiKey> | null = null
  private loadedAt = 0
  private loading: Promise<Map<string, ApiKey>> | null = null

  constructor(
    adminToken: string,
    private readonly catalog: Pick<Catalog, 'listApiKeys'>,
    private readonly now = () => Date.now(),
  ) {
    this.admin = digest(adminToken)
  }

  isAdmin(token: string | null): boolean {
    return token !== null && timingSafeEqual(digest(token), this.admin)
  }

  /** Forget the cached keys (after a create or revoke here). */
  invalidate(): void {
    this.keys = null
  }

  /** The unrevoked key a token is, or null. */
  async keyOf(token: string): Promise<ApiKey | null> {
    return (await this.current()).get(hashOfKey(token)) ?? null
  }

  /**
   * Null when the request may go on, else the error to answer: 401 without a valid token,
   * 403 for an API key outside what it may do (another site, a management route).
   */
  async check(request: FastifyRequest, access: Exclude<Access, 'public'>): Promise<FastifyError | null> {
    const token = bearerOf(request)
    if (this.isAdmin(token)) return null
    const key = token === null ? null : await this.keyOf(token)
    if (!key) return new Unauthorized()
    if (access === 'admin') return new Forbidden('use management routes (it reads reports only)')
    const site = (request.params as { site?: string } | undefined)?.site
    if (site !== key.site) return new Forbidden(`read site "${String(site)}" (it reads site "${key.site}")`)
    return null
  }

  private async current(): Promise<Map<string, ApiKey>> {
    if (this.keys && this.now() - this.loadedAt < KEYS_TTL_MS) return this.keys
    this.loading ??= this.catalog
      .listApiKeys(null)
      .then((keys) => {
        this.keys = new Map(keys.map((k) => [k.hash, k]))
        this.loadedAt = this.now()
        return this.keys
      })
      .finally(() => (this.loading = null))
    return this.loading
  }
}

/**
 * Auth first (SPEC §6): an onRequest hook, so it runs before the body is read and before any
 * parameter is validated — a caller without a token learns nothing about parameters or sites.
 */
export function registerAuth(app: FastifyInstance, auth: Authenticator): void {
  app.addHook('onRequest', async (request) => {
    const access = accessOf(request.method, request.routeOptions.url)
    if (access === 'public') return
    const err = await auth.check(request, access)
    if (err) throw err
  })
}

/**
 * For answers given without a route (404, a URL the router cannot parse): under `/v1/sites` or
 * at `/metrics` they are what a protected route would answer, so a caller without a token gets
 * 401 there too. A valid admin token or API key passes.
 */
export async function guardUnrouted(auth: Authenticator, request: FastifyRequest): Promise<FastifyError | null> {
  const path = request.url.split('?')[0]!
  if (path !== '/metrics' && path !== '/v1/backups' && path !== '/v1/sites' && !path.startsWith('/v1/sites/')) return null
  const token = bearerOf(request)
  if (auth.isAdmin(token)) return null
  return token !== null && (await auth.keyOf(token)) ? null : new Unauthorized()
}

/** A preHandler that requires the admin token (the onRequest hook already did; kept for routes that name it). */
export function requireAdmin(token: string) {
  const expected = digest(token)
  return async (request: FastifyRequest): Promise<void> => {
    const presented = bearerOf(request)
    if (presented === null || !timingSafeEqual(digest(presented), expected)) throw new Unauthorized()
  }
}
