"""Inline PTX in the emulator (linear_layouts.emulator.ptx): the predicated global
accesses our lowering emits for masked loads and stores, checked against the
PTX ISA's semantics and against Triton's own inline assembly for the same
accesses (the strings Triton's NVIDIA back end puts into its LLVM IR, which
run on GPUs every day)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from linear_layouts.emulator import EmulationError, emulate_mlir

KERNEL = """
llvm.func @k(%x: !llvm.ptr<1>, %y: !llvm.ptr<1>, %n: i32) attributes {{nvvm.reqntid = array<i32: 64>}} {{
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %c{width} = llvm.mlir.constant({width} : i32) : i32
  %i = llvm.mul %tid, %c{width} : i32
  %m = llvm.icmp "slt" %tid, %n : i32
  %px = llvm.getelementptr %x[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %py = llvm.getelementptr %y[%i] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
{body}
  llvm.return
}}
"""


def run(body: str, width: int, x: np.ndarray, y: np.ndarray, n: int) -> None:
    emulate_mlir(KERNEL.format(body=body, width=width), "k", 1, [x, y, n])


def test_predicated_scalar_load_and_store():
    x = np.arange(64, dtype=np.int32) + 100
    y = np.full(64, -1, np.int32)
    run('''
  %v = llvm.inline_asm has_side_effects "mov.b32 $0, 7;\\n\\t@$2 ld.global.b32 { $0 }, [ $1 + 0 ];", "=r,l,b" %px, %m : (!llvm.ptr<1>, i1) -> i32
  llvm.inline_asm has_side_effects "@$2 st.global.b32 [ $1 + 0 ], { $0 };", "r,l,b" %v, %py, %m : (i32, !llvm.ptr<1>, i1) -> ()
  %t = llvm.xor %m, %m : i1
''', 1, x, y, 20)
    # Lanes >= 20 neither load (their value is the mov's 7) nor store.
    np.testing.assert_array_equal(y, np.where(np.arange(64) < 20, x, -1))


def test_vector_load_takes_other_values_where_masked_off():
    x = np.arange(256, dtype=np.int32)
    y = np.zeros(256, np.int32)
    run('''
  %o = llvm.mlir.constant(-5 : i32) : i32
  %v = llvm.inline_asm has_side_effects "mov.b32 $0, $4;\\n\\tmov.b32 $1, $4;\\n\\tmov.b32 $2, $4;\\n\\tmov.b32 $3, $4;\\n\\t@$6 ld.global.v4.b32 { $0, $1, $2, $3 }, [ $5 + 0 ];", "=r,=r,=r,=r,r,l,b" %o, %px, %m : (i32, !llvm.ptr<1>, i1) -> !llvm.struct<(i32, i32, i32, i32)>
  %a = llvm.extractvalue %v[0] : !llvm.struct<(i32, i32, i32, i32)>
  %b = llvm.extractvalue %v[1] : !llvm.struct<(i32, i32, i32, i32)>
  %c = llvm.extractvalue %v[2] : !llvm.struct<(i32, i32, i32, i32)>
  %d = llvm.extractvalue %v[3] : !llvm.struct<(i32, i32, i32, i32)>
  %t = llvm.mlir.constant(true) : i1
  llvm.inline_asm has_side_effects "@$5 st.global.v4.b32 [ $4 + 0 ], { $0, $1, $2, $3 };", "r,r,r,r,l,b" %a, %b, %c, %d, %py, %t : (i32, i32, i32, i32, !llvm.ptr<1>, i1) -> ()
''', 4, x, y, 10)
    want = np.where(np.arange(256) // 4 < 10, x, -5)
    np.testing.assert_array_equal(y, want)


def test_negated_predicate_and_offsets():
    x = np.arange(128, dtype=np.int32)
    y = np.zeros(128, np.int32)
    run('''
  %v = llvm.inline_asm has_side_effects "mov.b32 $0, 0x0;\\n\\t@!$2 ld.global.b32 { $0 }, [ $1 + 256 ];", "=r,l,b" %px, %m : (!llvm.ptr<1>, i1) -> i32
  %t = llvm.mlir.constant(true) : i1
  llvm.inline_asm has_side_effects "@$2 st.global.b32 [ $1 + 0 ], { $0 };", "r,l,b" %v, %py, %t : (i32, !llvm.ptr<1>, i1) -> ()
''', 1, x, y, 32)
    t = np.arange(128)
    np.testing.assert_array_equal(y[:64], np.where(t[:64] < 32, 0, x[64:]))


def test_misaligned_vector_access_is_an_error():
    x = np.arange(256, dtype=np.int32)
    with pytest.raises(EmulationError, match=r"misaligned ld of 8 bytes: address 0x[0-9a-f]+ by thread \d+ .* "
                                             r"is not a multiple of its size 8"):
        run('''
  %v = llvm.inline_asm has_side_effects "@$2 ld.global.v2.b32 { $0, $1 }, [ $3 + 4 ];", "=r,=r,b,l" %m, %px : (i1, !llvm.ptr<1>) -> !llvm.struct<(i32, i32)>
''', 2, x, np.zeros(4, np.int32), 64)


@pytest.mark.parametrize("asm, constraints, match", [
    ("@$1 ld.local.b32 { $0 }, [ $2 + 0 ];", "=r,b,l", r"modifier \.local is not modelled"),
    ("@$1 ld.global.b32 { $0 }, [ $2 + 0 ];", "=r,r,l", r"predicate \$1 is not a 'b' input"),
    ("ld.global.L2::cache_hint.b32 { $0 }, [ $1 + 0 ], $2;", "=r,l,l", r"\.L2::cache_hint .* is not modelled"),
    ("ld.global.weak.b32 { $0 }, [ $1 + 0 ];", "=r,l", r"modifier \.weak is not modelled"),
    ("ld.global.b32 { $0 }, [ $5 + 0 ];", "=r,l", r"operand \$5 does not exist"),
    ("mov.b32 $0, %r1;", "=r,l", r"operand .%r1. is not modelled \(not a declared register\)"),
    ("ld.global.b32 { $0 }, [ $1 + 0 ];", "=r,n", r"constraint 'n'"),
])
def test_unmodelled_forms_are_named(asm, constraints, match):
    from linear_layouts.emulator.ptx import InlinePtx

    with pytest.raises(EmulationError, match=match):
        InlinePtx(asm, constraints)


def _llvm_asm_strings(llvm_ir: str) -> list[tuple[str, str]]:
    """(asm, constraints) of every inline asm call in LLVM IR text."""
    out = []
    for m in re.finditer(r'asm sideeffect "((?:[^"\\]|\\.)*)", "([^"]*)"', llvm_ir):
        asm = re.sub(r"\\([0-9A-Fa-f]{2})", lambda h: chr(int(h[1], 16)), m[1])
        out.append((asm, m[2]))
    return out


@pytest.mark.triton
def test_tritons_own_global_accesses_run_as_ptx_says():
    """Triton's NVIDIA back end emits its masked global loads and stores as
    predicated inline PTX: the emulator runs Triton's exact strings, and the
    result is the numpy answer (masked-off lanes keep the mov's value)."""
    import triton
    from triton.backends.compiler import GPUTarget

    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "triton"))
    from kernels import vector_add

    src = triton.compiler.ASTSource(vector_add, {"X": "*fp32", "Y": "*fp32", "Z": "*fp32", "n": "i32",
                                                 "BLOCK": "constexpr"}, {"BLOCK": 256})
    llir = triton.compile(src, target=GPUTarget("cuda", 90, 32)).asm["llir"]
    strings = _llvm_asm_strings(llir)
    loads = [s for s in strings if "ld.global" in s[0]]
    stores = [s for s in strings if "st.global" in s[0]]
    assert loads and stores, strings
    from linear_layouts.emulator.ptx import InlinePtx

    for asm, cons in strings:
        InlinePtx(asm, cons)  # every string Triton emitted here is modelled
    (load, lcons), (store, scons) = loads[0], stores[0]
    assert lcons == "=r,l,b" and scons == "r,l,b", (lcons, scons)
    esc = lambda s: s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")  # noqa: E731
    x = np.arange(64, dtype=np.int32) * 3
    y = np.full(64, -1, np.int32)
    run(f'''
  %v = llvm.inline_asm has_side_effects "{esc(load)}", "{lcons}" %px, %m : (!llvm.ptr<1>, i1) -> i32
  %t = llvm.mlir.constant(true) : i1
  llvm.inline_asm has_side_effects "{esc(store)}", "{scons}" %v, %py, %t : (i32, !llvm.ptr<1>, i1) -> ()
''', 1, x, y, 40)
    np.testing.assert_array_equal(y, np.where(np.arange(64) < 40, x, 0))


