import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { NotFound } from '../errors.js'
import { dashboardDir } from '../paths.js'

/** Where a built script-tag bundle lives (@trackway/sdk's `./sdk.js` / `./sdk.debug.js` exports). */
export function sdkBundlePath(name: 'sdk.js' | 'sdk.debug.js' = 'sdk.js'): string {
  return createRequire(import.meta.url).resolve(`@trackway/sdk/${name}`)
}

/**
 * `GET /sdk.js`: the script-tag bundle, first-party (SPEC §2), with an ETag so browsers
 * revalidate cheaply and a one-hour lifetime so a new release reaches sites within the hour.
 * `GET /sdk.debug.js`: the same with debug logging (`data-debug`), which `/sdk.js` compiles out
 * to stay within its size budget. The dashboard at `/dashboard/` (and `/` redirects there); with
 * `--demo`, the shop at `/demo/`.
 */
export const staticRoutes = fp(
  async (app: FastifyInstance) => {
    for (const name of ['sdk.js', 'sdk.debug.js'] as const) {
      let bundle: { body: Buffer; etag: string } | null = null
      app.get(`/${name}`, async (request, reply) => {
        if (!bundle) {
          try {
            const body = await readFile(sdkBundlePath(name))
            bundle = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
          } catch {
            throw new NotFound('GET', `/${name} (the SDK is not built: run \`npm run build\`)`)
          }
        }
        reply.header('etag', bundle.etag).header('cache-control', 'public, max-age=3600').header('access-control-allow-origin', '*')
        if (request.headers['if-none-match'] === bundle.etag) return reply.status(304).send()
        return reply.type('application/javascript; charset=utf-8').send(bundle.body)
      })
    }

    // The dashboard is static (packages/dashboard, built into its dist/); its data comes from the
    // token-protected read API. Not cached for long: a new build must show on the next load (its
    // index.html names the script and stylesheet with a content hash).
    const dashboard = dashboardDir()
    if (dashboard) {
      await app.register(fastifyStatic, { root: dashboard, prefix: '/dashboard/', index: 'index.html', schemaHide: false, maxAge: 0 })
    } else {
      app.get('/dashboard/*', async () => {
        throw new NotFound('GET', '/dashboard/ (the dashboard is not built: run `npm run build`)')
      })
    }
    if (app.trackway.config.demo) {
      await app.register(fastifyStatic, { root: app.trackway.config.demoDir, prefix: '/demo/', index: 'index.html', decorateReply: false, schemaHide: false })
    }
    app.get('/', async (_request, reply) => reply.redirect('/dashboard/'))
    app.get('/dashboard', async (_request, reply) => reply.redirect('/dashboard/', 301))
  },
  { name: 'trackway-static' },
)
