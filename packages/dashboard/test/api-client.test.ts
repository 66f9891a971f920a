import { describe, expect, it, vi } from 'vitest'
import { ApiError, createApi } from '../src/api-client.js'

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const unauthorized = () => answer(401, { error: { code: 'unauthorized', message: 'missing or wrong token' } })

describe('api client', () => {
  it('sends the current token and turns an error answer into an ApiError with the API code', async () => {
    const seen: string[] = []
    const api = createApi(() => 'tok', () => undefined, async (_url, init) => {
      seen.push(String((init!.headers as Record<string, string>).authorization))
      return answer(400, { error: { code: 'invalid_date', message: 'from is not a date' } })
    })
    const err = await api.get('/v1/sites').catch((e: unknown) => e)
    expect(seen).toEqual(['Bearer tok'])
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 400, code: 'invalid_date', message: 'from is not a date' })
  })

  it('signs out on a 401 to the current token', async () => {
    const onUnauthorized = vi.fn()
    const api = createApi(() => 'tok', onUnauthorized, async () => unauthorized())
    await expect(api.get('/v1/sites')).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('ignores a late 401 to a token that is no longer current (signed out, or signed in again meanwhile)', async () => {
    let token: string | null = 'rotated'
    let answerLate!: () => void
    const gate = new Promise<void>((r) => (answerLate = r))
    const onUnauthorized = vi.fn()
    const api = createApi(() => token, onUnauthorized, async () => {
      await gate
      return unauthorized()
    })
    const stale = api.get('/v1/sites/demo/stats/realtime')
    token = 'fresh' // the user signed in again while the old request was in flight
    answerLate()
    await expect(stale).rejects.toMatchObject({ status: 401 })
    expect(onUnauthorized).not.toHaveBeenCalled()
  })
})
