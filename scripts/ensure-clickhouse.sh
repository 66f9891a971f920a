#!/usr/bin/env bash
# Makes sure Debian's ClickHouse server (18.16) and ZooKeeper (for the 2-shard example's ON CLUSTER
# DDL) are installed for the ClickHouse tests; the tests start their own servers on loopback
# (examples/clickhouse-cluster/start.sh) and stop them. As root it installs them (apt);
# otherwise it says how. A missing server fails the ClickHouse tests, never skips them.
set -euo pipefail
missing=()
command -v clickhouse-server >/dev/null 2>&1 || missing+=(clickhouse-server)
[ -f /usr/share/java/zookeeper.jar ] || missing+=(zookeeper)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the ClickHouse tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # the packages' own services are not used: the tests start servers from temp folders
  for s in clickhouse-server zookeeper; do
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$s" >/dev/null 2>&1 || true; fi
    service "$s" stop >/dev/null 2>&1 || true
  done
  exit 0
fi
echo "error: ${missing[*]} missing and cannot be installed here (not root or no apt-get): sudo apt-get install -y ${missing[*]}" >&2
exit 1
