"""The GPU on the CPU: run a kernel in the MLIR LLVM dialect (+ NVVM / ROCDL ops) with numpy.

The input is what an MLIR ``convert-*-to-llvm`` lowering produces, before translation to LLVM
IR. The kernel ``llvm.func`` is decoded once (per module text and kernel name) into blocks of
``_Instr`` records -- a handler closure plus operand / result slots -- so execution never goes
through the MLIR bindings.

Execution model
---------------
* **SIMT with masks.** All threads of one CTA execute together: a scalar SSA value is a numpy
  array with one entry per thread, shape ``[T]``; a vector value is ``[T, n]``; an LLVM struct
  or array value is a tuple of such values. Integers live in the *unsigned* numpy type of their
  width (i1 as ``bool``) and wrap; signedness comes from the op (sdiv, ashr, icmp slt, sext,
  sitofp). f16 / f32 / f64 are numpy floats; bf16 is carried as float32 rounded to bf16 after
  every op (round to nearest even), converted bit-exactly on load, store and bitcast.
  ``undef`` and ``poison`` read as zero.
* **Reconvergence at immediate post-dominators.** A stack of ``[block, mask, reconvergence
  block]`` entries runs the CFG. A uniform ``llvm.cond_br`` just follows; a divergent one turns
  the current entry into the reconvergence entry (the branch block's immediate post-dominator,
  computed once per function) and pushes the false side, then the true side, which therefore
  runs first. Each side runs with its sub-mask until it reaches the post-dominator, where the
  lanes wait for the others. Results and block arguments are merged per lane (``np.where``) so
  lanes that are not active keep their values; loops, divergent or not, need nothing special.
  Threads that reach ``llvm.return`` exit. Arithmetic is computed for all lanes; loads, stores,
  shuffles, divisions and error checks only consider the active ones.
* **Flat address space.** Pointers are int64 addresses. Pointer parameter ``i`` is the numpy
  array passed for it, mapped in place at ``(i + 1) << 40``; shared memory (address space 3) is
  one byte buffer per CTA at ``SHARED_WINDOW``, filled with seeded random bytes so reads of
  unwritten data show. A ``!llvm.ptr<3>`` converts to the integer *offset* in that window
  (``ptrtoint`` / ``inttoptr``), as on the hardware. Any access outside a mapped buffer raises.
* **Warps** are threads ``[w * warp_size, (w + 1) * warp_size)`` (32 for NVIDIA, 64 for AMD
  wave64). ``nvvm.shfl.sync`` follows the PTX pseudo-code exactly, including the packed
  clamp / segment-mask operand; ``nvvm.redux.sync`` combines the lanes of its member mask
  (all of them active); ``ldmatrix`` / ``stmatrix`` need whole active warps.
* **fp8 pairs** (``nvvm.convert.f32x2.to.f8x2``, rn / satfinite, and ``f8x2.to.f16x2``; e4m3 and
  e5m2) follow the PTX ISA: nearest with ties to the even encoding, beyond the largest finite
  value (infinities too) that value, NaN the canonical ``0x7F``, the first operand in the high
  byte; widening is exact.
* **Barriers** need every thread of the CTA that has not exited to be active.
* **Atomics** (``llvm.atomicrmw``: add, sub, and, or, xor, xchg, max, min, fadd) run one thread
  after another in thread order and return the old values.
* **Races.** CTAs run warps in lockstep, which would hide a missing barrier, so shared memory
  tracks, per byte, which warp last wrote it and which warps read it since the last barrier:
  a read of a byte another warp wrote, or a write of a byte another warp read or wrote, with no
  barrier between them raises (``EmulationError``: "shared-memory race").

Choices where LLVM says "poison": shifts by at least the bit width give 0 (shl, lshr) or the
sign fill (ashr); signed division overflow wraps; an out-of-range vector index raises.
Integer division by zero in an active lane raises. ``llvm.intr.fma`` is fused for f16 / bf16 /
f32 (computed in float64, so a rare double rounding is possible) and unfused for f64.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["EmulationError", "SHARED_WINDOW", "emulate", "emulate_mlir"]

SHARED_WINDOW = 1 << 32  # flat address of shared-memory offset 0
_GLOBAL_SHIFT = 40  # pointer parameter i lives at (i + 1) << 40
_DYNAMIC_INDEX = -(2**31)  # rawConstantIndices marker of a dynamic GEP index
_MAX_BLOCKS = 1_000_000  # block executions per CTA before we call it a hang


class EmulationError(RuntimeError):
    """The kernel cannot be emulated, or did something a GPU launch would not allow."""


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
    if s.kind == "float":
        return _FLOAT_DTYPE[s.name]
    if s.kind == "ptr":
        return np.int64
    raise EmulationError(f"unsupported value type {ty}")


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


def _where(cond: np.ndarray, a: Value, b: Value) -> Value:
    if isinstance(a, tuple):
        return tuple(_where(cond, x, y) for x, y in zip(a, b))
    if a.ndim > cond.ndim:
        cond = cond[:, None]
    return np.where(cond, a, b)


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


def _to_bytes(v: np.ndarray, ty: _Ty) -> np.ndarray:
    """Per-thread in-memory bytes of a scalar or vector value: [T, size] uint8."""
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


# ------------------------------------------------------------------------------------ memory


class _RaceTracker:
    """Per byte of shared memory: the epoch (barriers so far) and warp of the last write, and
    of the reads since (warp -2: several warps read it)."""

    def __init__(self, size: int) -> None:
        self.epoch = 0
        self.w_epoch, self.w_warp, self.r_epoch, self.r_warp = (np.full(size, -1, np.int64) for _ in range(4))

    def access(self, offsets: np.ndarray, n: int, threads: np.ndarray, write: bool, st: "_State",
               atomic: bool = False) -> None:
        b = (offsets[:, None] + np.arange(n)).reshape(-1)
        t = np.repeat(threads, n)
        w = t // st.ws
        if atomic:
            # Atomics do not race with each other; a plain access of the
            # byte by any warp before the next barrier does.
            if write:
                self.w_epoch[b], self.w_warp[b] = self.epoch, -2
            return
        bad = (self.w_epoch[b] == self.epoch) & (self.w_warp[b] != w)
        what = "written by warp {} since the last barrier"
        if write:
            read = (self.r_epoch[b] == self.epoch) & (self.r_warp[b] != w)
            if read.any() and not bad.any():
                bad, what = read, "read by warp {} since the last barrier"
        # Several warps on one byte in this very access.
        order = np.lexsort((w, b))
        bs, ws = b[order], w[order]
        multi = np.zeros(b.shape, bool)
        multi[order[1:]] = (bs[1:] == bs[:-1]) & (ws[1:] != ws[:-1])
        if write and multi.any() and not bad.any():
            bad, what = multi, "written by another warp in the same instruction{}"
        if bad.any():
            k = _first(bad)
            other = self.r_warp[b[k]] if "read" in what else self.w_warp[b[k]]
            who = "several warps" if other == -2 else str(other)
            raise EmulationError(f"shared-memory race: {st.thread(int(t[k]))} "
                                 f"{'writes' if write else 'reads'} byte {int(b[k])}, "
                                 + what.format("" if "instruction" in what else who))
        if write:
            self.w_epoch[b], self.w_warp[b] = self.epoch, w
        else:
            other = (self.r_epoch[b] == self.epoch) & (self.r_warp[b] != w)
            self.r_warp[b] = np.where(other | multi, -2, w)
            if multi.any():
                self.r_warp[np.unique(b[multi])] = -2
            self.r_epoch[b] = self.epoch


class _Memory:
    """A flat address space of disjoint byte buffers."""

    def __init__(self) -> None:
        self.regions: list[tuple[int, np.ndarray, str]] = []
        self.shared: np.ndarray | None = None  # the CTA's shared memory, race-tracked
        self.races: _RaceTracker | None = None

    def _split(self, addr: np.ndarray, n: int, st: "_State", lanes: np.ndarray, what: str) -> list:
        found, parts = np.zeros(addr.shape, bool), []
        for base, buf, _ in self.regions:
            inside = (addr >= base) & (addr <= base + buf.size - n)
            if inside.any():
                found |= inside
                parts.append((buf, inside, addr[inside] - base))
        if not found.all():
            k = int(np.argmin(found))
            mapped = ", ".join(f"{name} [{base:#x}, {base + buf.size:#x})" for base, buf, name in self.regions)
            raise EmulationError(f"{what} of {n} bytes at address {int(addr[k]):#x} by {st.thread(int(lanes[k]))} "
                                 f"is outside every mapped buffer: {mapped or 'none'}")
        return parts

    def load(self, addr: np.ndarray, n: int, st: "_State", lanes: np.ndarray, atomic: bool = False) -> np.ndarray:
        out = np.empty((len(addr), n), np.uint8)
        for buf, rows, offsets in self._split(addr, n, st, lanes, "load"):
            if buf is self.shared and self.races is not None:
                self.races.access(offsets, n, lanes[rows], False, st, atomic)
            out[rows] = buf[offsets[:, None] + np.arange(n)]
        return out

    def store(self, addr: np.ndarray, data: np.ndarray, st: "_State", lanes: np.ndarray,
              atomic: bool = False) -> None:
        n = data.shape[1]
        for buf, rows, offsets in self._split(addr, n, st, lanes, "store"):
            if not buf.flags.writeable:
                name = next(name for _, b, name in self.regions if b is buf)
                raise EmulationError(f"store by {st.thread(int(lanes[rows][0]))} into {name}, "
                                     "a read-only array")
            if buf is self.shared and self.races is not None:
                self.races.access(offsets, n, lanes[rows], True, st, atomic)
            buf[offsets[:, None] + np.arange(n)] = data[rows]


# ------------------------------------------------------------------------------------ state


class _State:
    """One CTA in flight: geometry, the active mask and the memory."""

    def __init__(self, dims: tuple[int, int, int], warp_size: int, cta: tuple[int, int, int],
                 grid: tuple[int, int, int], mem: _Memory) -> None:
        T = dims[0] * dims[1] * dims[2]
        t = np.arange(T)
        self.T, self.ws, self.cta, self.mem = T, warp_size, cta, mem
        self.rows = t
        self.tid = tuple(x.astype(np.uint32) for x in (t % dims[0], t // dims[0] % dims[1], t // (dims[0] * dims[1])))
        self.ntid = tuple(np.full(T, d, np.uint32) for d in dims)
        self.ctaid = tuple(np.full(T, c, np.uint32) for c in cta)
        self.nctaid = tuple(np.full(T, g, np.uint32) for g in grid)
        self.lane = t % warp_size
        self.warp_base = t - self.lane
        self.exited = np.zeros(T, bool)
        self.set_mask(np.ones(T, bool))

    def set_mask(self, mask: np.ndarray) -> None:
        self.mask, self.full, self.lanes = mask, bool(mask.all()), np.flatnonzero(mask)

    def thread(self, t: int) -> str:
        return f"thread {t} (warp {t // self.ws}, lane {t % self.ws}) of CTA {self.cta}"


# ------------------------------------------------------------------------------------ ops

Handler = Callable[[_State, list], Any]


@dataclass
class _Op:
    """What a handler factory sees of one op (decoded from the bindings)."""
    name: str
    ins: list[_Ty]
    outs: list[_Ty]
    attrs: dict[str, Any]
    shared: dict[str, int]  # shared-memory global -> offset


_OPS: dict[str, Callable[[_Op], Handler]] = {}


def _op(*names: str) -> Callable:
    def register(factory: Callable[[_Op], Handler]) -> Callable[[_Op], Handler]:
        _OPS.update(dict.fromkeys(names, factory))
        return factory
    return register


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
    if name not in op.shared:
        raise EmulationError(f"only addr_space 3 (shared memory) globals are supported, not @{name}")
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
    "shl": lambda st, x, y, w: np.where(y >= w, 0, x << np.minimum(y, w - 1)),
    "lshr": lambda st, x, y, w: np.where(y >= w, 0, x >> np.minimum(y, w - 1)),
    "ashr": lambda st, x, y, w: (_sview(x) >> np.minimum(y, w - 1).astype(_sview(x).dtype)).view(x.dtype),
    "udiv": lambda st, x, y, w: x // _nonzero(st, y),
    "urem": lambda st, x, y, w: x % _nonzero(st, y),
    "sdiv": lambda st, x, y, w: _sdivrem(x, _nonzero(st, y), rem=False),
    "srem": lambda st, x, y, w: _sdivrem(x, _nonzero(st, y), rem=True),
    "intr.smax": lambda st, x, y, w: np.maximum(_sview(x), _sview(y)),
    "intr.smin": lambda st, x, y, w: np.minimum(_sview(x), _sview(y)),
    "intr.umax": lambda st, x, y, w: np.maximum(x, y),
    "intr.umin": lambda st, x, y, w: np.minimum(x, y),
}


@_op(*(f"llvm.{k}" for k in _INT_BINARY))
def _int_binary(op: _Op) -> Handler:
    fn, w = _INT_BINARY[op.name[5:]], _elem(op.outs[0]).bits
    if w == 1:  # i1: compute on 0/1 bytes, keep bit 0
        return lambda st, a: (fn(st, a[0].astype(np.uint8), a[1].astype(np.uint8), 1) & 1).astype(bool)
    return lambda st, a: fn(st, a[0], a[1], w).astype(a[0].dtype, copy=False)


_COMPARE = [np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal]


@_op("llvm.icmp")
def _icmp(op: _Op) -> Handler:
    p = int(op.attrs["predicate"].value)  # eq ne slt sle sgt sge ult ule ugt uge
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
    "llvm.addrspacecast": lambda op: lambda st, a: a[0],  # pointers are flat addresses
})


@_op("llvm.trunc", "llvm.zext", "llvm.sext")
def _int_cast(op: _Op) -> Handler:
    w, dt = _elem(op.outs[0]).bits, _dtype(op.outs[0])
    if w == 1:
        return lambda st, a: (a[0] & 1).astype(bool)
    if op.name == "llvm.sext":
        return lambda st, a: _sview(a[0]).astype(_SINT[w]).view(dt)
    return lambda st, a: a[0].astype(dt)


@_op("llvm.bitcast")
def _bitcast(op: _Op) -> Handler:
    src, dst = op.ins[0], op.outs[0]
    if src.kind == "ptr":
        return lambda st, a: a[0]
    return lambda st, a: _from_bytes(_to_bytes(a[0], src), dst)


@_op("llvm.fptrunc", "llvm.fpext", "llvm.uitofp", "llvm.sitofp")
def _to_float_cast(op: _Op) -> Handler:
    ty, view = op.outs[0], (_sview if op.name == "llvm.sitofp" else _uview)
    return lambda st, a: _to_float(view(a[0]), ty)


@_op("llvm.fptosi", "llvm.fptoui")
def _float_to_int(op: _Op) -> Handler:
    w, signed = _elem(op.outs[0]).bits, op.name == "llvm.fptosi"

    def run(st: _State, a: list) -> np.ndarray:
        t = np.trunc(a[0].astype(np.float64))
        v = t.astype(np.int64) if signed else t.astype(np.uint64)
        return (v & 1).astype(bool) if w == 1 else v.astype(_UINT[w])
    return run


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


@_op("llvm.call")
def _call(op: _Op) -> Handler:
    callee = str(op.attrs.get("callee", "")).lstrip("@")
    fn = _math_call(callee, op.outs[0]) if len(op.outs) == 1 else None
    if fn is None:
        raise EmulationError(f"calls are supported for libdevice / OCML math functions only, not @{callee}")
    dt = _dtype(op.outs[0])

    def run(st: _State, a: list) -> np.ndarray:
        args = [x.astype(np.float64) if x.dtype.kind == "f" else x for x in a]
        return fn(*args).astype(dt)
    return run


# The PTX approximations Triton's approximate f32 math lowers to, evaluated
# exactly (like libdevice's __nv_fast_*).
_APPROX_INTRINSICS: dict[str, Callable] = {
    "llvm.nvvm.ex2.approx.f32": np.exp2, "llvm.nvvm.lg2.approx.f": np.log2,
    "llvm.nvvm.sin.approx.f": np.sin, "llvm.nvvm.cos.approx.f": np.cos,
}


@_op("llvm.call_intrinsic")
def _call_intrinsic(op: _Op) -> Handler:
    name = str(op.attrs.get("intrin", "")).strip('"')
    fn = _APPROX_INTRINSICS.get(name)
    if fn is None:
        raise EmulationError(f"intrinsic {name} is not supported")
    dt = _dtype(op.outs[0])
    return lambda st, a: fn(a[0].astype(np.float64)).astype(dt)


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
    return lambda st, a: a[0][st.rows, _vector_index(st, a[1], n)]


@_op("llvm.insertelement")
def _insertelement(op: _Op) -> Handler:
    n = op.ins[0].count

    def run(st: _State, a: list) -> np.ndarray:
        out = a[0].copy()
        out[st.rows, _vector_index(st, a[2], n)] = a[1]
        return out
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


@_op("llvm.load")
def _load(op: _Op) -> Handler:
    ty = op.outs[0]
    n = _access_bytes(ty)

    def run(st: _State, a: list) -> np.ndarray:
        raw = np.zeros((st.T, n), np.uint8)
        raw[st.lanes] = st.mem.load(a[0][st.lanes], n, st, st.lanes)
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


@_op("llvm.inline_asm")
def _inline_asm(op: _Op) -> Handler:
    """Inline PTX (linear_layouts.ptx: the predicated global accesses our
    lowering and Triton emit); AMD inline assembly is not modelled."""
    from .ptx import InlinePtx

    prog = InlinePtx(op.attrs["asm_string"].value, op.attrs["constraints"].value)
    return lambda st, a: prog.run(st, a)


@_op("llvm.store")
def _store(op: _Op) -> Handler:
    ty = op.ins[0]
    _access_bytes(ty)
    return lambda st, a: st.mem.store(a[1][st.lanes], _to_bytes(a[0], ty)[st.lanes], st, st.lanes)


_ATOMIC_INT = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "_and": lambda a, b: a & b,
               "_or": lambda a, b: a | b, "_xor": lambda a, b: a ^ b, "xchg": lambda a, b: b,
               "max": max, "min": min}


@_op("llvm.atomicrmw")
def _atomicrmw(op: _Op) -> Handler:
    kind = re.sub(r"^.*<|>.*$", "", str(op.attrs["bin_op"])).strip()
    if re.match(r"^\d+", kind):  # the enum as an integer (LLVM::AtomicBinOp's order)
        names = ["xchg", "add", "sub", "_and", "nand", "_or", "_xor", "max", "min", "umax", "umin", "fadd"]
        i = int(re.match(r"^\d+", kind)[0])
        kind = names[i] if i < len(names) else kind
    ty = op.ins[1]
    fadd = kind == "fadd"
    fn = _ATOMIC_INT.get(kind) if not fadd else (lambda a, b: a + b)
    if fn is None or (kind in ("max", "min") and ty.kind != "int"):
        raise EmulationError(f"atomicrmw {kind} is not supported (add, sub, and, or, xor, xchg, max, min, fadd)")
    n, dt = _access_bytes(ty), _dtype(ty)

    def run(st: _State, a: list) -> np.ndarray:
        # One thread after another, in thread order (any order is a valid
        # execution); the old values are the results.
        old = np.zeros(st.T, dt)
        addr, val = a[0], a[1]
        for t in st.lanes:
            raw = st.mem.load(addr[t:t + 1], n, st, np.array([t]), atomic=True)
            cur = _from_bytes(raw, ty)[0]
            old[t] = cur
            new = np.array([fn(cur, val[t])], dt)
            st.mem.store(addr[t:t + 1], _to_bytes(new, ty), st, np.array([t]), atomic=True)
        return old
    return run


# ---- special registers

_SREGS: dict[str, Callable[[_State], np.ndarray]] = {
    **{f"{prefix}{d}": (lambda st, r=r, i=i: getattr(st, r)[i]) for i, d in enumerate("xyz") for prefix, r in (
        ("nvvm.read.ptx.sreg.tid.", "tid"), ("nvvm.read.ptx.sreg.ntid.", "ntid"), ("nvvm.read.ptx.sreg.ctaid.", "ctaid"),
        ("nvvm.read.ptx.sreg.nctaid.", "nctaid"), ("rocdl.workitem.id.", "tid"), ("rocdl.workgroup.id.", "ctaid"),
        ("rocdl.workgroup.dim.", "ntid"), ("rocdl.grid.dim.", "nctaid"))},
    "nvvm.read.ptx.sreg.laneid": lambda st: st.lane,
    "nvvm.read.ptx.sreg.warpsize": lambda st: np.full(st.T, st.ws),
    "rocdl.wavefrontsize": lambda st: np.full(st.T, st.ws),
}


def _sreg_bits(name: str) -> int:
    """The result width LLVM IR translation gives a special register (NVVM:
    the PTX ISA's 32-bit %tid / %ntid / %ctaid / %nctaid / %laneid; ROCDL:
    the i32 llvm.amdgcn.workitem.id / workgroup.id intrinsics, and OCKL's
    ``i64 __ockl_get_local_size / __ockl_get_num_groups`` for the dims)."""
    return 64 if name.startswith(("rocdl.grid.dim.", "rocdl.workgroup.dim.")) else 32


@_op(*_SREGS)
def _special_register(op: _Op) -> Handler:
    bits = _sreg_bits(op.name)
    if (op.outs[0].kind, op.outs[0].bits) != ("int", bits):
        # Translation would build an i<bits> value for it: LLVM asserts.
        raise EmulationError(f"{op.name} must give an i{bits}, not {op.outs[0]}")
    read, dt = _SREGS[op.name], _dtype(op.outs[0])
    return lambda st, a: read(st).astype(dt)


# ---- synchronization and warp-level ops


@_op("nvvm.barrier0", "nvvm.barrier", "rocdl.s.barrier", "rocdl.barrier")
def _barrier(op: _Op) -> Handler:
    if op.ins or op.outs:
        raise EmulationError("only the plain CTA-wide barrier is supported")

    def run(st: _State, a: list) -> None:
        waiting = ~(st.mask | st.exited)
        if waiting.any():
            raise EmulationError(f"barrier under divergence: {int(waiting.sum())} live threads are inactive, "
                                 f"e.g. {st.thread(_first(waiting))}")
        if st.mem.races is not None:
            st.mem.races.epoch += 1
    return run


def _require_warp32(st: _State, what: str) -> None:
    if st.ws != 32:
        raise EmulationError(f"{what} needs warp_size=32, not {st.ws}")


def _check_members(st: _State, member: np.ndarray) -> None:
    """Each active thread is in its member mask, and every lane the mask names is active."""
    active_bits = (st.mask.reshape(-1, 32).astype(np.int64) << np.arange(32)).sum(axis=1)
    warp_active = np.repeat(active_bits, 32)
    bad = st.mask & ((((member >> st.lane) & 1) == 0) | ((member & ~warp_active) != 0))
    if bad.any():
        t = _first(bad)
        raise EmulationError(f"member mask {int(member[t]):#010x} of {st.thread(t)} does not match the active "
                             f"lanes {int(warp_active[t]):#010x} (all lanes named must be active, itself included)")


@_op("nvvm.shfl.sync")
def _shfl(op: _Op) -> Handler:
    kind = re.search(r"bfly|up|down|idx", str(op.attrs["kind"]))[0]
    with_predicate = "return_value_and_is_valid" in op.attrs

    def run(st: _State, a: list) -> Value:
        _require_warp32(st, "nvvm.shfl.sync")
        member, b, c = (x.astype(np.int64) for x in (a[0], a[2], a[3]))
        _check_members(st, member)
        lane, bval, cval, seg = st.lane, b & 31, c & 31, (c >> 8) & 31
        max_lane, min_lane = (lane & seg) | (cval & ~seg), lane & seg
        j = {"up": lane - bval, "down": lane + bval, "bfly": lane ^ bval, "idx": min_lane | (bval & ~seg)}[kind]
        valid = j >= max_lane if kind == "up" else j <= max_lane
        src = st.warp_base + np.where(valid, j, lane)
        bad = st.mask & ~st.mask[src]
        if bad.any():
            t = _first(bad)
            raise EmulationError(f"{st.thread(t)} reads inactive lane {int(src[t]) % 32}")
        value = a[1][src]
        return (value, valid) if with_predicate else value
    return run


_REDUX: dict[str, tuple[Callable, int]] = {  # ufunc on int64, identity (for lanes outside the mask)
    "add": (np.add, 0), "and": (np.bitwise_and, -1), "or": (np.bitwise_or, 0), "xor": (np.bitwise_xor, 0),
    "min": (np.minimum, 2**31 - 1), "max": (np.maximum, -2**31), "umin": (np.minimum, 2**32 - 1), "umax": (np.maximum, 0),
}


@_op("nvvm.redux.sync")
def _redux(op: _Op) -> Handler:
    kind = re.search(r"redux_kind\s*<?\s*(\w+)|\b(umin|umax|min|max|add|and|or|xor)\b", str(op.attrs["kind"]))
    kind = kind[1] or kind[2]
    fn, identity = _REDUX[kind]
    signed = kind in ("min", "max")

    def run(st: _State, a: list) -> Value:
        _require_warp32(st, "nvvm.redux.sync")
        member = a[1].astype(np.int64)
        _check_members(st, member)
        value = (_sview(a[0]) if signed else a[0]).astype(np.int64)
        lanes = st.warp_base[:, None] + _LANE  # [thread, lane of its warp]
        named = ((member[:, None] >> _LANE) & 1).astype(bool)
        result = fn.reduce(np.where(named, value[lanes], identity), axis=1)
        return result.astype(a[0].dtype)  # two's complement wrap to 32 bits
    return run


#: fp8 formats PTX's cvt knows: exponent and mantissa bits, bias, whether
#: the all-ones magnitude is NaN (E4M3FN: no infinities) rather than IEEE.
_FP8 = {"f8E4M3FN": (4, 3, 7, True), "f8E5M2": (5, 2, 15, False)}


@functools.lru_cache(maxsize=None)
def _fp8_values(name: str) -> np.ndarray:
    """The value of each of the 256 encodings (NaN where NaN), float64."""
    e, m, bias, fn = _FP8[name]
    codes = np.arange(256)
    ex, man = codes >> m & ((1 << e) - 1), codes & ((1 << m) - 1)
    mag = np.where(ex == 0, man * 2.0 ** (1 - bias - m), (man + 2.0**m) * 2.0 ** (ex - bias - m))
    if fn:
        mag = np.where(codes & 0x7F == 0x7F, np.nan, mag)
    else:
        top = ex == (1 << e) - 1
        mag = np.where(top, np.where(man == 0, np.inf, np.nan), mag)
    return np.where(codes & 0x80, -mag, mag)


def _fp8_name(op: _Op, key: str) -> str:
    name = str(op.attrs[key])
    if name not in _FP8:
        raise EmulationError(f"{op.name} to or from {name} is not supported")
    return name


def _round_fp8(x: np.ndarray, name: str) -> np.ndarray:
    """cvt.rn.satfinite to fp8: nearest, ties to the even encoding; beyond
    the largest finite value (infinities too) that value; NaN the canonical
    0x7F; the sign kept (zeros too)."""
    vals = _fp8_values(name)
    codes = np.flatnonzero(np.isfinite(vals) & (np.arange(256) < 0x80))
    mags = vals[codes]  # ascending with the code
    a = np.abs(x.astype(np.float64))
    k = np.clip(np.searchsorted(mags, a, side="right") - 1, 0, len(mags) - 1)
    up = np.minimum(k + 1, len(mags) - 1)
    lo_d, hi_d = a - mags[k], mags[up] - a
    k = np.where((lo_d > hi_d) | ((lo_d == hi_d) & (codes[k] & 1 == 1)), up, k)
    out = codes[k] | np.where(np.signbit(x), 0x80, 0)
    return np.where(np.isnan(x), 0x7F, out).astype(np.uint8)


@_op("nvvm.convert.f32x2.to.f8x2")
def _cvt_f32x2_f8x2(op: _Op) -> Handler:
    name = _fp8_name(op, "dstTy")
    if "rn>" not in str(op.attrs.get("rnd", "")) or "satfinite" not in str(op.attrs.get("sat", "")) \
            or "true" in str(op.attrs.get("relu", "")):
        raise EmulationError("nvvm.convert.f32x2.to.f8x2 is emulated with rn and satfinite only")
    vector = op.outs[0].kind == "vector"

    def run(st: _State, a: list) -> Value:
        hi, lo = _round_fp8(a[0], name), _round_fp8(a[1], name)  # a: the high byte
        return np.stack([lo, hi], axis=1) if vector else (hi.astype(np.uint16) << 8) | lo
    return run


@_op("nvvm.convert.f8x2.to.f16x2")
def _cvt_f8x2_f16x2(op: _Op) -> Handler:
    vals = _fp8_values(_fp8_name(op, "srcType"))
    if "true" in str(op.attrs.get("relu", "")):
        raise EmulationError("nvvm.convert.f8x2.to.f16x2 is emulated without relu")
    half = np.where(np.isnan(vals), np.nan, vals).astype(np.float16)  # exact

    def run(st: _State, a: list) -> Value:
        x = a[0] if a[0].ndim == 2 else np.stack([a[0] & 0xFF, a[0] >> 8], axis=1)
        return half[x.astype(np.intp)]
    return run


_LANE = np.arange(32)
_FRAG_ROW, _FRAG_COL = _LANE // 4, 2 * (_LANE % 4)  # lane l holds row l/4, columns 2(l%4), 2(l%4)+1


def _matrix_trans(op: _Op) -> bool:
    if "m = 8, n = 8" not in str(op.attrs["shape"]) or "b16" not in str(op.attrs["eltType"]):
        raise EmulationError("only the m8n8 b16 shape is supported")
    return "col" in str(op.attrs["layout"])


def _whole_warps(st: _State, what: str) -> np.ndarray:
    _require_warp32(st, what)
    m = st.mask.reshape(-1, 32)
    partial = m.any(axis=1) & ~m.all(axis=1)
    if partial.any():
        raise EmulationError(f"{what} in warp {int(np.argmax(partial))} of CTA {st.cta} with only some lanes active")
    return np.flatnonzero(m.all(axis=1))


def _row_threads(warps: np.ndarray, num: int) -> np.ndarray:
    """Threads supplying row addresses: lane 8m + r gives row r of matrix m."""
    return (warps[:, None] * 32 + np.arange(8 * num)).reshape(-1)


@_op("nvvm.ldmatrix")
def _ldmatrix(op: _Op) -> Handler:
    num, trans, struct = int(op.attrs["num"].value), _matrix_trans(op), op.outs[0].kind == "struct"

    def run(st: _State, a: list) -> Value:
        warps = _whole_warps(st, "nvvm.ldmatrix")
        rows = _row_threads(warps, num)
        tiles = st.mem.load(a[0][rows], 16, st, rows).view(np.uint16).reshape(len(warps), num, 8, 8)
        tiles = tiles.transpose(0, 1, 3, 2) if trans else tiles
        lo, hi = tiles[:, :, _FRAG_ROW, _FRAG_COL], tiles[:, :, _FRAG_ROW, _FRAG_COL + 1]
        words = lo.astype(np.uint32) | (hi.astype(np.uint32) << 16)  # [warp, matrix, lane]
        regs = np.zeros((num, st.T), np.uint32)
        regs[:, (warps[:, None] * 32 + _LANE).reshape(-1)] = words.transpose(1, 0, 2).reshape(num, -1)
        return tuple(regs) if struct else regs[0]
    return run


@_op("nvvm.stmatrix")
def _stmatrix(op: _Op) -> Handler:
    num, trans = len(op.ins) - 1, _matrix_trans(op)

    def run(st: _State, a: list) -> None:
        warps = _whole_warps(st, "nvvm.stmatrix")
        threads = (warps[:, None] * 32 + _LANE).reshape(-1)
        words = np.stack([r[threads] for r in a[1:]]).reshape(num, len(warps), 32).transpose(1, 0, 2)
        tiles = np.zeros((len(warps), num, 8, 8), np.uint16)
        tiles[:, :, _FRAG_ROW, _FRAG_COL] = (words & 0xFFFF).astype(np.uint16)
        tiles[:, :, _FRAG_ROW, _FRAG_COL + 1] = (words >> 16).astype(np.uint16)
        tiles = tiles.transpose(0, 1, 3, 2) if trans else tiles
        rows = _row_threads(warps, num)
        st.mem.store(a[0][rows], np.ascontiguousarray(tiles).reshape(-1, 8).view(np.uint8), st, rows)
    return run


@_op("rocdl.ds_bpermute")
def _ds_bpermute(op: _Op) -> Handler:
    def run(st: _State, a: list) -> np.ndarray:
        src = st.warp_base + ((_uview(a[0]).astype(np.int64) >> 2) & (st.ws - 1))
        return np.where(st.mask[src], a[1][src], 0).astype(a[1].dtype)  # inactive sources read 0
    return run


@_op("rocdl.mbcnt.lo", "rocdl.mbcnt.hi")
def _mbcnt(op: _Op) -> Handler:
    first = 32 if op.name.endswith("hi") else 0

    def run(st: _State, a: list) -> np.ndarray:
        below = np.clip(st.lane - first, 0, 32)
        bits = (a[0].astype(np.int64) & ((1 << below) - 1)).astype("<u4").view(np.uint8)
        return a[1] + np.unpackbits(bits.reshape(-1, 4), axis=1).sum(axis=1).astype(a[1].dtype)
    return run


# ------------------------------------------------------------------------------------ decoding


@dataclass
class _Instr:
    run: Handler
    ins: tuple[int, ...]
    out: int  # result slot, -1 if none
    where: str


@dataclass
class _Block:
    args: tuple[int, ...]
    instrs: list[_Instr]
    term: tuple  # ("return",) | ("unreachable",) | ("br", dest, ops) | ("cond", c, t, t_ops, f, f_ops)
    where: str


@dataclass
class _Program:
    name: str
    params: list[_Ty]
    blocks: list[_Block]
    ipdom: list[int | None]
    nvalues: int
    static_shared: int  # bytes of shared memory before the dynamic part
    threads: int | None  # from nvvm.reqntid / rocdl.flat_work_group_size


def _attrs(op: Any) -> dict[str, Any]:
    named = (op.attributes[i] for i in range(len(op.attributes)))
    return {a.name: a.attr for a in named}


def _where_is(op: Any) -> str:
    location = re.sub(r"^loc\((.*)\)$", r"\1", str(op.location))
    return f"{op.name} at {location}"


def _shared_layout(module: Any) -> tuple[dict[str, int], int]:
    """Offsets of addr_space 3 globals: sized ones first, zero-sized (dynamic) ones after them."""
    sized, dynamic = [], []
    for op in module.body.operations:
        op = op.operation
        attrs = _attrs(op)
        if op.name == "llvm.mlir.global" and "addr_space" in attrs and attrs["addr_space"].value == 3:
            size, align = _layout(_parse_type(str(attrs["global_type"].value)))
            align = max(align, attrs["alignment"].value if "alignment" in attrs else 1)
            (sized if size else dynamic).append((attrs["sym_name"].value, size, align))
    offsets, end = {}, 0
    for name, size, align in sized + dynamic:
        offsets[name] = end = _round_up(end, align)
        end += size
    return offsets, end


def _ipdoms(succ: list[list[int]]) -> list[int | None]:
    """Immediate post-dominators; None for the virtual exit (node len(succ))."""
    n = len(succ)
    everything = set(range(n + 1))
    pdom = [set(everything) for _ in range(n)] + [{n}]
    changed = True
    while changed:
        changed = False
        for b in reversed(range(n)):
            new = {b} | set.intersection(*(pdom[s] for s in succ[b]))
            if new != pdom[b]:
                pdom[b], changed = new, True
    ipdom: list[int | None] = []
    for b in range(n):
        strict = pdom[b] - {b}
        d = next((d for d in strict if pdom[d] == strict), n) if pdom[b] != everything else n
        ipdom.append(None if d == n else d)
    return ipdom


def _pick_function(module: Any, kernel: str | None) -> Any:
    funcs = [op.operation for op in module.body.operations
             if op.operation.name == "llvm.func" and len(op.operation.regions[0].blocks) > 0]
    names = [_attrs(f)["sym_name"].value for f in funcs]
    if kernel is not None:
        if kernel not in names:
            raise EmulationError(f"no llvm.func @{kernel} with a body; functions: {names}")
        return funcs[names.index(kernel)]
    kernels = [f for f in funcs if {"nvvm.kernel", "rocdl.kernel"} & set(_attrs(f))]
    candidates = funcs if len(funcs) == 1 else kernels
    if len(candidates) != 1:
        raise EmulationError(f"name the kernel to run; functions: {names}")
    return candidates[0]




def _decode_op(op: Any, shared: dict[str, int], slot: Callable[[Any], int]) -> _Instr:
    where = _where_is(op)
    if op.name not in _OPS:
        raise EmulationError(f"unsupported op {where}")
    try:
        info = _Op(op.name, [_parse_type(str(v.type)) for v in op.operands],
                   [_parse_type(str(r.type)) for r in op.results], _attrs(op), shared)
        run = _OPS[op.name](info)
    except EmulationError as e:
        raise EmulationError(f"{where}: {e}") from None
    out = slot(op.results[0]) if len(op.results) else -1
    return _Instr(run, tuple(slot(v) for v in op.operands), out, where)


@functools.lru_cache(maxsize=32)
def _decode(text: str, kernel: str | None) -> _Program:
    from mlir import ir

    from .compiler import _context
    from .mlir import kernel_threads

    try:  # in the context with the ll dialect (the module's ll.target)
        module = ir.Module.parse(text, _context())
    except Exception as e:  # MLIRError carries the diagnostics
        raise EmulationError(f"cannot parse the module: {e}") from None
    shared, static_shared = _shared_layout(module)
    func = _pick_function(module, kernel)
    blocks = list(func.regions[0].blocks)
    block_index = {b: i for i, b in enumerate(blocks)}
    slots: dict[Any, int] = {}

    def slot(v: Any) -> int:
        return slots.setdefault(v, len(slots))

    decoded, succ = [], []
    for block in blocks:
        *body, last = [op.operation for op in block.operations]
        operands = [slot(v) for v in last.operands]
        if last.name == "llvm.br":
            term: tuple = ("br", block_index[last.successors[0]], operands)
        elif last.name == "llvm.cond_br":
            t, f = last.successors[0], last.successors[1]
            nt = len(t.arguments)
            term = ("cond", operands[0], block_index[t], operands[1:1 + nt], block_index[f], operands[1 + nt:])
        elif last.name in ("llvm.return", "llvm.unreachable"):
            term = (last.name[5:],)
        else:
            raise EmulationError(f"unsupported op {_where_is(last)}")
        args = tuple(slot(a) for a in block.arguments)
        decoded.append(_Block(args, [_decode_op(op, shared, slot) for op in body], term, _where_is(last)))
        succ.append([term[2], term[4]] if term[0] == "cond" else [term[1]] if term[0] == "br" else [len(blocks)])
    fattrs = _attrs(func)
    params = [_parse_type(str(a.type)) for a in blocks[0].arguments]
    return _Program(fattrs["sym_name"].value, params, decoded, _ipdoms(succ), len(slots), static_shared,
                    kernel_threads(fattrs))


# ------------------------------------------------------------------------------------ execution


def _assign(prog: _Program, vals: list, edges: list[tuple[int, list[int], np.ndarray]]) -> None:
    """Pass block arguments along `edges` (dest, operand slots, lanes), reading all before writing."""
    incoming = [(dest, [vals[i] for i in ops], m) for dest, ops, m in edges if m.any()]
    for dest, values, m in incoming:
        for arg, v in zip(prog.blocks[dest].args, values):
            old = vals[arg]
            vals[arg] = v if old is None or m.all() else _where(m, v, old)


def _run_block(block: _Block, vals: list, st: _State) -> None:
    mask, full = st.mask, st.full
    for ins in block.instrs:
        try:
            out = ins.run(st, [vals[i] for i in ins.ins])
        except EmulationError as e:
            raise EmulationError(f"{ins.where}: {e}") from None
        if ins.out >= 0:
            old = vals[ins.out]
            vals[ins.out] = out if full or old is None else _where(mask, out, old)


def _run_cta(prog: _Program, st: _State, params: list[np.ndarray]) -> None:
    vals: list = [None] * prog.nvalues
    for slot, value in zip(prog.blocks[0].args, params):
        vals[slot] = value
    stack: list[list] = [[0, np.ones(st.T, bool), None]]  # [block, mask, reconvergence block]
    executed = 0
    while stack:
        top = stack[-1]
        b, mask, rpc = top  # lanes of an entry all reach its block (they cannot exit before it)
        if b is None or b == rpc or not mask.any():
            stack.pop()
            continue
        executed += 1
        if executed > _MAX_BLOCKS:
            raise EmulationError(f"CTA {st.cta} executed {_MAX_BLOCKS} blocks: the kernel seems to hang")
        st.set_mask(mask)
        block = prog.blocks[b]
        _run_block(block, vals, st)
        kind = block.term[0]
        if kind == "return":
            st.exited |= mask
            stack.pop()
        elif kind == "unreachable":
            raise EmulationError(f"{block.where}: reached by {st.thread(int(st.lanes[0]))}")
        elif kind == "br":
            _assign(prog, vals, [(block.term[1], block.term[2], mask)])
            top[0], top[1] = block.term[1], mask
        else:
            _, cond, t, t_ops, f, f_ops = block.term
            taken = mask & vals[cond]
            other = mask & ~taken
            _assign(prog, vals, [(t, t_ops, taken), (f, f_ops, other)])
            if t == f or not other.any() or not taken.any():
                top[0], top[1] = (t if taken.any() else f), mask
                continue
            r = prog.ipdom[b]
            if r == rpc:  # the entry below already waits at r
                stack.pop()
            else:
                top[0], top[1] = r, mask
            stack.extend([dest, m, r] for dest, m in ((f, other), (t, taken)) if dest != r)


def _dims(value: int | Sequence[int], what: str) -> tuple[int, int, int]:
    def integral(d: Any) -> bool:
        return isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_))

    try:
        dims = (value,) if integral(value) else tuple(value)
    except TypeError:
        dims = ()
    if not 1 <= len(dims) <= 3 or not all(integral(d) and int(d) >= 1 for d in dims):
        raise EmulationError(f"{what} must be a positive int or 1 to 3 positive ints, not {value!r}")
    return tuple(int(d) for d in dims) + (1,) * (3 - len(dims))  # type: ignore[return-value]


def _scalar_param(value: Any, ty: _Ty, i: int) -> Any:
    if isinstance(value, np.ndarray) and value.ndim > 0:
        raise EmulationError(f"parameter {i} is a scalar {ty}, but an array was passed")
    value = value.item() if isinstance(value, np.ndarray) else value
    if ty.kind == "int":
        if not isinstance(value, (int, np.integer, np.bool_)):
            raise EmulationError(f"parameter {i} is an {ty}, not {type(value).__name__}")
        v = int(value)
        if not -(1 << (ty.bits - 1)) <= v < (1 << ty.bits) and ty.bits > 1:
            raise EmulationError(f"parameter {i}: {v} does not fit {ty}")
        return _int_row([v], ty)[0]
    if ty.kind == "float":
        if not isinstance(value, (int, float, np.integer, np.floating)):
            raise EmulationError(f"parameter {i} is an {ty}, not {type(value).__name__}")
        return _to_float(np.array([float(value)]), ty)[0]
    raise EmulationError(f"parameter {i} of type {ty} is not supported")


def emulate_mlir(mlir_text: str, kernel: str | None, grid: int | Sequence[int], args: Sequence[Any], *,
                 threads_per_cta: int | Sequence[int] | None = None, warp_size: int = 32,
                 shared_bytes: int = 0) -> None:
    """Run `kernel` of an LLVM-dialect module on every thread of `grid` CTAs, like a launch.

    `args` follow the kernel's parameters: a C-contiguous numpy array for each pointer (read and
    written in place), a Python / numpy number for each scalar. `threads_per_cta` (an int or up
    to 3 dims, x fastest) defaults to the function's ``nvvm.reqntid`` or
    ``rocdl.flat_work_group_size``; `shared_bytes` is the dynamic shared memory, placed after
    the statically sized shared globals. CTAs run one after another, x fastest.
    """
    prog = _decode(mlir_text, kernel)
    if threads_per_cta is None and prog.threads is None:
        raise EmulationError(f"@{prog.name} has no nvvm.reqntid / rocdl.flat_work_group_size: pass threads_per_cta")
    dims = _dims(prog.threads if threads_per_cta is None else threads_per_cta, "threads_per_cta")
    grid3 = _dims(grid, "grid")
    T = dims[0] * dims[1] * dims[2]
    if warp_size < 1 or T % warp_size:
        raise EmulationError(f"threads_per_cta {T} must be a multiple of warp_size {warp_size}")
    if len(args) != len(prog.params):
        raise EmulationError(f"@{prog.name} takes {len(prog.params)} arguments, {len(args)} given")
    mem, params = _Memory(), []
    for i, (value, ty) in enumerate(zip(args, prog.params)):
        if ty.kind == "ptr":
            if not isinstance(value, np.ndarray):
                raise EmulationError(f"parameter {i} is a pointer: pass a numpy array, not {type(value).__name__}")
            if not value.flags.c_contiguous:
                raise EmulationError(f"the array for parameter {i} must be C-contiguous")
            base = (i + 1) << _GLOBAL_SHIFT
            mem.regions.append((base, value.reshape(-1).view(np.uint8), f"parameter {i} ({value.dtype}{list(value.shape)})"))
            params.append(np.full(T, base, np.int64))
        else:
            params.append(np.full(T, _scalar_param(value, ty, i)))
    shared_size = prog.static_shared + shared_bytes
    rng = np.random.default_rng(0)
    with np.errstate(all="ignore"):
        for z, y, x in itertools.product(range(grid3[2]), range(grid3[1]), range(grid3[0])):
            shared = rng.integers(0, 256, shared_size, dtype=np.uint8)
            mem.regions.append((SHARED_WINDOW, shared, f"shared memory ({shared_size} bytes)"))
            mem.shared, mem.races = shared, _RaceTracker(shared_size)
            _run_cta(prog, _State(dims, warp_size, (x, y, z), grid3, mem), params)
            mem.regions.pop()


def emulate(kernel: Any, grid: int | Sequence[int], args: Sequence[Any]) -> None:
    """Run a compiled kernel object (.mlir, .name, .num_warps, .threads_per_warp, .shared_bytes)."""
    missing = [a for a in ("mlir", "name", "num_warps", "threads_per_warp", "shared_bytes") if not hasattr(kernel, a)]
    if missing:
        raise EmulationError(f"emulate runs a compiled kernel (linear_layouts.compile's result), "
                             f"not {type(kernel).__name__}")
    emulate_mlir(kernel.mlir, kernel.name, grid, args, threads_per_cta=kernel.num_warps * kernel.threads_per_warp,
                 warp_size=kernel.threads_per_warp, shared_bytes=kernel.shared_bytes)
