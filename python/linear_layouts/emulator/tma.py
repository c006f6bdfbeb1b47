"""Hopper's tensor memory accelerator, one definition per instruction:
tensor maps (``tensormap.replace``, ``tensormap.cp_fenceproxy``), mbarriers
(``mbarrier.init / arrive / expect_tx / try_wait.parity / inval``) and bulk
tensor copies (``cp.async.bulk.tensor`` both ways, ``cp.async.bulk``
commit / wait groups), as inline PTX and as the NVVM intrinsics Triton
calls (``llvm.nvvm.elect.sync``, ``llvm.nvvm.cp.async.bulk.*``).

The tensor map (PTX ISA 5.5.8 "Tensor-map", 9.7.9.25.5 "tensormap.replace")
is an opaque 128-byte object on the hardware, built by the driver
(``cuTensorMapEncodeTiled``) or edited field by field on the device. Its
bit layout is not published, so the emulator keeps its **own** layout
(:func:`encode_tensor_map` for a host descriptor; ``tensormap.replace``
writes the same fields): whatever a kernel does with a map it did not
build itself (copy it, pass it on) works, and what a copy reads from it is
what the PTX ISA defines.

A tile copy (PTX ISA 9.7.9.25.5.2 "cp.async.bulk.tensor", 5.5.8.1 "Tensor
... bounding box", 5.5.8.3 swizzling) moves the box at the given
coordinates (innermost dimension first). Loads fill elements outside the
tensor with zeros (or NaN under fill mode 1) and write shared memory as a
dense row-major box whose 16-byte chunks are permuted by the swizzle mode:
address bits [4, 4 + b) XOR bits [7, 7 + b), b = 1, 2, 3 for 32, 64, 128
bytes (of the absolute shared address). Stores skip elements outside.

Asynchrony: a load reads global memory when issued and lands in shared
memory when a thread waits on its mbarrier (``try_wait``); until then its
bytes are in flight (a read raises). The mbarrier's phase completes when its
pending arrivals reach zero and its transaction count (``expect_tx`` bytes
less the bytes landed) is zero. A store reads shared memory when issued and
writes global memory when a ``cp.async.bulk.wait_group`` completes its
group, or when the CTA ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import ptx
from .ptx import _Instr, _Operand, _read, _write
from .registry import Handler, _Op, _State, _intrinsic, _op
from .values import EmulationError, _require_aligned, _shared_flat

#: the emulator's tensor map: field -> (byte offset, bytes, count)
_FIELDS = {
    "global_address": (0, 8, 1),
    "rank": (8, 4, 1),  # rank - 1, as tensormap.replace.rank writes it
    "elemtype": (12, 4, 1),
    "interleave_layout": (16, 4, 1),
    "swizzle_mode": (20, 4, 1),
    "fill_mode": (24, 4, 1),
    "box_dim": (28, 4, 5),
    "global_dim": (48, 4, 5),
    "element_stride": (68, 4, 5),
    "global_stride": (88, 8, 4),  # bytes between consecutive indices of dimension i + 1
}
TENSOR_MAP_BYTES = 128

#: PTX's element type codes (tensormap.replace.elemtype) -> bytes per element
ELEMENT_BYTES = {0: 1, 1: 2, 2: 4, 3: 4, 4: 8, 5: 8, 6: 2, 7: 4, 8: 4, 9: 8, 10: 2, 11: 4, 12: 4}
_FLOAT_TYPES = {6, 7, 8, 9, 10, 11, 12}


def _bad(instr: _Instr, why: str) -> EmulationError:
    return EmulationError(f"inline PTX {instr.text!r}: {why}")


def encode_tensor_map(address: int, elemtype: int, dims: list[int], strides: list[int], box: list[int],
                      swizzle: int = 0, fill: int = 0) -> np.ndarray:
    """A host tensor map in the emulator's layout, checked as
    ``cuTensorMapEncodeTiled`` checks it: `dims`, `strides` (bytes) and
    `box` innermost first, `strides` for dimensions 1..rank-1; `elemtype`
    is PTX's code; `swizzle` 0-3 (none, 32, 64, 128 bytes); `fill` 1 fills
    with NaN. The array is 64-byte aligned, as a kernel parameter is."""
    rank = len(dims)
    if not 1 <= rank <= 5 or len(box) != rank or len(strides) != rank - 1:
        raise ValueError(f"a tensor map of rank {rank} needs {rank} box sizes and {rank - 1} strides")
    if elemtype not in ELEMENT_BYTES:
        raise ValueError(f"element type {elemtype} is not a tensor-map element type")
    if address % 16 or any(s % 16 for s in strides):
        raise ValueError("a tensor map's global address and strides must be multiples of 16 bytes")
    if any(not 1 <= b <= 256 for b in box) or any(d < 1 for d in dims):
        raise ValueError(f"box sizes {box} must lie in [1, 256] and sizes {dims} be positive")
    if swizzle and box[0] * ELEMENT_BYTES[elemtype] > 16 << swizzle:
        raise ValueError(f"the inner box ({box[0] * ELEMENT_BYTES[elemtype]} bytes) exceeds the swizzle "
                         f"span ({16 << swizzle} bytes)")
    raw = np.zeros(TENSOR_MAP_BYTES + 64, np.uint8)
    m = raw[(-raw.ctypes.data) % 64:][:TENSOR_MAP_BYTES]
    for name, values in (("global_address", [address]), ("rank", [rank - 1]), ("elemtype", [elemtype]),
                         ("swizzle_mode", [swizzle]), ("fill_mode", [fill]), ("box_dim", box),
                         ("global_dim", dims), ("element_stride", [1] * rank), ("global_stride", strides)):
        off, size, _ = _FIELDS[name]
        m[off:off + size * len(values)] = np.array(values, f"<u{size}").view(np.uint8)
    return m


@dataclass
class TensorMap:
    """A host tensor map passed for a pointer parameter (a ``byval``
    CUtensorMap, as Triton passes a host TensorDescriptor on sm_90): the
    emulator maps `base` and a map of it (:func:`encode_tensor_map`'s
    arguments but the address) and passes the map's address."""
    base: np.ndarray
    elemtype: int
    dims: list[int]
    strides: list[int]
    box: list[int]
    swizzle: int = 0
    fill: int = 0

    def encode(self, address: int) -> np.ndarray:
        return encode_tensor_map(address, self.elemtype, self.dims, self.strides, self.box, self.swizzle,
                                 self.fill)


