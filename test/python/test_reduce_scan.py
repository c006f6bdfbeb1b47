"""``ll.reduce`` and ``ll.scan``, executed: micro-kernels
(``linear_layouts.kernels.reduce`` / ``scan``) over random layouts compiled
through ``convert-ll-to-llvm`` and run for every thread by the emulator
(which also catches shared-memory races between warps), against numpy.

The oracles are numpy's own reductions and scans of the same tiles: bitwise
for integers (wrapping), ``max`` and ``argmax`` (ties to the smaller index,
as ``numpy.argmax``); within a tolerance for float sums (the lowering
combines in the order the layout makes cheapest). The ``affine`` scan
combines pairs (m, c), (m', c') into (m m', c m' + c'): associative but not
commutative, so a scan that combines out of order fails it.

Sizes per run: ``LL_REDUCE_CASES`` random reductions and as many scans
(default 150 each); ``LL_REDUCE_SEED`` picks them.
"""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

import linear_layouts as ll
from linear_layouts import kernels
from linear_layouts.compiler import CompileError, ptxas
from test_planning import MAKERS, random_target_shape

CASES = int(os.environ.get("LL_REDUCE_CASES", "150"))
SEED = int(os.environ.get("LL_REDUCE_SEED", "1"))
NP = {"i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
      "f16": np.float16, "f32": np.float32, "f64": np.float64}


def random_case(rng):
    """A target, a shape of 1-3 dims and a random layout (any family) of it."""
    target, lanes, warps, shape = random_target_shape(rng)
    return target, shape, rng.choice(MAKERS)(rng, shape, lanes, warps)


def random_data(rng, dtype, n):
    g = np.random.default_rng(rng.randrange(1 << 30))
    if dtype == "f16":
        return g.integers(-8, 8, size=n).astype(np.float16)  # exact sums
    if dtype.startswith("f"):
        return g.standard_normal(n).astype(NP[dtype])
    info = np.iinfo(NP[dtype])
    return g.integers(info.min, info.max, size=n, dtype=NP[dtype], endpoint=True)


#: numpy's reduction of each one-op combine, and whether it reads unsigned.
UFUNCS = {"max": (np.maximum, False), "min": (np.minimum, False), "umin": (np.minimum, True),
          "umax": (np.maximum, True), "and": (np.bitwise_and, False), "or": (np.bitwise_or, False),
          "xor": (np.bitwise_xor, False)}
INT_ONLY = ["min", "umin", "umax", "and", "or", "xor"]


def features(k):
    """What the lowering emitted: shuffles, shared memory, predicated stores."""
    text = k.mlir
    return {"shuffle": "nvvm.shfl.sync" in text or "rocdl.ds_bpermute" in text,
            "redux": "nvvm.redux.sync" in text,
            "in-reduce": any(c.plan == "in-reduce" for c in k.conversions),
            # the threads share the final combine: a second barrier
            "shared-combine": text.count("nvvm.barrier0") + text.count("rocdl.s.barrier") >= 2,
            "shared": k.shared_bytes > 0, "amd": k.target.startswith("gfx")}


def check_reduce(target, shape, layout, axis, dtype, combine, grid=2, seed=0, out_layout=None):
    k = kernels.reduce(layout, shape, dtype, axis, combine, target, out_layout)
    rng = random.Random(seed)
    numel = int(np.prod(shape))
    x = random_data(rng, dtype, grid * numel)
    if combine == "argmax" and not dtype.startswith("f"):
        x = (x % 5).astype(NP[dtype])  # many ties
    rshape = [s for i, s in enumerate(shape) if i != axis]
    rn = int(np.prod(rshape))
    y, z = np.zeros(grid * rn, NP[dtype]), np.zeros(grid * rn, np.int32)
    ll.emulate(k, grid, [x, y] + ([z] if combine == "argmax" else []))
    xs, ax = x.reshape([grid] + shape), axis + 1
    if combine == "add":
        want = xs.sum(axis=ax, dtype=NP[dtype]).reshape(-1)
        if dtype in ("f32", "f64"):
            np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-4)
        else:
            np.testing.assert_array_equal(y, want)
    elif combine in UFUNCS:
        ufunc, unsigned = UFUNCS[combine]
        v = xs.view(np.dtype(NP[dtype]).str.replace("i", "u")) if unsigned else xs
        np.testing.assert_array_equal(y, ufunc.reduce(v, axis=ax).reshape(-1).view(NP[dtype]))
    else:
        pos = np.expand_dims(xs.argmax(axis=ax), ax)
        flat = np.broadcast_to(np.arange(numel).reshape(shape), xs.shape)
        np.testing.assert_array_equal(z, np.take_along_axis(flat, pos, ax).reshape(-1))
        np.testing.assert_array_equal(y, xs.max(axis=ax).reshape(-1))
    return k


