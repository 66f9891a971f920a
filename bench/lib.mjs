// Helpers of the ingest benchmark: child processes, readiness, RSS/CPU sampling, load runs.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import autocannon from 'autocannon'
import { ORIGIN, USER_AGENT } from './events.mjs'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** Spawns `node ...args`; keeps the last lines of its output for error reports. */
export function spawnNode(args, { cwd } = {}) {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const tail = []
  const keep = (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) tail.push(line)
    if (tail.length > 40) tail.splice(0, tail.length - 40)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  child.tail = tail
  return child
}

/** Waits until GET url answers 200 (or the child dies, or the timeout passes). */
export async function waitReady(url, child, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  let exited = false
  child.exited.then(() => (exited = true))
  while (Date.now() < until) {
    if (exited) throw new Error(`child exited before ready:\n${child.tail.join('\n')}`)
    try {
      const res = await fetch(url)
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    await sleep(50)
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${url}\n${child.tail.join('\n')}`)
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit status. */
export async function stop(child, graceMs = 30_000) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exited
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  const status = await child.exited
  clearTimeout(timer)
  return status
}

const CLK_TCK = 100 // Linux USER_HZ

/** CPU seconds (user + system) the process used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / CLK_TCK
  } catch {
    return NaN
  }
}

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : NaN
  } catch {
    return NaN
  }
}

/** Samples VmRSS every `everyMs`; `stop()` returns { peakMiB, startMiB, samples }. */
export function sampleRss(pid, everyMs = 100) {
  const start = rssKiB(pid)
  let peak = start
  let samples = 1
  const timer = setInterval(() => {
    const v = rssKiB(pid)
    if (v > peak) peak = v
    samples++
  }, everyMs)
  return {
    stop() {
      clearInterval(timer)
      const v = rssKiB(pid)
      if (v > peak) peak = v
      return { startMiB: start / 1024, peakMiB: peak / 1024, samples }
    },
  }
}

/**
 * Loads POST /v1/batch with autocannon: `amount` requests over `connections` connections,
 * each request with the next unused body of `bodies` (from index `from`), never one twice.
 * Every response is checked: 200 with accepted = events in the body, no duplicates or rejections.
 */
export async function load({ port, bodies, from = 0, amount, connections, eventsPerBody }) {
  let next = from
  const status = {}
  let ok = 0
  let badBody = 0
  const badSamples = []
  const setupRequest = (req) => {
    if (next >= bodies.length) throw new Error(`body pool exhausted (${bodies.length})`)
    req.body = bodies[next++]
    return req
  }
  let tLast = 0
  const onResponse = (code, body) => {
    tLast = performance.now()
    status[code] = (status[code] ?? 0) + 1
    if (code !== 200) {
      if (badSamples.length < 3) badSamples.push(`${code} ${String(body).slice(0, 200)}`)
      return
    }
    let r
    try {
      r = JSON.parse(body)
    } catch {
      r = null
    }
    if (r && r.accepted === eventsPerBody && r.duplicates === 0 && r.rejected?.length === 0) ok++
    else {
      badBody++
      if (badSamples.length < 3) badSamples.push(`200 ${String(body).slice(0, 200)}`)
    }
  }
  const t0 = performance.now()
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    pipelining: 1,
    amount,
    timeout: 60,
    // autocannon notices the end of an `amount` run only at its sampling tick: keep it short,
    // and time the run ourselves, from start to the last response.
    sampleInt: 20,
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': USER_AGENT,
      origin: ORIGIN,
    },
    requests: [{ method: 'POST', path: '/v1/batch', setupRequest, onResponse }],
  })
  const seconds = ((tLast || performance.now()) - t0) / 1000
  const bodiesUsed = next - from
  return {
    requests: amount,
    bodiesUsed,
    ok,
    status,
    badBody,
    badSamples,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    reqPerSec: ok / seconds,
    eventsPerSec: (ok * eventsPerBody) / seconds,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    next,
  }
}

/** Median of numbers (NaN-free). */
export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Parses the Prometheus text of /metrics into { name: value }. */
export function parseMetrics(text) {
  const out = {}
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const [name, value] = line.split(' ')
    out[name] = Number(value)
  }
  return out
}
