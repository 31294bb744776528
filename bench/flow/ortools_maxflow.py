#!/usr/bin/env python3
"""OR-Tools' SimpleMaxFlow on a DIMACS max-flow file; one JSON line per solve.

    pip install ortools numpy
    python3 bench/flow/ortools_maxflow.py FILE.max [--repeat 3]

`load_s` is reading the file and adding the arcs (numpy, vectorised), `solve_s` is
`SimpleMaxFlow.solve()` alone; a fresh SimpleMaxFlow per repeat.
"""

import argparse
import json
import time

import numpy as np
from ortools.graph.python import max_flow


def read(path):
    tails, heads, caps = [], [], []
    s = t = None
    with open(path) as f:
        for line in f:
            if line[0] == "a":
                _, u, v, c = line.split()
                tails.append(int(u) - 1)
                heads.append(int(v) - 1)
                caps.append(int(c))
            elif line[0] == "n":
                _, i, k = line.split()
                if k == "s":
                    s = int(i) - 1
                else:
                    t = int(i) - 1
    return (np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
            np.array(caps, dtype=np.int64), s, t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    t0 = time.perf_counter()
    tails, heads, caps, s, t = read(args.file)
    parse_s = time.perf_counter() - t0
    for r in range(args.repeat):
        t1 = time.perf_counter()
        smf = max_flow.SimpleMaxFlow()
        smf.add_arcs_with_capacity(tails, heads, caps)
        add_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        status = smf.solve(s, t)
        solve_s = time.perf_counter() - t2
        assert status == smf.OPTIMAL, status
        print(json.dumps({"tool": "ortools-simplemaxflow", "file": args.file, "repeat": r,
                          "value": int(smf.optimal_flow()), "arcs": int(len(tails)),
                          "solve_s": round(solve_s, 6), "load_s": round(parse_s + add_s, 6)}),
              flush=True)


if __name__ == "__main__":
    main()
