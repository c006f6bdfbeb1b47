"""``ll.fp_to_fp``: every fp8 / f16 / bf16 encoding decoded, and random and
edge-case f32 values rounded to each format with ``rtne`` and ``rtz``,
executed by the emulator and compared bit for bit with an oracle that
knows nothing of the lowering's bit arithmetic: each format's values are
tabulated from its definition (sign, exponent, mantissa, bias, which
encodings are NaN / infinity) and an input rounds to the nearest entry
(ties to the even encoding) or to the entry below it in magnitude.
Conversions to fp8 saturate (PTX's ``satfinite``); f16 / bf16 overflow to
infinity under ``rtne`` and to the largest finite value under ``rtz``.
"""

from __future__ import annotations

import numpy as np
import pytest

import linear_layouts as ll
from linear_layouts.compiler import CompileError, ptxas

# name: (exponent bits, mantissa bits, bias, kind)
FORMATS = {"f8E4M3FN": (4, 3, 7, "fn"), "f8E5M2": (5, 2, 15, "ieee"), "f8E4M3FNUZ": (4, 3, 8, "fnuz"),
           "f8E5M2FNUZ": (5, 2, 16, "fnuz"), "f16": (5, 10, 15, "ieee"), "bf16": (8, 7, 127, "ieee")}


def table(name):
    """The value of every encoding (NaN where it is NaN), in float64."""
    e, m, bias, kind = FORMATS[name]
    n = 1 + e + m
    codes = np.arange(1 << n)
    sign = np.where(codes >> (e + m) & 1, -1.0, 1.0)
    ex, man = codes >> m & ((1 << e) - 1), codes & ((1 << m) - 1)
    val = np.where(ex == 0, man * 2.0 ** (1 - bias - m), (man + 2.0**m) * 2.0 ** (ex.astype(float) - bias - m)) * sign
    if kind == "ieee":
        top = ex == (1 << e) - 1
        val = np.where(top & (man == 0), sign * np.inf, np.where(top, np.nan, val))
    elif kind == "fn":
        val = np.where((codes & ((1 << (e + m)) - 1)) == (1 << (e + m)) - 1, np.nan, val)
    else:
        val = np.where(codes == 1 << (e + m), np.nan, val)
    return val


def round_to(name, x, mode):
    """The encodings of float64 values `x` rounded to format `name`."""
    e, m, bias, kind = FORMATS[name]
    n = 1 + e + m
    vals = table(name)
    pos = np.flatnonzero((np.arange(1 << n) >> (n - 1) == 0) & np.isfinite(vals))  # finite, sign bit clear
    order = np.argsort(vals[pos], kind="stable")
    codes, mags = pos[order], vals[pos][order]
    big, fp8 = mags[-1], n == 8
    out = np.zeros(x.shape, np.int64)
    for i, v in enumerate(x):
        if np.isnan(v):
            out[i] = np.flatnonzero(np.isnan(vals))[0] if kind != "ieee" else (((1 << e) - 1) << m) | (1 << (m - 1))
            if kind == "ieee" and np.signbit(v):
                out[i] |= 1 << (n - 1)
            continue
        a = abs(v)
        if a > big or np.isinf(a):
            ulp = mags[-1] - mags[-2]
            inf = (((1 << e) - 1) << m) if kind == "ieee" and not fp8 else None
            if inf is not None and np.isinf(a):
                c = inf  # infinity is exact
            elif inf is None or mode == "rtz" or a < big + ulp / 2:
                c = codes[-1]
            else:
                c = inf
        else:
            k = np.searchsorted(mags, a, side="right") - 1
            lo, c = mags[k], codes[k]
            if mode == "rtne" and a != lo:
                hi = mags[k + 1]
                if a - lo > hi - a or (a - lo == hi - a and codes[k] & 1):
                    c = codes[k + 1]
        neg = np.signbit(v) and not (kind == "fnuz" and c == 0)
        out[i] = c | (int(neg) << (n - 1))
    return out


STORE = {"f16": np.uint16, "bf16": np.uint16}


