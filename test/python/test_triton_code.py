"""Triton's own compiled code run in our emulator (issue step 9): the
kernels of test/triton/kernels.py compiled by the installed Triton, their
LLVM IR (``k.asm["llir"]``) imported by MLIR's LLVM IR importer and
emulated for every thread, against the same numpy references as our own
code. Code that is hardware-proven judges the emulator's model of each
instruction it uses, independently of our lowering.

Every kernel runs from the pinned Triton's (3.6) code. Other Triton
releases (`make test-triton`) emit other code: there an instruction not
modelled yet is an expected failure (xfail, with the EmulationError naming
it -- never a silent skip), a wrong result still fails.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

import triton_oracle

pytestmark = pytest.mark.triton
triton = triton_oracle.need_triton()

import triton.language as tl  # noqa: E402

import linear_layouts.triton as llt  # noqa: E402
from linear_layouts.emulator import EmulationError  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "triton"))
from kernels import KERNELS  # noqa: E402

TARGETS = ["sm_80", "sm_90", "gfx942"]
def _emulate_tritons_code(fn, sig, consts, warps, grid, args, target):
    """Triton's code for the kernel in the emulator. Under another Triton
    release than the pinned one, an instruction not modelled yet (or LLVM
    IR the LLVM 22 importer cannot read) is an expected failure with its
    reason; a wrong result still fails."""
    try:
        return llt.emulate(fn, grid, *args, target=target, num_warps=warps, code="triton", signature=sig, **consts)
    except EmulationError as e:
        if triton_oracle.VERSION != (3, 6) and \
                re.search(r"is not (supported|modelled|an instruction)|unsupported op|does not parse", str(e)):
            pytest.xfail(f"Triton {triton.__version__}: {str(e).splitlines()[0]}")
        raise


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_tritons_code_runs_in_the_emulator(name, target):
    fn, sig, consts, warps, grid, make = KERNELS[name]
    args, check = make(np.random.default_rng(0))
    k = _emulate_tritons_code(fn, sig, consts, warps, grid, args, target)
    assert k.asm["llir"]  # Triton's own code ran, not ours
    check()


def test_compare_reports_bitwise_equality_and_differences():
    """compare() runs our code and Triton's on copies of the same inputs:
    vector add is bitwise equal; the inputs are left as they were."""
    fn, _, consts, warps, grid, make = KERNELS["vector_add"]
    args, _ = make(np.random.default_rng(1))
    before = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    diffs = llt.compare(fn, grid, *args, target="sm_90", num_warps=warps, **consts)
    assert [d.index for d in diffs] == [0, 1, 2] and all(d.equal and d.first is None for d in diffs)
    assert all((a == b).all() for a, b in zip(args[:3], before[:3]))
    with pytest.raises(ValueError, match="code must be 'ours' or 'triton'"):
        llt.emulate(fn, grid, *args, target="sm_90", code="theirs", **consts)


def test_newer_llvm_hex_floats_are_read():
    """Triton 3.9's LLVM prints float constants as f0x + their own bits;
    they are respelled for LLVM 22's parser (f32 1.4427 = 0x3FB8AA3B,
    half 1.0 = 0x3C00, bfloat 2.0 = 0x4000)."""
    from linear_layouts.emulator import emulate_llvm_ir

    ir = """
