"""Inline PTX in the emulator (linear_layouts.ptx): the predicated global
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
    with pytest.raises(EmulationError, match="misaligned address"):
        run('''
  %v = llvm.inline_asm has_side_effects "@$2 ld.global.v2.b32 { $0, $1 }, [ $3 + 4 ];", "=r,=r,b,l" %m, %px : (i1, !llvm.ptr<1>) -> !llvm.struct<(i32, i32)>
''', 2, x, np.zeros(4, np.int32), 64)


@pytest.mark.parametrize("asm, constraints, match", [
    ("@$1 ld.local.b32 { $0 }, [ $2 + 0 ];", "=r,b,l", r"modifier \.local is not modelled"),
    ("@$1 ld.global.b32 { $0 }, [ $2 + 0 ];", "=r,r,l", r"predicate \$1 is not a 'b' input"),
    ("ld.global.cg.b32 { $0 }, [ $1 + 0 ];", "=r,l", r"modifier \.cg is not modelled"),
    ("ld.global.b32 { $0 }, [ $5 + 0 ];", "=r,l", r"operand \$5 does not exist"),
    ("mov.b32 $0, %r1;", "=r,l", r"operand '%r1' is not modelled"),
    ("ld.global.b32 { $0 }, [ $1 + 0 ];", "=f,l", r"constraint 'f'"),
])
def test_unmodelled_forms_are_named(asm, constraints, match):
    from linear_layouts.ptx import InlinePtx

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
    from linear_layouts.ptx import InlinePtx

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
    ("cvt.f32.f16 $0, $1;", "=r,h", [np.uint16([0x3C00, 0xC000, 0x7BFF, 0])],
     [0x3F800000, 0xC0000000, 0x477FE000, 0]),
])
def test_cvt_forms_follow_the_formats(asm, constraints, inputs, expected):
    """The cvt forms of Triton's fp8 / f16 conversions, against the formats'
    own encodings (the values in the parameters come from the OCP fp8 and
    IEEE binary16 definitions, not from the emulator)."""
    from linear_layouts.ptx import InlinePtx

    out = InlinePtx(asm, constraints).run(_Lanes(), inputs)
    assert [int(x) for x in out] == expected


def test_register_blocks_are_named_as_not_modelled():
    from linear_layouts.ptx import InlinePtx

    with pytest.raises(EmulationError, match="is not an instruction"):
        InlinePtx("{ .reg .b32 a<2>; mov.b32 a0, $1; mov.b32 $0, a0; }", "=r,r")
