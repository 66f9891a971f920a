#!/usr/bin/env bash
# Starts a local ClickHouse cluster for Trackway on loopback, with all its data under DIR:
# 2 shards (one ClickHouse server each, tables: Distributed over MergeTree) and one ZooKeeper
# node for ON CLUSTER DDL. The last line printed is the store URL for the collectors:
#   TRACKWAY_STORE=clickhouse://trackway:trackway@127.0.0.1:<port>/trackway?cluster=trackway
#
#   examples/clickhouse-cluster/start.sh DIR            # 2 shards, ports from 28100
#   SHARDS=1 examples/clickhouse-cluster/start.sh DIR   # one plain server (no cluster, no ZooKeeper)
#   BASE_PORT=29100 examples/clickhouse-cluster/start.sh DIR
#   START_TIMEOUT=300 examples/clickhouse-cluster/start.sh DIR   # seconds to wait per server (120)
#   examples/clickhouse-cluster/stop.sh DIR
#
# Needs Debian's clickhouse-server (18.16) and, for 2 shards, zookeeper (3.8, Java):
#   apt-get install -y clickhouse-server zookeeper
# Shard i (0-based) listens on HTTP BASE_PORT+10i, native TCP BASE_PORT+10i+1 and
# interserver BASE_PORT+10i+2; ZooKeeper on BASE_PORT+90. Nothing listens beyond 127.0.0.1.
set -euo pipefail

dir=${1:?usage: start.sh DIR}
shards=${SHARDS:-2}
base=${BASE_PORT:-28100}
start_timeout=${START_TIMEOUT:-120} # seconds per server: one restarted on much data, on a busy machine, takes a while
user=trackway
password=${TRACKWAY_CH_PASSWORD:-trackway}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

command -v clickhouse-server >/dev/null || { echo "clickhouse-server not found: apt-get install -y clickhouse-server" >&2; exit 1; }
[ -e "$dir/running" ] && { echo "a cluster already runs in $dir (stop.sh $dir first)" >&2; exit 1; }

wait_port() { # host port seconds
  for _ in $(seq 1 $(( $3 * 20 ))); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on $1:$2 after $3 s" >&2
  return 1
}

# One GET to a server's HTTP interface, through bash's /dev/tcp (no curl needed); prints the body.
ch_get() { # port url-encoded-query
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /?query=%s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 && timeout 2 cat <&3) 2>/dev/null |
    tr -d '\r' | sed '1,/^$/d'
}

zk_port=$((base + 90))
if [ "$shards" -gt 1 ]; then
  java=$(command -v java) || { echo "java not found: apt-get install -y zookeeper" >&2; exit 1; }
  [ -f /usr/share/java/zookeeper.jar ] || { echo "zookeeper not found: apt-get install -y zookeeper" >&2; exit 1; }
  mkdir -p "$dir/zookeeper/data"
  cat > "$dir/zookeeper/zoo.cfg" <<CFG
tickTime=2000
dataDir=$dir/zookeeper/data
clientPort=$zk_port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr
CFG
  nohup "$java" -Xmx256m -cp /usr/share/java/zookeeper.jar org.apache.zookeeper.server.quorum.QuorumPeerMain \
    "$dir/zookeeper/zoo.cfg" > "$dir/zookeeper/zookeeper.log" 2>&1 &
  echo $! > "$dir/zookeeper/pid"
  wait_port 127.0.0.1 "$zk_port" 60
  # An open port (or "imok") is not a serving ZooKeeper, and ClickHouse 18.16 crashes on its next
  # ZooKeeper call once a session attempt failed: so the servers start only when `srvr` says it
  # serves (Mode: standalone).
  zk_ok=""
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$zk_port"; printf srvr >&3; timeout 1 cat <&3) 2>/dev/null | grep -q '^Mode: standalone'; then zk_ok=1; break; fi
    sleep 0.1
  done
  [ -n "$zk_ok" ] || { echo "ZooKeeper on 127.0.0.1:$zk_port is not serving after 60 s (see $dir/zookeeper/zookeeper.log)" >&2; exit 1; }
fi

# The cluster as every shard sees it: shard i is the server on 127.0.0.1:tcp_i.
remote=""
for i in $(seq 0 $((shards - 1))); do
  remote="$remote<shard><replica><host>127.0.0.1</host><port>$((base + 10 * i + 1))</port></replica></shard>"
done

for i in $(seq 0 $((shards - 1))); do
  d="$dir/shard$i"
  mkdir -p "$d/data" "$d/tmp" "$d/log" "$d/user_files" "$d/format_schemas"
  cluster=""
  if [ "$shards" -gt 1 ]; then
    cluster="<remote_servers><trackway>$remote</trackway></remote_servers>
  <zookeeper><node><host>127.0.0.1</host><port>$zk_port</port></node></zookeeper>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
  <macros><shard>$i</shard><replica>r0</replica></macros>"
  fi
  cat > "$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/error.log</errorlog><console>0</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$((base + 10 * i))</http_port>
  <tcp_port>$((base + 10 * i + 1))</tcp_port>
  <interserver_http_port>$((base + 10 * i + 2))</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  $cluster
</yandex>
XML
  cat > "$d/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <$user><password>$password</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></$user>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  nohup clickhouse-server --config-file="$d/config.xml" > "$d/log/stdout.log" 2>&1 &
  echo $! > "$d/pid"
done
for i in $(seq 0 $((shards - 1))); do wait_port 127.0.0.1 $((base + 10 * i)) "$start_timeout"; done
if [ "$shards" -gt 1 ]; then
  # every shard has its ZooKeeper session before anyone sends ON CLUSTER DDL
  for i in $(seq 0 $((shards - 1))); do
    for try in $(seq 1 200); do
      out=$(ch_get $((base + 10 * i)) "SELECT%20count()%20FROM%20system.zookeeper%20WHERE%20path%20%3D%20'%2F'" || true)
      [[ "$out" =~ ^[0-9]+$ ]] && break
      [ "$try" = 200 ] && { echo "shard $i has no ZooKeeper session: $out" >&2; exit 1; }
      sleep 0.05
    done
  done
fi
echo "$shards" > "$dir/running"

if [ "$shards" -gt 1 ]; then
  echo "ClickHouse cluster \"trackway\": $shards shards on 127.0.0.1 (HTTP ports $(for i in $(seq 0 $((shards - 1))); do printf '%s ' $((base + 10 * i)); done)), ZooKeeper on 127.0.0.1:$zk_port, data in $dir"
  echo "TRACKWAY_STORE=clickhouse://$user:$password@127.0.0.1:$base/trackway?cluster=trackway"
else
  echo "ClickHouse server on 127.0.0.1:$base (HTTP), data in $dir"
  echo "TRACKWAY_STORE=clickhouse://$user:$password@127.0.0.1:$base/trackway"
fi
