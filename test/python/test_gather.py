"""``ll.gather`` executed: random source and index layouts (any family,
1-4 warps, sm_80 / sm_90 / gfx942, 8-64-bit elements, index tensors
shorter or longer than the source along the axis) compiled and emulated,
against ``numpy.take_along_axis``. Both of ``plan_gather``'s kinds must
occur: shuffles when every element a thread needs is in its warp, shared
memory otherwise (the emulator raises on races between warps).

``ll.histogram`` too: bins in shared memory counted with atomics, against
``numpy.bincount`` (masked elements and values out of range not counted).

Sizes per run: ``LL_GATHER_CASES`` random gathers (default 120).
"""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

import linear_layouts as ll
from linear_layouts import kernels
from linear_layouts.compiler import ptxas
from test_planning import MAKERS, random_target_shape

CASES = int(os.environ.get("LL_GATHER_CASES", "120"))
NP = {"i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64, "f32": np.float32}


def random_gather(rng):
    target, lanes, warps, shape = random_target_shape(rng, warps=(1, 2, 4), ranks=(1, 2, 2), above=1)
    axis = rng.randrange(len(shape))
    ishape = list(shape)
    ishape[axis] = rng.choice([max(1, shape[axis] // 2), shape[axis], 2 * shape[axis]])
    src = rng.choice(MAKERS)(rng, shape, lanes, warps)
    idx = rng.choice(MAKERS)(rng, ishape, lanes, warps)
    return target, shape, ishape, axis, src, idx, rng.choice(list(NP))


def test_random_gathers_match_numpy():
    rng = random.Random(int(os.environ.get("LL_GATHER_SEED", "1")))
    kinds = {"shuffle": 0, "shared": 0}
    for i in range(CASES):
        target, shape, ishape, axis, src, idx, dtype = random_gather(rng)
        k = kernels.gather(src, idx, shape, ishape, axis, dtype, target)
        grid = 2
        x = np.random.default_rng(i).integers(-100, 100, size=grid * int(np.prod(shape))).astype(NP[dtype])
        k_idx = np.random.default_rng(i + 1).integers(0, shape[axis], size=grid * int(np.prod(ishape))).astype(np.int32)
        y = np.zeros(grid * int(np.prod(ishape)), NP[dtype])
        ll.emulate(k, grid, [x, k_idx, y])
        want = np.take_along_axis(x.reshape([grid] + shape), k_idx.reshape([grid] + ishape), axis + 1).reshape(-1)
        assert (y == want).all(), f"{target} {shape} -> {ishape} axis {axis} {dtype}\n{src.bases}\n{idx.bases}"
        shuffled = "nvvm.shfl.sync" in k.mlir or "rocdl.ds_bpermute" in k.mlir
        kinds["shuffle" if shuffled else "shared"] += 1
    assert all(kinds.values()), kinds


def test_gather_ptx_assembles():
    # Within a warp (rows of 32 lanes): shuffles; across warps: shared memory.
    row = "#ttg.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 32], warpsPerCTA = [4, 1], order = [1, 0]}>"
    col = "#ttg.blocked<{sizePerThread = [1, 1], threadsPerWarp = [32, 1], warpsPerCTA = [1, 4], order = [0, 1]}>"
    for layout, axis, instr in ((row, 1, "shfl.sync.idx"), (col, 1, "st.shared")):
        k = kernels.gather(layout, layout, [64, 64], [64, 64], axis, "f32", "sm_90")
        assert instr in k.asm and ptxas(k)[:4] == b"\x7fELF"


def histogram_kernel(target, spt, bins, dtype, lanes, warps):
    return f"""
#b = #ll.blocked<{{sizePerThread = [{spt}], threadsPerWarp = [{lanes}], warpsPerCTA = [{warps}], order = [0]}}>
#r = #ll.blocked<{{sizePerThread = [1], threadsPerWarp = [{lanes}], warpsPerCTA = [{warps}], order = [0]}}>
module attributes {{ll.target = #ll.target<"{target}">}} {{
func.func @k(%x: !ll.ptr<{dtype}>, %y: !ll.ptr<i32>, %n: i32) attributes {{ll.kernel}} {{
  %r = ll.make_range {{start = 0 : i32, end = 1024 : i32}} : tensor<1024xi32, #b>
  %ns = ll.splat %n : i32 -> tensor<1024xi32, #b>
  %m = arith.cmpi slt, %r, %ns : tensor<1024xi32, #b>
  %xs = ll.splat %x : !ll.ptr<{dtype}> -> tensor<1024x!ll.ptr<{dtype}>, #b>
  %xp = ll.addptr %xs, %r : tensor<1024x!ll.ptr<{dtype}>, #b>, tensor<1024xi32, #b>
  %v = ll.load %xp : (tensor<1024x!ll.ptr<{dtype}>, #b>) -> tensor<1024x{dtype}, #b>
  %h = ll.histogram %v, %m : tensor<1024x{dtype}, #b>, tensor<1024xi1, #b> -> tensor<{bins}xi32, #r>
  %o = ll.make_range {{start = 0 : i32, end = {bins} : i32}} : tensor<{bins}xi32, #r>
  %ys = ll.splat %y : !ll.ptr<i32> -> tensor<{bins}x!ll.ptr<i32>, #r>
  %yp = ll.addptr %ys, %o : tensor<{bins}x!ll.ptr<i32>, #r>, tensor<{bins}xi32, #r>
  ll.store %yp, %h : (tensor<{bins}x!ll.ptr<i32>, #r>, tensor<{bins}xi32, #r>) -> ()
  return
}}
}}
"""


@pytest.mark.parametrize("target,spt,bins,dtype,warps", [("sm_90", 4, 64, "i32", 4), ("sm_80", 1, 256, "i64", 2),
                                                         ("gfx942", 2, 32, "i8", 4), ("sm_90", 8, 1024, "i16", 1)])
def test_histogram_matches_bincount(target, spt, bins, dtype, warps):
    lanes = 64 if target.startswith("gfx") else 32
    k = ll.compile(histogram_kernel(target, spt, bins, dtype, lanes, warps), target)
    x = np.random.default_rng(bins).integers(-5, bins + 5, 1024).astype(NP[dtype])
    for n in (1024, 1000):
        y = np.zeros(bins, np.int32)
        ll.emulate(k, 1, [x, y, n])
        xv = x[:n].astype(np.int64)
        np.testing.assert_array_equal(y, np.bincount(xv[(xv >= 0) & (xv < bins)], minlength=bins))
    if target.startswith("sm"):
        assert "atom.shared.add" in k.asm or "red.shared.add" in k.asm
        assert ptxas(k)[:4] == b"\x7fELF"
