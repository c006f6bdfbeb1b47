"""The ROCDL dialect: workitem / workgroup ids and dims, barriers,
ds_bpermute and mbcnt, as the AMDGPU ISA defines them.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations

import functools

import numpy as np

from .values import _IMPLICIT_WINDOW, EmulationError, Value, _from_bytes, _layout, _to_bytes, _uview
from .registry import Handler, _Op, _State, _barrier, _intrinsic, _op, _special_registers
from .llvm import atomic_step, serially


_special_registers({
    **{f"{prefix}{d}": (lambda st, r=r, i=i: getattr(st, r)[i]) for i, d in enumerate("xyz") for prefix, r in (
        ("rocdl.workitem.id.", "tid"), ("rocdl.workgroup.id.", "ctaid"), ("rocdl.workgroup.dim.", "ntid"),
        ("rocdl.grid.dim.", "nctaid"))},
    "rocdl.wavefrontsize": lambda st: np.full(st.T, st.ws),
})
_op("rocdl.s.barrier", "rocdl.barrier")(_barrier)


@_op("rocdl.ds_bpermute")
def _ds_bpermute(op: _Op) -> Handler:
    def run(st: _State, a: list) -> np.ndarray:
        src = st.warp_base + ((_uview(a[0]).astype(np.int64) >> 2) & (st.ws - 1))
        return np.where(st.mask[src], a[1][src], 0).astype(a[1].dtype)  # inactive sources read 0
    return run


@_op("rocdl.ds_permute")
def _ds_permute(op: _Op) -> Handler:
    """ds_permute_b32 (CDNA3 ISA): a forward permute -- each active lane
    sends its data to lane (addr / 4) mod 64; in lane order, so the highest
    sender wins; a lane nothing was sent to reads 0."""
    def run(st: _State, a: list) -> np.ndarray:
        out = np.zeros_like(a[1])
        dst = st.warp_base + ((_uview(a[0]).astype(np.int64) >> 2) & (st.ws - 1))
        for t in st.lanes:  # in thread order: later senders overwrite
            out[dst[t]] = a[1][t]
        return out
    return run


@_op("rocdl.mbcnt.lo", "rocdl.mbcnt.hi")
def _mbcnt(op: _Op) -> Handler:
    first = 32 if (op.attrs["intrin"].value if "intrin" in op.attrs else op.name).endswith("hi") else 0

    def run(st: _State, a: list) -> np.ndarray:
        below = np.clip(st.lane - first, 0, 32)
        bits = (a[0].astype(np.int64) & ((1 << below) - 1)).astype("<u4").view(np.uint8)
        return a[1] + np.unpackbits(bits.reshape(-1, 4), axis=1).sum(axis=1).astype(a[1].dtype)
    return run


# ---- the same as LLVM intrinsics (Triton's AMD LLVM IR, imported): the ids
# are i32 (llvm.amdgcn.workitem.id.x / workgroup.id.x); s_barrier.

def _id_intrinsic(field: str, axis: int):
    def factory(op: _Op) -> Handler:
        if (op.outs[0].kind, op.outs[0].bits) != ("int", 32):
            raise EmulationError(f"llvm.amdgcn.{field} gives an i32, not {op.outs[0]}")
        return lambda st, a: getattr(st, field)[axis].astype(np.uint32)
    return factory


for _i, _d in enumerate("xyz"):
    _intrinsic(f"llvm.amdgcn.workitem.id.{_d}")(_id_intrinsic("tid", _i))
    _intrinsic(f"llvm.amdgcn.workgroup.id.{_d}")(_id_intrinsic("ctaid", _i))
_intrinsic("llvm.amdgcn.s.barrier")(_barrier)
_intrinsic("llvm.amdgcn.ds.bpermute")(_ds_bpermute)
_intrinsic("llvm.amdgcn.ds.permute")(_ds_permute)
# the hidden kernel arguments (the grid's size: Triton's tl.num_programs)
_intrinsic("llvm.amdgcn.implicitarg.ptr")(lambda op: lambda st, a: np.full(st.T, _IMPLICIT_WINDOW, np.int64))
_intrinsic("llvm.amdgcn.mbcnt.lo", "llvm.amdgcn.mbcnt.hi")(_mbcnt)


# ---- buffer resources (CDNA3 ISA, "Buffer instructions"; Triton's masked
# AMD accesses): a raw buffer (stride 0) of num_records bytes from a base
# address; a lane whose access does not lie wholly inside reads 0 and does
# not write (Triton masks lanes by giving them an offset past the end).
# A resource value is the pair (base address, num_records) per thread.


@_intrinsic("llvm.amdgcn.make.buffer.rsrc.p8.p1", "llvm.amdgcn.make.buffer.rsrc.p8.p0")
def _make_buffer_rsrc(op: _Op) -> Handler:
    return lambda st, a: (a[0].astype(np.int64), _uview(a[2]).astype(np.int64))


def _buffer_addresses(st: _State, rsrc: tuple, offset: np.ndarray, soffset: np.ndarray, size: int):
    """The active lanes whose access lies inside the buffer, and the
    addresses of all lanes."""
    base, records = rsrc
    off = _uview(offset).astype(np.int64) + _uview(soffset).astype(np.int64)
    inside = st.mask & (off + size <= records)
    return np.flatnonzero(inside), base + off


@_intrinsic("llvm.amdgcn.raw.ptr.buffer.load.")
def _buffer_load(op: _Op) -> Handler:
    ty = op.outs[0]
    size = _layout(ty)[0]

    def run(st: _State, a: list) -> Value:
        lanes, addr = _buffer_addresses(st, a[0], a[1], a[2], size)
        raw = np.zeros((st.T, size), np.uint8)
        if len(lanes):
            raw[lanes] = st.mem.load(addr[lanes], size, st, lanes)
        return _from_bytes(raw, ty)
    return run


@_intrinsic("llvm.amdgcn.raw.ptr.buffer.store.")
def _buffer_store(op: _Op) -> Handler:
    ty = op.ins[0]
    size = _layout(ty)[0]

    def run(st: _State, a: list) -> None:
        lanes, addr = _buffer_addresses(st, a[1], a[2], a[3], size)
        if len(lanes):
            st.mem.store(addr[lanes], _to_bytes(a[0], ty)[lanes], st, lanes)
    return run


#: the buffer atomics' operations, as LLVM's atomicrmw names them
_BUFFER_ATOMICS = {"add": "add", "sub": "sub", "smax": "max", "smin": "min", "umax": "umax", "umin": "umin",
                   "and": "_and", "or": "_or", "xor": "_xor", "swap": "xchg", "fadd": "fadd", "fmax": "fmax",
                   "fmin": "fmin"}


@_intrinsic("llvm.amdgcn.raw.ptr.buffer.atomic.")
def _buffer_atomic(op: _Op) -> Handler:
    """raw.ptr.buffer.atomic.<op> (vdata, rsrc, offset, soffset, aux) and
    .cmpswap (src, cmp, rsrc, ...): per in-bounds active lane, one after
    another; the old value (0 out of bounds)."""
    name = op.attrs["intrin"].value.split(".")[6]
    ty = op.outs[0]
    size = _layout(ty)[0]
    if name == "cmpswap":
        step = None
    elif name in _BUFFER_ATOMICS:
        step = atomic_step(_BUFFER_ATOMICS[name], ty, "buffer atomic")
    else:
        raise EmulationError(f"buffer atomic {name} is not supported")
    k = 2 if step is None else 1

    def run(st: _State, a: list) -> Value:
        lanes, addr = _buffer_addresses(st, a[k], a[k + 1], a[k + 2], size)
        if step is None:
            return serially(st, addr, ty, lambda t, cur: a[0][t] if cur == a[1][t] else None, lanes)
        return serially(st, addr, ty, lambda t, cur: step(cur, a[0][t]), lanes)
    return run


# ---- cross-lane data movement (CDNA3 ISA, "Data Parallel Processing (DPP)"
# and "DS_SWIZZLE_B32"; LLVM AMDGPU usage of llvm.amdgcn.update.dpp)


def _dpp_sources(ctrl: int, lane: np.ndarray, ws: int) -> tuple[np.ndarray, np.ndarray]:
    """For a DPP control word (GFX9 / CDNA encoding) the lane each lane reads
    and whether that lane exists: quad_perm 0x00-0xFF, row_shl 0x101-0x10F,
    row_shr 0x111-0x11F, row_ror 0x121-0x12F, wave_shl/rol/shr/ror 0x130 /
    0x134 / 0x138 / 0x13C, row_mirror 0x140, row_half_mirror 0x141,
    row_bcast15 0x142 (lane 15 of each row to the next row), row_bcast31
    0x143 (lane 31 to rows 2 and 3). Rows are 16 lanes."""
    row, r = lane // 16 * 16, lane % 16
    ok = np.ones(lane.shape, bool)
    if ctrl <= 0xFF:
        src = (lane & ~3) | ((ctrl >> (2 * (lane & 3))) & 3)
    elif 0x101 <= ctrl <= 0x10F or 0x111 <= ctrl <= 0x11F:
        s = r + (ctrl & 0xF) if ctrl < 0x110 else r - (ctrl & 0xF)
        ok, src = (s >= 0) & (s < 16), row + (s & 15)
    elif 0x121 <= ctrl <= 0x12F:
        src = row + ((r - (ctrl & 0xF)) & 15)
    elif ctrl in (0x130, 0x134, 0x138, 0x13C):
        s = lane + (1 if ctrl <= 0x134 else -1)
        ok = np.ones(lane.shape, bool) if ctrl in (0x134, 0x13C) else (s >= 0) & (s < ws)
        src = s % ws
    elif ctrl == 0x140:
        src = row + 15 - r
    elif ctrl == 0x141:
        src = row + (r & 8) + 7 - (r & 7)
    elif ctrl == 0x142:
        ok, src = row >= 16, np.maximum(row - 1, 0)
    elif ctrl == 0x143:
        ok, src = row >= 32, np.full(lane.shape, 31)
    else:
        raise EmulationError(f"DPP control {ctrl:#x} is not a GFX9 / CDNA DPP control")
    return src, ok


def _const_int(op: _Op, k: int, what: str) -> int:
    value = op.operand_ints.get(k)
    if value is None:
        raise EmulationError(f"{op.name}: its {what} must be a constant")
    return value


@_intrinsic("llvm.amdgcn.update.dpp.")
def _update_dpp(op: _Op) -> Handler:
    """llvm.amdgcn.update.dpp(old, src, dpp_ctrl, row_mask, bank_mask,
    bound_ctrl): v_mov_b32_dpp of `src` into a register holding `old`. A
    lane whose row (row_mask bit) or bank of 4 lanes (bank_mask bit) is
    disabled keeps `old`; one whose source lane does not exist or is
    inactive gets 0 with bound_ctrl, else keeps `old`."""
    ctrl, row_mask, bank_mask, bound = (_const_int(op, k, w) for k, w in
                                        ((2, "dpp_ctrl"), (3, "row_mask"), (4, "bank_mask"), (5, "bound_ctrl")))

    def run(st: _State, a: list) -> np.ndarray:
        src, ok = _dpp_sources(ctrl, st.lane, st.ws)
        src = st.warp_base + src
        ok = ok & st.mask[src]
        write = ((row_mask >> (st.lane % st.ws // 16)) & 1).astype(bool) & ((bank_mask >> (st.lane % 16 // 4)) & 1).astype(bool)
        old, value = a[0], a[1]
        moved = np.where(ok, value[src], 0 if bound else old)
        return np.where(write, moved, old).astype(value.dtype)
    return run


@_intrinsic("llvm.amdgcn.ds.swizzle")
def _ds_swizzle(op: _Op) -> Handler:
    """ds_swizzle_b32 (CDNA3 ISA): offset bit 15 set is a quad permutation
    (2 bits per lane of each 4); clear, a bit-mask permutation in each group
    of 32 lanes, lane j reading ((j & and) | or) ^ xor with the 5-bit masks
    at offset bits 0, 5, 10. An inactive source lane reads 0."""
    off = _const_int(op, 1, "offset")

    def run(st: _State, a: list) -> np.ndarray:
        lane = st.lane
        if off & 0x8000:
            src = (lane & ~3) | ((off >> (2 * (lane & 3))) & 3)
        else:
            j = lane & 31
            src = (lane & ~31) | (((j & (off & 31)) | ((off >> 5) & 31)) ^ ((off >> 10) & 31))
        src = st.warp_base + src
        return np.where(st.mask[src], a[0][src], 0).astype(a[0].dtype)
    return run


def _warp_uniform(st: _State, values: np.ndarray, lane: np.ndarray) -> np.ndarray:
    """Each thread gets `values` at lane `lane` of its warp (lane per thread)."""
    return values[st.warp_base + lane]


@_intrinsic("llvm.amdgcn.readlane.", "llvm.amdgcn.readlane")
def _readlane(op: _Op) -> Handler:
    """v_readlane_b32: the value of lane `lane` (uniform) in every lane."""
    def run(st: _State, a: list) -> np.ndarray:
        lane = _uview(a[1]).astype(np.int64) % st.ws
        return _warp_uniform(st, a[0], lane)
    return run


@_intrinsic("llvm.amdgcn.readfirstlane.", "llvm.amdgcn.readfirstlane")
def _readfirstlane(op: _Op) -> Handler:
    """v_readfirstlane_b32: the value of the lowest active lane of the wave."""
    def run(st: _State, a: list) -> np.ndarray:
        active = st.mask.reshape(-1, st.ws)
        first = np.repeat(np.argmax(active, axis=1), st.ws)
        return _warp_uniform(st, a[0], first)
    return run


@_intrinsic("llvm.amdgcn.ballot.i64", "llvm.amdgcn.ballot.i32")
def _amd_ballot(op: _Op) -> Handler:
    """The active lanes whose predicate is true, bit per lane (i64 for
    wave64: i32 only on a 32-lane wave)."""
    bits = op.outs[0].bits

    def run(st: _State, a: list) -> np.ndarray:
        if bits < st.ws:
            raise EmulationError(f"{op.name} on a {st.ws}-lane wave")
        pred = (a[0].astype(bool) & st.mask).reshape(-1, st.ws).astype(np.uint64)
        words = (pred << np.arange(st.ws, dtype=np.uint64)).sum(axis=1, dtype=np.uint64)
        return np.repeat(words, st.ws).astype(_UINT_OF[bits])
    return run


_UINT_OF = {32: np.uint32, 64: np.uint64}
#: MODE register fields the emulator models (hwreg 1; CDNA3 ISA "MODE"):
#: FP16_OVFL (bit 23): an f16 result that overflows clamps to +-65504.
_HW_REG_MODE, _FP16_OVFL = 1, 23


@_intrinsic("llvm.amdgcn.s.setreg")
def _setreg(op: _Op) -> Handler:
    """s_setreg_b32 hwreg(id, offset, size): only MODE.FP16_OVFL is modelled
    (Triton sets it on gfx942 for its f16 / fp8 conversions); it holds for
    the CTA's later f32 -> f16 truncations."""
    reg = _const_int(op, 0, "hwreg")
    ident, offset, size = reg & 63, (reg >> 6) & 31, ((reg >> 11) & 31) + 1
    if (ident, offset, size) != (_HW_REG_MODE, _FP16_OVFL, 1):
        raise EmulationError(f"s_setreg of hwreg({ident}, {offset}, {size}) is not modelled "
                             f"(MODE.FP16_OVFL, hwreg(1, 23, 1), is)")

    def run(st: _State, a: list) -> None:
        if st.lanes.size:
            st.fp16_overflow_clamps = bool(a[1][st.lanes[0]] & 1)
    return run


