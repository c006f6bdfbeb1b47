"""TTGIR layout attributes <-> :class:`LinearLayout`.

``from_triton(text, shape)`` returns exactly the LinearLayout Triton builds for
that attribute and tensor shape (in dims ``register, lane, warp, block`` for
distributed layouts, ``offset, block`` for shared ones; out dims ``dim0..``).
``to_triton(layout)`` prints a ``#ttg.linear`` / ``#ttg.shared_linear``
attribute that Triton parses back to the same layout.
"""

from __future__ import annotations

import numbers
from typing import Any, Sequence

from ._core import LayoutError, LinearLayout, encoding_to_linear_layout
from .ttgir import TTGIRParseError, parse_attr

__all__ = ["from_triton", "parse_triton", "to_triton"]

_DISTRIBUTED_DIMS = ("register", "lane", "warp", "block")
_SHARED_DIMS = ("offset", "block")


def parse_triton(attr: str, rank: int | None = None, *, aliases: dict[str, str] | None = None) -> dict:
    """Parse TTGIR attribute text into its parameter dict ({'kind': 'blocked',
    'sizePerThread': [...], ...}; a parent is a nested dict), which the core's
    one decoder of the families (``makeEncoding``, shared with the ``ll``
    dialect's attributes) reads. ``rank`` is accepted for compatibility."""
    try:
        return parse_attr(attr, aliases=aliases)
    except RecursionError:
        raise TTGIRParseError("the attribute is nested too deeply") from None


def from_triton(attr: str, shape: Sequence[int], *, aliases: dict[str, str] | None = None) -> LinearLayout:
    """The LinearLayout Triton builds for ``attr`` on a tensor of ``shape``.

    ``attr`` is a TTGIR encoding as Triton prints it (``#ttg.blocked<...>``,
    ``#ttg.slice<...>``, ``#ttg.nvidia_mma<...>``, ``#ttg.dot_op<...>``,
    ``#ttg.amd_mfma<...>``, ``#ttg.amd_wmma<...>``, ``#ttg.linear<...>``,
    ``#ttg.swizzled_shared<...>``, ``#ttg.nvmma_shared<...>``,
    ``#ttg.shared_linear<...>``, ``#ttg.padded_shared<...>``; the older
    ``#triton_gpu.`` prefix too). ``parent = #name`` references are resolved
    through ``aliases`` ({'#blocked': '#ttg.blocked<...>'}).
    """
    shape = check_shape(shape)
    spec = parse_triton(attr, len(shape), aliases=aliases)
    try:
        return encoding_to_linear_layout(spec, shape)
    except RecursionError:
        raise LayoutError("the attribute is nested too deeply") from None


def check_shape(shape) -> list[int]:
    """A tensor shape as a list of ints: every entry an integer (a bool, a
    float such as 16.5 or a string is an error, never truncated)."""
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise LayoutError(f"shape must be a list of integers, got {shape!r}")
    out = []
    for s in shape:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise LayoutError(f"shape entries must be integers, got {s!r} in {list(shape)!r}")
        out.append(int(s))
    return out


def _fmt_bases(bs: list) -> str:
    return "[" + ", ".join("[" + ", ".join(str(x) for x in b) + "]" for b in bs) + "]"


def to_triton(layout: LinearLayout) -> str:
    """Print ``layout`` as ``#ttg.linear<{...}>`` (distributed) or
    ``#ttg.shared_linear<{...}>`` (in dims ``offset, block``)."""
    if not isinstance(layout, LinearLayout):
        raise LayoutError("to_triton expects a LinearLayout")
    ins = layout.in_dim_names
    outs = layout.out_dim_names
    if outs != [f"dim{i}" for i in range(len(outs))]:
        raise LayoutError(f"to_triton: out dims must be dim0..dim{len(outs) - 1}, got {outs}")
    bases = layout.bases
    if set(ins) <= set(_SHARED_DIMS) and "offset" in ins:
        order = _SHARED_DIMS
        family = "shared_linear"
    elif set(ins) <= set(_DISTRIBUTED_DIMS):
        order = _DISTRIBUTED_DIMS
        family = "linear"
    else:
        raise LayoutError(f"to_triton: in dims {ins} are neither distributed {list(_DISTRIBUTED_DIMS)} nor shared {list(_SHARED_DIMS)}")
    body = ", ".join(f"{d} = {_fmt_bases(bases.get(d, []))}" for d in order)
    if family == "shared_linear":
        return f"#ttg.shared_linear<{{{body}}}, alignment = 16>"
    return f"#ttg.linear<{{{body}}}>"


def _as_params(x: Any) -> Any:  # pragma: no cover - debugging aid
    return x
