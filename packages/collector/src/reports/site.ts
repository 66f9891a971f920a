import type { FastifyInstance } from 'fastify'
import { SiteNotFound } from '../errors.js'
import type { SiteEntry } from '../sites/registry.js'

/** Path parameters of every `/v1/sites/:site/…` route. */
export const siteParams = { type: 'object', properties: { site: { type: 'string' } } } as const

/** The site a request names, or 404 `site_not_found`. */
export function siteOf(app: FastifyInstance, id: string): SiteEntry {
  const site = app.trackway.sites.get(id)
  if (!site) throw new SiteNotFound(id)
  return site
}
