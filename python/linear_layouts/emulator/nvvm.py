"""The NVVM dialect: special registers, barriers, warp shuffles and
reductions, fp8 pair conversions, ldmatrix / stmatrix, as the PTX ISA
defines them.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations

import functools
import re
from typing import Callable

import numpy as np

from .values import EmulationError, Value, _first, _sview
from .registry import Handler, _Op, _State, _barrier, _intrinsic, _op, _special_registers, _whole_groups


_special_registers({
    **{f"{prefix}{d}": (lambda st, r=r, i=i: getattr(st, r)[i]) for i, d in enumerate("xyz") for prefix, r in (
        ("nvvm.read.ptx.sreg.tid.", "tid"), ("nvvm.read.ptx.sreg.ntid.", "ntid"), ("nvvm.read.ptx.sreg.ctaid.", "ctaid"),
        ("nvvm.read.ptx.sreg.nctaid.", "nctaid"))},
    "nvvm.read.ptx.sreg.laneid": lambda st: st.lane,
    "nvvm.read.ptx.sreg.warpsize": lambda st: np.full(st.T, st.ws),
})
_op("nvvm.barrier0", "nvvm.barrier")(_barrier)


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
    return _shfl_handler(kind, "return_value_and_is_valid" in op.attrs)


def _shfl_handler(kind: str, with_predicate: bool) -> Handler:
    """shfl.sync (PTX ISA: "shfl.sync"): operands member mask, value, b, c."""

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
    return _redux_handler(kind[1] or kind[2])


def _redux_handler(kind: str) -> Handler:
    """redux.sync (PTX ISA: "redux.sync"): operands value, member mask."""
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
    return _whole_groups(st, 32, what)


def _row_threads(warps: np.ndarray, num: int) -> np.ndarray:
    """Threads supplying row addresses: lane 8m + r gives row r of matrix m."""
    return (warps[:, None] * 32 + np.arange(8 * num)).reshape(-1)


@_op("nvvm.ldmatrix")
def _ldmatrix(op: _Op) -> Handler:
    return _ldmatrix_handler(int(op.attrs["num"].value), _matrix_trans(op), op.outs[0].kind == "struct")


def _ldmatrix_handler(num: int, trans: bool, struct: bool) -> Handler:
    """ldmatrix.sync.aligned.m8n8.x{num}[.trans].b16 (PTX ISA: "ldmatrix"):
    operand the lane's row address."""

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
    return _stmatrix_handler(len(op.ins) - 1, _matrix_trans(op))


def _stmatrix_handler(num: int, trans: bool) -> Handler:
    """stmatrix.sync.aligned.m8n8.x{num}[.trans].b16 (PTX ISA: "stmatrix"):
    operands the lane's row address and `num` registers."""

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


# ---- the same instructions as LLVM intrinsics (Triton's LLVM IR, imported)

for _k in ("bfly", "up", "down", "idx"):
    for _t in ("i32", "f32"):
        _intrinsic(f"llvm.nvvm.shfl.sync.{_k}.{_t}")(lambda op, k=_k: _shfl_handler(k, False))
        _intrinsic(f"llvm.nvvm.shfl.sync.{_k}.{_t}p")(lambda op, k=_k: _shfl_handler(k, True))
for _k in _REDUX:
    _intrinsic(f"llvm.nvvm.redux.sync.{_k}")(lambda op, k=_k: _redux_handler(k))
_intrinsic("llvm.nvvm.barrier0", "llvm.nvvm.barrier.cta.sync.aligned.all",
           "llvm.nvvm.barrier.cta.sync.all")(_barrier)


@_intrinsic("llvm.nvvm.vote.ballot.sync")
def _ballot(op: _Op) -> Handler:
    """vote.sync.ballot.b32 (PTX ISA: "vote.sync"): operands member mask,
    predicate; bit i of the result is lane i's predicate, for the lanes of
    the member mask (all of them active)."""

    def run(st: _State, a: list) -> Value:
        _require_warp32(st, "vote.sync.ballot")
        member = a[0].astype(np.int64)
        _check_members(st, member)
        pred = a[1].astype(bool).reshape(-1, 32)
        bits = (pred.astype(np.int64) << _LANE).sum(axis=1)
        return (np.repeat(bits, 32) & member).astype(np.uint32)
    return run


