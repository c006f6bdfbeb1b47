"""Inline PTX for the emulator: ``llvm.inline_asm`` strings run per thread.

Our lowering and Triton's NVIDIA back end emit work as inline PTX, e.g. a
masked global load, one predicated instruction (no branch)::

    mov.b32 $0, 0;  mov.b32 $1, $5;  @$3 ld.global.v2.b32 { $0, $1 }, [ $2 + 0 ];

or a conversion in a register block of its own::

    { .reg .b32 a<2>;  and.b32 a0, $1, 0xfffefffe;  ...  prmt.b32 $0, a0, a1, 0x7531; }

This module parses such a string with its constraint string once (operand
numbering: outputs ``=r`` first, then inputs; scope braces and ``.reg``
declarations, ``name<n>`` ranges and ``.pred`` registers included;
predicates ``@$n`` / ``@!p``; vector braces; ``[ $n + imm ]`` addresses;
integer, hex and ``0f`` float immediates; several instructions separated by
``;``) and runs it on the emulator's per-thread values. Registers hold the
bits of their width (inputs are given as their in-memory bytes).

It is table-driven: each opcode is one entry of ``_INSTRUCTIONS`` whose
docstring names the PTX ISA section its semantics come from. An
instruction, modifier or operand form that is not modelled raises
EmulationError naming it -- never a silent skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .values import EmulationError, _bf16_bits, _bf16_value, _flush_f32, _require_aligned, _shared_flat

# LLVM's NVPTX inline-asm constraints (the register class): c and h 16-bit
# (c: an i8 or i16 value in a 16-bit register), r 32-bit, l 64-bit, f a
# 32-bit float, d a 64-bit float, b a predicate. An input constraint that
# is a number ties the input to that output (one register: the input is
# its initial value).
_CONSTRAINT_BITS = {"c": 16, "h": 16, "r": 32, "l": 64, "f": 32, "d": 64, "b": 1}
_UINT = {1: np.bool_, 8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}
_SINT = {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}
_FLOAT = {16: np.float16, 32: np.float32, 64: np.float64}
#: .reg types -> bits
_REG_TYPES = {"pred": 1, **{f"{k}{w}": w for k in "bsu" for w in (8, 16, 32, 64)},
              **{f"f{w}": w for w in (16, 32, 64)}, "f16x2": 32, "bf16x2": 32, "bf16": 16}


def _error(msg: str) -> Exception:
    return EmulationError(msg)


@dataclass(frozen=True)
class _Operand:
    #: "reg", "imm", "vec" (braces of registers), "addr" ([ reg + imm ]), "tmap" ([ map, {coordinates} ]:
    #: regs = the map, then the coordinates), "sink" (_), "label" (a branch target: name)
    kind: str
    regs: tuple[int, ...] = ()
    imm: int = 0
    name: str = ""


@dataclass(frozen=True)
class _Instr:
    text: str
    opcode: str  # e.g. "ld", "st", "mov"
    mods: tuple[str, ...]  # e.g. ("global", "v4", "b32")
    pred: int | None  # predicate register, or None
    pred_negated: bool
    operands: tuple[_Operand, ...]
    widths: tuple[int, ...]  # bits of every register of the string


_REG = r"\$\d+|[%A-Za-z_][\w$%]*"
_INT = r"-?(?:0[xX][0-9a-fA-F]+|\d+)"


class _Registers:
    """Register names of one string: ``$n`` operands, then ``.reg`` locals."""

    def __init__(self, widths: list[int]) -> None:
        self.index = {f"${i}": i for i in range(len(widths))}
        self.widths = list(widths)

    def declare(self, decl: str, where: str) -> None:
        m = re.fullmatch(r"\.reg\s+\.(\w+)\s+(.*)", decl, re.S)
        if not m or m[1] not in _REG_TYPES:
            raise _error(f"inline PTX {where!r}: declaration {decl!r} is not modelled (.reg .b32 a, b<2>, ...)")
        for name in (n.strip() for n in m[2].split(",")):
            r = re.fullmatch(r"([%A-Za-z_][\w$]*)(?:<(\d+)>)?", name)
            if not r:
                raise _error(f"inline PTX {where!r}: register name {name!r} is not modelled")
            for full in ([f"{r[1]}{k}" for k in range(int(r[2]))] if r[2] else [r[1]]):
                self.index[full] = len(self.widths)
                self.widths.append(_REG_TYPES[m[1]])

    def __call__(self, name: str, where: str) -> int:
        if name not in self.index:
            if name.startswith("$"):
                raise _error(f"inline PTX {where!r}: operand {name} does not exist "
                             f"({sum(k.startswith('$') for k in self.index)} operands)")
            raise _error(f"inline PTX {where!r}: operand {name!r} is not modelled (not a declared register)")
        return self.index[name]


def _immediate(t: str) -> int | None:
    if re.fullmatch(_INT, t):
        return int(t, 0)
    m = re.fullmatch(r"0[fF]([0-9a-fA-F]{8})|0[dD]([0-9a-fA-F]{16})", t)  # PTX float immediates: raw bits
    if m:
        return int(m[1] or m[2], 16)
    return None


def _parse_operand(text: str, regs: _Registers, where: str) -> _Operand:
    t = text.strip()
    if t == "_":
        return _Operand("sink")
    if re.fullmatch(_REG, t):
        return _Operand("reg", (regs(t, where),))
    m = re.fullmatch(rf"\[\s*({_REG})\s*,\s*(\{{.*\}})\s*\]", t, re.S)
    if m:
        return _Operand("tmap", (regs(m[1], where),) + _parse_operand(m[2], regs, where).regs)
    m = re.fullmatch(r"\{(.*)\}", t, re.S)
    if m:
        out = []
        for r in m[1].split(","):
            r = r.strip()
            if not re.fullmatch(_REG, r):
                raise _error(f"inline PTX {where!r}: vector element {r!r} is not a register")
            out.append(regs(r, where))
        return _Operand("vec", tuple(out))
    m = re.fullmatch(rf"\[\s*({_REG})\s*(?:\+\s*({_INT})\s*)?\]", t)
    if m:
        return _Operand("addr", (regs(m[1], where),), int(m[2] or "0", 0))
    imm = _immediate(t)
    if imm is not None:
        return _Operand("imm", (), imm)
    raise _error(f"inline PTX {where!r}: operand {t!r} is not modelled (a register, an integer, "
                 f"{{ $a, ... }}, [ $n + imm ])")


def _split_operands(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for c in text:
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
        if c == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += c
    if cur.strip():
        out.append(cur)
    return out


def _parse_statement(s: str, regs: _Registers) -> _Instr:
    m = re.fullmatch(rf"(?:@(!?)({_REG})\s+)?([a-z][a-z0-9]*)((?:\.[A-Za-z0-9_:]+)*)\s*(.*)", s, re.S)
    if not m:
        raise _error(f"inline PTX {s!r} is not an instruction")
    pred = regs(m[2], s) if m[2] else None
    if m[3] == "bra":
        if not re.fullmatch(r"[A-Za-z_]\w*", m[5].strip()):
            raise _error(f"inline PTX {s!r}: a branch to a label of the string is modelled")
        operands: tuple = (_Operand("label", name=m[5].strip()),)
    else:
        operands = tuple(_parse_operand(o, regs, s) for o in _split_operands(m[5]))
    return _Instr(s, m[3], tuple(x for x in m[4].split(".") if x), pred, m[1] == "!", operands,
                  tuple(regs.widths))


def _statements(asm: str) -> list[str]:
    """The statements of a string: split at ';', scope braces dropped."""
    out = []
    asm = re.sub(r"//[^\n]*", "", asm)  # comments (Triton's "// wait for regs: $0, ...")
    for s in asm.split(";"):
        s = " ".join(s.split())
        while s.startswith(("{", "}")):
            s = s[1:].strip()
        while s.endswith("}") and "{" not in s:
            s = s[:-1].strip()
        if s:
            out.append(s)
    return out


# ---- register values: bits of the register's width, per thread


def _to_register(v: Any, bits: int, T: int) -> np.ndarray:
    """An input value (any dtype, [T] or [T, n]) as register bits: its
    in-memory bytes zero-extended or truncated to the register's width."""
    v = np.asarray(v)
    if bits == 1:
        return (v.reshape(T, -1) != 0).any(axis=1)
    raw = np.ascontiguousarray(v).view(np.uint8).reshape(T, -1) if v.dtype != np.bool_ else \
        v.reshape(T, -1).astype(np.uint8)
    n = bits // 8
    if raw.shape[1] < n:
        raw = np.concatenate([raw, np.zeros((T, n - raw.shape[1]), np.uint8)], axis=1)
    return np.ascontiguousarray(raw[:, :n]).view(_UINT[bits]).reshape(T)


