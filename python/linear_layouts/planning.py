"""Planning layout conversions: registers, warp shuffles or shared memory.

>>> import linear_layouts as ll
>>> p = ll.plan_conversion("#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], "
...                        "warpsPerCTA = [4, 1], order = [1, 0]}>",
...                        "#ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, "
...                        "warpsPerCTA = [2, 2], instrShape = [16, 8]}>",
...                        16, shape=[64, 64])
>>> p.kind, p.vector_width, p.scratch_bytes, p.store_conflicts, p.load_conflicts
('shared', 8, 4096, 0, 0)

Every address, source lane and register choice of a plan is a linear map of
(register, lane, warp, block), given as a LinearLayout (``store_address``,
``load_address``, ``shuffle_src_lane``, ...), so a code generator or a
simulator reads the plan mechanically (see test/python/simt.py).
"""

from __future__ import annotations

import numbers
from typing import Sequence, Union

from . import _core
from ._core import ConversionPlan, LayoutError, LinearLayout
from .triton_attrs import from_triton

__all__ = ["plan_conversion", "plan_gather", "global_vector_width", "optimal_swizzle", "bank_conflicts", "ConversionPlan"]

LayoutLike = Union[LinearLayout, str]


def _int(name: str, value, lo: int = 0, hi: int = 2**31 - 1) -> int:
    """An integer argument in [lo, hi] (bools, floats and strings are errors,
    never truncated; out-of-range values are a LayoutError, not nanobind's
    TypeError)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise LayoutError(f"{name} must be an integer, got {value!r}")
    if not lo <= int(value) <= hi:
        raise LayoutError(f"{name} = {value} is out of range [{lo}, {hi}]")
    return int(value)


def _target(target) -> str:
    if isinstance(target, _core.Target):
        return target.name
    if not isinstance(target, str):
        raise LayoutError(f"target must be a Target or a name such as 'sm_90' or 'gfx942', got {target!r}")
    return target


def _layout(x: LayoutLike, shape, aliases) -> LinearLayout:
    if isinstance(x, LinearLayout):
        return x
    if isinstance(x, str):
        if shape is None:
            raise LayoutError("shape= is required when a layout is given as TTGIR text")
        return from_triton(x, shape, aliases=aliases)
    raise LayoutError(f"expected a LinearLayout or TTGIR text, got {type(x).__name__}")


def plan_conversion(
    src: LayoutLike,
    dst: LayoutLike,
    bitwidth: int,
    target: str = "sm_90",
    *,
    shape: Sequence[int] | None = None,
    aliases: dict[str, str] | None = None,
    max_scratch_bytes: int | None = None,
    force_shared: bool = False,
    matrix_instructions: bool = True,
    traffic_first: bool = False,
    shared_by_cycles: bool = False,
) -> ConversionPlan:
    """Plan moving a tensor of ``bitwidth``-bit elements from layout ``src``
    to ``dst`` (LinearLayouts, or TTGIR text with ``shape=``).

    By default a shared-memory plan uses the least scratch that keeps the
    widest vectors and the fewest bank conflicts; a larger
    ``max_scratch_bytes`` trades scratch for fewer rounds (and barriers).
    On NVIDIA targets the plan may use ``ldmatrix`` / ``stmatrix`` (x4, also
    ``.trans``) where they let the same traffic go through less scratch or
    in fewer instructions; ``matrix_instructions=False`` keeps to
    ``ld/st.shared``.

    Among shared-memory plans the default takes the least scratch, then the
    fewest cycles of the cycle model (``plan.cost['cycles']``, docs/planning.md);
    with ``max_scratch_bytes`` the fewest cycles within that budget.
    Within a budget shared memory competes with selects and shuffles on
    cycles; ``shared_by_cycles=True`` lets it (with its least scratch)
    compete with shuffles without one — a one-warp transpose costs less
    through a buffer than by rotated shuffles, whose register choices take
    selects — as the lowering (``convert-ll-to-llvm``) does.
    ``traffic_first=True`` takes the least shared-memory traffic first (the
    paper's objective).
    """
    s, d = _layout(src, shape, aliases), _layout(dst, shape, aliases)
    scratch = -1 if max_scratch_bytes is None else _int("max_scratch_bytes", max_scratch_bytes, 0, 2**62)
    return _core.plan_conversion(s, d, _int("bitwidth", bitwidth), _target(target), scratch, bool(force_shared),
                                 bool(matrix_instructions), bool(traffic_first), bool(shared_by_cycles))


def plan_gather(
    src: LayoutLike,
    index: LayoutLike,
    axis: int,
    bitwidth: int,
    target: str = "sm_90",
    *,
    shape: Sequence[int] | None = None,
    index_shape: Sequence[int] | None = None,
    aliases: dict[str, str] | None = None,
):
    """Plan ``result = gather(src, index, axis)`` (the result has the index
    layout): warp shuffles with a select per candidate source register when
    every needed element lives in the thread's warp, else shared memory."""
    s = _layout(src, shape, aliases)
    i = _layout(index, index_shape if index_shape is not None else shape, aliases)
    return _core.plan_gather(s, i, _int("axis", axis), _int("bitwidth", bitwidth), _target(target))


def global_vector_width(layout: LayoutLike, contiguous_dim: int, bitwidth: int, *, shape=None, aliases=None,
                        max_bits: int = 128, max_contiguous: int = 0) -> int:
    """Widest per-thread vector (elements) for global loads/stores of a
    tensor in ``layout`` whose dim ``contiguous_dim`` is contiguous in
    memory, capped at ``max_bits`` and at ``max_contiguous`` elements
    (pointer contiguity / alignment; 0 = no cap)."""
    return int(_core.global_vector_width(_layout(layout, shape, aliases), _int("contiguous_dim", contiguous_dim),
                                         _int("bitwidth", bitwidth), _int("max_bits", max_bits),
                                         _int("max_contiguous", max_contiguous)))


def optimal_swizzle(src: LayoutLike, dst: LayoutLike, bitwidth: int, target: str = "sm_90", *, shape=None, aliases=None) -> LinearLayout:
    """The shared-memory layout (offset -> tensor, one tile) the planner
    picks for ``src -> dst``: widest vectors first, then fewest conflicts."""
    return _core.optimal_swizzle(_layout(src, shape, aliases), _layout(dst, shape, aliases), _int("bitwidth", bitwidth),
                                 _target(target))


def bank_conflicts(reg_layout: LayoutLike, shared_layout: LayoutLike, bitwidth: int, *, shape=None, aliases=None) -> int:
    """Gluon's ``bank_conflicts``: extra wavefronts of one warp-wide access
    of ``shared_layout`` from registers in ``reg_layout`` (0 = conflict-free),
    computed as Triton 3.6 does — the widest vector whose elements are
    contiguous and aligned, "banks" = vector slots of a 128-byte row.

    (Plans report conflicts on the physical model instead: 4-byte banks,
    a word read by several lanes read once; see ``ConversionPlan``.)
    """
    return int(_core.gluon_bank_conflicts(_layout(reg_layout, shape, aliases), _layout(shared_layout, shape, aliases),
                                          _int("bitwidth", bitwidth)))
