#!/usr/bin/env bash
# A full year of the default network at 2030 demand (published-2030: the published
# 2030 targets, 1.04 M TEU of containers plus 6 Mt of wagonload): seconds per replication on
# one core, peak memory for 1 and 3 years and for 64 replications, and the Monte Carlo
# speed-up from 1 to 2 threads (three times each, interleaved).
# Usage: bench/simulate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p corridor
bin=target/release/corridor
for y in 365 1095; do
    /usr/bin/time -f "days=$y, 1 replication, 1 thread: %e s wall, %U s user CPU, peak RSS %M KB" \
        $bin simulate --demand published-2030 --year 2030 --days $y --warmup-days 30 --replications 1 --threads 1 --quiet > /dev/null
done
for t in 1 2 1 2 1 2; do
    /usr/bin/time -f "32 replications, $t thread(s): %e s wall, %U s user CPU, peak RSS %M KB" \
        $bin simulate --demand published-2030 --year 2030 --replications 32 --threads $t --quiet > /dev/null
done
# Memory in the number of replications (a replication keeps a summary, not its histograms).
/usr/bin/time -f "64 replications, 2 threads: %e s wall, %U s user CPU, peak RSS %M KB" \
    $bin simulate --demand published-2030 --year 2030 --replications 64 --threads 2 --quiet > /dev/null
$bin simulate --demand published-2030 --year 2030 --replications 1 --threads 1 --json --quiet | python3 -c "import json,sys; r=json.load(sys.stdin)['report']; print('TEU delivered per year:', round(sum(c['teu_delivered']['mean'] for c in r['corridors'])), ' events:', r['events'])"
