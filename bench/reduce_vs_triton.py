#!/usr/bin/env python3
"""Our reductions vs Triton's, statically.

For a set of common reductions (blocked layouts of several shapes, the
mma v2 / wgmma accumulators; sums and maxima of f32 / f16 / i32 along
either axis; sm_80 and sm_90): our ``kernels.reduce`` micro-kernel and the
same kernel in Gluon (``gl.sum`` / ``gl.max`` of a tile loaded in the
same layout, the result stored in its slice layout), compiled by the
installed Triton, both assembled by Triton's ``ptxas`` and disassembled
with its ``cuobjdump``: SASS instructions of the whole kernel (the loads
and stores are the same work), shuffles, shared-memory accesses, barriers,
registers, shared bytes. Prints one row per case, the totals and the
ratio ours / Triton in the same run.

    .venv/bin/python bench/reduce_vs_triton.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import triton
from triton.backends.compiler import GPUTarget
from triton.experimental import gluon
from triton.experimental.gluon import language as gl
from triton.experimental.gluon._runtime import GluonASTSource

sys.path.insert(0, str(Path(__file__).resolve().parent))
from codegen_vs_triton import ARCH, _gluon_layout, sass_stats  # noqa: E402

import linear_layouts as ll  # noqa: E402
from linear_layouts import kernels  # noqa: E402

CLASSES = ("SHFL", "LDS", "STS", "BAR")


@gluon.jit
def _reduce(X, Y, AXIS: gl.constexpr, MAX: gl.constexpr, L: gl.constexpr, M: gl.constexpr, N: gl.constexpr):
    pid = gl.program_id(0)
    r = gl.arange(0, M, layout=gl.SliceLayout(1, L))
    c = gl.arange(0, N, layout=gl.SliceLayout(0, L))
    v = gl.load(X + gl.expand_dims(r, 1) * N + gl.expand_dims(c, 0) + pid * (M * N))
    if MAX:
        s = gl.max(v, axis=AXIS)
    else:
        s = gl.sum(v, axis=AXIS)
    if AXIS == 0:
        gl.store(Y + c + pid * N, s)
    else:
        gl.store(Y + r + pid * M, s)


TY = {"f32": "*fp32", "f16": "*fp16", "i32": "*i32"}


def triton_stats(layout, shape, dtype, axis, combine, target, warps):
    g = _gluon_layout(layout, shape)
    consts = {"AXIS": axis, "MAX": combine == "max", "L": g, "M": shape[0], "N": shape[1]}
    sig = {"X": TY[dtype], "Y": TY[dtype], **{k: "constexpr" for k in consts}}
    k = triton.compile(GluonASTSource(_reduce, sig, consts), target=GPUTarget("cuda", ARCH[target][1], 32),
                       options={"num_warps": warps})
    return sass_stats(k.asm["ptx"], b"", ARCH[target][0]) | {"smem": k.metadata.shared}


def cases():
    blocked = [
        ("blocked 1x4/4x8/4x1", "#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>", 4),
        ("blocked 1x8/2x16/2x2", "#ttg.blocked<{sizePerThread = [1, 8], threadsPerWarp = [2, 16], warpsPerCTA = [2, 2], order = [1, 0]}>", 4),
        ("blocked 4x1/8x4/1x8", "#ttg.blocked<{sizePerThread = [4, 1], threadsPerWarp = [8, 4], warpsPerCTA = [1, 8], order = [0, 1]}>", 8),
        ("blocked 1x1/1x32/4x1", "#ttg.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 32], warpsPerCTA = [4, 1], order = [1, 0]}>", 4),
        ("mma v2 [2,2]", "#ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>", 4),
        ("wgmma [4,1] n64", "#ttg.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>", 4),
    ]
    for name, text, warps in blocked:
        for shape in ([64, 64], [128, 32], [32, 256]):
            for axis in (0, 1):
                for dtype, combine in (("f32", "add"), ("f16", "max"), ("i32", "add")):
                    for target in ("sm_80", "sm_90"):
                        if "wgmma" in name and target != "sm_90":
                            continue
                        yield name, text, warps, shape, axis, dtype, combine, target


def main() -> int:
    totals, rows, worse = Counter(), 0, []
    print(f"{'layout':22} {'shape':8} ax {'dt':3} {'op':3} {'tgt':5} | ours: total SHFL LDS STS BAR smem | triton: total SHFL LDS STS BAR smem")
    for name, text, warps, shape, axis, dtype, combine, target in cases():
        try:
            layout = ll.from_triton(text, shape)
            k = kernels.reduce(layout, shape, dtype, axis, combine, target)
            o = sass_stats(k.asm, b"", ARCH[target][0]) | {"smem": k.shared_bytes}
            t = triton_stats(layout, shape, dtype, axis, combine, target, warps)
        except Exception as e:  # noqa: BLE001 - report and go on
            print(f"{name:22} {str(shape):8} {axis}: error {str(e).splitlines()[0][:100]}")
            continue
        rows += 1
        for key in ("total", *CLASSES, "smem"):
            totals["o_" + key] += o[key]
            totals["t_" + key] += t[key]
        if o["total"] > t["total"]:
            worse.append(f"{name} {shape} axis {axis} {dtype} {combine} {target}: {o['total']} vs {t['total']}")
        print(f"{name:22} {'x'.join(map(str, shape)):8} {axis}  {dtype:3} {combine:3} {target:5} | "
              f"{o['total']:5} {o['SHFL']:4} {o['LDS']:3} {o['STS']:3} {o['BAR']:3} {o['smem']:5} | "
              f"{t['total']:5} {t['SHFL']:4} {t['LDS']:3} {t['STS']:3} {t['BAR']:3} {t['smem']:5}")
    print(f"\n{rows} reductions; SASS instructions ours {totals['o_total']} vs Triton {totals['t_total']} "
          f"({totals['o_total'] / max(1, totals['t_total']):.3f})")
    for key in CLASSES:
        print(f"  {key}: ours {totals['o_' + key]} vs Triton {totals['t_' + key]}")
    print(f"  shared bytes: ours {totals['o_smem']} vs Triton {totals['t_smem']}")
    print(f"cases where ours issue more SASS instructions than Triton: {len(worse)}")
    for w in worse:
        print("  " + w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