define void @k(ptr addrspace(1) %x, ptr addrspace(1) %h, ptr addrspace(1) %b) {
  %v = load float, ptr addrspace(1) %x, align 4
  %w = fmul float %v, f0x3FB8AA3B
  store float %w, ptr addrspace(1) %x, align 4
  store half f0x3C00, ptr addrspace(1) %h, align 2
  store bfloat f0x4000, ptr addrspace(1) %b, align 2
  %n = getelementptr half, ptr addrspace(1) %h, i32 1
  store half -inf, ptr addrspace(1) %n, align 2
  ret void
}
"""
    x, h, b = np.float32([2.0]), np.zeros(2, np.float16), np.zeros(1, np.uint16)
    emulate_llvm_ir(ir, 1, [x, h, b], threads_per_cta=32)
    assert x[0] == np.float32(2.0) * np.uint32(0x3FB8AA3B).view(np.float32)
    assert h[0] == 1.0 and h[1] == -np.inf and b[0] == 0x4000


def test_llvm_ir_that_does_not_parse_is_an_emulation_error():
    from linear_layouts.emulator import emulate_llvm_ir

    with pytest.raises(EmulationError, match="the LLVM IR does not parse"):
        emulate_llvm_ir("define void @k(", 1, [])


# ------------------------------------------------------------------------------------ tensor cores

from dot_kernels import DOT_KERNELS  # noqa: E402

_DOT_RUNS = [(name, target) for name, entry in sorted(DOT_KERNELS.items()) for target in entry[-1]]


@pytest.mark.parametrize("name, target", _DOT_RUNS)
def test_tritons_tensor_core_code_runs_in_the_emulator(name, target):
    """Triton's own matmul / attention code -- mma.sync with ldmatrix and
    cp.async on sm_80, wgmma with shared-memory descriptors on sm_90, MFMA
    on gfx942 -- equals numpy (bitwise where the data make every order of
    accumulation exact; tf32 and attention within stated bounds)."""
    fn, sig, consts, warps, grid, make, _ = DOT_KERNELS[name]
    args, check = make(np.random.default_rng(0))
    _emulate_tritons_code(fn, sig, consts, warps, grid, args, target)
    check()


#: Every dot of the corpus on every target takes our path (Core/Dot.h): the
#: FMA form (fp32 ieee on NVIDIA), mma.sync (f16 / bf16 m16n8k16, tf32
#: m16n8k8, s8 m16n8k32 on sm_80, and sm_90's 3-D dots), sm_90's wgmma (f16 /
#: bf16 / tf32 / s8 / e4m3, A from shared memory or registers, descriptors
#: from the layouts) and gfx942's MFMA (32x32 / 16x16, f16 / bf16 / xf32 /
#: f32 / i8, Triton's transposed accumulators).
_OUR_DOTS = _DOT_RUNS


@pytest.mark.parametrize("name, target", _OUR_DOTS)
def test_our_dots_equal_tritons_code_bitwise(name, target):
    """Our dot (the instruction found by dividing the layouts) gives Triton's
    own code's bits on the same inputs, and numpy's answer: pipelined
    tutorial-03 matmuls with cp.async and mma.sync (f16, bf16, tf32, int8),
    a batched matmul, the dot of tl.trans(b), an fp32 ieee FMA dot, a
    two-dot attention forward with online softmax."""
    fn, sig, consts, warps, grid, make, _ = DOT_KERNELS[name]
    args, check = make(np.random.default_rng(0))
    try:
        diffs = llt.compare(fn, grid, *args, target=target, num_warps=warps, signature=sig, **consts)
    except llt.CompileError as e:
        # Newer Triton releases pipeline with ops not read yet (3.8+'s
        # ttg.memdesc_subslice): an expected failure with its reason.
        if triton_oracle.VERSION != (3, 6) and "unsupported op" in str(e):
            pytest.xfail(f"Triton {triton.__version__}: {str(e).splitlines()[0]}")
        raise
    if triton_oracle.VERSION != (3, 6) and not all(d.equal for d in diffs) and max(d.max_ulp for d in diffs) <= 2:
        pytest.xfail(f"Triton {triton.__version__}'s code differs from ours by "
                     f"{max(d.max_ulp for d in diffs)} ulp (not analysed)")
    assert diffs and all(d.equal for d in diffs), diffs
    k = llt.emulate(fn, grid, *args, target=target, num_warps=warps, signature=sig, **consts)
    assert "ll.dot" not in k.mlir and "ll.warp_group_dot" not in k.mlir  # lowered, not passed through
    check()


def _tritons_llir(name: str, target: str):
    fn, sig, consts, warps, grid, make, _ = DOT_KERNELS[name]
    args, check = make(np.random.default_rng(0))
    launch = llt._launch_args(fn, list(args), consts, sig)
    call = launch.call
    k = llt._tritons_compile(fn, launch.signature, launch.constexprs, target, warps, attrs=launch.attrs)
    assert not k.metadata.global_scratch_size and not k.metadata.profile_scratch_size

    def run(llir: str) -> None:
        from linear_layouts.emulator import emulate_llvm_ir

        emulate_llvm_ir(llir, grid, call + [np.zeros(1, np.uint8)] * 2, kernel=k.metadata.name, warp_size=32,
                        threads_per_cta=warps * 32, shared_bytes=int(k.metadata.shared))
    return k.asm["llir"], run, check


@pytest.mark.skipif(triton_oracle.VERSION != (3, 6), reason="edits Triton 3.6's code")
def test_a_wgmma_accumulator_read_before_its_wait_is_named():
    """Triton's sm_90 matmul with its wgmma.wait_group taken out: the
    accumulators go to the stores while the group is in flight."""
    llir, run, check = _tritons_llir("matmul_f16", "sm_90")
    run(llir)
    check()
    assert llir.count("wgmma.wait_group.sync.aligned 0;") == 1
    with pytest.raises(EmulationError, match=r"reads the result of a wgmma.mma_async .* before the "
                                             r"wgmma.wait_group that completes it"):
        run(llir.replace("wgmma.wait_group.sync.aligned 0;", ""))


@pytest.mark.skipif(triton_oracle.VERSION != (3, 6), reason="edits Triton 3.6's code")
def test_shared_memory_read_before_its_cp_async_lands_is_named():
    """Triton's pipelined sm_80 tf32 matmul (cp.async into shared memory,
    ldmatrix out of it) with its cp.async.wait_group calls taken out."""
    llir, run, check = _tritons_llir("matmul_tf32", "sm_80")
    run(llir)
    check()
    waits = re.findall(r".*call void @llvm\.nvvm\.cp\.async\.wait\.group\(i32 \d+\).*\n", llir)
    assert waits
    with pytest.raises(EmulationError, match="while a cp.async to it is in flight"):
        run(re.sub(r".*call void @llvm\.nvvm\.cp\.async\.wait\.group\(i32 \d+\).*\n", "", llir))


@pytest.mark.skipif(triton_oracle.VERSION != (3, 6), reason="edits Triton 3.6's code")
def test_a_missing_barrier_is_a_shared_memory_race():
    """Triton's sm_80 matmul with its CTA barriers taken out: ldmatrix reads
    tiles other warps stored with no barrier between."""
    llir, run, check = _tritons_llir("matmul_f16", "sm_80")
    run(llir)  # as Triton compiled it: no finding, the right product
    check()
    barrier = r".*call void @llvm\.nvvm\.barrier\.cta\.sync\.aligned\.all\(i32 0\).*\n"
    assert re.search(barrier, llir)
    with pytest.raises(EmulationError, match=r"shared-memory race: thread \d+ .* reads byte \d+, written by warp"):
        run(re.sub(barrier, "", llir))


@pytest.mark.skipif(triton_oracle.VERSION != (3, 6), reason="edits Triton 3.6's code")
def test_reading_shared_memory_nobody_wrote_is_named():
    """Triton's sm_80 matmul (compiled as its launcher compiles it: the
    tiles arrive by cp.async) with the copies of its B tile taken out: the
    ldmatrix of B reads shared memory no thread wrote."""
    llir, run, check = _tritons_llir("matmul_f16", "sm_80")
    run(llir)
    check()
    copy = r'.*asm sideeffect "cp\.async\.[^"]*".*!dbg {}\n'
    tiles = set(re.findall(copy.format(r"(!\d+)"), llir))
    assert len(tiles) == 2  # the A and the B tile, one source line each
    line = {t: int(re.search(rf"^{t} = !DILocation\(line: (\d+)", llir, re.M)[1]) for t in tiles}
    tile_b = max(tiles, key=line.get)  # (b = tl.load(...) comes after a's)
    with pytest.raises(EmulationError, match=r"reads shared bytes \[\d+, \d+\) that no thread of the CTA has "
                                             r"written: uninitialized shared memory"):
        run(re.sub(copy.format(tile_b), "", llir))


@pytest.mark.parametrize("target", TARGETS)
def test_random_numbers_are_tritons_bits(target):
    """tl.rand (philox: 10 rounds of arith.mului_extended) through our
    lowering gives exactly the numbers Triton's own code gives."""
    fn, sig, consts, warps, grid, make = KERNELS["rand_uniform"]
    args, _ = make(np.random.default_rng(0))
    diffs = llt.compare(fn, grid, *args, target=target, num_warps=warps, signature=sig, **consts)
    assert [d.equal for d in diffs] == [True], diffs


