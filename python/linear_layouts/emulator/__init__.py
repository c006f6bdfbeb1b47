"""The GPU on the CPU: run a kernel in the MLIR LLVM dialect (+ NVVM / ROCDL ops) with numpy.

The input is what an MLIR ``convert-*-to-llvm`` lowering produces, before translation to LLVM
IR. The kernel ``llvm.func`` is decoded once (per module text and kernel name) into blocks of
``_Instr`` records -- a handler closure plus operand / result slots -- so execution never goes
through the MLIR bindings.

Execution model
---------------
* **SIMT with masks.** All threads of one CTA execute together: a scalar SSA value is a numpy
  array with one entry per thread, shape ``[T]``; a vector value is ``[T, n]``; an LLVM struct
  or array value is a tuple of such values. Integers live in the *unsigned* numpy type of their
  width (i1 as ``bool``) and wrap; signedness comes from the op (sdiv, ashr, icmp slt, sext,
  sitofp). f16 / f32 / f64 are numpy floats; bf16 is carried as float32 rounded to bf16 after
  every op (round to nearest even), converted bit-exactly on load, store and bitcast.
  ``undef`` and ``poison`` read as zero.
* **Reconvergence at immediate post-dominators.** A stack of ``[block, mask, reconvergence
  block]`` entries runs the CFG. A uniform ``llvm.cond_br`` just follows; a divergent one turns
  the current entry into the reconvergence entry (the branch block's immediate post-dominator,
  computed once per function) and pushes the false side, then the true side, which therefore
  runs first. Each side runs with its sub-mask until it reaches the post-dominator, where the
  lanes wait for the others. Results and block arguments are merged per lane (``np.where``) so
  lanes that are not active keep their values; loops, divergent or not, need nothing special.
  Threads that reach ``llvm.return`` exit. Arithmetic is computed for all lanes; loads, stores,
  shuffles, divisions and error checks only consider the active ones.
* **Flat address space.** Pointers are int64 addresses. Pointer parameter ``i`` is the numpy
  array passed for it, mapped in place at ``(i + 1) << 40`` plus its data pointer's low 8 bits;
  shared memory (address space 3) is one byte buffer per CTA at ``SHARED_WINDOW``, whose bytes
  no thread has written may not be read. A ``!llvm.ptr<3>`` converts to the integer *offset* in that window
  (``ptrtoint`` / ``inttoptr``), as on the hardware. Any access outside a mapped buffer raises.
* **Warps** are threads ``[w * warp_size, (w + 1) * warp_size)`` (32 for NVIDIA, 64 for AMD
  wave64). ``nvvm.shfl.sync`` follows the PTX pseudo-code exactly, including the packed
  clamp / segment-mask operand; ``nvvm.redux.sync`` combines the lanes of its member mask
  (all of them active); ``ldmatrix`` / ``stmatrix`` need whole active warps.
* **fp8 pairs** (``nvvm.convert.f32x2.to.f8x2``, rn / satfinite, and ``f8x2.to.f16x2``; e4m3 and
  e5m2) follow the PTX ISA: nearest with ties to the even encoding, beyond the largest finite
  value (infinities too) that value, NaN the canonical ``0x7F``, the first operand in the high
  byte; widening is exact.
* **Barriers** need every thread of the CTA that has not exited to be active.
* **Atomics** (``llvm.atomicrmw``: add, sub, and, or, xor, xchg, max, min, umax, umin on
  integers, fadd, xchg, fmax, fmin on floats; ``llvm.cmpxchg``) run one thread after another in
  thread order, need their natural alignment, and return the old values (cmpxchg: and whether
  it swapped). Orderings and scopes are not modelled: CTAs run one after another, each to its
  end, which is one valid schedule of the grid -- a spin lock between programs (tutorial 05's)
  always finds the lock free.
* **printf and assertions.** ``vprintf`` (CUDA's packing: each argument at its natural alignment in
  a per-thread ``llvm.alloca`` struct) and OCKL's printf (begin / format / 64-bit argument words)
  print each active thread's line, in thread order, on standard output; ``__assertfail`` and
  ``llvm.trap`` raise ``DeviceAssertion`` (an ``EmulationError``) with the message, file and line.
  ``llvm.alloca`` is per-thread stack memory, fresh in each CTA.
* **Races.** CTAs run warps in lockstep, which would hide a missing barrier, so shared memory
  tracks, per byte, which warp last wrote it and which warps read it since the last barrier:
  a read of a byte another warp wrote, or a write of a byte another warp read or wrote, with no
  barrier between them raises (``EmulationError``: "shared-memory race").

Choices where LLVM says "poison": a shift by at least the bit width gives the target's bits (PTX
clamps the amount, AMD uses its low bits) marked poison in those threads (``values.Poisoned``:
arithmetic carries the mark, a select taking the other arm drops it, and a store, an address, a
branch condition or an inline asm operand that is poison in an active thread raises); float-to-integer conversions saturate, NaN to 0 (what PTX
``cvt.rzi`` and AMD ``v_cvt`` do); signed division overflow wraps; an out-of-range vector index
raises. Integer division by zero in an active lane raises. ``llvm.intr.fma`` / ``fmuladd`` are fused
for f16 / bf16 / f32 (computed in float64, so a rare double rounding is possible) and unfused for f64.

Checks beyond the races: a read of shared memory no thread of the CTA wrote, a read of a shared byte
a ``cp.async`` is still copying, a ``wgmma`` result used before its wait (``values.Pending``), global
races between programs (a read of bytes another program wrote, a write of a different value over
them; atomics exempt) and between warps without a barrier, accesses misaligned for their declared
alignment (arrays keep their data pointer's low bits), out-of-bounds accesses (named with the
argument and the distance past its end), and a CTA past its basic-block budget (``max_blocks``).
Errors name the op and the kernel's source line (``file:line:col`` from the module's locations).
Tensor-core and asynchronous instructions are in ``tensor_core`` (one definition each, shared by
inline PTX and intrinsics); inline PTX in ``ptx``.
"""

from __future__ import annotations

# The dialect modules register their ops on import.
from . import llvm, nvvm, rocdl, tensor_core, tma  # noqa: F401
from .run import _decode, _dims, emulate, emulate_llvm_ir, emulate_mlir  # noqa: F401
from .values import SHARED_WINDOW, EmulationError

__all__ = ["EmulationError", "SHARED_WINDOW", "emulate", "emulate_llvm_ir", "emulate_mlir"]