def kernel(src, dst, rounding, n, per_thread=4):
    r = f", rounding = {rounding}" if rounding else ""
    return f"""
#b = #ll.blocked<{{sizePerThread = [{per_thread}], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}}>
module {{
func.func @k(%x: !ll.ptr<{src}>, %y: !ll.ptr<{dst}>) attributes {{ll.kernel}} {{
  %r = ll.make_range {{start = 0 : i32, end = {n} : i32}} : tensor<{n}xi32, #b>
  %xs = ll.splat %x : !ll.ptr<{src}> -> tensor<{n}x!ll.ptr<{src}>, #b>
  %xp = ll.addptr %xs, %r : tensor<{n}x!ll.ptr<{src}>, #b>, tensor<{n}xi32, #b>
  %v = ll.load %xp : (tensor<{n}x!ll.ptr<{src}>, #b>) -> tensor<{n}x{src}, #b>
  %c = ll.fp_to_fp %v{r} : tensor<{n}x{src}, #b> -> tensor<{n}x{dst}, #b>
  %ys = ll.splat %y : !ll.ptr<{dst}> -> tensor<{n}x!ll.ptr<{dst}>, #b>
  %yp = ll.addptr %ys, %r : tensor<{n}x!ll.ptr<{dst}>, #b>, tensor<{n}xi32, #b>
  ll.store %yp, %c : (tensor<{n}x!ll.ptr<{dst}>, #b>, tensor<{n}x{dst}, #b>) -> ()
  return
}}
}}
"""


def f32_inputs(name):
    """Edge cases of format `name` (its values, midpoints between them,
    their neighbours in f32, overflow, NaN, infinities) and random values."""
    vals = table(name)
    fin = np.unique(np.abs(vals[np.isfinite(vals)]))
    if len(fin) > 1024:  # 16-bit formats: the extremes and a sample in between
        rng = np.random.default_rng(1)
        fin = np.unique(np.concatenate([fin[:200], fin[-200:], rng.choice(fin, 600, replace=False)]))
    mids = (fin[1:] + fin[:-1]) / 2
    with np.errstate(over="ignore"):
        edge = np.concatenate([fin, mids, fin * 1.5, [fin[-1] * 4, 1e30, np.inf, np.nan, 1e-40, 2.0**-149]]).astype(np.float32)
    near = np.concatenate([np.nextafter(edge, np.float32(np.inf)), np.nextafter(edge, np.float32(0))])
    rng = np.random.default_rng(len(name))
    rand = (rng.standard_normal(512) * 2.0 ** rng.integers(-30, 20, 512)).astype(np.float32)
    x = np.concatenate([edge, near, rand])
    x = np.concatenate([x, -x])
    return x[: len(x) // 256 * 256]


#: On sm_89+ PTX converts e4m3 / e5m2 pairs (cvt.rn.satfinite.e4m3x2.f32,
#: cvt.rn.f16x2.e4m3x2); sm_80 takes the integer arithmetic every target
#: has. Both against the same oracle.
HW_FP8 = ("f8E4M3FN", "f8E5M2")


@pytest.mark.parametrize("target", ["sm_80", "sm_90"])
@pytest.mark.parametrize("mode", ["rtne", "rtz"])
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_f32_rounds_to_each_format(name, mode, target):
    x = f32_inputs(name)
    k = ll.compile(kernel("f32", name, mode, 256), target)
    paired = target == "sm_90" and name in HW_FP8 and mode == "rtne"
    assert ("nvvm.convert.f32x2.to.f8x2" in k.mlir) == paired
    got = np.zeros(len(x), STORE.get(name, np.uint8))
    for i in range(0, len(x), 256):
        y = np.zeros(256, got.dtype)
        ll.emulate(k, 1, [x[i:i + 256].copy(), y])
        got[i:i + 256] = y
    want = round_to(name, x.astype(np.float64), mode)
    nan = np.isnan(table(name))
    same = (got.astype(np.int64) == want) | (nan[got] & nan[want])
    bad = np.flatnonzero(~same)
    assert bad.size == 0, [(float(x[i]), hex(int(got[i])), hex(int(want[i]))) for i in bad[:8]]


@pytest.mark.parametrize("target", ["sm_80", "sm_90"])
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_encoding_decodes(name, target):
    n = 1 << (1 + FORMATS[name][0] + FORMATS[name][1])
    codes = np.arange(n).astype(STORE.get(name, np.uint8))
    k = ll.compile(kernel(name, "f32", None, 256), target)
    assert ("nvvm.convert.f8x2.to.f16x2" in k.mlir) == (target == "sm_90" and name in HW_FP8)
    got = np.zeros(n, np.float32)
    for i in range(0, n, 256):
        y = np.zeros(256, np.float32)
        ll.emulate(k, 1, [codes[i:i + 256].copy(), y])
        got[i:i + 256] = y
    want = table(name)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    np.testing.assert_array_equal(got[ok], want[ok].astype(np.float32))
    assert (np.signbit(got[ok]) == np.signbit(want[ok])).all()


@pytest.mark.parametrize("src", ["f16", "bf16"])
@pytest.mark.parametrize("name", HW_FP8)
def test_f16_and_bf16_round_to_fp8_in_pairs(name, src):
    # Widened to f32 (exactly) and converted two at a time on sm_90 (with
    # 4 registers per thread, and with 1: the pair's other half unused), by
    # integer arithmetic on sm_80. Every 16-bit value.
    bits = np.arange(1 << 16).astype(np.uint16)
    with np.errstate(invalid="ignore"):  # signalling NaNs widen quietly
        as_f64 = (bits.view(np.float16).astype(np.float64) if src == "f16"
                  else (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64))
    want = round_to(name, as_f64, "rtne")
    nan = np.isnan(table(name))
    for target, n, per_thread in (("sm_80", 256, 4), ("sm_90", 256, 4), ("sm_90", 64, 1)):
        k = ll.compile(kernel(src, name, "rtne", n, per_thread), target)
        assert ("nvvm.convert.f32x2.to.f8x2" in k.mlir) == (target == "sm_90")
        got = np.zeros(1 << 16, np.uint8)
        for i in range(0, 1 << 16, n):
            y = np.zeros(n, np.uint8)
            ll.emulate(k, 1, [bits[i:i + n].copy(), y])
            got[i:i + n] = y
        bad = np.flatnonzero(~((got == want) | (nan[got] & nan[want])))
        assert bad.size == 0, (target, [(float(as_f64[i]), hex(int(got[i])), hex(int(want[i]))) for i in bad[:8]])


@pytest.mark.parametrize("dst", ["f16", "bf16", "f64"])
@pytest.mark.parametrize("name", HW_FP8)
def test_fp8_widens_exactly(name, dst):
    # Every encoding to f16 / bf16 / f64: by pairs on sm_90 (4 registers
    # per thread, and 1), by a shift (e5m2 is f16's high byte) or integer
    # decoding on sm_80.
    codes = np.arange(256).astype(np.uint8)
    t = table(name)
    for target, n, per_thread in (("sm_80", 256, 4), ("sm_90", 256, 4), ("sm_90", 64, 1)):
        k = ll.compile(kernel(name, dst, None, n, per_thread), target)
        y = np.zeros(256, {"f16": np.uint16, "bf16": np.uint16, "f64": np.float64}[dst])
        for i in range(0, 256, n):
            part = np.zeros(n, y.dtype)
            ll.emulate(k, 1, [codes[i:i + n].copy(), part])
            y[i:i + n] = part
        got = (y.view(np.float16).astype(np.float64) if dst == "f16"
               else (y.astype(np.uint32) << 16).view(np.float32).astype(np.float64) if dst == "bf16" else y)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(t), err_msg=target)
        ok = ~np.isnan(t)
        np.testing.assert_array_equal(got[ok], t[ok], err_msg=target)
        assert (np.signbit(got[ok]) == np.signbit(t[ok])).all(), target
        assert ptxas(k)[:4] == b"\x7fELF"


