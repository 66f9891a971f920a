// Summarizes a V8 .cpuprofile (node --cpu-prof): top functions by self time, and self time
// by package/module, and optionally the inclusive time of named functions.
// Usage: node bench/profile.mjs FILE.cpuprofile [N] [name,name,...]
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

function where(url) {
  if (!url) return '(native/V8)'
  const u = url.replace(/^file:\/\//, '')
  const nm = u.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  if (u.startsWith('node:')) return u
  const pk = u.indexOf('/packages/')
  return pk >= 0 ? u.slice(pk + 1) : u
}

/** { total, top: [{name, where, selfMs, pct}], byModule: [{where, selfMs, pct}] } */
export function summarize(profile, n = 20) {
  const { nodes, samples, timeDeltas } = profile
  const byId = new Map(nodes.map((node) => [node.id, node]))
  const self = new Map()
  for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0))
  const fn = new Map()
  const mod = new Map()
  let total = 0
  for (const [id, us] of self) {
    const { callFrame: cf } = byId.get(id)
    const w = where(cf.url)
    const key = `${cf.functionName || '(anonymous)'}\u0000${w}:${cf.lineNumber + 1}`
    fn.set(key, (fn.get(key) ?? 0) + us)
    mod.set(w, (mod.get(w) ?? 0) + us)
    total += us
  }
  const rows = (m) => [...m].sort((a, b) => b[1] - a[1])
  return {
    totalMs: total / 1000,
    top: rows(fn)
      .slice(0, n)
      .map(([k, us]) => {
        const [name, at] = k.split('\u0000')
        return { name, at, selfMs: us / 1000, pct: (100 * us) / total }
      }),
    byModule: rows(mod)
      .slice(0, n)
      .map(([w, us]) => ({ where: w, selfMs: us / 1000, pct: (100 * us) / total })),
  }
}

/**
 * Inclusive time (self + callees) of functions by name, counted once per sample even under
 * recursion: { name: { ms, pct } }.
 */
export function inclusive(profile, names) {
  const { nodes, samples, timeDeltas } = profile
  const parent = new Map()
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const want = new Set(names)
  const memo = new Map()
  const hitsOf = (id) => {
    if (memo.has(id)) return memo.get(id)
    const names = new Set()
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame.functionName
      if (want.has(f)) names.add(f)
    }
    memo.set(id, names)
    return names
  }
  const us = Object.fromEntries(names.map((n) => [n, 0]))
  let total = 0
  for (let i = 0; i < samples.length; i++) {
    const d = timeDeltas[i] ?? 0
    total += d
    for (const f of hitsOf(samples[i])) us[f] += d
  }
  return Object.fromEntries(names.map((n) => [n, { ms: us[n] / 1000, pct: (100 * us[n]) / total }]))
}

export function printSummary(s, log = console.log) {
  log(`  profile: ${s.totalMs.toFixed(0)} ms sampled`)
  log('  top functions by self time:')
  for (const t of s.top) log(`    ${t.pct.toFixed(1).padStart(5)}%  ${t.name}  (${t.at})`)
  log('  self time by module:')
  for (const m of s.byModule.slice(0, 12)) log(`    ${m.pct.toFixed(1).padStart(5)}%  ${m.where}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2]
  if (!file) {
    console.error('usage: node bench/profile.mjs FILE.cpuprofile [N]')
    process.exit(2)
  }
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  printSummary(summarize(profile, Number(process.argv[3] ?? 25)))
  const names = (process.argv[4] ?? '').split(',').filter(Boolean)
  if (names.length) {
    console.log('  inclusive time:')
    for (const [n, v] of Object.entries(inclusive(profile, names))) console.log(`    ${v.pct.toFixed(1).padStart(5)}%  ${n}`)
  }
}
