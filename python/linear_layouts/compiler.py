"""Compile ``ll`` kernels to PTX (and AMDGCN) in process.

>>> import linear_layouts as ll
>>> k = ll.compile(text, target="sm_90")     # MLIR with func.func {ll.kernel}
>>> k.name, k.num_warps, k.shared_bytes
>>> print(k.asm[:200])                        # PTX
>>> ll.emulate(k, grid=4, args=[x, y])         # run it on the CPU

Pipeline: ``ll-legacy-to-linear`` → ``convert-ll-to-llvm{target}`` →
``canonicalize`` → ``cse`` (the ``mlir`` text of the result is what the
emulator runs) → MLIR's LLVM IR translation → NVPTX through the wheels'
libLLVM (PTX), or AMDGPU through Triton's LLVM (``translate_to_asm``; the
wheels have no AMDGPU target).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from mlir import ir, passmanager
from mlir.dialects import llvm as _llvm

from . import _mlir
from . import mlir as _llm
from ._core import LayoutError

__all__ = ["CompiledKernel", "CompileError", "compile", "ptxas"]


class CompileError(LayoutError):
    """A module that does not compile: the MLIR diagnostics are the message."""


@dataclass
class CompiledKernel:
    name: str
    target: str
    llvm_ir: str
    mlir: str  #: the LLVM-dialect module (what the emulator runs)
    num_warps: int
    threads_per_warp: int
    shared_bytes: int

    @functools.cached_property
    def asm(self) -> str:
        """PTX (sm_*) or AMDGCN (gfx*, through Triton's LLVM; "" without
        Triton), generated on first use."""
        return _amdgcn(self.llvm_ir, self.target) if self.target.startswith("gfx") else _ptx(self.llvm_ir, self.target)


# PTX ISA versions the wheels' NVPTX back end should target: sm_90a needs 8.0.
_NVPTX = {"sm_80": ("sm_80", "+ptx70"), "sm_86": ("sm_86", "+ptx71"), "sm_89": ("sm_89", "+ptx78"),
          "sm_90": ("sm_90a", "+ptx80"), "sm_90a": ("sm_90a", "+ptx80"), "sm_100": ("sm_100a", "+ptx86")}


def _run(module: ir.Module, pipeline: str) -> None:
    diags: list[str] = []

    def handler(d):
        diags.append(f"{d.location}: {d.message}")
        return True

    h = module.context.attach_diagnostic_handler(handler)
    try:
        passmanager.PassManager.parse(pipeline).run(module.operation)
    except Exception as e:  # MLIRError: the diagnostics say why
        raise CompileError("\n".join(diags) or str(e)) from None
    finally:
        h.detach()


def compile(module, target: str = "sm_90", kernel: str | None = None, *, traffic_first: bool = False) -> CompiledKernel:
    """Compile MLIR text (or an ``ir.Module`` in a context with the ll
    dialect) holding a ``func.func`` with the ``ll.kernel`` attribute.
    Conversions are planned for the fewest cycles of the cycle model, or
    with ``traffic_first`` for the least shared-memory traffic."""
    if target not in _NVPTX and not target.startswith("gfx"):
        raise CompileError(f"unknown target {target!r} (known: {', '.join(_NVPTX)}, gfx90a, gfx942, gfx950)")
    text = module if isinstance(module, str) else str(module)
    with ir.Context() as ctx, ir.Location.unknown():
        _llm.register_dialect(ctx)
        try:
            m = ir.Module.parse(text)
        except Exception as e:
            raise CompileError(str(e)) from None
        kernels = [op for op in m.body.operations
                   if op.operation.name == "func.func" and "ll.kernel" in op.operation.attributes]
        if kernel is not None:
            kernels = [k for k in kernels if k.operation.attributes["sym_name"].value == kernel]
        if len(kernels) != 1:
            raise CompileError(f"expected one func.func with the ll.kernel attribute{' named ' + kernel if kernel else ''}, "
                               f"found {len(kernels)}")
        name = kernels[0].operation.attributes["sym_name"].value
        tf = " traffic-first=true" if traffic_first else ""
        _run(m, f"builtin.module(ll-legacy-to-linear,canonicalize,convert-ll-to-llvm{{target={target}{tf}}},canonicalize,cse)")
        lowered = str(m)
        attrs = m.operation.attributes
        shared = int(attrs["ll.shared"].value) if "ll.shared" in attrs else 0
        fn = next(op for op in m.body.operations
                  if op.operation.name == "llvm.func" and op.operation.attributes["sym_name"].value == name)
        fa = fn.operation.attributes
        if "nvvm.reqntid" in fa:
            threads = int(re.findall(r"\d+", str(fa["nvvm.reqntid"]))[-1])
        else:
            threads = int(str(fa["rocdl.flat_work_group_size"]).strip('"').split(",")[1])
        llvm_ir = _llvm.translate_module_to_llvmir(m.operation)
    warp = 64 if target.startswith("gfx") else 32
    return CompiledKernel(name, target, llvm_ir, lowered, threads // warp, warp, shared)


def _ptx(llvm_ir: str, target: str) -> str:
    cpu, features = _NVPTX[target]
    try:
        return _mlir.emit_asm(llvm_ir, "nvptx64-nvidia-cuda", cpu, features)
    except RuntimeError as e:
        raise CompileError(str(e)) from None


def _amdgcn(llvm_ir: str, arch: str) -> str:
    """AMDGCN through Triton's LLVM (one adapter for its changing signature);
    "" without Triton."""
    try:
        from triton._C.libtriton import llvm as tl
    except ImportError:
        return ""
    tl.init_targets()
    args = [_for_tritons_llvm(llvm_ir), "amdgcn-amd-amdhsa", arch, "", [], False, False]
    try:
        return tl.translate_to_asm(*args)
    except TypeError:  # Triton >= 3.9: canonicalize_gep
        return tl.translate_to_asm(*args, False)


def _for_tritons_llvm(llvm_ir: str) -> str:
    """LLVM IR from the wheels' LLVM 22.1 as the LLVM inside Triton 3.6
    parses it (it aborts the process on what it cannot parse): without the
    attribute ``nocreateundeforpoison`` (on ``llvm.maximum`` and other
    declarations), which it does not know. Newer Triton takes both."""
    return re.sub(r"\bnocreateundeforpoison\b ?", "", llvm_ir)


def ptxas(kernel: CompiledKernel, arch: str | None = None) -> bytes:
    """Assemble the kernel's PTX with Triton's bundled ``ptxas`` (a cubin);
    CompileError with ptxas's message when it rejects the PTX."""
    exe = _find_ptxas()
    arch = arch or _NVPTX[kernel.target][0]
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, "k.ptx"), os.path.join(d, "k.cubin")
        with open(src, "w") as f:
            f.write(kernel.asm)
        r = subprocess.run([exe, f"-arch={arch}", src, "-o", out], capture_output=True, text=True)
        if r.returncode:
            raise CompileError(f"ptxas rejected the PTX: {r.stderr.strip()}")
        with open(out, "rb") as f:
            return f.read()


def _find_ptxas() -> str:
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
