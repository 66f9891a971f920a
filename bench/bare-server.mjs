// Ceiling (a) of the ingest benchmark: a bare Fastify server that reads the same body,
// JSON.parses it and answers what the collector answers for a fully accepted batch.
// No validation, enrichment, dedup or storage. Usage: node bench/bare-server.mjs PORT
import Fastify from 'fastify'

const port = Number(process.argv[2] ?? 0)
const app = Fastify({ logger: false, bodyLimit: 512 * 1024 })

app.removeAllContentTypeParsers()
app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => {
  try {
    done(null, JSON.parse(body))
  } catch (err) {
    err.statusCode = 400
    done(err)
  }
})

app.get('/readyz', async () => ({ ok: true }))
app.post('/v1/batch', async (request) => ({ accepted: request.body.events.length, duplicates: 0, rejected: [] }))

const shutdown = () => app.close().then(() => process.exit(0))
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)

await app.listen({ port, host: '127.0.0.1' })
