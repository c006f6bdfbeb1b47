"""Inline PTX for the emulator: ``llvm.inline_asm`` strings run per thread.

Our lowering emits masked global accesses as Triton does, one predicated
PTX instruction each (no branch)::

    mov.b32 $0, 0;  mov.b32 $1, $5;  @$3 ld.global.v2.b32 { $0, $1 }, [ $2 + 0 ];
    @$3 st.global.v2.b32 [ $2 + 0 ], { $0, $1 };

This module parses such a string with its constraint string once (operand
numbering: outputs ``=r`` first, then inputs; predicates ``@$n`` /
``@!$n``; vector braces; ``[ $n + imm ]`` addresses; several instructions
separated by ``;``) and runs it on the emulator's per-thread values. It is
table-driven: each instruction is one entry of ``_INSTRUCTIONS``, its
semantics from the PTX ISA (Data Movement: ``mov``, ``ld``, ``st``;
Predicated Execution: a predicated-off instruction does nothing; ``.v2`` /
``.v4`` move consecutive words of the vector's total size, which must be
aligned to it). An instruction, modifier or operand form that is not
modelled raises EmulationError naming it -- never a silent skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

# Register constraint -> bits (PTX's .b16 "h", .b32 "r", .b64 "l", predicate "b").
# LLVM's NVPTX inline-asm constraints (the register class): c and h 16-bit
# (c: an i8 or i16 value in a 16-bit register), r 32-bit, l 64-bit, b a
# predicate.
_CONSTRAINT_BITS = {"c": 16, "h": 16, "r": 32, "l": 64, "b": 1}
_UINT = {1: np.bool_, 8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}


def _error(msg: str) -> Exception:
    from .emulator import EmulationError

    return EmulationError(msg)


@dataclass(frozen=True)
class _Operand:
    kind: str  # "reg" ($n), "imm", "vec" (braces of $n), "addr" ([ $n + imm ])
    regs: tuple[int, ...] = ()
    imm: int = 0


@dataclass(frozen=True)
class _Instr:
    text: str
    opcode: str  # e.g. "ld", "st", "mov"
    mods: tuple[str, ...]  # e.g. ("global", "v4", "b32")
    pred: int | None  # predicate operand, or None
    pred_negated: bool
    operands: tuple[_Operand, ...]


def _parse_operand(text: str, n_operands: int, where: str) -> _Operand:
    t = text.strip()
    m = re.fullmatch(r"\$(\d+)", t)
    if m:
        return _Operand("reg", (_check(int(m[1]), n_operands, where),))
    m = re.fullmatch(r"\{(.*)\}", t)
    if m:
        regs = []
        for r in m[1].split(","):
            rm = re.fullmatch(r"\s*\$(\d+)\s*", r)
            if not rm:
                raise _error(f"inline PTX {where!r}: vector element {r.strip()!r} is not an operand $n")
            regs.append(_check(int(rm[1]), n_operands, where))
        return _Operand("vec", tuple(regs))
    m = re.fullmatch(r"\[\s*\$(\d+)\s*(?:\+\s*(-?(?:0x[0-9a-fA-F]+|\d+))\s*)?\]", t)
    if m:
        return _Operand("addr", (_check(int(m[1]), n_operands, where),), int(m[2] or "0", 0))
    m = re.fullmatch(r"-?(?:0x[0-9a-fA-F]+|\d+)", t)
    if m:
        return _Operand("imm", (), int(t, 0))
    raise _error(f"inline PTX {where!r}: operand {t!r} is not modelled ($n, an integer, {{ $a, ... }}, [ $n + imm ])")


def _check(i: int, n: int, where: str) -> int:
    if i >= n:
        raise _error(f"inline PTX {where!r}: operand ${i} does not exist ({n} operands)")
    return i


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


def _parse_statement(s: str, n_operands: int) -> _Instr:
    m = re.fullmatch(r"(?:@(!?)\$(\d+)\s+)?([a-z]+)((?:\.[a-z0-9:]+)*)\s*(.*)", s, re.S)
    if not m:
        raise _error(f"inline PTX {s!r} is not an instruction")
    pred = _check(int(m[2]), n_operands, s) if m[2] else None
    operands = tuple(_parse_operand(o, n_operands, s) for o in _split_operands(m[5]))
    return _Instr(s, m[3], tuple(x for x in m[4].split(".") if x), pred, m[1] == "!", operands)


# ---- instructions: opcode -> factory(instr) -> run(st, regs, active)


def _width(instr: _Instr) -> int:
    """The bits of the instruction's type modifier (.b32, .u16, .f32 ...)."""
    for mod in instr.mods:
        m = re.fullmatch(r"[bsuf](8|16|32|64)", mod)
        if m:
            return int(m[1])
    raise _error(f"inline PTX {instr.text!r}: no type modifier (.b32, .u16, ...)")


