/**
 * Short "recently used" lists (experiment names, persons looked up): the API lists neither, so
 * the dashboard remembers what was typed, newest first, at most 8, in the given storage.
 */
const MAX = 8

export function recent(key: string, storage: () => Storage): { list(): string[]; add(v: string): void } {
  const read = (): string[] => {
    try {
      const v = JSON.parse(storage().getItem(key) ?? '[]') as unknown
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX) : []
    } catch {
      return []
    }
  }
  return {
    list: read,
    add(v) {
      if (!v) return
      try {
        storage().setItem(key, JSON.stringify([v, ...read().filter((x) => x !== v)].slice(0, MAX)))
      } catch {
        // storage full or blocked: the list is a convenience
      }
    },
  }
}
