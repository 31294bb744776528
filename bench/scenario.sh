#!/usr/bin/env bash
# Scenario runs (issue 9): the target is a 2025–2030 scenario with 100 replications (project
# delays and operations) on the embedded network in under 30 s on 2 cores, memory flat in
# the number of replications. Runs each case three times, interleaved; wall time and peak
# RSS from /usr/bin/time.
#   caspian-low-water     2025–2030, the 2024 volumes held (≈0.47 M TEU a year), two dated
#                         interventions: the corridor near its capacity
#   middle-corridor-2030  2025–2030, 13 projects drawn per replication, demand growing to the
#                         published targets (0.43 → 0.78 M TEU a year): saturated from 2026,
#                         queues of 10⁵ units
# Usage: bench/scenario.sh [OLD_BINARY]
#   With OLD_BINARY (a copy of an earlier target/release/corridor), each case runs with the
#   old and the new binary alternately, so a shared machine's load falls on both alike;
#   compare user CPU (the work done), not wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p corridor
bin=target/release/corridor
bins=("$bin")
if [ $# -gt 0 ]; then bins=("$1" "$bin"); fi
for i in 1 2 3; do
    for s in caspian-low-water middle-corridor-2030; do
        for b in "${bins[@]}"; do
            /usr/bin/time -f "$b: $s, 100 replications, 2 threads: %e s wall, %U s user CPU, peak RSS %M KB" \
                "$b" scenario run $s --replications 100 --threads 2 --quiet > /dev/null
        done
    done
done
# Memory in the number of replications: 10 against 100.
for r in 10 100; do
    /usr/bin/time -f "caspian-low-water, $r replications: peak RSS %M KB" \
        $bin scenario run caspian-low-water --replications $r --threads 2 --quiet > /dev/null
done
# A comparison with its attribution runs.
/usr/bin/time -f "compare baseline middle-corridor-2030, 10 replications: %e s wall, peak RSS %M KB" \
    $bin scenario compare baseline middle-corridor-2030 --replications 10 --threads 2 --quiet > /dev/null
