#!/usr/bin/env python3
"""The llir stage's time against the block size: ours vs Triton's make_llir.

A masked vector add (Triton's tutorial 01, pointers 16-byte aligned as the
launcher marks them) compiled for sm_90 at BLOCK = 1k ... 64k elements (4
warps: 8 to 512 elements per thread), by Triton alone and with our llir stage,
in the same run, each in a fresh cache, alternating, after one untimed
warm-up compile of each; medians over repeats. Prints the
two times and their ratio per size; a ratio above 1 is a size where ours is
slower. Also a masked 2-D copy at growing tiles. Both kernels are the
corpus's (test/triton/kernels.py).

    .venv/bin/python bench/llir_stage_scaling.py [--repeat 5] [--max 65536]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "test" / "triton"))
from kernels import masked_copy_2d, vector_add  # noqa: E402
from triton_static import compile_timed  # noqa: E402

import linear_layouts.triton as llt  # noqa: E402


ALIGNED = {(0,): [["tt.divisibility", 16]], (1,): [["tt.divisibility", 16]], (2,): [["tt.divisibility", 16]]}


def measure(fn, sig, consts, repeat):
    """Medians of `repeat` compiles each, ours and Triton's alternating (so
    that drift in the machine's load hits both alike)."""
    n = len(llt.report())
    ours, triton_ms = [], []
    for _ in range(repeat):
        ours.append(compile_timed(fn, sig, consts, 4, 90, True, ALIGNED)[1])
        triton_ms.append(compile_timed(fn, sig, consts, 4, 90, False, ALIGNED)[1])
    paths = {r.path for r in llt.report()[n:]}
    return statistics.median(ours), statistics.median(triton_ms), paths


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--max", type=int, default=65536)
    args = ap.parse_args()
    print(f"{'kernel':10} {'elements':>9} {'ours ms':>9} {'triton ms':>10} {'ratio':>6}  path")
    worst = 0.0
    cases = []
    b = 1024
    while b <= args.max:
        cases.append(("vector_add", b, vector_add, {"X": "*fp32", "Y": "*fp32", "Z": "*fp32", "n": "i32"},
                      {"BLOCK": b}))
        b *= 4 if b < args.max // 2 else 2
    for bm in (16, 64, 256):
        cases.append(("copy_2d", bm * 64, masked_copy_2d, {"X": "*fp32", "Y": "*fp32", "M": "i32", "N": "i32"},
                      {"BM": bm, "BN": 64}))
    # Warm-up, untimed: both pipelines' one-time costs in a process (pass
    # managers, targets, Triton's own first compile) are not per kernel.
    measure(vector_add, cases[0][3], {"BLOCK": 256}, 1)
    for name, elems, fn, sig, consts in cases:
        ours, tri, paths = measure(fn, sig, consts, args.repeat)
        worst = max(worst, ours / tri)
        print(f"{name:10} {elems:9} {ours:9.1f} {tri:10.1f} {ours / tri:6.2f}  {','.join(sorted(paths))}")
    print(f"\nworst ratio (ours / Triton's make_llir): {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
