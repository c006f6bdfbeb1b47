"""Generated code, executed: ``convert_roundtrip`` kernels compiled through
``convert-ll-to-llvm`` and run for every thread by the CPU emulator
(``linear_layouts.emulate``), their PTX assembled by ``ptxas``.

The oracle is arithmetic, independent of the layouts: the kernel adds 1 after
each of its 2·iters conversions, so ``y == x + 2·iters`` (wrapping) for every
element of every tile, whatever the layouts and however the conversions are
planned; a value moved to the wrong register, lane or address breaks it.

Sizes per run: ``LL_CODEGEN_CASES`` random pairs (default 500) and every
corpus conversion; ``LL_CODEGEN_SEED`` picks the random pairs.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import pytest

import linear_layouts as ll
from linear_layouts.compiler import CompileError, ptxas
from linear_layouts.kernels import convert_roundtrip
from test_planning import MAKERS, permute_registers, random_blocked, random_mma, random_target_shape

CASES = int(os.environ.get("LL_CODEGEN_CASES", "500"))
SEED = int(os.environ.get("LL_CODEGEN_SEED", "1"))
CORPUS = Path(__file__).resolve().parents[1] / "data" / "conversions.json"
DTYPES = {8: ("i8", np.int8), 16: ("i16", np.int16), 32: ("i32", np.int32), 64: ("i64", np.int64)}


def run_roundtrip(src, dst, shape, bits, target, iters=2, grid=2, seed=0, traffic_first=False):
    """Compile, emulate and check one round-trip kernel; the kernel."""
    dtype, npdt = DTYPES[bits]
    k = convert_roundtrip(src, dst, list(shape), dtype, iters, target, traffic_first=traffic_first)
    numel = int(np.prod(shape))
    info = np.iinfo(npdt)
    x = np.random.default_rng(seed).integers(info.min, info.max, size=grid * numel, dtype=npdt, endpoint=True)
    y = np.zeros_like(x)
    ll.emulate(k, grid, [x, y])
    want = (x.astype(np.int64) + 2 * iters).astype(npdt)  # wrapping
    bad = np.nonzero(y != want)[0]
    assert bad.size == 0, f"{bad.size} wrong elements, first at {bad[:8].tolist()}: got {y[bad[:8]].tolist()} want {want[bad[:8]].tolist()}"
    return k


def random_pair(rng):
    if rng.random() < 0.25:
        # Tensor-core tiles of 8/16-bit values on sm_90 (where matrix
        # accesses and sub-word exchanges pay): mma <-> blocked.
        shape = [rng.choice([32, 64, 128]), rng.choice([32, 64, 128])]
        warps = rng.choice([1, 2, 4, 8])
        if rng.random() < 0.3:
            # A transpose of 8-bit values (sub-word exchanges around the buffer).
            def blocked(order, spt):
                return ll.from_triton(f"#ttg.blocked<{{sizePerThread = {spt}, threadsPerWarp = {[4, 8] if order[0] else [8, 4]}, "
                                      f"warpsPerCTA = [{warps}, 1], order = {order}}}>", shape)
            return blocked([1, 0], [1, 4]), blocked([0, 1], [4, 1]), shape, 8, rng.choice(["sm_90", "sm_80"])
        a, b = random_mma(rng, shape, 32, warps), random_blocked(rng, shape, 32, warps)
        if rng.random() < 0.5:
            a, b = b, a
        return a, b, shape, rng.choice([8, 16, 16]), rng.choice(["sm_90", "sm_80"])
    target, lanes, warps, shape = random_target_shape(rng)
    src = rng.choice(MAKERS)(rng, shape, lanes, warps)
    r = rng.random()
    if r < 0.15:
        dst = src  # noop
    elif r < 0.3:
        dst = permute_registers(rng, src)
    else:
        dst = rng.choice(MAKERS)(rng, shape, lanes, warps)
    return src, dst, shape, rng.choice([8, 16, 32, 64]), target


def test_random_roundtrips_execute_exactly():
    rng = random.Random(SEED)
    kinds: dict[str, int] = {}
    done = 0
    while done < CASES:
        src, dst, shape, bits, target = random_pair(rng)
        if src.in_dims.get("lane") != dst.in_dims.get("lane") or src.in_dims.get("warp") != dst.in_dims.get("warp"):
            continue
        # Plans as the lowering makes them: by cycles (shared memory competing
        # with shuffles), or by traffic first for a quarter of the pairs.
        tf = rng.random() < 0.25
        plan = ll.plan_conversion(src, dst, bits, target, shared_by_cycles=True, traffic_first=tf)
        kinds[plan.kind] = kinds.get(plan.kind, 0) + 1
        if plan.kind == "shared":
            for what, seen in (("rounds", plan.rounds > 1), ("exchange", plan.exchange is not None),
                               ("stmatrix", plan.store_access != "plain"), ("ldmatrix", plan.load_access != "plain")):
                kinds[what] = kinds.get(what, 0) + seen
        if plan.kind == "shuffle" and plan.pack_mask:
            kinds["packed"] = kinds.get("packed", 0) + 1
        if plan.kind == "select" and bits < 32:
            kinds["packed select"] = kinds.get("packed select", 0) + 1
        try:
            run_roundtrip(src, dst, shape, bits, target, seed=done, traffic_first=tf)
        except AssertionError as e:
            raise AssertionError(f"{target} {shape} {bits}-bit\nsrc {src.bases}\ndst {dst.bases}\nplan {plan}\n{e}") from None
        done += 1
    # Every plan kind, packed shuffles, multi-round shared plans, matrix
    # accesses and sub-word exchanges ran.
    for k in ("noop", "registers", "select", "packed select", "shuffle", "shared", "packed", "rounds", "exchange",
              "stmatrix", "ldmatrix"):
        assert kinds.get(k, 0) > 0, kinds


def corpus():
    return json.loads(CORPUS.read_text())


@pytest.mark.parametrize("i", range(len(corpus())))
def test_corpus_roundtrip_executes_exactly(i):
    e = corpus()[i]
    k = run_roundtrip(e["src"], e["dst"], e["shape"], e["bitwidth"], e["target"], iters=1, grid=1)
    assert k.num_warps == e["num_warps"]
    if e["target"].startswith("sm_"):
        assert ptxas(k)[:4] == b"\x7fELF"  # ptxas accepts the PTX


def test_ptxas_accepts_sm80_and_sm90a():
    src = "#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>"
    dst = "#ttg.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>"
    for target, arch in (("sm_80", "sm_80"), ("sm_90", "sm_90a")):
        k = convert_roundtrip(src, dst, [64, 64], "i16", 2, target)
        assert ".target " + arch in k.asm
        assert "shfl.sync" not in k.asm and "bar.sync" in k.asm and "ld.shared" in k.asm
        assert ptxas(k, arch)[:4] == b"\x7fELF"


def test_compile_errors_are_clear():
    with pytest.raises(CompileError, match="target 'sm_7' is not supported .known targets: sm_80"):
        ll.compile("module {}", "sm_7")
    with pytest.raises(CompileError, match="unknown target 'volta'"):
        ll.compile("module {}", "volta")
    with pytest.raises(CompileError, match="RDNA GPUs run wave32"):
        ll.compile("module {}", "gfx1100")
    with pytest.raises(CompileError, match="tcgen05"):
        ll.compile("module {}", "sm_100")
    with pytest.raises(CompileError, match="no target: pass target="):
        ll.compile("module {}")
    with pytest.raises(CompileError, match="expected one func.func with the ll.kernel attribute"):
        ll.compile("module {}", "sm_90")
    with pytest.raises(CompileError, match="custom op 'll.nope' is unknown"):
        ll.compile("func.func @k() attributes {ll.kernel} { ll.nope }", "sm_90")


def test_amdgcn_through_tritons_llvm():
    # Lanes exchanged inside a wave64 (two lane bits swapped: one shuffle per
    # register, no selects): ds_bpermute in the AMDGCN; a transpose across
    # waves: LDS accesses and barriers.
    lanes = [[1], [2], [4], [8], [16], [32]]
    src = ll.LinearLayout.from_bases({"register": [[64]], "lane": lanes, "warp": [], "block": []}, {"dim0": 128})
    dst = ll.LinearLayout.from_bases({"register": [[64]], "lane": [lanes[1], lanes[0]] + lanes[2:], "warp": [], "block": []}, {"dim0": 128})
    k = convert_roundtrip(src, dst, [128], "i32", 1, "gfx942")
    assert (k.num_warps, k.threads_per_warp) == (1, 64)
    assert "ds_bpermute_b32" in k.asm and "s_endpgm" in k.asm
    a = "#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [16, 4], warpsPerCTA = [4, 1], order = [1, 0]}>"
    b = "#ttg.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 16], warpsPerCTA = [1, 4], order = [0, 1]}>"
    k = convert_roundtrip(a, b, [64, 64], "i16", 1, "gfx942")
    assert k.num_warps == 4 and "ds_write" in k.asm and "ds_read" in k.asm and "s_barrier" in k.asm


def test_unrolled_roundtrip():
    # The straight-line form (what bench/codegen_vs_triton.py compares):
    # three round trips without a loop, still y == x + 6.
    src = "#ttg.blocked<{sizePerThread = [2, 2], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>"
    dst = "#ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>"
    k = convert_roundtrip(src, dst, [64, 32], "i16", 3, "sm_80", unroll=True)
    assert "scf" not in k.mlir and "llvm.cond_br" not in k.mlir
    x = np.arange(2 * 64 * 32, dtype=np.int16)
    y = np.zeros_like(x)
    ll.emulate(k, 2, [x, y])
    assert (y == x + 6).all()
    assert ptxas(k)[:4] == b"\x7fELF"


MASKED = """
#b = #ll.blocked<{{sizePerThread = [{spt}], threadsPerWarp = [{lanes}], warpsPerCTA = [4], order = [0]}}>
module attributes {{ll.target = #ll.target<"{target}">}} {{
func.func @axpb(%x: !ll.ptr<f32> {{ll.divisibility = 16 : i64}}, %y: !ll.ptr<f32> {{ll.divisibility = 16 : i64}},
                %n: i32, %a: f32) attributes {{ll.kernel}} {{
  %pid = ll.program_id x : i32
  %bs = arith.constant {block} : i32
  %start = arith.muli %pid, %bs : i32
  %r = ll.make_range {{start = 0 : i32, end = {block} : i32}} : tensor<{block}xi32, #b>
  %s = ll.splat %start : i32 -> tensor<{block}xi32, #b>
  %i = arith.addi %s, %r : tensor<{block}xi32, #b>
  %ns = ll.splat %n : i32 -> tensor<{block}xi32, #b>
  %m = arith.cmpi slt, %i, %ns : tensor<{block}xi32, #b>
  %xs = ll.splat %x : !ll.ptr<f32> -> tensor<{block}x!ll.ptr<f32>, #b>
  %xp = ll.addptr %xs, %i : tensor<{block}x!ll.ptr<f32>, #b>, tensor<{block}xi32, #b>
  %other = arith.constant dense<-1.0> : tensor<{block}xf32, #b>
  %v = ll.load %xp, %m, %other : (tensor<{block}x!ll.ptr<f32>, #b>, tensor<{block}xi1, #b>, tensor<{block}xf32, #b>) -> tensor<{block}xf32, #b>
  %as = ll.splat %a : f32 -> tensor<{block}xf32, #b>
  %w = arith.mulf %v, %as : tensor<{block}xf32, #b>
  %one = arith.constant dense<1.0> : tensor<{block}xf32, #b>
  %z = arith.addf %w, %one : tensor<{block}xf32, #b>
  %ys = ll.splat %y : !ll.ptr<f32> -> tensor<{block}x!ll.ptr<f32>, #b>
  %yp = ll.addptr %ys, %i : tensor<{block}x!ll.ptr<f32>, #b>, tensor<{block}xi32, #b>
  ll.store %yp, %z, %m : (tensor<{block}x!ll.ptr<f32>, #b>, tensor<{block}xf32, #b>, tensor<{block}xi1, #b>) -> ()
  return
}}
}}
"""


@pytest.mark.parametrize("n", [1, 127, 1000, 1025])
@pytest.mark.parametrize("target", ["sm_90", "gfx942"])
def test_masked_loads_and_stores_with_any_size(n, target):
    # y[i] = a * x[i] + 1 for i < n: the arrays are exactly n long, so an
    # access past the mask is an emulator error; masked lanes keep y's bytes.
    lanes = 64 if target.startswith("gfx") else 32
    block = 512
    k = ll.compile(MASKED.format(spt=block // (4 * lanes), lanes=lanes, block=block, target=target), target)
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n).astype(np.float32)
    y = np.full(n, 7.0, dtype=np.float32)
    grid = -(-n // block)
    ll.emulate(k, grid, [x, y, n, 2.5])
    np.testing.assert_array_equal(y, (x * np.float32(2.5) + np.float32(1.0)).astype(np.float32))


CASTS = """
#b = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @casts(%x: !ll.ptr<f32>, %y: !ll.ptr<i32>) attributes {ll.kernel} {
  %r = ll.make_range {start = 0 : i32, end = 256 : i32} : tensor<256xi32, #b>
  %xs = ll.splat %x : !ll.ptr<f32> -> tensor<256x!ll.ptr<f32>, #b>
  %xp = ll.addptr %xs, %r : tensor<256x!ll.ptr<f32>, #b>, tensor<256xi32, #b>
  %a = ll.ptr_to_int %xp : tensor<256x!ll.ptr<f32>, #b> -> tensor<256xi64, #b>
  %q = ll.int_to_ptr %a : tensor<256xi64, #b> -> tensor<256x!ll.ptr<f32>, #b>
  %v = ll.load %q : (tensor<256x!ll.ptr<f32>, #b>) -> tensor<256xf32, #b>
  %i = ll.bitcast %v : tensor<256xf32, #b> -> tensor<256xi32, #b>
  %ys = ll.splat %y : !ll.ptr<i32> -> tensor<256x!ll.ptr<i32>, #b>
  %yp = ll.addptr %ys, %r : tensor<256x!ll.ptr<i32>, #b>, tensor<256xi32, #b>
  ll.store %yp, %i : (tensor<256x!ll.ptr<i32>, #b>, tensor<256xi32, #b>) -> ()
  return
}
}
"""


def test_casts_execute():
    # Pointers through integers and back, then the bits of each float.
    k = ll.compile(CASTS, "sm_90")
    x = np.random.default_rng(0).standard_normal(256).astype(np.float32)
    y = np.zeros(256, dtype=np.int32)
    ll.emulate(k, 1, [x, y])
    np.testing.assert_array_equal(y, x.view(np.int32))
    assert ptxas(k)[:4] == b"\x7fELF"


def test_scf_while_carries_tensors():
    # A data-dependent loop (its trip count a kernel argument) carrying a
    # tensor and a counter through scf.while.
    text = """
#b = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @k(%x: !ll.ptr<i32>, %y: !ll.ptr<i32>, %n: i32) attributes {ll.kernel} {
  %r = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #b>
  %xs = ll.splat %x : !ll.ptr<i32> -> tensor<128x!ll.ptr<i32>, #b>
  %xp = ll.addptr %xs, %r : tensor<128x!ll.ptr<i32>, #b>, tensor<128xi32, #b>
  %v = ll.load %xp : (tensor<128x!ll.ptr<i32>, #b>) -> tensor<128xi32, #b>
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %res:2 = scf.while (%acc = %v, %i = %c0) : (tensor<128xi32, #b>, i32) -> (tensor<128xi32, #b>, i32) {
    %go = arith.cmpi slt, %i, %n : i32
    scf.condition(%go) %acc, %i : tensor<128xi32, #b>, i32
  } do {
  ^bb0(%a: tensor<128xi32, #b>, %j: i32):
    %a2 = arith.addi %a, %r : tensor<128xi32, #b>
    %j2 = arith.addi %j, %c1 : i32
    scf.yield %a2, %j2 : tensor<128xi32, #b>, i32
  }
  %ys = ll.splat %y : !ll.ptr<i32> -> tensor<128x!ll.ptr<i32>, #b>
  %yp = ll.addptr %ys, %r : tensor<128x!ll.ptr<i32>, #b>, tensor<128xi32, #b>
  ll.store %yp, %res#0 : (tensor<128x!ll.ptr<i32>, #b>, tensor<128xi32, #b>) -> ()
  return
}
}
"""
    k = ll.compile(text, "sm_90")
    x = np.arange(128, dtype=np.int32) * 7
    for n in (0, 1, 5):
        y = np.zeros(128, np.int32)
        ll.emulate(k, 1, [x, y, n])
        np.testing.assert_array_equal(y, x + n * np.arange(128))
    assert ptxas(k)[:4] == b"\x7fELF"


I1_KERNEL = """
#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#b = #ll.linear<{register = [], lane = [[4], [8], [16], [32], [64]], warp = [[1], [2]], block = []}>
func.func @k(%y: !ll.ptr<i32>) attributes {ll.kernel} {
  %r = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #a>
  %c = arith.constant dense<37> : tensor<128xi32, #a>
  %m = arith.cmpi slt, %r, %c : tensor<128xi32, #a>
  %n = ll.convert_layout %m : tensor<128xi1, #a> -> tensor<128xi1, #b>
  %rb = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #b>
  %z = arith.constant dense<0> : tensor<128xi32, #b>
  %v = arith.select %n, %rb, %z : tensor<128xi1, #b>, tensor<128xi32, #b>
  %ys = ll.splat %y : !ll.ptr<i32> -> tensor<128x!ll.ptr<i32>, #b>
  %q = ll.addptr %ys, %rb : tensor<128x!ll.ptr<i32>, #b>, tensor<128xi32, #b>
  ll.store %q, %v : (tensor<128x!ll.ptr<i32>, #b>, tensor<128xi32, #b>) -> ()
  return
}
"""


@pytest.mark.parametrize("target", ["sm_80", "sm_90"])
def test_report_reads_the_plan_the_lowering_emits(target):
    """The report reads what ll-plan-conversions recorded with the
    lowering's options: an i1 conversion (moved as bytes) between warps is
    planned through shared memory, not "unplanned"; compile(target=) puts
    the target on the module (no pass option), and the kernel runs."""
    from linear_layouts import Target

    k = ll.compile(I1_KERNEL, Target(target))
    assert [c.plan for c in k.conversions] == ["shared"] and k.shared_bytes > 0
    assert f'll.target = #ll.target<"{target}">' in k.mlir and k.target_info.name == target
    y = np.full(128, -1, np.int32)
    ll.emulate(k, grid=1, args=[y])
    assert (y == np.where(np.arange(128) < 37, np.arange(128), 0)).all()
