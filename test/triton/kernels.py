"""Triton kernels and numpy references for the TTGIR import tests.

Each entry: a ``@triton.jit`` kernel, its signature and constexprs, a grid,
and ``make(rng) -> (args, check)``: numpy arguments for a launch and a
function that checks the outputs against a numpy reference written here.
"""

from __future__ import annotations

import numpy as np
import triton
import triton.language as tl

# `make demo`'s kernels, one copy (the package cannot import from test/).
from linear_layouts.demo import softmax, transpose


@triton.jit
def vector_add(X, Y, Z, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(Z + offs, tl.load(X + offs, mask=m) + tl.load(Y + offs, mask=m), mask=m)


@triton.jit
def row_sum(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    tl.store(Y + r, tl.sum(x, axis=1))


@triton.jit
def col_max(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    tl.store(Y + c, tl.max(x, axis=0))


@triton.jit
def cumsum(X, Y, N: tl.constexpr):
    offs = tl.arange(0, N)
    tl.store(Y + offs, tl.cumsum(tl.load(X + offs), axis=0))


@triton.jit
def argmax_rows(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    tl.store(Y + r, tl.argmax(x, axis=1))


def _vector_add(rng):
    n = 1000
    x, y = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    z = np.zeros(n, np.float32)
    return [x, y, z, n], lambda: np.testing.assert_array_equal(z, x + y)


def check_softmax(y, x):
    """y is the row-wise softmax of x (within f32 approximate exp)."""
    e = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(y, e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-7)


def _softmax(rng):
    x = rng.standard_normal((4, 1000)).astype(np.float32)
    y = np.zeros_like(x)
    return [x, y], lambda: check_softmax(y, x)


def _transpose(rng):
    x = rng.standard_normal((64, 32)).astype(np.float32)
    y = np.zeros((32, 64), np.float32)
    return [x, y], lambda: np.testing.assert_array_equal(y, x.T)


def _row_sum(rng):
    x = rng.integers(-1000, 1000, (64, 128)).astype(np.int32)
    y = np.zeros(64, np.int32)
    return [x, y], lambda: np.testing.assert_array_equal(y, x.sum(axis=1, dtype=np.int32))


def _col_max(rng):
    x = rng.standard_normal((128, 64)).astype(np.float32)
    y = np.zeros(64, np.float32)
    return [x, y], lambda: np.testing.assert_array_equal(y, x.max(axis=0))


def _cumsum(rng):
    x = rng.integers(-100, 100, 1024).astype(np.int32)
    y = np.zeros_like(x)
    return [x, y], lambda: np.testing.assert_array_equal(y, np.cumsum(x, dtype=np.int32))


def _argmax_rows(rng):
    x = rng.integers(0, 8, (32, 64)).astype(np.float32)  # ties: the first index
    y = np.zeros(32, np.int32)
    return [x, y], lambda: np.testing.assert_array_equal(y, x.argmax(axis=1))


# name: (kernel, signature, constexprs, num_warps, grid, make)
KERNELS = {
    "vector_add": (vector_add, {"X": "*fp32", "Y": "*fp32", "Z": "*fp32", "n": "i32"}, {"BLOCK": 256}, 4, 4,
                   _vector_add),
    "softmax": (softmax, {"X": "*fp32", "Y": "*fp32"}, {"N": 1000, "BLOCK": 1024}, 4, 4, _softmax),
    "transpose": (transpose, {"X": "*fp32", "Y": "*fp32"}, {"M": 64, "N": 32}, 4, 1, _transpose),
    "row_sum": (row_sum, {"X": "*i32", "Y": "*i32"}, {"M": 64, "N": 128}, 4, 1, _row_sum),
    "col_max": (col_max, {"X": "*fp32", "Y": "*fp32"}, {"M": 128, "N": 64}, 8, 1, _col_max),
    "cumsum": (cumsum, {"X": "*i32", "Y": "*i32"}, {"N": 1024}, 4, 1, _cumsum),
    "argmax_rows": (argmax_rows, {"X": "*fp32", "Y": "*i32"}, {"M": 32, "N": 64}, 4, 1, _argmax_rows),
}


@triton.jit
def layer_norm(X, W, B, Y, N: tl.constexpr, BLOCK: tl.constexpr, EPS: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    m = offs < N
    x = tl.load(X + row * N + offs, mask=m, other=0.0)
    mean = tl.sum(x, axis=0) / N
    d = tl.where(m, x - mean, 0.0)
    var = tl.sum(d * d, axis=0) / N
    y = d / tl.sqrt(var + EPS) * tl.load(W + offs, mask=m) + tl.load(B + offs, mask=m)
    tl.store(Y + row * N + offs, y, mask=m)


@triton.jit
def rms_norm(X, Y, N: tl.constexpr, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    m = offs < N
    x = tl.load(X + row * N + offs, mask=m, other=0.0).to(tl.float32)
    r = tl.rsqrt(tl.sum(x * x, axis=0) / N + 1e-6)
    tl.store(Y + row * N + offs, (x * r).to(tl.float16), mask=m)


@triton.jit
def add_loop(X, Y, N: tl.constexpr, STEPS):
    offs = tl.arange(0, N)
    acc = tl.zeros([N], dtype=tl.float32)
    for i in range(STEPS):
        acc += tl.load(X + i * N + offs)
    tl.store(Y + offs, acc)


@triton.jit
def dequant_i8(X, S, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    q = tl.load(X + r[:, None] * N + c[None, :])
    s = tl.load(S + r)
    tl.store(Y + r[:, None] * N + c[None, :], q.to(tl.float32) * s[:, None])


@triton.jit
def fp8_roundtrip(X, Y, Z, N: tl.constexpr):
    offs = tl.arange(0, N)
    x = tl.load(X + offs)
    q = x.to(tl.float8e5)
    tl.store(Y + offs, q.to(tl.bfloat16, bitcast=False).to(tl.float32))
    tl.store(Z + offs, x.to(tl.float16))


@triton.jit
def join_split(X, Y, Z, N: tl.constexpr):
    offs = tl.arange(0, N)
    x = tl.load(X + offs)
    j = tl.join(x, x * 2)            # [N, 2]
    a, b = tl.split(tl.permute(tl.reshape(tl.permute(j, (1, 0)), (2, N)), (1, 0)))
    tl.store(Y + offs, a + b)
    tl.store(Z + offs, tl.sum(tl.reshape(j, (N // 2, 4)), axis=1).reshape(N // 2, 1).broadcast_to(N // 2, 2).reshape(N))


@triton.jit
def gather_rows(X, I, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    idx = tl.load(I + r[:, None] * N + c[None, :])
    tl.store(Y + r[:, None] * N + c[None, :], tl.gather(x, idx, axis=1))


@triton.jit
def embedding(T, I, Y, D: tl.constexpr, B: tl.constexpr):
    rows = tl.load(I + tl.arange(0, B))
    d = tl.arange(0, D)
    v = tl.load(T + rows[:, None] * D + d[None, :])
    tl.store(Y + tl.arange(0, B)[:, None] * D + d[None, :], v)


@triton.jit
def histogram(X, Y, N: tl.constexpr, BINS: tl.constexpr):
    x = tl.load(X + tl.arange(0, N))
    tl.store(Y + tl.arange(0, BINS), tl.histogram(x, BINS))


@triton.jit
def masked_copy_2d(X, Y, M, N, BM: tl.constexpr, BN: tl.constexpr):
    r = tl.program_id(0) * BM + tl.arange(0, BM)
    c = tl.arange(0, BN)
    m = (r[:, None] < M) & (c[None, :] < N)
    v = tl.load(X + r[:, None] * N + c[None, :], mask=m, other=0)
    tl.store(Y + r[:, None] * N + c[None, :], v * 3, mask=m)


def _layer_norm(rng):
    x = rng.standard_normal((4, 300)).astype(np.float32)
    w, b = rng.standard_normal(300).astype(np.float32), rng.standard_normal(300).astype(np.float32)
    y = np.zeros_like(x)

    def check():
        mu = x.mean(axis=1, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
        np.testing.assert_allclose(y, (x - mu) / np.sqrt(var + 1e-5) * w + b, rtol=1e-4, atol=1e-5)
    return [x, w, b, y], check


def _rms_norm(rng):
    x = rng.standard_normal((4, 500)).astype(np.float16)
    y = np.zeros_like(x)

    def check():
        xf = x.astype(np.float32)
        want = (xf / np.sqrt((xf * xf).mean(axis=1, keepdims=True) + 1e-6)).astype(np.float16)
        np.testing.assert_allclose(y.astype(np.float32), want.astype(np.float32), rtol=2e-3, atol=2e-3)
    return [x, y], check


def _add_loop(rng):
    x = rng.standard_normal((5, 256)).astype(np.float32)
    y = np.zeros(256, np.float32)
    return [x, y, 5], lambda: np.testing.assert_allclose(y, x.sum(axis=0), rtol=1e-5, atol=1e-6)


def _dequant_i8(rng):
    q = rng.integers(-128, 128, (32, 64)).astype(np.int8)
    s = rng.standard_normal(32).astype(np.float32)
    y = np.zeros((32, 64), np.float32)
    return [q, s, y], lambda: np.testing.assert_array_equal(y, q.astype(np.float32) * s[:, None])


def _fp8_roundtrip(rng):
    # Values exact in e5m2 (sign, 5 exponent bits, 2 mantissa bits) and
    # others that round; the reference rounds to nearest even by hand.
    x = np.concatenate([rng.choice([0.5, 1.0, 1.25, 1.5, 1.75, -3.0, 96.0], 128),
                        rng.standard_normal(128)]).astype(np.float32)
    y, z = np.zeros_like(x), np.zeros(256, np.float16)

    def e5m2(v):
        v = v.astype(np.float64)  # from the f32 value directly (as cvt.rn.satfinite.e5m2x2.f32)
        out = np.zeros_like(v)
        for i, t in enumerate(v):
            if t == 0:
                continue
            e = np.floor(np.log2(abs(t)))
            q = 2.0 ** (max(e, -14) - 2)
            out[i] = np.round(t / q) * q  # numpy rounds half to even
        return out

    def check():
        np.testing.assert_array_equal(z, x.astype(np.float16))
        np.testing.assert_array_equal(y, e5m2(x).astype(np.float32))
    return [x, y, z], check


def _join_split(rng):
    x = rng.integers(-100, 100, 64).astype(np.int32)
    y, z = np.zeros_like(x), np.zeros_like(x)

    def check():
        np.testing.assert_array_equal(y, 3 * x)
        j = np.stack([x, 2 * x], axis=1).reshape(32, 4).sum(axis=1)
        np.testing.assert_array_equal(z, np.repeat(j, 2))
    return [x, y, z], check


def _gather_rows(rng):
    x = rng.standard_normal((16, 32)).astype(np.float32)
    i = rng.integers(0, 32, (16, 32)).astype(np.int32)
    y = np.zeros_like(x)
    return [x, i, y], lambda: np.testing.assert_array_equal(y, np.take_along_axis(x, i, axis=1))


def _embedding(rng):
    t = rng.standard_normal((100, 64)).astype(np.float32)
    i = rng.integers(0, 100, 16).astype(np.int32)
    y = np.zeros((16, 64), np.float32)
    return [t, i, y], lambda: np.testing.assert_array_equal(y, t[i])


def _histogram(rng):
    x = rng.integers(0, 64, 1024).astype(np.int32)
    y = np.zeros(64, np.int32)
    return [x, y], lambda: np.testing.assert_array_equal(y, np.bincount(x, minlength=64))


def _masked_copy_2d(rng):
    x = rng.integers(-100, 100, (37, 50)).astype(np.int32)
    y = np.zeros_like(x)
    return [x, y, 37, 50], lambda: np.testing.assert_array_equal(y, 3 * x)


KERNELS.update({
    "layer_norm": (layer_norm, {"X": "*fp32", "W": "*fp32", "B": "*fp32", "Y": "*fp32"},
                   {"N": 300, "BLOCK": 512, "EPS": 1e-5}, 4, 4, _layer_norm),
    "rms_norm": (rms_norm, {"X": "*fp16", "Y": "*fp16"}, {"N": 500, "BLOCK": 512}, 4, 4, _rms_norm),
    "add_loop": (add_loop, {"X": "*fp32", "Y": "*fp32", "STEPS": "i32"}, {"N": 256}, 4, 1, _add_loop),
    "dequant_i8": (dequant_i8, {"X": "*i8", "S": "*fp32", "Y": "*fp32"}, {"M": 32, "N": 64}, 4, 1, _dequant_i8),
    "fp8_roundtrip": (fp8_roundtrip, {"X": "*fp32", "Y": "*fp32", "Z": "*fp16"}, {"N": 256}, 4, 1, _fp8_roundtrip),
    "join_split": (join_split, {"X": "*i32", "Y": "*i32", "Z": "*i32"}, {"N": 64}, 2, 1, _join_split),
    "gather_rows": (gather_rows, {"X": "*fp32", "I": "*i32", "Y": "*fp32"}, {"M": 16, "N": 32}, 4, 1, _gather_rows),
    "embedding": (embedding, {"T": "*fp32", "I": "*i32", "Y": "*fp32"}, {"D": 64, "B": 16}, 4, 1, _embedding),
    "histogram": (histogram, {"X": "*i32", "Y": "*i32"}, {"N": 1024, "BINS": 64}, 4, 1, _histogram),
    "masked_copy_2d": (masked_copy_2d, {"X": "*i32", "Y": "*i32", "M": "i32", "N": "i32"}, {"BM": 16, "BN": 64}, 4, 3,
                       _masked_copy_2d),
})


@triton.jit
def col_sum_masked(X, Y, M, N: tl.constexpr, BM: tl.constexpr):
    r = tl.arange(0, BM)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :], mask=r[:, None] < M, other=0.0)
    tl.store(Y + c, tl.sum(x, axis=0))


@triton.jit
def cumsum_rows_reverse(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    tl.store(Y + r[:, None] * N + c[None, :], tl.cumsum(x, axis=1, reverse=True))


@triton.jit
def argmin_cols(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    tl.store(Y + c, tl.argmin(x, axis=0))


@triton.jit
def transpose_i8(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    tl.store(Y + c[:, None] * M + r[None, :], tl.trans(x))


@triton.jit
def outer_add_bf16(A, B, Y, M: tl.constexpr, N: tl.constexpr):
    a = tl.load(A + tl.arange(0, M)).to(tl.float32)
    b = tl.load(B + tl.arange(0, N)).to(tl.float32)
    y = a[:, None] + b[None, :]
    tl.store(Y + tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :], y.to(tl.bfloat16))


@triton.jit
def relu_where_i64(X, Y, N: tl.constexpr):
    offs = tl.arange(0, N)
    x = tl.load(X + offs)
    tl.store(Y + offs, tl.where(x > 0, x * 3 + 1, -x))


@triton.jit
def sum_of_squares_loop(X, Y, N: tl.constexpr, STEPS: tl.constexpr):
    offs = tl.arange(0, N)
    acc = tl.zeros([N], dtype=tl.int32)
    for i in tl.static_range(STEPS):
        v = tl.load(X + i * N + offs)
        acc += v * v
    tl.store(Y, tl.sum(acc, axis=0))


@triton.jit
def softmax_2d_rows(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    e = tl.exp(x - tl.max(x, axis=1)[:, None])
    tl.store(Y + r[:, None] * N + c[None, :], e / tl.sum(e, axis=1)[:, None])


def _col_sum_masked(rng):
    x = rng.integers(-50, 50, (50, 32)).astype(np.float32)
    y = np.zeros(32, np.float32)
    return [x, y, 50], lambda: np.testing.assert_array_equal(y, x.sum(axis=0))


def _cumsum_rows_reverse(rng):
    x = rng.integers(-100, 100, (16, 64)).astype(np.int32)
    y = np.zeros_like(x)
    return [x, y], lambda: np.testing.assert_array_equal(y, np.flip(np.cumsum(np.flip(x, 1), axis=1), 1))


def _argmin_cols(rng):
    x = rng.integers(0, 6, (64, 32)).astype(np.float32)
    y = np.zeros(32, np.int32)
    return [x, y], lambda: np.testing.assert_array_equal(y, x.argmin(axis=0))


def _transpose_i8(rng):
    x = rng.integers(-128, 128, (64, 64)).astype(np.int8)
    y = np.zeros((64, 64), np.int8)
    return [x, y], lambda: np.testing.assert_array_equal(y, x.T)


def _bf16(v):
    """float32 -> bfloat16 bits (round to nearest even), as uint16."""
    b = np.asarray(v, np.float32).view(np.uint32).astype(np.uint64)
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)


def _outer_add_bf16(rng):
    a = _bf16(rng.standard_normal(32))
    b = _bf16(rng.standard_normal(64))
    y = np.zeros((32, 64), np.uint16)

    def f(bits):
        return (bits.astype(np.uint32) << 16).view(np.float32)
    return [a, b, y], lambda: np.testing.assert_array_equal(y, _bf16(f(a)[:, None] + f(b)[None, :]))


def _relu_where_i64(rng):
    x = rng.integers(-2**40, 2**40, 512).astype(np.int64)
    y = np.zeros_like(x)
    return [x, y], lambda: np.testing.assert_array_equal(y, np.where(x > 0, x * 3 + 1, -x))


def _sum_of_squares_loop(rng):
    x = rng.integers(-30, 30, (4, 256)).astype(np.int32)
    y = np.zeros(1, np.int32)
    return [x, y], lambda: np.testing.assert_array_equal(y[0], (x.astype(np.int64) ** 2).sum())


def _softmax_2d_rows(rng):
    x = rng.standard_normal((16, 128)).astype(np.float32)
    y = np.zeros_like(x)
    return [x, y], lambda: check_softmax(y, x)


KERNELS.update({
    "col_sum_masked": (col_sum_masked, {"X": "*fp32", "Y": "*fp32", "M": "i32"}, {"N": 32, "BM": 64}, 4, 1,
                       _col_sum_masked),
    "cumsum_rows_reverse": (cumsum_rows_reverse, {"X": "*i32", "Y": "*i32"}, {"M": 16, "N": 64}, 4, 1,
                            _cumsum_rows_reverse),
    "argmin_cols": (argmin_cols, {"X": "*fp32", "Y": "*i32"}, {"M": 64, "N": 32}, 4, 1, _argmin_cols),
    "transpose_i8": (transpose_i8, {"X": "*i8", "Y": "*i8"}, {"M": 64, "N": 64}, 4, 1, _transpose_i8),
    "outer_add_bf16": (outer_add_bf16, {"A": "*bf16", "B": "*bf16", "Y": "*bf16"}, {"M": 32, "N": 64}, 4, 1,
                       _outer_add_bf16),
    "relu_where_i64": (relu_where_i64, {"X": "*i64", "Y": "*i64"}, {"N": 512}, 4, 1, _relu_where_i64),
    "sum_of_squares_loop": (sum_of_squares_loop, {"X": "*i32", "Y": "*i32"}, {"N": 256, "STEPS": 4}, 4, 1,
                            _sum_of_squares_loop),
    "softmax_2d_rows": (softmax_2d_rows, {"X": "*fp32", "Y": "*fp32"}, {"M": 16, "N": 128}, 4, 1, _softmax_2d_rows),
})


# ---- triton.language beyond the basics (step 10): a barrier, umulhi, random
# numbers (philox: arith.mului_extended), sort (a reshape to one size-2
# dimension per bit), a 4-D tensor.


@triton.jit
def debug_barrier_copy(X, Y, N: tl.constexpr):
    o = tl.arange(0, N)
    x = tl.load(X + o)
    tl.debug_barrier()
    tl.store(Y + o, x * 2)


@triton.jit
def umulhi(X, Y, Z, N: tl.constexpr):
    o = tl.arange(0, N)
    tl.store(Z + o, tl.umulhi(tl.load(X + o), tl.load(Y + o)))


@triton.jit
def rand_uniform(Y, seed, N: tl.constexpr):
    o = tl.program_id(0) * N + tl.arange(0, N)
    tl.store(Y + o, tl.rand(seed, o))


@triton.jit
def sort_rows(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)[:, None]
    c = tl.arange(0, N)[None, :]
    tl.store(Y + r * N + c, tl.sort(tl.load(X + r * N + c), dim=1))


@triton.jit
def add_4d(X, Y):
    a = tl.arange(0, 2)
    off = (a[:, None, None, None] * 64 + a[None, :, None, None] * 32 + tl.arange(0, 4)[None, None, :, None] * 8
           + tl.arange(0, 8)[None, None, None, :])
    tl.store(Y + off, tl.load(X + off) + 1)


def _debug_barrier_copy(rng):
    x = rng.standard_normal(256).astype(np.float32)
    y = np.zeros_like(x)
    return [x, y], lambda: np.testing.assert_array_equal(y, 2 * x)


def _umulhi(rng):
    x, y = (rng.integers(0, 2**32, 256, dtype=np.uint64).astype(np.uint32) for _ in range(2))
    z = np.zeros_like(x)
    want = ((x.astype(np.uint64) * y.astype(np.uint64)) >> 32).astype(np.uint32)
    return [x, y, z], lambda: np.testing.assert_array_equal(z, want)


def _rand_uniform(rng):
    y = np.full(2048, -1.0, np.float32)

    def check():
        # Triton's philox stream (its bits are checked against Triton's own
        # code by test_triton_code); here: uniform on [0, 1).
        assert ((y >= 0) & (y < 1)).all() and len(np.unique(y)) > 2000
        assert abs(float(y.mean()) - 0.5) < 0.03 and abs(float((y < 0.25).mean()) - 0.25) < 0.04
    return [y, 1234], check


def _sort_rows(rng):
    x = rng.standard_normal((8, 32)).astype(np.float32)
    y = np.zeros_like(x)
    return [x, y], lambda: np.testing.assert_array_equal(y, np.sort(x, axis=1))


def _add_4d(rng):
    x = rng.integers(-50, 50, 128).astype(np.float32)
    y = np.zeros_like(x)
    return [x, y], lambda: np.testing.assert_array_equal(y, x + 1)


KERNELS.update({
    "debug_barrier_copy": (debug_barrier_copy, {"X": "*fp32", "Y": "*fp32"}, {"N": 256}, 4, 1, _debug_barrier_copy),
    "umulhi": (umulhi, {"X": "*u32", "Y": "*u32", "Z": "*u32"}, {"N": 256}, 4, 1, _umulhi),
    "rand_uniform": (rand_uniform, {"Y": "*fp32", "seed": "i32"}, {"N": 512}, 4, 4, _rand_uniform),
    "sort_rows": (sort_rows, {"X": "*fp32", "Y": "*fp32"}, {"M": 8, "N": 32}, 4, 1, _sort_rows),
    "add_4d": (add_4d, {"X": "*fp32", "Y": "*fp32"}, {}, 4, 1, _add_4d),
})


@triton.jit
def clamp_nan(X, Y, Z, N: tl.constexpr):
    # tl.clamp on floats (tt.clampf), without and with NaN propagation.
    o = tl.arange(0, N)
    x = tl.load(X + o)
    tl.store(Y + o, tl.clamp(x, -1.0, 1.0))
    tl.store(Z + o, tl.clamp(x, -1.0, 1.0, propagate_nan=tl.PropagateNan.ALL))


def _clamp_nan(rng):
    x = (rng.standard_normal(256) * 2).astype(np.float32)
    x[::7] = np.nan
    y, z = np.zeros_like(x), np.zeros_like(x)

    def check():
        nan = np.isnan(x)
        # Without propagation a NaN x gives a bound -- which one, Triton does
        # not say (its sm_80 code gives -1, its sm_90 min.xorsign.abs code +1).
        np.testing.assert_array_equal(y[~nan], np.clip(x[~nan], np.float32(-1), np.float32(1)))
        assert np.isin(y[nan], [-1.0, 1.0]).all(), y[nan]
        np.testing.assert_array_equal(z, np.minimum(np.maximum(x, np.float32(-1)), np.float32(1)))  # NaN kept
    return [x, y, z], check


KERNELS["clamp_nan"] = (clamp_nan, {"X": "*fp32", "Y": "*fp32", "Z": "*fp32"}, {"N": 256}, 4, 1, _clamp_nan)


# ---- atomics (step 10): tensor and scalar forms, returned old values,
# replicated elements (applied once, old values to every holder), masks,
# orderings and scopes, and tutorial 05's spin lock between programs.


@triton.jit
def atomic_add_bins(X, Y, Old, n, N: tl.constexpr, BINS: tl.constexpr):
    # Many elements add into few addresses; the old values say in which
    # order (any order is valid: checked as a chain of partial sums).
    o = tl.arange(0, N)
    m = o < n
    old = tl.atomic_add(Y + o % BINS, tl.load(X + o, mask=m), mask=m, sem="relaxed", scope="gpu")
    tl.store(Old + o, old, mask=m)


@triton.jit
def atomic_replicated(X, Y, Old, N: tl.constexpr):
    # 16 elements held by 4 warps x 32 lanes: each element is added once,
    # and every copy gets its old value (held across warps).
    o = tl.arange(0, N)
    old = tl.atomic_add(Y + o, tl.load(X + o))
    tl.store(Old + o, old + 1)


@triton.jit
def atomic_minmax(F, I, Fmax, Imin, Umax, Bits, N: tl.constexpr):
    # tl.atomic_max on floats (Triton: a signed max for positive values, an
    # unsigned min for negative ones), signed min, unsigned max, and / or /
    # xor. (Exchange: atomic_ticket; Triton 3.6 cannot compile a tensor
    # atomic_xchg for gfx942: its buffer atomic names an intrinsic
    # "...buffer.atomic.exch" that LLVM does not have.)
    o = tl.arange(0, N)
    f = tl.load(F + o)
    i = tl.load(I + o)
    tl.atomic_max(Fmax + o % 4, f)
    tl.atomic_min(Imin + o % 4, i, sem="acquire", scope="cta")
    tl.atomic_max(Umax + o % 4, i.to(tl.uint32), sem="release")
    tl.atomic_and(Bits + 0 * o, ~(1 << (o % 32)) | (i != 0).to(tl.int32) * 0, mask=o % 3 == 0)
    tl.atomic_or(Bits + 1 + 0 * o, (1 << (o % 32)), mask=o % 5 == 0)
    tl.atomic_xor(Bits + 2 + 0 * o, i)


@triton.jit
def atomic_cas_tensor(X, Y, N: tl.constexpr):
    # Y[i] becomes i where it equals X[i]; the old value tells which did.
    o = tl.arange(0, N)
    old = tl.atomic_cas(Y + o, tl.load(X + o), o)
    tl.store(X + o, old)


@triton.jit
def atomic_ticket(Counter, T, Last, Prev, X):
    # Scalar atomics, once per program, their results used by every thread:
    # a ticket, and the exchange of a float; an f16 tensor add.
    pid = tl.program_id(0)
    t = tl.atomic_add(Counter, 1)
    tl.store(T + pid, t)
    tl.store(Prev + pid, tl.atomic_xchg(Last, pid.to(tl.float32)))
    tl.atomic_add(X + tl.arange(0, 64), tl.zeros([64], tl.float16) + 1.0)


@triton.jit
def locked_accumulate(X, Acc, Lock, Count, N: tl.constexpr):
    # Tutorial 05's layer-norm backward: programs take a lock per group of
    # rows (atomic_cas spin), the first stores and the others accumulate,
    # then release it (atomic_xchg) after a barrier.
    pid = tl.program_id(0)
    o = tl.arange(0, N)
    x = tl.load(X + pid * N + o)
    g = pid % 2
    Lock += g
    Count += g
    Acc += g * N
    while tl.atomic_cas(Lock, 0, 1) == 1:
        pass
    count = tl.load(Count)
    if count == 0:
        tl.atomic_xchg(Count, 1)
    else:
        x += tl.load(Acc + o)
    tl.store(Acc + o, x)
    tl.debug_barrier()
    tl.atomic_xchg(Lock, 0)


def _partial_sums_chain(old, x, y, bins):
    """The old values of each bin, in their order, are the partial sums of
    its additions, ending at the bin's total."""
    for b in range(bins):
        idx = np.arange(len(x)) % bins == b
        o, v = old[idx].astype(np.float64), x[idx].astype(np.float64)
        order = np.argsort(o, kind="stable")
        np.testing.assert_array_equal(o[order][1:], np.cumsum(v[order])[:-1])
        assert o[order][0] == 0 and y[b] == v.sum()


def _atomic_add_bins(rng):
    n, N, bins = 200, 256, 8
    x = rng.integers(1, 9, N).astype(np.float32)  # positive: the partial sums increase
    y, old = np.zeros(bins, np.float32), np.full(N, -1, np.float32)

    def check():
        _partial_sums_chain(old[:n], x[:n], y, bins)
        assert (old[n:] == -1).all()
    return [x, y, old, n], check


def _atomic_replicated(rng):
    x = rng.integers(-9, 9, 16).astype(np.int32)
    y = rng.integers(-9, 9, 16).astype(np.int32)
    y0, old = y.copy(), np.zeros(16, np.int32)

    def check():
        np.testing.assert_array_equal(y, y0 + x)  # once per element, not once per copy
        np.testing.assert_array_equal(old, y0 + 1)
    return [x, y, old], check


def _atomic_minmax(rng):
    N = 128
    f = (rng.standard_normal(N) * 4).astype(np.float32)
    i = rng.integers(-2**31, 2**31, N, dtype=np.int64).astype(np.int32)
    fmax = np.full(4, -np.inf, np.float32)
    imin = np.zeros(4, np.int32)
    umax = np.zeros(4, np.uint32)
    bits = np.array([-1, 0, 0], np.int32)

    def check():
        o = np.arange(N)
        np.testing.assert_array_equal(fmax, [f[o % 4 == k].max() for k in range(4)])
        np.testing.assert_array_equal(imin, [min(0, i[o % 4 == k].min()) for k in range(4)])
        np.testing.assert_array_equal(umax, [i.view(np.uint32)[o % 4 == k].max() for k in range(4)])
        a = np.int32(-1)
        for k in o[o % 3 == 0]:
            a &= ~np.int32(1 << (k % 32)) if k % 32 != 31 else np.int32(2**31 - 1)
        assert bits[0] == a
        assert bits[1] == np.bitwise_or.reduce([np.uint32(1) << np.uint32(k % 32) for k in o[o % 5 == 0]]).view(np.int32)
        assert bits[2] == np.bitwise_xor.reduce(i)
    return [f, i, fmax, imin, umax, bits], check


def _atomic_cas_tensor(rng):
    N = 128
    y = rng.integers(0, 3, N).astype(np.int32)
    x = rng.integers(0, 3, N).astype(np.int32)
    y0, x0 = y.copy(), x.copy()

    def check():
        hit = x0 == y0
        np.testing.assert_array_equal(y, np.where(hit, np.arange(N), y0))
        np.testing.assert_array_equal(x, y0)  # the old values
    return [x, y], check


def _atomic_ticket(rng):
    counter, t, x = np.zeros(1, np.int32), np.full(8, -1, np.int32), np.zeros(64, np.float16)
    last, prev = np.float32([-1]), np.zeros(8, np.float32)

    def check():
        assert counter[0] == 8 and sorted(t) == list(range(8)), (counter, t)
        # The exchanges form one chain from -1 through every program id.
        assert sorted(prev.tolist() + [last[0]]) == [-1.0] + list(range(8)), (prev, last)
        np.testing.assert_array_equal(x, np.full(64, 8, np.float16))
    return [counter, t, last, prev, x], check


def _locked_accumulate(rng):
    x = rng.integers(-50, 50, (6, 64)).astype(np.float32)
    acc = np.zeros((2, 64), np.float32)
    lock, count = np.zeros(2, np.int32), np.zeros(2, np.int32)

    def check():
        np.testing.assert_array_equal(acc, [x[0::2].sum(0), x[1::2].sum(0)])
        assert (lock == 0).all() and (count == 1).all()
    return [x, acc, lock, count], check


KERNELS.update({
    "atomic_add_bins": (atomic_add_bins, {"X": "*fp32", "Y": "*fp32", "Old": "*fp32", "n": "i32"},
                        {"N": 256, "BINS": 8}, 4, 1, _atomic_add_bins),
    "atomic_replicated": (atomic_replicated, {"X": "*i32", "Y": "*i32", "Old": "*i32"}, {"N": 16}, 4, 1,
                          _atomic_replicated),
    "atomic_minmax": (atomic_minmax, {"F": "*fp32", "I": "*i32", "Fmax": "*fp32", "Imin": "*i32", "Umax": "*u32",
                                      "Bits": "*i32"}, {"N": 128}, 4, 1, _atomic_minmax),
    "atomic_cas_tensor": (atomic_cas_tensor, {"X": "*i32", "Y": "*i32"}, {"N": 128}, 4, 1, _atomic_cas_tensor),
    "atomic_ticket": (atomic_ticket, {"Counter": "*i32", "T": "*i32", "Last": "*fp32", "Prev": "*fp32",
                                      "X": "*fp16"}, {}, 4, 8, _atomic_ticket),
    "locked_accumulate": (locked_accumulate, {"X": "*fp32", "Acc": "*fp32", "Lock": "*i32", "Count": "*i32"},
                          {"N": 64}, 4, 6, _locked_accumulate),
})


# ---- software pipelining (step 10): loops with num_stages, which Triton's
# pipeliner turns into multi-buffered shared memory filled by asynchronous
# copies (cp.async on NVIDIA; registers on AMD).


@triton.jit
def softmax_pipelined(Y, X, n_rows, n_cols, BLOCK: tl.constexpr, STAGES: tl.constexpr):
    # Tutorial 02's persistent form: rows of 1000 (unaligned: 4-byte copies).
    for row in tl.range(tl.program_id(0), n_rows, tl.num_programs(0), num_stages=STAGES):
        o = tl.arange(0, BLOCK)
        m = o < n_cols
        x = tl.load(X + row * n_cols + o, mask=m, other=-float("inf"))
        e = tl.exp(x - tl.max(x, axis=0))
        tl.store(Y + row * n_cols + o, e / tl.sum(e, axis=0), mask=m)


@triton.jit
def tile_sum_pipelined(X, Y, n_tiles, BM: tl.constexpr, BN: tl.constexpr, STAGES: tl.constexpr):
    # 2-D tiles of a contiguous array, summed over a pipelined loop (16-byte
    # copies of aligned rows); the accumulator is a tensor.
    r = tl.arange(0, BM)[:, None]
    c = tl.arange(0, BN)[None, :]
    acc = tl.zeros([BM, BN], tl.float32)
    for t in tl.range(0, n_tiles, num_stages=STAGES):
        acc += tl.load(X + t * BM * BN + r * BN + c)
    tl.store(Y + r * BN + c, acc)


def _softmax_pipelined(rng):
    x = rng.standard_normal((7, 1000)).astype(np.float32)
    y = np.zeros_like(x)
    return [y, x, 7, 1000], lambda: check_softmax(y, x)


def _tile_sum_pipelined(rng):
    x = rng.integers(-8, 8, (5, 32, 64)).astype(np.float32)
    y = np.zeros((32, 64), np.float32)
    return [x, y, 5], lambda: np.testing.assert_array_equal(y, x.sum(0))


KERNELS.update({
    "softmax_pipelined": (softmax_pipelined, {"Y": "*fp32", "X": "*fp32", "n_rows": "i32", "n_cols": "i32"},
                          {"BLOCK": 1024, "STAGES": 3}, 8, 2, _softmax_pipelined),
    "tile_sum_pipelined": (tile_sum_pipelined, {"X": "*fp32", "Y": "*fp32", "n_tiles": "i32"},
                           {"BM": 32, "BN": 64, "STAGES": 3}, 4, 1, _tile_sum_pipelined),
})


@triton.jit
def cat_sorted(X, Y, Z, S, N: tl.constexpr):
    # tl.cat (can_reorder: the order is the layouts'), then an order-free
    # use of it: sorted, and summed.
    o = tl.arange(0, N)
    z = tl.cat(tl.load(X + o), tl.load(Y + o), can_reorder=True)
    tl.store(Z + tl.arange(0, 2 * N), tl.sort(z))
    tl.store(S, tl.sum(z, axis=0))


def _cat_sorted(rng):
    x, y = (rng.integers(-99, 99, 128).astype(np.float32) for _ in range(2))
    z, s = np.zeros(256, np.float32), np.zeros(1, np.float32)

    def check():
        np.testing.assert_array_equal(z, np.sort(np.concatenate([x, y])))
        assert s[0] == x.sum() + y.sum()
    return [x, y, z, s], check


KERNELS["cat_sorted"] = (cat_sorted, {"X": "*fp32", "Y": "*fp32", "Z": "*fp32", "S": "*fp32"}, {"N": 128}, 4, 1,
                         _cat_sorted)


@triton.jit
def atomic_add_half(H, B, X, N: tl.constexpr):
    # f16 and bf16 atomic adds of contiguous runs: packed pairs where the
    # target has them (f16x2; bf16x2 on sm_90 and gfx942).
    o = tl.arange(0, N)
    x = tl.load(X + o)
    tl.atomic_add(H + o, x.to(tl.float16), sem="relaxed")
    tl.atomic_add(B + o, x.to(tl.bfloat16), sem="relaxed")


def _atomic_add_half(rng):
    x = rng.integers(-8, 8, 1024).astype(np.float32)
    h0 = rng.integers(-8, 8, 1024).astype(np.float16)
    b0 = rng.integers(-8, 8, 1024).astype(np.float32)
    h, b = h0.copy(), _bf16(b0)

    def check():
        np.testing.assert_array_equal(h, (h0 + x).astype(np.float16))
        np.testing.assert_array_equal(b, _bf16(b0 + x))
    return [h, b, x], check


KERNELS["atomic_add_half"] = (atomic_add_half, {"H": "*fp16", "B": "*bf16", "X": "*fp32"}, {"N": 1024}, 4, 1,
                              _atomic_add_half)


# ---- external functions (step 10): libdevice / OCML calls by name.

from triton.language.extra import libdevice  # noqa: E402


@triton.jit
def libdevice_math(X, Y, N: tl.constexpr):
    # tt.extern_elementwise: __nv_powf / __nv_erff / __nv_powif on NVIDIA,
    # __ocml_pow_f32 & co. on AMD, linked at emission.
    o = tl.arange(0, N)
    x = tl.load(X + o)
    tl.store(Y + o, libdevice.pow(x, 2.5) + libdevice.erf(x) + libdevice.pow(x, 2))


def _libdevice_math(rng):
    from math import erf
    x = rng.uniform(0.1, 3.0, 256).astype(np.float32)
    y = np.zeros_like(x)
    want = x.astype(np.float64) ** 2.5 + np.array([erf(v) for v in x.astype(np.float64)]) + x.astype(np.float64) ** 2
    return [x, y], lambda: np.testing.assert_allclose(y, want, rtol=2e-6)


KERNELS["libdevice_math"] = (libdevice_math, {"X": "*fp32", "Y": "*fp32"}, {"N": 256}, 4, 1, _libdevice_math)


# --- Tensor descriptors (TMA on sm_90: tensor maps, mbarriers, tile copies; plain loads elsewhere)


@triton.jit
def desc_tiles_device(X, Y, M, N, BM: tl.constexpr, BN: tl.constexpr):
    # Tensor maps built on the device; edge tiles half outside the tensor
    # (zero-filled loads, clipped stores); a 256-byte f16 row is two
    # 128-byte-swizzled TMA boxes on sm_90.
    dx = tl.make_tensor_descriptor(X, shape=[M, N], strides=[N, 1], block_shape=[BM, BN])
    dy = tl.make_tensor_descriptor(Y, shape=[M, N], strides=[N, 1], block_shape=[BM, BN])
    pm, pn = tl.program_id(0), tl.program_id(1)
    v = dx.load([pm * BM, pn * BN])
    dy.store([pm * BM, pn * BN], v * 2 + 1)


@triton.jit
def desc_row_sum_pipelined(dx, Y, M, K, BM: tl.constexpr, BK: tl.constexpr):
    # A host descriptor (NaN padding) read in a software-pipelined loop:
    # multi-buffered tiles and mbarriers, phases flipping per round.
    pid = tl.program_id(0)
    acc = tl.zeros([BM], tl.float32)
    for k in tl.range(0, K, BK, num_stages=3):
        x = dx.load([pid * BM, k])
        acc += tl.sum(tl.where(x == x, x, 0.0), axis=1)
        acc += tl.sum((x != x).to(tl.float32), axis=1) * 1000  # the padding, counted
    o = pid * BM + tl.arange(0, BM)
    tl.store(Y + o, acc, mask=o < M)


@triton.jit
def desc_scale_host(dx, dy, s, BM: tl.constexpr, BN: tl.constexpr):
    # Host descriptors for the load and the store.
    pm = tl.program_id(0)
    dy.store([pm * BM, 0], (dx.load([pm * BM, 0]) * s).to(tl.float16))


def _desc_tiles_device(rng):
    x = rng.standard_normal((40, 200)).astype(np.float16)
    y = np.zeros_like(x)
    return [x, y, 40, 200], lambda: np.testing.assert_array_equal(y, x * np.float16(2) + np.float16(1))


def _desc_row_sum_pipelined(rng):
    from linear_layouts.triton import TensorDescriptor

    a = rng.integers(-8, 8, (50, 300)).astype(np.float32)
    y = np.zeros(50, np.float32)
    padded = 1000 * (-300 % 64)  # NaNs per row past column 300
    return [TensorDescriptor.from_array(a, [16, 64], padding="nan"), y, 50, 300], \
        lambda: np.testing.assert_array_equal(y, a.sum(1) + padded)


def _desc_scale_host(rng):
    from linear_layouts.triton import TensorDescriptor

    x = rng.standard_normal((40, 64)).astype(np.float32)
    y = np.full((40, 64), 7, np.float16)
    return [TensorDescriptor.from_array(x, [16, 64]), TensorDescriptor.from_array(y, [16, 64]), 0.5], \
        lambda: np.testing.assert_array_equal(y, (x * np.float32(0.5)).astype(np.float16))


KERNELS.update({
    "desc_tiles_device": (desc_tiles_device, {"X": "*fp16", "Y": "*fp16", "M": "i32", "N": "i32"},
                          {"BM": 16, "BN": 128}, 4, (3, 2), _desc_tiles_device),
    "desc_row_sum_pipelined": (desc_row_sum_pipelined, {"dx": "tensordesc<fp32[16, 64]>", "Y": "*fp32",
                                                        "M": "i32", "K": "i32"},
                               {"BM": 16, "BK": 64}, 4, 4, _desc_row_sum_pipelined),
    "desc_scale_host": (desc_scale_host, {"dx": "tensordesc<fp32[16, 64]>", "dy": "tensordesc<fp16[16, 64]>",
                                          "s": "fp32"}, {"BM": 16, "BN": 64}, 4, 3, _desc_scale_host),
})