# Scheduling hints: wave priority, instruction-scheduling barriers, waits for
# counters the emulator's in-order memory never leaves pending. (The ROCDL ops
# reach our module from Triton's TTGIR, which places them around its dots.)
_intrinsic("llvm.amdgcn.s.waitcnt", "llvm.amdgcn.s.sleep", "llvm.amdgcn.sched.barrier",
           "llvm.amdgcn.s.setprio")(lambda op: lambda st, a: None)
_op("rocdl.s.setprio", "rocdl.sched.barrier", "rocdl.s.waitcnt")(lambda op: lambda st, a: None)


@_intrinsic("llvm.amdgcn.fmed3.")
def _fmed3(op: _Op) -> Handler:
    """v_med3_f32 (CDNA3 ISA): the median of three; with a NaN operand,
    min3 (each min giving the other operand of a NaN) -- Triton's tl.clamp
    on AMD."""
    def run(st: _State, a: list) -> np.ndarray:
        x, y, z = a[:3]
        nan = np.isnan(x) | np.isnan(y) | np.isnan(z)
        with np.errstate(invalid="ignore"):
            med = np.maximum(np.minimum(x, y), np.minimum(np.maximum(x, y), z))
            return np.where(nan, np.fmin(np.fmin(x, y), z), med).astype(x.dtype)
    return run


