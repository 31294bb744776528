#!/usr/bin/env python3
"""Writes the ~1-million-arc max-flow benchmark graphs (DIMACS `p max` format, 1-based).

    python3 bench/flow/make_maxflow_graph.py bench/flow/graphs

- `rlg_1m.max`: a random level graph (the DIMACS "Washington" RLG family): 512 rows ×
  650 levels; each node has 3 arcs to random nodes of the next level, capacities uniform
  in 1..10000; the source feeds level 0 and the last level drains to the sink.
- `genrmf_1m.max`: Goldfarb & Grigoriadis's GENRMF family: 128 frames of 40×40 grid
  nodes; in-frame arcs of capacity 1000·40² in the four grid directions, and each node
  joined to a random node of the next frame with capacity uniform in 1..1000; source is
  the first node of the first frame, sink the last node of the last frame.
- `grid_1m.max`: a road-like grid: 500 × 500 nodes, two-way arcs between 4-neighbours
  (each direction its own capacity, uniform in 1..10000); the source feeds the first
  column and the last column drains to the sink (capacity 40000 each).
- `ak_20000.max`: Cherkassky & Goldberg's AK family (k = 20000: 80,006 nodes, 120,007
  arcs), built to be hard for push–relabel (quadratic work): two long paths whose
  excess must be drained one unit at a time. Not in run.sh's default set (tens of
  seconds per solve); `GRAPHS=ak_20000 bash bench/flow/run.sh`.

Deterministic (fixed seeds). The files are about 15 MB each and are not committed.
"""

import os
import random
import sys


def write(path, n, s, t, arcs, comment):
    with open(path, "w") as f:
        f.write(f"c {comment}\nc written by bench/flow/make_maxflow_graph.py\n")
        f.write(f"p max {n} {len(arcs)}\nn {s + 1} s\nn {t + 1} t\n")
        f.write("".join(f"a {u + 1} {v + 1} {c}\n" for u, v, c in arcs))
    print(f"{path}: n={n} m={len(arcs)}")


def rlg(rng, rows, levels):
    n = rows * levels + 2
    s, t = n - 2, n - 1
    arcs = [(s, r, 10_000 * 3) for r in range(rows)]
    for l in range(levels - 1):
        base, nxt = l * rows, (l + 1) * rows
        for r in range(rows):
            for _ in range(3):
                arcs.append((base + r, nxt + rng.randrange(rows), rng.randint(1, 10_000)))
    last = (levels - 1) * rows
    arcs += [(last + r, t, 10_000 * 3) for r in range(rows)]
    return n, s, t, arcs


def genrmf(rng, a, b):
    n = a * a * b
    big = 1000 * a * a
    node = lambda f, x, y: f * a * a + y * a + x
    arcs = []
    for f in range(b):
        for y in range(a):
            for x in range(a):
                v = node(f, x, y)
                if x + 1 < a:
                    arcs.append((v, node(f, x + 1, y), big))
                    arcs.append((node(f, x + 1, y), v, big))
                if y + 1 < a:
                    arcs.append((v, node(f, x, y + 1), big))
                    arcs.append((node(f, x, y + 1), v, big))
        if f + 1 < b:
            perm = list(range(a * a))
            rng.shuffle(perm)
            for i in range(a * a):
                arcs.append((f * a * a + i, (f + 1) * a * a + perm[i], rng.randint(1, 1000)))
    return n, 0, n - 1, arcs


def grid(rng, rows, cols):
    n = rows * cols + 2
    s, t = n - 2, n - 1
    node = lambda r, c: r * cols + c
    arcs = [(s, node(r, 0), 40_000) for r in range(rows)]
    for r in range(rows):
        for c in range(cols):
            v = node(r, c)
            if c + 1 < cols:
                arcs.append((v, node(r, c + 1), rng.randint(1, 10_000)))
                arcs.append((node(r, c + 1), v, rng.randint(1, 10_000)))
            if r + 1 < rows:
                arcs.append((v, node(r + 1, c), rng.randint(1, 10_000)))
                arcs.append((node(r + 1, c), v, rng.randint(1, 10_000)))
    arcs += [(node(r, cols - 1), t, 40_000) for r in range(rows)]
    return n, s, t, arcs


def ak(k):
    """AK(k), 1-based as the original generator numbers it: source 1, sink 2."""
    arcs = []
    for i in range(k):
        arcs.append((i + 3, i + 4, k - i + 1))
        arcs.append((i + 3, k + 4, 1))
    arcs.append((k + 3, 2 * k + 4, 1))
    arcs.append((k + 3, k + 4, 1))
    arcs += [(i + 1, i + 2, k + 1) for i in range(k + 3, 2 * k + 3)]
    d = 2 * k + 4
    arcs += [(i + 1, i + 2, k) for i in range(d, 2 * k + d + 1)]
    arcs += [(i + d + 1, 2 * k + 2 - i + d, 1) for i in range(k)]
    arcs += [(1, 3, 1_000_000), (1, d + 1, 1_000_000), (d, 2, 1_000_000), (4 * k + 6, 2, 1_000_000)]
    # Back to 0-based for write().
    return 4 * k + 6, 0, 1, [(u - 1, v - 1, c) for u, v, c in arcs]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "bench/flow/graphs"
    os.makedirs(out, exist_ok=True)
    n, s, t, arcs = rlg(random.Random(11), 512, 650)
    write(os.path.join(out, "rlg_1m.max"), n, s, t, arcs, "random level graph 512x650, 3 arcs per node")
    n, s, t, arcs = genrmf(random.Random(12), 40, 128)
    write(os.path.join(out, "genrmf_1m.max"), n, s, t, arcs, "GENRMF a=40 b=128")
    n, s, t, arcs = grid(random.Random(13), 500, 500)
    write(os.path.join(out, "grid_1m.max"), n, s, t, arcs, "grid 500x500, two-way arcs")
    n, s, t, arcs = ak(20_000)
    write(os.path.join(out, "ak_20000.max"), n, s, t, arcs, "AK k=20000")


if __name__ == "__main__":
    main()
