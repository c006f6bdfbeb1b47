"""Micro-kernels for tests, benchmarks and the GPU check.

``convert_roundtrip(src, dst, shape, dtype, iters, target)``: one CTA tile per
program. The kernel loads tile ``p`` of ``x`` (row-major, ``prod(shape)``
elements per tile) in layout ``src``, then ``iters`` times converts it to
``dst``, adds 1, converts back to ``src`` and adds 1, and stores it to tile
``p`` of ``y``: ``y == x + 2 * iters`` (wrapping); ``x`` and ``y`` are
16-byte aligned (``ll.divisibility``), so the loads and stores are as wide
as the layout's registers along the rows allow. Layouts are TTGIR encoding
strings, as :func:`linear_layouts.from_triton` takes them (or
:class:`LinearLayout` objects); the warps come from the layouts.
"""

from __future__ import annotations

import math

from ._core import LinearLayout
from .compiler import CompiledKernel, compile
from .triton_attrs import from_triton

__all__ = ["convert_roundtrip", "convert_roundtrip_mlir", "linear_attr_text"]

_DTYPES = ("i8", "i16", "i32", "i64")


def _bases_text(bases) -> str:
    return "[" + ", ".join("[" + ", ".join(str(int(x)) for x in b) + "]" for b in bases) + "]"


def linear_attr_text(layout) -> str:
    """``#ll.linear<{...}>`` for a distributed :class:`LinearLayout`."""
    b = layout.bases
    dims = ("register", "lane", "warp", "block")
    return "#ll.linear<{" + ", ".join(f"{d} = {_bases_text(b.get(d, []))}" for d in dims) + "}>"


def _flat(layout, shape):
    """The layout of the row-major flattened tensor (one out dim)."""
    strides = [math.prod(shape[d + 1:]) for d in range(len(shape))]
    b = layout.bases
    return {d: [[sum(int(x) * s for x, s in zip(v, strides))] for v in b.get(d, [])]
            for d in ("register", "lane", "warp", "block")}


def _loop(t_a: str, t_b: str, iters: int, unroll: bool) -> str:
    def step(cur: str, i: str, indent: str) -> str:
        return (f"{indent}%c{i} = ll.convert_layout {cur} : {t_a} -> {t_b}\n"
                f"{indent}%e{i} = arith.addi %c{i}, %one_b : {t_b}\n"
                f"{indent}%d{i} = ll.convert_layout %e{i} : {t_b} -> {t_a}\n"
                f"{indent}%f{i} = arith.addi %d{i}, %one_a : {t_a}\n")

    if not unroll:
        return (f"  %lo = arith.constant 0 : index\n  %hi = arith.constant {iters} : index\n"
                f"  %st = arith.constant 1 : index\n"
                f"  %v = scf.for %i = %lo to %hi step %st iter_args(%cur = %v0) -> ({t_a}) {{\n"
                + step("%cur", "", "    ") + f"    scf.yield %f : {t_a}\n  }}\n")
    out, cur = [], "%v0"
    for i in range(iters):
        out.append(step(cur, f"_{i}", "  "))
        cur = f"%f_{i}"
    out.append(f"  %v = arith.addi {cur}, %zero_a : {t_a}\n")
    return "".join(out)


def convert_roundtrip_mlir(src: str, dst: str, shape: list[int], dtype: str, iters: int, target: str = "sm_90",
                           unroll: bool = False) -> str:
    """The ``ll`` module of :func:`convert_roundtrip` (``unroll``: the
    iterations as straight-line code instead of an ``scf.for``)."""
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(_DTYPES)}, got {dtype!r}")
    if iters < 0:
        raise ValueError("iters must be >= 0")
    ls, ld = (x if isinstance(x, LinearLayout) else from_triton(x, list(shape)) for x in (src, dst))
    numel = math.prod(shape)
    a, b = linear_attr_text(ls), linear_attr_text(ld)
    flat = "#ll.linear<{" + ", ".join(f"{d} = {_bases_text(v)}" for d, v in _flat(ls, shape).items()) + "}>"
    dims = "x".join(str(s) for s in shape)
    t_a, t_b = f"tensor<{dims}x{dtype}, #a>", f"tensor<{dims}x{dtype}, #b>"
    t_pa = f"tensor<{dims}x!ll.ptr<{dtype}>, #a>"
    t_ia = f"tensor<{dims}xi32, #a>"
    return f"""#a = {a}
#b = {b}
#flat = {flat}
module attributes {{ll.target = "{target}"}} {{
func.func @convert_roundtrip(%x: !ll.ptr<{dtype}> {{ll.divisibility = 16 : i64}},
                             %y: !ll.ptr<{dtype}> {{ll.divisibility = 16 : i64}}) attributes {{ll.kernel}} {{
  %pid = ll.program_id x : i32
  %numel = arith.constant {numel} : i32
  %tile = arith.muli %pid, %numel : i32
  %xt = ll.addptr %x, %tile : !ll.ptr<{dtype}>, i32
  %yt = ll.addptr %y, %tile : !ll.ptr<{dtype}>, i32
  %r = ll.make_range {{start = 0 : i32, end = {numel} : i32}} : tensor<{numel}xi32, #flat>
  %idx = ll.reshape %r : tensor<{numel}xi32, #flat> -> {t_ia}
  %xs = ll.splat %xt : !ll.ptr<{dtype}> -> {t_pa}
  %xp = ll.addptr %xs, %idx : {t_pa}, {t_ia}
  %v0 = ll.load %xp : ({t_pa}) -> {t_a}
  %one_a = arith.constant dense<1> : {t_a}
  %one_b = arith.constant dense<1> : {t_b}
  %zero_a = arith.constant dense<0> : {t_a}
{_loop(t_a, t_b, iters, unroll)}  %ys = ll.splat %yt : !ll.ptr<{dtype}> -> {t_pa}
  %yp = ll.addptr %ys, %idx : {t_pa}, {t_ia}
  ll.store %yp, %v : ({t_pa}, {t_a}) -> ()
  return
}}
}}
"""


def convert_roundtrip(src: str, dst: str, shape: list[int], dtype: str, iters: int, target: str = "sm_90",
                      *, traffic_first: bool = False, unroll: bool = False) -> CompiledKernel:
    """Compile the round-trip micro-kernel (see the module docstring)."""
    return compile(convert_roundtrip_mlir(src, dst, shape, dtype, iters, target, unroll), target,
                   traffic_first=traffic_first)