def _read(op: _Operand, bits: int) -> Callable[[list, int], np.ndarray]:
    """A source operand as `bits`-bit values (an immediate: its low bits;
    a register: its bits truncated / zero-extended)."""
    if op.kind == "imm":
        value = op.imm & ((1 << bits) - 1) if bits > 1 else bool(op.imm)
        return lambda regs, T: np.full(T, value, _UINT[bits])
    if op.kind != "reg":
        raise _error(f"a {op.kind} operand where a register or an immediate is expected")
    i = op.regs[0]

    def read(regs: list, T: int) -> np.ndarray:
        v = regs[i]
        if v is None:  # never written: PTX leaves it undefined; the emulator reads 0
            return np.zeros(T, _UINT[bits])
        return v.astype(bool) if bits == 1 else v.astype(_UINT[bits])
    return read


def _write(regs: list, i: int, active: np.ndarray, value: np.ndarray, widths: tuple[int, ...]) -> None:
    value = value.astype(_UINT[widths[i]])
    old = regs[i]
    regs[i] = value if old is None else np.where(active, value, old.astype(value.dtype))


def _as_float(bits: np.ndarray, w: int) -> np.ndarray:
    return bits.astype(_UINT[w]).view(_FLOAT[w])


def _bits_of(x: np.ndarray, w: int) -> np.ndarray:
    return np.asarray(x, _FLOAT[w]).view(_UINT[w])


# ---- instructions: opcode -> factory(instr) -> run(st, regs, active)


def _type(instr: _Instr) -> tuple[str, int]:
    """The kind (b, s, u, f, pred) and bits of the instruction's type modifier."""
    for mod in reversed(instr.mods):
        m = re.fullmatch(r"([bsuf])(8|16|32|64)", mod)
        if m:
            return m[1], int(m[2])
        if mod == "pred":
            return "pred", 1
    raise _error(f"inline PTX {instr.text!r}: no type modifier (.b32, .u16, ...)")


def _width(instr: _Instr) -> int:
    return _type(instr)[1]


#: cache eviction priorities and prefetch sizes (PTX ISA 9.7.9.8 "ld"): no effect on values
_CACHE_HINTS = re.compile(r"L1::(evict_\w+|no_allocate)|L2::(evict_\w+|64B|128B|256B)|ca|cg|cs|lu|cv|wb|wt|nc")


def _known_mods(instr: _Instr, allowed: set[str]) -> None:
    for mod in instr.mods:
        if mod == "L2::cache_hint":
            raise _error(f"inline PTX {instr.text!r}: .L2::cache_hint (an extra operand) is not modelled")
        if mod not in allowed and not re.fullmatch(r"[bsuf](8|16|32|64)|v[24]|pred", mod) and \
                not (instr.opcode in ("ld", "st") and _CACHE_HINTS.fullmatch(mod)):
            raise _error(f"inline PTX {instr.text!r}: modifier .{mod} is not modelled")


def _arity(instr: _Instr, n: int, what: str) -> None:
    if len(instr.operands) != n or instr.operands[0].kind != "reg":
        raise _error(f"inline PTX {instr.text!r}: {instr.opcode} takes {what}")


def _mov(instr: _Instr) -> Callable:
    """mov (PTX ISA 9.7.9.1 "mov"): a register or immediate into a register;
    a register into a vector of n registers of w/n bits each, or such a
    vector into a register (unpack / pack: element 0 in the low bits)."""
    _known_mods(instr, set())
    if len(instr.operands) != 2:
        raise _error(f"inline PTX {instr.text!r}: mov takes a register and a register or an integer")
    w = _width(instr)
    d, a = instr.operands
    if d.kind == "vec" and a.kind == "reg" or d.kind == "reg" and a.kind == "vec":
        parts = d.regs if d.kind == "vec" else a.regs
        pw = w // len(parts)
        if pw * len(parts) != w or pw not in _UINT:
            raise _error(f"inline PTX {instr.text!r}: {len(parts)} parts of a .b{w}")
        mask = np.uint64((1 << pw) - 1)
        if d.kind == "vec":
            src = _read(a, w)

            def unpack(st: Any, regs: list, active: np.ndarray) -> None:
                v = src(regs, st.T).astype(np.uint64)
                for k, r in enumerate(parts):
                    _write(regs, r, active, (v >> np.uint64(k * pw)) & mask, instr.widths)
            return unpack
        srcs = [_read(_Operand("reg", (r,)), pw) for r in parts]
        dst = d.regs[0]

        def pack(st: Any, regs: list, active: np.ndarray) -> None:
            v = np.zeros(st.T, np.uint64)
            for k, f in enumerate(srcs):
                v |= f(regs, st.T).astype(np.uint64) << np.uint64(k * pw)
            _write(regs, dst, active, v, instr.widths)
        return pack
    _arity(instr, 2, "a register and a register or an integer")
    dst = instr.operands[0].regs[0]
    src = _read(instr.operands[1], w)
    return lambda st, regs, active: _write(regs, dst, active, src(regs, st.T), instr.widths)


