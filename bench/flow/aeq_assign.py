#!/usr/bin/env python3
"""AequilibraE's bi-conjugate Frank-Wolfe (bfw) on TNTP files; one JSON line per run.

    pip install aequilibrae
    python3 bench/flow/aeq_assign.py NAME NET.tntp TRIPS.tntp --gaps 1e-4,1e-6 \
        [--max-iter 5000] [--repeat 1] [--cores 2]

Same conventions as corridor-flow's `assign_bench` example: each gap is a fresh solve,
`solve_s` times `TrafficAssignment.execute()` only, `load_s` the TNTP parsing and graph
and matrix building. AequilibraE's rgap is |Σ v·t − Σ AON·t| / Σ v·t, the same relative
gap as corridor-flow's (TSTT − SPTT) / TSTT. Centroid flows are blocked when the net's
<FIRST THRU NODE> is above 1 (zones may not be passed through), as TNTP requires.
The gap reported is AequilibraE's own last rgap (its check uses the AON of the last
iteration).
"""

import argparse
import json
import logging
import os
import sys
import time

# Progress bars off: they print every iteration and would slow AequilibraE down.
os.environ.setdefault("AEQ_SHOW_PROGRESS", "FALSE")

import numpy as np
import pandas as pd

logging.disable(logging.CRITICAL)


def read_net(path):
    meta, rows, body = {}, [], False
    for line in open(path):
        t = line.strip()
        if not t:
            continue
        if not body:
            if t.startswith("<"):
                tag, _, val = t[1:].partition(">")
                if tag == "END OF METADATA":
                    body = True
                else:
                    meta[tag] = val.strip()
            continue
        if t.startswith("~"):
            continue
        f = t.rstrip(";").split()
        rows.append([float(x) for x in f[:10]])
    a = np.array(rows)
    df = pd.DataFrame(
        {
            "a_node": a[:, 0].astype(np.int64),
            "b_node": a[:, 1].astype(np.int64),
            "capacity": a[:, 2],
            "length": a[:, 3],
            "free_flow_time": a[:, 4],
            "b": a[:, 5],
            "power": a[:, 6],
        }
    )
    df["link_id"] = np.arange(1, len(df) + 1)
    df["direction"] = 1
    return int(meta["NUMBER OF ZONES"]), int(meta["FIRST THRU NODE"]), df


def read_trips(path, zones):
    m = np.zeros((zones, zones))
    origin = None
    body = False
    for line in open(path):
        t = line.strip()
        if not body:
            if t.startswith("<END OF METADATA>"):
                body = True
            continue
        if not t or t.startswith("~"):
            continue
        if t.lower().startswith("origin"):
            origin = int(t.split()[1])
            continue
        for piece in t.split(";"):
            if ":" in piece:
                d, v = piece.split(":")
                m[origin - 1, int(d) - 1] = float(v)
    np.fill_diagonal(m, 0.0)
    return m


def main():
    from aequilibrae.matrix import AequilibraeMatrix
    from aequilibrae.paths import Graph, TrafficAssignment, TrafficClass

    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("net")
    ap.add_argument("trips")
    ap.add_argument("--gaps", default="1e-4,1e-6,1e-10")
    ap.add_argument("--max-iter", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--cores", type=int, default=0)
    args = ap.parse_args()

    t0 = time.perf_counter()
    zones, first_thru, df = read_net(args.net)
    demand = read_trips(args.trips, zones)
    g = Graph()
    g.network = df
    g.prepare_graph(np.arange(1, zones + 1))
    g.set_graph("free_flow_time")
    g.set_skimming(["free_flow_time"])
    g.set_blocked_centroid_flows(first_thru > 1)
    mat = AequilibraeMatrix()
    mat.create_empty(zones=zones, matrix_names=["matrix"], memory_only=True)
    mat.index[:] = np.arange(1, zones + 1)
    mat.matrices[:, :, 0] = demand
    mat.computational_view(["matrix"])
    load_s = time.perf_counter() - t0

    for gap in [float(x) for x in args.gaps.split(",")]:
        for r in range(args.repeat):
            tc = TrafficClass("car", g, mat)
            assig = TrafficAssignment()
            assig.set_classes([tc])
            assig.set_vdf("BPR")
            assig.set_vdf_parameters({"alpha": "b", "beta": "power"})
            assig.set_capacity_field("capacity")
            assig.set_time_field("free_flow_time")
            assig.set_algorithm("bfw")
            if args.cores:
                assig.set_cores(args.cores)
            assig.max_iter = args.max_iter
            assig.rgap_target = gap
            t = time.perf_counter()
            assig.execute()
            solve_s = time.perf_counter() - t
            rgap = float(assig.assignment.rgap)
            print(
                json.dumps(
                    {
                        "tool": "aequilibrae-bfw",
                        "network": args.name,
                        "target_gap": gap,
                        "repeat": r,
                        "reached": rgap <= gap,
                        "gap": rgap,
                        "iterations": int(assig.assignment.iter),
                        "solve_s": round(solve_s, 6),
                        "load_s": round(load_s, 6),
                        "links": len(df),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
