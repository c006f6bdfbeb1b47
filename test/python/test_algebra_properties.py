"""Algebraic laws of the layout algebra on random layouts (hypothesis).

Each law is checked pointwise with numpy over every input of the layouts
involved, so the expected values never come from the operation under test.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from linear_layouts import LayoutError, LinearLayout
from strategies import all_points, layouts

SETTINGS = settings(max_examples=150, deadline=None)


def evaluate(layout, points):
    return layout.apply_array(**points)


@SETTINGS
@given(st.data())
def test_compose_associative(data):
    a = data.draw(layouts(in_dims=["register", "lane"], out_dims={"x": 2, "y": 1}))
    b = data.draw(layouts(in_dims={"x": 2, "y": 1}, out_dims={"p": 2, "q": 2}))
    c = data.draw(layouts(in_dims={"p": 2, "q": 2}, out_dims={"dim0": 3}))
    assert a.compose(b).compose(c) == a.compose(b.compose(c))
    # And compose is function composition.
    pts = all_points(a)
    mid = evaluate(a, pts)
    assert np.array_equal(evaluate(a.compose(b), pts)["p"], evaluate(b, mid)["p"])


@SETTINGS
@given(st.data())
def test_product_associative(data):
    # The ordered union of dim names is itself order-dependent, so the three
    # layouts share their dims (with random sizes, 1 included).
    dims = dict(in_dims=["register", "lane"], out_dims=["dim0", "dim1"], max_out_bits=2)
    a, b, c = (data.draw(layouts(**dims)) for _ in range(3))
    assert (a * b) * c == a * (b * c)


def test_product_merges_dim_orders():
    ab = LinearLayout.identity_1d(2, "a", "x") * LinearLayout.identity_1d(2, "b", "x")
    ba = LinearLayout.identity_1d(2, "b", "x") * LinearLayout.identity_1d(2, "a", "x")
    assert (ab * ba).in_dim_names == ["a", "b"]
    # a's bits then the outer b, a bits: x = a0 + 2 b0 + 4 b1 + 8 a1
    p = ab * ba
    assert p.bases == {"a": [[1], [8]], "b": [[2], [4]]}


@SETTINGS
@given(st.data())
def test_product_is_tiling(data):
    """(A * B)(x_a, x_b) = A(x_a) + B(x_b) * size(A) on shared dims."""
    a = data.draw(layouts(in_dims=["register"], out_dims={"dim0": 2}))
    b = data.draw(layouts(in_dims=["register"], out_dims={"dim0": 2}))
    p = a * b
    na = a.in_dims["register"]
    for x in range(p.in_dims["register"]):
        lo, hi = x % na, x // na
        want = a.apply({"register": lo})["dim0"] ^ (b.apply({"register": hi})["dim0"] * a.out_dims["dim0"])
        assert p.apply({"register": x})["dim0"] == want


@SETTINGS
@given(st.data())
def test_invert_and_compose(data):
    outs = {"dim0": data.draw(st.integers(0, 3)), "dim1": data.draw(st.integers(0, 2))}
    a = data.draw(layouts(in_dims=["register", "lane", "warp"], out_dims=outs))
    b = data.draw(layouts(in_dims=["register", "lane", "warp"], out_dims=outs, surjective=True))
    c = a.invert_and_compose(b)
    assert c.in_dims == a.in_dims
    assert c.out_dims == b.in_dims
    pts = all_points(a)
    lhs = evaluate(a, pts)
    rhs = evaluate(b, evaluate(c, pts))
    for d in outs:
        assert np.array_equal(lhs[d], rhs[d])


@SETTINGS
@given(layouts(surjective=True))
def test_pseudoinverse(a):
    p = a.pseudoinvert()
    pts = all_points(p)
    back = evaluate(a, evaluate(p, pts))
    for d in a.out_dims:
        assert np.array_equal(back[d], pts[d])
    if a.is_invertible():
        inv = a.invert()
        assert inv == p
        assert inv.invert() == a


@SETTINGS
@given(layouts(max_in_bits=4))
def test_free_variable_masks(a):
    """Free bits = non-pivot columns: dropping them keeps the image and makes
    the layout injective; there are exactly total_in_bits - rank of them."""
    masks = a.free_variable_masks()
    free = sum(bin(x).count("1") for x in masks.values())
    in_bits = sum(int(s).bit_length() - 1 for s in a.in_dims.values())
    # Keep the pivot bits only.
    kept = {}
    for d, bases in a.bases.items():
        kept[d] = [b for i, b in enumerate(bases) if not (masks[d] >> i) & 1]
    sub = LinearLayout.from_bases(kept, a.out_dims, require_surjective=False)
    assert sub.is_injective()
    # Same image: every output of `a` is reached by `sub`.
    img_a = {tuple(v) for v in np.stack(list(evaluate(a, all_points(a)).values())).T.tolist()} if a.out_dims else set()
    img_s = {tuple(v) for v in np.stack(list(evaluate(sub, all_points(sub)).values())).T.tolist()} if a.out_dims else set()
    assert img_a == img_s
    assert len(img_a) == 2 ** (in_bits - free)


@SETTINGS
@given(layouts(max_in_bits=4))
def test_reshape_round_trips(a):
    total_in = sum(int(s).bit_length() - 1 for s in a.in_dims.values())
    flat = a.reshape_ins({"flat": 1 << total_in})
    assert flat.reshape_ins(a.in_dims) == a
    total_out = sum(int(s).bit_length() - 1 for s in a.out_dims.values())
    fo = a.reshape_outs({"o": 1 << total_out})
    assert fo.reshape_outs(a.out_dims) == a
    assert a.flatten_outs().reshape_outs(a.out_dims) == a
    # Transposes are permutations that round-trip.
    names = list(a.in_dims)
    assert a.transpose_ins(names[::-1]).transpose_ins(names) == a


@SETTINGS
@given(st.data())
def test_divide_left_right(data):
    b = data.draw(layouts(in_dims=["register", "lane"], out_dims={"dim0": 2, "dim1": 1}))
    c = data.draw(layouts(in_dims=["register", "lane", "warp"], out_dims={"dim0": 2, "dim1": 2}))
    whole = b * c
    q = whole.divide_left(b)
    assert (b * q).equal_ignoring_dim_order(whole)
    r = whole.divide_right(c)
    assert (r * c).equal_ignoring_dim_order(whole)


@SETTINGS
@given(layouts(in_dims=["register", "lane"], out_dims=["dim0", "dim1"], max_in_bits=4))
def test_num_consecutive_brute_force(a):
    """Largest 2^k such that every aligned run of 2^k registers holds 2^k
    consecutive elements along dim0 starting at a multiple of 2^k."""
    regs = a.in_dims["register"]
    best = 1
    k = 1
    while k <= regs:
        ok = True
        for lane in range(a.in_dims["lane"]):
            for start in range(0, regs, k):
                base = a.apply({"register": start, "lane": lane})
                if base["dim0"] % k:
                    ok = False
                for j in range(k):
                    v = a.apply({"register": start + j, "lane": lane})
                    if v["dim0"] != base["dim0"] + j or v["dim1"] != base["dim1"]:
                        ok = False
        if not ok:
            break
        best = k
        k *= 2
    assert a.num_consecutive() == best


@SETTINGS
@given(layouts())
def test_matrix_view_matches_apply(a):
    m = a.matrix()
    pts = all_points(a)
    bits = []
    for d, s in a.in_dims.items():
        for i in range(int(s).bit_length() - 1):
            bits.append((pts[d] >> i) & 1)
    x = np.stack(bits) if bits else np.zeros((0, len(next(iter(pts.values())))), dtype=np.int64)
    y = (m.astype(np.int64) @ x) % 2 if m.size else np.zeros((m.shape[0], x.shape[1]), dtype=np.int64)
    out = evaluate(a, pts)
    row = 0
    for d, s in a.out_dims.items():
        val = np.zeros(x.shape[1], dtype=np.int64)
        for i in range(int(s).bit_length() - 1):
            val |= y[row] << i
            row += 1
        assert np.array_equal(val, out[d])