@_intrinsic("llvm.amdgcn.perm")
def _perm(op: _Op) -> Handler:
    """v_perm_b32 (CDNA3 ISA): each byte of the result picked by the
    selector's byte s from the 8 bytes of {src0, src1} (src1 the low word):
    s < 8 that byte, 8-11 the sign of byte 1 / 3 / 5 / 7 replicated, 12
    zero, above 0xFF."""
    def run(st: _State, a: list) -> np.ndarray:
        hi, lo, sel = (np.asarray(x).astype(np.uint32).astype(np.uint64) for x in a[:3])
        both = (hi << np.uint64(32)) | lo
        out = np.zeros(np.broadcast(hi, lo, sel).shape, np.uint64)
        for i in range(4):
            s = (sel >> np.uint64(8 * i)) & np.uint64(0xFF)
            byte = (both >> (np.uint64(8) * np.minimum(s, np.uint64(7)))) & np.uint64(0xFF)
            sign_of = np.uint64(2) * (s - np.uint64(8)) + np.uint64(1)  # bytes 1, 3, 5, 7
            sign = (both >> (np.uint64(8) * np.minimum(sign_of, np.uint64(7)) + np.uint64(7))) & np.uint64(1)
            v = np.where(s < 8, byte, np.where(s < 12, sign * np.uint64(0xFF),
                                               np.where(s == 12, np.uint64(0), np.uint64(0xFF))))
            out |= v << np.uint64(8 * i)
        return out.astype(np.uint32).view(np.int32) if np.asarray(a[0]).dtype == np.int32 else out.astype(np.uint32)
    return run


