"""The ROCDL dialect: workitem / workgroup ids and dims, barriers,
ds_bpermute and mbcnt, as the AMDGPU ISA defines them.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations


import numpy as np

from .values import EmulationError, _uview
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
