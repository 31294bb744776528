#!/usr/bin/env bash
# Sweeps (issue 14), on the embedded network, release build; figures in bench/RESULTS.md.
#   overhead   the cost of a work unit beyond its simulation: a 200-unit sweep of one-year
#              runs on one thread, its wall time less the units' own simulation time
#              (manifest.json), less the fixed cost of a 1-unit sweep (start, network, plan),
#              per unit. Target: under 1 ms.
#   shards     24 units of a 2025–2030 scenario: one process on one thread, then 2 shards
#              as 2 processes of one thread each at once, 3 times interleaved. Target: the
#              2 processes at least 1.9× faster on 2 free cores.
#   big        the 200-variant × 20-replication sweep of bench/sweep/sweep-200x20.toml
#              (2025–2030, 4,000 units) on 2 threads: time, Parquet size, then the time of
#              `corridor sweep summarize` and of DuckDB's query over the same files.
# Usage: bench/sweep.sh [overhead|shards|big|all] (default: all). `big` takes about 20 min
# on 2 free cores; it needs python3 with duckdb (pip install duckdb). CORRIDOR_BIN=PATH runs
# that binary instead of building target/release/corridor.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
if [ -n "${CORRIDOR_BIN:-}" ]; then
    bin=$CORRIDOR_BIN
else
    cargo build --release -q -p corridor
    bin=$PWD/target/release/corridor
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A field of a shard's manifest.json.
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
# A plan: NAME SCENARIO REPLICATIONS, then axis lines.
plan() {
    local f=$tmp/$1.toml
    printf 'name = "%s"\nscenario = "%s"\nreplications = %s\n' "$1" "$2" "$3" > "$f"
    cat >> "$f"
    echo "$f"
}

if [ "$what" = overhead ] || [ "$what" = all ]; then
    one=$(plan ovh-one red-sea-closure 1 <<'EOF'
[[axis]]
param = "run.last_year"
values = [2025]
EOF
)
    many=$(plan ovh-many red-sea-closure 20 <<'EOF'
[[axis]]
param = "run.last_year"
values = [2025]
[[axis]]
param = "demand.growth"
range = { from = 0.0, to = 0.09, step = 0.01 }
EOF
)
    for i in 1 2 3; do
        for p in "$one" "$many"; do
            out=$tmp/out-$(basename "$p" .toml)-$i
            "$bin" sweep run "$p" --out "$out" --threads 1 --quiet > /dev/null
        done
        m1=$tmp/out-ovh-one-$i/_shards/0-of-1/manifest.json
        m2=$tmp/out-ovh-many-$i/_shards/0-of-1/manifest.json
        python3 - "$m1" "$m2" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
fixed = a["elapsed_s"] - a["units_run"] * a["unit_mean_s"]
rest = b["elapsed_s"] - b["units_run"] * b["unit_mean_s"]
per = (rest - fixed) / (b["units_run"] - a["units_run"])
print(f"overhead: {b['units_run']} units in {b['elapsed_s']:.3f} s, simulation {b['units_run'] * b['unit_mean_s']:.3f} s "
      f"(mean {b['unit_mean_s'] * 1000:.1f} ms a unit); fixed cost {fixed * 1000:.1f} ms; "
      f"beyond the simulation {per * 1000:.3f} ms a unit")
EOF
    done
fi

if [ "$what" = shards ] || [ "$what" = all ]; then
    p=$(plan shards caspian-low-water 12 <<'EOF'
[[axis]]
param = "demand.growth"
values = [0.03, 0.06]
EOF
)
    # Wall and user CPU of each process (/usr/bin/time): on a shared machine the CPU time
    # says whether the two shards did the one process's work and nothing more.
    t() { /usr/bin/time -f "%e %U" -o "$1" "${@:2}"; }
    for i in 1 2 3; do
        t "$tmp/t1" "$bin" sweep run "$p" --out "$tmp/sh1-$i" --threads 1 --quiet > /dev/null
        s=$(date +%s.%N)
        t "$tmp/ta" "$bin" sweep run "$p" --out "$tmp/sh2-$i" --shard 0/2 --threads 1 --quiet > /dev/null &
        a=$!
        t "$tmp/tb" "$bin" sweep run "$p" --out "$tmp/sh2-$i" --shard 1/2 --threads 1 --quiet > /dev/null &
        b=$!
        wait $a
        wait $b
        t2=$(echo "$(date +%s.%N) - $s" | bc)
        read -r w1 u1 < "$tmp/t1"
        read -r _ ua < "$tmp/ta"
        read -r _ ub < "$tmp/tb"
        echo "shards: 24 units, 1 process ${w1} s (${u1} s CPU), 2 processes ${t2} s (${ua} + ${ub} s CPU): $(echo "scale=2; $w1 / $t2" | bc)× wall, CPU $(echo "scale=3; ($ua + $ub) / $u1" | bc)× the one process's (load average $(cut -d' ' -f1 /proc/loadavg))"
    done
fi

if [ "$what" = big ] || [ "$what" = all ]; then
    out=$tmp/big
    /usr/bin/time -f "big: 4,000 units on 2 threads: %e s wall, %U s user CPU, peak RSS %M KB" \
        "$bin" sweep run bench/sweep/sweep-200x20.toml --out "$out" --threads 2 --quiet > /dev/null
    echo "big: mean unit $(field "$out/_shards/0-of-1/manifest.json" unit_mean_s) s; Parquet $(find "$out" -name '*.parquet' | wc -l) files, $(du -cb "$out"/variant=*/*.parquet | tail -1 | cut -f1) bytes; rows $(python3 -c "import duckdb,sys; print(duckdb.sql(\"SELECT count(*) FROM read_parquet('$out/variant=*/*.parquet')\").fetchall()[0][0])")"
    for i in 1 2 3; do
        /usr/bin/time -f "big: corridor sweep summarize --csv: %e s wall, peak RSS %M KB" \
            "$bin" sweep summarize "$out" --csv > "$tmp/summary.csv"
        q=$("$bin" sweep summarize "$out" --sql)
        /usr/bin/time -f "big: DuckDB's query (python3 duckdb $(python3 -c 'import duckdb; print(duckdb.__version__)')): %e s wall, peak RSS %M KB" \
            python3 -c 'import duckdb, sys; duckdb.sql(sys.argv[1]).fetchall()' "$q"
    done
    echo "big: summary rows $(($(wc -l < "$tmp/summary.csv") - 1))"
fi
