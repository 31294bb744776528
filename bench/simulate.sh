#!/usr/bin/env bash
# A full year of the default network at 2030-level demand (the 2024 flows × 2.2 ≈ 1.03 M TEU):
# seconds per replication on one core, peak memory for 1 and 3 years, and the Monte Carlo
# speed-up from 1 to 2 threads. Usage: bench/simulate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p corridor
bin=target/release/corridor
for y in 365 1095; do
    /usr/bin/time -f "days=$y, 1 replication, 1 thread: %e s wall, peak RSS %M KB" \
        $bin simulate --demand-factor 2.2 --days $y --warmup-days 30 --replications 1 --threads 1 --quiet > /dev/null
done
for t in 1 2; do
    /usr/bin/time -f "8 replications, $t thread(s): %e s wall, peak RSS %M KB" \
        $bin simulate --demand-factor 2.2 --replications 8 --threads $t --quiet > /dev/null
done
$bin simulate --demand-factor 2.2 --replications 1 --threads 1 --json --quiet | python3 -c "import json,sys; r=json.load(sys.stdin)['report']; print('TEU delivered per year:', round(sum(c['teu_delivered']['mean'] for c in r['corridors'])), ' events:', r['events'])"
