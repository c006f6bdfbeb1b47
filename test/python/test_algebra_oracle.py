"""The algebra against Triton's own LinearLayout (triton._C.libtriton):
invert_and_compose, pseudoinvert, compose, product and apply give exactly the
layouts Triton gives, on random layouts."""

from __future__ import annotations

import random

import pytest

import linear_layouts as ll
import triton_oracle as O
from simt import f2_rank, flat_basis

pytestmark = pytest.mark.triton

if O.HAVE_TRITON:
    from triton._C.libtriton import linear_layout as tll


def to_t(layout):
    return tll.LinearLayout.from_bases(
        list(layout.bases.items()), list(layout.out_dims), list(layout.out_dims.values()), require_surjective=False
    )


def t_bases(t):
    return {k: [list(b) for b in v] for k, v in t.bases}


def rand_layout(rng, in_dims, outs, surjective):
    """Random distributed-style layout: unit strides (a permutation when
    surjective) plus zero and repeated bases."""
    units = [[(1 << i) if j == d else 0 for j in range(len(outs))] for d, k in enumerate(outs.values()) for i in range(k.bit_length() - 1)]
    rng.shuffle(units)
    bases = {d: [] for d in in_dims}
    pool = units if surjective else [u for u in units if rng.random() < 0.7]
    for u in pool:
        bases[rng.choice(in_dims)].append(u)
    for d in in_dims:
        for _ in range(rng.randint(0, 2)):
            z = [0] * len(outs) if rng.random() < 0.6 else rng.choice(units) if units else [0] * len(outs)
            bases[d].insert(rng.randint(0, len(bases[d])), z)
    return ll.LinearLayout.from_bases(bases, outs, require_surjective=False)


def _flat_cols(layout, dims):
    return [flat_basis(b, layout.out_dims) for d in dims for b in layout.bases[d]]


def triton_accepts(a, b):
    """Triton asserts when, after dropping the in dims with identical bases,
    a's remaining image is not inside b's remaining image."""
    same = [d for d in a.in_dims if d in b.in_dims and a.bases[d] == b.bases[d]]
    ra = _flat_cols(a, [d for d in a.in_dims if d not in same])
    rb = _flat_cols(b, [d for d in b.in_dims if d not in same])
    return f2_rank(rb) == f2_rank(rb + ra)


def test_invert_and_compose_and_pseudoinvert_match_triton():
    rng = random.Random(11)
    checked = 0
    for _ in range(600):
        outs = {f"dim{i}": 1 << rng.randint(0, 4) for i in range(rng.randint(1, 3))}
        dims = ["register", "lane", "warp", "block"]
        a = rand_layout(rng, dims, outs, surjective=rng.random() < 0.5)
        b = rand_layout(rng, dims, outs, surjective=True)
        assert b.is_surjective()
        if not triton_accepts(a, b):
            continue  # Triton aborts; ours solves the full system instead
        got = a.invert_and_compose(b)
        want = to_t(a).invert_and_compose(to_t(b))
        if O.AFTER_3_6 and got.bases != t_bases(want):
            # 3.7+ picks another preimage when b is not injective: both must
            # be solutions of b(x) = a.
            assert not b.is_injective(), f"{a!r}\n{b!r}"
            for c in (got, ll.LinearLayout.from_bases(t_bases(want), dict(want.out_dims), require_surjective=False)):
                assert c.compose(b).bases == a.bases, f"{a!r}\n{b!r}"
        else:
            assert got.bases == t_bases(want), f"{a!r}\n{b!r}"
        assert list(got.out_dims.items()) == list(want.out_dims)
        assert b.pseudoinvert().bases == t_bases(to_t(b).pseudoinvert())
        checked += 1
    assert checked >= 500


def test_compose_product_apply_match_triton():
    rng = random.Random(12)
    for _ in range(400):
        outs = {f"dim{i}": 1 << rng.randint(0, 4) for i in range(rng.randint(1, 2))}
        a = rand_layout(rng, ["register", "lane"], outs, surjective=rng.random() < 0.5)
        # outer: out dims of `a` -> two new dims
        outer_outs = {"x": 1 << rng.randint(0, 3), "y": 1 << rng.randint(0, 3)}
        outer = rand_layout(rng, list(outs), outer_outs, surjective=False)
        outer = ll.LinearLayout.from_bases(
            {d: (outer.bases[d] + [[0, 0]] * 8)[: outs[d].bit_length() - 1] for d in outs}, outer_outs, require_surjective=False
        )
        got = a.compose(outer)
        want = to_t(a).compose(to_t(outer))
        assert got.bases == t_bases(want)
        b = rand_layout(rng, ["register", "warp"], outs, surjective=False)
        assert (a * b).bases == t_bases(to_t(a) * to_t(b))
        point = {k: rng.randrange(v) for k, v in a.in_dims.items()}
        assert a.apply(point) == dict(to_t(a).apply(point))