def test_shared_accesses_take_the_ctas_window():
    """st.shared / ld.shared (Triton's predicated shared accesses, with a
    !llvm.ptr<3> address or its 32-bit offset): lane t stores at word t and
    reads word 63 - t after the barrier; a masked-off lane keeps the mov's
    value; the race tracker sees the accesses (no barrier: a race)."""
    def text(barrier: bool) -> str:
        return f"""
llvm.mlir.global external @smem() {{addr_space = 3 : i32, alignment = 16 : i64}} : !llvm.array<0 x i8>
llvm.func @k(%x: !llvm.ptr<1>, %y: !llvm.ptr<1>) attributes {{nvvm.reqntid = array<i32: 64>}} {{
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %c63 = llvm.mlir.constant(63 : i32) : i32
  %c60 = llvm.mlir.constant(60 : i32) : i32
  %t = llvm.mlir.constant(true) : i1
  %base = llvm.mlir.addressof @smem : !llvm.ptr<3>
  %ps = llvm.getelementptr %base[%tid] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i32
  %px = llvm.getelementptr %x[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %py = llvm.getelementptr %y[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %v = llvm.load %px : !llvm.ptr<1> -> i32
  llvm.inline_asm has_side_effects "@$2 st.shared.b32 [ $0 + 0 ], $1;", "r,r,b" %ps, %v, %t : (!llvm.ptr<3>, i32, i1) -> ()
  {"nvvm.barrier0" if barrier else ""}
  %r = llvm.sub %c63, %tid : i32
  %pr = llvm.getelementptr %base[%r] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i32
  %off = llvm.ptrtoint %pr : !llvm.ptr<3> to i32
  %m = llvm.icmp "slt" %tid, %c60 : i32
  %w = llvm.inline_asm has_side_effects "mov.u32 $0, 0x7;\\n\\t@$2 ld.shared.b32 {{ $0 }}, [ $1 + 0 ];", "=r,r,b" %off, %m : (i32, i1) -> i32
  llvm.store %w, %py : i32, !llvm.ptr<1>
  llvm.return
}}
"""
    x = np.arange(64, dtype=np.int32) * 3
    y = np.zeros(64, np.int32)
    emulate_mlir(text(True), "k", 1, [x, y], shared_bytes=256)
    assert (y == np.where(np.arange(64) < 60, x[::-1], 7)).all()
    with pytest.raises(EmulationError, match="shared-memory race"):
        emulate_mlir(text(False), "k", 1, [x, np.zeros(64, np.int32)], shared_bytes=256)


