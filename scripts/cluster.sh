#!/usr/bin/env bash
# A local cluster for a developer: redis-server (Debian's redis-server package) for membership and three API nodes
# on one database, each with its own HTTP, silo and gateway port. Prints the URLs; Ctrl-C stops everything.
#
#   scripts/cluster.sh                      # SQLite file data/cluster.db shared by the nodes
#   Storage__Provider=Postgres ConnectionStrings__Postgres='Host=...' scripts/cluster.sh
#
# Ports: HTTP_PORT, SILO_PORT and GATEWAY_PORT are the first node's (the next nodes count up), REDIS_PORT the Redis
# this script starts. NODES sets how many nodes.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
NODES=${NODES:-3}
HTTP_PORT=${HTTP_PORT:-5001}
SILO_PORT=${SILO_PORT:-11111}
GATEWAY_PORT=${GATEWAY_PORT:-30000}
REDIS_PORT=${REDIS_PORT:-6390}
LOGS=$ROOT/data/cluster-logs

command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server" >&2; exit 1; }
mkdir -p "$LOGS"

NODE_PIDS=()
REDIS_PID=
alive() {
  local pid
  for pid; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}

# Nodes first, while Redis still holds the membership table they leave; a node that hangs is killed after 30 s.
stop() {
  trap - INT TERM EXIT
  echo "stopping ${#NODE_PIDS[@]} nodes and Redis"
  if ((${#NODE_PIDS[@]})); then
    kill "${NODE_PIDS[@]}" 2>/dev/null || true
    for _ in $(seq 1 60); do
      alive "${NODE_PIDS[@]}" || break
      sleep 0.5
    done
    kill -9 "${NODE_PIDS[@]}" 2>/dev/null || true
  fi
  [[ -n $REDIS_PID ]] && kill "$REDIS_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap 'exit 130' INT TERM
trap stop EXIT

# In its own session, so the terminal's Ctrl-C reaches Redis only through stop(), after the nodes.
setsid redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no >"$LOGS/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 50); do
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

dotnet build src/Api -c Release --nologo -v quiet
APP_DIR=$ROOT/src/Api/bin/Release/net10.0

export Cluster__Provider=Redis
export ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT"
export Cluster__AdvertisedAddress=127.0.0.1
export Cluster__ClusterId=${Cluster__ClusterId:-local}
export Storage__Provider=${Storage__Provider:-Sqlite}
if [[ $Storage__Provider == Sqlite ]]; then
  export ConnectionStrings__Sqlite=${ConnectionStrings__Sqlite:-Data Source=$ROOT/data/cluster.db}
fi

for ((i = 0; i < NODES; i++)); do
  # The first node seeds the demo data once; the others join the same shop.
  (cd "$APP_DIR" && exec env \
      Cluster__SiloPort=$((SILO_PORT + i)) Cluster__GatewayPort=$((GATEWAY_PORT + i)) \
      DemoData__Enabled=$([[ $i == 0 ]] && echo true || echo false) \
      dotnet ECommerce.Api.dll --urls "http://127.0.0.1:$((HTTP_PORT + i))") >"$LOGS/node$i.log" 2>&1 &
  NODE_PIDS+=($!)
done

for ((i = 0; i < NODES; i++)); do
  url="http://127.0.0.1:$((HTTP_PORT + i))"
  for attempt in $(seq 1 120); do
    curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
    [[ $attempt == 120 ]] && { echo "node $i did not start; see $LOGS/node$i.log" >&2; exit 1; }
    sleep 0.5
  done
done

echo "Redis 127.0.0.1:$REDIS_PORT; logs in $LOGS"
for ((i = 0; i < NODES; i++)); do
  url="http://127.0.0.1:$((HTTP_PORT + i))"
  echo "node $i: $url/swagger  $url/dashboard  $url/admin  (silo $((SILO_PORT + i)), gateway $((GATEWAY_PORT + i)))"
done
echo "Ctrl-C stops all."
wait -n "${NODE_PIDS[@]}" || true
echo "a process ended on its own; see $LOGS" >&2