def affine_scan(m, c, reverse):
    """The affine scan along the last axis, in int64 (wrapping later)."""
    M, C = np.zeros_like(m), np.zeros_like(c)
    am = ac = None
    for i in (range(m.shape[-1] - 1, -1, -1) if reverse else range(m.shape[-1])):
        am, ac = (m[..., i], c[..., i]) if am is None else (am * m[..., i], ac * m[..., i] + c[..., i])
        M[..., i], C[..., i] = am, ac
    return M, C


def check_scan(target, shape, layout, axis, dtype, combine, reverse, grid=2, seed=0):
    k = kernels.scan(layout, shape, dtype, axis, combine, reverse, target)
    rng = random.Random(seed)
    numel = int(np.prod(shape))
    x = random_data(rng, dtype, grid * numel)
    y = np.zeros_like(x)
    xs, ax = x.reshape([grid] + shape), axis + 1
    if combine == "add":
        ll.emulate(k, grid, [x, y])
        src = np.flip(xs, ax) if reverse else xs
        want = np.cumsum(src, axis=ax, dtype=NP[dtype])
        want = (np.flip(want, ax) if reverse else want).reshape(-1)
        if dtype in ("f32", "f64"):
            np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-3)
        else:
            np.testing.assert_array_equal(y, want)
        return k
    z = random_data(rng, dtype, grid * numel)
    w = np.zeros_like(z)
    ll.emulate(k, grid, [x, y, z, w])
    m = np.moveaxis(xs, ax, -1).astype(np.int64)
    c = np.moveaxis(z.reshape(xs.shape), ax, -1).astype(np.int64)
    with np.errstate(over="ignore"):
        M, C = affine_scan(m, c, reverse)
    np.testing.assert_array_equal(y, np.moveaxis(M.astype(NP[dtype]), -1, ax).reshape(-1))
    np.testing.assert_array_equal(w, np.moveaxis(C.astype(NP[dtype]), -1, ax).reshape(-1))
    return k


def test_random_reductions_match_numpy():
    rng = random.Random(SEED)
    seen: dict[str, int] = {}
    for i in range(CASES):
        target, lanes, warps, shape = random_target_shape(rng)
        layout = rng.choice(MAKERS)(rng, shape, lanes, warps)
        axis = rng.randrange(len(shape))
        dtype = rng.choice(list(NP))
        combine = rng.choice(["add", "max", "argmax"] + (INT_ONLY if dtype.startswith("i") else []))
        # Half of the tensor results stored from another random layout: the
        # conversion is emitted by the reduction when it goes over warps.
        rshape = shape[:axis] + shape[axis + 1:]
        out = rng.choice(MAKERS)(rng, rshape, lanes, warps) if rshape and rng.random() < 0.5 else None
        try:
            k = check_reduce(target, shape, layout, axis, dtype, combine, seed=i, out_layout=out)
        except AssertionError as e:
            raise AssertionError(f"{target} {shape} axis {axis} {dtype} {combine}\n{layout.bases}\n"
                                 f"out {out.bases if out else None}\n{e}") from None
        for f, on in features(k).items():
            seen[f] = seen.get(f, 0) + on
        seen["scalar"] = seen.get("scalar", 0) + (len(shape) == 1)
        seen[combine] = seen.get(combine, 0) + 1
    # Lanes combined by shuffles and by redux.sync, warps through shared
    # memory (each thread combining its results' partials, and the threads
    # sharing that), 1-D tensors to scalars, two operands at once, AMD's
    # ds_bpermute and a reduction emitting its conversion all ran.
    for f in ("shuffle", "redux", "shared", "amd", "scalar", "argmax", "in-reduce", "shared-combine"):
        assert seen.get(f, 0) > 0, seen


