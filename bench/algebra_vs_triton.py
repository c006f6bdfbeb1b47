#!/usr/bin/env python3
"""Layout algebra through Python: linear-layouts vs Triton's LinearLayout.

Times, in one run and on the same random layout pairs, ``invert_and_compose``,
``compose``, ``apply`` and ``pseudoinvert`` here and in
``triton._C.libtriton.linear_layout.LinearLayout``; prints per-op medians (µs
per call) and the ratio Triton / ours (> 1 means we are faster). Also checks
that both libraries return the same layouts.

    .venv/bin/python bench/algebra_vs_triton.py [--pairs 200] [--repeat 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import linear_layouts as ll

try:
    from triton._C.libtriton import linear_layout as tll
except Exception as e:  # noqa: BLE001
    sys.exit(f"triton is required for this benchmark: {e}")


def random_blocked(rng, shape):
    rank = len(shape)

    def split(total):
        parts = [1] * rank
        for _ in range(total.bit_length() - 1):
            parts[rng.randrange(rank)] *= 2
        return parts

    order = list(range(rank))
    rng.shuffle(order)
    spt = [1 << rng.randint(0, 3) for _ in range(rank)]
    text = (
        f"#ttg.blocked<{{sizePerThread = {spt}, threadsPerWarp = {split(32)}, "
        f"warpsPerCTA = {split(1 << rng.randint(0, 3))}, order = {order}}}>"
    )
    return ll.from_triton(text, shape)


def random_mma(rng, shape):
    warps = rng.choice([[1, 1], [2, 2], [4, 1], [1, 4], [2, 4]])
    text = f"#ttg.nvidia_mma<{{versionMajor = 2, versionMinor = 0, warpsPerCTA = {warps}, instrShape = [16, 8]}}>"
    return ll.from_triton(text, shape)


def to_triton_ll(layout):
    bases = [(k, v) for k, v in layout.bases.items()]
    outs = layout.out_dims
    return tll.LinearLayout.from_bases(bases, list(outs), list(outs.values()), require_surjective=False)


def per_call(fn, repeat):
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat * 1e6


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)

    pairs = []
    for _ in range(args.pairs):
        shape = [1 << rng.randint(4, 7), 1 << rng.randint(4, 7)]
        a = random_blocked(rng, shape) if rng.random() < 0.5 else random_mma(rng, shape)
        b = random_blocked(rng, shape)
        pairs.append((a, b, to_triton_ll(a), to_triton_ll(b)))

    # The same answers from both libraries (a cheap cross-check).
    mismatches = 0
    for a, b, ta, tb in pairs:
        ours = a.invert_and_compose(b)
        theirs = ta.invert_and_compose(tb)
        if ours.bases != {k: [list(x) for x in v] for k, v in theirs.bases}:
            mismatches += 1

    results = {}
    # compose with a transposing map (dim0 <-> dim1), the same for both.
    idents = [(_transpose(a), _t_transpose(ta)) for a, _, ta, _ in pairs]
    points = []
    for a, *_ in pairs:
        points.append({k: rng.randrange(v) for k, v in a.in_dims.items()})

    def bench(name, ours_fn, theirs_fn):
        o, t = [], []
        for i, (a, b, ta, tb) in enumerate(pairs):
            o.append(per_call(ours_fn(i, a, b), args.repeat))
            t.append(per_call(theirs_fn(i, ta, tb), args.repeat))
        results[name] = (statistics.median(o), statistics.median(t))

    bench("invert_and_compose", lambda i, a, b: lambda: a.invert_and_compose(b),
          lambda i, a, b: lambda: a.invert_and_compose(b))
    bench("compose", lambda i, a, b: lambda: a.compose(idents[i][0]),
          lambda i, a, b: lambda: a.compose(idents[i][1]))
    bench("apply", lambda i, a, b: lambda: a.apply(points[i]),
          lambda i, a, b: lambda: a.apply(points[i]))
    bench("pseudoinvert", lambda i, a, b: lambda: a.pseudoinvert(),
          lambda i, a, b: lambda: a.pseudoinvert())

    print(f"{len(pairs)} random layout pairs (blocked / mma v2, 16..128 per dim), "
          f"{args.repeat} calls each; median µs per call")
    print(f"{'op':<20} {'ours':>10} {'triton':>10} {'triton/ours':>12}")
    worst = None
    for name, (o, t) in results.items():
        ratio = t / o
        worst = ratio if worst is None else min(worst, ratio)
        print(f"{name:<20} {o:>10.3f} {t:>10.3f} {ratio:>11.1f}x")
    # Batched evaluation: one call for every hardware location of each layout.
    import numpy as np

    grids = []
    for a, *_ in pairs:
        sizes = list(a.in_dims.values())
        flat = np.arange(int(np.prod(sizes)), dtype=np.int64)
        cols = []
        for s in sizes:
            cols.append(flat % s)
            flat = flat // s
        grids.append(cols)
    per_point = []
    for (a, *_), cols in zip(pairs, grids):
        us = per_call(lambda: a.apply_array(*cols), max(1, args.repeat // 10))
        per_point.append(us / len(cols[0]))
    print(f"{'apply_array (batch)':<20} {statistics.median(per_point):>10.4f} {'-':>10} "
          f"{results['apply'][1] / statistics.median(per_point):>11.1f}x  (µs per point)")
    print(f"same invert_and_compose result as Triton on {len(pairs) - mismatches}/{len(pairs)} pairs")
    print(f"slowest ratio: {worst:.1f}x (target >= 5x)")
    return 0 if mismatches == 0 else 1


def _transpose(a):
    (n0, s0), (n1, s1) = a.out_dims.items()
    return ll.LinearLayout.identity_1d(s0, n0, n1) * ll.LinearLayout.identity_1d(s1, n1, n0)


def _t_transpose(ta):
    (n0, s0), (n1, s1) = ta.out_dims
    return tll.LinearLayout.identity_1d(s0, n0, n1) * tll.LinearLayout.identity_1d(s1, n1, n0)


if __name__ == "__main__":
    sys.exit(main())
