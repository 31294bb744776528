#!/usr/bin/env bash
# `corridor capacity` on the embedded network (issue 11: target under 10 ms), as a user runs
# it: a fresh process each time (loading the embedded dataset, building the graph, maximum
# flow and two successive minimum cuts, printing). Also `capacity saturation` and `assign`
# on the embedded scenarios. Median and quartiles of N runs, wall time per process.
# Usage: bench/capacity.sh [N]   (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p corridor
n=${1:-50}
python3 - "$n" <<'PY'
import statistics, subprocess, sys, time
n = int(sys.argv[1])
bin = "target/release/corridor"
cases = [
    ("capacity (CN -> EU, 2026 network)", [bin, "capacity"]),
    ("capacity --scenario middle-corridor-2030 --year 2030", [bin, "capacity", "--scenario", "middle-corridor-2030", "--year", "2030"]),
    ("capacity saturation --scenario middle-corridor-2030", [bin, "capacity", "saturation", "--scenario", "middle-corridor-2030"]),
    ("assign (embedded, 2026)", [bin, "assign"]),
]
times = {name: [] for name, _ in cases}
for _ in range(n):                      # interleaved: one run of each case per round
    for name, cmd in cases:
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t
        if r.returncode != 0:
            sys.exit(f"{name}: exit {r.returncode}: {r.stderr.decode()}")
        times[name].append(dt * 1000)
print(f"{'case':58} {'median ms':>10} {'p25':>8} {'p75':>8}")
for name, _ in cases:
    q = statistics.quantiles(times[name], n=4)
    print(f"{name:58} {statistics.median(times[name]):10.1f} {q[0]:8.1f} {q[2]:8.1f}")
PY