def test_random_scans_match_numpy():
    rng = random.Random(SEED + 1)
    seen: dict[str, int] = {}
    for i in range(CASES):
        target, shape, layout = random_case(rng)
        axis = rng.randrange(len(shape))
        combine = rng.choice(["add", "affine"])
        dtype = rng.choice(["i8", "i16", "i32", "i64"] + (["f32", "f64"] if combine == "add" else []))
        reverse = rng.random() < 0.4
        try:
            k = check_scan(target, shape, layout, axis, dtype, combine, reverse, seed=i)
        except AssertionError as e:
            raise AssertionError(f"{target} {shape} axis {axis} {dtype} {combine} reverse={reverse}\n"
                                 f"{layout.bases}\n{e}") from None
        for f, on in features(k).items():
            seen[f] = seen.get(f, 0) + on
        seen["reverse affine"] = seen.get("reverse affine", 0) + (reverse and combine == "affine")
    for f in ("shuffle", "shared", "amd", "reverse affine"):
        assert seen.get(f, 0) > 0, seen


BLOCKED = "#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [1, 0]}>"


@pytest.mark.parametrize("axis", [0, 1])
def test_blocked_row_and_column_sums(axis):
    # The common case, written out: 4 registers, 8 lanes and 2 warps along
    # dim 1; 4 lanes and 2 warps along dim 0 (32 x 64 covers it 4 times).
    k = check_reduce("sm_90", [32, 64], BLOCKED, axis, "f32", "add", grid=3)
    assert features(k)["shuffle"] and k.shared_bytes == [512, 256][axis]
    k = check_scan("sm_90", [32, 64], BLOCKED, axis, "i32", "add", False, grid=3)
    assert features(k)["shared"]


WHOLE_WARP = "#ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [1, 32], warpsPerCTA = [2, 2], order = [1, 0]}>"


@pytest.mark.parametrize("combine", ["add", "max"] + INT_ONLY)
def test_whole_warp_integer_reductions(combine):
    # Dim 1 spans all 32 lanes: on sm_80+ each partial takes one redux.sync
    # (narrow integers widened with the right extension) instead of five
    # shuffles; 64-bit integers, and AMD, keep the butterflies. Every one
    # against numpy.
    for dtype, target, redux in (("i8", "sm_80", True), ("i16", "sm_90", True), ("i32", "sm_80", True),
                                 ("i64", "sm_90", False), ("i32", "gfx942", False)):
        shape = [16, 128] if target.startswith("sm") else [16, 256]
        layout = WHOLE_WARP if target.startswith("sm") else WHOLE_WARP.replace("[1, 32]", "[1, 64]")
        k = check_reduce(target, shape, layout, 1, dtype, combine, grid=2, seed=sum(map(ord, combine)))
        f = features(k)
        assert f["redux"] == redux and f["shuffle"] != redux, (dtype, target, f)
        if redux:
            assert k.asm.count("redux.sync") == 8, k.asm.count("redux.sync")  # one per row of each thread


def test_ptx_and_amdgcn_assemble():
    for target in ("sm_80", "sm_90"):
        for k in (kernels.reduce(BLOCKED, [32, 64], "f32", 1, "argmax", target),
                  kernels.scan(BLOCKED, [32, 64], "i64", 1, "affine", True, target)):
            assert ptxas(k)[:4] == b"\x7fELF"
            assert "shfl.sync.bfly.b32" in k.asm and "bar.sync" in k.asm
    amd = "#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 8], warpsPerCTA = [2, 2], order = [1, 0]}>"
    k = kernels.reduce(amd, [32, 64], "f32", 1, "max", "gfx942")
    asm = k.asm
    if asm:  # Triton's LLVM assembles AMDGCN
        assert "ds_bpermute_b32" in asm and "s_barrier" in asm and "s_endpgm" in asm


