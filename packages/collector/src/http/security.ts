import type { FastifyInstance } from 'fastify'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'

/** Routes any web page may call: ingest. Each site's own origin list is checked by the route. */
const INGEST_PATH = /^\/(v1\/(batch|pixel\.gif|segment\/)|api\/event)/

/**
 * The dashboard's policy: its script, stylesheet and API calls are same-origin files; charts set
 * sizes through the CSSOM (allowed), never inline style attributes; the favicon is a data: URL.
 * No framing at all (clickjacking), no plugins, no <base> games, forms post nowhere else.
 */
export const CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const

/** Paths whose pages need more: the API reference (Swagger UI styles inline), the demo shop (the SDK's inline snippet). */
const RELAXED: [RegExp, Partial<Record<keyof typeof CSP, string[]>>][] = [
  [/^\/docs(\/|$)/, { 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] }],
  [/^\/demo(\/|$)/, { 'script-src': ["'self'", "'unsafe-inline'"] }],
]

/**
 * Security headers on every answer (@fastify/helmet): the CSP above, `X-Content-Type-Options:
 * nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, HSTS (ignored over plain
 * HTTP). `Cross-Origin-Resource-Policy: cross-origin` because sites embed `/sdk.js` and the pixel.
 * No `upgrade-insecure-requests`: a collector on plain HTTP (127.0.0.1, an internal network)
 * must keep working.
 *
 * CORS: ingest answers any origin (the site in the body decides); the read and management API
 * only the configured `corsOrigins` (none by default) — it is same-origin for the dashboard.
 * Registered before the auth hook, so a 401 reaches an allowed page readable.
 */
export async function registerSecurity(app: FastifyInstance, corsOrigins: readonly string[]): Promise<void> {
  app.addHook('onRoute', (route) => {
    const relaxed = RELAXED.find(([path]) => path.test(route.url))
    // read by helmet's own onRoute hook, which runs after this one
    if (relaxed) route.helmet = { contentSecurityPolicy: { useDefaults: false, directives: { ...CSP, ...relaxed[1] } } }
  })
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP },
    frameguard: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  })
  // strictPreflight off: an OPTIONS without Access-Control-Request-Method is answered like any
  // other preflight (204), not with the plugin's plain-text 400 outside the SPEC's error shape
  const admin = {
    origin: corsOrigins.length > 0 ? [...corsOrigins] : false,
    methods: ['GET', 'POST', 'DELETE'],
    maxAge: 86_400,
    exposedHeaders: ['Retry-After'],
    strictPreflight: false,
  }
  // CORS headers go on every ingest answer, errors included: a browser that cannot read a 4xx
  // takes it for a network error and retries forever. Retry-After is exposed so the SDK can honour it.
  // Only an Origin of visible ASCII is reflected: anything else cannot be a browser's, and
  // reflecting a control character would make the answer itself fail (ERR_INVALID_CHAR, a 500).
  const ingest = { ...admin, origin: (origin: string | undefined, cb: (err: Error | null, allow: boolean) => void) => cb(null, origin === undefined || /^[\x21-\x7e]{1,2048}$/.test(origin)) }
  await app.register(cors, { delegator: (request, callback) => callback(null, INGEST_PATH.test(request.url ?? '') ? ingest : admin) })
}
