import type { FastifyRequest } from 'fastify'

/** Query parameters whose values never reach a log line: tokens and keys someone put in a URL. */
const SECRET_PARAM = /^(token|access_token|api_key|apikey|key|admin_token|auth|authorization|password|writekey)$/i

/** A URL as logged: secret-looking query values replaced by `***`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      let name = eq < 0 ? pair : pair.slice(0, eq)
      try {
        name = decodeURIComponent(name)
      } catch {
        // an undecodable name is logged as sent
      }
      return SECRET_PARAM.test(name) ? `${pair.slice(0, eq < 0 ? pair.length : eq)}=***` : pair
    })
  return `${url.slice(0, q)}?${params.join('&')}`
}

/**
 * How requests appear in logs: method and redacted URL only — no client address (SPEC §1.6: no raw
 * IP anywhere) and no headers (the `Authorization` token never reaches a log).
 */
export const logSerializers = {
  req: (request: FastifyRequest) => ({ method: request.method, url: redactUrl(request.url) }),
}