@functools.lru_cache(maxsize=None)
def _fnuz_values(e: int, m: int, bias: int) -> np.ndarray:
    """gfx942's fp8 / bf8 (E4M3FNUZ / E5M2FNUZ): no infinities, no negative
    zero, 0x80 NaN; the value of each of the 256 encodings."""
    codes = np.arange(256)
    ex, man = codes >> m & ((1 << e) - 1), codes & ((1 << m) - 1)
    mag = np.where(ex == 0, man * 2.0 ** (1 - bias - m), (man + 2.0**m) * 2.0 ** (ex - bias - m))
    vals = np.where(codes & 0x80, -mag, mag)
    vals[0x80] = np.nan
    return vals


@_intrinsic("llvm.amdgcn.cvt.pk.f32.fp8", "llvm.amdgcn.cvt.pk.f32.bf8")
def _cvt_pk_f32_fp8(op: _Op) -> Handler:
    """v_cvt_pk_f32_fp8 / _bf8 (CDNA3 ISA): two fp8 (E4M3FNUZ) or bf8
    (E5M2FNUZ) bytes of a word -- bytes 0, 1, or 2, 3 when word_sel -- to
    two f32s, exactly."""
    name = str(op.attrs.get("intrin", "")).strip('"')
    table = _fnuz_values(5, 2, 16) if name.endswith("bf8") else _fnuz_values(4, 3, 8)

    def run(st: _State, a: list) -> np.ndarray:
        word = np.asarray(a[0]).astype(np.uint32)
        high = np.asarray(a[1]).astype(bool)
        shift = np.where(high, np.uint32(16), np.uint32(0))
        b0 = (word >> shift) & np.uint32(0xFF)
        b1 = (word >> (shift + np.uint32(8))) & np.uint32(0xFF)
        return np.stack([table[b0.astype(np.intp)], table[b1.astype(np.intp)]], axis=-1).astype(np.float32)
    return run