class _Lanes:
    """The part of the emulator's CTA state inline PTX reads: 4 active threads."""
    T = 4
    mask = np.ones(4, bool)


@pytest.mark.parametrize("asm, constraints, inputs, expected", [
    # f32 -> fp8 pairs, nearest even, saturating, NaN canonical; $1 in the high byte.
    # e4m3: 1.0 = 0x38, 448 (largest) = 0x7E, -0.0 = 0x80; e5m2: 1.0 = 0x3C, 57344 (largest) = 0x7B.
    ("cvt.rn.satfinite.e4m3x2.f32 $0, $1, $2;", "=h,r,r",
     [np.float32([1.0, 1000.0, np.nan, -0.0]), np.float32([448.0, -1.0, 0.0, 1.0])],
     [0x387E, 0x7EB8, 0x7F00, 0x8038]),
    ("cvt.rn.satfinite.e5m2x2.f32 $0, $1, $2;", "=h,r,r",
     [np.float32([1.0, 1e6, -2.0, 0.0]), np.float32([1.0, 57344.0, 0.5, 0.0])],
     [0x3C3C, 0x7B7B, 0xC038, 0x0000]),
    # fp8 pairs -> f16 pairs, exact: the low byte in the low half (1.0 = 0x3C00, -2.0 = 0xC000).
    ("cvt.rn.f16x2.e4m3x2 $0, $1;", "=r,h", [np.uint16([0x3838, 0xC038, 0, 0x0038])],
     [0x3C003C00, 0xC0003C00, 0, 0x3C00]),
    # f32 -> f16 to nearest and toward zero: 1 + 2^-11 + 2^-12 is 1 + 2^-10 (rn) or 1.0 (rz);
    # 70000 overflows to inf (rn) but saturates to 65504 (rz).
    ("cvt.rn.f16.f32 $0, $1;", "=h,r", [np.float32([1 + 2**-11 + 2**-12, 70000.0, -1.5, 0.0])],
     [0x3C01, 0x7C00, 0xBE00, 0]),
    ("cvt.rz.f16.f32 $0, $1;", "=h,r", [np.float32([1 + 2**-11 + 2**-12, 70000.0, -1.5, 0.0])],
     [0x3C00, 0x7BFF, 0xBE00, 0]),
    # pairs: $1 in the high half
    ("cvt.rz.f16x2.f32 $0, $1, $2;", "=r,r,r", [np.float32([1.0, 70000.0, -1.5, 0.0]),
                                                 np.float32([1 + 2**-11 + 2**-12, 2.0, 0.5, -0.0])],
     [0x3C003C00, 0x7BFF4000, 0xBE003800, 0x00008000]),
    ("cvt.f32.f16 $0, $1;", "=r,h", [np.uint16([0x3C00, 0xC000, 0x7BFF, 0])],
     [0x3F800000, 0xC0000000, 0x477FE000, 0]),
    # f16 -> bf16 to nearest even (Triton's fp8 -> bf16 on sm_90 goes through f16): 1.0 = 0x3F80;
    # 1 + 2^-10 is 1.0 in bf16's 7 bits; 65504 rounds up to 2^16 = 0x4780; -2.0 = 0xC000.
    ("cvt.bf16.f16 $0, $1;", "=h,h", [np.uint16([0x3C00, 0x3C01, 0x7BFF, 0xC000])],
     [0x3F80, 0x3F80, 0x4780, 0xC000]),
    # mov between a register and a vector of its parts (element 0 low): the halves swapped.
    ("{ .reg .b16 a<2>; mov.b32 {a0, a1}, $1; mov.b32 $0, {a1, a0}; }", "=r,r",
     [np.uint32([0x12345678, 0xFFFF0000, 1, 0])], [0x56781234, 0x0000FFFF, 0x10000, 0]),
    # set.nan on f16 pairs: 1.0 (0x3C00) in each NaN half (Triton's fp8 conversions OR it in).
    ("set.nan.f16x2.f16x2 $0, $1, $1;", "=r,r", [np.uint32([0x7E003C00, 0x3C007C01, 0x7C000000, 0xFFFF7FFF])],
     [0x3C000000, 0x00003C00, 0, 0x3C003C00]),
    # min on f16 pairs: a NaN half gives the other operand's (65504 = 0x7BFF, -2 = 0xC000).
    ("min.f16x2 $0, $1, $2;", "=r,r,r", [np.uint32([0x7E003C00, 0xC0007BFF, 0, 0x7E007E00]),
                                          np.uint32([0x7B007B00, 0x3C00FC00, 0xBC000000, 0x7E003C00])],
     [0x7B003C00, 0xC000FC00, 0xBC000000, 0x7FFF3C00]),
    ("max.s32 $0, $1, $2;", "=r,r,r", [np.int32([-5, 7, 0, -1]).view(np.uint32),
                                       np.int32([3, -9, 0, -2]).view(np.uint32)],
     [3, 7, 0, 0xFFFFFFFF]),
    # f32 -> tf32 (tf32x3's split), nearest with ties away from zero, 10 mantissa bits: 1 + 2^-11
    # (a tie) is 1 + 2^-10 = 0x3F802000, its negative -(1 + 2^-10); 1 + 2^-12 is 1.0; the largest
    # f32 rounds up to infinity.
    ("cvt.rna.tf32.f32 $0, $1;", "=r,r", [np.float32([1 + 2**-11, -(1 + 2**-11), 1 + 2**-12,
                                                      np.finfo(np.float32).max])],
     [0x3F802000, 0xBF802000, 0x3F800000, 0x7F800000]),
])
def test_cvt_forms_follow_the_formats(asm, constraints, inputs, expected):
    """The cvt forms of Triton's fp8 / f16 conversions, against the formats'
    own encodings (the values in the parameters come from the OCP fp8 and
    IEEE binary16 definitions, not from the emulator)."""
    from linear_layouts.emulator.ptx import InlinePtx

    out = InlinePtx(asm, constraints).run(_Lanes(), inputs)
    assert [int(x) for x in out] == expected


