"""Types and per-thread values: LLVM types parsed from their text, numpy
representations of integers, floats (bf16, fp8 bits) and aggregates.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np


SHARED_WINDOW = 1 << 32  # flat address of shared-memory offset 0
_CONST_WINDOW = 1 << 36  # read-only constant globals (below the parameters)
_IMPLICIT_WINDOW = (1 << 36) + (1 << 34)  # AMD's hidden kernel arguments (llvm.amdgcn.implicitarg.ptr)
_LOCAL_WINDOW = (1 << 36) + (1 << 35)  # per-thread stack memory (llvm.alloca): one window per alloca op
_LOCAL_SPAN = 1 << 26
_LOCAL_END = _LOCAL_WINDOW + 256 * _LOCAL_SPAN
_GLOBAL_SHIFT = 40  # pointer parameter i lives at (i + 1) << 40
_DYNAMIC_INDEX = -(2**31)  # rawConstantIndices marker of a dynamic GEP index
_MAX_BLOCKS = 1_000_000  # block executions per CTA before we call it a hang


class EmulationError(RuntimeError):
    """The kernel cannot be emulated, or did something a GPU launch would not allow."""


class DeviceAssertion(EmulationError):
    """A device-side assertion failed (``__assertfail``: Triton's
    ``tl.device_assert`` with ``debug=True``), as it would stop the launch."""


# ------------------------------------------------------------------------------------ types


@dataclass(frozen=True)
class _Ty:
    kind: str  # "int" | "float" | "ptr" | "vector" | "struct" | "array" | "void"
    bits: int = 0  # int / float width
    name: str = ""  # float: f16, bf16, f32, f64
    space: int = 0  # pointer address space
    elems: tuple["_Ty", ...] = ()  # struct fields; vector / array: the element type
    count: int = 0  # vector / array length
    packed: bool = False

    def __str__(self) -> str:
        if self.kind in ("int", "float"):
            return self.name or f"i{self.bits}"
        if self.kind == "vector":
            return f"vector<{self.count}x{self.elems[0]}>"
        if self.kind == "array":
            return f"!llvm.array<{self.count} x {self.elems[0]}>"
        if self.kind == "struct":
            return f"!llvm.struct<{'packed ' * self.packed}({', '.join(map(str, self.elems))})>"
        return f"!llvm.ptr<{self.space}>" if self.kind == "ptr" else "!llvm.void"


_FLOAT_DTYPE = {"f16": np.float16, "bf16": np.float32, "f32": np.float32, "f64": np.float64}
_UINT = {1: np.bool_, 8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}
_SINT = {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}


@functools.lru_cache(maxsize=None)
def _parse_type(text: str) -> _Ty:
    ty, rest = _parse_prefix(text)
    if rest.strip():
        raise EmulationError(f"unsupported type {text}")
    return ty


def _parse_prefix(s: str) -> tuple[_Ty, str]:
    """Parse one type at the start of `s` (as MLIR prints it); return it and the rest."""
    s = s.lstrip().removeprefix("!llvm.")
    if m := re.match(r"ptr(?:<(\d+)>)?", s):
        return _Ty("ptr", space=int(m[1] or 0)), s[m.end():]
    if m := re.match(r"(vector|array)<(\d+) ?x ?", s):
        elem, rest = _parse_prefix(s[m.end():])
        return _Ty(m[1], elems=(elem,), count=int(m[2])), _expect(rest, ">", s)
    if m := re.match(r'struct<(packed )?(?:"[^"]*", )?\(', s):
        fields, rest = [], s[m.end():]
        while not rest.startswith(")"):
            field, rest = _parse_prefix(rest)
            fields.append(field)
            rest = rest.removeprefix(",").lstrip()
        return _Ty("struct", elems=tuple(fields), packed=bool(m[1])), _expect(rest[1:], ">", s)
    if m := re.match(r"(?:i(\d+)|(bf16|f16|f32|f64)|(void))\b", s):
        if m[1]:
            return _Ty("int", bits=int(m[1])), s[m.end():]
        if m[2]:
            return _Ty("float", bits=int(m[2][-2:]), name=m[2]), s[m.end():]
        return _Ty("void"), s[m.end():]
    raise EmulationError(f"unsupported type {s}")


def _expect(rest: str, token: str, whole: str) -> str:
    if not rest.startswith(token):
        raise EmulationError(f"unsupported type {whole}")
    return rest[len(token):]


def _elem(ty: _Ty) -> _Ty:
    return ty.elems[0] if ty.kind == "vector" else ty


def _dtype(ty: _Ty) -> type:
    s = _elem(ty)
    if s.kind == "int" and s.bits in _UINT:
        return _UINT[s.bits]
    if s.kind == "int" and 1 < s.bits < 64:
        # an odd width (LLVM's i7 of a bit trick): its value in the next
        # wider unsigned type, kept below 2^bits by the ops that can exceed it
        return _UINT[next(w for w in (8, 16, 32, 64) if w > s.bits)]
    if s.kind == "float":
        return _FLOAT_DTYPE[s.name]
    if s.kind == "ptr":
        return np.int64
    raise EmulationError(f"value type {ty} is not supported (integers of 1 to 64 bits, floats, pointers)")


def _pow2(n: int) -> int:
    return 1 << max(n - 1, 0).bit_length()


def _round_up(n: int, align: int) -> int:
    return -(-n // align) * align


def _layout(ty: _Ty) -> tuple[int, int]:
    """(allocation size, alignment) in bytes, with the default LLVM data layout."""
    if ty.kind in ("int", "float"):
        size = _pow2(-(-ty.bits // 8))
        return size, size
    if ty.kind == "ptr":
        return 8, 8
    if ty.kind == "vector":
        size = _pow2(ty.count * _layout(ty.elems[0])[0])
        return size, size
    if ty.kind == "array":
        size, align = _layout(ty.elems[0])
        return ty.count * size, align
    if ty.kind == "struct":
        return _struct_layout(ty)[1:]
    raise EmulationError(f"type {ty} has no size")


def _struct_layout(ty: _Ty) -> tuple[list[int], int, int]:
    offset, align, offsets = 0, 1, []
    for field in ty.elems:
        size, field_align = _layout(field)
        field_align = 1 if ty.packed else field_align
        offset = _round_up(offset, field_align)
        offsets.append(offset)
        offset, align = offset + size, max(align, field_align)
    return offsets, _round_up(offset, align), align


def _access_bytes(ty: _Ty) -> int:
    """Bytes read or written by a load / store of `ty` (scalars and vectors only)."""
    s = _elem(ty)
    if s.kind == "int" and s.bits == 1 and ty.kind == "vector":
        raise EmulationError(f"memory access to bit-packed {ty} is not supported")
    if s.kind not in ("int", "float", "ptr") or ty.kind not in ("int", "float", "ptr", "vector"):
        raise EmulationError(f"memory access of type {ty} is not supported")
    return _layout(s)[0] * (ty.count if ty.kind == "vector" else 1)


# ------------------------------------------------------------------------------------ values

Value = Any  # np.ndarray [T] or [T, n], or a tuple of values


def _first(bad: np.ndarray) -> int:
    return int(np.flatnonzero(bad)[0])


def _sview(x: np.ndarray) -> np.ndarray:
    """The signed reading of an integer array (i1 true is -1)."""
    if x.dtype == np.bool_:
        return -x.astype(np.int8)
    return x.view(_SINT[8 * x.dtype.itemsize]) if x.dtype.kind == "u" else x


def _uview(x: np.ndarray) -> np.ndarray:
    return x.view(_UINT[8 * x.dtype.itemsize]) if x.dtype.kind == "i" else x


def _flush_f32(x: np.ndarray) -> np.ndarray:
    """f32 subnormals to zero of the same sign (PTX's .ftz)."""
    return np.where(np.abs(x) < np.finfo(np.float32).tiny, np.copysign(0.0, x), x)


def _require_aligned(st: Any, addr: np.ndarray, threads: np.ndarray, align: int, what: str, reason: str) -> None:
    """Raise for the first of `threads` whose address (`addr`, one per
    thread) is not a multiple of `align`: the hardware faults on it."""
    bad = addr % align != 0
    if bad.any():
        k = _first(bad)
        raise EmulationError(f"misaligned {what}: address {int(addr[k]):#x} by {st.thread(int(threads[k]))} "
                             f"is not a multiple of {reason}")


def _shared_flat(addr: np.ndarray) -> np.ndarray:
    """A .shared address operand (an offset in the CTA's window, or the
    emulator's flat address of it) as a flat address."""
    return np.where(addr < SHARED_WINDOW, addr + SHARED_WINDOW, addr)


def _where(cond: np.ndarray, a: Value, b: Value) -> Value:
    """Per-thread merge of two values (divergent results, block arguments):
    a merge is not a read, so a wgmma result in flight stays in flight."""
    if isinstance(a, tuple):
        return tuple(_where(cond, x, y) for x, y in zip(a, b))
    if a.ndim > cond.ndim:
        cond = cond[:, None]
    flight = [x for x in (a, b) if isinstance(x, Pending)]
    if flight:
        g = max(flight, key=lambda x: x.group)
        return pending(np.where(cond, np.asarray(a), np.asarray(b)), g.group, g.groups)
    return np.where(cond, a, b)


class Poisoned(np.ndarray):
    """A value some of whose elements hold LLVM's poison (LangRef "Poison
    Values"): ``poison`` marks them (a bool array of the value's shape),
    ``origin`` says what made it. The bits are what the target's
    instruction gives (a shift by the width or more: 0 on NVIDIA, the
    amount's low bits on AMD), so a poison value that is never used -- a
    ``select`` that picks the other arm, an element not extracted, a lane
    masked off -- costs nothing, as in LLVM; arithmetic carries the mark; a
    store, an address, a branch condition or an inline asm operand that is
    poison in an active thread is an EmulationError (:func:`_no_poison`)."""

    poison: Any
    origin: str

    def __array_finalize__(self, obj: Any) -> None:
        m = getattr(obj, "poison", None)
        self.poison = m if m is not None and m.shape == self.shape else None
        self.origin = getattr(obj, "origin", "")

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kw: Any) -> Any:
        if "out" in kw:
            kw["out"] = tuple(_plain(x) for x in kw["out"])
        out = getattr(ufunc, method)(*_plain(inputs), **kw)
        if method == "reduce":  # a thread's reduction is poison if any element of it is
            axis = kw.get("axis", 0)
            marks = [_marks(x, x.shape).any(axis=axis) for x in inputs[:1] if isinstance(x, Poisoned)]
            return _poisoned(out, marks, _origin(inputs))
        return _poisoned(out, [_marks(x, np.shape(out)) for x in inputs], _origin(inputs))

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        out = func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})
        if not isinstance(out, np.ndarray) or not out.ndim:
            return out
        if func is np.where and len(args) == 3:  # a select: the mark of the arm taken, or a poison condition
            cond = np.broadcast_to(np.asarray(_plain(args[0])).astype(bool), out.shape)
            mask = (cond & _marks(args[1], out.shape)) | (~cond & _marks(args[2], out.shape)) | \
                _marks(args[0], out.shape)
            return _poisoned(out, [mask], _origin(args))
        if func in (np.concatenate, np.stack) and args and isinstance(args[0], (list, tuple)):
            # element by element: the marks concatenated / stacked the same way
            mask = func([_marks(x, np.shape(x)) for x in args[0]], *args[1:], **kwargs)
            return _poisoned(out, [mask], _origin(args))
        # anything else: a thread is poison where any poisoned input of it was
        marks = [x for x in _flat(args) if isinstance(x, Poisoned) and x.poison is not None
                 and x.shape[:1] == out.shape[:1]]
        lanes = [m.poison.reshape(m.shape[0], -1).any(axis=1) for m in marks]
        return _poisoned(out, [np.broadcast_to(x.reshape((-1,) + (1,) * (out.ndim - 1)), out.shape) for x in lanes],
                         _origin(args))

    def __getitem__(self, key: Any) -> Any:
        out = np.asarray(self)[key]
        if self.poison is None or not isinstance(out, np.ndarray):
            return out
        return _poisoned(out, [self.poison[key]], self.origin)


