"""NVIDIA: PTX through the wheels' NVPTX back end (libdevice linked when
the kernel calls __nv_* math), ptxas from the installed Triton, and the
LLVM IR Triton's PTX stage takes."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from .common import Backend, for_tritons_llvm, math_libraries


class NVIDIABackend(Backend):
    def libdevice(self, kernel) -> list[str]:
        """libdevice, when the kernel (LLVM IR text or an LLVM-dialect
        module) calls __nv_* functions."""
        return math_libraries(kernel, "__nv_", ["nvidia/lib/libdevice.10.bc"])

    def asm(self, llvm_ir: str) -> str:
        from .. import _mlir
        from ..compiler import CompileError

        t = self.target
        try:
            return _mlir.emit_asm(llvm_ir, t.triple, t.processor, t.features, self.libdevice(llvm_ir))
        except RuntimeError as e:
            raise CompileError(str(e)) from None

    def llvm_ir_for_triton(self, lowered) -> str:
        from .. import _mlir
        from ..compiler import CompileError

        t = self.target
        try:  # translated in memory: no LLVM IR text between MLIR and O3
            text = _mlir.optimize_module(lowered.operation, t.triple, t.processor, t.features,
                                         self.libdevice(lowered))
        except RuntimeError as e:
            raise CompileError(str(e)) from None
        return for_tritons_llvm(text)

    def prepare_triton(self) -> None:
        # Without the targets initialized Triton's make_ptx crashes; 3.6 also
        # wants 32-bit shared pointers set (3.9's make_ptx does it itself).
        from triton._C.libtriton import llvm as tl

        tl.init_targets()
        _set_short_ptr()

    def triton_target(self) -> tuple:
        return ("cuda", self.target.compute_capability, self.target.warp_size)

    def ptxas(self, ptx: str, arch: str | None = None) -> bytes:
        """Assemble PTX with Triton's bundled ``ptxas`` (a cubin);
        CompileError with ptxas's message when it rejects the PTX."""
        from ..compiler import CompileError

        exe = _find_ptxas()
        with tempfile.TemporaryDirectory() as d:
            src, out = os.path.join(d, "k.ptx"), os.path.join(d, "k.cubin")
            with open(src, "w") as f:
                f.write(ptx)
            r = subprocess.run([exe, f"-arch={arch or self.target.processor}", src, "-o", out],
                               capture_output=True, text=True)
            if r.returncode:
                raise CompileError(f"ptxas rejected the PTX: {r.stderr.strip()}")
            with open(out, "rb") as f:
                return f.read()


_short_ptr_set = False


def _set_short_ptr() -> None:
    """Triton 3.6's 32-bit shared pointers (an LLVM option of the process,
    set once; 3.9's make_ptx sets it itself)."""
    global _short_ptr_set
    if _short_ptr_set:
        return
    try:
        from triton._C.libtriton import nvidia

        nvidia.set_short_ptr()
    except (ImportError, AttributeError):
        pass
    _short_ptr_set = True


def _find_ptxas() -> str:
    from ..compiler import CompileError

    try:
        import triton

        p = os.path.join(os.path.dirname(triton.__file__), "backends", "nvidia", "bin", "ptxas")
        if os.path.exists(p):
            return p
    except ImportError:
        pass
    p = shutil.which("ptxas")
    if not p:
        raise CompileError("no ptxas: install triton (it bundles one) or put ptxas on PATH")
    return p
