"""Kernels shaped after Triton's tutorials and language reference, written
the way users write them (not around our implementation), with numpy
references: the reproducers of issue 18 (the hook made safe) and the
deliberately unsupported kernels whose fallback reasons are checked.

Each entry of TUTORIALS: (kernel, signature, constexprs, launch attrs,
make(rng) -> (grid, args, check)).
"""

from __future__ import annotations

import numpy as np
import triton
import triton.language as tl

from kernels import check_softmax


@triton.jit
def softmax_tutorial(output_ptr, input_ptr, input_row_stride, output_row_stride, n_rows, n_cols,
                     BLOCK_SIZE: tl.constexpr, num_stages: tl.constexpr):
    # Tutorial 02: a persistent row loop over tl.num_programs, pipelined.
    row_start = tl.program_id(0)
    row_step = tl.num_programs(0)
    for row_idx in tl.range(row_start, n_rows, row_step, num_stages=num_stages):
        row_start_ptr = input_ptr + row_idx * input_row_stride
        col_offsets = tl.arange(0, BLOCK_SIZE)
        input_ptrs = row_start_ptr + col_offsets
        mask = col_offsets < n_cols
        row = tl.load(input_ptrs, mask=mask, other=-float("inf"))
        row_minus_max = row - tl.max(row, axis=0)
        numerator = tl.exp(row_minus_max)
        denominator = tl.sum(numerator, axis=0)
        softmax_output = numerator / denominator
        output_row_start_ptr = output_ptr + row_idx * output_row_stride
        output_ptrs = output_row_start_ptr + col_offsets
        tl.store(output_ptrs, softmax_output, mask=mask)


@triton.jit
def row_sum_pipelined(X, Y, n_rows, N: tl.constexpr):
    c = tl.arange(0, N)
    for r in tl.range(0, n_rows, num_stages=3):
        x = tl.load(X + r * N + c)
        tl.store(Y + r, tl.sum(x, axis=0))


@triton.jit
def select_scalar(X, Y, Z, flag, N: tl.constexpr):
    o = tl.arange(0, N)
    x = tl.load(X + o)
    y = tl.load(Y + o)
    z = x if flag > 0 else y
    tl.store(Z + o, z)


@triton.jit
def grid_size(Y):
    tl.store(Y + tl.program_id(0), tl.num_programs(0))


# A small dot (wgmma on sm_90, mma.sync on sm_80; MFMA on gfx942 falls back).
@triton.jit
def matmul_small(A, B, C, M: tl.constexpr):
    r = tl.arange(0, M)
    a = tl.load(A + r[:, None] * M + r[None, :])
    b = tl.load(B + r[:, None] * M + r[None, :])
    tl.store(C + r[:, None] * M + r[None, :], tl.dot(a, b))


# Deliberately unsupported (today): each falls back with a reason naming the
# op or attribute and the line here. A tile added into global memory through
# a tensor descriptor (desc.atomic_add): on sm_90 Triton makes it a TMA
# reduction, ttng.async_tma_reduce, which is not read yet (TMA loads and
# stores are; sm_80 and gfx942 take our path with atomics).
@triton.jit
def tile_accumulate_desc(X, Y, M: tl.constexpr, N: tl.constexpr):
    dx = tl.make_tensor_descriptor(X, shape=[M, N], strides=[N, 1], block_shape=[M, N])
    dy = tl.make_tensor_descriptor(Y, shape=[M, N], strides=[N, 1], block_shape=[M, N])
    dy.atomic_add([0, 0], dx.load([0, 0]))


@triton.jit
def dropout(X, Y, p, seed, N: tl.constexpr):
    # Tutorial 04's low-memory dropout: philox random numbers.
    o = tl.arange(0, N)
    keep = tl.rand(seed, o) > p
    tl.store(Y + o, tl.where(keep, tl.load(X + o) / (1 - p), 0.0))


@triton.jit
def count_positive(X, C, N: tl.constexpr):
    # An atomic counter (tl.atomic_add, as in tutorial 05's locks).
    o = tl.program_id(0) * N + tl.arange(0, N)
    tl.atomic_add(C, tl.sum((tl.load(X + o) > 0).to(tl.int32), axis=0))


