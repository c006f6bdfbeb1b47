"""Hypothesis strategies for random linear layouts."""

from __future__ import annotations

from hypothesis import strategies as st

from linear_layouts import LinearLayout

DIST_IN = ["register", "lane", "warp", "block"]


@st.composite
def layouts(draw, in_dims=None, out_dims=None, max_in_bits=3, max_out_bits=3, surjective=False):
    """A random layout. `in_dims`/`out_dims`: lists of names or {name: log2}.

    Bases are arbitrary vectors (not only single bits). With `surjective`, the
    result is forced surjective by appending the missing unit bases to the
    first in dim.    """
    if in_dims is None:
        in_dims = draw(st.lists(st.sampled_from(DIST_IN), min_size=1, max_size=3, unique=True))
    if out_dims is None:
        out_dims = draw(st.lists(st.sampled_from(["dim0", "dim1", "dim2"]), min_size=1, max_size=2, unique=True))
    in_log = in_dims if isinstance(in_dims, dict) else {d: draw(st.integers(0, max_in_bits)) for d in in_dims}
    out_log = out_dims if isinstance(out_dims, dict) else {d: draw(st.integers(0, max_out_bits)) for d in out_dims}
    bases = {}
    for d, k in in_log.items():
        bases[d] = [[draw(st.integers(0, (1 << out_log[o]) - 1)) for o in out_log] for _ in range(k)]
    lay = LinearLayout.from_bases(bases, {o: 1 << k for o, k in out_log.items()}, require_surjective=False)
    if surjective and not lay.is_surjective():
        first = next(iter(bases))
        for j, o in enumerate(out_log):
            for b in range(out_log[o]):
                unit = [0] * len(out_log)
                unit[j] = 1 << b
                bases[first].append(unit)
        lay = LinearLayout.from_bases(bases, {o: 1 << k for o, k in out_log.items()}, require_surjective=True)
    return lay


def all_points(layout):
    """Every input point as a dict of numpy arrays (in-dim order)."""
    import numpy as np

    sizes = list(layout.in_dims.values())
    flat = np.arange(int(np.prod(sizes)) if sizes else 1, dtype=np.int64)
    cols = {}
    for name, s in layout.in_dims.items():
        cols[name] = flat % s
        flat = flat // s
    return cols