def _vector(instr: _Instr) -> int:
    for mod in instr.mods:
        if mod in ("v2", "v4"):
            return int(mod[1])
    return 1


def _known_mods(instr: _Instr, allowed: set[str]) -> None:
    for mod in instr.mods:
        if mod not in allowed and not re.fullmatch(r"[bsuf](8|16|32|64)|v[24]", mod):
            raise _error(f"inline PTX {instr.text!r}: modifier .{mod} is not modelled")


def _mov(instr: _Instr) -> Callable:
    _known_mods(instr, set())
    if len(instr.operands) != 2 or instr.operands[0].kind != "reg" or instr.operands[1].kind not in ("reg", "imm"):
        raise _error(f"inline PTX {instr.text!r}: mov takes a register and a register or an integer")
    w = _width(instr)
    dst, src = instr.operands
    dt = _UINT[w]

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        value = (np.full(st.T, src.imm & ((1 << w) - 1), dt) if src.kind == "imm"
                 else np.asarray(regs[src.regs[0]]).astype(dt))
        old = regs[dst.regs[0]]
        regs[dst.regs[0]] = value if old is None else np.where(active, value, old)
    return run


def _memory(instr: _Instr, load: bool) -> Callable:
    """ld / st (PTX ISA: "ld", "st") of .global or .shared memory: a shared
    address is a 32-bit offset in the CTA's window (or the emulator's flat
    address of it)."""
    _known_mods(instr, {"global", "shared"})
    shared = "shared" in instr.mods
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
    from .emulator import SHARED_WINDOW  # (imported when decoding: the package imports this module lazily)

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        lanes = np.flatnonzero(active)
        a = np.asarray(regs[addr.regs[0]]).astype(np.int64) + addr.imm
        if shared:
            a = np.where(a < SHARED_WINDOW, a + SHARED_WINDOW, a)
        if len(lanes) and (a[lanes] % size).any():
            t = int(lanes[np.argmax(a[lanes] % size != 0)])
            raise _error(f"{instr.opcode} of {size} bytes at misaligned address {int(a[t]):#x} by {st.thread(t)}")
        if load:
            raw = np.zeros((st.T, size), np.uint8)
            if len(lanes):
                raw[lanes] = st.mem.load(a[lanes], size, st, lanes)
            words = raw.view(dt)  # [T, n]
            for k, r in enumerate(data.regs):
                old = regs[r]
                regs[r] = words[:, k].copy() if old is None else np.where(active, words[:, k], old)
        elif len(lanes):
            # (an operand may be a one-element vector: vector<1xi32>)
            words = np.concatenate([np.asarray(regs[r]).reshape(st.T, -1)[:, :1].astype(dt) for r in data.regs],
                                   axis=1)
            st.mem.store(a[lanes], np.ascontiguousarray(words[lanes]).view(np.uint8), st, lanes)
    return run


def _as_float(v: Any, bits: int) -> np.ndarray:
    """A register's value as a float of `bits` bits: the emulator's float
    value itself, or the float those bits encode."""
    v = np.asarray(v)
    ft = {16: np.float16, 32: np.float32}[bits]
    return v.astype(ft) if v.dtype.kind == "f" else v.astype(_UINT[bits]).view(ft)


