#!/usr/bin/env bash
# Interleaved max-flow timings of several builds of maxflow_bench (e.g. before and after a
# change) and OR-Tools, on the same graphs in the same run; JSON lines with the binary's
# label in "tool".
#
#   bash bench/flow/maxflow_versions.sh ROUNDS OUT.jsonl LABEL=PATH [LABEL=PATH ...]
#
# Graphs: GRAPHS="rlg_1m genrmf_1m grid_1m" by default (bench/flow/make_maxflow_graph.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=$1
out=$2
shift 2
: >"$out"
for r in $(seq "$rounds"); do
  for g in ${GRAPHS:-rlg_1m genrmf_1m grid_1m}; do
    for spec in "$@"; do
      label=${spec%%=*}
      bin=${spec#*=}
      "$bin" "bench/flow/graphs/$g.max" --check | sed "s/\"tool\":\"corridor-flow\"/\"tool\":\"$label\"/" >>"$out"
    done
    python3 bench/flow/ortools_maxflow.py "bench/flow/graphs/$g.max" >>"$out"
  done
done