def _marks(x: Any, shape: tuple) -> np.ndarray:
    """The poison mark of an operand, broadcast to `shape` (a [T] mark
    against a [T, n] result: per thread)."""
    if not isinstance(x, Poisoned) or x.poison is None:
        return np.zeros(shape, bool)
    m = x.poison
    if m.ndim < len(shape) and m.shape[:1] == shape[:1]:
        m = m.reshape(m.shape + (1,) * (len(shape) - m.ndim))
    try:
        return np.broadcast_to(m, shape)
    except ValueError:  # (a shape numpy broadcast differently: per thread, conservatively)
        lanes = m.reshape(m.shape[0], -1).any(axis=1) if m.ndim else m
        return np.broadcast_to(lanes.reshape((-1,) + (1,) * (len(shape) - 1)), shape) \
            if len(shape) and lanes.shape[:1] == shape[:1] else np.zeros(shape, bool)


def _origin(args: Any) -> str:
    return next((x.origin for x in _flat(args) if isinstance(x, Poisoned)), "")


def _flat(x: Any) -> list:
    return [z for y in x for z in _flat(y)] if isinstance(x, (list, tuple)) else [x]


def _plain(x: Any) -> Any:
    if isinstance(x, Poisoned):
        return np.asarray(x)
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(y) for y in x)
    return x


