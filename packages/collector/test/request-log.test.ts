import { describe, expect, it } from 'vitest'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { RequestLog } from '../src/http/request-log.js'

/** A logger that records the level of each line. */
const recorder = () => {
  const lines: [level: string, msg: string][] = []
  const at = (level: string) => (_obj: unknown, msg: string) => void lines.push([level, msg])
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } }
}

describe('RequestLog', () => {
  it('logs requests at debug, so the default info level prints no line per request', () => {
    const { lines, log } = recorder()
    const request = { log } as unknown as FastifyRequest
    const reply = { log, elapsedTime: 3 } as unknown as FastifyReply
    const c = new RequestLog()
    c.incomingRequest(request)
    c.requestCompleted(null, request, reply)
    c.routeNotFound(request)
    expect(lines).toEqual([
      ['debug', 'incoming request'],
      ['debug', 'request completed'],
      ['debug', 'route not found'],
    ])
  })

  it('still logs a request that errored, at error', () => {
    const { lines, log } = recorder()
    new RequestLog().requestCompleted(new Error('boom'), { log } as unknown as FastifyRequest, { log, elapsedTime: 1 } as unknown as FastifyReply)
    expect(lines).toEqual([['error', 'request errored']])
  })
})
