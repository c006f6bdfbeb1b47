"""linear-layouts: tensor layouts as linear maps over F2.

>>> import linear_layouts as ll
>>> L = ll.from_triton("#ttg.blocked<{sizePerThread = [2, 2], threadsPerWarp = [4, 8], "
...                    "warpsPerCTA = [2, 1], order = [1, 0]}>", [16, 16])
>>> L.bases["warp"]
[[8, 0]]
>>> L.apply({"register": 3, "lane": 9, "warp": 1, "block": 0})
{'dim0': 11, 'dim1': 3}
"""

from __future__ import annotations

from ._core import LayoutError, LinearLayout, Target
from .triton_attrs import from_triton, parse_triton, to_triton
from .planning import ConversionPlan, bank_conflicts, global_vector_width, optimal_swizzle, plan_conversion, plan_gather
from .ttgir import TTGIRParseError, parse_tensor_type
from . import views as _views

__all__ = [
    "LayoutError",
    "LinearLayout",
    "Target",
    "TTGIRParseError",
    "from_triton",
    "parse_triton",
    "to_triton",
    "parse_tensor_type",
    "plan_conversion",
    "plan_gather",
    "global_vector_width",
    "optimal_swizzle",
    "bank_conflicts",
    "ConversionPlan",
    "compile",
    "emulate",
]
__version__ = "0.1.0"


def compile(module, target: str | None = None, kernel: str | None = None, *, traffic_first: bool = False,
            scratch_args: bool = False, reduction_order: str | None = None):
    """Compile an ``ll`` kernel to PTX / AMDGCN (see :mod:`linear_layouts.compiler`)."""
    from .compiler import compile as _compile

    return _compile(module, target, kernel, traffic_first=traffic_first, scratch_args=scratch_args,
                    reduction_order=reduction_order)


def emulate(kernel, grid, args) -> None:
    """Run a compiled kernel on the CPU, every thread, numpy arrays in place
    (see :mod:`linear_layouts.emulator`)."""
    from .emulator import emulate as _emulate

    _emulate(kernel, grid, args)

_views.install(LinearLayout)
