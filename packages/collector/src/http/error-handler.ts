import type { FastifyError, FastifyInstance } from 'fastify'
import {
  HTTP_ERRORS,
  BodyTooLarge,
  InternalError,
  InvalidBatch,
  InvalidBody,
  InvalidJson,
  InvalidParameter,
  NotFound,
  UnsupportedMediaType,
} from '../errors.js'

/** @fastify/error upper-cases codes; the wire carries them lower-case, as docs/errors.md lists them. */
const OWN_CODES = new Set<string>(HTTP_ERRORS.map((E) => new E().code))

/**
 * The one place that shapes errors: `{"error":{"code","message"}}` with a stable code
 * (docs/errors.md). Fastify's own errors are translated to ours; 429/503 carry Retry-After.
 */
export function registerErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setNotFoundHandler((request) => {
    throw new NotFound(request.method, request.url.split('?')[0])
  })

  app.setErrorHandler((raw: FastifyError, request, reply) => {
    // a route may have its own body limit (the Segment endpoint: 500 KB)
    const err = translate(raw, request.routeOptions.config as { bodyErrorCode?: string }, request.routeOptions.bodyLimit ?? bodyLimit)
    const status = err.statusCode ?? 500
    if (status >= 500) request.log.error({ err: raw }, 'request failed')
    if (status === 503 || status === 429) reply.header('retry-after', '1')
    return reply.status(status).send({ error: { code: err.code.toLowerCase(), message: err.message } })
  })
}

function translate(err: FastifyError, config: { bodyErrorCode?: string } | undefined, bodyLimit: number): FastifyError {
  if (err.validation) {
    const v = err.validation[0]
    if (err.validationContext === 'body') {
      const extra = (v?.params as { additionalProperty?: string } | undefined)?.additionalProperty
      const detail = extra
        ? `unknown field "${extra}"`
        : `${v?.instancePath ? `"${v.instancePath.slice(1)}" ` : ''}${v?.message ?? 'is invalid'}`
      return config?.bodyErrorCode === 'invalid_batch' ? new InvalidBatch(detail) : new InvalidBody(detail)
    }
    const p = v?.params as { missingProperty?: string; additionalProperty?: string } | undefined
    const param = p?.missingProperty ?? p?.additionalProperty ?? (v?.instancePath.replace(/^\//, '') || 'request')
    if (p?.additionalProperty) return new InvalidParameter(param, 'is not a parameter of this route')
    return new InvalidParameter(param, v?.message ?? 'is invalid')
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BodyTooLarge(String(bodyLimit))
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType(err.message.replace(/^Unsupported Media Type:?\s*/i, '') || 'none')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidJson('empty or truncated body')
  }
  if (OWN_CODES.has(err.code)) return err
  return new InternalError()
}
