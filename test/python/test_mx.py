"""``ll.upcast_mxfp`` executed (AMD's ``tl.dot_scaled`` upcast): e2m1 pairs
and bf16 values times their e8m0 scales on every target, against the OCP
MX definitions in numpy: an e2m1 code's value (sign, 2 exponent bits of
bias 1, 1 mantissa bit) times 2^(s - 127), the f32 product's top half the
bf16 (Triton's AMD lowering truncates), NaN (0x7FFF) for s = 0xFF.

Every byte value (so every pair of codes) and scales over the f32 exponent
range (3 .. 254, the products normal or overflowing to infinity, and 255)
are checked; the gfx942 path (E4M3FNUZ bytes converted by
v_cvt_pk_f32_fp8, which has no -0) gives +0 for the code -0, as Triton's.
"""

from __future__ import annotations

import numpy as np
import pytest

import linear_layouts as ll
from linear_layouts.kernels import _flat_attr, _tile_access, linear_attr_text

E2M1 = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6], np.float64)


def layouts(lanes):
    """Bytes [64, 16] (16 per thread, along k), values [64, 32], scales
    [64, 1]: the values' layout with k divided by 32."""
    blocked = lambda n, k: ll.from_triton(  # noqa: E731
        f"#ttg.blocked<{{sizePerThread = [1, {n}], threadsPerWarp = [{lanes}, 1], warpsPerCTA = [1, 1], "
        f"order = [1, 0]}}>", [64, k])
    d = blocked(32, 32)
    sc = ll.LinearLayout.from_bases({dim: [[r, c >> 5] for r, c in bs] for dim, bs in d.bases.items()},
                                    {"dim0": 64, "dim1": 1}, require_surjective=False)
    return blocked(16, 16), d, sc


def kernel(lanes, target, packed):
    v, d, sc = layouts(lanes)
    src, sshape = (v, [64, 16]) if packed else (d, [64, 32])
    sdt = "i8" if packed else "bf16"
    ld, tx = _tile_access("x", "%x", sdt, sshape, "v", "vflat", "x")
    ls, ts = _tile_access("s", "%s", "i8", [64, 1], "sc", "scflat", "s")
    st, ty = _tile_access("y", "%y", "bf16", [64, 32], "d", "dflat", "y")
    dims = "x".join(map(str, sshape))
    return f"""#v = {linear_attr_text(src)}
#vflat = {_flat_attr(src.bases, sshape)}
#sc = {linear_attr_text(sc)}
#scflat = {_flat_attr(sc.bases, [64, 1])}
#d = {linear_attr_text(d)}
#dflat = {_flat_attr(d.bases, [64, 32])}
module attributes {{ll.target = #ll.target<"{target}">}} {{
func.func @k(%x: !ll.ptr<{sdt}>, %s: !ll.ptr<i8>, %y: !ll.ptr<bf16>) attributes {{ll.kernel}} {{
  %pid = ll.program_id x : i32
{ld}  %xv = ll.load %xp : ({tx}) -> tensor<{dims}x{sdt}, #v>
{ls}  %sv = ll.load %sp : ({ts}) -> tensor<64x1xi8, #sc>
  %r = ll.upcast_mxfp %xv, %sv {{axis = 1 : i32}} : tensor<{dims}x{sdt}, #v>, tensor<64x1xi8, #sc> -> tensor<64x32xbf16, #d>
{st}  ll.store %yp, %r : ({ty}, tensor<64x32xbf16, #d>) -> ()
  return
}}
}}
"""


def expected(values, scales):
    """bf16 bits: the f32 product's top half; NaN 0x7FFF for scale 0xFF."""
    with np.errstate(over="ignore"):
        f = (values * 2.0 ** (scales.astype(np.int64) - 127)).astype(np.float32)  # exact or infinite
    bits = (f.view(np.uint32) >> 16).astype(np.uint16)
    return np.where(scales == 255, np.uint16(0x7FFF), bits)


@pytest.mark.parametrize("target", ["sm_80", "sm_90", "gfx942"])
@pytest.mark.parametrize("packed", [True, False], ids=["e2m1", "bf16"])
def test_mx_upcast_follows_the_ocp_definitions(target, packed):
    lanes = 64 if target == "gfx942" else 32
    k = ll.compile(kernel(lanes, target, packed), target)
    g = np.random.default_rng(3)
    grid = 2
    scales = g.integers(3, 255, (grid, 64, 1)).astype(np.uint8)
    scales[:, ::7] = 255
    scales[:, 1] = 254
    if packed:
        # every byte value once per tile: 64 rows x 16 bytes = 1024 = 4 x 256
        x = np.stack([g.permutation(np.tile(np.arange(256), 4)) for _ in range(grid)]).astype(np.uint8)
        codes = np.stack([x & 15, x >> 4], axis=-1).reshape(grid, 64, 32)  # low nibble first
        values = np.where(codes & 8, -1.0, 1.0) * E2M1[codes & 7]
        arg = x.view(np.int8).reshape(-1)
    else:
        values = g.integers(-64, 65, (grid, 64, 32)) / 8.0  # exact in bf16
        arg = (values.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
        codes = None
    y = np.zeros(grid * 64 * 32, np.uint16)
    ll.emulate(k, grid, [arg.reshape(-1), scales.view(np.int8).reshape(-1), y])
    want = expected(values, np.broadcast_to(scales, values.shape))
    got = y.reshape(grid, 64, 32)
    if packed and target == "gfx942":  # FNUZ has no -0: Triton's +0 too
        want = np.where((codes == 8) & (want == 0x8000), np.uint16(0), want)
    bad = np.argwhere(got != want)
    assert not len(bad), (f"{len(bad)} wrong, first at {tuple(bad[0])}: {got[tuple(bad[0])]:#06x} "
                          f"vs {want[tuple(bad[0])]:#06x}")
