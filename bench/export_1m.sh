#!/usr/bin/env bash
# Peak memory and wall time of `network export` (json, geojson, csv) on a 1-million-link
# synthetic network, through the real CLI. With a second binary (an older build), both run
# in turn, pair by pair, on the same files.
# Usage: bench/export_1m.sh [OTHER_CORRIDOR_BINARY] [LINKS]   (default LINKS 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
other=${1:-}
links=${2:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release -q -p corridor
cargo build --release -q -p corridor-model --example synth
target/release/examples/synth "$dir/net" "$links"
du -sh "$dir/net"
bins=(target/release/corridor)
[ -n "$other" ] && bins+=("$other")
for format in json geojson csv; do
    for i in 1 2 3; do
        for b in "${bins[@]}"; do
            out="$dir/out.$format"
            rm -rf "$out"
            /usr/bin/time -f "$format run $i $b: %e s wall, peak RSS %M KB" \
                "$b" --data "$dir/net" network export --format "$format" --out "$out" 2>&1 >/dev/null | grep -v '^wrote'
            du -sh "$out" | sed "s|$dir/||"
        done
    done
done
