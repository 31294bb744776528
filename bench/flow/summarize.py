#!/usr/bin/env python3
"""Medians of bench/flow/run.sh's JSON lines, as the Markdown tables of RESULTS.md."""

import collections
import json
import statistics
import sys


def main():
    rows = [json.loads(l) for p in sys.argv[1:] for l in open(p) if l.strip()]
    assign = [r for r in rows if "target_gap" in r]
    mf = [r for r in rows if "value" in r]
    if assign:
        g = collections.defaultdict(list)
        for r in assign:
            g[(r["network"], r["target_gap"], r["tool"])].append(r)
        print("| network | target gap | tool | runs | reached | final gap | iterations | solve s (median) | peak RSS MB |")
        print("|---|---|---|---|---|---|---|---|---|")
        keys = sorted(g, key=lambda k: (["SiouxFalls", "Anaheim", "Grid"].index(k[0]), -k[1], k[2]))
        for k in keys:
            rs = g[k]
            med = statistics.median(r["solve_s"] for r in rs)
            print(f"| {k[0]} | {k[1]:.0e} | {k[2]} | {len(rs)} | {all(r['reached'] for r in rs)} "
                  f"| {max(r['gap'] for r in rs):.2e} | {rs[0]['iterations']} | {med:.4f} "
                  f"| {statistics.median(r['max_rss_kb'] for r in rs) / 1024:.0f} |")
        print()
        print("| network | target gap | AequilibraE / corridor-flow (2 threads) | AequilibraE / corridor-flow (1 thread) |")
        print("|---|---|---|---|")
        for net in ["SiouxFalls", "Anaheim", "Grid"]:
            for gap in [1e-4, 1e-6, 1e-10]:
                a = g.get((net, gap, "aequilibrae-bfw"))
                c = g.get((net, gap, "corridor-flow"))
                c1 = g.get((net, gap, "corridor-flow-1thread"))
                if not (a and c and c1):
                    continue
                am = statistics.median(r["solve_s"] for r in a)
                if not all(r["reached"] for r in a):
                    msg = (f"n/a: AequilibraE stopped at {a[0]['iterations']} iterations, gap "
                           f"{a[0]['gap']:.1e}, after {am:.1f} s")
                    print(f"| {net} | {gap:.0e} | {msg} | |")
                    continue
                print(f"| {net} | {gap:.0e} | {am / statistics.median(r['solve_s'] for r in c):.1f}× "
                      f"| {am / statistics.median(r['solve_s'] for r in c1):.1f}× |")
        print()
    if mf:
        g = collections.defaultdict(list)
        for r in mf:
            g[(r["file"].split("/")[-1], r["tool"])].append(r)
        print("| graph | arcs | tool | runs | value | solve s (median) | load s (median) | peak RSS MB |")
        print("|---|---|---|---|---|---|---|---|")
        for k in sorted(g):
            rs = g[k]
            assert len({r["value"] for r in rs}) == 1
            print(f"| {k[0]} | {rs[0]['arcs']} | {k[1]} | {len(rs)} | {rs[0]['value']} "
                  f"| {statistics.median(r['solve_s'] for r in rs):.3f} "
                  f"| {statistics.median(r['load_s'] for r in rs):.3f} "
                  f"| {statistics.median(r['max_rss_kb'] for r in rs) / 1024:.0f} |")
        print()
        for f in sorted({k[0] for k in g}):
            c = statistics.median(r["solve_s"] for r in g[(f, "corridor-flow")])
            o = statistics.median(r["solve_s"] for r in g[(f, "ortools-simplemaxflow")])
            same = g[(f, "corridor-flow")][0]["value"] == g[(f, "ortools-simplemaxflow")][0]["value"]
            # The i-th runs of both tools on a file ran back to back: their ratios too.
            pairs = [ro["solve_s"] / rc["solve_s"]
                     for rc, ro in zip(g[(f, "corridor-flow")], g[(f, "ortools-simplemaxflow")])]
            print(f"- {f}: OR-Tools / corridor-flow solve time = {o / c:.2f}× "
                  f"(median of the {len(pairs)} back-to-back pairs' ratios "
                  f"{statistics.median(pairs):.2f}×, range {min(pairs):.2f}–{max(pairs):.2f}×; "
                  f"same value: {same})")


if __name__ == "__main__":
    main()