def _poisoned(out: Any, marks: list, origin: str = "") -> Any:
    """`out` marked poison where any of `marks` -- bool arrays of its
    shape (see _marks), or Poisoned values -- is."""
    if not isinstance(out, np.ndarray) or not out.ndim:
        return out
    mask = None
    for m in marks:
        if isinstance(m, Poisoned):
            origin = origin or m.origin
            m = _marks(m, out.shape)
        if np.shape(m) == out.shape and np.asarray(m).dtype == np.bool_ and m.any():
            mask = m if mask is None else mask | m
    if mask is None:
        return np.asarray(out) if isinstance(out, Poisoned) else out
    v = np.asarray(out).view(Poisoned)
    v.poison, v.origin = np.array(mask, bool), origin
    return v


def carry_poison(out: Any, *inputs: Any) -> Any:
    """`out` (one value per thread, or [T, n]) poison in the threads where
    any of `inputs` is: for ops that move bits through bytes or element
    stores (bitcast, insertelement), which numpy's dispatch does not see."""
    marks = [x for x in inputs if isinstance(x, Poisoned) and x.poison is not None]
    if not marks or not isinstance(out, np.ndarray) or not out.ndim:
        return out
    lanes = np.zeros(out.shape[0], bool)
    for x in marks:
        if x.shape[:1] == out.shape[:1]:
            lanes |= x.poison.reshape(x.shape[0], -1).any(axis=1)
    return _poisoned(out, [np.broadcast_to(lanes.reshape((-1,) + (1,) * (out.ndim - 1)), out.shape)],
                     marks[0].origin)


