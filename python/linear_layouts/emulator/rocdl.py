"""The ROCDL dialect: workitem / workgroup ids and dims, barriers,
ds_bpermute and mbcnt, as the AMDGPU ISA defines them.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations


import numpy as np

from .values import EmulationError, Value, _from_bytes, _layout, _to_bytes, _uview
from .registry import Handler, _Op, _State, _barrier, _intrinsic, _op, _special_registers


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


@_op("rocdl.mbcnt.lo", "rocdl.mbcnt.hi")
def _mbcnt(op: _Op) -> Handler:
    first = 32 if op.name.endswith("hi") else 0

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
