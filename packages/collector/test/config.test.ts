import { describe, expect, it } from 'vitest'
import { loadConfig, parseSiteFlag } from '../src/config.js'

describe('loadConfig', () => {
  it('takes flags over environment over defaults, and freezes the result', () => {
    const c = loadConfig(['--port', '9000', '--site', 'shop:https://shop.example,https://www.shop.example/'], {
      TRACKWAY_PORT: '1234',
      TRACKWAY_STORE: 'duckdb:/tmp/x.duckdb',
      TRACKWAY_ADMIN_TOKEN: 'secret-token',
    })
    expect(c).toMatchObject({ port: 9000, host: '127.0.0.1', store: 'duckdb:/tmp/x.duckdb', adminToken: 'secret-token' })
    expect(c.sites).toEqual([{ id: 'shop', origins: ['https://shop.example', 'https://www.shop.example'] }])
    expect(Object.isFrozen(c)).toBe(true)
    expect(Object.isFrozen(c.sites)).toBe(true)
  })

  it('defaults to the embedded DuckDB file and loopback', () => {
    expect(loadConfig([], {})).toMatchObject({ port: 8787, host: '127.0.0.1', store: 'duckdb:./trackway-data/trackway.duckdb', adminToken: null })
  })

  it.each([
    [['--port', 'eighty'], /--port/],
    [['--store', 'postgres://x'], /--store/],
    [['--site', 'shop'], /id:origin/],
    [['--site', 'Shop!:https://a.example'], /site id/],
    [['--site', 'shop:ftp://a.example'], /http/],
    [['--site', 'a:https://a.example', '--site', 'a:https://b.example'], /twice/],
    [['--admin-token', '  '], /must not be empty/],
    [['--colour', 'red'], /colour/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(message)
  })

  it('finds the demo shop only when --demo asks for it', () => {
    expect(loadConfig([], {}).demoDir).toBe('')
    expect(loadConfig(['--demo'], {}).demoDir).toMatch(/examples[\\/]shop$/)
    expect(loadConfig(['--demo', '--demo-dir', '/srv/shop'], {}).demoDir).toBe('/srv/shop')
  })

  it('parses a site flag with several origins', () => {
    expect(parseSiteFlag('blog:https://blog.example,http://localhost:3000')).toEqual({
      id: 'blog',
      origins: ['https://blog.example', 'http://localhost:3000'],
    })
  })
})
