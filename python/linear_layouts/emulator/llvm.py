"""The LLVM dialect: constants, integer and float arithmetic, casts, math
library calls and intrinsics, aggregates and vectors, memory accesses
(masked too), inline PTX (.ptx) and atomics.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations

import functools
import itertools
import math
import re
import sys
from typing import Any, Callable

import numpy as np

from .values import _LOCAL_SPAN, _LOCAL_WINDOW, DeviceAssertion, EmulationError, Pending, Poisoned, SHARED_WINDOW, Value, _flush_f32, _require_aligned, _marks, _no_poison, _origin, _plain, _poisoned, _ready, carry_poison, pending, _DYNAMIC_INDEX, _SINT, _Ty, _UINT, _access_bytes, _dense_elements, _dtype, _elem, _first, _from_bytes, _int_row, _layout, _parse_type, _round_bf16, _struct_layout, _sview, _to_bytes, _to_float, _uview, _where, _zero
from .registry import Handler, _OPS, _Op, _State, _intrinsic, _intrinsic_handler, _op


def _constant_handler(row: np.ndarray, vector: bool) -> Handler:
    cache: dict[int, np.ndarray] = {}

    def run(st: _State, a: list) -> np.ndarray:
        if st.T not in cache:
            cache[st.T] = np.tile(row, (st.T, 1)) if vector else np.full(st.T, row[0], row.dtype)
            cache[st.T].flags.writeable = False
        return cache[st.T]
    return run


@_op("llvm.mlir.constant")
def _constant(op: _Op) -> Handler:
    ty, attr = op.outs[0], op.attrs["value"]
    if ty.kind == "vector":
        return _constant_handler(_dense_elements(attr, ty), True)
    if ty.kind == "int":
        return _constant_handler(_int_row([int(attr.value)], ty), False)
    if ty.kind == "float":
        return _constant_handler(_to_float(np.array([float(attr.value)]), ty), False)
    raise EmulationError(f"unsupported constant of type {ty}")


@_op("llvm.mlir.undef", "llvm.mlir.poison", "llvm.mlir.zero")
def _undef(op: _Op) -> Handler:
    ty = op.outs[0]
    return lambda st, a: _zero(ty, st.T)


@_op("llvm.mlir.addressof")
def _addressof(op: _Op) -> Handler:
    name = op.attrs["global_name"].value
    if name in op.constants:
        return _constant_handler(np.array([op.constants[name]], np.int64), False)
    if name not in op.shared:
        raise EmulationError(f"only shared-memory globals and constant strings are supported, not @{name}")
    return _constant_handler(np.array([SHARED_WINDOW + op.shared[name]], np.int64), False)


def _nonzero(st: _State, y: np.ndarray) -> np.ndarray:
    zero = y == 0
    bad = st.mask & (zero.any(axis=1) if zero.ndim > 1 else zero)
    if bad.any():
        raise EmulationError(f"integer division by zero in {st.thread(_first(bad))}")
    return np.where(zero, 1, y)


def _sdivrem(x: np.ndarray, y: np.ndarray, rem: bool) -> np.ndarray:
    """Truncating signed division / remainder on unsigned storage (overflow wraps)."""
    sx, sy = _sview(x), _sview(y)
    ax, ay = np.where(sx < 0, -x, x), np.where(sy < 0, -y, y)
    q = ax % ay if rem else ax // ay
    return np.where(sx < 0 if rem else (sx < 0) ^ (sy < 0), -q, q)


_INT_BINARY: dict[str, Callable] = {
    "add": lambda st, x, y, w: x + y,
    "sub": lambda st, x, y, w: x - y,
    "mul": lambda st, x, y, w: x * y,
    "and": lambda st, x, y, w: x & y,
    "or": lambda st, x, y, w: x | y,
    "xor": lambda st, x, y, w: x ^ y,
    "shl": lambda st, x, y, w: _shifted(st, x, y, w, "shl"),
    "lshr": lambda st, x, y, w: _shifted(st, x, y, w, "lshr"),
    "ashr": lambda st, x, y, w: _shifted(st, x, y, w, "ashr"),
    "udiv": lambda st, x, y, w: x // _nonzero(st, y),
    "urem": lambda st, x, y, w: x % _nonzero(st, y),
    "sdiv": lambda st, x, y, w: _sdivrem(x, _nonzero(st, y), rem=False),
    "srem": lambda st, x, y, w: _sdivrem(x, _nonzero(st, y), rem=True),
    "intr.smax": lambda st, x, y, w: np.maximum(_sview(x), _sview(y)),
    "intr.smin": lambda st, x, y, w: np.minimum(_sview(x), _sview(y)),
    "intr.umax": lambda st, x, y, w: np.maximum(x, y),
    "intr.umin": lambda st, x, y, w: np.minimum(x, y),
    # saturating arithmetic (LangRef "Saturation Arithmetic Intrinsics")
    "intr.uadd.sat": lambda st, x, y, w: np.where(x + y < x, _umax(w, x.dtype), x + y),
    "intr.usub.sat": lambda st, x, y, w: np.where(x < y, 0, x - y),
    "intr.sadd.sat": lambda st, x, y, w: _ssat(x, y, w, np.add),
    "intr.ssub.sat": lambda st, x, y, w: _ssat(x, y, w, np.subtract),
}


def _umax(w: int, dt: Any) -> Any:
    return dt.type((1 << w) - 1)


def _ssat(x: np.ndarray, y: np.ndarray, w: int, fn: Callable) -> np.ndarray:
    exact = fn(_sview(x).astype(np.int64), _sview(y).astype(np.int64)) if w < 64 else \
        fn(_sview(x).astype(object), _sview(y).astype(object))
    return np.clip(exact, -(1 << (w - 1)), (1 << (w - 1)) - 1).astype(_SINT[w]).view(x.dtype)


def _shifted(st: _State, x: np.ndarray, y: np.ndarray, w: int, name: str) -> np.ndarray:
    """shl / lshr / ashr (LangRef): a shift by at least the bit width is
    poison. Its bits are what the target's instruction gives -- PTX shl /
    shr clamp the amount (0, or the sign fill), AMD v_lshlrev / v_lshrrev /
    v_ashrrev use its low bits -- and the result is values.Poisoned in those
    threads (an error only where it is used: a store, an address, a branch)."""
    big = y >= w
    amount = (y & (w - 1)) if st.ws == 64 else np.minimum(y, w - 1)
    if name == "ashr":
        out = (_sview(x) >> amount.astype(_sview(x).dtype)).view(x.dtype)
    else:
        out = x << amount if name == "shl" else x >> amount
        if st.ws != 64:
            out = np.where(big, 0, out)
    carried = [_marks(x, out.shape), _marks(y, out.shape)]
    if not big.any():
        return _poisoned(out, carried, _origin([x, y]))
    lanes = big.any(axis=1) if big.ndim > 1 else big
    t = _first(lanes)
    return _poisoned(out, [np.broadcast_to(big, out.shape)] + carried,
                     f"{name} of an i{w} by {int(np.max(y[t]))} bits")


_SIGNED = {"sdiv", "srem", "ashr", "intr.smax", "intr.smin", "intr.sadd.sat", "intr.ssub.sat"}


def _odd_width(op: _Op, w: int, signed: bool) -> None:
    """Odd widths (i7) hold their value below 2^w in a wider type: ops that
    read a sign are not modelled for them."""
    if w not in (1, 8, 16, 32, 64) and signed:
        raise EmulationError(f"{op.name} of i{w} is not modelled (odd-width integers: unsigned ops)")


@_op(*(f"llvm.{k}" for k in _INT_BINARY))
def _int_binary(op: _Op) -> Handler:
    fn, w = _INT_BINARY[op.name[5:]], _elem(op.outs[0]).bits
    if w == 1:  # i1: compute on 0/1 bytes, keep bit 0
        return lambda st, a: (fn(st, a[0].astype(np.uint8), a[1].astype(np.uint8), 1) & 1).astype(bool)
    if w not in (8, 16, 32, 64):
        _odd_width(op, w, op.name[5:] in _SIGNED)
        mask = (1 << w) - 1
        return lambda st, a: (fn(st, a[0], a[1], w) & mask).astype(a[0].dtype, copy=False)
    return lambda st, a: fn(st, a[0], a[1], w).astype(a[0].dtype, copy=False)


_COMPARE = [np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal]


@_op("llvm.icmp")
def _icmp(op: _Op) -> Handler:
    p = int(op.attrs["predicate"].value)  # eq ne slt sle sgt sge ult ule ugt uge
    _odd_width(op, _elem(op.ins[0]).bits, 2 <= p <= 5)
    fn, view = _COMPARE[p if p < 6 else p - 4], (_sview if 2 <= p <= 5 else _uview)
    return lambda st, a: fn(view(a[0]), view(a[1]))


_FCMP = {1: np.equal, 2: np.greater, 3: np.greater_equal, 4: np.less, 5: np.less_equal, 6: np.not_equal}


@_op("llvm.fcmp")
def _fcmp(op: _Op) -> Handler:
    p = int(op.attrs["predicate"].value)  # false oeq ogt oge olt ole one ord ueq ugt uge ult ule une uno true

    def run(st: _State, a: list) -> np.ndarray:
        nan = np.isnan(a[0]) | np.isnan(a[1])
        if p in (0, 15):
            return np.full(nan.shape, p == 15)
        if p in (7, 14):
            return nan if p == 14 else ~nan
        result = _FCMP[p if p < 8 else p - 7](a[0], a[1])
        return result & ~nan if p < 8 else result | nan
    return run


_OPS.update({  # one-line factories
    "llvm.select": lambda op: lambda st, a: _where(a[0], a[1], a[2]),
    "llvm.freeze": lambda op: lambda st, a: a[0],
    # canonicalize (LangRef): the same value, NaNs quieted; the emulator's NaNs are quiet
    "llvm.intr.canonicalize": lambda op: lambda st, a: a[0],
    "llvm.addrspacecast": lambda op: lambda st, a: a[0],  # pointers are flat addresses
})


_intrinsic("llvm.canonicalize.")(_OPS["llvm.intr.canonicalize"])


@_op("llvm.intr.assume")
def _assume(op: _Op) -> Handler:
    """llvm.assume (LangRef): the compiler may rely on the condition, so
    an active thread where it does not hold is named (the kernel was
    compiled on a false premise: Triton's divisibility or range facts)."""
    if len(op.ins) != 1:
        raise EmulationError("llvm.assume with operand bundles is not modelled")

    def run(st: _State, a: list) -> None:
        bad = st.mask & ~np.asarray(a[0]).astype(bool)
        if bad.any():
            raise EmulationError(f"an llvm.assume does not hold in {st.thread(_first(bad))}")
    return run


@_op("llvm.intr.ctpop")
def _ctpop(op: _Op) -> Handler:
    """The set bits of each integer (of a vector: per element)."""
    dt = _dtype(op.outs[0])

    def run(st: _State, a: list) -> np.ndarray:
        x = np.ascontiguousarray(a[0])
        bits = np.unpackbits(x.view(np.uint8).reshape(x.shape + (-1,)), axis=-1)
        return bits.sum(axis=-1).astype(dt)
    return run


@_op("llvm.intr.vector.reduce.fadd", "llvm.intr.vector.reduce.fmul")
def _vector_reduce_float(op: _Op) -> Handler:
    """vector.reduce.fadd / fmul (LangRef): the start value, then the
    elements in order, each step rounded to the element type (the ordered
    reduction; ``reassoc`` would allow any order, and this is one)."""
    mul = op.name.endswith("fmul")
    dt, bf = _dtype(op.outs[0]), _elem(op.outs[0]).name == "bf16"

    def run(st: _State, a: list) -> np.ndarray:
        acc = np.asarray(a[0]).astype(dt)
        with np.errstate(all="ignore"):
            for i in range(a[1].shape[1]):
                acc = (acc * a[1][:, i] if mul else acc + a[1][:, i]).astype(dt)
                acc = _round_bf16(acc) if bf else acc
        return acc
    return run


@_op("llvm.intr.vector.reduce.add", "llvm.intr.vector.reduce.mul", "llvm.intr.vector.reduce.and",
     "llvm.intr.vector.reduce.or", "llvm.intr.vector.reduce.xor")
def _vector_reduce(op: _Op) -> Handler:
    """An integer vector reduced to a scalar (wrapping, as LLVM's
    integer reductions)."""
    fn = {"add": np.add, "mul": np.multiply, "and": np.bitwise_and, "or": np.bitwise_or,
          "xor": np.bitwise_xor}[op.name.rsplit(".", 1)[1]]
    if _elem(op.outs[0]).kind != "int":
        raise EmulationError(f"{op.name} of {op.ins[0]} is not modelled (integer vectors are)")
    dt = _dtype(op.outs[0])
    return lambda st, a: fn.reduce(a[0], axis=1).astype(dt)


@_op("llvm.trunc", "llvm.zext", "llvm.sext")
def _int_cast(op: _Op) -> Handler:
    w, dt = _elem(op.outs[0]).bits, _dtype(op.outs[0])
    if w == 1:
        return lambda st, a: (a[0] & 1).astype(bool)
    if op.name == "llvm.sext":
        _odd_width(op, w, True)
        _odd_width(op, _elem(op.ins[0]).bits, True)
        return lambda st, a: _sview(a[0]).astype(_SINT[w]).view(dt)
    if op.name == "llvm.trunc" and w not in (8, 16, 32, 64):
        mask = (1 << w) - 1
        return lambda st, a: (a[0] & mask).astype(dt)
    return lambda st, a: a[0].astype(dt)


@_op("llvm.intr.bitreverse")
def _bitreverse(op: _Op) -> Handler:
    """The bits of each integer of w bits in reverse order."""
    w, dt = _elem(op.outs[0]).bits, _dtype(op.outs[0])

    def run(st: _State, a: list) -> np.ndarray:
        x = np.asarray(a[0]).astype(np.uint64)
        out = np.zeros_like(x)
        for i in range(w):
            out |= ((x >> np.uint64(i)) & np.uint64(1)) << np.uint64(w - 1 - i)
        return out.astype(dt)
    return run


def _in_flight(f: Callable) -> Handler:
    """A register rename of a wgmma result in flight (a bitcast, an element
    of a vector) stays in flight: Triton unpacks f16 accumulators that way
    before their wait (ptxas keeps the registers); it is the rename's use
    that reads them."""
    def run(st: _State, a: list) -> Any:
        if isinstance(a[0], Pending):
            out = f(st, [np.asarray(a[0])] + list(a[1:]))
            return pending(out, a[0].group, a[0].groups)
        return f(st, a)
    return run


@_op("llvm.bitcast")
def _bitcast(op: _Op) -> Handler:
    src, dst = op.ins[0], op.outs[0]
    if src.kind == "ptr":
        return lambda st, a: a[0]
    return _in_flight(lambda st, a: carry_poison(_from_bytes(_to_bytes(a[0], src), dst), a[0]))


@_op("llvm.fptrunc", "llvm.fpext", "llvm.uitofp", "llvm.sitofp")
def _to_float_cast(op: _Op) -> Handler:
    ty, view = op.outs[0], (_sview if op.name == "llvm.sitofp" else _uview)
    if op.name == "llvm.fptrunc" and _elem(ty).name == "f16":
        def run(st: _State, a: list) -> np.ndarray:
            with np.errstate(over="ignore"):
                h = _to_float(a[0], ty)
            if st.fp16_overflow_clamps:  # AMD MODE.FP16_OVFL (s_setreg): overflow clamps, inf stays inf
                h = np.where(np.isinf(h) & np.isfinite(a[0]), np.copysign(np.float16(65504), h), h).astype(h.dtype)
            return h
        return run
    return lambda st, a: _to_float(view(a[0]), ty)


@_op("llvm.fptosi", "llvm.fptoui", "llvm.intr.fptosi.sat", "llvm.intr.fptoui.sat")
def _float_to_int(op: _Op) -> Handler:
    """Float to integer toward zero. The .sat intrinsics clamp to the
    integer's range (NaN to 0). The plain conversions do what both targets'
    instructions do for the inputs LLVM calls poison: 32 and 64 bits
    saturate, NaN to 0 (PTX cvt.rzi.{s,u}32.f32, AMD v_cvt_{i,u}32_f32);
    narrower results come from the 32-bit conversion truncated, marked
    poison (values.Poisoned) where out of range."""
    w, signed = _elem(op.outs[0]).bits, op.name in ("llvm.fptosi", "llvm.intr.fptosi.sat")
    sat = op.name.startswith("llvm.intr.")

    def bounds(bits: int) -> tuple[int, int]:
        return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    # Below 32 bits both back ends convert to 32 bits (cvt.rzi.s32 / v_cvt_i32)
    # and truncate: out-of-range values (poison in LLVM) wrap from there.
    lo, hi = bounds(max(w, 32) if not sat else w)

    def run(st: _State, a: list) -> np.ndarray:
        x = a[0].astype(np.float64)
        t = np.trunc(np.where(np.isnan(x), 0.0, x))
        if w == 1:
            return (t.astype(np.int64) & 1).astype(bool)
        if w == 64:  # 2**63 is not an int64: clip, then saturate the top
            big = t >= float(hi)
            v = np.clip(t, lo, hi).astype(np.int64 if signed else np.uint64)
            v = np.where(big, np.array(hi).astype(v.dtype), v)
        else:
            v = np.clip(t, lo, hi).astype(np.int64)
        out = v.astype(_UINT[w])
        if w < 32 and not sat:
            wlo, whi = bounds(w)
            return _poisoned(out, [(t < wlo) | (t > whi) | np.isnan(x)], f"{op.name[5:]} of a value out of i{w}'s range")
        return out
    return run


@_op("llvm.intr.frexp")
def _frexp(op: _Op) -> Handler:
    """{mantissa in [0.5, 1), exponent} of a float (LangRef: frexp; what
    libdevice and OCML reduce arguments with)."""
    mt, et = op.outs[0].elems
    dt, it = _dtype(mt), _dtype(et)

    def run(st: _State, a: list) -> tuple:
        with np.errstate(all="ignore"):
            m, e = np.frexp(np.asarray(a[0]).astype(np.float64))
        return m.astype(dt), e.astype(np.int64).astype(it)
    return run


@_op("llvm.intr.ldexp")
def _ldexp(op: _Op) -> Handler:
    """x * 2^n (LangRef: ldexp), exact but for overflow and underflow."""
    dt = _dtype(op.outs[0])

    def run(st: _State, a: list) -> np.ndarray:
        with np.errstate(all="ignore"):
            n = np.clip(_sview(np.asarray(a[1])).astype(np.int64), -4096, 4096)
            return np.ldexp(np.asarray(a[0]).astype(np.float64), n).astype(dt)
    return run


@_op("llvm.intr.abs")
def _abs(op: _Op) -> Handler:
    """|x| of a signed integer (INT_MIN stays INT_MIN: poison when the
    is_int_min_poison flag is set, which the emulator does not carry)."""
    return lambda st, a: np.abs(_sview(a[0])).view(a[0].dtype)


@_op("llvm.ptrtoint", "llvm.inttoptr")
def _int_ptr_cast(op: _Op) -> Handler:
    """A ptr<3> is the offset in the shared window; other pointers are flat addresses."""
    if op.name == "llvm.ptrtoint":
        shift, dt = SHARED_WINDOW if op.ins[0].space == 3 else 0, _dtype(op.outs[0])
        return lambda st, a: (a[0] - shift).astype(dt)
    shift = SHARED_WINDOW if op.outs[0].space == 3 else 0
    return lambda st, a: _uview(a[0]).astype(np.int64) + shift


def _maximum(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.where(x == y, np.where(np.signbit(x), y, x), np.maximum(x, y))


def _minimum(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.where(x == y, np.where(np.signbit(x), x, y), np.minimum(x, y))


def _fma(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    if x.dtype == np.float64:
        return x * y + z
    return (x.astype(np.float64) * y + z).astype(x.dtype)


_FLOAT_OPS: dict[str, Callable] = {
    "fadd": np.add, "fsub": np.subtract, "fmul": np.multiply, "fdiv": np.divide, "frem": np.fmod,
    "fneg": np.negative, "intr.fabs": np.abs, "intr.maxnum": np.fmax, "intr.minnum": np.fmin,
    "intr.maximum": _maximum, "intr.minimum": _minimum, "intr.exp": np.exp, "intr.exp2": np.exp2,
    "intr.log": np.log, "intr.log2": np.log2, "intr.sqrt": np.sqrt, "intr.fma": _fma,
    # fmuladd: both back ends fuse it (NVPTX fma.rn, AMDGPU v_fma / v_fmac)
    "intr.fmuladd": _fma,
    "intr.floor": np.floor, "intr.ceil": np.ceil, "intr.trunc": np.trunc, "intr.roundeven": np.rint,
    "intr.round": lambda x: np.copysign(np.floor(np.abs(x) + 0.5), x), "intr.copysign": np.copysign,
}

_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])

# The math library functions of libdevice (__nv_NAME[f]) and OCML (__ocml_NAME_f32/_f64),
# computed in float64 and rounded to the result type.
_MATH_CALLS: dict[str, Callable] = {
    "exp": np.exp, "exp2": np.exp2, "exp10": lambda x: np.power(10.0, x), "expm1": np.expm1,
    "log": np.log, "log2": np.log2, "log10": np.log10, "log1p": np.log1p,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "asinh": np.arcsinh, "acosh": np.arccosh,
    "atanh": np.arctanh, "erf": _erf, "erfc": _erfc, "cbrt": np.cbrt, "sqrt": np.sqrt,
    "rsqrt": lambda x: 1.0 / np.sqrt(x), "fabs": np.abs, "floor": np.floor, "ceil": np.ceil,
    "trunc": np.trunc, "round": lambda x: np.copysign(np.floor(np.abs(x) + 0.5), x), "rint": np.rint,
    "pow": np.power, "powi": lambda x, n: np.power(x, n.astype(np.float64)), "pown": lambda x, n: np.power(x, n.astype(np.float64)),
    "atan2": np.arctan2, "fmod": np.fmod, "hypot": np.hypot, "fmax": np.fmax, "fmin": np.fmin,
}


def _math_call(name: str, out: _Ty) -> Callable | None:
    if name.startswith("__nv_"):  # __nv_expf (f32), __nv_exp (f64), __nv_fast_expf
        base = name[5:]
        if base.startswith("fast_"):  # the approximations, evaluated exactly
            base = base[5:]
        if _elem(out).name == "f32":
            base = base[:-1] if base.endswith("f") else ""
        return _MATH_CALLS.get(base)
    m = re.fullmatch(r"__ocml_(\w+)_f(16|32|64)", name)
    return _MATH_CALLS.get(m[1]) if m else None


_ALLOCAS = itertools.count()


@_op("llvm.alloca")
def _alloca(op: _Op) -> Handler:
    """Per-thread stack memory (PTX .local; what printf's argument buffers
    live in): each alloca op its own window, one slot per thread, fresh in
    each CTA."""
    ty = _parse_type(str(op.attrs["elem_type"].value))
    size, align = _layout(ty)
    key = next(_ALLOCAS)
    window = _LOCAL_WINDOW + (key % (1 << 8)) * _LOCAL_SPAN

    def run(st: _State, a: list) -> np.ndarray:
        count = np.unique(np.asarray(a[0])[st.lanes])
        if len(count) != 1 or int(count[0]) < 1:
            raise EmulationError("llvm.alloca needs one positive count in all threads")
        stride = -(-size * int(count[0]) // 16) * 16
        if key not in st.local:
            if stride * st.T > _LOCAL_SPAN:
                raise EmulationError(f"llvm.alloca of {stride} bytes per thread is too large")
            stack = np.zeros(stride * st.T, np.uint8)
            st.mem.regions.append((window, stack, "a thread's stack (llvm.alloca)"))
            st.mem.private.add(id(stack))
            st.local[key] = stride
        return (window + np.arange(st.T, dtype=np.int64) * st.local[key]).astype(np.int64)
    return run


def _c_string(st: _State, t: int, addr: int, limit: int = 4096) -> str:
    out = bytearray()
    while len(out) < limit:
        c = int(st.mem.load(np.array([addr + len(out)], np.int64), 1, st, np.array([t]))[0, 0])
        if c == 0:
            break
        out.append(c)
    return out.decode("latin-1")


_PRINTF_SPEC = re.compile(r"%([-+ #0]*)(\d*)(?:\.(\d+))?(hh|h|ll|l|z|j|t)?([diouxXeEfFgGcsp%])")


def format_c(fmt: str, fetch: Callable[[int, str], Any], string: Callable[[int], str] | None = None) -> str:
    """C's printf of `fmt`, each argument from `fetch(size, kind)` (kind
    "i" signed, "u" unsigned, "f" double; size in bytes as C passes it);
    `string(address)` reads a %s argument."""
    def one(m: re.Match) -> str:
        flags, width, prec, length, conv = m.groups()
        if conv == "%":
            return "%"
        wide = length in ("ll", "l", "z", "j", "t")
        if conv in "di":
            v = fetch(8 if wide else 4, "i")
        elif conv in "ouxX":
            v = fetch(8 if wide else 4, "u")
        elif conv in "eEfFgG":
            v = fetch(8, "f")
        elif conv == "c":
            v = chr(fetch(4, "u") & 0xFF)
        elif conv == "s":
            p = fetch(8, "u")
            v = string(p) if string else "(string)"
        else:  # %p
            return "0x%x" % fetch(8, "u")
        spec = "%" + flags + width + ("." + prec if prec is not None else "") + ("d" if conv == "u" else conv)
        return spec % v
    return _PRINTF_SPEC.sub(one, fmt)


def printf(st: _State, t: int, fmt: str, args: int) -> str:
    """C's printf of `fmt` with its arguments packed as CUDA's vprintf packs
    them (each aligned to its size: 4-byte ints and chars, 8-byte long longs,
    doubles and pointers), from address `args` of thread `t`'s memory."""
    offset = 0

    def fetch(size: int, kind: str) -> Any:
        nonlocal offset
        offset = -(-offset // size) * size
        raw = st.mem.load(np.array([args + offset], np.int64), size, st, np.array([t]))[0]
        offset += size
        dt = {"f": np.float64, "i": {4: np.int32, 8: np.int64}[size], "u": {4: np.uint32, 8: np.uint64}[size]}[kind]
        return raw.view(dt)[0].item()
    return format_c(fmt, fetch, lambda p: _c_string(st, t, p))


def _vprintf(op: _Op) -> Handler:
    """CUDA's vprintf(format, args): each active thread, in thread order,
    prints its line to standard output (a GPU's order is unspecified);
    returns the characters printed."""
    def run(st: _State, a: list) -> np.ndarray:
        out = np.zeros(st.T, np.uint32)
        for t in st.lanes:
            text = printf(st, int(t), _c_string(st, int(t), int(a[0][t])), int(a[1][t]))
            sys.stdout.write(text)
            out[t] = len(text)
        sys.stdout.flush()
        return out
    return run


class _Ockl:
    """OCKL's printf (HIP's device printf: a message descriptor, its format
    string, then its arguments as 64-bit words, doubles by their bits),
    what Triton's AMD code and ours call: per thread, the message being
    built; printed when its last piece arrives."""

    messages: dict[int, list] = {}
    ids = itertools.count(1)

    @classmethod
    def begin(cls, op: _Op) -> Handler:
        def run(st: _State, a: list) -> np.ndarray:
            out = np.zeros(st.T, np.uint64)
            for t in st.lanes:
                h = next(cls.ids)
                cls.messages[h] = ["", []]
                out[t] = h
            return out
        return run

    @classmethod
    def string(cls, op: _Op) -> Handler:
        def run(st: _State, a: list) -> np.ndarray:
            for t in st.lanes:
                msg = cls.messages[int(a[0][t])]
                msg[0] += _c_string(st, int(t), int(a[1][t]), int(a[2][t]))
                if int(a[3][t]):
                    cls.emit(st, int(t), int(a[0][t]))
            return np.asarray(a[0]).astype(np.uint64)
        return run

    @classmethod
    def args(cls, op: _Op) -> Handler:
        def run(st: _State, a: list) -> np.ndarray:
            for t in st.lanes:
                msg = cls.messages[int(a[0][t])]
                msg[1] += [np.uint64(a[2 + j][t]) for j in range(int(a[1][t]))]
                if int(a[9][t]):
                    cls.emit(st, int(t), int(a[0][t]))
            return np.asarray(a[0]).astype(np.uint64)
        return run

    @classmethod
    def emit(cls, st: _State, t: int, h: int) -> None:
        fmt, words = cls.messages.pop(h)
        words = iter(words)

        def fetch(size: int, kind: str) -> Any:
            w = np.array([next(words, np.uint64(0))], np.uint64)
            if kind == "f":
                return w.view(np.float64)[0].item()
            v = int(w[0]) & ((1 << (8 * size)) - 1)
            return v - (1 << (8 * size)) if kind == "i" and v >> (8 * size - 1) else v
        sys.stdout.write(format_c(fmt.rstrip("\0"), fetch))
        sys.stdout.flush()


def _assertfail(op: _Op) -> Handler:
    """CUDA's __assertfail(message, file, line, function, char size): the
    launch stops; the emulator raises DeviceAssertion with what the GPU
    prints."""
    def run(st: _State, a: list) -> None:
        t = int(st.lanes[0])
        msg, file, fn = (_c_string(st, t, int(a[k][t])) for k in (0, 1, 3))
        raise DeviceAssertion(f"{file}:{int(a[2][t])}: {fn}: block {st.cta}, thread {t}: "
                              f"Assertion `{msg}` failed.")
    return run


@_op("llvm.intr.trap")
def _trap(op: _Op) -> Handler:
    """A trap (AMD's failed device assertion, after its printf) stops the launch."""
    def run(st: _State, a: list) -> None:
        raise DeviceAssertion(f"{st.thread(int(st.lanes[0]))} trapped (llvm.trap)")
    return run


@_op("llvm.call")
def _call(op: _Op) -> Handler:
    callee = str(op.attrs.get("callee", "")).lstrip("@")
    if callee == "__nvvm_reflect":
        return _nvvm_reflect(op)
    if callee == "vprintf":
        return _vprintf(op)
    if callee == "__assertfail":
        return _assertfail(op)
    ockl = {"__ockl_printf_begin": (1, _Ockl.begin), "__ockl_fprintf_stderr_begin": (1, _Ockl.begin),
            "__ockl_printf_append_string_n": (4, _Ockl.string), "__ockl_printf_append_args": (10, _Ockl.args)}
    if callee in ockl:
        arity, factory = ockl[callee]
        if len(op.ins) != arity:  # Triton links OCKL and LLVM specializes its functions
            raise EmulationError(f"@{callee} with {len(op.ins)} arguments (OCKL linked and specialized, as in "
                                 f"Triton's AMD code) is not modelled; its declared form ({arity}) is")
        return factory(op)
    fn = _math_call(callee, op.outs[0]) if len(op.outs) == 1 else None
    if fn is None:
        raise EmulationError(f"calls are supported for libdevice / OCML math functions only, not @{callee}")
    dt = _dtype(op.outs[0])

    def run(st: _State, a: list) -> np.ndarray:
        args = [x.astype(np.float64) if x.dtype.kind == "f" else x for x in a]
        return fn(*args).astype(dt)
    return run


#: NVVMReflect's names for the module flags it reads (LLVM's NVVMReflect
#: pass: "__CUDA_FTZ" is "nvvm-reflect-ftz", "__CUDA_PREC_SQRT"
#: "nvvm-reflect-prec-sqrt"; absent flags are 0).
_REFLECT = {"__CUDA_FTZ": "nvvm-reflect-ftz", "__CUDA_PREC_SQRT": "nvvm-reflect-prec-sqrt"}


def _nvvm_reflect(op: _Op) -> Handler:
    """libdevice's __nvvm_reflect("__CUDA_FTZ"): the value NVVMReflect
    would fold the call to, from the module's flags (the name read from the
    constant string the pointer addresses)."""
    def run(st: _State, a: list) -> np.ndarray:
        t = int(st.lanes[0])
        name = bytearray()
        while len(name) < 64:
            c = int(st.mem.load(a[0][[t]], 1, st, np.array([t]))[0, 0])
            if c == 0:
                break
            name.append(c)
            a = [a[0] + 1]
        key = _REFLECT.get(name.decode("latin-1"))
        if key is None:
            raise EmulationError(f"__nvvm_reflect({name.decode('latin-1')!r}) is not modelled")
        return np.full(st.T, op.flags.get(key, 0), np.uint32)
    return run


# The PTX approximations Triton's approximate f32 math lowers to, evaluated
# exactly (like libdevice's __nv_fast_*).
_APPROX_INTRINSICS: dict[str, Callable] = {
    "llvm.nvvm.ex2.approx.f32": np.exp2, "llvm.nvvm.lg2.approx.f": np.log2,
    "llvm.nvvm.sin.approx.f": np.sin, "llvm.nvvm.cos.approx.f": np.cos,
    # div.full.f32 (PTX ISA: "div"): a full-range approximation within 2 ulp,
    # evaluated exactly.
    "llvm.nvvm.div.full": np.divide, "llvm.nvvm.div.approx.f": np.divide,
    "llvm.nvvm.div.approx.ftz.f": np.divide,
    # sqrt.rn.f32 is correctly rounded (the float64 root rounded to f32 is);
    # rsqrt.approx / sqrt.approx evaluated exactly. ".ftz" variants flush
    # subnormal inputs and results to zero (PTX ISA: "sqrt", "rsqrt").
    **{f"llvm.nvvm.{n}{ftz}.f": f for n, f in (("sqrt.rn", np.sqrt), ("sqrt.approx", np.sqrt),
                                               ("rsqrt.approx", lambda x: 1.0 / np.sqrt(x)))
       for ftz in ("", ".ftz")},
    # AMD transcendental approximations (CDNA3 ISA: V_RSQ_F32, V_RCP_F32,
    # V_SQRT_F32, V_EXP_F32, V_LOG_F32: 1 ulp), evaluated exactly.
    "llvm.amdgcn.rsq.f32": lambda x: 1.0 / np.sqrt(x), "llvm.amdgcn.rcp.f32": lambda x: 1.0 / x,
    "llvm.amdgcn.sqrt.f32": np.sqrt, "llvm.amdgcn.exp2.f32": np.exp2, "llvm.amdgcn.log.f32": np.log2,
    # exact roundings libdevice uses (PTX cvt.rzi / rmi / rpi / rni; .ftz
    # flushes subnormal inputs, which round to 0 anyway)
    **{f"llvm.nvvm.{n}{ftz}.{t}": f for n, f in (("trunc", np.trunc), ("floor", np.floor), ("ceil", np.ceil),
                                                   ("round", np.rint))
       for ftz in ("", ".ftz") for t in ("f", "d")},
    **{f"llvm.nvvm.fabs{ftz}.{t}": np.abs for ftz in ("", ".ftz") for t in ("f", "f32", "d", "f64")},
    # libdevice's correctly rounded arithmetic (fma / add / mul .rn, .ftz
    # flushing subnormals: computed in float64, rounded once)
    **{f"llvm.nvvm.{n}.rn{ftz}.{t}": f for n, f in (("fma", lambda x, y, z: x * y + z), ("add", np.add),
                                                   ("mul", np.multiply))
       for ftz in ("", ".ftz") for t in ("f", "d")},
}


def _min_xorsign_abs(nan: bool) -> Callable:
    """PTX min.xorsign.abs (sm_86+): min(|a|, |b|) with the sign of a XOR
    b; a NaN operand gives the other's magnitude (.NaN: the canonical NaN)."""
    def fn(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a32, b32 = np.asarray(a, np.float32), np.asarray(b, np.float32)
        m = np.fmin(np.abs(a32), np.abs(b32))
        if nan:
            m = np.where(np.isnan(a32) | np.isnan(b32), np.float32(np.nan), m)
        sign = (a32.view(np.uint32) ^ b32.view(np.uint32)) & np.uint32(0x80000000)
        out = (m.view(np.uint32) & np.uint32(0x7FFFFFFF)) | sign
        return np.where(np.isnan(m), np.uint32(0x7FFFFFFF), out).astype(np.uint32).view(np.float32)
    return fn


_APPROX_INTRINSICS["llvm.nvvm.fmin.xorsign.abs.f"] = _min_xorsign_abs(False)
_APPROX_INTRINSICS["llvm.nvvm.fmin.nan.xorsign.abs.f"] = _min_xorsign_abs(True)


@_op("llvm.call_intrinsic")
def _call_intrinsic(op: _Op) -> Handler:
    name = str(op.attrs.get("intrin", "")).strip('"')
    factory = _intrinsic_handler(name)
    if factory is not None:
        return factory(op)
    # (a .ftz variant: the function, subnormals flushed below)
    fn = _APPROX_INTRINSICS.get(name) or _APPROX_INTRINSICS.get(name.replace(".ftz.", "."))
    if fn is None:
        raise EmulationError(f"intrinsic {name} is not supported")
    dt = _dtype(op.outs[0])
    if ".ftz." in name:
        return lambda st, a: _flush_f32(fn(*(_flush_f32(x.astype(np.float64)) for x in a)).astype(dt))
    return lambda st, a: fn(*(x.astype(np.float64) for x in a)).astype(dt)


@_op(*(f"llvm.{k}" for k in _FLOAT_OPS))
def _float_op(op: _Op) -> Handler:
    fn = _FLOAT_OPS[op.name[5:]]
    if _elem(op.outs[0]).name == "bf16":
        return lambda st, a: _round_bf16(fn(*a))
    return lambda st, a: fn(*a)


@_op("llvm.extractvalue")
def _extractvalue(op: _Op) -> Handler:
    position = list(op.attrs["position"])
    return lambda st, a: functools.reduce(lambda v, p: v[p], position, a[0])


def _insert(agg: tuple, position: list[int], value: Value) -> tuple:
    if not position:
        return value
    items = list(agg)
    items[position[0]] = _insert(agg[position[0]], position[1:], value)
    return tuple(items)


@_op("llvm.insertvalue")
def _insertvalue(op: _Op) -> Handler:
    position = list(op.attrs["position"])
    return lambda st, a: _insert(a[0], position, a[1])


def _vector_index(st: _State, index: np.ndarray, n: int) -> np.ndarray:
    i = _uview(index).astype(np.int64)
    bad = st.mask & (i >= n)
    if bad.any():
        t = _first(bad)
        raise EmulationError(f"vector index {i[t]} out of range [0, {n}) in {st.thread(t)}")
    return np.minimum(i, n - 1)


@_op("llvm.extractelement")
def _extractelement(op: _Op) -> Handler:
    n = op.ins[0].count
    return _in_flight(lambda st, a: a[0][st.rows, _vector_index(st, a[1], n)])


@_op("llvm.insertelement")
def _insertelement(op: _Op) -> Handler:
    n = op.ins[0].count

    def run(st: _State, a: list) -> np.ndarray:
        idx = _vector_index(st, a[2], n)
        out = np.array(_ready(_plain(a[0])), copy=True)
        out[st.rows, idx] = _ready(_plain(a[1]))
        if not isinstance(a[0], Poisoned) and not isinstance(a[1], Poisoned):
            return out
        mask = np.array(_marks(a[0], out.shape), copy=True)  # the element written takes the scalar's mark
        mask[st.rows, idx] = _marks(a[1], (st.T,))
        return _poisoned(out, [mask], _origin([a[0], a[1]]))
    return run


@_op("llvm.shufflevector")
def _shufflevector(op: _Op) -> Handler:
    mask = np.array(list(op.attrs["mask"]), np.int64)

    def run(st: _State, a: list) -> np.ndarray:
        out = np.concatenate([a[0], a[1]], axis=1)[:, np.maximum(mask, 0)]
        return np.where(mask < 0, 0, out).astype(out.dtype)  # undefined lanes read 0
    return run


@_op("llvm.getelementptr")
def _gep(op: _Op) -> Handler:
    ty = _parse_type(str(op.attrs["elem_type"].value))
    constant, scaled, next_operand = 0, [], 1
    for k, raw in enumerate(op.attrs["rawConstantIndices"]):
        if k > 0 and ty.kind == "struct":  # verified constant
            constant += _struct_layout(ty)[0][raw]
            ty = ty.elems[raw]
            continue
        if k > 0:
            ty = ty.elems[0]
        size = _layout(ty)[0]
        if raw == _DYNAMIC_INDEX:
            scaled.append((next_operand, size))
            next_operand += 1
        else:
            constant += raw * size

    def run(st: _State, a: list) -> np.ndarray:
        addr = a[0] + constant
        for operand, size in scaled:
            addr = addr + _sview(a[operand]).astype(np.int64) * size
        return addr
    return run


def _aligned(op: _Op, what: str) -> Callable[[_State, np.ndarray], None]:
    """The check of an access's declared alignment (``alignment`` of
    llvm.load / store: what Triton derives from divisibility hints; the
    hardware faults on a misaligned vector access)."""
    align = int(op.attrs["alignment"].value) if "alignment" in op.attrs else 1

    def check(st: _State, addr: np.ndarray) -> None:
        if align > 1:
            _require_aligned(st, addr, st.lanes, align, what, f"the access's alignment {align} (a divisibility "
                             "hint the argument does not meet?)")
    return check


@_op("llvm.load")
def _load(op: _Op) -> Handler:
    ty = op.outs[0]
    n = _access_bytes(ty)
    check = _aligned(op, f"load of {n} bytes")

    def run(st: _State, a: list) -> np.ndarray:
        _no_poison(a[0], st.mask, "a load's address", st.thread)
        raw = np.zeros((st.T, n), np.uint8)
        addr = a[0][st.lanes]
        check(st, addr)
        raw[st.lanes] = st.mem.load(addr, n, st, st.lanes)
        return _from_bytes(raw, ty)
    return run


@_op("llvm.intr.masked.load")
def _masked_load(op: _Op) -> Handler:
    """LLVM LangRef ``llvm.masked.load``: lane i of the vector is loaded
    where mask[i] holds (no access elsewhere), else it is pass_thru[i]
    (zero without one)."""
    ty = op.outs[0]
    e, n = _elem(ty), ty.count
    size = _access_bytes(e)

    def run(st: _State, a: list) -> np.ndarray:
        out = np.array(a[2], copy=True) if len(a) > 2 else _zero(ty, st.T)
        for i in range(n):
            lanes = np.flatnonzero(st.mask & a[1][:, i])
            if len(lanes):
                out[lanes, i] = _from_bytes(st.mem.load(a[0][lanes] + i * size, size, st, lanes), e)
        return out
    return run


@_op("llvm.intr.masked.store")
def _masked_store(op: _Op) -> Handler:
    """LLVM LangRef ``llvm.masked.store``: lane i is stored where mask[i]
    holds, nothing elsewhere."""
    ty = op.ins[0]
    e, n = _elem(ty), ty.count
    size = _access_bytes(e)

    def run(st: _State, a: list) -> None:
        for i in range(n):
            lanes = np.flatnonzero(st.mask & a[2][:, i])
            if len(lanes):
                st.mem.store(a[1][lanes] + i * size, _to_bytes(a[0][lanes, i], e), st, lanes)
    return run


@_op("llvm.fence")
def _fence(op: _Op) -> Handler:
    """A memory fence orders one thread's accesses; the emulator performs
    every access in program order already (what other threads see is
    decided by barriers, which the race tracker checks): nothing to do."""
    return lambda st, a: None


@_op("llvm.inline_asm")
def _inline_asm(op: _Op) -> Handler:
    """Inline PTX (.ptx: the predicated global accesses our
    lowering and Triton emit). Of AMD inline assembly only ``s_waitcnt``
    (a wait for this thread's memory operations, which the emulator
    performs in program order: nothing to do)."""
    from .ptx import InlinePtx

    if re.fullmatch(r"\s*(s_waitcnt(\s+\w+\(\d+\))*\s*[;\n]?\s*)+", op.attrs["asm_string"].value) and not op.ins:
        return lambda st, a: None

    prog = InlinePtx(op.attrs["asm_string"].value, op.attrs["constraints"].value)
    ins = op.ins
    out = op.outs[0] if op.outs and op.outs[0].kind != "void" else None
    types = list(out.elems) if out is not None and out.kind == "struct" else [out] if out is not None else []
    if len(types) != len(prog.outs):
        raise EmulationError(f"inline PTX with {len(prog.outs)} outputs gives {out}")
    sizes = [_layout(ty)[0] for ty in types]

    n_out = len(prog.outs)

    def run(st: _State, a: list) -> Any:
        # wgmma accumulators still in flight may only go into a wgmma or
        # through the asm that waits for them (values.Pending).
        for v in a:
            _no_poison(v, st.mask, "an inline asm operand", st.thread)
        pend = {k: v for k, v in enumerate(a) if isinstance(v, Pending)}
        if pend and not prog.issues_wgmma and not prog.waits_wgmma:
            for v in pend.values():
                v.ready()
        a = [np.asarray(v) if k in pend else v for k, v in enumerate(a)]
        group = st.wgmma.committed  # (the open group when the asm starts: its wgmmas join it)
        r = prog.run(st, [_to_bytes(v, ty) for v, ty in zip(a, ins)])  # inputs as their bits
        if out is None:
            return None
        # The registers' bits as the result types (f32, vector<1xi32>, ...).
        # (an i8 result comes in a 16-bit register: its low byte)
        vals = _pend_outputs(st, [_from_bytes(np.ascontiguousarray(v).view(np.uint8).reshape(st.T, -1)[:, :size], ty)
                                  for v, ty, size in zip(r if isinstance(r, tuple) else (r,), types, sizes)], pend,
                             group)
        return tuple(vals) if out.kind == "struct" else vals[0]

    def _pend_outputs(st: _State, outs: list, pend: dict, group: int) -> list:
        if not prog.issues_wgmma and not pend:
            return outs
        for j in range(len(outs)):
            if prog.issues_wgmma:  # the results of the group open when the wgmma was issued
                outs[j] = pending(outs[j], group, st.wgmma)
            elif prog.ties.get(j, -1) - n_out in pend:  # passed through a wait that left it in flight
                src = pend[prog.ties[j] - n_out]
                if not src.groups.complete(src.group):
                    outs[j] = pending(outs[j], src.group, src.groups)
        return outs
    return run


@_op("llvm.store")
def _store(op: _Op) -> Handler:
    ty = op.ins[0]
    check = _aligned(op, f"store of {_access_bytes(ty)} bytes")

    def run(st: _State, a: list) -> None:
        _no_poison(a[1], st.mask, "a store's address", st.thread)
        _no_poison(a[0], st.mask, "a store", st.thread)
        addr = a[1][st.lanes]
        check(st, addr)
        st.mem.store(addr, _to_bytes(a[0], ty)[st.lanes], st, st.lanes)
    return run


def _signed(x: int, bits: int) -> int:
    return x - (1 << bits) if x >> (bits - 1) & 1 else x


# Integers are held unsigned (values._dtype): max / min compare them signed.
_ATOMIC_INT = {"add": lambda a, b, w: a + b, "sub": lambda a, b, w: a - b, "_and": lambda a, b, w: a & b,
               "_or": lambda a, b, w: a | b, "_xor": lambda a, b, w: a ^ b, "xchg": lambda a, b, w: b,
               "max": lambda a, b, w: a if _signed(a, w) >= _signed(b, w) else b,
               "min": lambda a, b, w: a if _signed(a, w) <= _signed(b, w) else b,
               "umax": lambda a, b, w: max(a, b), "umin": lambda a, b, w: min(a, b)}
_ATOMIC_FLOAT = {"fadd": lambda a, b: a + b, "xchg": lambda a, b: b, "fmax": np.fmax, "fmin": np.fmin}


def _atomic_kind(attr: Any) -> str:
    kind = re.sub(r"^.*<|>.*$", "", str(attr)).strip()
    if re.match(r"^\d+", kind):  # the enum as an integer (LLVM::AtomicBinOp's order)
        names = ["xchg", "add", "sub", "_and", "nand", "_or", "_xor", "max", "min", "umax", "umin", "fadd",
                 "fsub", "fmax", "fmin"]
        i = int(re.match(r"^\d+", kind)[0])
        kind = names[i] if i < len(names) else kind
    return kind


def _natural(ty: _Ty, what: str) -> Callable[[_State, np.ndarray], None]:
    """Atomics need their natural alignment (the hardware faults otherwise)."""
    n = _access_bytes(ty)
    return lambda st, addr: _require_aligned(st, addr, st.lanes, n, what, "an atomic's natural alignment")


def serially(st: _State, addr: np.ndarray, ty: _Ty, step: Callable[[int, Any], Any],
             lanes: np.ndarray | None = None) -> np.ndarray:
    """One active thread (of `lanes`, by default all) after another, in
    thread order (any order is a valid execution): each reads its element,
    `step(thread, old)` gives the new one (None: no write); the old values
    are the results (0 in other threads)."""
    n, dt = _access_bytes(ty), _dtype(ty)
    old = np.zeros((st.T, ty.count) if ty.kind == "vector" else st.T, dt)
    for t in st.lanes if lanes is None else lanes:
        raw = st.mem.load(addr[t:t + 1], n, st, np.array([t]), atomic=True)
        cur = _from_bytes(raw, ty)[0]
        old[t] = cur
        new = step(t, cur)
        if new is not None:
            st.mem.store(addr[t:t + 1], _to_bytes(np.array([new], dt), ty), st, np.array([t]), atomic=True)
    return old


def atomic_step(kind: str, ty: _Ty, what: str) -> Callable[[Any, Any], Any]:
    """new = step(old, value) of an atomic read-modify-write `kind` (LLVM's
    names) on `ty` (an integer, a float, or a vector of floats: packed f16
    pairs, per element)."""
    step = None
    if ty.kind == "int":
        fn, w = _ATOMIC_INT.get(kind), ty.bits
        mask = (1 << w) - 1
        step = None if fn is None else (lambda a, b: fn(int(a), int(b), w) & mask)
    elif ty.kind == "float" or (ty.kind == "vector" and _elem(ty).kind == "float"):
        step = _ATOMIC_FLOAT.get(kind)
    if step is None:
        raise EmulationError(f"{what} {kind} on {ty} is not supported (integers: add, sub, and, or, xor, xchg, "
                             "max, min, umax, umin; floats and float vectors: fadd, xchg, fmax, fmin)")
    return step


@_op("llvm.atomicrmw")
def _atomicrmw(op: _Op) -> Handler:
    kind = _atomic_kind(op.attrs["bin_op"])
    ty = op.ins[1]
    step = atomic_step(kind, ty, "atomicrmw")
    check = _natural(ty, f"atomicrmw of {_access_bytes(ty)} bytes")

    def run(st: _State, a: list) -> np.ndarray:
        _no_poison(a[0], st.mask, "an atomic's address", st.thread)
        _no_poison(a[1], st.mask, "an atomic's value", st.thread)
        check(st, a[0][st.lanes])
        return serially(st, a[0], ty, lambda t, cur: step(cur, a[1][t]))
    return run


@_op("llvm.cmpxchg")
def _cmpxchg(op: _Op) -> Handler:
    ty = op.ins[1]
    check = _natural(ty, f"cmpxchg of {_access_bytes(ty)} bytes")

    def run(st: _State, a: list) -> tuple:
        for v, what in zip(a, ("an atomic's address", "a compared value", "a swapped value")):
            _no_poison(v, st.mask, what, st.thread)
        check(st, a[0][st.lanes])
        old = serially(st, a[0], ty, lambda t, cur: a[2][t] if cur == a[1][t] else None)
        return old, (old == np.asarray(a[1], old.dtype)).astype(np.bool_)
    return run
