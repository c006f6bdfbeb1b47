"""Memory: global arrays mapped in place, per-CTA shared memory, and the
shared-memory race tracker.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations

from typing import TYPE_CHECKING


import numpy as np

from .values import EmulationError, _first

if TYPE_CHECKING:  # (the state holds the memory)
    from .registry import _State


# ------------------------------------------------------------------------------------ memory


class _RaceTracker:
    """Per byte of shared memory: the epoch (barriers so far) and warp of the last write, and
    of the reads since (warp -2: several warps read it)."""

    def __init__(self, size: int) -> None:
        self.epoch = 0
        self.w_epoch, self.w_warp, self.r_epoch, self.r_warp = (np.full(size, -1, np.int64) for _ in range(4))

    def access(self, offsets: np.ndarray, n: int, threads: np.ndarray, write: bool, st: "_State",
               atomic: bool = False, data: np.ndarray | None = None) -> None:
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
        if write and data is not None and multi.any():
            # Warps writing one byte in one instruction race only if they
            # write different values (the same value is the result in any
            # order: Triton stores replicated reduction results so).
            vs = data.reshape(-1)[order]
            multi[order[1:]] &= vs[1:] != vs[:-1]
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
        #: per shared byte: cp.async copies in flight to it (written when their group completes)
        self.inflight: np.ndarray | None = None

    def expect_async_write(self, addr: np.ndarray, n: int, delta: int) -> None:
        """Mark (delta 1) or clear (-1) shared bytes [addr, addr + n) as the
        destination of an asynchronous copy in flight."""
        if self.shared is None:
            return
        if self.inflight is None:
            self.inflight = np.zeros(self.shared.size, np.int32)
        base = self.regions_base(self.shared)
        b = ((addr - base)[:, None] + np.arange(n)).reshape(-1)
        b = b[(b >= 0) & (b < self.shared.size)]
        np.add.at(self.inflight, b, delta)

    def regions_base(self, buf: np.ndarray) -> int:
        return next(base for base, b, _ in self.regions if b is buf)

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
            if buf is self.shared and self.inflight is not None:
                busy = self.inflight[offsets[:, None] + np.arange(n)].any(axis=1)
                if busy.any():
                    k = int(np.argmax(busy))
                    raise EmulationError(f"{st.thread(int(lanes[rows][k]))} reads shared byte {int(offsets[k])} "
                                         "while a cp.async to it is in flight (no cp.async.wait_group "
                                         "completes it first)")
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
                self.races.access(offsets, n, lanes[rows], True, st, atomic, data[rows])
            buf[offsets[:, None] + np.arange(n)] = data[rows]