def _binary(fn: Callable[[np.ndarray, np.ndarray, int, str], np.ndarray], kinds: str, mods: set[str] = set(),
            arity: int = 3) -> Callable[[_Instr], Callable]:
    """A factory for a d = f(a, b[, c]) instruction on `kinds` of types."""
    def factory(instr: _Instr) -> Callable:
        _known_mods(instr, mods)
        kind, w = _type(instr)
        if kind[0] not in kinds:
            raise _error(f"inline PTX {instr.text!r}: .{kind}{w} operands are not modelled for {instr.opcode}")
        _arity(instr, arity, f"{arity} operands")
        dst = instr.operands[0].regs[0]
        srcs = [_read(o, w) for o in instr.operands[1:]]
        m = instr.mods

        def run(st: Any, regs: list, active: np.ndarray) -> None:
            _write(regs, dst, active, fn(*(s(regs, st.T) for s in srcs), w, kind, m), instr.widths)
        return run
    return factory


def _float_binary(fn: Callable) -> Callable:
    """An IEEE float operation rounded to nearest even (.rn, the default)."""
    def run(x: np.ndarray, y: np.ndarray, w: int, kind: str, mods: tuple) -> np.ndarray:
        with np.errstate(all="ignore"):
            return _bits_of(fn(_as_float(x, w), _as_float(y, w)), w)
    return run


def _integer_or_float(int_fn: Callable, float_fn: Callable) -> Callable:
    """(other rounding modes, .sat and .ftz are refused by the modifier check)"""
    fl = _float_binary(float_fn)
    return lambda x, y, w, kind, mods: fl(x, y, w, kind, mods) if kind == "f" else int_fn(x, y)


def _mul(x: np.ndarray, y: np.ndarray, w: int, kind: str, mods: tuple) -> np.ndarray:
    """mul (PTX ISA "mul": .lo / .hi / .wide of integers; floats: .rn)."""
    if kind == "f":
        return _float_binary(np.multiply)(x, y, w, kind, mods)
    part = next((m for m in mods if m in ("lo", "hi", "wide")), None)
    if part is None:
        raise _error("integer mul needs .lo, .hi or .wide")
    if w == 64 and part != "lo":  # the 128-bit product
        view = (lambda v: v.view(np.int64)) if kind == "s" else (lambda v: v)
        full = [int(a) * int(b) for a, b in zip(view(x), view(y))]
        return np.array([(v >> 64) & ((1 << 64) - 1) for v in full], np.uint64)
    if kind == "s" and w < 64:
        full = x.view(_SINT[w]).astype(np.int64) * y.view(_SINT[w]).astype(np.int64)
    else:
        full = x.astype(np.uint64) * y.astype(np.uint64)  # exact below 64 bits, mod 2^64 for .lo
    if part == "hi":
        return (full >> w).astype(np.uint64) & np.uint64((1 << w) - 1)
    return full.astype(np.uint64)


def _shift(left: bool) -> Callable:
    """shl / shr (PTX ISA "shl", "shr"): amounts past the width clamp to it
    (0, or the sign fill for shr.s)."""
    def run(x: np.ndarray, n: np.ndarray, w: int, kind: str, mods: tuple) -> np.ndarray:
        n = np.minimum(n.astype(np.uint64), w)
        if left:
            return np.where(n >= w, 0, x.astype(np.uint64) << np.minimum(n, w - 1))
        if kind == "s":
            return (x.view(_SINT[w]).astype(np.int64) >> np.minimum(n, w - 1).astype(np.int64)).astype(_SINT[w]) \
                .view(_UINT[w])
        return np.where(n >= w, 0, x.astype(np.uint64) >> np.minimum(n, w - 1))
    return run


def _prmt(a: np.ndarray, b: np.ndarray, c: np.ndarray, w: int, kind: str, mods: tuple) -> np.ndarray:
    """prmt.b32 (PTX ISA "prmt", default mode): byte i of d is byte
    (c >> 4i) & 7 of {b, a} (a's bytes 0-3, b's 4-7); selector bit 3
    replicates that byte's sign bit."""
    if mods != ("b32",):
        raise _error(f"prmt.{'.'.join(mods)}: only the default mode is modelled")
    pool = np.stack([a.astype(np.uint32), b.astype(np.uint32)], axis=1).view(np.uint8)  # [T, 8]
    out = np.zeros(a.shape, np.uint32)
    rows = np.arange(len(a))
    for i in range(4):
        sel = (c.astype(np.uint32) >> (4 * i)) & 0xF
        byte = pool[rows, sel & 7].astype(np.uint32)
        byte = np.where(sel & 8, np.where(byte & 0x80, 0xFF, 0), byte).astype(np.uint32)
        out |= byte << np.uint32(8 * i)
    return out


def _lop3(a: np.ndarray, b: np.ndarray, c: np.ndarray, lut: np.ndarray, w: int, kind: str,
          mods: tuple) -> np.ndarray:
    """lop3.b32 (PTX ISA "lop3"): bit k of d is bit (a_k b_k c_k) of immLut,
    with a_k the most significant (the LUT of 0xF0, 0xCC, 0xAA)."""
    out = np.zeros(a.shape, np.uint32)
    lut = int(lut[0]) if len(lut) else 0
    for i in range(8):
        if (lut >> i) & 1:
            out |= (a if i & 4 else ~a) & (b if i & 2 else ~b) & (c if i & 1 else ~c)
    return out


_SETP = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
         "ge": np.greater_equal, "lo": np.less, "ls": np.less_equal, "hi": np.greater, "hs": np.greater_equal,
         **{f"{k}u": f for k, f in (("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
                                    ("gt", np.greater), ("ge", np.greater_equal))},
         "num": lambda x, y: np.zeros(np.shape(x), bool), "nan": lambda x, y: np.zeros(np.shape(x), bool)}


def _setp(instr: _Instr) -> Callable:
    """setp.CmpOp.type p, a, b (PTX ISA 9.7.7.4 "setp"): float comparisons
    are ordered (false where either is NaN, ne included); the ...u forms
    are unordered (true there); num / nan test for NaN."""
    cmp = next((m for m in instr.mods if m in _SETP), None)
    _known_mods(instr, set(_SETP))
    if cmp is None:
        raise _error(f"inline PTX {instr.text!r}: setp needs a comparison")
    kind, w = _type(instr)
    _arity(instr, 3, "a predicate and two operands")
    dst, (x, y) = instr.operands[0].regs[0], [_read(o, w) for o in instr.operands[1:]]
    view = (lambda v: v.view(_SINT[w])) if kind == "s" else (lambda v: _as_float(v, w)) if kind == "f" else \
        (lambda v: v)

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        a, b = view(x(regs, st.T)), view(y(regs, st.T))
        with np.errstate(invalid="ignore"):
            r = _SETP[cmp](a, b)
        if kind == "f":
            nan = np.isnan(a) | np.isnan(b)
            r = (r | nan) if cmp.endswith("u") or cmp == "nan" else (r & ~nan) if cmp != "num" else ~nan
        _write(regs, dst, active, r, instr.widths)
    return run


def _lanes_of(mod: str) -> tuple[str, int, int]:
    """A packed or scalar float type -> (numpy float name, element bits,
    elements per register): f16x2 -> ("f16", 16, 2), f32 -> ("f32", 32, 1)."""
    m = re.fullmatch(r"(f16|bf16)x2|(f16|bf16|f32|f64)", mod)
    if not m:
        return "", 0, 0
    name = m[1] or m[2]
    return name, 16 if name in ("f16", "bf16") else int(name[1:]), 2 if m[1] else 1