def _no_poison(value: Any, mask: np.ndarray, what: str, thread: Any) -> None:
    """Raise if `value` is poison in a thread of `mask` (a use LLVM calls
    undefined behaviour)."""
    for v in _flat(value) if isinstance(value, tuple) else [value]:
        if isinstance(v, Poisoned) and v.poison is not None and v.shape[:1] == mask.shape:
            bad = v.poison.reshape(v.shape[0], -1).any(axis=1) & mask
            if bad.any():
                raise EmulationError(f"a poison value ({v.origin}) reaches {what} in {thread(_first(bad))}")


def _zero(ty: _Ty, T: int) -> Value:
    if ty.kind == "struct":
        return tuple(_zero(f, T) for f in ty.elems)
    if ty.kind == "array":
        return tuple(_zero(ty.elems[0], T) for _ in range(ty.count))
    return np.zeros((T, ty.count) if ty.kind == "vector" else (T,), _dtype(ty))


def _bf16_bits(x: np.ndarray) -> np.ndarray:
    """float -> bf16 bit patterns (uint16), round to nearest even, NaN stays NaN."""
    b = x.astype(np.float32).view(np.uint32)
    rounded = (b + 0x7FFF + ((b >> 16) & 1)) >> 16
    return np.where(np.isnan(x), (b >> 16) | 0x40, rounded).astype(np.uint16)