@triton.jit
def tile_copy_desc(X, Y, M: tl.constexpr, N: tl.constexpr):
    # Tensor descriptors: plain loads on sm_80 / gfx942; TMA on sm_90, its
    # tensor maps built on the device in global scratch.
    dx = tl.make_tensor_descriptor(X, shape=[M, N], strides=[N, 1], block_shape=[M, N])
    dy = tl.make_tensor_descriptor(Y, shape=[M, N], strides=[N, 1], block_shape=[M, N])
    dy.store([0, 0], dx.load([0, 0]))


ALIGNED = lambda *idx: {(i,): [["tt.divisibility", 16]] for i in idx}  # noqa: E731


def _softmax(rng):
    a = rng.standard_normal((7, 1000)).astype(np.float32)
    b = np.zeros_like(a)
    return 3, [b, a, 1000, 1000, 7, 1000], lambda: check_softmax(b, a)


def _row_sum(rng):
    x = rng.standard_normal((5, 256)).astype(np.float32)
    y = np.zeros(5, np.float32)
    return 1, [x, y, 5], lambda: np.testing.assert_allclose(y, x.sum(axis=1), rtol=1e-5, atol=1e-5)


def _grid_size(rng):
    y = np.full(6, -1, np.int32)
    return 5, [y], lambda: np.testing.assert_array_equal(y, [5, 5, 5, 5, 5, -1])


def _dropout(rng):
    x = (rng.standard_normal(256) + 3).astype(np.float32)  # (no zeros: a dropped element shows)
    y = np.full(256, np.nan, np.float32)
    p = 0.3

    def check():
        kept = y != 0
        np.testing.assert_array_equal(y[kept], x[kept] / np.float32(1 - p))
        assert 0.55 < kept.mean() < 0.85, kept.mean()  # each element kept with probability 0.7
    return 1, [x, y, p, 42], check


def _tile_copy_desc(rng):
    x = rng.standard_normal((16, 32)).astype(np.float32)
    y = np.zeros_like(x)
    return 1, [x, y], lambda: np.testing.assert_array_equal(y, x)


def _count_positive(rng):
    x = rng.standard_normal((3, 256)).astype(np.float32)
    c = np.zeros(1, np.int32)
    return 3, [x, c], lambda: np.testing.assert_array_equal(c, [(x > 0).sum()])


TUTORIALS = {
    "softmax_tutorial": (softmax_tutorial, {"output_ptr": "*fp32", "input_ptr": "*fp32", "input_row_stride": "i32",
                                            "output_row_stride": "i32", "n_rows": "i32", "n_cols": "i32"},
                         {"BLOCK_SIZE": 1024, "num_stages": 2}, ALIGNED(0, 1), _softmax),
    "row_sum_pipelined": (row_sum_pipelined, {"X": "*fp32", "Y": "*fp32", "n_rows": "i32"}, {"N": 256},
                          ALIGNED(0, 1), _row_sum),
    "grid_size": (grid_size, {"Y": "*i32"}, {}, ALIGNED(0), _grid_size),
    "dropout": (dropout, {"X": "*fp32", "Y": "*fp32", "p": "fp32", "seed": "i32"}, {"N": 256}, ALIGNED(0, 1),
                _dropout),
    "count_positive": (count_positive, {"X": "*fp32", "C": "*i32"}, {"N": 256}, ALIGNED(0, 1), _count_positive),
    "tile_copy_desc": (tile_copy_desc, {"X": "*fp32", "Y": "*fp32"}, {"M": 16, "N": 32}, ALIGNED(0, 1),
                       _tile_copy_desc),
}

# (kernel, signature, constexprs, the targets where it falls back, attributes)
UNSUPPORTED = {
    "tile_accumulate_desc": (tile_accumulate_desc, {"X": "*fp32", "Y": "*fp32"}, {"M": 16, "N": 32}, ("sm_90",),
                             ALIGNED(0, 1)),
}