def _lanes(asm: str, constraints: str, *inputs) -> list:
    from linear_layouts.emulator.ptx import InlinePtx

    out = InlinePtx(asm, constraints).run(_Lanes(), [np.asarray(v) for v in inputs])
    return [int(x) for x in out] if not isinstance(out, tuple) else [[int(x) for x in o] for o in out]


def _prmt(a: int, b: int, c: int) -> int:
    """prmt.b32's default mode as the PTX ISA states it, one byte at a time."""
    pool = [(a >> 8 * i) & 0xFF for i in range(4)] + [(b >> 8 * i) & 0xFF for i in range(4)]
    d = 0
    for i in range(4):
        sel = (c >> 4 * i) & 0xF
        byte = pool[sel & 7]
        d |= ((0xFF if byte & 0x80 else 0) if sel & 8 else byte) << 8 * i
    return d


def _lop3(a: int, b: int, c: int, lut: int) -> int:
    return sum(((lut >> ((a >> k & 1) << 2 | (b >> k & 1) << 1 | (c >> k & 1))) & 1) << k for k in range(32))


_A = np.uint32([0x01234567, 0x89ABCDEF, 0xFFFFFFFF, 0x80000001])
_B = np.uint32([0x76543210, 0x00FF00FF, 0x12345678, 0x7FFFFFFF])
_C = np.uint32([0xF0F0F0F0, 0x0F0F0F0F, 0xDEADBEEF, 0x00000001])