def test_shared_memory_users_in_sequence_synchronize():
    # Two reductions through shared memory, a conversion through it and a
    # scan through it, one after another: each reuses the buffer, so all but
    # the first need the barrier the lowering puts before their stores (the
    # emulator raises on a race between warps).
    a = ll.from_triton(BLOCKED, [32, 64])
    t = ll.from_triton("#ttg.blocked<{sizePerThread = [4, 1], threadsPerWarp = [8, 4], warpsPerCTA = [1, 4], "
                       "order = [0, 1]}>", [32, 64])
    rows = kernels._attr(kernels._sliced(a, 1))
    region = "({{\n  ^bb0(%p: i32, %q: i32):\n    %s = arith.{op} %p, %q : i32\n    ll.{tag}.return %s : i32\n  }})"
    text = f"""#a = {kernels.linear_attr_text(a)}
#t = {kernels.linear_attr_text(t)}
#r = {rows}
module attributes {{ll.target = #ll.target<"sm_90">}} {{
func.func @four(%x: !ll.ptr<i32>, %y: !ll.ptr<i32>, %z: !ll.ptr<i32>, %w: !ll.ptr<i32>) attributes {{ll.kernel}} {{
  %i = ll.make_range {{start = 0 : i32, end = 64 : i32}} : tensor<64xi32, #ll.slice<{{dim = 0, parent = #a}}>>
  %j = ll.make_range {{start = 0 : i32, end = 32 : i32}} : tensor<32xi32, #r>
  %ie = ll.expand_dims %i {{axis = 0 : i32}} : tensor<64xi32, #ll.slice<{{dim = 0, parent = #a}}>> -> tensor<1x64xi32, #a>
  %je = ll.expand_dims %j {{axis = 1 : i32}} : tensor<32xi32, #r> -> tensor<32x1xi32, #a>
  %ib = ll.broadcast %ie : tensor<1x64xi32, #a> -> tensor<32x64xi32, #a>
  %jb = ll.broadcast %je : tensor<32x1xi32, #a> -> tensor<32x64xi32, #a>
  %c64 = arith.constant dense<64> : tensor<32x64xi32, #a>
  %row = arith.muli %jb, %c64 : tensor<32x64xi32, #a>
  %idx = arith.addi %row, %ib : tensor<32x64xi32, #a>
  %xs = ll.splat %x : !ll.ptr<i32> -> tensor<32x64x!ll.ptr<i32>, #a>
  %xp = ll.addptr %xs, %idx : tensor<32x64x!ll.ptr<i32>, #a>, tensor<32x64xi32, #a>
  %v = ll.load %xp : (tensor<32x64x!ll.ptr<i32>, #a>) -> tensor<32x64xi32, #a>
  %sum = "ll.reduce"(%v) <{{axis = 1 : i32}}> {region.format(op="addi", tag="reduce")} : (tensor<32x64xi32, #a>) -> tensor<32xi32, #r>
  %max = "ll.reduce"(%v) <{{axis = 1 : i32}}> {region.format(op="maxsi", tag="reduce")} : (tensor<32x64xi32, #a>) -> tensor<32xi32, #r>
  %vt = ll.convert_layout %v : tensor<32x64xi32, #a> -> tensor<32x64xi32, #t>
  %one = arith.constant dense<1> : tensor<32x64xi32, #t>
  %vt1 = arith.addi %vt, %one : tensor<32x64xi32, #t>
  %va = ll.convert_layout %vt1 : tensor<32x64xi32, #t> -> tensor<32x64xi32, #a>
  %cum = "ll.scan"(%va) <{{axis = 1 : i32, reverse = false}}> {region.format(op="addi", tag="scan")} : (tensor<32x64xi32, #a>) -> tensor<32x64xi32, #a>
  %ys = ll.splat %y : !ll.ptr<i32> -> tensor<32x!ll.ptr<i32>, #r>
  %yp = ll.addptr %ys, %j : tensor<32x!ll.ptr<i32>, #r>, tensor<32xi32, #r>
  ll.store %yp, %sum : (tensor<32x!ll.ptr<i32>, #r>, tensor<32xi32, #r>) -> ()
  %zs = ll.splat %z : !ll.ptr<i32> -> tensor<32x!ll.ptr<i32>, #r>
  %zp = ll.addptr %zs, %j : tensor<32x!ll.ptr<i32>, #r>, tensor<32xi32, #r>
  ll.store %zp, %max : (tensor<32x!ll.ptr<i32>, #r>, tensor<32xi32, #r>) -> ()
  %ws = ll.splat %w : !ll.ptr<i32> -> tensor<32x64x!ll.ptr<i32>, #a>
  %wp = ll.addptr %ws, %idx : tensor<32x64x!ll.ptr<i32>, #a>, tensor<32x64xi32, #a>
  ll.store %wp, %cum : (tensor<32x64x!ll.ptr<i32>, #a>, tensor<32x64xi32, #a>) -> ()
  return
}}
}}
"""
    k = ll.compile(text, "sm_90")
    # reduce (store, barrier, load) | reduce (barrier, store, barrier, load) |
    # two conversions (barrier, stores, barrier, loads) | scan, one step over
    # warps (barrier, stores, barrier, loads).
    assert k.mlir.count("nvvm.barrier0") == 1 + 2 + 2 * 2 + 2
    x = np.random.default_rng(0).integers(-1000, 1000, 32 * 64).astype(np.int32)
    y, z, w = np.zeros(32, np.int32), np.zeros(32, np.int32), np.zeros(32 * 64, np.int32)
    ll.emulate(k, 1, [x, y, z, w])
    xs = x.reshape(32, 64)
    np.testing.assert_array_equal(y, xs.sum(axis=1, dtype=np.int32))
    np.testing.assert_array_equal(z, xs.max(axis=1))
    np.testing.assert_array_equal(w, np.cumsum(xs + 1, axis=1, dtype=np.int32).reshape(-1))
    # Without the barrier before the second reduction's stores, warps race.
    marker = k.mlir.index("nvvm.barrier0")
    racy = k.mlir[:marker] + k.mlir[marker:].replace("nvvm.barrier0", "llvm.mlir.constant(0 : i32) : i32", 1)
    from linear_layouts.emulator import EmulationError, emulate_mlir
    with pytest.raises(EmulationError, match="shared-memory race"):
        emulate_mlir(racy, "four", 1, [x, y, z, w], threads_per_cta=128, warp_size=32, shared_bytes=k.shared_bytes)