def test_kernels_compile_as_the_launcher_compiles_them():
    """emulate() specializes the arguments as Triton's launcher does (its
    own native_specialize_impl): aligned arrays and n % 16 == 0 give
    vector loads; specialize=False, or an array 4 bytes off, the
    scalar code; an integer equal to 1 becomes a constant."""
    fn, _, consts, warps, grid, make = KERNELS["vector_add"]
    x, y = np.arange(1024, dtype=np.float32), np.ones(1024, np.float32)
    for kwargs, arrays, n, vectors in (({}, (x, y), 1024, True), ({"specialize": False}, (x, y), 1024, False),
                                       ({}, (x[1:], y[1:]), 1023, False)):
        z = np.zeros(n, np.float32)
        k = llt.emulate(fn, 4, *arrays, z, n, target="sm_90", num_warps=warps, code="triton", **kwargs, **consts)
        assert bool(re.search(r"ld\.global\.v[24]\.b32", k.asm["llir"])) == vectors, kwargs
        np.testing.assert_array_equal(z, arrays[0] + arrays[1])
    launch = llt._launch_args(fn, [x, y, z, 1], consts)
    assert launch.constexprs["n"] == 1 and launch.names == ["X", "Y", "Z"]
    assert launch.attrs == {(0,): [["tt.divisibility", 16]], (1,): [["tt.divisibility", 16]],
                            (2,): [["tt.divisibility", 16]]}


