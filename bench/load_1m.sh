#!/usr/bin/env bash
# Load time and peak memory of a 1-million-link synthetic network, through the real CLI
# (files on disk, streamed), plus the in-process criterion benchmark.
# Usage: bench/load_1m.sh [LINKS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
links=${1:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release -q -p corridor -p corridor-model --example synth
target/release/examples/synth "$dir" "$links"
du -sh "$dir"
for i in 1 2 3 4 5; do
    /usr/bin/time -f "run $i: %e s wall, peak RSS %M KB" target/release/corridor network validate "$dir" >/dev/null
done
cargo bench -q -p corridor-model --bench load -- --warm-up-time 1 --measurement-time 20