def test_fp8_to_fp8_and_to_f16_and_ptxas():
    # e5m2 -> e4m3 rounds (through f32); e4m3 -> f16 is exact. PTX assembles.
    codes = np.arange(256).astype(np.uint8)
    k = ll.compile(kernel("f8E5M2", "f8E4M3FN", "rtne", 256), "sm_80")
    y = np.zeros(256, np.uint8)
    ll.emulate(k, 1, [codes, y])
    want = round_to("f8E4M3FN", table("f8E5M2"), "rtne")
    nan = np.isnan(table("f8E4M3FN"))
    assert ((y == want) | (nan[y] & nan[want])).all()
    assert ptxas(k)[:4] == b"\x7fELF"
    k = ll.compile(kernel("f8E4M3FN", "f16", None, 256), "sm_90")
    h = np.zeros(256, np.float16)
    ll.emulate(k, 1, [codes, h])
    t = table("f8E4M3FN")
    np.testing.assert_array_equal(np.isnan(h), np.isnan(t))
    np.testing.assert_array_equal(h[~np.isnan(t)], t[~np.isnan(t)].astype(np.float16))
    assert ptxas(k)[:4] == b"\x7fELF"


def test_rounding_mode_is_checked():
    with pytest.raises(CompileError, match="needs a rounding mode: 'f32' -> 'f8E4M3FN' loses precision or range"):
        ll.compile(kernel("f32", "f8E4M3FN", None, 256), "sm_90")
    with pytest.raises(CompileError, match="takes no rounding mode: 'f8E4M3FN' -> 'f32' is exact"):
        ll.compile(kernel("f8E4M3FN", "f32", "rtne", 256), "sm_90")
    with pytest.raises(CompileError, match=r"cannot be lowered: f64 -> 'f8E5M2' with rtne \(convert to f32 first\)"):
        ll.compile(kernel("f64", "f8E5M2", "rtne", 256), "sm_90")
