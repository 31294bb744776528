#!/usr/bin/env bash
# Side by side, in one run: SimPy 4.1.2, the hand-written Rust loops and Corridor's kernel on
# the two reference models of ../../../shared/bench/des (M/M/c and the small corridor).
# Checks M/M/c results with erlang_c.py and prints entities per second with ratios.
# Usage: bench/des/compare.sh [REPS]     (corridor replications on one thread; default 20)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${SHARED:-$root/../shared}
reps=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$shared/bench/des" "$work/ref" && chmod -R u+w "$work/ref"
( cd "$work/ref/rust-baseline" && cargo build --release -q )
python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q simpy==4.1.2 scipy
( cd "$root" && cargo build -q --profile release-lto -p corridor-des-bench )
py=$work/venv/bin/python
base=$work/ref/rust-baseline/target/release
ours=$root/target/release-lto
field() { python3 -c "import json,sys; d=[json.loads(l) for l in sys.stdin if l.strip()][-1]; print(d$1)"; }

echo "== M/M/4, rho 0.9, N = 1e6: results checked against Erlang C (level 0.999)"
$py "$work/ref/mmc_simpy.py" --n 1000000 > "$work/simpy_mmc.json"
$base/des-baseline --n 1000000 --seed 7 > "$work/base_mmc.json"
$ours/mmc --n 1000000 --seed 7 > "$work/ours_mmc.json"
cat "$work/simpy_mmc.json" "$work/base_mmc.json" "$work/ours_mmc.json" | $py "$work/ref/erlang_c.py" --level 0.999 -
s=$(field "['customers_per_s']" < "$work/simpy_mmc.json")
b=$(field "['customers_per_s']" < "$work/base_mmc.json")
o=$(field "['customers_per_s']" < "$work/ours_mmc.json")
python3 -c "s,b,o=$s,$b,$o; print(f'customers/s  SimPy {s:,.0f}   hand-written {b:,.0f}   kernel {o:,.0f}   kernel/hand-written {o/b:.2f}   kernel/SimPy {o/s:.0f}x')"

echo "== corridor, 1 year: SimPy 1 replication; Rust $reps replications on 1 thread, then 200 on 2 threads"
$py "$work/ref/corridor_simpy.py" --reps 1 --seed 1 > "$work/simpy_cor.json"
$base/corridor-ref --reps "$reps" --threads 1 --seed 1 > "$work/base_cor.json"
$ours/corridor-kernel --reps "$reps" --threads 1 --seed 1 > "$work/ours_cor.json"
s=$(field "['containers_per_s']" < "$work/simpy_cor.json")
b=$(field "['containers_per_s']" < "$work/base_cor.json")
o=$(field "['containers_per_s']" < "$work/ours_cor.json")
python3 -c "s,b,o=$s,$b,$o; print(f'containers/s SimPy {s:,.0f}   hand-written {b:,.0f}   kernel {o:,.0f}   kernel/hand-written {o/b:.2f}   kernel/SimPy {o/s:.0f}x')"
$base/corridor-ref --reps 200 --threads 2 --seed 1 > "$work/base_cor2.json"
$ours/corridor-kernel --reps 200 --threads 2 --seed 1 > "$work/ours_cor2.json"
b=$(field "['containers_per_s']" < "$work/base_cor2.json")
o=$(field "['containers_per_s']" < "$work/ours_cor2.json")
python3 -c "b,o=$b,$o; print(f'200 reps on 2 threads: hand-written {b:,.0f}   kernel {o:,.0f} containers/s   ratio {o/b:.2f}')"
echo "statistics, kernel 200 reps:"; field "" < "$work/ours_cor2.json" | python3 -c "import ast,sys; d=ast.literal_eval(sys.stdin.read()); print({k: d[k] for k in ['e2e_mean_h','e2e_mean_ci95','e2e_p50_h','e2e_p95_h','sailings','weather_closures']})"
echo "statistics, hand-written 200 reps:"; field "" < "$work/base_cor2.json"