def _float_values(bits: np.ndarray, name: str) -> np.ndarray:
    if name == "bf16":
        return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)
    return bits.astype(_UINT[16 if name == "f16" else int(name[1:])]).view(
        {"f16": np.float16, "f32": np.float32, "f64": np.float64}[name])


def _set(instr: _Instr) -> Callable:
    """set.CmpOp.dtype.stype d, a, b (PTX ISA "set"): the comparison of
    setp, as 1.0 for a float destination (each half of an f16x2 / bf16x2
    one: 0x3C00 / 0x3F80) or all ones for an integer one, else 0.
    Triton's fp8 conversions use set.nan.f16x2.f16x2 to find NaN halves."""
    cmp = next((m for m in instr.mods if m in _SETP), None)
    types = [m for m in instr.mods if m not in _SETP and m != "ftz"]
    if cmp is None or len(types) != 2 or len(instr.operands) != 3 or instr.operands[0].kind != "reg":
        raise _error(f"inline PTX {instr.text!r}: set.CmpOp.dtype.stype d, a, b is modelled (no BoolOp)")
    dt, st = types
    sname, sbits, slanes = _lanes_of(st)
    dname, _, dlanes = _lanes_of(dt)
    if not sname or not (dname or re.fullmatch(r"[us]32", dt)) or (dlanes != slanes and dname):
        raise _error(f"inline PTX {instr.text!r}: set.{dt}.{st} is not modelled (float sources)")
    w = sbits * slanes
    dst, (x, y) = instr.operands[0].regs[0], [_read(o, w) for o in instr.operands[1:]]
    one = {"f16": 0x3C00, "bf16": 0x3F80, "f32": 0x3F800000}.get(dname, -1)

    def run(st_: Any, regs: list, active: np.ndarray) -> None:
        a, b = x(regs, st_.T).astype(np.uint64), y(regs, st_.T).astype(np.uint64)
        out = np.zeros(st_.T, np.uint64)
        for k in range(slanes):
            sh, mask = np.uint64(k * sbits), np.uint64((1 << sbits) - 1)
            va = _float_values((a >> sh) & mask, sname)
            vb = _float_values((b >> sh) & mask, sname)
            with np.errstate(invalid="ignore"):
                r = _SETP[cmp](va, vb)
            nan = np.isnan(va) | np.isnan(vb)
            r = (r | nan) if cmp.endswith("u") or cmp == "nan" else (r & ~nan) if cmp != "num" else ~nan
            if dname:
                out |= np.where(r, np.uint64(one), np.uint64(0)) << sh
            else:
                out = np.where(r, np.uint64(0xFFFFFFFF), np.uint64(0))
        _write(regs, dst, active, out, instr.widths)
    return run


def _min_max(instr: _Instr) -> Callable:
    """min / max (PTX ISA "min", "max"): integers; floats (f32, f16, bf16
    and their x2 pairs) where a NaN operand gives the other (both NaN, or
    .NaN with either: the canonical NaN)."""
    is_min = instr.opcode == "min"
    propagate = "NaN" in instr.mods
    types = [m for m in instr.mods if m not in ("NaN", "ftz", "xorsign", "abs")]
    if len(types) != 1 or len(instr.operands) != 3 or instr.operands[0].kind != "reg" or \
            "xorsign" in instr.mods or "abs" in instr.mods:
        raise _error(f"inline PTX {instr.text!r}: {instr.opcode}.type d, a, b is modelled")
    t = types[0]
    fname, fbits, flanes = _lanes_of(t)
    ints = re.fullmatch(r"([us])(16|32|64)", t)
    if not fname and not ints:
        raise _error(f"inline PTX {instr.text!r}: {instr.opcode}.{t} is not modelled")
    w = fbits * flanes if fname else int(ints[2])
    dst, (x, y) = instr.operands[0].regs[0], [_read(o, w) for o in instr.operands[1:]]
    canon = {"f16": 0x7FFF, "bf16": 0x7FFF, "f32": 0x7FFFFFFF, "f64": 0x7FFFFFFFFFFFFFFF}

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        a, b = x(regs, st.T), y(regs, st.T)
        if ints:
            va, vb = (a.view(_SINT[w]), b.view(_SINT[w])) if ints[1] == "s" else (a, b)
            r = np.minimum(va, vb) if is_min else np.maximum(va, vb)
            _write(regs, dst, active, r.view(a.dtype), instr.widths)
            return
        a, b = a.astype(np.uint64), b.astype(np.uint64)
        out = np.zeros(st.T, np.uint64)
        for k in range(flanes):
            sh, mask = np.uint64(k * fbits), np.uint64((1 << fbits) - 1)
            ba, bb = (a >> sh) & mask, (b >> sh) & mask
            va, vb = _float_values(ba, fname), _float_values(bb, fname)
            pick_a = (va <= vb) if is_min else (va >= vb)
            r = np.where(np.isnan(vb) | pick_a, ba, bb)
            r = np.where(np.isnan(va) & ~np.isnan(vb), bb, r)
            either = np.isnan(va) | np.isnan(vb)
            r = np.where((np.isnan(va) & np.isnan(vb)) | (either & propagate), np.uint64(canon[fname]), r)
            out |= r << sh
        _write(regs, dst, active, out, instr.widths)
    return run


def _selp(instr: _Instr) -> Callable:
    """selp.type d, a, b, p (PTX ISA "selp"): a where p, else b."""
    _known_mods(instr, set())
    w = _width(instr)
    _arity(instr, 4, "a destination, two values and a predicate")
    dst, x, y, p = instr.operands[0].regs[0], _read(instr.operands[1], w), _read(instr.operands[2], w), \
        _read(instr.operands[3], 1)
    return lambda st, regs, active: _write(regs, dst, active, np.where(p(regs, st.T), x(regs, st.T),
                                                                        y(regs, st.T)), instr.widths)


def _vector(instr: _Instr) -> int:
    for mod in instr.mods:
        if mod in ("v2", "v4"):
            return int(mod[1])
    return 1


