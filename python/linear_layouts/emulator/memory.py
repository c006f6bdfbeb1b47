"""Memory: global arrays mapped in place, per-CTA shared memory, and the
shared-memory race tracker.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations

from typing import TYPE_CHECKING


import numpy as np

from .values import SHARED_WINDOW, EmulationError, _first

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
        #: per shared byte: written by some thread of the CTA (a read of one not written is an error)
        self.written: np.ndarray | None = None
        #: per global buffer (id): per byte, the writer's CTA number (-1 none, -2 an atomic), warp, barrier
        #: epoch and the atomics its CTA had done when it wrote
        self.global_writers: dict[int, tuple[np.ndarray, ...]] = {}
        self.cta_numbers: dict[tuple, int] = {}
        self.cta_names: list[tuple] = []
        self.atomics_done = np.zeros(16, np.int32)  # CTA number -> atomics it has done
        #: buffers private to one thread (llvm.alloca stacks): no race tracking
        self.private: set[int] = set()

    def expect_async_write(self, addr: np.ndarray, n: int, delta: int) -> None:
        """Mark (delta 1) or clear (-1) shared bytes [addr, addr + n) as the
        destination of an asynchronous copy in flight."""
        if self.shared is None:
            return
        if self.inflight is None:
            self.inflight = np.zeros(self.shared.size, np.int32)
        b = ((addr - SHARED_WINDOW)[:, None] + np.arange(n)).reshape(-1)
        b = b[(b >= 0) & (b < self.shared.size)]
        np.add.at(self.inflight, b, delta)

    def _split(self, addr: np.ndarray, n: int, st: "_State", lanes: np.ndarray, what: str) -> list:
        found, parts = np.zeros(addr.shape, bool), []
        for base, buf, _ in self.regions:
            inside = (addr >= base) & (addr <= base + buf.size - n)
            if inside.any():
                found |= inside
                parts.append((buf, inside, addr[inside] - base))
        if not found.all():
            k = int(np.argmin(found))
            raise EmulationError(f"out-of-bounds {what} of {n} bytes at address {int(addr[k]):#x} by "
                                 f"{st.thread(int(lanes[k]))}: {self._relation(int(addr[k]), n)}")
        return parts

    def _relation(self, a: int, n: int) -> str:
        """Where an address lies with respect to the mapped buffers."""
        below = [(base, buf, name) for base, buf, name in self.regions if base <= a]
        if below:
            base, buf, name = max(below, key=lambda r: r[0])
            end = base + buf.size
            if a < end:
                return f"{a + n - end} of its bytes lie past the end of {name} (offset {a - base} of {buf.size} bytes)"
            return f"{a - end} bytes past the end of {name} ({buf.size} bytes), outside every mapped buffer"
        if self.regions:
            base, buf, name = min(self.regions, key=lambda r: r[0])
            return f"{base - a} bytes before {name}, outside every mapped buffer"
        return "no buffer is mapped"

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
            if buf is self.shared and self.written is not None:
                fresh = ~self.written[offsets[:, None] + np.arange(n)].all(axis=1)
                if fresh.any():
                    k = int(np.argmax(fresh))
                    raise EmulationError(f"{st.thread(int(lanes[rows][k]))} reads shared bytes "
                                         f"[{int(offsets[k])}, {int(offsets[k]) + n}) that no thread of the CTA "
                                         "has written: uninitialized shared memory")
            if buf is self.shared and self.races is not None:
                self.races.access(offsets, n, lanes[rows], False, st, atomic)
            elif buf is not self.shared and buf.flags.writeable and not atomic and id(buf) not in self.private:
                self._global_race(buf, offsets, n, lanes[rows], st, None)
            out[rows] = buf[offsets[:, None] + np.arange(n)]
        return out

    def _global_race(self, buf: np.ndarray, offsets: np.ndarray, n: int, threads: np.ndarray, st: "_State",
                     data: np.ndarray | None) -> None:
        """Global memory between programs and warps: a read of bytes another
        program wrote, or another warp of this program wrote since the last
        barrier, is a race (no order between them); so is a write of a
        different value over such bytes. Atomic writes are exempt (the
        programs synchronize through them)."""
        key = id(buf)
        if key not in self.global_writers:
            self.global_writers[key] = tuple(np.full(buf.size, -1, np.int32) for _ in range(4))
        w_cta, w_warp, w_epoch, w_atomics = self.global_writers[key]
        b = (offsets[:, None] + np.arange(n)).reshape(-1)
        warp = np.repeat(threads // st.ws, n)
        cta = self._cta_number(st)
        epoch = self.races.epoch if self.races is not None else 0
        # Programs ordered through atomics (a lock, a flag): the writer did an
        # atomic after its write and this program did one before this access.
        synced = (self.atomics_done[cta] > 0) & (w_cta[b] >= 0) & \
            (self.atomics_done[np.maximum(w_cta[b], 0)] > w_atomics[b])
        other = ((w_cta[b] >= 0) & (w_cta[b] != cta) & ~synced) | \
            ((w_cta[b] == cta) & (w_warp[b] != warp) & (w_epoch[b] == epoch))
        if data is not None and other.any():
            other &= buf[b] != data.reshape(-1)  # the same value: the same result in any order
        if other.any():
            k = int(np.argmax(other))
            t = int(np.repeat(threads, n)[k])
            c = int(w_cta[b[k]])
            by = f"CTA {self.cta_names[c]}" if c != cta else \
                f"warp {int(w_warp[b[k]])} of this CTA since the last barrier"
            name = next(name for _, r, name in self.regions if r is buf)
            raise EmulationError(f"global-memory race: {st.thread(t)} {'writes' if data is not None else 'reads'} "
                                 f"byte {int(b[k])} of {name}, written by {by} with no synchronization between "
                                 "them")
        if data is not None:
            w_cta[b], w_warp[b], w_epoch[b], w_atomics[b] = cta, warp, epoch, self.atomics_done[cta]

    def _cta_number(self, st: "_State") -> int:
        """A small number per CTA (in the order they ran) for the writer tables."""
        if st.cta not in self.cta_numbers:
            self.cta_numbers[st.cta] = len(self.cta_names)
            self.cta_names.append(st.cta)
            if len(self.cta_names) > len(self.atomics_done):
                self.atomics_done = np.concatenate([self.atomics_done, np.zeros(len(self.atomics_done) + 16, np.int32)])
        return self.cta_numbers[st.cta]

    def note_atomic(self, st: "_State") -> None:
        """An atomic by the CTA: what it wrote before is ordered before what
        programs do after their own atomics (see _global_race)."""
        self.atomics_done[self._cta_number(st)] += 1

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
            elif buf is not self.shared and id(buf) not in self.private:
                if atomic:
                    self.note_atomic(st)
                    if id(buf) in self.global_writers:
                        self.global_writers[id(buf)][0][(offsets[:, None] + np.arange(n)).reshape(-1)] = -2
                else:
                    self._global_race(buf, offsets, n, lanes[rows], st, data[rows])
            buf[offsets[:, None] + np.arange(n)] = data[rows]
            if buf is self.shared and self.written is not None:
                self.written[offsets[:, None] + np.arange(n)] = True