@pytest.mark.parametrize("selector", [0x3210, 0x7654, 0x5140, 0x7362, 0x7531, 0x3276, 0x89AB, 0x0000, 0xFEDC])
def test_prmt_selects_bytes_as_the_isa_says(selector):
    got = _lanes(f"prmt.b32 $0, $1, $2, {selector:#x};", "=r,r,r", _A, _B)
    assert got == [_prmt(int(a), int(b), selector) for a, b in zip(_A, _B)]


@pytest.mark.parametrize("lut", [0xF0, 0xCC, 0xAA, 0x80, 0xC0, 0xF8, 0x96, 0xE8, 0x1E])
def test_lop3_is_its_truth_table(lut):
    got = _lanes(f"lop3.b32 $0, $1, $2, $3, {lut:#x};", "=r,r,r,r", _A, _B, _C)
    assert got == [_lop3(int(a), int(b), int(c), lut) for a, b, c in zip(_A, _B, _C)]


@pytest.mark.parametrize("asm, expected", [
    # logical and arithmetic shifts; PTX clamps shift amounts past the width
    ("shr.b32 $0, $1, 4;", lambda a, b: a >> 4),
    ("shr.s32 $0, $1, 4;", lambda a, b: ((a - (1 << 32) if a >> 31 else a) >> 4) & 0xFFFFFFFF),
    ("shl.b32 $0, $1, 40;", lambda a, b: 0),
    ("shr.s32 $0, $1, 40;", lambda a, b: 0xFFFFFFFF if a >> 31 else 0),
    ("add.u32 $0, $1, $2;", lambda a, b: (a + b) & 0xFFFFFFFF),
    ("sub.s32 $0, $1, $2;", lambda a, b: (a - b) & 0xFFFFFFFF),
    ("mul.lo.u32 $0, $1, $2;", lambda a, b: (a * b) & 0xFFFFFFFF),
    ("mul.hi.u32 $0, $1, $2;", lambda a, b: (a * b) >> 32),
    ("mul.hi.s32 $0, $1, $2;", lambda a, b: (((a - (a >> 31 << 32)) * (b - (b >> 31 << 32))) >> 32) & 0xFFFFFFFF),
    ("and.b32 $0, $1, 0xFFFF0000;", lambda a, b: a & 0xFFFF0000),
    ("not.b32 $0, $1;", lambda a, b: ~a & 0xFFFFFFFF),
    # a register block of its own: .reg ranges, a .pred, setp and selp, a predicated mov
    ("{ .reg .b32 t<2>; .reg .pred p; xor.b32 t0, $1, $2; setp.lo.u32 p, $1, $2; selp.b32 t1, $1, $2, p; "
     "@!p mov.b32 t0, 0; or.b32 $0, t0, t1; }",
     lambda a, b: ((a ^ b) | a) if a < b else b),
])
def test_integer_instructions_follow_the_isa(asm, expected):
    assert _lanes(asm, "=r,r,r", _A, _B) == [expected(int(a), int(b)) for a, b in zip(_A, _B)]