def test_unsupported_element_types_are_clear_errors():
    text = kernels.reduce_mlir(BLOCKED, [32, 64], "i32", 1, "add")
    ptrs = "tensor<32x64x!ll.ptr<i32>, #a>"
    start = text.index('  %res = "ll.reduce"')
    end = text.index("\n", text.index("}) :", start)) + 1
    keep_first = ('  %res = "ll.reduce"(%xp) <{axis = 1 : i32}> ({\n  ^bb0(%p: !ll.ptr<i32>, %q: !ll.ptr<i32>):\n'
                  f'    ll.reduce.return %p : !ll.ptr<i32>\n  }}) : ({ptrs}) -> tensor<32x!ll.ptr<i32>, #r>\n'
                  '  %res_i = ll.ptr_to_int %res : tensor<32x!ll.ptr<i32>, #r> -> tensor<32xi64, #r>\n')
    text = text[:start] + keep_first + text[end:]
    text = text.replace("ll.store %o0p, %res :", "ll.store %o0p, %res_t :").replace(
        "  ll.store %o0p", "  %res_t = arith.trunci %res_i : tensor<32xi64, #r> to tensor<32xi32, #r>\n  ll.store %o0p")
    with pytest.raises(CompileError, match=r"'ll.reduce' op cannot be lowered: elements of type '!ll.ptr<i32>' "
                                           r"\(integers and floats up to 64 bits are\)"):
        ll.compile(text, "sm_90")


# ------------------------------------------------------------ the core's plans, simulated


def _elements(plan: dict) -> list[int]:
    """The element (row-major rest index, then the axis position in the low
    bits) each hardware point h of the plan's layout holds."""
    full = [(r << plan["axis_bits"]) | a for r, a in zip(plan["rest_images"], plan["axis_images"])]
    bits = plan["register_bits"] + plan["lane_bits"] + plan["warp_bits"]
    out = []
    for h in range(1 << bits):
        e = 0
        for i in range(bits):
            if (h >> i) & 1:
                e ^= full[i]
        out.append(e)
    return out


def _union(a: int, b: int, what) -> int:
    """Two sets of elements (bit sets) combined: they must be disjoint, or an
    element would be counted twice."""
    assert a & b == 0, f"an element counted twice: {what}"
    return a | b


def test_core_reduce_plans_combine_each_element_of_a_line_once():
    """The SIMT model of a reduction plan (Core/ReduceScan.h): every point
    combines its value with the point h ^ c for each vector c of C, in
    order (registers, lane butterflies, warps through the slots). After
    that, every point must hold each element of its output line exactly
    once -- no element missed (the complement spans K / Z) and no copy
    counted twice (it avoids Z) -- on random layouts of every family."""
    from collections import Counter

    rng = random.Random(SEED + 7)
    seen = Counter()
    for _ in range(CASES):
        target, lanes, warps, shape = random_target_shape(rng)
        layout = rng.choice(MAKERS)(rng, shape, lanes, warps)
        axis = rng.randrange(len(shape))
        p = ll._core.plan_reduce(layout, shape, axis)
        elem = _elements(p)
        ab = p["axis_bits"]
        lines: dict[int, int] = {}
        for e in elem:
            lines[e >> ab] = lines.get(e >> ab, 0) | (1 << e)
        vals = [1 << e for e in elem]
        for c in p["c_register"] + p["c_lane"] + p["c_warp"]:
            vals = [_union(vals[h], vals[h ^ c], (shape, axis, layout.bases)) for h in range(len(vals))]
        for h, v in enumerate(vals):
            assert v == lines[elem[h] >> ab], (shape, axis, layout.bases, h)
        # Registers of one class hold one partial.
        for r in range(1 << p["register_bits"]):
            canon = r
            for row in p["same_register"]:
                if canon & (1 << (row.bit_length() - 1)):
                    canon ^= row
            assert vals[r] == vals[canon]
        assert p["shared_entries"] == ((1 << p["rest_bits"]) << len(p["c_warp"]) if p["c_warp"] else 0)
        seen.update(k for k in ("c_register", "c_lane", "c_warp") if p[k])
    assert all(seen[k] > 0 for k in ("c_register", "c_lane", "c_warp")), seen


