#!/usr/bin/env node
// Reproduces DuckDB's failed COMMIT under memory_limit (the fault the collector quarantines,
// packages/collector/src/store/duckdb/handle.ts). One connection appends 20,000-row transactions
// while another holds the memory pool with a list() aggregate it cannot spill; when a COMMIT
// throws, the table is checked: are the "failed" rows there, is it still consistent?
//   node bench/failed-commit.mjs [--runs 3] [--limit 60MB]
import { DuckDBInstance } from '@duckdb/node-api'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, limit: { type: 'string', default: '60MB' } } })
const ROWS = 20_000
let reproduced = 0
for (let run = 1; run <= Number(values.runs); run++) {
  const dir = mkdtempSync(join(tmpdir(), 'tw-failed-commit-'))
  const path = join(dir, 'f.duckdb')
  const inst = await DuckDBInstance.create(path, { memory_limit: values.limit, temp_directory: `${path}.tmp` })
  const writer = await inst.connect()
  const hog = await inst.connect()
  await writer.run('CREATE TABLE t (id VARCHAR, pad VARCHAR)')
  let stop = false
  const holding = (async () => {
    while (!stop) await hog.run('SELECT length(list(md5(i::VARCHAR))) FROM range(600000) r(i)').catch(() => undefined)
  })()
  let committed = 0
  let outcome = 'no COMMIT failed in 200 rounds'
  for (let round = 0; round < 200; round++) {
    await writer.run('BEGIN TRANSACTION')
    try {
      await writer.run(`INSERT INTO t SELECT 'r${round}-' || i, repeat(md5(i::VARCHAR || '${round}'), 8) FROM range(${ROWS}) r(i)`)
    } catch {
      await writer.run('ROLLBACK').catch(() => undefined)
      continue // an append that fails before COMMIT is rolled back cleanly
    }
    try {
      await writer.run('COMMIT')
      committed += ROWS
    } catch (err) {
      await writer.run('ROLLBACK').catch(() => undefined)
      stop = true
      await holding
      let found
      try {
        const [[n, distinct]] = (await writer.runAndReadAll(`SELECT count(*), count(DISTINCT id) FROM t`)).getRowsJS()
        found = `${Number(n) - committed} of the ${ROWS} "failed" rows stored, ${Number(n) - Number(distinct)} duplicated`
      } catch (e) {
        found = `the table cannot be read: ${String(e.message).split('\n')[0]}`
      }
      outcome = `round ${round}: COMMIT threw "${String(err.message).split('\n')[0]}"; ${found}`
      reproduced++
      break
    }
  }
  stop = true
  await holding
  writer.closeSync()
  hog.closeSync()
  inst.closeSync()
  rmSync(dir, { recursive: true, force: true })
  console.log(`run ${run}: ${outcome}`)
}
console.log(`a COMMIT failed in ${reproduced} of ${values.runs} runs (memory_limit ${values.limit})`)