def test_float_comparisons_are_ordered_unless_u():
    """setp (PTX ISA): ne is ordered (NaN != x is false), neu is not."""
    x, y = np.float32([np.nan, 1.0, 2.0, np.nan]), np.float32([1.0, 1.0, 3.0, np.nan])
    body = "{{ .reg .pred p; setp.{c}.f32 p, $1, $2; selp.u32 $0, 1, 0, p; }}"
    assert _lanes(body.format(c="ne"), "=r,r,r", x, y) == [0, 0, 1, 0]
    assert _lanes(body.format(c="neu"), "=r,r,r", x, y) == [1, 0, 1, 1]
    assert _lanes(body.format(c="lt"), "=r,r,r", x, y) == [0, 0, 1, 0]
    assert _lanes(body.format(c="nan"), "=r,r,r", x, y) == [1, 0, 0, 1]


def test_approximations_are_exact_within_the_isa_error():
    x = np.float32([1.0, -2.5, 10.0, 0.0])
    got = _lanes("ex2.approx.ftz.f32 $0, $1;", "=r,r", x)
    assert got == [int(v) for v in np.exp2(x.astype(np.float64)).astype(np.float32).view(np.uint32)]
    tiny = np.float32([1e-40, -1e-40, 4.0, 0.25])  # .ftz: a subnormal input is 0: rcp gives inf
    got = np.uint32(_lanes("rcp.approx.ftz.f32 $0, $1;", "=r,r", tiny)).view(np.float32)
    assert list(got) == [np.inf, -np.inf, 0.25, 4.0]


