#!/usr/bin/env python3
"""Writes the max-flow test fixtures of corridor-flow and their expected values.

Each fixture is a DIMACS max-flow file (1-based nodes) with a comment line
`c expected VALUE`. The value is computed by networkx (preflow-push) and cross-checked
with OR-Tools' SimpleMaxFlow; the script fails if they disagree.

    pip install networkx ortools
    python3 bench/flow/maxflow_fixtures.py crates/flow/tests/fixtures/maxflow

Deterministic (fixed seeds); rerunning rewrites the same files.
"""

import os
import random
import sys

import networkx as nx
from ortools.graph.python import max_flow as ort_max_flow


def nx_value(n, arcs, s, t):
    # networkx DiGraph has no parallel arcs: merge them by summing capacities.
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for u, v, c in arcs:
        if u == v:
            continue
        if g.has_edge(u, v):
            g[u][v]["capacity"] += c
        else:
            g.add_edge(u, v, capacity=c)
    return nx.maximum_flow_value(g, s, t)


def ortools_value(n, arcs, s, t):
    smf = ort_max_flow.SimpleMaxFlow()
    for u, v, c in arcs:
        smf.add_arc_with_capacity(u, v, c)
    status = smf.solve(s, t)
    assert status == smf.OPTIMAL, status
    return smf.optimal_flow()


def random_graph(rng, n, m, cap):
    return [(rng.randrange(n), rng.randrange(n), rng.randint(0, cap)) for _ in range(m)]


def grid(rng, w, h, cap):
    """A w×h grid, arcs right/left/down/up; source 0 (top left) to last (bottom right)."""
    arcs = []
    idx = lambda x, y: y * w + x
    for y in range(h):
        for x in range(w):
            if x + 1 < w:
                arcs.append((idx(x, y), idx(x + 1, y), rng.randint(1, cap)))
                arcs.append((idx(x + 1, y), idx(x, y), rng.randint(1, cap)))
            if y + 1 < h:
                arcs.append((idx(x, y), idx(x, y + 1), rng.randint(1, cap)))
                arcs.append((idx(x, y + 1), idx(x, y), rng.randint(1, cap)))
    return w * h, arcs, 0, w * h - 1


def corridor(rng, stages, width, cap):
    """A chain of stages (terminals, borders, ports), each a few parallel nodes, with
    random links between consecutive stages and a few long-distance bypasses."""
    n = stages * width + 2
    s, t = n - 2, n - 1
    arcs = [(s, i, 10 * cap) for i in range(width)]
    for k in range(stages - 1):
        for i in range(width):
            for j in rng.sample(range(width), 3):
                arcs.append((k * width + i, (k + 1) * width + j, rng.randint(1, cap)))
    for _ in range(stages):
        k = rng.randrange(stages - 3)
        arcs.append((k * width + rng.randrange(width), (k + 3) * width + rng.randrange(width),
                     rng.randint(1, cap // 4)))
    arcs += [((stages - 1) * width + i, t, 10 * cap) for i in range(width)]
    return n, arcs, s, t


def write(path, name, n, arcs, s, t):
    a = nx_value(n, arcs, s, t)
    b = ortools_value(n, arcs, s, t)
    if a != b:
        sys.exit(f"{name}: networkx {a} != OR-Tools {b}")
    with open(os.path.join(path, name + ".max"), "w") as f:
        f.write(f"c {name}: written by bench/flow/maxflow_fixtures.py\n")
        f.write(f"c expected {a} (networkx preflow_push; OR-Tools SimpleMaxFlow agrees)\n")
        f.write(f"p max {n} {len(arcs)}\n")
        f.write(f"n {s + 1} s\nn {t + 1} t\n")
        for u, v, c in arcs:
            f.write(f"a {u + 1} {v + 1} {c}\n")
    print(f"{name}: n={n} m={len(arcs)} value={a}")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "crates/flow/tests/fixtures/maxflow"
    os.makedirs(path, exist_ok=True)
    rng = random.Random(20240601)
    n, m = 10, 24
    write(path, "01_tiny_random", n, random_graph(rng, n, m, 20), 0, n - 1)
    n, m = 60, 400
    arcs = random_graph(rng, n, m, 1000)
    arcs += [arcs[i] for i in range(0, 40, 4)]  # parallel duplicates
    arcs += [(i, i, 50) for i in range(5)]  # self-loops
    write(path, "02_random_parallel_loops", n, arcs, 0, n - 1)
    write(path, "03_grid_20x20", *grid(rng, 20, 20, 100))
    write(path, "04_corridor_stages", *corridor(rng, 40, 12, 5000))
    n, m = 300, 3000
    write(path, "05_random_large_caps", n, random_graph(rng, n, m, 10**12), 0, n - 1)
    n, m = 400, 6000
    write(path, "06_random_unit_caps", n, random_graph(rng, n, m, 1), 0, n - 1)


if __name__ == "__main__":
    main()