for _num in (1, 2, 4):
    for _trans in (False, True):
        _intrinsic(f"llvm.nvvm.stmatrix.sync.aligned.m8n8.x{_num}{'.trans' if _trans else ''}.b16.p3",
                   f"llvm.nvvm.stmatrix.sync.aligned.m8n8.x{_num}{'.trans' if _trans else ''}.b16")(
            lambda op, n=_num, t=_trans: _stmatrix_handler(n, t))
        _intrinsic(f"llvm.nvvm.ldmatrix.sync.aligned.m8n8.x{_num}{'.trans' if _trans else ''}.b16.p3",
                   f"llvm.nvvm.ldmatrix.sync.aligned.m8n8.x{_num}{'.trans' if _trans else ''}.b16")(
            lambda op, n=_num, t=_trans: _ldmatrix_handler(n, t, op.outs[0].kind == "struct"))


def _mulhi(bits: int, signed: bool) -> Callable[[_Op], Handler]:
    """llvm.nvvm.mulhi.* (PTX ISA "mul.hi"): the high half of the full
    product (tl.umulhi on NVIDIA)."""
    dt = {16: np.uint16, 32: np.uint32, 64: np.uint64}[bits]
    sdt = {16: np.int16, 32: np.int32, 64: np.int64}[bits]

    def factory(op: _Op) -> Handler:
        def run(st: _State, a: list) -> np.ndarray:
            x, y = (np.asarray(v).astype(dt) for v in a[:2])
            if bits < 64:
                wide = (x.view(sdt).astype(np.int64) * y.view(sdt).astype(np.int64)) if signed else \
                    (x.astype(np.uint64) * y.astype(np.uint64))
                return (wide >> bits).astype(np.uint64).astype(dt) if not signed else (wide >> bits).astype(sdt).view(dt)
            xs = [int(v) for v in (x.view(sdt) if signed else x)]
            ys = [int(v) for v in (y.view(sdt) if signed else y)]
            return np.array([((p * q) >> 64) & ((1 << 64) - 1) for p, q in zip(xs, ys)], np.uint64)
        return run
    return factory


for _name, _bits, _signed in (("s", 16, True), ("us", 16, False), ("i", 32, True), ("ui", 32, False),
                              ("ll", 64, True), ("ull", 64, False)):
    _intrinsic(f"llvm.nvvm.mulhi.{_name}")(_mulhi(_bits, _signed))


def _fminmax(is_max: bool, ftz: bool, nan: bool, xorsign: bool) -> Callable[[_Op], Handler]:
    """llvm.nvvm.f{min,max}[.ftz][.nan][.xorsign.abs].f (PTX ISA "min" /
    "max"): a NaN operand gives the other (both NaN, or .NaN: canonical
    NaN); .xorsign.abs compares magnitudes and gives the result the XOR of
    the operands' signs (Triton's symmetric tl.clamp on sm_86+)."""
    from .values import _flush_f32

    def factory(op: _Op) -> Handler:
        def run(st: _State, a: list) -> np.ndarray:
            x, y = (np.asarray(v, np.float32) for v in a[:2])
            if ftz:
                x, y = _flush_f32(x).astype(np.float32), _flush_f32(y).astype(np.float32)
            sign = np.signbit(x) ^ np.signbit(y)
            if xorsign:
                x, y = np.abs(x), np.abs(y)
            d = np.fmax(x, y) if is_max else np.fmin(x, y)  # (fmax / fmin: a NaN gives the other)
            both = np.isnan(x) & np.isnan(y)
            d = np.where(both | (nan & (np.isnan(x) | np.isnan(y))), np.float32(np.nan), d)
            if xorsign:
                d = np.where(np.isnan(d), d, np.where(sign, -np.abs(d), np.abs(d)))
            return d.astype(np.float32)
        return run
    return factory


for _mx in (False, True):
    for _ftz in ("", ".ftz"):
        for _nan in ("", ".nan"):
            for _xs in ("", ".xorsign.abs"):
                _intrinsic(f"llvm.nvvm.f{'max' if _mx else 'min'}{_ftz}{_nan}{_xs}.f")(
                    _fminmax(_mx, bool(_ftz), bool(_nan), bool(_xs)))
