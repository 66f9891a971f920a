/** What a route's `config` may say to the shared hooks of http/. */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** The code a body that fails its schema answers (default `invalid_body`; ingest: `invalid_batch`). */
    bodyErrorCode?: 'invalid_batch'
    /** The route takes `text/csv` bodies (spend uploads); elsewhere CSV answers 415. */
    csv?: boolean
  }
}

export {}
