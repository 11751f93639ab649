#!/usr/bin/env bash
# CPU profile of the started API during one benchmark run: perf samples the API process (managed frames named through
# the runtime's perf map) from its start to its exit, then the report keeps only the load's last seconds.
#   bench/profile-api.sh <load seconds to keep> <ECommerce.Bench options...>
#   e.g. bench/profile-api.sh 12 --start postgres --target project --scenario flash-sale
# Needs perf (Debian package linux-perf) and a Release build. Writes bench-results/perf.data and prints the report.
set -euo pipefail
cd "$(dirname "$0")/.."
keep=$1; shift
mkdir -p bench-results
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
dotnet bench/ECommerce.Bench/bin/Release/net10.0/ECommerce.Bench.dll --no-progress "$@" > bench-results/profile-run.txt &
bench=$!
until api=$(pgrep -f 'net10.0/ECommerce.Api.dll' | head -1); do sleep 0.2; done
perf record -F 499 -g -p "$api" -o bench-results/perf.data 2> bench-results/perf-record.txt &
recorder=$!
wait "$bench"
sleep 1; kill -INT "$recorder" 2>/dev/null || true; wait "$recorder" || true
grep -E 'http_reqs|PASS|FAIL' bench-results/profile-run.txt || true
last=$(perf script -i bench-results/perf.data -F time 2>/dev/null | tail -1 | tr -d ': ')
from=$(echo "$last - $keep - 1" | bc)
to=$(echo "$last - 1" | bc)
for sort in dso symbol; do
  perf report -i bench-results/perf.data --time "$from,$to" --no-children --sort "$sort" --stdio -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -25
done
