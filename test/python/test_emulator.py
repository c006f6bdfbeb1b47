"""The CPU emulator of LLVM-dialect GPU kernels (linear_layouts.emulator).

Every kernel is hand-written MLIR; every expected value is computed here with numpy or plain
Python loops from the documented semantics (CUDA / PTX ISA / LLVM LangRef), never by the
emulator.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

pytest.importorskip("mlir.ir")

from linear_layouts import emulator  # noqa: E402
from linear_layouts.emulator import EmulationError, emulate, emulate_mlir  # noqa: E402

RNG = np.random.default_rng(1234)

GLOBAL_INDEX = """
  %bid = nvvm.read.ptx.sreg.ctaid.x : i32
  %ntid = nvvm.read.ptx.sreg.ntid.x : i32
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %base = llvm.mul %bid, %ntid : i32
  %i = llvm.add %base, %tid : i32
"""

SMEM = "llvm.mlir.global external @smem() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>"


def run(text: str, grid, args, **kw) -> None:
    emulate_mlir(text, None, grid, args, **kw)


# ----------------------------------------------------------------------------- 1. elementwise

ELEMENTWISE = f"""
llvm.func @scale(%x: !llvm.ptr<1>, %y: !llvm.ptr<1>, %fx: !llvm.ptr<1>, %fy: !llvm.ptr<1>)
    attributes {{nvvm.kernel, nvvm.reqntid = array<i32: 64>}} {{
  {GLOBAL_INDEX}
  %c3 = llvm.mlir.constant(3 : i32) : i32
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %f3 = llvm.mlir.constant(3.0 : f32) : f32
  %f1 = llvm.mlir.constant(1.0 : f32) : f32
  %px = llvm.getelementptr %x[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %v = llvm.load %px : !llvm.ptr<1> -> i32
  %m = llvm.mul %v, %c3 : i32
  %r = llvm.add %m, %c1 : i32
  %py = llvm.getelementptr %y[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %r, %py : i32, !llvm.ptr<1>
  %pfx = llvm.getelementptr %fx[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
  %fv = llvm.load %pfx : !llvm.ptr<1> -> f32
  %fm = llvm.fmul %fv, %f3 : f32
  %fr = llvm.fadd %fm, %f1 : f32
  %pfy = llvm.getelementptr %fy[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
  llvm.store %fr, %pfy : f32, !llvm.ptr<1>
  llvm.return
}}
"""


def test_elementwise_i32_f32():
    n = 4 * 64
    x = RNG.integers(-(2**31), 2**31, n, dtype=np.int64).astype(np.int32)
    fx = RNG.standard_normal(n).astype(np.float32)
    y, fy = np.zeros(n, np.int32), np.zeros(n, np.float32)
    run(ELEMENTWISE, 4, [x, y, fx, fy])
    expected = ((x.astype(np.int64) * 3 + 1 + 2**31) % 2**32 - 2**31).astype(np.int32)  # wraps like i32
    np.testing.assert_array_equal(y, expected)
    np.testing.assert_array_equal(fy, fx * np.float32(3) + np.float32(1))


def test_emulate_wrapper_and_decode_cache():
    kernel = types.SimpleNamespace(mlir=ELEMENTWISE, name="scale", num_warps=2, threads_per_warp=32, shared_bytes=0)
    x = np.arange(128, dtype=np.int32)
    fx = np.arange(128, dtype=np.float32)
    y, fy = np.zeros(128, np.int32), np.zeros(128, np.float32)
    emulate(kernel, (2, 1, 1), [x, y, fx, fy])
    hits = emulator._decode.cache_info().hits
    emulate(kernel, 2, [x, y, fx, fy])
    assert emulator._decode.cache_info().hits == hits + 1  # decoded once per (text, kernel)
    np.testing.assert_array_equal(y, 3 * x + 1)
    np.testing.assert_array_equal(fy, 3 * fx + 1)


# ----------------------------------------------------------------------------- 2. divergence

MASKED = f"""
llvm.func @masked(%x: !llvm.ptr<1>, %y: !llvm.ptr<1>, %z: !llvm.ptr<1>, %n: i32)
    attributes {{nvvm.reqntid = array<i32: 64>}} {{
  {GLOBAL_INDEX}
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %in = llvm.icmp "slt" %i, %n : i32
  llvm.cond_br %in, ^load, ^done
^load:
  %px = llvm.getelementptr %x[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %v = llvm.load %px : !llvm.ptr<1> -> i32
  %one = llvm.mlir.constant(1 : i32) : i32
  %v1 = llvm.add %v, %one : i32
  %py = llvm.getelementptr %y[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %v1, %py : i32, !llvm.ptr<1>
  %low = llvm.and %v, %one : i32
  %odd = llvm.icmp "ne" %low, %c0 : i32
  llvm.cond_br %odd, ^odd, ^even
^odd:
  %two = llvm.mlir.constant(2 : i32) : i32
  %a = llvm.mul %v, %two : i32
  llvm.br ^merge(%a : i32)
^even:
  %seven = llvm.mlir.constant(7 : i32) : i32
  %b = llvm.sub %v, %seven : i32
  llvm.br ^merge(%b : i32)
^merge(%w: i32):
  %pz = llvm.getelementptr %z[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %w, %pz : i32, !llvm.ptr<1>
  llvm.br ^done
^done:
  llvm.return
}}
"""


def test_masked_store_and_divergent_if_else():
    n = 150  # not a multiple of the 64-thread CTA; x has exactly n elements
    x = RNG.integers(-1000, 1000, n).astype(np.int32)
    y, z = np.full(192, -1, np.int32), np.full(192, -1, np.int32)
    run(MASKED, 3, [x, y, z, n])
    np.testing.assert_array_equal(y[:n], x + 1)
    np.testing.assert_array_equal(z[:n], np.where(x % 2 != 0, x * 2, x - 7))
    assert (y[n:] == -1).all() and (z[n:] == -1).all()


# ----------------------------------------------------------------------------- 3. loops

LOOPS = """
llvm.func @loops(%out: !llvm.ptr<1>, %steps: !llvm.ptr<1>, %tab: !llvm.ptr<1>, %last: !llvm.ptr<1>,
                 %scale: i32, %base: i32)
    attributes {nvvm.reqntid = array<i32: 64>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %c7 = llvm.mlir.constant(7 : i32) : i32
  %t7 = llvm.urem %tid, %c7 : i32
  %k0 = llvm.mul %t7, %scale : i32
  %k = llvm.add %k0, %base : i32
  llvm.br ^body(%c0, %c0 : i32, i32)
^body(%j: i32, %acc: i32):
  %acc2 = llvm.add %acc, %j : i32
  %pt = llvm.getelementptr %tab[%j] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %seen = llvm.load %pt : !llvm.ptr<1> -> i32
  %j2 = llvm.add %j, %c1 : i32
  %more = llvm.icmp "sle" %j2, %k : i32
  llvm.cond_br %more, ^body(%j2, %acc2 : i32, i32), ^exit
^exit:
  %po = llvm.getelementptr %out[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %acc2, %po : i32, !llvm.ptr<1>
  %pl = llvm.getelementptr %last[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %seen, %pl : i32, !llvm.ptr<1>
  %x0 = llvm.add %tid, %c1 : i32
  llvm.br ^header(%x0, %c0 : i32, i32)
^header(%x: i32, %n: i32):
  %done = llvm.icmp "ule" %x, %c1 : i32
  llvm.cond_br %done, ^end, ^step
^step:
  %bit = llvm.and %x, %c1 : i32
  %odd = llvm.icmp "eq" %bit, %c1 : i32
  %n1 = llvm.add %n, %c1 : i32
  llvm.cond_br %odd, ^up, ^down
^up:
  %c3 = llvm.mlir.constant(3 : i32) : i32
  %x3 = llvm.mul %x, %c3 : i32
  %x31 = llvm.add %x3, %c1 : i32
  llvm.br ^header(%x31, %n1 : i32, i32)
^down:
  %xh = llvm.lshr %x, %c1 : i32
  llvm.br ^header(%xh, %n1 : i32, i32)
^end:
  %ps = llvm.getelementptr %steps[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %n, %ps : i32, !llvm.ptr<1>
  llvm.return
}
"""


def collatz_steps(x: int) -> int:
    n = 0
    while x > 1:
        x, n = (3 * x + 1 if x % 2 else x // 2), n + 1
    return n


@pytest.mark.parametrize("scale,base", [(0, 5), (1, 0), (3, 2)])  # uniform, then divergent trip counts
def test_loops(scale, base):
    out, steps, last = np.zeros(64, np.int32), np.zeros(64, np.int32), np.zeros(64, np.int32)
    tab = RNG.integers(1, 1000, 64).astype(np.int32)
    run(LOOPS, 1, [out, steps, tab, last, scale, base])
    trips = [scale * (t % 7) + base for t in range(64)]
    np.testing.assert_array_equal(out, [sum(range(k + 1)) for k in trips])
    # values defined in the loop and used after it keep each lane's last iteration
    np.testing.assert_array_equal(last, [tab[k] for k in trips])
    np.testing.assert_array_equal(steps, [collatz_steps(t + 1) for t in range(64)])


# ----------------------------------------------------------------------------- 4. shuffles

SHUFFLES = """
llvm.func @shuffles(%in: !llvm.ptr<1>, %o_idx: !llvm.ptr<1>, %o_sum: !llvm.ptr<1>, %o_fsum: !llvm.ptr<1>,
                    %o_up: !llvm.ptr<1>, %o_upok: !llvm.ptr<1>, %o_down: !llvm.ptr<1>)
    attributes {nvvm.reqntid = array<i32: 64>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %lane = nvvm.read.ptx.sreg.laneid : i32
  %full = llvm.mlir.constant(-1 : i32) : i32
  %c31 = llvm.mlir.constant(31 : i32) : i32
  %pin = llvm.getelementptr %in[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %v = llvm.load %pin : !llvm.ptr<1> -> i32
  %src = llvm.sub %c31, %lane : i32
  %r_idx = nvvm.shfl.sync idx %full, %v, %src, %c31 : i32 -> i32
  %c16 = llvm.mlir.constant(16 : i32) : i32
  %c8 = llvm.mlir.constant(8 : i32) : i32
  %c4 = llvm.mlir.constant(4 : i32) : i32
  %c2 = llvm.mlir.constant(2 : i32) : i32
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %s1 = nvvm.shfl.sync bfly %full, %v, %c16, %c31 : i32 -> i32
  %a1 = llvm.add %v, %s1 : i32
  %s2 = nvvm.shfl.sync bfly %full, %a1, %c8, %c31 : i32 -> i32
  %a2 = llvm.add %a1, %s2 : i32
  %s3 = nvvm.shfl.sync bfly %full, %a2, %c4, %c31 : i32 -> i32
  %a3 = llvm.add %a2, %s3 : i32
  %s4 = nvvm.shfl.sync bfly %full, %a3, %c2, %c31 : i32 -> i32
  %a4 = llvm.add %a3, %s4 : i32
  %s5 = nvvm.shfl.sync bfly %full, %a4, %c1, %c31 : i32 -> i32
  %a5 = llvm.add %a4, %s5 : i32
  %f = llvm.sitofp %v : i32 to f32
  %g1 = nvvm.shfl.sync bfly %full, %f, %c16, %c31 : f32 -> f32
  %h1 = llvm.fadd %f, %g1 : f32
  %g2 = nvvm.shfl.sync bfly %full, %h1, %c8, %c31 : f32 -> f32
  %h2 = llvm.fadd %h1, %g2 : f32
  %g3 = nvvm.shfl.sync bfly %full, %h2, %c4, %c31 : f32 -> f32
  %h3 = llvm.fadd %h2, %g3 : f32
  %g4 = nvvm.shfl.sync bfly %full, %h3, %c2, %c31 : f32 -> f32
  %h4 = llvm.fadd %h3, %g4 : f32
  %g5 = nvvm.shfl.sync bfly %full, %h4, %c1, %c31 : f32 -> f32
  %h5 = llvm.fadd %h4, %g5 : f32
  %c_up = llvm.mlir.constant(6144 : i32) : i32
  %u = nvvm.shfl.sync up %full, %v, %c1, %c_up {return_value_and_is_valid} : i32 -> !llvm.struct<(i32, i1)>
  %u0 = llvm.extractvalue %u[0] : !llvm.struct<(i32, i1)>
  %u1 = llvm.extractvalue %u[1] : !llvm.struct<(i32, i1)>
  %u1w = llvm.zext %u1 : i1 to i32
  %c_down = llvm.mlir.constant(4127 : i32) : i32
  %d = nvvm.shfl.sync down %full, %v, %c2, %c_down : i32 -> i32
  %p1 = llvm.getelementptr %o_idx[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %r_idx, %p1 : i32, !llvm.ptr<1>
  %p2 = llvm.getelementptr %o_sum[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %a5, %p2 : i32, !llvm.ptr<1>
  %p3 = llvm.getelementptr %o_fsum[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
  llvm.store %h5, %p3 : f32, !llvm.ptr<1>
  %p4 = llvm.getelementptr %o_up[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %u0, %p4 : i32, !llvm.ptr<1>
  %p5 = llvm.getelementptr %o_upok[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %u1w, %p5 : i32, !llvm.ptr<1>
  %p6 = llvm.getelementptr %o_down[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %d, %p6 : i32, !llvm.ptr<1>
  llvm.return
}
"""


def test_warp_shuffles():
    v = RNG.integers(-1000, 1000, 64).astype(np.int32)
    outs = [np.zeros(64, np.int32), np.zeros(64, np.int32), np.zeros(64, np.float32),
            np.zeros(64, np.int32), np.zeros(64, np.int32), np.zeros(64, np.int32)]
    run(SHUFFLES, 1, [v, *outs])
    o_idx, o_sum, o_fsum, o_up, o_upok, o_down = outs
    for t in range(64):
        w, lane = 32 * (t // 32), t % 32
        assert o_idx[t] == v[w + 31 - lane]
        assert o_sum[t] == v[w:w + 32].sum() and o_fsum[t] == v[w:w + 32].sum()
        # __shfl_up_sync(full, v, 1, width=8): lanes below delta within their 8-lane segment keep their own value
        up_ok = lane % 8 >= 1
        assert (o_up[t], o_upok[t]) == ((v[t - 1], 1) if up_ok else (v[t], 0))
        # __shfl_down_sync(full, v, 2, width=16)
        assert o_down[t] == (v[t + 2] if lane % 16 + 2 < 16 else v[t])


SHFL_PARTIAL = """
llvm.func @partial(%out: !llvm.ptr<1>) attributes {nvvm.reqntid = array<i32: 32>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %c16 = llvm.mlir.constant(16 : i32) : i32
  %low = llvm.icmp "ult" %tid, %c16 : i32
  llvm.cond_br %low, ^shuffle, ^done
^shuffle:
  %mask = llvm.mlir.constant(MASK : i32) : i32
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %c31 = llvm.mlir.constant(31 : i32) : i32
  %s = nvvm.shfl.sync bfly %mask, %tid, %c1, %c31 : i32 -> i32
  %p = llvm.getelementptr %out[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %s, %p : i32, !llvm.ptr<1>
  llvm.br ^done
^done:
  llvm.return
}
"""


def test_shuffle_in_divergent_code_needs_its_member_lanes_active():
    out = np.full(32, -1, np.int32)
    run(SHFL_PARTIAL.replace("MASK", str(0xFFFF)), 1, [out])
    np.testing.assert_array_equal(out, [t ^ 1 for t in range(16)] + [-1] * 16)
    with pytest.raises(EmulationError, match=r"nvvm.shfl.sync at .*member mask 0xffffffff"):
        run(SHFL_PARTIAL.replace("MASK", "-1"), 1, [out])


# ----------------------------------------------------------------------------- 5. shared memory

ROTATE = f"""
{SMEM}
llvm.func @rotate(%out: !llvm.ptr<1>, %offsets: !llvm.ptr<1>) attributes {{nvvm.reqntid = array<i32: 128>}} {{
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %ntid = nvvm.read.ptx.sreg.ntid.x : i32
  %s = llvm.mlir.addressof @smem : !llvm.ptr<3>
  %p = llvm.getelementptr %s[%tid] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i32
  llvm.store %tid, %p : i32, !llvm.ptr<3>
  nvvm.barrier0
  %c5 = llvm.mlir.constant(5 : i32) : i32
  %t5 = llvm.add %tid, %c5 : i32
  %j = llvm.urem %t5, %ntid : i32
  %q = llvm.getelementptr %s[%j] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i32
  %v = llvm.load %q : !llvm.ptr<3> -> i32
  %po = llvm.getelementptr %out[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %v, %po : i32, !llvm.ptr<1>
  %off = llvm.ptrtoint %p : !llvm.ptr<3> to i32
  %pf = llvm.getelementptr %offsets[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %off, %pf : i32, !llvm.ptr<1>
  llvm.return
}}
"""


def test_shared_memory_rotation():
    out, offsets = np.zeros(256, np.int32), np.zeros(256, np.int32)
    run(ROTATE, 2, [out[:128], offsets[:128]], shared_bytes=512)
    t = np.arange(128)
    np.testing.assert_array_equal(out[:128], (t + 5) % 128)
    np.testing.assert_array_equal(offsets[:128], 4 * t)  # a ptr<3> is an offset in the shared window
    with pytest.raises(EmulationError, match=r"llvm.store at .*store of 4 bytes .*thread 64 .*shared memory \(256 bytes\)"):
        run(ROTATE, 1, [out[:128], offsets[:128]], shared_bytes=256)


BARRIER_IN_BRANCH = """
llvm.func @bad_barrier() attributes {nvvm.reqntid = array<i32: 64>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %c32 = llvm.mlir.constant(32 : i32) : i32
  %low = llvm.icmp "ult" %tid, %c32 : i32
  llvm.cond_br %low, ^sync, ^done
^sync:
  nvvm.barrier0
  llvm.br ^done
^done:
  nvvm.barrier0
  llvm.return
}
"""


EARLY_EXIT = f"""
{SMEM}
llvm.func @early_exit(%out: !llvm.ptr<1>) attributes {{nvvm.reqntid = array<i32: 64>}} {{
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %c40 = llvm.mlir.constant(40 : i32) : i32
  %gone = llvm.icmp "uge" %tid, %c40 : i32
  llvm.cond_br %gone, ^exit, ^work
^exit:
  llvm.return
^work:
  %s = llvm.mlir.addressof @smem : !llvm.ptr<3>
  %p = llvm.getelementptr %s[%tid] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i32
  llvm.store %tid, %p : i32, !llvm.ptr<3>
  nvvm.barrier0
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %t1 = llvm.add %tid, %c1 : i32
  %j = llvm.urem %t1, %c40 : i32
  %q = llvm.getelementptr %s[%j] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i32
  %v = llvm.load %q : !llvm.ptr<3> -> i32
  %po = llvm.getelementptr %out[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %v, %po : i32, !llvm.ptr<1>
  llvm.return
}}
"""


def test_barrier_after_early_exit_counts_live_threads_only():
    out = np.full(64, -1, np.int32)
    run(EARLY_EXIT, 1, [out], shared_bytes=256)
    np.testing.assert_array_equal(out, [(t + 1) % 40 for t in range(40)] + [-1] * 24)


def test_shared_memory_races_raise():
    # Without its barrier, thread 31 (warp 0) reads the word thread 32 (warp 1)
    # wrote: lockstep emulation would hide it, the race tracker does not.
    out = np.full(64, -1, np.int32)
    racy = EARLY_EXIT.replace("  nvvm.barrier0\n", "", 1)
    with pytest.raises(EmulationError, match=r"llvm.load at .*shared-memory race: thread 31 \(warp 0, lane 31\) .*"
                                             r"reads byte 128, written by warp 1 since the last barrier"):
        run(racy, 1, [out], shared_bytes=256)
    # A write after another warp's read, with no barrier between them: thread
    # t also writes word (t + 39) % 40, which thread (t + 38) % 40 read:
    # thread 0 (warp 0) overwrites word 39, which thread 38 (warp 1) read.
    back = ("  %c39 = llvm.mlir.constant(39 : i32) : i32\n  %t39 = llvm.add %tid, %c39 : i32\n"
            "  %k = llvm.urem %t39, %c40 : i32\n  %r = llvm.getelementptr %s[%k] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i32\n")
    end = "  llvm.store %v, %po : i32, !llvm.ptr<1>\n"
    war = EARLY_EXIT.replace(end, end + back + "  llvm.store %tid, %r : i32, !llvm.ptr<3>\n")
    with pytest.raises(EmulationError, match=r"llvm.store at .*shared-memory race: thread 0 \(warp 0, lane 0\) .*"
                                             r"writes byte 156, read by warp 1 since the last barrier"):
        run(war, 1, [out], shared_bytes=256)
    # The same accesses separated by a barrier are fine.
    fine = EARLY_EXIT.replace(end, end + back + "  nvvm.barrier0\n  llvm.store %tid, %r : i32, !llvm.ptr<3>\n")
    run(fine, 1, [out], shared_bytes=256)


def test_barrier_under_divergence_raises():
    with pytest.raises(EmulationError, match=r"nvvm.barrier0 at .*:8:.*divergence: 32 live threads .*thread 32"):
        run(BARRIER_IN_BRANCH, 1, [])


# ----------------------------------------------------------------------------- 6. ldmatrix / stmatrix

LAYOUT_ATTRS = ("shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>, eltType = #nvvm.ld_st_matrix_elt_type<b16>, "
                "layout = #nvvm.mma_layout<{}>")
ROW_ADDRESS = """
  %c5 = llvm.mlir.constant(5 : i32) : i32
  %c31 = llvm.mlir.constant(31 : i32) : i32
  %t5 = llvm.mul %tid, %c5 : i32
  %r = llvm.and %t5, %c31 : i32
  %a = llvm.getelementptr %s[%r] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, vector<8xi16>
"""


def store_fragment(result: str, out: str) -> str:
    lines = []
    for k in range(4):
        lines.append(f"  %{result}{k} = llvm.extractvalue %{result}[{k}] : !llvm.struct<(i32, i32, i32, i32)>")
        lines.append(f"  %{out}{k} = llvm.getelementptr %{out}[%tid, {k}] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, "
                     "!llvm.array<4 x i32>")
        lines.append(f"  llvm.store %{result}{k}, %{out}{k} : i32, !llvm.ptr<1>")
    return "\n".join(lines)


LDMATRIX = f"""
{SMEM}
llvm.func @ldm(%tile: !llvm.ptr<1>, %out: !llvm.ptr<1>, %outt: !llvm.ptr<1>) attributes {{nvvm.reqntid = array<i32: 32>}} {{
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %g = llvm.getelementptr %tile[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, vector<8xi16>
  %row = llvm.load %g : !llvm.ptr<1> -> vector<8xi16>
  %s = llvm.mlir.addressof @smem : !llvm.ptr<3>
  %srow = llvm.getelementptr %s[%tid] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, vector<8xi16>
  llvm.store %row, %srow : vector<8xi16>, !llvm.ptr<3>
  nvvm.barrier0
  {ROW_ADDRESS}
  %m = nvvm.ldmatrix %a {{num = 4 : i32, {LAYOUT_ATTRS.format("row")}}} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32, i32, i32)>
  %mt = nvvm.ldmatrix %a {{num = 4 : i32, {LAYOUT_ATTRS.format("col")}}} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32, i32, i32)>
{store_fragment("m", "out")}
{store_fragment("mt", "outt")}
  llvm.return
}}
"""


def shared_row(matrix: int, row: int) -> int:
    """The kernels' addressing: lane 8m + r supplies row r of matrix m, at shared row 5(8m + r) mod 32."""
    return (5 * (8 * matrix + row)) % 32


def test_ldmatrix_x4():
    tile = RNG.integers(0, 2**16, (32, 8)).astype(np.uint16)  # 32 shared rows of 8 b16 elements
    out, outt = np.zeros((32, 4), np.uint32), np.zeros((32, 4), np.uint32)
    run(LDMATRIX, 1, [tile, out, outt], shared_bytes=512)
    for t in range(32):
        for m in range(4):
            # PTX ISA, ldmatrix fragment: lane t holds row t/4, columns 2(t%4) and 2(t%4)+1 (low half first)
            row, col = t // 4, 2 * (t % 4)
            lo, hi = tile[shared_row(m, row), col], tile[shared_row(m, row), col + 1]
            assert out[t, m] == int(lo) | int(hi) << 16
            # .trans: the same fragment of the transposed matrix
            lo, hi = tile[shared_row(m, col), row], tile[shared_row(m, col + 1), row]
            assert outt[t, m] == int(lo) | int(hi) << 16


STMATRIX = f"""
{SMEM}
llvm.func @stm(%words: !llvm.ptr<1>, %out: !llvm.ptr<1>, %back: !llvm.ptr<1>) attributes {{nvvm.reqntid = array<i32: 32>}} {{
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %s = llvm.mlir.addressof @smem : !llvm.ptr<3>
  {ROW_ADDRESS}
  %w0p = llvm.getelementptr %words[%tid, 0] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, !llvm.array<4 x i32>
  %w1p = llvm.getelementptr %words[%tid, 1] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, !llvm.array<4 x i32>
  %w2p = llvm.getelementptr %words[%tid, 2] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, !llvm.array<4 x i32>
  %w3p = llvm.getelementptr %words[%tid, 3] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, !llvm.array<4 x i32>
  %w0 = llvm.load %w0p : !llvm.ptr<1> -> i32
  %w1 = llvm.load %w1p : !llvm.ptr<1> -> i32
  %w2 = llvm.load %w2p : !llvm.ptr<1> -> i32
  %w3 = llvm.load %w3p : !llvm.ptr<1> -> i32
  nvvm.stmatrix %a, %w0, %w1, %w2, %w3 {{LAYOUT}} : !llvm.ptr<3>, i32, i32, i32, i32
  nvvm.barrier0
  %srow = llvm.getelementptr %s[%tid] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, vector<8xi16>
  %row = llvm.load %srow : !llvm.ptr<3> -> vector<8xi16>
  %g = llvm.getelementptr %out[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, vector<8xi16>
  llvm.store %row, %g : vector<8xi16>, !llvm.ptr<1>
  %m = nvvm.ldmatrix %a {{num = 4 : i32, LAYOUT}} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32, i32, i32)>
{store_fragment("m", "back")}
  llvm.return
}}
"""


@pytest.mark.parametrize("layout", ["row", "col"])
def test_stmatrix_x4_and_round_trip(layout):
    words = RNG.integers(0, 2**32, (32, 4), dtype=np.uint64).astype(np.uint32)
    out, back = np.zeros((32, 8), np.uint16), np.zeros((32, 4), np.uint32)
    run(STMATRIX.replace("LAYOUT", LAYOUT_ATTRS.format(layout)), 1, [words, out, back], shared_bytes=512)
    expected = np.zeros((32, 8), np.uint16)
    for t in range(32):
        for m in range(4):
            for e in range(2):
                row, col = t // 4, 2 * (t % 4) + e  # stmatrix fragment = ldmatrix fragment
                if layout == "col":
                    row, col = col, row
                expected[shared_row(m, row), col] = (int(words[t, m]) >> (16 * e)) & 0xFFFF
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(back, words)  # ldmatrix inverts stmatrix with the same layout


# ----------------------------------------------------------------------------- 7. rocdl

BPERMUTE = """
llvm.func @rotate64(%in: !llvm.ptr<1>, %out: !llvm.ptr<1>, %lanes: !llvm.ptr<1>, %out2: !llvm.ptr<1>)
    attributes {rocdl.kernel, rocdl.flat_work_group_size = "1,128"} {
  %tid = rocdl.workitem.id.x : i32
  %bid = rocdl.workgroup.id.x : i32
  %dim64 = rocdl.workgroup.dim.x : i64
  %dim = llvm.trunc %dim64 : i64 to i32
  %base = llvm.mul %bid, %dim : i32
  %i = llvm.add %base, %tid : i32
  %m1 = llvm.mlir.constant(-1 : i32) : i32
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %c4 = llvm.mlir.constant(4 : i32) : i32
  %c63 = llvm.mlir.constant(63 : i32) : i32
  %lo = rocdl.mbcnt.lo %m1, %c0 : (i32, i32) -> i32
  %lane = rocdl.mbcnt.hi %m1, %lo : (i32, i32) -> i32
  %pin = llvm.getelementptr %in[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %v = llvm.load %pin : !llvm.ptr<1> -> i32
  %l1 = llvm.add %lane, %c1 : i32
  %next = llvm.and %l1, %c63 : i32
  %idx = llvm.mul %next, %c4 : i32
  %r = rocdl.ds_bpermute %idx, %v : (i32, i32) -> i32
  %po = llvm.getelementptr %out[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %r, %po : i32, !llvm.ptr<1>
  %pl = llvm.getelementptr %lanes[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %lane, %pl : i32, !llvm.ptr<1>
  %bit = llvm.and %lane, %c1 : i32
  %even = llvm.icmp "eq" %bit, %c0 : i32
  llvm.cond_br %even, ^even, ^done
^even:
  %r2 = rocdl.ds_bpermute %idx, %v : (i32, i32) -> i32
  %po2 = llvm.getelementptr %out2[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %r2, %po2 : i32, !llvm.ptr<1>
  llvm.br ^done
^done:
  llvm.return
}
"""


def test_rocdl_ds_bpermute_wave64():
    v = RNG.integers(1, 10**6, 512).astype(np.int32)
    out, lanes, out2 = np.zeros(512, np.int32), np.zeros(512, np.int32), np.full(512, -1, np.int32)
    run(BPERMUTE, 4, [v, out, lanes, out2], warp_size=64)
    i = np.arange(512)
    wave_base, lane = i - i % 64, i % 64
    np.testing.assert_array_equal(lanes, lane)
    np.testing.assert_array_equal(out, v[wave_base + (lane + 1) % 64])
    # under divergence only even lanes run; their sources (odd lanes) are inactive and read 0
    np.testing.assert_array_equal(out2, np.where(lane % 2 == 0, 0, -1))


# ----------------------------------------------------------------------------- integer / float semantics

INT_OPS = ["sdiv", "srem", "udiv", "urem", "ashr", "lshr", "shl"]
SEMANTICS = """
llvm.func @ops(%pa: !llvm.ptr<1>, %pb: !llvm.ptr<1>, %out: !llvm.ptr<1>) attributes {nvvm.reqntid = array<i32: 64>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %ga = llvm.getelementptr %pa[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %gb = llvm.getelementptr %pb[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %a = llvm.load %ga : !llvm.ptr<1> -> i32
  %b = llvm.load %gb : !llvm.ptr<1> -> i32
BODY
  llvm.return
}
"""


def semantics_kernel(exprs: list[str]) -> str:
    """Entry k computes %r<k>, which is stored to out[k][tid] (i32)."""
    body = []
    if exprs and "%r" not in exprs[0]:  # a prologue
        body.append(f"  {exprs[0]}")
        exprs = exprs[1:]
    for k, expr in enumerate(exprs):
        body.append(f"  {expr}")
        body.append(f"  %o{k} = llvm.getelementptr %out[{k}, %tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, "
                    "!llvm.array<64 x i32>")
        body.append(f"  llvm.store %r{k}, %o{k} : i32, !llvm.ptr<1>")
    return SEMANTICS.replace("BODY", "\n".join(body))


def test_integer_semantics():
    a = RNG.integers(-(2**31), 2**31, 64, dtype=np.int64).astype(np.int32)
    b = RNG.integers(-40, 40, 64).astype(np.int32)
    b[b == 0] = 3
    a[:2] = -(2**31)
    b[:2] = [-1, 33]  # INT_MIN / -1 wraps
    n = len(INT_OPS)
    # (shift amounts below the width: larger ones are poison, tested below)
    exprs = ["%c31 = llvm.mlir.constant(31 : i32) : i32\n  %s = llvm.and %b, %c31 : i32"] + \
        [f"%r{k} = llvm.{op} %a, {'%s' if 'sh' in op else '%b'} : i32" for k, op in enumerate(INT_OPS)] + [
        f"%lt = llvm.icmp \"slt\" %a, %b : i32\n  %r{n} = llvm.zext %lt : i1 to i32",
        f"%ult = llvm.icmp \"ult\" %a, %b : i32\n  %r{n + 1} = llvm.zext %ult : i1 to i32",
        f"%t8 = llvm.trunc %a : i32 to i8\n  %r{n + 2} = llvm.sext %t8 : i8 to i32",
        f"%r{n + 3} = llvm.intr.smax(%a, %b) : (i32, i32) -> i32",
        f"%r{n + 4} = llvm.intr.umin(%a, %b) : (i32, i32) -> i32",
    ]
    out = np.zeros((n + 5, 64), np.int32)
    run(semantics_kernel(exprs), 1, [a, b, out])

    def wrap(x: int) -> int:
        return (x + 2**31) % 2**32 - 2**31

    for t in range(64):
        x, y = int(a[t]), int(b[t])
        ux, uy = x % 2**32, y % 2**32
        q = abs(x) // abs(y) * (1 if (x < 0) == (y < 0) else -1)  # C truncating division
        expected = [wrap(q), x - y * q, wrap(ux // uy), wrap(ux % uy),
                    x >> (uy & 31), wrap(ux >> (uy & 31)), wrap(ux << (uy & 31)),
                    int(x < y), int(ux < uy), (x & 0xFF) - 256 * ((x & 0xFF) >= 128), max(x, y), wrap(min(ux, uy))]
        assert list(out[:, t]) == expected, t


def test_odd_width_integers():
    """LLVM's odd widths (Triton 3.8+'s gfx942 sort code truncates to i7 and
    bit-reverses it): values wrap at 2^7 (LangRef: trunc keeps the low
    bits, add wraps), llvm.bitreverse.i7 reverses 7 bits, zext widens. An
    op that reads a sign of an odd width is refused by name."""
    a = np.arange(64, dtype=np.int32) * 37 - 100
    b = np.full(64, 100, np.int32)
    exprs = ["%t = llvm.trunc %a : i32 to i7\n  %u = llvm.trunc %b : i32 to i7",
             "%s = llvm.add %t, %u : i7\n  %r0 = llvm.zext %s : i7 to i32",
             "%v = llvm.intr.bitreverse(%t) : (i7) -> i7\n  %r1 = llvm.zext %v : i7 to i32",
             "%c = llvm.icmp \"ult\" %t, %u : i7\n  %r2 = llvm.zext %c : i1 to i32"]
    out = np.zeros((3, 64), np.int32)
    run(semantics_kernel(exprs), 1, [a, b, out])
    for t in range(64):
        x, y = int(a[t]) % 128, int(b[t]) % 128
        rev = int(f"{x:07b}"[::-1], 2)  # the 7 bits reversed
        assert list(out[:, t]) == [(x + y) % 128, rev, int(x < y)], t
    with pytest.raises(EmulationError, match=r"llvm.sdiv of i7 is not modelled"):
        run(semantics_kernel(["%t = llvm.trunc %a : i32 to i7",
                              "%q = llvm.sdiv %t, %t : i7\n  %r0 = llvm.zext %q : i7 to i32"]),
            1, [a, b, np.zeros((1, 64), np.int32)])


@pytest.mark.parametrize("op", ["shl", "lshr", "ashr"])
def test_shifts_by_the_width_or_more_are_poison(op):
    """LLVM LangRef: a shift by at least the bit width is poison. The bits
    are the target's (the hardware disagrees: PTX clamps, AMD masks the
    amount); storing the value in the thread where it is poison is named,
    and a select that takes the other arm there is fine (Triton 3.7's
    matmul code does that)."""
    a = np.ones(64, np.int32)
    b = np.where(np.arange(64) == 5, 32, 3).astype(np.int32)
    with pytest.raises(EmulationError, match=rf"a poison value \({op} of an i32 by 32 bits\) reaches a store in "
                                             r"thread 5 "):
        run(semantics_kernel([f"%r0 = llvm.{op} %a, %b : i32"]), 1, [a, b, np.zeros((1, 64), np.int32)])
    out = np.zeros((1, 64), np.int32)
    run(semantics_kernel([f"%c32 = llvm.mlir.constant(32 : i32) : i32\n  %s = llvm.{op} %a, %b : i32\n"
                          f"  %big = llvm.icmp \"uge\" %b, %c32 : i32",
                          "%r0 = llvm.select %big, %a, %s : i1, i32"]), 1, [a, b, out])
    want = {"shl": 8, "lshr": 0, "ashr": 0}[op]
    assert out[0, 5] == 1 and (np.delete(out[0], 5) == want).all()


@pytest.mark.parametrize("keep, poisoned", [("1", False), ("2", True)])
def test_poison_is_per_element(keep, poisoned):
    """Triton 3.7's matmul: a vector shl whose last elements shift by 96
    and 384 bits, of which a shufflevector keeps only the first: element 1
    is clean, element 2 is poison (and so is its bitcast)."""
    text = f"""
llvm.func @k(%y: !llvm.ptr<1>) attributes {{nvvm.reqntid = array<i32: 32>}} {{
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %one = llvm.mlir.constant(dense<1> : vector<4xi32>) : vector<4xi32>
  %amt = llvm.mlir.constant(dense<[8, 1, 96, 384]> : vector<4xi32>) : vector<4xi32>
  %s = llvm.shl %one, %amt : vector<4xi32>
  %t = llvm.shufflevector %s, %s [0, 1, 0, 1] : vector<4xi32>
  %e = llvm.mlir.constant({keep} : i32) : i32
  %v = llvm.extractelement %s[%e : i32] : vector<4xi32>
  %f = llvm.bitcast %v : i32 to f32
  %u = llvm.extractelement %t[%e : i32] : vector<4xi32>
  %py = llvm.getelementptr %y[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %u, %py : i32, !llvm.ptr<1>
  llvm.store %f, %py : f32, !llvm.ptr<1>
  llvm.return
}}
"""
    y = np.zeros(32, np.int32)
    if poisoned:
        with pytest.raises(EmulationError, match=r"a poison value \(shl of an i32 by \d+ bits\) reaches a store"):
            emulate_mlir(text, "k", 1, [y])
    else:
        emulate_mlir(text, "k", 1, [y])
        assert (y == 2).all()


@pytest.mark.parametrize("op, lo, hi", [("fptosi", -2**31, 2**31 - 1), ("fptoui", 0, 2**32 - 1)])
def test_float_to_int_saturates_as_the_targets_do(op, lo, hi):
    """PTX cvt.rzi.{s,u}32.f32 and AMD v_cvt_{i,u}32_f32 clamp to the
    integer's range and give 0 for NaN (LLVM calls these inputs poison)."""
    x = np.float32([1e10, -1e10, np.nan, 3.7, -3.7, np.inf, -np.inf, 2.0**31] * 8)
    out = np.zeros(64, np.uint32)
    run(f"""
llvm.func @k(%px: !llvm.ptr<1>, %py: !llvm.ptr<1>) attributes {{nvvm.reqntid = array<i32: 64>}} {{
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %gx = llvm.getelementptr %px[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
  %gy = llvm.getelementptr %py[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %x = llvm.load %gx : !llvm.ptr<1> -> f32
  %i = llvm.{op} %x : f32 to i32
  llvm.store %i, %gy : i32, !llvm.ptr<1>
  llvm.return
}}""", 1, [x, out])
    want = [0 if np.isnan(v) else int(min(max(np.trunc(float(v)), lo), hi)) if np.isfinite(v) else
            (hi if v > 0 else lo) for v in x]
    got = out.view(np.int32) if lo < 0 else out
    assert [int(v) for v in got] == want


def test_a_narrow_float_to_int_out_of_range_is_poison():
    """fptosi f32 -> i8 of 200.0: poison in LLVM (and the targets disagree:
    both convert to 32 bits and truncate, but NVPTX may use a 16-bit cvt);
    storing it is named, 100.0 converts."""
    text = """
llvm.func @k(%px: !llvm.ptr<1>, %py: !llvm.ptr<1>) attributes {nvvm.reqntid = array<i32: 32>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %gx = llvm.getelementptr %px[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
  %gy = llvm.getelementptr %py[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i8
  %x = llvm.load %gx : !llvm.ptr<1> -> f32
  %i = llvm.fptosi %x : f32 to i8
  llvm.store %i, %gy : i8, !llvm.ptr<1>
  llvm.return
}"""
    y = np.zeros(32, np.int8)
    emulate_mlir(text, "k", 1, [np.full(32, 100.0, np.float32), y])
    assert (y == 100).all()
    x = np.full(32, -3.5, np.float32)
    x[7] = 200.0
    with pytest.raises(EmulationError, match=r"a poison value \(fptosi of a value out of i8's range\) reaches a "
                                             r"store in thread 7 "):
        emulate_mlir(text, "k", 1, [x, y])


FLOATS = """
llvm.func @floats(%px: !llvm.ptr<1>, %py: !llvm.ptr<1>, %cmp: !llvm.ptr<1>, %mm: !llvm.ptr<1>,
                  %h: !llvm.ptr<1>, %bf: !llvm.ptr<1>) attributes {nvvm.reqntid = array<i32: 32>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %gx = llvm.getelementptr %px[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
  %gy = llvm.getelementptr %py[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
  %x = llvm.load %gx : !llvm.ptr<1> -> f32
  %y = llvm.load %gy : !llvm.ptr<1> -> f32
  CMPS
  %m0 = llvm.intr.maxnum(%x, %y) : (f32, f32) -> f32
  %m1 = llvm.intr.maximum(%x, %y) : (f32, f32) -> f32
  %m2 = llvm.intr.minnum(%x, %y) : (f32, f32) -> f32
  %m3 = llvm.intr.minimum(%x, %y) : (f32, f32) -> f32
  %mv0 = llvm.mlir.undef : vector<4xf32>
  %k0 = llvm.mlir.constant(0 : i32) : i32
  %k1 = llvm.mlir.constant(1 : i32) : i32
  %k2 = llvm.mlir.constant(2 : i32) : i32
  %k3 = llvm.mlir.constant(3 : i32) : i32
  %mv1 = llvm.insertelement %m0, %mv0[%k0 : i32] : vector<4xf32>
  %mv2 = llvm.insertelement %m1, %mv1[%k1 : i32] : vector<4xf32>
  %mv3 = llvm.insertelement %m2, %mv2[%k2 : i32] : vector<4xf32>
  %mv4 = llvm.insertelement %m3, %mv3[%k3 : i32] : vector<4xf32>
  %gm = llvm.getelementptr %mm[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, vector<4xf32>
  llvm.store %mv4, %gm : vector<4xf32>, !llvm.ptr<1>
  %gh = llvm.getelementptr %h[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, vector<2xf16>
  %hv = llvm.load %gh : !llvm.ptr<1> -> vector<2xf16>
  %sw = llvm.shufflevector %hv, %hv [1, 0] : vector<2xf16>
  %hs = llvm.fadd %hv, %sw : vector<2xf16>
  llvm.store %hs, %gh : vector<2xf16>, !llvm.ptr<1>
  %xb = llvm.fptrunc %x : f32 to bf16
  %xi = llvm.bitcast %xb : bf16 to i16
  %gb = llvm.getelementptr %bf[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i16
  llvm.store %xi, %gb : i16, !llvm.ptr<1>
  llvm.return
}
"""
FCMP_PREDICATES = ["oeq", "olt", "ult", "une", "one", "uno", "ord", "uge"]


def test_float_semantics():
    x = np.array([1.0, np.nan, -2.5, 0.0, 3.14159274, 1.00390625, 1.01171875, -0.0] * 4, np.float32)
    y = np.array([1.0, 2.0, np.nan, -0.0, 2.0, 1.0, -1.0, 0.0] * 4, np.float32)
    cmps = []
    for k, p in enumerate(FCMP_PREDICATES):
        cmps += [f"%c{k} = llvm.fcmp \"{p}\" %x, %y : f32", f"%cw{k} = llvm.zext %c{k} : i1 to i8",
                 f"%gc{k} = llvm.getelementptr %cmp[{k}, %tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, !llvm.array<32 x i8>",
                 f"llvm.store %cw{k}, %gc{k} : i8, !llvm.ptr<1>"]
    h = RNG.integers(-100, 100, (32, 2)).astype(np.float16) / np.float16(4)
    h_in = h.copy()
    cmp, mm, bf = np.zeros((8, 32), np.uint8), np.zeros((32, 4), np.float32), np.zeros(32, np.uint16)
    run(FLOATS.replace("CMPS", "\n  ".join(cmps)), 1, [x, y, cmp, mm, h, bf])
    with np.errstate(invalid="ignore"):
        nan = np.isnan(x) | np.isnan(y)
        expected = [(x == y) & ~nan, (x < y) & ~nan, (x < y) | nan, (x != y) | nan, (x != y) & ~nan, nan, ~nan,
                    (x >= y) | nan]
    np.testing.assert_array_equal(cmp, np.array(expected, np.uint8))
    np.testing.assert_array_equal(mm[:, 0], np.fmax(x, y))
    np.testing.assert_array_equal(mm[:, 2], np.fmin(x, y))
    assert np.isnan(mm[1, 1]) and np.isnan(mm[2, 3])  # maximum / minimum propagate NaN
    assert mm[3, 1] == 0 and not np.signbit(mm[3, 1]) and np.signbit(mm[3, 3])  # and order -0 < +0
    assert mm[7, 1] == 0 and not np.signbit(mm[7, 1]) and np.signbit(mm[7, 3])
    np.testing.assert_array_equal(h, h_in + h_in[:, ::-1])
    # hand-computed bf16 encodings; 1 + 2^-8 and 1 + 3 * 2^-8 are ties that round to even
    assert list(bf[[0, 2, 4, 5, 6]]) == [0x3F80, 0xC020, 0x4049, 0x3F80, 0x3F82]


MISC = """
llvm.func @misc(%px: !llvm.ptr<1>, %outf: !llvm.ptr<1>, %outi: !llvm.ptr<1>) attributes {nvvm.reqntid = array<i32: 32>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %gx = llvm.getelementptr %px[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32
  %x = llvm.load %gx : !llvm.ptr<1> -> f32
  %c3 = llvm.mlir.constant(3.0 : f32) : f32
  %half = llvm.mlir.constant(0.5 : f32) : f32
  %one = llvm.mlir.constant(1.0 : f32) : f32
  %nx = llvm.fneg %x : f32
  %f0 = llvm.intr.fma(%x, %c3, %half) : (f32, f32, f32) -> f32
  %f1 = llvm.intr.sqrt(%x) : (f32) -> f32
  %f2 = llvm.intr.exp2(%x) : (f32) -> f32
  %f3 = llvm.intr.log2(%x) : (f32) -> f32
  %f4 = llvm.intr.exp(%x) : (f32) -> f32
  %f5 = llvm.intr.log(%x) : (f32) -> f32
  %f6 = llvm.intr.fabs(%nx) : (f32) -> f32
  %f7 = llvm.frem %x, %c3 : f32
  %f8 = llvm.fdiv %x, %c3 : f32
  %f9 = llvm.fsub %x, %c3 : f32
  %gt = llvm.fcmp "ogt" %x, %one : f32
  %f10 = llvm.select %gt, %x, %nx : i1, f32
  %hv = llvm.mlir.constant(dense<[1.5, -2.0, 0.25, 6.550400e+04]> : vector<4xf16>) : vector<4xf16>
  %k3 = llvm.mlir.constant(3 : i32) : i32
  %ti = llvm.and %tid, %k3 : i32
  %he = llvm.extractelement %hv[%ti : i32] : vector<4xf16>
  %f11 = llvm.fpext %he : f16 to f32
  %f12 = llvm.uitofp %tid : i32 to f32
  %i0 = llvm.fptosi %nx : f32 to i32
  %i1 = llvm.fptoui %x : f32 to i32
  %bv = llvm.mlir.constant(dense<[1, 2, 3, -4]> : vector<4xi8>) : vector<4xi8>
  %i2 = llvm.bitcast %bv : vector<4xi8> to i32
  %hh = llvm.mlir.constant(dense<[1.5, -2.0]> : vector<2xf16>) : vector<2xf16>
  %i3 = llvm.bitcast %hh : vector<2xf16> to i32
  %i4 = llvm.bitcast %x : f32 to i32
  %u = llvm.mlir.undef : !llvm.struct<(i32, array<2 x i32>)>
  %u1 = llvm.insertvalue %tid, %u[1, 1] : !llvm.struct<(i32, array<2 x i32>)>
  %i5 = llvm.extractvalue %u1[1, 1] : !llvm.struct<(i32, array<2 x i32>)>
  %z = llvm.mlir.zero : !llvm.struct<(i32, array<2 x i32>)>
  %i6 = llvm.extractvalue %z[1, 0] : !llvm.struct<(i32, array<2 x i32>)>
  STORES
  %base = llvm.ptrtoint %outi : !llvm.ptr<1> to i64
  %row7 = llvm.mlir.constant(224 : i32) : i32
  %e = llvm.add %row7, %tid : i32
  %e64 = llvm.zext %e : i32 to i64
  %four = llvm.mlir.constant(4 : i64) : i64
  %off = llvm.mul %e64, %four : i64
  %addr = llvm.add %base, %off : i64
  %p1 = llvm.inttoptr %addr : i64 to !llvm.ptr<1>
  %p0 = llvm.addrspacecast %p1 : !llvm.ptr<1> to !llvm.ptr
  %seven = llvm.mlir.constant(7 : i32) : i32
  %t7 = llvm.mul %tid, %seven : i32
  llvm.store %t7, %p0 : i32, !llvm.ptr
  llvm.return
}
"""


def test_misc_ops():
    stores = []
    for kind, ty, count in (("f", "f32", 13), ("i", "i32", 7)):
        for k in range(count):
            stores += [f"%q{kind}{k} = llvm.getelementptr %out{kind}[{k}, %tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, "
                       f"!llvm.array<32 x {ty}>", f"llvm.store %{kind}{k}, %q{kind}{k} : {ty}, !llvm.ptr<1>"]
    x = (RNG.random(32) * 10 + 0.1).astype(np.float32)
    outf, outi = np.zeros((13, 32), np.float32), np.zeros((8, 32), np.int32)
    run(MISC.replace("STORES", "\n  ".join(stores)), 1, [x, outf, outi])
    x64, t = x.astype(np.float64), np.arange(32)
    np.testing.assert_array_equal(outf[0], (x64 * 3 + 0.5).astype(np.float32))  # fused: one rounding
    approx = [np.sqrt(x64), 2**x64, np.log2(x64), np.exp(x64), np.log(x64)]
    np.testing.assert_allclose(outf[1:6], np.array(approx), rtol=2e-7)
    np.testing.assert_array_equal(outf[6], x)
    np.testing.assert_array_equal(outf[7], [np.float32(np.fmod(v, 3.0)) for v in x64])
    np.testing.assert_array_equal(outf[8], x / np.float32(3))
    np.testing.assert_array_equal(outf[9], x - np.float32(3))
    np.testing.assert_array_equal(outf[10], np.where(x > 1, x, -x))
    np.testing.assert_array_equal(outf[11], np.array([1.5, -2.0, 0.25, 65504.0] * 8))
    np.testing.assert_array_equal(outf[12], t)
    np.testing.assert_array_equal(outi[0], [-int(v) for v in x64])  # toward zero
    np.testing.assert_array_equal(outi[1], [int(v) for v in x64])
    assert (outi[2] == np.int32(-0x03FCFDFF)).all()  # bytes 01 02 03 fc, little-endian: 0xfc030201
    assert (outi[3] == np.int32(-0x3FFFC200)).all()  # f16 1.5 = 0x3e00 (low), -2.0 = 0xc000 (high)
    np.testing.assert_array_equal(outi[4], x.view(np.int32))
    np.testing.assert_array_equal(outi[5], t)
    np.testing.assert_array_equal(outi[6], 0)
    np.testing.assert_array_equal(outi[7], 7 * t)  # through ptrtoint / inttoptr / addrspacecast


# ----------------------------------------------------------------------------- 8. errors


def test_out_of_bounds_global_load():
    x, y = np.zeros(100, np.int32), np.zeros(128, np.int32)
    f = np.zeros(128, np.float32)
    with pytest.raises(EmulationError, match=r"llvm.load at .*out-of-bounds load of 4 bytes at address 0x[0-9a-f]+ "
                                             r"by thread 36 .*of CTA \(1, 0, 0\): 0 bytes past the end of parameter 0 "
                                             r"\(int32\[100\]\) \(400 bytes\), outside every mapped buffer"):
        run(ELEMENTWISE, 2, [x, y, f, f.copy()])


def test_misaligned_vector_access_is_named():
    """A load declared 16-byte aligned (what Triton derives from a
    divisibility hint) of an array that starts 4 bytes off: the GPU faults,
    the emulator names it; the aligned array runs."""
    text = """
llvm.func @k(%x: !llvm.ptr<1>, %y: !llvm.ptr<1>) attributes {nvvm.reqntid = array<i32: 32>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %c4 = llvm.mlir.constant(4 : i32) : i32
  %i = llvm.mul %tid, %c4 : i32
  %px = llvm.getelementptr %x[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %py = llvm.getelementptr %y[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %v = llvm.load %px {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xi32>
  llvm.store %v, %py {alignment = 16 : i64} : vector<4xi32>, !llvm.ptr<1>
  llvm.return
}
"""
    buf = np.zeros(129 + 64, np.int32)
    start = next(k for k in range(4) if (buf[k:].ctypes.data % 16) == 0)
    x, y = buf[start:start + 128], np.zeros(128, np.int32)
    x[:] = np.arange(128)
    emulate_mlir(text, "k", 1, [x, y])
    assert (y == x).all()
    with pytest.raises(EmulationError, match=r"misaligned load of 16 bytes: address 0x[0-9a-f]+ by thread 0 .* "
                                             r"not a multiple of the access's alignment 16"):
        emulate_mlir(text, "k", 1, [buf[start + 1:start + 129], y])


def test_an_assumption_that_does_not_hold_is_named():
    """llvm.assume: the compiler may have relied on it (Triton's range and
    divisibility facts), so a thread where it is false is an error."""
    text = """
llvm.func @k(%x: !llvm.ptr<1>) attributes {nvvm.reqntid = array<i32: 32>} {
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %c20 = llvm.mlir.constant(20 : i32) : i32
  %ok = llvm.icmp "ult" %tid, %c20 : i32
  llvm.intr.assume %ok : i1
  llvm.return
}
"""
    with pytest.raises(EmulationError, match=r"an llvm.assume does not hold in thread 20 "):
        emulate_mlir(text, "k", 1, [np.zeros(1, np.int32)])


def test_unsupported_op():
    text = """
    llvm.func @trap(%p: !llvm.ptr<1>) attributes {nvvm.reqntid = array<i32: 32>} {
      %tid = nvvm.read.ptx.sreg.tid.x : i32
      "llvm.intr.debugtrap"() : () -> ()
      llvm.return
    }"""
    with pytest.raises(EmulationError, match=r"unsupported op llvm.intr.debugtrap at .*:4:7"):
        run(text, 1, [np.zeros(32, np.int32)])


def test_unmodelled_inline_ptx_is_named():
    """Inline PTX the emulator does not model is an error naming the
    instruction, never a silent skip."""
    text = """
    llvm.func @asm(%p: !llvm.ptr<1>) attributes {nvvm.reqntid = array<i32: 32>} {
      %tid = nvvm.read.ptx.sreg.tid.x : i32
      %r = llvm.inline_asm "vote.sync.ballot.b32 $0, 1, $1;", "=r,r" %tid : (i32) -> i32
      llvm.return
    }"""
    with pytest.raises(EmulationError, match=r"llvm.inline_asm at .*:4:12: inline PTX instruction vote .* is not modelled"):
        run(text, 1, [np.zeros(32, np.int32)])


def test_argument_errors():
    x, y, f = np.zeros(64, np.int32), np.zeros(64, np.int32), np.zeros(64, np.float32)
    with pytest.raises(EmulationError, match="takes 4 arguments, 3 given"):
        run(ELEMENTWISE, 1, [x, y, f])
    with pytest.raises(EmulationError, match="parameter 2 is a pointer"):
        run(ELEMENTWISE, 1, [x, y, 1.0, f])
    with pytest.raises(EmulationError, match="must be C-contiguous"):
        run(ELEMENTWISE, 1, [x, np.zeros(128, np.int32)[::2], f, f])
    with pytest.raises(EmulationError, match="parameter 3 is a scalar i32, but an array was passed"):
        run(MASKED, 1, [x, y, y, np.array([3, 4])])
    with pytest.raises(EmulationError, match="pass threads_per_cta"):
        run(ELEMENTWISE.replace(", nvvm.reqntid = array<i32: 64>", ""), 1, [x, y, f, f])


def test_division_by_zero():
    a = np.arange(1, 65, dtype=np.int32)
    b = np.ones(64, np.int32)
    b[40] = 0
    for op in ("udiv", "sdiv", "urem", "srem"):
        with pytest.raises(EmulationError, match=rf"llvm.{op} at .*division by zero in thread 40 \(warp 1, lane 8\)"):
            run(semantics_kernel([f"%r0 = llvm.{op} %a, %b : i32"]), 1, [a, b, np.zeros(64, np.int32)])