@pytest.mark.parametrize("op, fn", [("mul", np.multiply), ("add", np.add), ("sub", np.subtract)])
@pytest.mark.parametrize("fmt", ["bf16x2", "f16x2"])
def test_packed_half_arithmetic_rounds_each_half_once(op, fn, fmt):
    """add / sub / mul .rn.{f16x2,bf16x2}: each half computed exactly and
    rounded to nearest even (ml_dtypes' bfloat16 and numpy's float16, whose
    operations on these moderate values round once, are the oracle)."""
    ml_dtypes = pytest.importorskip("ml_dtypes")
    rng = np.random.default_rng(7)
    dt = ml_dtypes.bfloat16 if fmt == "bf16x2" else np.float16
    a, b = (rng.standard_normal((4, 2)).astype(dt) for _ in range(2))
    pack = lambda v: v.view(np.uint16).astype(np.uint32)[:, 0] | (v.view(np.uint16).astype(np.uint32)[:, 1] << 16)  # noqa: E731
    got = _lanes(f"{op}.rn.{fmt} $0, $1, $2;", "=r,r,r", pack(a), pack(b))
    assert got == [int(v) for v in pack(fn(a, b).astype(dt))]


def test_inline_shfl_is_the_shuffle_the_nvvm_op_is():
    """shfl.sync.bfly.b32 with the full member mask: lane l reads lane l ^ 5
    (PTX ISA "shfl.sync"; c = 0x1f: one segment of 32 lanes)."""
    lanes = type("L", (), {"T": 64, "mask": np.ones(64, bool), "ws": 32,
                           "lane": np.arange(64) % 32, "warp_base": np.arange(64) // 32 * 32})()
    from linear_layouts.emulator.ptx import InlinePtx

    x = (np.arange(64) * 7).astype(np.uint32)
    out = InlinePtx("shfl.sync.bfly.b32 $0, $1, 5, 0x1f, 0xffffffff;", "=r,r").run(lanes, [x])
    assert list(out) == list(x[np.arange(64) ^ 5])


def test_float_arithmetic_rounds_to_nearest_even():
    x, y = np.float32([1.0, 3.0, 1e38, 0.1]), np.float32([2**-24, 7.0, 10.0, 0.2])
    got = _lanes("mul.f32 $0, $1, $2;", "=r,r,r", x, y)
    with np.errstate(over="ignore"):  # 1e38 * 10 is inf
        assert got == [int(v) for v in (x * y).view(np.uint32)]
    got = _lanes("{ .reg .f32 s; add.f32 s, $1, $2; mov.b32 $0, s; }", "=r,r,r", x, y)
    assert got == [int(v) for v in (x + y).view(np.uint32)]


def test_tritons_fp8_to_bf16_block_gives_every_e5m2_value():
    """Triton 3.6's e5m2 -> bf16 conversion for sm_80 / sm_90, a register
    block of prmt / lop3 / shr / and / shl / mul.f32, run on all 256 codes:
    every finite e5m2 value comes out exactly (ml_dtypes' format tables)."""
    ml_dtypes = pytest.importorskip("ml_dtypes")
    asm = ("{ .reg .b32 a<2>, b<2>, c<4>, d<4>, e112; mov.u32 e112, 0x77800000; "
           "prmt.b32 a0, 0, $2, 0x5140; prmt.b32 a1, 0, $2, 0x7362; "
           "lop3.b32 b0, a0, 0x7fff7fff, 0, 0xc0; lop3.b32 b1, a1, 0x7fff7fff, 0, 0xc0; "
           "shr.b32 b0, b0, 3; shr.b32 b1, b1, 3; and.b32 c0, b0, 0xFFFF0000; shl.b32 c1, b0, 16; "
           "and.b32 c2, b1, 0xFFFF0000; shl.b32 c3, b1, 16; mul.f32 d0, c0, e112; mul.f32 d1, c1, e112; "
           "mul.f32 d2, c2, e112; mul.f32 d3, c3, e112; prmt.b32 b0, d0, d1, 0x3276; prmt.b32 b1, d2, d3, 0x3276; "
           "lop3.b32 $0, b0, 0x80008000, a0, 0xf8; lop3.b32 $1, b1, 0x80008000, a1, 0xf8; }")
    from linear_layouts.emulator.ptx import InlinePtx

    codes = np.arange(256, dtype=np.uint8).reshape(64, 4)  # four codes per thread
    lanes = type("L", (), {"T": 64, "mask": np.ones(64, bool)})()
    lo, hi = InlinePtx(asm, "=r,=r,r").run(lanes, [codes])
    bf16 = np.stack([lo & 0xFFFF, lo >> 16, hi & 0xFFFF, hi >> 16], axis=1).astype(np.uint16).reshape(-1)
    want = np.arange(256, dtype=np.uint8).view(ml_dtypes.float8_e5m2).astype(np.float32)
    got = (bf16.astype(np.uint32) << 16).view(np.float32)
    finite = np.isfinite(want)
    assert finite.sum() == 248
    np.testing.assert_array_equal(got[finite], want[finite])


_ATOMS = """
llvm.func @k(%acc: !llvm.ptr<1>, %olds: !llvm.ptr<1>, %vals: !llvm.ptr<1>) attributes {{nvvm.reqntid = array<i32: 64>}} {{
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %t = llvm.mlir.constant(true) : i1
  %pv = llvm.getelementptr %vals[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  %v = llvm.load %pv : !llvm.ptr<1> -> i32
  %old = llvm.inline_asm has_side_effects "mov.u32 $0, 0x0; @$3 {asm} $0, [ $1 + 0 ], $2{extra};", "=r,l,r,b{cons}" %acc, {b}, %t{args} : (!llvm.ptr<1>, i32, i1{types}) -> i32
  %po = llvm.getelementptr %olds[%tid] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, i32
  llvm.store %old, %po : i32, !llvm.ptr<1>
  llvm.return
}}
"""


def _atoms(asm: str, acc0, vals, dtype=np.uint32, cas: bool = False):
    acc, olds = np.array([acc0], dtype), np.zeros(64, dtype)
    text = _ATOMS.format(asm=asm, extra=", $4" if cas else "", cons=",r" if cas else "", b="%tid" if cas else "%v",
                         args=", %v" if cas else "", types=", i32" if cas else "")
    emulate_mlir(text, "k", 1, [acc, olds, np.asarray(vals, dtype)])
    return acc[0], olds


def test_atomics_run_one_thread_after_another():
    """atom (PTX ISA "atom"): the old values in thread order, the final
    value the whole sequence's; signed max, cas, add.f32's flush."""
    acc, olds = _atoms("atom.global.gpu.acq_rel.add.u32", 5, np.ones(64))
    assert acc == 69 and list(olds) == list(range(5, 69))
    vals = np.arange(64, dtype=np.int64) - 40  # -40 .. 23
    acc, olds = _atoms("atom.global.max.s32", -100, vals, np.int32)
    assert acc == 23 and olds[0] == -100 and list(olds[1:]) == list(np.maximum.accumulate(vals)[:-1])
    # cas with compare tid, swap tid + 1: a chain 0 -> 1 -> ... -> 64 in thread order
    acc, olds = _atoms("atom.global.cas.b32", 0, np.arange(64) + 1, cas=True)
    assert acc == 64 and list(olds) == list(range(64))
    tiny = np.float32(1e-40)  # subnormal: flushed to zero by atom.add.f32
    acc, olds = _atoms("atom.global.add.f32", np.float32(1.0).view(np.uint32), np.full(64, tiny).view(np.uint32))
    assert np.uint32(acc).view(np.float32) == 1.0
