"""Triton kernels and numpy references for the TTGIR import tests.

Each entry: a ``@triton.jit`` kernel, its signature and constexprs, a grid,
and ``make(rng) -> (args, check)``: numpy arguments for a launch and a
function that checks the outputs against a numpy reference written here.
"""

from __future__ import annotations

import numpy as np
import triton
import triton.language as tl


@triton.jit
def vector_add(X, Y, Z, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(Z + offs, tl.load(X + offs, mask=m) + tl.load(Y + offs, mask=m), mask=m)


@triton.jit
def softmax(X, Y, N: tl.constexpr, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    m = offs < N
    x = tl.load(X + row * N + offs, mask=m, other=-float("inf"))
    x = x - tl.max(x, axis=0)
    e = tl.exp(x)
    tl.store(Y + row * N + offs, e / tl.sum(e, axis=0), mask=m)


@triton.jit
def transpose(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    tl.store(Y + c[:, None] * M + r[None, :], tl.trans(x))


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


def _softmax(rng):
    x = rng.standard_normal((4, 1000)).astype(np.float32)
    y = np.zeros_like(x)

    def check():
        e = np.exp(x - x.max(axis=1, keepdims=True))
        np.testing.assert_allclose(y, e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-7)
    return [x, y], check


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