def _memory(instr: _Instr, load: bool) -> Callable:
    """ld / st (PTX ISA 9.7.9.8 "ld", 9.7.9.10 "st") of .global or .shared
    memory: a shared address is a 32-bit offset in the CTA's window (or the
    emulator's flat address of it). ``.v2`` / ``.v4`` move consecutive words
    of the vector's total size, which must be aligned to it."""
    _known_mods(instr, {"global", "shared", "shared::cta"})
    shared = "shared" in instr.mods or "shared::cta" in instr.mods
    if not shared and "global" not in instr.mods:
        raise _error(f"inline PTX {instr.text!r}: only .global and .shared accesses are modelled")
    w, n = _width(instr), _vector(instr)
    if w not in (8, 16, 32, 64):
        raise _error(f"inline PTX {instr.text!r}: {w}-bit accesses are not modelled")
    ops = instr.operands
    data, addr = (ops[0], ops[1]) if load else (ops[1], ops[0])
    if len(ops) != 2 or addr.kind != "addr" or data.kind not in ("vec", "reg") or len(data.regs) != n:
        raise _error(f"inline PTX {instr.text!r}: expected {'{regs}, [addr]' if load else '[addr], {regs}'} "
                     f"with {n} registers")
    size, dt = n * w // 8, _UINT[w]
    where = addr.regs[0]

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        lanes = np.flatnonzero(active)
        a = np.asarray(regs[where]).astype(np.int64) + addr.imm
        if shared:
            a = _shared_flat(a)
        _require_aligned(st, a[lanes], lanes, size, f"{instr.opcode} of {size} bytes", f"its size {size}")
        if load:
            raw = np.zeros((st.T, size), np.uint8)
            if len(lanes):
                raw[lanes] = st.mem.load(a[lanes], size, st, lanes)
            words = raw.view(dt)  # [T, n]
            for k, r in enumerate(data.regs):
                _write(regs, r, active, words[:, k], instr.widths)
        elif len(lanes):
            words = np.stack([_read(_Operand("reg", (r,)), w)(regs, st.T) for r in data.regs], axis=1)
            st.mem.store(a[lanes], np.ascontiguousarray(words[lanes]).view(np.uint8), st, lanes)
    return run


def _cvt(instr: _Instr) -> Callable:
    """cvt (PTX ISA 9.7.9.21 "cvt"), the forms Triton's conversions emit,
    with the emulator's fp8 model (linear_layouts.emulator.nvvm, one
    definition):
      cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 d, a, b  (a in the high byte)
      cvt.rn.f16x2.{e4m3x2,e5m2x2} d, a             (exact)
      cvt.rn.{f16x2,bf16x2}.f32 d, a, b             (a in the high half)
      cvt.{rn,rz}.f16.f32 d, a;  cvt.rn.bf16.f32 d, a;  cvt.f32.{f16,bf16} d, a
      cvt[.rn].bf16.f16 d, a
      cvt.rna.tf32.f32 d, a  (tf32x3's split: nearest, ties away from zero, to
                              10 mantissa bits; the low 13 bits cleared)"""
    from .nvvm import _fp8_values, _round_fp8
    from .values import _round_bf16

    mods, ops = instr.mods, instr.operands
    fp8 = {"e4m3x2": "f8E4M3FN", "e5m2x2": "f8E5M2"}
    if any(o.kind != "reg" for o in ops):
        raise _error(f"inline PTX {instr.text!r}: cvt takes registers")
    dst = ops[0].regs[0]
    src = [_read(o, 32) for o in ops[1:]]

    def put(regs: list, active: np.ndarray, value: np.ndarray) -> None:
        _write(regs, dst, active, value, instr.widths)

    def half(x: np.ndarray, to: str, toward_zero: bool = False) -> np.ndarray:
        """f32 values -> f16 / bf16 bits (nearest even, or toward zero)."""
        if to == "bf16":
            return (_round_bf16(x).view(np.uint32) >> 16).astype(np.uint16)
        with np.errstate(over="ignore"):
            h = x.astype(np.float16)  # nearest even
        if toward_zero:  # one step back where nearest rounded away from zero
            away = np.isfinite(x) & (np.abs(h.astype(np.float32)) > np.abs(x))
            h = np.where(away, np.nextafter(h, np.float16(0)), h)
            h = np.where(np.isinf(h) & np.isfinite(x), np.copysign(np.finfo(np.float16).max, x), h)
        return h.astype(np.float16).view(np.uint16)

    f32 = lambda regs, T, k=0: _as_float(src[k](regs, T), 32)  # noqa: E731
    if len(mods) == 4 and mods[:2] == ("rn", "satfinite") and mods[2] in fp8 and mods[3] == "f32" and len(ops) == 3:
        name = fp8[mods[2]]

        def run(st: Any, regs: list, active: np.ndarray) -> None:
            hi, lo = (_round_fp8(f32(regs, st.T, k), name) for k in (0, 1))
            put(regs, active, (hi.astype(np.uint16) << 8) | lo)
        return run
    if len(mods) == 3 and mods[:2] == ("rn", "f16x2") and mods[2] in fp8 and len(ops) == 2:
        table = _fp8_values(fp8[mods[2]]).astype(np.float16).view(np.uint16).astype(np.uint32)  # exact

        def run(st: Any, regs: list, active: np.ndarray) -> None:
            codes = src[0](regs, st.T)
            put(regs, active, table[codes & 0xFF] | (table[(codes >> 8) & 0xFF] << 16))
        return run
    if mods in (("rn", "f16x2", "f32"), ("rz", "f16x2", "f32"), ("rn", "bf16x2", "f32")) and len(ops) == 3:
        to = mods[1][:-2]

        def run(st: Any, regs: list, active: np.ndarray) -> None:
            hi, lo = (half(f32(regs, st.T, k), to, mods[0] == "rz").astype(np.uint32) for k in (0, 1))
            put(regs, active, (hi << 16) | lo)
        return run
    if mods in (("rn", "f16", "f32"), ("rz", "f16", "f32"), ("rn", "bf16", "f32")) and len(ops) == 2:
        def run(st: Any, regs: list, active: np.ndarray) -> None:
            put(regs, active, half(f32(regs, st.T), mods[1], mods[0] == "rz"))
        return run
    if mods in (("bf16", "f16"), ("rn", "bf16", "f16")) and len(ops) == 2:
        # (Triton's fp8 -> bf16 on sm_90 goes through f16: exact for fp8
        # values; others round to nearest even)
        def run(st: Any, regs: list, active: np.ndarray) -> None:
            x = src[0](regs, st.T).astype(np.uint16).view(np.float16).astype(np.float32)
            put(regs, active, half(x, "bf16"))
        return run
    if mods in (("f32", "f16"), ("f32", "bf16")) and len(ops) == 2:
        def run(st: Any, regs: list, active: np.ndarray) -> None:
            h = src[0](regs, st.T).astype(np.uint16)
            value = h.view(np.float16).astype(np.float32) if mods[1] == "f16" else \
                (h.astype(np.uint32) << 16).view(np.float32)
            put(regs, active, value.view(np.uint32))
        return run
    if mods == ("rna", "tf32", "f32") and len(ops) == 2:
        def run(st: Any, regs: list, active: np.ndarray) -> None:
            bits = src[0](regs, st.T).astype(np.uint32)
            mag = bits & np.uint32(0x7FFFFFFF)
            # (adding half an ulp to the magnitude rounds ties away from zero;
            # a carry into the exponent gives the next binade or infinity)
            r = (bits & np.uint32(0x80000000)) | ((mag + np.uint32(0x1000)) & np.uint32(0xFFFFE000))
            r = np.where(mag >= np.uint32(0x7F800000), np.where(mag > 0x7F800000, np.uint32(0x7FFFFFFF), bits), r)
            put(regs, active, r.astype(np.uint32))
        return run
    raise _error(f"inline PTX {instr.text!r}: this form of cvt is not modelled")


def _or_packed(scalar: Callable[[_Instr], Callable], fn: Callable, arity: int) -> Callable[[_Instr], Callable]:
    """The scalar form's factory, or the packed f16x2 / bf16x2 one."""
    def factory(instr: _Instr) -> Callable:
        if "f16x2" in instr.mods or "bf16x2" in instr.mods:
            return _packed_half(instr, fn, arity)
        return scalar(instr)
    return factory


