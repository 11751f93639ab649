#!/usr/bin/env bash
# Runs every measurement in docs/BENCHMARKS.md, one after another, each under a minute; outputs in bench-results/.
# `bench/run-all.sh postgres` runs only the measurements whose name contains "postgres".
# Needs: `dotnet build ECommerce.sln -c Release` and a local PostgreSQL with the database ecommerce_bench.
# The cluster's measurements (1 node vs 3 nodes) are bench/cluster-flash-sale.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-results
ONLY=${1:-}
bench() {
  local name=$1
  shift
  [[ -z $ONLY || $name == *"$ONLY"* ]] || return 0
  echo "== $name: ECommerce.Bench $* (load average: $(cut -d' ' -f1-3 /proc/loadavg))" | tee "bench-results/$name.txt"
  dotnet bench/ECommerce.Bench/bin/Release/net10.0/ECommerce.Bench.dll "$@" --no-progress --json "bench-results/$name.json" \
    2>&1 | tee -a "bench-results/$name.txt" || true
}
for scenario in coupon-issue order-payment wallet-charge-use full-flow flash-sale; do
  bench "$scenario-postgres-vs-baseline" --start postgres --target both --scenario "$scenario"
done
bench coupon-issue-5000-postgres-vs-baseline --start postgres --target both --scenario coupon-issue --users 5000 --stock 1000
bench wallet-1000-postgres-vs-baseline --start postgres --target both --scenario wallet-charge-use --users 1000
bench all-sqlite --start sqlite --scenario all
bench top-products-postgres --start postgres --scenario top-products
bench full-flow-1000-sqlite --start sqlite --scenario full-flow --users 1000
bench full-flow-1000-postgres --start postgres --scenario full-flow --users 1000
bench flash-sale-sqlite-c32 --start sqlite --scenario flash-sale --concurrency 32
bench flash-sale-sqlite-group-commit-off --start sqlite --scenario flash-sale --group-commit off
bench flash-sale-postgres-group-commit-off --start postgres --scenario flash-sale --group-commit off
# Needs the local MariaDB/MySQL with the user of ECOMMERCE_BENCH_MYSQL (default ecommerce/ecommerce on 127.0.0.1:3306).
bench flash-sale-mysql --start mysql --scenario flash-sale
if [[ -z $ONLY || token-cost == *"$ONLY"* ]]; then
  echo "== token-cost: ECommerce.Bench token-cost --requests 20000 --concurrency 8 --rounds 7 (load average: $(cut -d' ' -f1-3 /proc/loadavg))" \
    | tee bench-results/token-cost.txt
  dotnet bench/ECommerce.Bench/bin/Release/net10.0/ECommerce.Bench.dll token-cost --requests 20000 --concurrency 8 --rounds 7 \
    2>&1 | tee -a bench-results/token-cost.txt || true
fi