def test_core_scan_plans_give_every_prefix():
    """The SIMT model of a scan plan: for each axis bit k each point h
    combines its block with the neighbouring block at h ^ h_k (upper half:
    P = T' + P, T = T' + T; lower half: T = T + T'). Every point must end
    with the elements of its line at or before its position, each once."""
    rng = random.Random(SEED + 8)
    for _ in range(CASES):
        target, lanes, warps, shape = random_target_shape(rng)
        layout = rng.choice(MAKERS)(rng, shape, lanes, warps)
        axis = rng.randrange(len(shape))
        p = ll._core.plan_scan(layout, shape, axis)
        elem = _elements(p)
        ab = p["axis_bits"]
        what = (shape, axis, layout.bases)
        P = [1 << e for e in elem]
        T = list(P)
        for k, hk in enumerate(p["steps"]):
            nP, nT = list(P), list(T)
            for h, e in enumerate(elem):
                other = T[h ^ hk]
                if (e >> k) & 1:
                    nP[h], nT[h] = _union(other, P[h], what), _union(other, T[h], what)
                else:
                    nT[h] = _union(T[h], other, what)
            P, T = nP, nT
        for h, e in enumerate(elem):
            base = (e >> ab) << ab
            want = ((1 << (e + 1)) - 1) & ~((1 << base) - 1)  # elements base..e of the line
            assert P[h] == want, (what, h)
        assert p["shared_entries"] == (1 << (ab + p["rest_bits"]) if any(
            s >> (p["register_bits"] + p["lane_bits"]) for s in p["steps"]) else 0)


def _in_order(values, order):
    """float32 sums of each row of `values` in a reduction order, as defined
    (docs/lowering.md): left to right; a balanced tree of adjacent pairs; the
    tree of the even and of the odd positions, then the two."""
    def tree(v):
        while v.shape[-1] > 1:
            v = v[..., 0::2] + v[..., 1::2]
        return v[..., 0]
    if order == "sequential":
        acc = values[..., 0]
        for i in range(1, values.shape[-1]):
            acc = acc + values[..., i]
        return acc
    if order == "packed":
        return tree(values[..., 0::2]) + tree(values[..., 1::2])
    return tree(values)


@pytest.mark.parametrize("target", ["sm_80", "gfx942"])
@pytest.mark.parametrize("order", ["sequential", "tree", "packed", None])
def test_reduction_orders_give_their_bits(target, order):
    """A thread's 16 values of a row summed in the order asked for
    (`reduction_order`: the one each Triton release uses, so that the hook
    reproduces its bits): bitwise the float32 sums in that order. The data
    spans 2^-20 .. 2^20, so that the orders give different bits; the
    default is the tree, and on AMD the packed tree (f32 adds)."""
    lanes = 64 if target == "gfx942" else 32
    layout = f"#ttg.blocked<{{sizePerThread = [1, 16], threadsPerWarp = [{lanes}, 1], warpsPerCTA = [1, 1], order = [1, 0]}}>"
    shape = [lanes, 16]
    k = ll.compile(kernels.reduce_mlir(layout, shape, "f32", 1, "add", target), target, reduction_order=order)
    g = np.random.default_rng(5)
    x = (g.standard_normal(2 * lanes * 16) * 2.0 ** g.integers(-20, 20, 2 * lanes * 16)).astype(np.float32)
    y = np.zeros(2 * lanes, np.float32)
    ll.emulate(k, 2, [x, y])
    rows = x.reshape(-1, 16)
    want = {o: _in_order(rows, o) for o in ("sequential", "tree", "packed")}
    assert len({w.tobytes() for w in want.values()}) == 3  # the orders differ on this data
    expect = order or ("packed" if target == "gfx942" else "tree")
    np.testing.assert_array_equal(y, want[expect])
    with pytest.raises(CompileError, match="reduction_order must be"):
        ll.compile(kernels.reduce_mlir(layout, shape, "f32", 1, "add", target), target, reduction_order="pairwise")