def _fma_f32(instr: _Instr) -> Callable:
    """fma.rn.f32 (PTX ISA 9.7.3): a * b + c rounded once (float64 holds
    the f32 product exactly; a rare double rounding of the sum is possible)."""
    if instr.mods != ("rn", "f32"):
        raise _error(f"inline PTX {instr.text!r}: only fma.rn.f32 (and .rn f16x2 / bf16x2) is modelled")
    _arity(instr, 4, "4 operands")
    dst, (a, b, c) = instr.operands[0].regs[0], [_read(o, 32) for o in instr.operands[1:]]

    from .llvm import _fma

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        f = [_as_float(x(regs, st.T), 32) for x in (a, b, c)]
        with np.errstate(all="ignore"):
            _write(regs, dst, active, _bits_of(_fma(*f), 32), instr.widths)
    return run


_ATOM_OPS = ("add", "and", "or", "xor", "exch", "max", "min", "inc", "dec", "cas")
_ATOM_IGNORED = {"relaxed", "acquire", "release", "acq_rel", "sys", "gpu", "cta", "global", "shared", "shared::cta",
                 "noftz"}
#: 16-bit float atomics (add.noftz: no flush, nearest even), alone or packed in pairs
_ATOM_HALF = {"f16": 1, "bf16": 1, "f16x2": 2, "bf16x2": 2}


def _half_add(old: np.ndarray, b: np.ndarray, bf16: bool, pairs: int) -> np.ndarray:
    """add.noftz.{f16,bf16}[x2] on bit patterns: each 16-bit half summed in
    float64 and rounded once to the type."""
    out = np.zeros_like(old)
    for h in range(pairs):
        x, y = (old >> (16 * h)) & 0xFFFF, (b >> (16 * h)) & 0xFFFF
        if bf16:
            r = _bf16_bits(_bf16_value(x).astype(np.float64) + _bf16_value(y).astype(np.float64))
        else:
            r = (x.astype(np.uint16).view(np.float16).astype(np.float64) +
                 y.astype(np.uint16).view(np.float16).astype(np.float64)).astype(np.float16).view(np.uint16)
        out = out | (r.astype(old.dtype) << (16 * h))
    return out


