import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { Unauthorized } from '../errors.js'
import type { Catalog } from '../store/catalog.js'

const digest = (s: string) => createHash('sha256').update(s).digest()

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

/** A preHandler that requires `Authorization: Bearer <token>`, compared in constant time. */
export function requireAdmin(token: string) {
  const expected = digest(token)
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization ?? ''
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) throw new Unauthorized()
  }
}
