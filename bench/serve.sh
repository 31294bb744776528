#!/usr/bin/env bash
# Load test of `corridor serve` on loopback (issue 12: route queries at >= 5,000 requests/s on
# 2 cores with p99 under 50 ms and zero errors, while a simulation job runs). Starts a release
# server with a fresh database, submits a year-long simulation job, then runs wrk (Debian's
# `wrk`) for a bounded time against POST /api/route, and prints wrk's latency distribution
# and the count of non-2xx answers. Bounded: DURATION seconds (default 20), loopback only.
# Usage: bench/serve.sh [DURATION] [CONNECTIONS] [SAMPLES]
# CORRIDOR_BIN=PATH runs that binary instead of building target/release/corridor (to compare
# an old build with a new one side by side in one session); NO_JOB=1 skips the simulation
# job (the server alone under the load).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
conns=${2:-16}
samples=${3:-200}
if [ -n "${CORRIDOR_BIN:-}" ]; then
    bin=$CORRIDOR_BIN
else
    cargo build --release -q -p corridor
    bin=target/release/corridor
fi
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --bind "127.0.0.1:$port" --db "$tmp/bench.db" 2>"$tmp/serve.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    sleep 0.1
done
body="{\"from\":\"Xian\",\"to\":\"Duisburg\",\"date\":\"2026-03-03\",\"teu\":2,\"samples\":$samples}"
echo "one request:"; curl -sS -o /dev/null -w "  HTTP %{http_code}, %{time_total} s, %{size_download} bytes\n" \
    -H 'content-type: application/json' -d "$body" "http://127.0.0.1:$port/api/route"
if [ -z "${NO_JOB:-}" ]; then
    job=$(curl -sS -H 'content-type: application/json' -d '{"days":365,"replications":200}' \
        "http://127.0.0.1:$port/api/simulations")
    echo "background job: $job"
fi
cat > "$tmp/route.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$body'
local bad = 0
response = function(status, headers, body) if status ~= 200 then bad = bad + 1 end end
done = function(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in pairs({50, 90, 99, 99.9}) do io.write(string.format("p%g latency: %.2f ms\n", p, latency:percentile(p) / 1000)) end
end
LUA
wrk -t2 -c"$conns" -d"${duration}s" --latency -s "$tmp/route.lua" "http://127.0.0.1:$port/api/route"
echo "job after the load: $(curl -sS "http://127.0.0.1:$port/api/jobs" | head -c 300)"
