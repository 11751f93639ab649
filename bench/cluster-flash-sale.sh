#!/usr/bin/env bash
# The flash sale on 1 node and on 3 nodes of one cluster (scripts/cluster.sh: Redis membership, PostgreSQL), the load
# spread over the nodes' URLs (user i on node i mod 3). A fresh schema of ecommerce_bench per run; outputs in
# bench-results/. Needs `dotnet build ECommerce.sln -c Release`, redis-server and the local PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-results
POSTGRES=${ECOMMERCE_BENCH_POSTGRES:-Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=ecommerce_bench}
psql_bench() { (cd /tmp && runuser -u postgres -- psql -q -d ecommerce_bench -c "$1"); }

for nodes in 1 3; do
  name=flash-sale-postgres-$nodes-node
  schema=bench_cluster_${nodes}_$(date +%s)
  psql_bench "CREATE SCHEMA $schema"
  Storage__Provider=Postgres ConnectionStrings__Postgres="$POSTGRES;Search Path=$schema;Maximum Pool Size=20" \
    DemoData__Enabled=false NODES=$nodes HTTP_PORT=5201 SILO_PORT=21201 GATEWAY_PORT=31201 REDIS_PORT=6392 \
    Cluster__ClusterId=bench$nodes scripts/cluster.sh >"bench-results/$name-cluster.txt" 2>&1 &
  cluster=$!
  for _ in $(seq 1 240); do
    grep -q "Ctrl-C stops all" "bench-results/$name-cluster.txt" && break
    sleep 0.5
  done
  urls=$(for ((i = 0; i < nodes; i++)); do echo "http://127.0.0.1:$((5201 + i))"; done | paste -sd,)
  echo "== $name: ECommerce.Bench --url $urls --scenario flash-sale (load average: $(cut -d' ' -f1-3 /proc/loadavg))" \
    | tee "bench-results/$name.txt"
  dotnet bench/ECommerce.Bench/bin/Release/net10.0/ECommerce.Bench.dll --url "$urls" --scenario flash-sale --no-progress \
    --json "bench-results/$name.json" 2>&1 | tee -a "bench-results/$name.txt" || true
  kill -TERM "$cluster"
  wait "$cluster" || true
  psql_bench "DROP SCHEMA $schema CASCADE"
done
