#!/usr/bin/env bash
# decree serve under load: wrk (Debian's wrk) on loopback, 50 connections, half evaluating a case
# with a full trace and half checking an edited amendment (bench/serve_load.lua). Prints wrk's
# throughput and latency distribution (p99), the requests that failed, and the server's memory
# (resident set) before, after a first and after a second run: it should stay flat.
# A benchmark, not a test: its figures depend on the machine. The README quotes one run.
#
# usage: bench/serve_load.sh [DECREE] [SECONDS]   (default build/cli/decree, 20 s per run)
set -euo pipefail
cd "$(dirname "$0")/.."
decree=${1:-build/cli/decree}
seconds=${2:-20}
command -v wrk >/dev/null || { echo "serve_load: wrk is missing (scripts/setup installs it)" >&2; exit 2; }

log=$(mktemp)
"$decree" serve --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q "playground is at" "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.]*:[0-9]*/' "$log" | head -1)
[ -n "$url" ] || { cat "$log" >&2; exit 2; }

rss() { awk '/^VmRSS/ {print $2 " kB"}' /proc/$pid/status; }
echo "server: $url (pid $pid), resident before: $(rss)"
# Both requests must succeed before the load: a refused request would make the figures meaningless.
curl -sf -X POST "${url}api/evaluate" -H 'Content-Type: application/json' \
  -d '{"policy":{"path":"policies/telegram-1956.decree"},"case":"ly-kim","set":{"misdemeanor":"false"}}' >/dev/null
for run in 1 2; do
  echo "--- run $run: wrk -t2 -c50 -d${seconds}s"
  wrk -t2 -c50 -d"${seconds}s" --latency -s bench/serve_load.lua "$url"
  echo "resident after run $run: $(rss)"
done
echo "peak resident (VmHWM): $(awk '/^VmHWM/ {print $2 " kB"}' /proc/$pid/status)"
