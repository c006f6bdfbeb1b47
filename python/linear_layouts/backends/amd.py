"""AMD: AMDGCN through the LLVM inside the installed Triton (the wheels'
LLVM has no AMDGPU target), OCML / OCKL linked with the ``__oclc_*``
controls the target's facts give, and the LLVM IR Triton's AMDGCN stage
takes."""

from __future__ import annotations

import re

from .common import EXPAND_MASKED, O3, Backend, for_tritons_llvm, math_libraries


class AMDBackend(Backend):
    def device_libraries(self, llvm_ir: str) -> tuple[str, list[str]]:
        """OCML and OCKL when the kernel calls __ocml_* (math) or __ockl_*
        (``tl.num_programs``: ``__ockl_get_num_groups``) functions, with the
        ``__oclc_*`` controls they read added to the IR."""
        libs = ["amd/lib/ocml.bc", "amd/lib/ockl.bc"]
        link = math_libraries(llvm_ir, "__ocml_", libs) or math_libraries(llvm_ir, "__ockl_", libs)
        return (self._controls(llvm_ir) if link else llvm_ir), link

    def _controls(self, llvm_ir: str) -> str:
        """The ``__oclc_*`` constants OCML reads (as the device libraries'
        oclc_*.bc would define them, and as Triton sets them): IEEE
        behaviour, no flush to zero, the target's wave size, ISA version
        and code object (ABI) version."""
        t = self.target
        m = re.fullmatch(r"gfx(\d+)([0-9a-f])([0-9a-f])", t.processor)
        isa = int(m[1]) * 1000 + int(m[2], 16) * 10 + int(m[3], 16)
        consts = {"__oclc_ISA_version": ("i32", isa), "__oclc_ABI_version": ("i32", t.code_object_version),
                  "__oclc_finite_only_opt": ("i8", 0), "__oclc_unsafe_math_opt": ("i8", 0),
                  "__oclc_daz_opt": ("i8", 0), "__oclc_correctly_rounded_sqrt32": ("i8", 1),
                  "__oclc_wavefrontsize64": ("i8", int(t.warp_size == 64))}
        defs = "".join(f"@{n} = linkonce_odr hidden local_unnamed_addr addrspace(4) constant {ty} {v}\n"
                       for n, (ty, v) in consts.items())
        return llvm_ir + "\n" + defs

    def asm(self, llvm_ir: str) -> str:
        """AMDGCN through Triton's LLVM (one adapter for its changing
        signature); "" without Triton."""
        from .. import _mlir
        from ..compiler import CompileError

        try:
            from triton._C.libtriton import llvm as tl
        except ImportError:
            return ""
        tl.init_targets()
        src, link = self.device_libraries(llvm_ir)
        try:  # (masked accesses expanded: Triton's LLVM may spell them differently)
            llvm_ir = _mlir.link_ir(src, link, "globaldce," + EXPAND_MASKED)
        except RuntimeError as e:
            raise CompileError(str(e)) from None
        args = [for_tritons_llvm(llvm_ir), self.target.triple, self.target.processor, "", [], False, False]
        try:
            return tl.translate_to_asm(*args)
        except TypeError:  # Triton >= 3.9: canonicalize_gep
            return tl.translate_to_asm(*args, False)

    def llvm_ir_for_triton(self, lowered) -> str:
        # OCML linked with its controls, LLVM's O3 without a target machine
        # (the wheels' LLVM has no AMDGPU target); Triton's LLVM generates
        # the code.
        from .. import _mlir
        from ..compiler import CompileError

        from ..compiler import translate

        src, link = self.device_libraries(translate(lowered))
        try:
            return for_tritons_llvm(_mlir.link_ir(src, link, O3))
        except RuntimeError as e:
            raise CompileError(str(e)) from None

    def prepare_triton(self) -> None:
        from triton._C.libtriton import llvm as tl

        tl.init_targets()

    def triton_target(self) -> tuple:
        return ("hip", self.target.name, self.target.warp_size)
