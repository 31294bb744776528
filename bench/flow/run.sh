#!/usr/bin/env bash
# corridor-flow benchmarks against AequilibraE (assignment) and OR-Tools (max flow), run
# in interleaved pairs on the same files in the same run. Writes JSON lines (one per run,
# with the process's peak RSS from /usr/bin/time -v) to bench/flow/results/.
#
#   pip install aequilibrae ortools networkx
#   bash bench/flow/run.sh            # ROUNDS=3 by default
#   python3 bench/flow/summarize.py bench/flow/results/*.jsonl
#
# Filters for a quick rerun: NETS="Grid" GAPS="1e-4 1e-6" MAXFLOW=0 TAG=grid_quiet;
# NETS=none MAXFLOW=1 GRAPHS="genrmf_1m" for max flow only
# (results then go to bench/flow/results/assign_$TAG.jsonl).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-flow}
cargo build -q -p corridor-flow --release --example assign_bench --example maxflow_bench
BIN=$CARGO_TARGET_DIR/release/examples
OUT=bench/flow/results
mkdir -p "$OUT"
D=crates/flow/tests/fixtures/tntp
[ -f bench/flow/networks/Grid_net.tntp ] || python3 bench/flow/make_grid.py bench/flow/networks
[ -f bench/flow/graphs/grid_1m.max ] || python3 bench/flow/make_maxflow_graph.py bench/flow/graphs

# One run under /usr/bin/time -v; prints its JSON lines with "max_rss_kb" added.
timed() {
  local err
  err=$(mktemp)
  /usr/bin/time -v "$@" 2>"$err" | while read -r line; do
    echo "${line%\}},\"max_rss_kb\":RSS}"
  done >"$err.out"
  local rss
  rss=$(grep "Maximum resident set size" "$err" | awk '{print $NF}')
  sed "s/RSS/$rss/" "$err.out"
  rm -f "$err" "$err.out"
}

nets=("SiouxFalls $D/SiouxFalls/SiouxFalls_net.tntp $D/SiouxFalls/SiouxFalls_trips.tntp"
      "Anaheim $D/Anaheim/Anaheim_net.tntp $D/Anaheim/Anaheim_trips.tntp"
      "Grid bench/flow/networks/Grid_net.tntp bench/flow/networks/Grid_trips.tntp")

NETS=${NETS:-"SiouxFalls Anaheim Grid"}
GAPS=${GAPS:-"1e-4 1e-6 1e-10"}
A=$OUT/assign${TAG:+_$TAG}.jsonl
[ "$NETS" = none ] || : >"$A"
for r in $(seq "$ROUNDS"); do
  for spec in "${nets[@]}"; do
    read -r name net trips <<<"$spec"
    [[ " $NETS " == *" $name "* ]] || continue
    for gap in $GAPS; do
      timed "$BIN/assign_bench" "$name" "$net" "$trips" --gaps "$gap" >>"$A"
      timed "$BIN/assign_bench" "$name" "$net" "$trips" --gaps "$gap" --threads 1 \
        | sed 's/"tool":"corridor-flow"/"tool":"corridor-flow-1thread"/' >>"$A"
      # AequilibraE: 1e-4 and 1e-6 every round (5000 iterations at most); 1e-10 once,
      # capped at 3000 iterations (it does not get there).
      if [ "$gap" != 1e-10 ]; then
        timed python3 bench/flow/aeq_assign.py "$name" "$net" "$trips" --gaps "$gap" --max-iter 5000 >>"$A"
      elif [ "$r" = 1 ]; then
        timed python3 bench/flow/aeq_assign.py "$name" "$net" "$trips" --gaps "$gap" --max-iter 3000 >>"$A"
      fi
    done
  done
done

[ "${MAXFLOW:-1}" = 1 ] || { echo "results in $OUT"; exit 0; }
M=$OUT/maxflow${TAG:+_$TAG}.jsonl
: >"$M"
for r in $(seq $((ROUNDS + 2))); do
  for g in ${GRAPHS:-rlg_1m genrmf_1m grid_1m}; do
    timed "$BIN/maxflow_bench" "bench/flow/graphs/$g.max" --check >>"$M"
    timed python3 bench/flow/ortools_maxflow.py "bench/flow/graphs/$g.max" >>"$M"
  done
done
echo "results in $OUT"