def _atom(instr: _Instr, returns: bool) -> Callable:
    """atom / red (PTX ISA 9.7.13.5, 9.7.13.6) on .global or .shared memory:
    ``atom.sem.scope.space.op.type d, [a], b[, c]`` and ``red ... [a], b``.
    Threads run one after another in thread order (any order is a valid
    execution, and the emulator is sequentially consistent, so the .sem /
    .scope qualifiers need nothing more); atom's result is the old value.
    add.f32 rounds to nearest even and flushes subnormal inputs and results
    to zero (the ISA's rule for atom.add.f32); add.noftz.f16 / bf16 (and
    their x2 pairs) round each half to nearest even without flushing; inc /
    dec wrap at b; cas writes c where the old value equals b."""
    if any(m in ("v2", "v4", "v8") for m in instr.mods):
        return _atom_vector(instr, returns)
    op = next((m for m in instr.mods if m in _ATOM_OPS), None)
    half = next((m for m in instr.mods if m in _ATOM_HALF), None)
    if op is None or any(m not in _ATOM_IGNORED and m not in _ATOM_OPS and m not in _ATOM_HALF and
                         not re.fullmatch(r"[bsuf](32|64)", m) for m in instr.mods) or \
            (half and op != "add"):
        raise _error(f"inline PTX {instr.text!r}: this form of {instr.opcode} is not modelled")
    kind, w = ("f", 16 * _ATOM_HALF[half]) if half else _type(instr)
    shared = "shared" in instr.mods or "shared::cta" in instr.mods
    ops = instr.operands
    n_in = 3 if op == "cas" else 2
    ops_d, ops_rest = (ops[0], ops[1:]) if returns else (None, ops)
    if len(ops_rest) != n_in or ops_rest[0].kind != "addr" or (returns and ops_d.kind != "reg"):
        raise _error(f"inline PTX {instr.text!r}: expected {'d, ' if returns else ''}[a], b{', c' if op == 'cas' else ''}")
    addr = ops_rest[0]
    vals = [_read(o, w) for o in ops_rest[1:]]
    ut = _UINT[w]
    view = (lambda v: v.view(_SINT[w])) if kind == "s" else (lambda v: v)
    if kind == "f" and op not in ("add", "exch"):
        raise _error(f"inline PTX {instr.text!r}: float {op} is not modelled (add, exch are)")

    def combine(old: np.ndarray, b: np.ndarray, c: np.ndarray | None) -> np.ndarray:
        if op == "exch":
            return b
        if op == "cas":
            return c if old[0] == b[0] else old
        if half:
            return _half_add(old, b, half.startswith("bf"), _ATOM_HALF[half])
        if kind == "f":
            x, y = _as_float(old, w), _as_float(b, w)
            if w == 32:
                return _bits_of(_flush_f32(_flush_f32(x) + _flush_f32(y)).astype(np.float32), w)
            return _bits_of(x + y, w)
        if op == "add":
            return old + b
        if op in ("and", "or", "xor"):
            return {"and": old & b, "or": old | b, "xor": old ^ b}[op]
        if op in ("max", "min"):
            pick = (view(old) >= view(b)) if op == "max" else (view(old) <= view(b))
            return np.where(pick, old, b)
        if op == "inc":
            return np.where(old >= b, 0, old + 1).astype(ut)
        return np.where((old == 0) | (old > b), b, old - 1).astype(ut)  # dec

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        a = _read(_Operand("reg", addr.regs), 64)(regs, st.T).astype(np.int64) + addr.imm
        if shared:
            a = _shared_flat(a)
        b = vals[0](regs, st.T)
        c = vals[1](regs, st.T) if op == "cas" else None
        result = np.zeros(st.T, ut)
        lanes = np.flatnonzero(active)
        _require_aligned(st, a[lanes], lanes, w // 8, f"{instr.opcode} of {w // 8} bytes", f"its size {w // 8}")
        with np.errstate(all="ignore"):
            for t in lanes:
                one = np.array([t])
                old = st.mem.load(a[t:t + 1], w // 8, st, one, atomic=True).view(ut).reshape(1)
                result[t] = old[0]
                new = combine(old, b[t:t + 1], None if c is None else c[t:t + 1]).astype(ut)
                st.mem.store(a[t:t + 1], new.view(np.uint8).reshape(1, -1), st, one, atomic=True)
        if returns:
            _write(regs, ops_d.regs[0], active, result, instr.widths)
    return run


def _atom_vector(instr: _Instr, returns: bool) -> Callable:
    """atom / red .add on vectors (PTX ISA 9.7.13.5, sm_90): ``.v2 / .v4
    .f32`` and ``.noftz .v2 / .v4 / .v8 .f16 / .bf16``: each element an
    atomic add of its own (f32: nearest even, subnormals flushed; 16-bit:
    nearest even, no flush), the old values in `d`."""
    n = int(next(m for m in instr.mods if m in ("v2", "v4", "v8"))[1:])
    ty = next((m for m in instr.mods if m in ("f16", "bf16", "f32")), None)
    allowed = {"add", "noftz", "f16", "bf16", "f32", "v2", "v4", "v8"} | _ATOM_IGNORED
    if ty is None or "add" not in instr.mods or any(m not in allowed for m in instr.mods) or \
            (ty == "f32" and n == 8):
        raise _error(f"inline PTX {instr.text!r}: this form of {instr.opcode} is not modelled")
    w = 32 if ty == "f32" else 16
    ops = instr.operands
    d, rest = (ops[0], ops[1:]) if returns else (None, ops)
    if len(rest) != 2 or rest[0].kind != "addr" or len(rest[1].regs) != n or (returns and len(d.regs) != n):
        raise _error(f"inline PTX {instr.text!r}: expected {'{d...}, ' if returns else ''}[a], {{b...}} of {n}")
    addr = rest[0]
    ut = _UINT[w]

    def add(old: np.ndarray, b: np.ndarray) -> np.ndarray:
        if ty == "f32":
            x, y = _as_float(old, 32), _as_float(b, 32)
            return _bits_of(_flush_f32(_flush_f32(x) + _flush_f32(y)).astype(np.float32), 32)
        return _half_add(old.astype(np.uint32), b.astype(np.uint32), ty == "bf16", 1).astype(ut)

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        a = _read(_Operand("reg", addr.regs), 64)(regs, st.T).astype(np.int64) + addr.imm
        vals = [_read(_Operand("reg", (r,)), w)(regs, st.T) for r in rest[1].regs]
        result = np.zeros((n, st.T), ut)
        lanes = np.flatnonzero(active)
        size = n * w // 8
        _require_aligned(st, a[lanes], lanes, size, f"{instr.opcode} of {size} bytes", f"its size {size}")
        with np.errstate(all="ignore"):
            for t in lanes:
                one = np.array([t])
                for e in range(n):
                    at = a[t:t + 1] + e * (w // 8)
                    old = st.mem.load(at, w // 8, st, one, atomic=True).view(ut).reshape(1)
                    result[e, t] = old[0]
                    new = add(old, vals[e][t:t + 1]).astype(ut)
                    st.mem.store(at, new.view(np.uint8).reshape(1, -1), st, one, atomic=True)
        if returns:
            for e in range(n):
                _write(regs, d.regs[e], active, result[e], instr.widths)
    return run


_INSTRUCTIONS: dict[str, Callable[[_Instr], Callable]] = {
    "atom": lambda i: _atom(i, True),
    "red": lambda i: _atom(i, False),
    "mov": _mov,
    "cvt": _cvt,
    "ld": lambda i: _memory(i, True),
    "st": lambda i: _memory(i, False),
    # PTX ISA 9.7.8 "Logic and Shift Instructions"
    "and": _binary(lambda x, y, w, k, m: x & y, "bp"),
    "or": _binary(lambda x, y, w, k, m: x | y, "bp"),
    "xor": _binary(lambda x, y, w, k, m: x ^ y, "bp"),
    "not": _binary(lambda x, w, k, m: ~x, "bp", arity=2),
    "shl": _binary(_shift(True), "b"),
    "shr": _binary(_shift(False), "bus"),
    "lop3": _binary(_lop3, "b", arity=5),
    # PTX ISA 9.7.1 "Integer Arithmetic", 9.7.3 "Floating-Point"
    "add": _or_packed(_binary(_integer_or_float(lambda x, y: x + y, np.add), "usf", {"rn"}), np.add, 3),
    "sub": _or_packed(_binary(_integer_or_float(lambda x, y: x - y, np.subtract), "usf", {"rn"}), np.subtract, 3),
    "mul": _or_packed(_binary(_mul, "usf", {"lo", "hi", "wide", "rn"}), np.multiply, 3),
    "fma": _or_packed(lambda i: _fma_f32(i), lambda a, b, c: a * b + c, 4),
    # PTX ISA 9.7.9.7 "prmt"; 9.7.7 "Comparison and Selection"
    "prmt": _binary(_prmt, "b", arity=4),
    "setp": _setp,
    "set": _set,
    "min": _min_max,
    "max": _min_max,
    "selp": _selp,
    "ex2": lambda i: _approx(i, np.exp2),
    "lg2": lambda i: _approx(i, np.log2),
    "rsqrt": lambda i: _approx(i, lambda x: 1.0 / np.sqrt(x)),
    "rcp": lambda i: _approx(i, lambda x: 1.0 / x),
    "shfl": lambda i: _shfl(i),
    "bar": lambda i: _bar_sync(i),
    "barrier": lambda i: _bar_sync(i),
    "bra": lambda i: None,  # (InlinePtx.run follows it)
    # (tensor-core and asynchronous-copy instructions: .tensor_core registers them)
}


def _packed_half(instr: _Instr, fn: Callable, arity: int) -> Callable:
    """add / sub / mul / fma ``.rn.{f16x2,bf16x2}`` (PTX ISA 9.7.4 "Half
    Precision Floating-Point"): both halves of 32-bit registers, each
    computed in float64 (exact for add, sub, mul; fma's sum can round
    twice in rare cases) and rounded to nearest even."""
    fmt = next(m for m in instr.mods if m in ("f16x2", "bf16x2"))
    if any(m not in ("rn", fmt) for m in instr.mods):
        raise _error(f"inline PTX {instr.text!r}: only .rn {fmt} arithmetic is modelled")
    _arity(instr, arity, f"{arity} operands")
    dst, srcs = instr.operands[0].regs[0], [_read(o, 32) for o in instr.operands[1:]]
    from .values import _round_bf16

    def halves(w: np.ndarray) -> list[np.ndarray]:
        h = [w & 0xFFFF, w >> 16]
        return [x.astype(np.uint16).view(np.float16).astype(np.float64) if fmt == "f16x2"
                else (x.astype(np.uint32) << 16).view(np.float32).astype(np.float64) for x in h]

    def pack(x: np.ndarray) -> np.ndarray:
        if fmt == "f16x2":
            return x.astype(np.float16).view(np.uint16).astype(np.uint32)
        return (_round_bf16(x.astype(np.float32)).view(np.uint32) >> 16).astype(np.uint32)

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        parts = [halves(s(regs, st.T)) for s in srcs]
        with np.errstate(all="ignore"):
            lo, hi = (pack(fn(*(p[k] for p in parts))) for k in (0, 1))
        _write(regs, dst, active, lo | (hi << 16), instr.widths)
    return run


def _approx(instr: _Instr, fn: Callable) -> Callable:
    """ex2 / lg2 / rsqrt / rcp ``.approx[.ftz].f32`` (PTX ISA 9.7.3): within
    the ISA's stated error of the exact value, which the emulator gives
    (evaluated in float64, rounded to f32); .ftz flushes subnormal inputs
    and results."""
    mods = instr.mods
    if "f32" not in mods or not ({"approx", "rn"} & set(mods)) or \
            any(m not in ("approx", "rn", "ftz", "f32") for m in mods):
        raise _error(f"inline PTX {instr.text!r}: only .approx[.ftz].f32 / .rn.f32 is modelled")
    _arity(instr, 2, "a register and a source")
    dst, src = instr.operands[0].regs[0], _read(instr.operands[1], 32)
    flush = _flush_f32 if "ftz" in mods else (lambda x: x)

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        with np.errstate(all="ignore"):
            y = flush(fn(flush(_as_float(src(regs, st.T), 32).astype(np.float64))).astype(np.float32))
        _write(regs, dst, active, _bits_of(y, 32), instr.widths)
    return run


def _shfl(instr: _Instr) -> Callable:
    """shfl.sync.{up,down,bfly,idx}.b32 d, a, b, c, membermask (PTX ISA
    9.7.9.6): the same definition as the NVVM op and intrinsic
    (emulator.nvvm._shfl_handler)."""
    kind = next((m for m in instr.mods if m in ("up", "down", "bfly", "idx")), None)
    if kind is None or "sync" not in instr.mods or _width(instr) != 32 or len(instr.operands) != 5 or \
            instr.operands[0].kind != "reg":
        raise _error(f"inline PTX {instr.text!r}: only shfl.sync.{{up,down,bfly,idx}}.b32 d, a, b, c, mask "
                     "is modelled")
    from .nvvm import _shfl_handler

    handler = _shfl_handler(kind, False)
    dst, (a, b, c, m) = instr.operands[0].regs[0], [_read(o, 32) for o in instr.operands[1:]]

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        if (active != st.mask).any():
            raise _error(f"inline PTX {instr.text!r}: a predicated shfl is not modelled")
        value = handler(st, [m(regs, st.T), a(regs, st.T), b(regs, st.T), c(regs, st.T)])
        _write(regs, dst, active, value, instr.widths)
    return run


def _bar_sync(instr: _Instr) -> Callable:
    """bar.sync 0 / barrier.sync 0 (PTX ISA 9.7.13.1): the CTA-wide barrier
    (every live thread active; the race tracker's new epoch)."""
    if instr.mods not in (("sync",), ("sync", "aligned")) or len(instr.operands) != 1 or \
            instr.operands[0].kind != "imm" or instr.operands[0].imm != 0:
        raise _error(f"inline PTX {instr.text!r}: only the CTA-wide barrier (bar.sync 0) is modelled")
    from .registry import _cta_barrier

    return lambda st, regs, active: _cta_barrier(st)


class InlinePtx:
    """One parsed ``llvm.inline_asm`` string: ``run(st, inputs)`` gives the
    outputs (one value, a tuple for several, None for none) as register
    bits (unsigned integers of the register class's width)."""

    def __init__(self, asm: str, constraints: str) -> None:
        cons = [c.strip() for c in constraints.split(",") if c.strip()]
        self.outs = [c[1:] for c in cons if c.startswith("=")]
        self.ins = [c for c in cons if not c.startswith("=") and not c.startswith("~")]
        #: output -> the operand number of the input tied to it
        self.ties = {int(c): len(self.outs) + k for k, c in enumerate(self.ins) if c.isdigit()}
        for c in self.outs + [c for c in self.ins if not c.isdigit()]:
            if c not in _CONSTRAINT_BITS:
                raise _error(f"inline PTX constraint {c!r} of {constraints!r} is not modelled "
                             f"({', '.join(_CONSTRAINT_BITS)})")
        if any(t >= len(self.outs) for t in self.ties):
            raise _error(f"inline PTX constraints {constraints!r} tie an input to an output that does not exist")
        regs = _Registers([_CONSTRAINT_BITS[c] for c in self.outs] +
                          [_CONSTRAINT_BITS[self.outs[int(c)]] if c.isdigit() else _CONSTRAINT_BITS[c]
                           for c in self.ins])
        for out, tied in self.ties.items():  # one register: $tied names the output's
            regs.index[f"${tied}"] = out
        self.instrs = []
        #: label -> the index of the instruction it names
        self.labels: dict[str, int] = {}
        for s in _statements(asm):
            label = re.match(r"([A-Za-z_$][\w$]*)\s*:\s*", s)
            if label:
                self.labels[label[1]] = len(self.instrs)
                s = s[label.end():]
                if not s:
                    continue
            if s.startswith(".reg"):
                regs.declare(s, asm)
                continue
            instr = _parse_statement(s, regs)
            factory = _INSTRUCTIONS.get(instr.opcode)
            if factory is None:
                raise _error(f"inline PTX instruction {instr.opcode} ({s!r}) is not modelled "
                             f"(modelled: {', '.join(sorted(_INSTRUCTIONS))})")
            if instr.pred is not None and regs.widths[instr.pred] != 1:
                name = re.match(r"@!?(\S+)", s)[1]
                raise _error(f"inline PTX {s!r}: the predicate {name} is not a 'b' input or a .pred register")
            self.instrs.append((instr, factory(instr)))
        for instr, _ in self.instrs:
            if instr.opcode == "bra" and instr.operands[0].name not in self.labels:
                raise _error(f"inline PTX {instr.text!r}: label {instr.operands[0].name} is not in the string")
        self.widths = regs.widths
        opcodes = {(i.opcode, i.mods[0] if i.mods else "") for i, _ in self.instrs}
        #: issues wgmma.mma_async (its outputs are pending until a wait) / waits for wgmma groups
        self.issues_wgmma = ("wgmma", "mma_async") in opcodes
        self.waits_wgmma = ("wgmma", "wait_group") in opcodes

    def run(self, st: Any, inputs: list) -> Any:
        n_out = len(self.outs)
        regs: list = [None] * len(self.widths)
        for k, v in enumerate(inputs):
            regs[n_out + k] = _to_register(v, self.widths[n_out + k], st.T)
        for out, tied in self.ties.items():
            regs[out] = regs[tied]
        pc, steps = 0, 0
        while pc < len(self.instrs):
            instr, fn = self.instrs[pc]
            pc += 1
            active = st.mask.copy()
            if instr.pred is not None:
                p = np.asarray(regs[instr.pred]).astype(bool) if regs[instr.pred] is not None \
                    else np.zeros(st.T, bool)
                active &= ~p if instr.pred_negated else p
            if instr.opcode != "bra":
                fn(st, regs, active)
                continue
            if active.any() and (active != st.mask).any():
                raise _error(f"inline PTX {instr.text!r}: a branch taken by only some threads "
                             f"(e.g. not by {st.thread(int(np.argmax(st.mask & ~active)))}) is not modelled")
            steps += 1
            if steps > 1000:
                raise _error(f"inline PTX {instr.text!r}: the loop runs forever (an mbarrier phase that no "
                             "arrival or copy can complete?)")
            if active.any():
                pc = self.labels[instr.operands[0].name]
        outs = []
        for k, c in enumerate(self.outs):
            v, dt = regs[k], _UINT[_CONSTRAINT_BITS[c]]
            outs.append(np.zeros(st.T, dt) if v is None else np.asarray(v).astype(dt))
        if not outs:
            return None
        return outs[0] if len(outs) == 1 else tuple(outs)
