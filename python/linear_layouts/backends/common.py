"""What every backend shares: the interface, the math-library lookup (the
bitcode ships with Triton), and the fixes that make LLVM 22.1's IR readable
by the LLVM inside the installed Triton."""

from __future__ import annotations

import functools
import os
import re

from .._core import LayoutError, Target

# The lowering's llvm.masked.load / store (AMD, 8-bit NVIDIA accesses)
# expanded to one guarded access each, as the back end would, and their
# declarations dropped: LLVM 22.1 moved the alignment into an attribute, and
# the LLVM inside Triton 3.6 rejects that declaration (aborting the process).
EXPAND_MASKED = "function(scalarize-masked-mem-intrin),strip-dead-prototypes"
#: what the Triton hook runs before handing LLVM IR over (the NVIDIA path's
#: optimize_module runs the same pipeline in C++)
O3 = "default<O3>," + EXPAND_MASKED


class Backend:
    """Code emission for one target (subclasses: NVIDIABackend, AMDBackend)."""

    def __init__(self, target: Target):
        self.target = target

    def asm(self, llvm_ir: str) -> str:
        """The target's assembly for an LLVM IR module (PTX, AMDGCN)."""
        raise NotImplementedError

    def llvm_ir_for_triton(self, lowered) -> str:
        """LLVM IR for Triton's later stages from a lowered (LLVM-dialect)
        module: math libraries linked, optimized at O3, readable by Triton's
        LLVM."""
        raise NotImplementedError

    def prepare_triton(self) -> None:
        """What Triton's make_llir would have set up for its later stages."""

    def triton_target(self) -> tuple:
        """(backend, arch, warp size) of Triton's GPUTarget."""
        raise NotImplementedError


def calls(kernel, prefix: str) -> bool:
    """Whether LLVM IR text, or an LLVM-dialect module, declares functions
    named ``prefix...``."""
    if isinstance(kernel, str):
        return re.search(rf"@{prefix}\w+\(", kernel) is not None
    return any(op.operation.name == "llvm.func" and op.operation.attributes["sym_name"].value.startswith(prefix)
               for op in kernel.body.operations)


def math_libraries(kernel, prefix: str, names: list[str]) -> list[str]:
    """The bitcode libraries the kernel's math calls need (``__nv_*``:
    libdevice; ``__ocml_*``: OCML and OCKL), from the installed Triton,
    which ships them; ``kernel`` is LLVM IR text or an LLVM-dialect
    module."""
    from ..compiler import CompileError

    if not calls(kernel, prefix):
        return []
    try:
        import triton
    except ImportError:
        raise CompileError(f"the kernel calls {prefix}* math functions, whose library comes from Triton, "
                           "which is not installed") from None
    root = os.path.join(os.path.dirname(triton.__file__), "backends")
    paths = [os.path.join(root, n) for n in names]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise CompileError(f"the kernel calls {prefix}* math functions, but {missing[0]} does not exist")
    return paths


def for_tritons_llvm(llvm_ir: str) -> str:
    """LLVM IR from the wheels' LLVM 22.1 as the LLVM inside the installed
    Triton parses it (it aborts the process on what it cannot parse).
    Triton 3.6's LLVM 22.0git does not know the attribute
    ``nocreateundeforpoison`` (on ``llvm.maximum`` and other declarations)
    nor the ``target_mem`` locations of memory effects (OCKL's functions)
    and still names ``llvm.nvvm.ex2.approx(.ftz).f32`` ``...f`` (else its
    PTX declares an extern ``.nvvm`` function ptxas rejects); newer Triton
    takes the text as it is."""
    # str.replace first: a regex over the whole module costs milliseconds.
    llvm_ir = llvm_ir.replace("nocreateundeforpoison ", "")
    if "target_mem" in llvm_ir:
        # LLVM 22.1's memory effects name target-specific locations
        # (`memory(read, target_mem0: none)`) that Triton 3.6's parser
        # rejects, aborting the process: drop those memory(...) attributes
        # (no attribute: any access, the conservative reading).
        llvm_ir = re.sub(r"\bmemory\([^()]*target_mem[^()]*\) ?", "", llvm_ir)
    if "nocreateundeforpoison" in llvm_ir:
        llvm_ir = re.sub(r"\bnocreateundeforpoison\b ?", "", llvm_ir)
    if triton_version() < (3, 9) and "llvm.nvvm.ex2.approx" in llvm_ir:
        llvm_ir = re.sub(r"llvm\.nvvm\.ex2\.approx(\.ftz)?\.f32\b", r"llvm.nvvm.ex2.approx\1.f", llvm_ir)
    return llvm_ir


@functools.lru_cache(maxsize=1)
def triton_version() -> tuple[int, int]:
    try:
        import triton
    except ImportError:
        return (0, 0)
    m = re.match(r"(\d+)\.(\d+)", triton.__version__)
    return (int(m[1]), int(m[2])) if m else (0, 0)


__all__ = ["Backend", "EXPAND_MASKED", "LayoutError", "O3", "calls", "for_tritons_llvm", "math_libraries",
           "triton_version"]