# ---- tl.device_print / tl.device_assert: our code prints what Triton's does


@triton.jit
def _printing(X, N: tl.constexpr):
    o = tl.arange(0, N)
    x = tl.load(X + o)
    tl.device_print("x: ", x)
    tl.device_print("pair", x.to(tl.float16), o.to(tl.int64), o < 3)
    tl.device_print("hex", o, hex=True)
    tl.device_print("pid", tl.program_id(0))
    tl.device_print("2d", tl.load(X + o[:, None] * 0 + o[None, :]))


def test_device_print_matches_tritons_text(capfd):
    """Every line Triton's own NVIDIA code prints (pid, index, prefix,
    operand, value formats, replicas: every thread prints what it holds),
    our code prints, in the same order; on AMD (wave64, OCKL's printf) the
    same lines, each element printed by its 64-lane replicas."""
    x = (np.arange(8) * 1.5 - 3).astype(np.float32)
    text = {}
    for target, code in (("sm_80", "triton"), ("sm_80", "ours"), ("gfx942", "ours")):
        llt.emulate(_printing, 2, x, target=target, num_warps=1, code=code, N=8)
        text[target, code] = capfd.readouterr().out
    tri = text["sm_80", "triton"]
    assert "pid (1, 0, 0) idx (7) x: 7.500000\n" in tri and "idx (2) pair: (operand 2) 1\n" in tri
    assert "idx (5) hex: 0x00000005\n" in tri and "idx () pid: 1\n" in tri and "idx (7, 7) 2d: 7.500000\n" in tri
    assert text["sm_80", "ours"] == tri
    assert set(text["gfx942", "ours"].splitlines()) == set(tri.splitlines())


@triton.jit
def _checked(X, N: tl.constexpr):
    x = tl.load(X + tl.arange(0, N))
    tl.device_assert(x < 100, "x too big")


@pytest.mark.parametrize("target", TARGETS)
def test_device_assert_stops_the_launch(target):
    """debug=True: a false element stops the launch with the message and
    the kernel's line (ours on every target; Triton's own code on NVIDIA:
    its AMD code links OCKL's printf internals the emulator does not
    model); with every element true, nothing happens."""
    from linear_layouts.emulator.values import DeviceAssertion

    x = np.arange(8, dtype=np.float32)
    codes = ("ours", "triton") if target != "gfx942" else ("ours",)
    for code in codes:
        llt.emulate(_checked, 1, x, target=target, num_warps=1, code=code, N=8, options={"debug": True})
        bad = x.copy()
        bad[5] = 500
        with pytest.raises(DeviceAssertion, match="x too big|trapped"):
            llt.emulate(_checked, 1, bad, target=target, num_warps=1, code=code, N=8, options={"debug": True})


@triton.jit
def _inline_asm(X, Y, Z, N: tl.constexpr):
    o = tl.arange(0, N)
    x = tl.load(X + o)
    y = tl.inline_asm_elementwise("mul.lo.u32 $0, $1, 3;", "=r,r", [x], dtype=tl.uint32, is_pure=True, pack=1)
    lo, hi = tl.inline_asm_elementwise("mov.b32 $0, $2;\n\tadd.u32 $1, $2, 1;", "=r,=r,r", [x],
                                       dtype=(tl.uint32, tl.uint32), is_pure=True, pack=1)
    tl.store(Y + o, y)
    tl.store(Z + o, lo + hi)


@pytest.mark.parametrize("target", ["sm_80", "sm_90"])
def test_elementwise_inline_asm_takes_our_path(target):
    """tl.inline_asm_elementwise (one and two results): our code and
    Triton's own both give x * 3 and 2x + 1."""
    x = np.arange(256, dtype=np.uint32) * 7
    for code in ("ours", "triton"):
        y, z = np.zeros_like(x), np.zeros_like(x)
        llt.emulate(_inline_asm, 1, x, y, z, target=target, code=code, N=256)
        np.testing.assert_array_equal(y, x * 3)
        np.testing.assert_array_equal(z, 2 * x + 1)
