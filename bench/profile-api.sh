#!/usr/bin/env bash
# CPU profile of the started API during one benchmark run: perf samples the whole machine (managed frames named through
# the runtime's perf map) from the API's start to its exit on the monotonic clock, and the report keeps the API's
# samples in exactly the measured load, from the window the tool prints (warm-up, set-up and verification left out),
# as shares of the API's own samples. (Attached with -p, perf saw only the threads the API had when it attached.)
#   bench/profile-api.sh <ECommerce.Bench options...>
#   e.g. bench/profile-api.sh --start postgres --target project --scenario full-flow --users 3000 --stock 3000
# Needs perf (Debian package linux-perf) and a Release build. Writes bench-results/perf.data and prints the report: by
# thread name and library, then by symbol.
set -euo pipefail
cd "$(dirname "$0")/.."
# Earlier reports named a number of seconds to keep first; the window is now the measured load itself.
if [[ ${1:-} =~ ^[0-9.]+$ ]]; then shift; fi
mkdir -p bench-results
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
dotnet bench/ECommerce.Bench/bin/Release/net10.0/ECommerce.Bench.dll --no-progress "$@" > bench-results/profile-run.txt 2>&1 &
bench=$!
until api=$(pgrep -f 'net10.0/ECommerce.Api.dll' | head -1); do sleep 0.2; done
perf record -a -k CLOCK_MONOTONIC -F 499 -g -o bench-results/perf.data 2> bench-results/perf-record.txt &
recorder=$!
wait "$bench" || true
sleep 1; kill -INT "$recorder" 2>/dev/null || true; wait "$recorder" || true
grep -E 'http_reqs|warm-up\.|PASS|FAIL' bench-results/profile-run.txt || true
window=$(grep -m1 'on project: measured load on the monotonic clock' bench-results/profile-run.txt | sed -E 's/.* from ([0-9.]+) to ([0-9.]+) s/\1,\2/')
echo "perf report --time $window"
perf report -i bench-results/perf.data --pid "$api" --percentage relative --time "$window" --no-children --sort comm,dso --stdio -g none 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -20
perf report -i bench-results/perf.data --pid "$api" --percentage relative --time "$window" --no-children --sort symbol --stdio -g none 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -40 | cut -c1-220