def _cvt(instr: _Instr) -> Callable:
    """cvt (PTX ISA: "cvt"), the forms Triton's conversions emit, with the
    emulator's fp8 model (linear_layouts.emulator.nvvm, one definition):
      cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 d, a, b  (a in the high byte)
      cvt.rn.f16x2.{e4m3x2,e5m2x2} d, a             (exact)
      cvt.{rn,rz}.f16.f32 d, a;  cvt.f32.f16 d, a"""
    from .emulator.nvvm import _fp8_values, _round_fp8

    mods, ops = instr.mods, instr.operands
    fp8 = {"e4m3x2": "f8E4M3FN", "e5m2x2": "f8E5M2"}
    if any(o.kind != "reg" for o in ops):
        raise _error(f"inline PTX {instr.text!r}: cvt takes registers")
    dst = ops[0].regs[0]

    def put(regs: list, active: np.ndarray, value: np.ndarray) -> None:
        old = regs[dst]
        regs[dst] = value if old is None else np.where(active, value, old)

    if len(mods) == 4 and mods[:2] == ("rn", "satfinite") and mods[2] in fp8 and mods[3] == "f32" and len(ops) == 3:
        name = fp8[mods[2]]

        def run(st: Any, regs: list, active: np.ndarray) -> None:
            hi = _round_fp8(_as_float(regs[ops[1].regs[0]], 32), name)
            lo = _round_fp8(_as_float(regs[ops[2].regs[0]], 32), name)
            put(regs, active, (hi.astype(np.uint16) << 8) | lo)
        return run
    if len(mods) == 3 and mods[:2] == ("rn", "f16x2") and mods[2] in fp8 and len(ops) == 2:
        half = _fp8_values(fp8[mods[2]]).astype(np.float16).view(np.uint16).astype(np.uint32)  # exact

        def run(st: Any, regs: list, active: np.ndarray) -> None:
            codes = np.asarray(regs[ops[1].regs[0]]).astype(np.uint32)
            put(regs, active, half[codes & 0xFF] | (half[(codes >> 8) & 0xFF] << 16))
        return run
    if mods in (("rn", "f16", "f32"), ("rz", "f16", "f32")) and len(ops) == 2:
        toward_zero = mods[0] == "rz"

        def run(st: Any, regs: list, active: np.ndarray) -> None:
            x = _as_float(regs[ops[1].regs[0]], 32)
            with np.errstate(over="ignore"):
                h = x.astype(np.float16)  # nearest even
            if toward_zero:  # one step back where nearest rounded away from zero
                away = np.isfinite(x) & (np.abs(h.astype(np.float32)) > np.abs(x))
                h = np.where(away, np.nextafter(h, np.float16(0)), h)
                h = np.where(np.isinf(h) & np.isfinite(x), np.copysign(np.finfo(np.float16).max, x), h)
            put(regs, active, h.astype(np.float16).view(np.uint16))
        return run
    if mods == ("f32", "f16") and len(ops) == 2:
        def run(st: Any, regs: list, active: np.ndarray) -> None:
            put(regs, active, _as_float(regs[ops[1].regs[0]], 16).astype(np.float32).view(np.uint32))
        return run
    raise _error(f"inline PTX {instr.text!r}: this form of cvt is not modelled")


_INSTRUCTIONS: dict[str, Callable[[_Instr], Callable]] = {
    "cvt": _cvt,
    "mov": _mov,
    "ld": lambda i: _memory(i, True),
    "st": lambda i: _memory(i, False),
}


class InlinePtx:
    """One parsed ``llvm.inline_asm`` string: ``run(st, inputs)`` gives the
    outputs (one value, a tuple for several, None for none)."""

    def __init__(self, asm: str, constraints: str) -> None:
        cons = [c.strip() for c in constraints.split(",") if c.strip()]
        self.outs = [c[1:] for c in cons if c.startswith("=")]
        self.ins = [c for c in cons if not c.startswith("=") and not c.startswith("~")]
        for c in self.outs + self.ins:
            if c not in _CONSTRAINT_BITS:
                raise _error(f"inline PTX constraint {c!r} of {constraints!r} is not modelled "
                             f"({', '.join(_CONSTRAINT_BITS)})")
        n = len(self.outs) + len(self.ins)
        self.instrs = []
        for s in re.split(r";", asm):
            s = " ".join(s.split())
            if not s:
                continue
            instr = _parse_statement(s, n)
            factory = _INSTRUCTIONS.get(instr.opcode)
            if factory is None:
                raise _error(f"inline PTX instruction {instr.opcode} ({s!r}) is not modelled "
                             f"(modelled: {', '.join(sorted(_INSTRUCTIONS))})")
            if instr.pred is not None and (instr.pred < len(self.outs) or self.ins[instr.pred - len(self.outs)] != "b"):
                raise _error(f"inline PTX {s!r}: the predicate ${instr.pred} is not a 'b' input")
            self.instrs.append((instr, factory(instr)))

    def run(self, st: Any, inputs: list) -> Any:
        regs: list = [None] * len(self.outs) + list(inputs)
        for instr, fn in self.instrs:
            active = st.mask.copy()
            if instr.pred is not None:
                p = np.asarray(regs[instr.pred]).astype(bool)
                active &= ~p if instr.pred_negated else p
            fn(st, regs, active)
        outs = []
        for k, c in enumerate(self.outs):
            v = regs[k]
            # The register class's width.
            dt = _UINT[_CONSTRAINT_BITS[c]]
            outs.append(np.zeros(st.T, dt) if v is None else np.asarray(v).astype(dt))
        if not outs:
            return None
        return outs[0] if len(outs) == 1 else tuple(outs)
