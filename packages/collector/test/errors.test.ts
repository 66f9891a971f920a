import { describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { EVENT_ERROR_CODES, HTTP_ERRORS } from '../src/errors.js'

const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
const documented = (section: string) =>
  new Set([...doc.split(section)[1]!.split('\n## ')[0]!.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]))

describe('docs/errors.md', () => {
  it('lists every HTTP error code with its status, and no other', () => {
    const codes = HTTP_ERRORS.map((E) => new E().code.toLowerCase())
    expect([...documented('## HTTP errors')].sort()).toEqual([...codes].sort())
    for (const E of HTTP_ERRORS) {
      const e = new E()
      expect(doc).toMatch(new RegExp(`\\| \`${e.code.toLowerCase()}\` \\| ${e.statusCode} \\|`))
    }
  })

  it('lists every rejected-event code, and no other', () => {
    expect([...documented('## Rejected events')].sort()).toEqual(Object.values(EVENT_ERROR_CODES).sort())
  })
})
