/*
 * The one audited place where values become SQL text. ClickHouse 18.16 has no query parameters
 * ({name:Type} came later), so every value a query carries is rendered here as an escaped
 * literal; no other code may put request data into SQL. Identifiers are never request data:
 * they come from code (table names, enum-checked columns).
 */

/** A SQL fragment: already-rendered text, so it is not escaped again. */
export class Sql {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export type Value = string | number | boolean | null | undefined | Sql | readonly Value[]

/** Backslash and quote escaped, and the control characters ClickHouse's lexer knows by name. */
function quote(s: string): string {
  let out = "'"
  for (const ch of s) {
    switch (ch) {
      case '\\': out += '\\\\'; break
      case "'": out += "\\'"; break
      case '\n': out += '\\n'; break
      case '\r': out += '\\r'; break
      case '\t': out += '\\t'; break
      case '\0': out += '\\0'; break
      case '\b': out += '\\b'; break
      case '\f': out += '\\f'; break
      default: out += ch
    }
  }
  return `${out}'`
}

/** A value as a ClickHouse literal: strings quoted and escaped, finite numbers, NULL, arrays. */
export function lit(v: Value): string {
  if (v === null || v === undefined) return 'NULL'
  if (v instanceof Sql) return v.text
  if (typeof v === 'string') return quote(v)
  if (typeof v === 'boolean') return v ? '1' : '0'
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`not a finite number: ${v}`)
    // String() is the shortest exact form; 1e-7 and 1.5e+21 are valid ClickHouse literals too
    return String(v)
  }
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`
  throw new TypeError(`cannot render ${typeof v} as SQL`)
}

/**
 * A tagged template: `sql\`SELECT … WHERE site = ${site}\`` renders every interpolated value
 * with lit(); a nested Sql fragment goes in as it is.
 */
export function sql(strings: TemplateStringsArray, ...values: Value[]): Sql {
  let text = strings[0]!
  values.forEach((v, i) => (text += lit(v) + strings[i + 1]!))
  return new Sql(text)
}

/** Values as an IN list's items: `x IN (${list(values)})`; at least one value. */
export function list(values: readonly Value[]): Sql {
  if (values.length === 0) throw new RangeError('an IN list needs at least one value')
  return new Sql(values.map(lit).join(', '))
}

/** Joins fragments with a separator. */
export const join = (parts: readonly Sql[], sep = ', '): Sql => new Sql(parts.map((p) => p.text).join(sep))

/** Trusted text from code (a table or column name, a keyword): never request data. */
export const raw = (text: string): Sql => new Sql(text)
