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

__all__ = ["convert_roundtrip", "convert_roundtrip_mlir", "gather", "gather_mlir", "linear_attr_text", "reduce",
           "reduce_mlir", "scan",
           "scan_mlir"]

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
module attributes {{ll.target = #ll.target<"{target}">}} {{
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


# ----------------------------------------------------------------------------- reductions and scans

_FLOATS = ("f16", "bf16", "f32", "f64")
_INTS = ("i8", "i16", "i32", "i64")


#: Integer-only combines (one arith op each).
_INT_COMBINES = {"min": "arith.minsi", "umin": "arith.minui", "umax": "arith.maxui",
                 "and": "arith.andi", "or": "arith.ori", "xor": "arith.xori"}


def _combine_region(kind: str, dtype: str, tag: str) -> tuple[str, int]:
    """The body of a combining region and its number of operands."""
    f = dtype in _FLOATS
    if kind == "add":
        op = "arith.addf" if f else "arith.addi"
        return (f"  ^bb0(%c_a: {dtype}, %c_b: {dtype}):\n    %c_s = {op} %c_a, %c_b : {dtype}\n"
                f"    ll.{tag}.return %c_s : {dtype}\n"), 1
    if kind == "max":
        op = "arith.maximumf" if f else "arith.maxsi"
        return (f"  ^bb0(%c_a: {dtype}, %c_b: {dtype}):\n    %c_s = {op} %c_a, %c_b : {dtype}\n"
                f"    ll.{tag}.return %c_s : {dtype}\n"), 1
    if kind in _INT_COMBINES:
        if f:
            raise ValueError(f"the {kind} combine takes integers")
        return (f"  ^bb0(%c_a: {dtype}, %c_b: {dtype}):\n    %c_s = {_INT_COMBINES[kind]} %c_a, %c_b : {dtype}\n"
                f"    ll.{tag}.return %c_s : {dtype}\n"), 1
    if kind == "argmax":  # (value, index): the larger value, ties to the smaller index
        gt = f"arith.cmpf ogt, %c_a, %c_b : {dtype}" if f else f"arith.cmpi sgt, %c_a, %c_b : {dtype}"
        eq = f"arith.cmpf oeq, %c_a, %c_b : {dtype}" if f else f"arith.cmpi eq, %c_a, %c_b : {dtype}"
        return (f"  ^bb0(%c_a: {dtype}, %c_ai: i32, %c_b: {dtype}, %c_bi: i32):\n"
                f"    %c_gt = {gt}\n    %c_eq = {eq}\n    %c_lt = arith.cmpi slt, %c_ai, %c_bi : i32\n"
                f"    %c_tie = arith.andi %c_eq, %c_lt : i1\n    %c_take = arith.ori %c_gt, %c_tie : i1\n"
                f"    %c_v = arith.select %c_take, %c_a, %c_b : {dtype}\n    %c_i = arith.select %c_take, %c_ai, %c_bi : i32\n"
                f"    ll.{tag}.return %c_v, %c_i : {dtype}, i32\n"), 2
    if kind == "affine":  # (m, c) then (m', c') -> (m m', c m' + c'): associative, not commutative
        if f:
            raise ValueError("the affine combine takes integers")
        return (f"  ^bb0(%c_a: {dtype}, %c_ac: {dtype}, %c_b: {dtype}, %c_bc: {dtype}):\n"
                f"    %c_m = arith.muli %c_a, %c_b : {dtype}\n    %c_t = arith.muli %c_ac, %c_b : {dtype}\n"
                f"    %c_c = arith.addi %c_t, %c_bc : {dtype}\n    ll.{tag}.return %c_m, %c_c : {dtype}, {dtype}\n"), 2
    raise ValueError(f"combine must be one of add, max, {', '.join(_INT_COMBINES)}, argmax, affine; got {kind!r}")


def _sliced(layout, axis: int) -> dict:
    """Bases of ``layout`` with dim ``axis`` dropped and replicated registers removed."""
    out = {}
    for d in ("register", "lane", "warp", "block"):
        vs = [[int(x) for i, x in enumerate(v) if i != axis] for v in layout.bases.get(d, [])]
        out[d] = [v for v in vs if any(v)] if d == "register" else vs
    return out


def _attr(bases: dict) -> str:
    return "#ll.linear<{" + ", ".join(f"{d} = {_bases_text(bases.get(d, []))}"
                                      for d in ("register", "lane", "warp", "block")) + "}>"


def _flat_attr(bases: dict, shape) -> str:
    strides = [math.prod(shape[d + 1:]) for d in range(len(shape))]
    return _attr({d: [[sum(int(x) * s for x, s in zip(v, strides))] for v in bs] for d, bs in bases.items()})


def _tile_access(name: str, ptr: str, dtype: str, shape, attr_name: str, flat_name: str, tag: str) -> tuple[str, str]:
    """Lines making ``%{tag}p``: the pointers to tile ``pid`` of ``ptr`` in ``#attr_name``."""
    numel = math.prod(shape)
    dims = "x".join(str(s) for s in shape)
    t_p, t_i = f"tensor<{dims}x!ll.ptr<{dtype}>, #{attr_name}>", f"tensor<{dims}xi32, #{attr_name}>"
    return (f"  %{tag}n = arith.constant {numel} : i32\n"
            f"  %{tag}o = arith.muli %pid, %{tag}n : i32\n"
            f"  %{tag}t = ll.addptr {ptr}, %{tag}o : !ll.ptr<{dtype}>, i32\n"
            f"  %{tag}r = ll.make_range {{start = 0 : i32, end = {numel} : i32}} : tensor<{numel}xi32, #{flat_name}>\n"
            f"  %{tag}i = ll.reshape %{tag}r : tensor<{numel}xi32, #{flat_name}> -> {t_i}\n"
            f"  %{tag}s = ll.splat %{tag}t : !ll.ptr<{dtype}> -> {t_p}\n"
            f"  %{tag}p = ll.addptr %{tag}s, %{tag}i : {t_p}, {t_i}\n"), t_p


def _layout_of(x, shape):
    return x if isinstance(x, LinearLayout) else from_triton(x, list(shape))


def reduce_mlir(layout, shape: list[int], dtype: str, axis: int, combine: str = "add",
                target: str = "sm_90", out_layout=None) -> str:
    """The ``ll`` module of :func:`reduce`."""
    if dtype not in _INTS + _FLOATS:
        raise ValueError(f"dtype must be one of {', '.join(_INTS + _FLOATS)}, got {dtype!r}")
    l = _layout_of(layout, shape)
    if not 0 <= axis < len(shape):
        raise ValueError(f"axis {axis} is out of range for rank {len(shape)}")
    body, n = _combine_region(combine, dtype, "reduce")
    if combine == "affine":
        raise ValueError("reduce takes add, max, argmax or an integer min, umin, umax, and, or, xor")
    dims = "x".join(str(s) for s in shape)
    t_in = f"tensor<{dims}x{dtype}, #a>"
    rshape = [s for i, s in enumerate(shape) if i != axis]
    rb = _sliced(l, axis)
    head = f"#a = {linear_attr_text(l)}\n#aflat = {_flat_attr(l.bases, shape)}\n"
    load, t_pa = _tile_access("x", "%x", dtype, shape, "a", "aflat", "x")
    lines = load + f"  %v = ll.load %xp : ({t_pa}) -> {t_in}\n"
    operands, types = "%v", t_in
    if n == 2:
        operands, types = "%v, %xi", f"{t_in}, tensor<{dims}xi32, #a>"
    params = f"%x: !ll.ptr<{dtype}> {{ll.divisibility = 16 : i64}}, %y: !ll.ptr<{dtype}> {{ll.divisibility = 16 : i64}}"
    if n == 2:
        params += ", %z: !ll.ptr<i32> {ll.divisibility = 16 : i64}"
    if out_layout is not None and not rshape:
        raise ValueError("out_layout needs a tensor result (rank 2 or more)")
    if rshape:
        rdims = "x".join(str(s) for s in rshape)
        head += f"#r = {_attr(rb)}\n"
        t_out = [f"tensor<{rdims}x{dtype}, #r>", f"tensor<{rdims}xi32, #r>"][:n]
        ob = rb if out_layout is None else _layout_of(out_layout, rshape).bases
        head += ("" if out_layout is None else f"#o = {_attr(ob)}\n") + f"#rflat = {_flat_attr(ob, rshape)}\n"
        t_st = [t.replace("#r>", "#o>") for t in t_out] if out_layout is not None else t_out
    else:
        t_out = t_st = [dtype, "i32"][:n]
    res = "%res" if n == 1 else "%res:2"
    lines += (f"  {res} = \"ll.reduce\"({operands}) <{{axis = {axis} : i32}}> ({{\n{body}  }}) : "
              f"({types}) -> ({', '.join(t_out)})\n")
    names = ["%res"] if n == 1 else ["%res#0", "%res#1"]
    if out_layout is not None:
        for k in range(n):
            lines += f"  %cv{k} = ll.convert_layout {names[k]} : {t_out[k]} -> {t_st[k]}\n"
        names = [f"%cv{k}" for k in range(n)]
    for k, (ptr, dt) in enumerate([("%y", dtype), ("%z", "i32")][:n]):
        if rshape:
            st, t_pr = _tile_access(f"o{k}", ptr, dt, rshape, "o" if out_layout is not None else "r", "rflat", f"o{k}")
            lines += st + f"  ll.store %o{k}p, {names[k]} : ({t_pr}, {t_st[k]}) -> ()\n"
        else:
            lines += (f"  %o{k}t = ll.addptr {ptr}, %pid : !ll.ptr<{dt}>, i32\n"
                      f"  ll.store %o{k}t, {names[k]} : (!ll.ptr<{dt}>, {t_out[k]}) -> ()\n")
    return f"""{head}module attributes {{ll.target = #ll.target<"{target}">}} {{
func.func @reduce({params}) attributes {{ll.kernel}} {{
  %pid = ll.program_id x : i32
{lines}  return
}}
}}
"""


def reduce(layout, shape: list[int], dtype: str, axis: int, combine: str = "add", target: str = "sm_90",
           out_layout=None) -> CompiledKernel:
    """A reduction micro-kernel: program ``p`` loads tile ``p`` of ``x``
    (row-major, ``prod(shape)`` elements) in ``layout``, reduces it along
    ``axis`` with ``combine`` (``add``, ``max``, for integers also ``min``,
    ``umin``, ``umax``, ``and``, ``or``, ``xor``, or ``argmax``, which also
    writes the flat index within the tile of each maximum to ``z``, ties to
    the smaller index) and stores tile ``p`` of the result (row-major) to
    ``y``, converted first to ``out_layout`` (a layout of the result's
    shape) when given."""
    return compile(reduce_mlir(layout, shape, dtype, axis, combine, target, out_layout), target)


def scan_mlir(layout, shape: list[int], dtype: str, axis: int, combine: str = "add", reverse: bool = False,
              target: str = "sm_90") -> str:
    """The ``ll`` module of :func:`scan`."""
    if dtype not in _INTS + _FLOATS:
        raise ValueError(f"dtype must be one of {', '.join(_INTS + _FLOATS)}, got {dtype!r}")
    l = _layout_of(layout, shape)
    if not 0 <= axis < len(shape):
        raise ValueError(f"axis {axis} is out of range for rank {len(shape)}")
    if combine not in ("add", "affine"):
        raise ValueError("scan takes add or affine")
    body, n = _combine_region(combine, dtype, "scan")
    dims = "x".join(str(s) for s in shape)
    t_in = f"tensor<{dims}x{dtype}, #a>"
    head = f"#a = {linear_attr_text(l)}\n#aflat = {_flat_attr(l.bases, shape)}\n"
    params = ", ".join(f"%{p}: !ll.ptr<{dtype}> {{ll.divisibility = 16 : i64}}" for p in "xyzw"[:2 * n])
    lines = ""
    for k, p in enumerate(("x", "z")[:n]):
        acc, t_pa = _tile_access(f"i{k}", f"%{p}", dtype, shape, "a", "aflat", f"i{k}")
        lines += acc + f"  %v{k} = ll.load %i{k}p : ({t_pa}) -> {t_in}\n"
    res = "%res" if n == 1 else "%res:2"
    ops = ", ".join(f"%v{k}" for k in range(n))
    lines += (f"  {res} = \"ll.scan\"({ops}) <{{axis = {axis} : i32, reverse = {str(reverse).lower()}}}> "
              f"({{\n{body}  }}) : ({', '.join([t_in] * n)}) -> ({', '.join([t_in] * n)})\n")
    names = ["%res"] if n == 1 else ["%res#0", "%res#1"]
    for k, p in enumerate(("y", "w")[:n]):
        acc, t_pa = _tile_access(f"o{k}", f"%{p}", dtype, shape, "a", "aflat", f"o{k}")
        lines += acc + f"  ll.store %o{k}p, {names[k]} : ({t_pa}, {t_in}) -> ()\n"
    return f"""{head}module attributes {{ll.target = #ll.target<"{target}">}} {{
func.func @scan({params}) attributes {{ll.kernel}} {{
  %pid = ll.program_id x : i32
{lines}  return
}}
}}
"""


def scan(layout, shape: list[int], dtype: str, axis: int, combine: str = "add", reverse: bool = False,
         target: str = "sm_90") -> CompiledKernel:
    """A scan micro-kernel: program ``p`` loads tile ``p`` of ``x`` in
    ``layout``, scans it along ``axis`` (inclusive; ``reverse`` from the
    end) and stores tile ``p`` of ``y``. ``combine="affine"`` scans pairs
    (m, c) from ``x`` and ``z`` with (m, c) then (m', c') = (m m', c m' + c'),
    an associative combine that is not commutative, into ``y`` and ``w``."""
    return compile(scan_mlir(layout, shape, dtype, axis, combine, reverse, target), target)


# ----------------------------------------------------------------------------- gathers


def gather_mlir(src_layout, index_layout, src_shape: list[int], index_shape: list[int], axis: int, dtype: str,
                target: str = "sm_90") -> str:
    """The ``ll`` module of :func:`gather`."""
    if dtype not in _INTS + _FLOATS:
        raise ValueError(f"dtype must be one of {', '.join(_INTS + _FLOATS)}, got {dtype!r}")
    ls, li = _layout_of(src_layout, src_shape), _layout_of(index_layout, index_shape)
    head = (f"#s = {linear_attr_text(ls)}\n#sflat = {_flat_attr(ls.bases, src_shape)}\n"
            f"#i = {linear_attr_text(li)}\n#iflat = {_flat_attr(li.bases, index_shape)}\n")
    sdims, idims = "x".join(map(str, src_shape)), "x".join(map(str, index_shape))
    t_s, t_i, t_r = f"tensor<{sdims}x{dtype}, #s>", f"tensor<{idims}xi32, #i>", f"tensor<{idims}x{dtype}, #i>"
    a, t_ps = _tile_access("x", "%x", dtype, src_shape, "s", "sflat", "x")
    b, t_pi = _tile_access("k", "%k", "i32", index_shape, "i", "iflat", "k")
    c, t_py = _tile_access("y", "%y", dtype, index_shape, "i", "iflat", "y")
    params = (f"%x: !ll.ptr<{dtype}> {{ll.divisibility = 16 : i64}}, %k: !ll.ptr<i32> {{ll.divisibility = 16 : i64}}, "
              f"%y: !ll.ptr<{dtype}> {{ll.divisibility = 16 : i64}}")
    return f"""{head}module attributes {{ll.target = #ll.target<"{target}">}} {{
func.func @gather({params}) attributes {{ll.kernel}} {{
  %pid = ll.program_id x : i32
{a}  %v = ll.load %xp : ({t_ps}) -> {t_s}
{b}  %kv = ll.load %kp : ({t_pi}) -> {t_i}
  %g = ll.gather %v[%kv] {{axis = {axis} : i32}} : ({t_s}, {t_i}) -> {t_r}
{c}  ll.store %yp, %g : ({t_py}, {t_r}) -> ()
  return
}}
}}
"""


def gather(src_layout, index_layout, src_shape: list[int], index_shape: list[int], axis: int, dtype: str,
           target: str = "sm_90") -> CompiledKernel:
    """A gather micro-kernel: program ``p`` loads tile ``p`` of ``x``
    (``src_shape``, row-major) in ``src_layout`` and tile ``p`` of the i32
    indices ``k`` (``index_shape``) in ``index_layout``, and stores
    ``take_along_axis(x_tile, k_tile, axis)`` to tile ``p`` of ``y``."""
    return compile(gather_mlir(src_layout, index_layout, src_shape, index_shape, axis, dtype, target), target)
