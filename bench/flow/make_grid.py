#!/usr/bin/env python3
"""Writes a synthetic congested grid network in TNTP format (about 10,000 links).

    python3 bench/flow/make_grid.py bench/flow/networks   # -> Grid_net.tntp, Grid_trips.tntp

A 50×50 grid of two-way streets (every fifth row and column an arterial with more
capacity and speed, link lengths jittered ±20%), and 100 zones as separate centroid nodes
1..100 (so <FIRST THRU NODE> is 101: zones may not be passed through), each joined both
ways to a grid node of a 10×10 lattice. Demand is gravity-like with random noise and is
scaled so that the network is congested (many links with volume above capacity at
equilibrium). BPR α = 0.15, β = 4 everywhere. Deterministic (fixed seed).
"""

import math
import os
import random
import sys

W = H = 50
ZONES_SIDE = 10
TOTAL_DEMAND = 150_000.0


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "bench/flow/networks"
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7)
    zones = ZONES_SIDE * ZONES_SIDE
    node = lambda x, y: zones + 1 + y * W + x
    links = []  # (a, b, cap, length, fft)

    def street(a, b, arterial):
        length = rng.uniform(0.8, 1.2)
        if arterial:
            cap, speed = rng.uniform(3200, 4800), 60.0
        else:
            cap, speed = rng.uniform(1200, 1800), 40.0
        links.append((a, b, cap, length, 60.0 * length / speed))

    for y in range(H):
        for x in range(W):
            if x + 1 < W:
                art = y % 5 == 2
                street(node(x, y), node(x + 1, y), art)
                street(node(x + 1, y), node(x, y), art)
            if y + 1 < H:
                art = x % 5 == 2
                street(node(x, y), node(x, y + 1), art)
                street(node(x, y + 1), node(x, y), art)
    pos = {}
    step = W // ZONES_SIDE
    for zy in range(ZONES_SIDE):
        for zx in range(ZONES_SIDE):
            z = zy * ZONES_SIDE + zx + 1
            gx, gy = zx * step + step // 2, zy * step + step // 2
            pos[z] = (gx, gy)
            g = node(gx, gy)
            links.append((z, g, 50_000.0, 0.1, 0.1))
            links.append((g, z, 50_000.0, 0.1, 0.1))
    links.sort(key=lambda l: (l[0], l[1]))
    n_nodes = zones + W * H

    with open(os.path.join(out, "Grid_net.tntp"), "w") as f:
        f.write(f"<NUMBER OF ZONES> {zones}\n<NUMBER OF NODES> {n_nodes}\n")
        f.write(f"<FIRST THRU NODE> {zones + 1}\n<NUMBER OF LINKS> {len(links)}\n")
        f.write("<ORIGINAL HEADER>~ written by bench/flow/make_grid.py (synthetic)\n")
        f.write("<END OF METADATA>\n\n\n")
        f.write("~\tinit_node\tterm_node\tcapacity\tlength\tfree_flow_time\tb\tpower\tspeed\ttoll\tlink_type\t;\n")
        for a, b, cap, length, fft in links:
            f.write(f"\t{a}\t{b}\t{cap:.3f}\t{length:.4f}\t{fft:.5f}\t0.15\t4\t0\t0\t1\t;\n")

    demand = {}
    for o in range(1, zones + 1):
        for d in range(1, zones + 1):
            if o == d:
                continue
            (ox, oy), (dx, dy) = pos[o], pos[d]
            dist = math.hypot(ox - dx, oy - dy)
            demand[(o, d)] = rng.uniform(0.5, 1.5) * math.exp(-dist / 15.0)
    scale = TOTAL_DEMAND / sum(demand.values())
    with open(os.path.join(out, "Grid_trips.tntp"), "w") as f:
        total = sum(round(v * scale, 2) for v in demand.values())
        f.write(f"<NUMBER OF ZONES> {zones}\n<TOTAL OD FLOW> {total:.2f}\n<END OF METADATA>\n\n")
        for o in range(1, zones + 1):
            f.write(f"\nOrigin \t{o}\n")
            row = [(d, round(demand[(o, d)] * scale, 2)) for d in range(1, zones + 1) if d != o]
            for i in range(0, len(row), 5):
                f.write("".join(f"{d:5d} : {v:10.2f};" for d, v in row[i : i + 5]) + "\n")
    print(f"Grid: {n_nodes} nodes, {len(links)} links, {zones} zones, demand {total:.0f}")


if __name__ == "__main__":
    main()
