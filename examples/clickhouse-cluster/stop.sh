#!/usr/bin/env bash
# Stops what start.sh DIR started (ClickHouse servers, then ZooKeeper); the data stays in DIR.
set -uo pipefail
dir=${1:?usage: stop.sh DIR}
stop() { # pidfile
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null
  rm -f "$1"
}
for p in "$dir"/shard*/pid; do stop "$p"; done
stop "$dir/zookeeper/pid"
rm -f "$dir/running"
