"""One CTA in flight (_State), the op registry (one handler factory per op
name, registered by the dialect modules), and what the dialects share:
special registers and CTA barriers.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .values import EmulationError, _Ty, _dtype, _first
from .memory import _Memory


# ------------------------------------------------------------------------------------ state


class _AsyncGroups:
    """Asynchronous operations in commit groups (PTX ISA: cp.async.commit_group
    / wait_group, wgmma.commit_group / wait_group): an operation joins the
    open group; ``commit`` closes it; ``wait(n)`` completes every committed
    group but the newest `n`, running their deferred effects in order. One
    set per CTA (the CTA's threads issue them together)."""

    def __init__(self, what: str, wait: str) -> None:
        self.what, self.wait = what, wait
        self.committed = 0  # groups closed so far; the open group is number `committed`
        self.done = 0  # groups [0, done) are complete
        self.deferred: list[tuple[int, Callable[[], None]]] = []

    def add(self, effect: Callable[[], None] | None = None) -> int:
        if effect is not None:
            self.deferred.append((self.committed, effect))
        return self.committed

    def commit(self) -> None:
        self.committed += 1

    def wait_for(self, newest_pending: int) -> None:
        self.done = max(self.done, self.committed - newest_pending)
        keep = []
        for group, effect in self.deferred:
            if group < self.done:
                effect()
            else:
                keep.append((group, effect))
        self.deferred = keep

    def wait_all(self) -> None:
        """(cp.async.wait_all: commit the open group, wait for every group)"""
        self.commit()
        self.wait_for(0)

    def complete(self, group: int) -> bool:
        return group < self.done


def _whole_groups(st: "_State", size: int, what: str) -> np.ndarray:
    """The groups of `size` threads (warps, warpgroups, waves) that are
    wholly active; one only partly active is an error (.aligned / .sync
    instructions need all of them)."""
    if st.T % size:
        raise EmulationError(f"{what} needs whole groups of {size} threads; the CTA has {st.T}")
    m = st.mask.reshape(-1, size)
    partial = m.any(axis=1) & ~m.all(axis=1)
    if partial.any():
        g = int(np.argmax(partial))
        raise EmulationError(f"{what} executed by only some threads of threads [{g * size}, {(g + 1) * size}) "
                             f"of CTA {st.cta}")
    return np.flatnonzero(m.all(axis=1))


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
        #: AMD MODE.FP16_OVFL (s_setreg): f16 overflow clamps to +-65504
        self.fp16_overflow_clamps = False
        #: llvm.alloca op -> its per-thread stack region in this CTA
        self.local: dict[int, int] = {}
        self.wgmma = _AsyncGroups("wgmma.mma_async", "wgmma.wait_group")
        self.cp_async = _AsyncGroups("cp.async", "cp.async.wait_group")
        #: TMA stores in flight (cp.async.bulk groups) and the CTA's mbarriers by shared address
        self.bulk = _AsyncGroups("cp.async.bulk", "cp.async.bulk.wait_group")
        self.mbarriers: dict[int, Any] = {}
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
    #: read-only constant globals (e.g. libdevice's "__CUDA_FTZ") -> flat address
    constants: dict[str, int] = field(default_factory=dict)
    #: the module's integer flags (llvm.module_flags: "nvvm-reflect-ftz" -> 1)
    flags: dict[str, int] = field(default_factory=dict)
    #: operand position -> its value, for operands that are integer constants
    #: (an intrinsic's immediate arguments: DPP controls, hwreg fields)
    operand_ints: dict[int, int] = field(default_factory=dict)


_OPS: dict[str, Callable[[_Op], Handler]] = {}


def _op(*names: str) -> Callable:
    def register(factory: Callable[[_Op], Handler]) -> Callable[[_Op], Handler]:
        _OPS.update(dict.fromkeys(names, factory))
        return factory
    return register


# ---- special registers (each dialect registers its own names)


def _sreg_bits(name: str) -> int:
    """The result width LLVM IR translation gives a special register (NVVM:
    the PTX ISA's 32-bit %tid / %ntid / %ctaid / %nctaid / %laneid; ROCDL:
    the i32 llvm.amdgcn.workitem.id / workgroup.id intrinsics, and OCKL's
    ``i64 __ockl_get_local_size / __ockl_get_num_groups`` for the dims)."""
    return 64 if name.startswith(("rocdl.grid.dim.", "rocdl.workgroup.dim.")) else 32


def _special_registers(table: dict[str, Callable[[_State], np.ndarray]]) -> None:
    """Register ops reading the special registers of `table` (name -> the
    per-thread value of a CTA's state)."""

    def factory(op: _Op) -> Handler:
        bits = _sreg_bits(op.name)
        if (op.outs[0].kind, op.outs[0].bits) != ("int", bits):
            # Translation would build an i<bits> value for it: LLVM asserts.
            raise EmulationError(f"{op.name} must give an i{bits}, not {op.outs[0]}")
        read, dt = table[op.name], _dtype(op.outs[0])
        return lambda st, a: read(st).astype(dt)

    _op(*table)(factory)


#: LLVM intrinsics by name (``llvm.call_intrinsic``, what MLIR's LLVM IR
#: importer keeps as calls): the dialect modules register the ones whose
#: semantics they define, sharing the handler of their op.
_INTRINSICS: dict[str, Callable[[_Op], Handler]] = {}


def _intrinsic(*names: str) -> Callable:
    """Register a handler factory for intrinsics by name; a name ending in
    "." stands for every overload (llvm.amdgcn.raw.ptr.buffer.load.v4i32)."""
    def register(factory: Callable[[_Op], Handler]) -> Callable[[_Op], Handler]:
        _INTRINSICS.update(dict.fromkeys(names, factory))
        return factory
    return register


def _intrinsic_handler(name: str) -> Callable[[_Op], Handler] | None:
    if name in _INTRINSICS:
        return _INTRINSICS[name]
    for prefix, factory in _INTRINSICS.items():
        if prefix.endswith(".") and name.startswith(prefix):
            return factory
    return None


def _cta_barrier(st: _State) -> None:
    """A CTA-wide barrier: every live thread active, then a new epoch for
    the race tracker."""
    waiting = ~(st.mask | st.exited)
    if waiting.any():
        raise EmulationError(f"barrier under divergence: {int(waiting.sum())} live threads are inactive, "
                             f"e.g. {st.thread(_first(waiting))}")
    if st.mem.races is not None:
        st.mem.races.epoch += 1


def _barrier(op: _Op) -> Handler:
    """A CTA-wide barrier (bar.sync, s_barrier): every live thread active.
    An operand is the barrier's id (bar.sync 0 only)."""
    if op.outs or len(op.ins) > 1:
        raise EmulationError("only the plain CTA-wide barrier is supported")

    def run(st: _State, a: list) -> None:
        if a and (a[0][st.mask] != 0).any():
            raise EmulationError("only barrier 0 (the CTA-wide barrier) is modelled")
        _cta_barrier(st)
    return run