def _bf16_value(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


def _round_bf16(x: np.ndarray) -> np.ndarray:
    return _bf16_value(_bf16_bits(x))


def _to_float(x: np.ndarray, ty: _Ty) -> np.ndarray:
    out = x.astype(_dtype(ty))
    return _round_bf16(out) if _elem(ty).name == "bf16" else out


class Pending(np.ndarray):
    """The result of an asynchronous instruction (wgmma.mma_async) before
    the wait that completes it: any use of it -- arithmetic, a store, a
    conversion -- while its group is not complete is an EmulationError
    (PTX ISA, "wgmma.wait_group": accessing the accumulator registers
    before the wait is undefined behaviour); once complete it is a value.
    ``group`` is its group number in ``groups`` (registry._AsyncGroups)."""

    group: int
    groups: Any

    def __array_finalize__(self, obj: Any) -> None:
        self.group, self.groups = getattr(obj, "group", -1), getattr(obj, "groups", None)

    def ready(self) -> np.ndarray:
        if self.groups is not None and not self.groups.complete(self.group):
            raise EmulationError(f"reads the result of a {self.groups.what} (group {self.group}) before "
                                 f"the {self.groups.wait} that completes it")
        return np.asarray(self)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kw: Any) -> Any:
        inputs = tuple(_ready(x) for x in inputs)
        if "out" in kw:
            kw["out"] = tuple(_ready(x) for x in kw["out"])
        return getattr(ufunc, method)(*inputs, **kw)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return func(*_ready(args), **{k: _ready(v) for k, v in kwargs.items()})

    def astype(self, *a: Any, **k: Any) -> np.ndarray:  # type: ignore[override]
        return self.ready().astype(*a, **k)

    def __getitem__(self, key: Any) -> Any:
        return self.ready()[key]


def pending(value: np.ndarray, group: int, groups: Any) -> Pending:
    v = np.asarray(value).view(Pending)
    v.group, v.groups = group, groups
    return v


def _ready(x: Any) -> Any:
    if isinstance(x, Pending):
        return x.ready()
    if isinstance(x, (list, tuple)):
        return type(x)(_ready(y) for y in x)
    return x


def _to_bytes(v: np.ndarray, ty: _Ty) -> np.ndarray:
    """Per-thread in-memory bytes of a scalar or vector value: [T, size] uint8."""
    v = _ready(v)
    s = _elem(ty)
    if s.kind == "int" and s.bits == 1:
        if ty.kind == "vector":
            raise EmulationError(f"bit-packed {ty} is not supported")
        v = v.astype(np.uint8)
    elif s.name == "bf16":
        v = _bf16_bits(v)
    return np.ascontiguousarray(v).view(np.uint8).reshape(v.shape[0], -1)


def _from_bytes(raw: np.ndarray, ty: _Ty) -> np.ndarray:
    s = _elem(ty)
    storage = np.uint8 if s.kind == "int" and s.bits == 1 else np.uint16 if s.name == "bf16" else _dtype(ty)
    v = np.ascontiguousarray(raw).view(storage)
    v = v if ty.kind == "vector" else v.reshape(-1)
    if s.kind == "int" and s.bits == 1:
        return (v & 1).astype(bool)
    return _bf16_value(v) if s.name == "bf16" else v


def _dense_elements(attr: Any, ty: _Ty) -> np.ndarray:
    """The elements of a dense vector constant, read from its printed form."""
    body = re.match(r"dense<(.*)> :", str(attr))
    tokens = re.findall(r"0x[0-9A-Fa-f]+|true|false|[-+]?(?:inf|nan|[\d.]+(?:[eE][-+]?\d+)?)", body[1] if body else "")
    if body is None or body[1].startswith('"') or len(tokens) not in (1, ty.count):
        raise EmulationError(f"unsupported constant {attr}")
    tokens = tokens * ty.count if len(tokens) == 1 else tokens
    s = ty.elems[0]
    if s.kind == "int":
        ints = [{"true": 1, "false": 0}.get(t) if t in ("true", "false") else int(t, 0) for t in tokens]
        return _int_row(ints, s)
    if all(t.startswith("0x") for t in tokens):
        return _from_bytes(np.array([int(t, 16) for t in tokens], _UINT[s.bits]).view(np.uint8)[None], ty)[0]
    return _to_float(np.array([float(t) for t in tokens]), s)


def _int_row(ints: Sequence[int], ty: _Ty) -> np.ndarray:
    mask = (1 << ty.bits) - 1
    return np.array([i & mask for i in ints], dtype=np.uint64).astype(_dtype(ty))
