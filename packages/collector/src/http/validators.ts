import { Ajv } from 'ajv'
import type { FastifyInstance } from 'fastify'

/**
 * Route schemas compile with one of two Ajv instances. Query strings and path parameters arrive as
 * text, so they are coerced (`?limit=5` → 5, a repeated parameter → an array that then fails a
 * string schema). Bodies are JSON and keep their types: with Fastify's single coercing Ajv,
 * `{"site":["shop"]}` became `"shop"` and was stored, and `"events":null` became `[null]`.
 * Neither drops unknown fields (`removeAdditional: false`): they are rejected, not ignored.
 */
export function registerValidators(app: FastifyInstance): void {
  const common = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false } as const
  const bodies = new Ajv({ ...common, coerceTypes: false })
  const texts = new Ajv({ ...common, coerceTypes: 'array' })
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : texts).compile(schema))
}
