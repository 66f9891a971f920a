import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

/**
 * Fastify's per-request lines, one level down: `incoming request`, `request completed` and
 * `route not found` go to `debug` instead of `info`, so `npm start` stays readable while the demo
 * history sends ~3000 requests (`--log-level debug` shows them again). A request that errored is
 * still logged at `error`, and the error handler logs every 5xx (http/error-handler.ts).
 */
export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted(error: Error | null | undefined, _request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored')
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'route not found')
  }
}