def _decode(raw: np.ndarray) -> dict[str, Any]:
    out = {}
    for name, (off, size, count) in _FIELDS.items():
        v = raw[off:off + size * count].view(f"<u{size}")
        out[name] = [int(x) for x in v] if count > 1 else int(v[0])
    return out


def _tensor_map(st: _State, address: int, lane: int, what: str) -> dict[str, Any]:
    m = _decode(st.mem.load(np.array([address]), TENSOR_MAP_BYTES, st, np.array([lane]))[0])
    rank = m["rank"] + 1
    if m["elemtype"] not in ELEMENT_BYTES or rank > 5:
        raise EmulationError(f"{what}: the tensor map at {address:#x} is not one (element type {m['elemtype']}, "
                             f"rank {rank}): was it built (tensormap.replace / a host descriptor)?")
    if m["interleave_layout"] or any(s != 1 for s in m["element_stride"][:rank]):
        raise EmulationError(f"{what}: interleaved tensor maps and element strides other than 1 are not modelled")
    m["rank"], m["bytes"] = rank, ELEMENT_BYTES[m["elemtype"]]
    return m


def _box(m: dict[str, Any], coords: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The box at `coords`: per element in row-major box order, its global
    byte address, whether it lies inside the tensor, and its byte offset in
    the (unswizzled) shared box."""
    rank, e = m["rank"], m["bytes"]
    box = m["box_dim"][:rank]
    idx = np.indices(box[::-1]).reshape(rank, -1)[::-1]  # idx[i]: index in dimension i (0 innermost)
    g = idx + np.array(coords, np.int64)[:, None]
    inside = np.all((g >= 0) & (g < np.array(m["global_dim"][:rank])[:, None]), axis=0)
    addr = m["global_address"] + g[0] * e
    for i in range(1, rank):
        addr = addr + g[i] * m["global_stride"][i - 1]
    return addr, inside, np.arange(idx.shape[1], dtype=np.int64) * e


def _swizzle(addr: np.ndarray, mode: int) -> np.ndarray:
    if mode == 0:
        return addr
    mask = (1 << mode) - 1
    return addr ^ (((addr >> 7) & mask) << 4)


class _MBarrier:
    """One mbarrier object (PTX ISA 9.7.13.15): its phase, expected and
    pending arrivals, transaction count and the loads that complete on it."""

    def __init__(self, count: int) -> None:
        self.phase, self.expected, self.pending, self.tx = 0, count, count, 0
        self.loads: list[Callable[[], int]] = []

    def settle(self) -> None:
        if self.pending <= 0 and self.tx == 0:
            self.phase += 1
            self.pending = self.expected


def _barrier(st: _State, addr: int, lane: int, what: str) -> _MBarrier:
    b = st.mbarriers.get(addr)
    if b is None:
        raise EmulationError(f"{what} by {st.thread(lane)}: no mbarrier is initialized at shared address "
                             f"{addr:#x} (mbarrier.init first)")
    return b


def tile_load(st: _State, lane: int, dst: int, tmap: int, coords: list[int], mbar: int) -> None:
    """cp.async.bulk.tensor global -> shared, completing on the mbarrier at
    `mbar`: global memory read now, shared memory written at the wait."""
    what = "cp.async.bulk.tensor (load)"
    m = _tensor_map(st, tmap, lane, what)
    _require_aligned(st, np.array([dst]), np.array([lane]), 128, what, "128 (its shared destination)")
    barrier = _barrier(st, mbar, lane, what)
    addr, inside, off = _box(m, coords)
    e = m["bytes"]
    data = np.zeros((len(addr), e), np.uint8)
    if m["fill_mode"] == 1 and m["elemtype"] in _FLOAT_TYPES:
        nan = {2: np.float16(np.nan), 4: np.float32(np.nan), 8: np.float64(np.nan)}[e]
        data[:] = np.frombuffer(np.array(nan).tobytes(), np.uint8)
    if inside.any():
        data[inside] = st.mem.load(addr[inside], e, st, np.full(int(inside.sum()), lane))
    where = _swizzle(dst + off, m["swizzle_mode"])
    st.mem.expect_async_write(where, e, 1)

    def land() -> int:
        st.mem.expect_async_write(where, e, -1)
        st.mem.store(where, data, st, np.full(len(where), lane))
        return len(where) * e
    barrier.loads.append(land)


def tile_store(st: _State, lane: int, tmap: int, coords: list[int], src: int) -> None:
    """cp.async.bulk.tensor shared -> global in the open bulk group: shared
    memory read now, global memory written when its group completes."""
    what = "cp.async.bulk.tensor (store)"
    m = _tensor_map(st, tmap, lane, what)
    _require_aligned(st, np.array([src]), np.array([lane]), 128, what, "128 (its shared source)")
    addr, inside, off = _box(m, coords)
    e = m["bytes"]
    where = _swizzle(src + off, m["swizzle_mode"])[inside]
    lanes = np.full(len(where), lane)
    data = st.mem.load(where, e, st, lanes) if len(where) else np.zeros((0, e), np.uint8)
    target = addr[inside]
    st.bulk.add(lambda: st.mem.store(target, data, st, lanes) if len(target) else None)


def _wait(st: _State, addr: int, parity: int, lane: int) -> bool:
    """try_wait.parity: land the loads on the barrier, then whether the
    phase of parity `parity` has completed."""
    b = _barrier(st, addr, lane, "mbarrier.try_wait")
    while b.loads:
        b.tx -= b.loads.pop(0)()
        b.settle()
    return (b.phase & 1) != (parity & 1)


# ------------------------------------------------------------------------------------ inline PTX


def _lanes_addr(regs: list, op: _Operand, T: int) -> np.ndarray:
    return _read(_Operand("reg", op.regs[:1]), 64)(regs, T).astype(np.int64) + op.imm


def _mbarrier(instr: _Instr) -> Callable:
    """mbarrier.{init, arrive, arrive.expect_tx, expect_tx, try_wait.parity,
    test_wait.parity, inval} on shared memory (PTX ISA 9.7.13.15)."""
    mods = [m for m in instr.mods if m not in ("shared", "shared::cta", "b64", "release", "acquire", "cta")]
    ops = instr.operands
    kind = mods[0] if mods else ""
    if kind == "arrive" and len(mods) > 1 and mods[1] == "expect_tx":
        kind = "arrive.expect_tx"
    elif kind in ("try_wait", "test_wait") and mods[1:] == ["parity"]:
        kind = "wait"
    elif len(mods) != 1:
        kind = ""
    addr_at = {"init": 0, "inval": 0, "expect_tx": 0, "arrive": 1, "arrive.expect_tx": 1, "wait": 1}.get(kind)
    if addr_at is None or len(ops) <= addr_at or ops[addr_at].kind != "addr":
        raise _bad(instr, "only mbarrier.{init, arrive, arrive.expect_tx, expect_tx, try_wait.parity, "
                          "test_wait.parity, inval} on .shared are modelled")
    at = ops[addr_at]
    value = _read(ops[addr_at + 1], 32) if len(ops) > addr_at + 1 else None
    if kind in ("init", "expect_tx", "arrive.expect_tx", "wait") and value is None:
        raise _bad(instr, "a count operand is missing")

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        lanes = np.flatnonzero(active)
        if not len(lanes):
            return
        a = _shared_flat(_lanes_addr(regs, at, st.T))
        v = value(regs, st.T).astype(np.int64) if value is not None else None
        bars = st.mbarriers
        result = np.zeros(st.T, bool)
        for t in lanes:
            addr = int(a[t])
            if kind == "init":
                _require_aligned(st, a[t:t + 1], np.array([t]), 8, "mbarrier.init", "8")
                bars[addr] = _MBarrier(int(v[t]))
            elif kind == "inval":
                bars.pop(addr, None)
            elif kind == "wait":
                result[t] = _wait(st, addr, int(v[t]), t)
            else:
                b = _barrier(st, addr, t, f"mbarrier.{kind}")
                if kind != "arrive":
                    b.tx += int(v[t])
                if kind != "expect_tx":
                    b.pending -= 1
                b.settle()
        if kind == "wait" and ops[0].kind == "reg":
            _write(regs, ops[0].regs[0], active, result, instr.widths)
        if kind == "wait" and st.full and result.all() and st.mem.races is not None:
            st.mem.races.epoch += 1  # every thread observed the phase: what landed is ordered before
    return run


def _tensormap(instr: _Instr) -> Callable:
    """tensormap.replace.tile.<field>.shared::cta.b1024.b{32,64} [map],
    [ordinal,] value (PTX ISA 9.7.9.25.5.3) and
    tensormap.cp_fenceproxy.global.shared::cta... [dst], [src], 128."""
    mods, ops = instr.mods, instr.operands
    if mods and mods[0] == "cp_fenceproxy":
        if len(ops) != 3 or ops[0].kind != "addr" or ops[1].kind != "addr" or ops[2].kind != "imm" or \
                ops[2].imm != TENSOR_MAP_BYTES:
            raise _bad(instr, "expected [global], [shared], 128")

        def copy(st: Any, regs: list, active: np.ndarray) -> None:
            lanes = np.flatnonzero(active)
            if not len(lanes):
                return
            d, s = _lanes_addr(regs, ops[0], st.T), _shared_flat(_lanes_addr(regs, ops[1], st.T))
            for t in lanes[np.unique(d[lanes], return_index=True)[1]]:  # (.sync.aligned: the warp's one copy)
                one = np.array([t])
                st.mem.store(d[t:t + 1], st.mem.load(s[t:t + 1], TENSOR_MAP_BYTES, st, one), st, one)
        return copy
    if mods[:2] != ("replace", "tile") or len(mods) < 3 or mods[2] not in _FIELDS:
        raise _bad(instr, "only tensormap.replace.tile.<field> and tensormap.cp_fenceproxy are modelled")
    off, size, count = _FIELDS[mods[2]]
    indexed = count > 1
    if len(ops) != 2 + indexed or ops[0].kind != "addr" or (indexed and ops[1].kind != "imm"):
        raise _bad(instr, f"expected [map], {'ordinal, ' if indexed else ''}value")
    if indexed and not 0 <= ops[1].imm < count:
        raise _bad(instr, f"ordinal {ops[1].imm} is out of range")
    where = off + (ops[1].imm * size if indexed else 0)
    value = _read(ops[-1], size * 8)

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        lanes = np.flatnonzero(active)
        if not len(lanes):
            return
        a = _shared_flat(_lanes_addr(regs, ops[0], st.T))[lanes] + where
        v = value(regs, st.T)[lanes].astype(f"<u{size}")
        st.mem.store(a, np.ascontiguousarray(v).view(np.uint8).reshape(len(lanes), size), st, lanes)
    return run


def _bulk(instr: _Instr) -> Callable:
    """cp.async.bulk.tensor.{1-5}d loads (.shared::cluster.global.mbarrier::
    complete_tx::bytes) and stores (.global.shared::cta.bulk_group);
    cp.async.bulk.commit_group / wait_group[.read] N."""
    mods, ops = instr.mods, instr.operands
    if mods[1:3] == ("bulk", "commit_group"):
        return lambda st, regs, active: st.bulk.commit() if active.any() else None
    if mods[1:3] == ("bulk", "wait_group"):
        if len(ops) != 1 or ops[0].kind != "imm":
            raise _bad(instr, "cp.async.bulk.wait_group takes an integer")
        n = ops[0].imm
        return lambda st, regs, active: st.bulk.wait_for(n) if active.any() else None
    if mods[1:3] != ("bulk", "tensor") or len(mods) < 4 or mods[3] not in ("1d", "2d", "3d", "4d", "5d"):
        raise _bad(instr, "only cp.async.bulk.tensor.Nd and cp.async.bulk commit / wait groups are modelled")
    rank, rest = int(mods[3][0]), set(mods[4:])
    load = rest in ({"shared::cluster", "global", "mbarrier::complete_tx::bytes"},
                    {"shared::cta", "global", "mbarrier::complete_tx::bytes"})  # (Triton 3.9: ::cta)
    if not load and rest != {"global", "shared::cta", "bulk_group"}:
        raise _bad(instr, "only the tile load (.shared::{cluster,cta}.global.mbarrier::complete_tx::bytes) and store "
                          "(.global.shared::cta.bulk_group) are modelled (no multicast, cache hints, im2col)")
    tm = ops[1] if load else ops[0]
    if len(ops) != (3 if load else 2) or tm.kind != "tmap" or len(tm.regs) != rank + 1 or \
            any(o.kind != "addr" for o in ops if o is not tm):
        raise _bad(instr, f"expected {'[dst], [map, {c0, ...}], [mbar]' if load else '[map, {c0, ...}], [src]'} "
                          f"with {rank} coordinates")
    coords = [_read(_Operand("reg", (r,)), 32) for r in tm.regs[1:]]
    tmap = _read(_Operand("reg", tm.regs[:1]), 64)

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        maps = tmap(regs, st.T).astype(np.int64)
        c = [x(regs, st.T).view(np.int32).astype(np.int64) for x in coords]
        smem = _shared_flat(_lanes_addr(regs, ops[0] if load else ops[1], st.T))
        bar = _shared_flat(_lanes_addr(regs, ops[2], st.T)) if load else None
        for t in np.flatnonzero(active):
            xyz = [int(x[t]) for x in c]
            if load:
                tile_load(st, int(t), int(smem[t]), int(maps[t]), xyz, int(bar[t]))
            else:
                tile_store(st, int(t), int(maps[t]), xyz, int(smem[t]))
    return run


def _cp(instr: _Instr) -> Callable:
    from .tensor_core import _cp_async

    return _bulk(instr) if instr.mods[1:2] == ("bulk",) else _cp_async(instr)


ptx._INSTRUCTIONS.update({"mbarrier": _mbarrier, "tensormap": _tensormap, "cp": _cp})


# ------------------------------------------------------------------------------------ intrinsics


def _elected(st: _State, member_mask: Any) -> tuple[np.ndarray, np.ndarray]:
    """elect.sync (PTX ISA 9.7.13.11): per warp, the lowest active lane of
    the member mask is elected: (its lane id, whether it is this lane)."""
    mask = np.asarray(member_mask).astype(np.uint64)
    member = st.mask & (((mask >> st.lane.astype(np.uint64)) & 1) == 1)
    lane = np.zeros(st.T, np.uint32)
    chosen = np.zeros(st.T, bool)
    for w in range(0, st.T, st.ws):
        m = np.flatnonzero(member[w:w + st.ws])
        if len(m):
            lane[w:w + st.ws] = m[0]
            chosen[w + m[0]] = True
    return lane, chosen


# Triton's intrinsic ({lane, is it this lane}) and our NVVM op (the i1; an
# optional member mask, all lanes without).
_intrinsic("llvm.nvvm.elect.sync")(lambda op: lambda st, a: _elected(st, a[0]))
_op("nvvm.elect.sync")(lambda op: lambda st, a: _elected(st, a[0] if a else np.uint64(0xFFFFFFFF))[1])


# bar.warp.sync (PTX ISA 9.7.13.3): the warp's threads run together here already
_op("nvvm.bar.warp.sync")(lambda op: lambda st, a: None)
_intrinsic("llvm.nvvm.cp.async.bulk.commit.group")(lambda op: lambda st, a: st.bulk.commit())


def _bulk_wait(op: _Op) -> Handler:
    n = op.operand_ints.get(0)
    if n is None:
        raise EmulationError(f"{op.name}: its group count must be a constant")
    return lambda st, a: st.bulk.wait_for(n)


_intrinsic("llvm.nvvm.cp.async.bulk.wait.group", "llvm.nvvm.cp.async.bulk.wait.group.read")(_bulk_wait)


def finish(st: _State) -> None:
    """The CTA ends: its bulk stores in flight complete."""
    st.bulk.wait_all()
