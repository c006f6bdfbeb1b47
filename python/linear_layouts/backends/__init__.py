"""Code emission per GPU vendor, from one typed target.

A :class:`~linear_layouts.Target` (the core's facts for a name: warp size,
LLVM triple, processor, PTX features, code object version, ...) picks its
backend; the backend owns what differs between vendors after the lowering:
the assembly (PTX through the wheels' NVPTX back end, AMDGCN through
Triton's LLVM), the math libraries linked (libdevice, OCML / OCKL), the
LLVM IR handed to Triton's later stages, and the kernel's launch facts
Triton needs. Nothing else in the package branches on target names.

>>> from linear_layouts import Target
>>> from linear_layouts.backends import backend
>>> backend(Target("gfx942")).triton_target()
('hip', 'gfx942', 64)
"""

from __future__ import annotations

from .._core import LayoutError, Target
from .common import Backend

__all__ = ["Backend", "backend", "target", "target_of_triton"]


def target(t: "Target | str") -> Target:
    """A Target from a Target or a name; CompileError-compatible
    LayoutError (with the reason) for an unknown or unsupported name."""
    if isinstance(t, Target):
        return t
    if not isinstance(t, str):
        raise LayoutError(f"target must be a target name such as 'sm_90' or 'gfx942', not {t!r}")
    return Target(t)


def backend(t: "Target | str") -> Backend:
    """The backend emitting code for `t`."""
    t = target(t)
    if t.vendor == "amd":
        from .amd import AMDBackend

        return AMDBackend(t)
    from .nvidia import NVIDIABackend

    return NVIDIABackend(t)


def target_of_triton(backend_name: str, arch) -> str:
    """The target name of Triton's GPUTarget(backend, arch): ("cuda", 90) ->
    "sm_90", ("hip", "gfx942") -> "gfx942"."""
    if backend_name == "cuda" or isinstance(arch, int):
        return f"sm_{int(arch)}"
    return str(arch)
