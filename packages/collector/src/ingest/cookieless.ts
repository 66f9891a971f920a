import { createHash, randomBytes } from 'node:crypto'

/**
 * Cookieless visitor ids (SPEC §3): `hash(dailySalt, site, ip, userAgent)`. The salt is random,
 * lives in memory only, and is replaced when the UTC day changes, so an id cannot be linked
 * across days and the IP is never stored.
 */
export class DailySalt {
  private day = -1
  private salt = Buffer.alloc(0)

  constructor(private readonly now: () => number = Date.now) {}

  visitorId(site: string, ip: string, userAgent: string): string {
    const day = Math.floor(this.now() / 86_400_000)
    if (day !== this.day) {
      this.day = day
      this.salt = randomBytes(32)
    }
    return createHash('sha256').update(this.salt).update(`\0${site}\0${ip}\0${userAgent}`).digest('base64url').slice(0, 22)
  }
}
