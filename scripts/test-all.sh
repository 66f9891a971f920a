#!/usr/bin/env bash
# README command 2 and what .ci/run calls: installs what the tests need, builds, and runs
# every test — unit, integration (real Fastify on loopback, real DuckDB files, a real
# collector process killed with SIGKILL), ClickHouse (real 18.16 servers: one, and the 2-shard
# example with ZooKeeper, started and stopped by the test run itself; current ClickHouse
# in-process through chDB) and end-to-end (real headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-chromium.sh
bash scripts/ensure-clickhouse.sh

# `npm ci` on a fresh clone (exact lockfile); `npm install` keeps a developer's tree.
# Both run the root `prepare` script, which builds every package.
if [ -n "${CI:-}" ] || [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
npm run build --silent

npm run typecheck
npx vitest run
