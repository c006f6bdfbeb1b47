#!/usr/bin/env python3
"""Collect a corpus of real ``ttg.convert_layout`` ops that Triton emits.

Compiles a set of small Triton kernels (matmul + epilogues, an attention
forward block, softmax, layer norm, transposes, reductions, 1D
slice/expand/broadcast patterns, dots of several block sizes and warp counts,
reshapes/joins/splits/permutes) for sm_80, sm_90 and gfx942 on the CPU
(``triton.compile`` needs no GPU), pulls every ``ttg.convert_layout`` out of
the final TTGIR with aliases fully expanded, deduplicates them, checks that
``linear_layouts.from_triton`` accepts both sides, and then measures Triton's
own cost for each conversion by compiling a one-conversion TTGIR kernel
(load in the source layout, convert, store) and reading its shared-memory
size and the shared-memory / shuffle / barrier instructions in the PTX or
AMDGCN.

Writes ``test/data/conversions.json``: a list, one object per line, with keys
``src``/``dst`` (layout attribute text, aliases fully expanded), ``shape``,
``dtype`` (MLIR element type, e.g. ``f16``, ``f8E4M3FN``), ``bitwidth``,
``target`` (``sm_80``/``sm_90``/``gfx942``), ``kernel`` (first kernel config
that emitted it), ``num_warps``, ``triton_scratch_bytes`` (the one-conversion
kernel's ``metadata.shared``), ``triton_instructions`` (static counts of
``ld.shared``/``st.shared``/``ldmatrix``/``stmatrix``/``shfl.sync``/
``bar.sync``/``bar.warp.sync`` in the PTX, or ``ds_read``/``ds_write``/
``ds_bpermute``/``ds_permute``/``ds_swizzle``/``v_permlane``/``s_barrier`` in
the AMDGCN) and ``triton_opcodes`` (the same instructions by full opcode);
the last three are null, with ``triton_measure_error``, when the measurement
fails. Deterministic; about a minute on 2 cores with a cold Triton cache.
Run manually (not a test):

    nice .venv/bin/python bench/collect_corpus.py [--out test/data/conversions.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import triton
import triton.language as tl
from triton.backends.compiler import GPUTarget
from triton.compiler import ASTSource

import linear_layouts as ll
from linear_layouts.ttgir import _balanced_attr

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {
    "sm_80": GPUTarget("cuda", 80, 32),
    "sm_90": GPUTarget("cuda", 90, 32),
    "gfx942": GPUTarget("hip", "gfx942", 64),
}


# --------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------


@triton.jit
def _act(x, ACT: tl.constexpr):
    if ACT == "relu":
        x = tl.maximum(x, 0.0)
    elif ACT == "gelu":
        x = 0.5 * x * (1.0 + tl.math.erf(x * 0.7071067811865476))
    elif ACT == "silu":
        x = x * tl.sigmoid(x)
    return x


@triton.jit
def matmul_kernel(A, B, C, Bias, M, N, K, stride_am, stride_bk, stride_cm,
                  BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr,
                  HAS_BIAS: tl.constexpr, ACT: tl.constexpr, INT_ACC: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    a_ptrs = A + rm[:, None] * stride_am + rk[None, :]
    b_ptrs = B + rk[:, None] * stride_bk + rn[None, :]
    if INT_ACC:
        acc = tl.zeros((BM, BN), dtype=tl.int32)
    else:
        acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k in range(0, K, BK):
        a = tl.load(a_ptrs, mask=rk[None, :] + k < K, other=0)
        b = tl.load(b_ptrs, mask=rk[:, None] + k < K, other=0)
        acc = tl.dot(a, b, acc, out_dtype=acc.dtype)
        a_ptrs += BK
        b_ptrs += BK * stride_bk
    acc = acc.to(tl.float32)
    if HAS_BIAS:
        bias = tl.load(Bias + rn, mask=rn < N, other=0.0).to(tl.float32)
        acc = acc + bias[None, :]
    acc = _act(acc, ACT)
    c_ptrs = C + rm[:, None] * stride_cm + rn[None, :]
    tl.store(c_ptrs, acc.to(C.dtype.element_ty), mask=(rm[:, None] < M) & (rn[None, :] < N))


@triton.jit
def dot_tile_kernel(A, B, C, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr,
                    TRANS_A: tl.constexpr, TRANS_B: tl.constexpr):
    """One tile, no loop: C = A @ B (optionally with transposed loads)."""
    rm = tl.arange(0, BM)
    rn = tl.arange(0, BN)
    rk = tl.arange(0, BK)
    if TRANS_A:
        a = tl.trans(tl.load(A + rk[:, None] * BM + rm[None, :]))
    else:
        a = tl.load(A + rm[:, None] * BK + rk[None, :])
    if TRANS_B:
        b = tl.trans(tl.load(B + rn[:, None] * BK + rk[None, :]))
    else:
        b = tl.load(B + rk[:, None] * BN + rn[None, :])
    c = tl.dot(a, b)
    tl.store(C + rm[:, None] * BN + rn[None, :], c.to(C.dtype.element_ty))


@triton.jit
def dot_chain_kernel(A, B, D, C, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, BD: tl.constexpr):
    """Back-to-back dots: C = (A @ B) @ D; the first result feeds the second as an operand."""
    rm = tl.arange(0, BM)
    rn = tl.arange(0, BN)
    rk = tl.arange(0, BK)
    rd = tl.arange(0, BD)
    a = tl.load(A + rm[:, None] * BK + rk[None, :])
    b = tl.load(B + rk[:, None] * BN + rn[None, :])
    d = tl.load(D + rn[:, None] * BD + rd[None, :])
    t = tl.dot(a, b).to(a.dtype)
    c = tl.dot(t, d)
    tl.store(C + rm[:, None] * BD + rd[None, :], c)


@triton.jit
def attn_fwd_kernel(Q, K, V, O, L, N_CTX, sm_scale,
                    BM: tl.constexpr, BN: tl.constexpr, HEAD: tl.constexpr):
    start_m = tl.program_id(0)
    offs_m = start_m * BM + tl.arange(0, BM)
    offs_n = tl.arange(0, BN)
    offs_d = tl.arange(0, HEAD)
    q = tl.load(Q + offs_m[:, None] * HEAD + offs_d[None, :])
    m_i = tl.zeros([BM], dtype=tl.float32) - float("inf")
    l_i = tl.zeros([BM], dtype=tl.float32) + 1.0
    acc = tl.zeros([BM, HEAD], dtype=tl.float32)
    qk_scale = sm_scale * 1.44269504
    for start_n in range(0, N_CTX, BN):
        k = tl.load(K + (start_n + offs_n)[None, :] * HEAD + offs_d[:, None])
        qk = tl.dot(q, k)
        m_ij = tl.maximum(m_i, tl.max(qk, 1) * qk_scale)
        qk = qk * qk_scale - m_ij[:, None]
        p = tl.math.exp2(qk)
        l_ij = tl.sum(p, 1)
        alpha = tl.math.exp2(m_i - m_ij)
        l_i = l_i * alpha + l_ij
        acc = acc * alpha[:, None]
        v = tl.load(V + (start_n + offs_n)[:, None] * HEAD + offs_d[None, :])
        acc = tl.dot(p.to(v.dtype), v, acc)
        m_i = m_ij
    acc = acc / l_i[:, None]
    tl.store(L + offs_m, m_i + tl.math.log2(l_i))
    tl.store(O + offs_m[:, None] * HEAD + offs_d[None, :], acc.to(O.dtype.element_ty))


@triton.jit
def softmax_kernel(X, Y, stride, n_cols, BM: tl.constexpr, BN: tl.constexpr):
    rows = tl.program_id(0) * BM + tl.arange(0, BM)
    cols = tl.arange(0, BN)
    mask = cols[None, :] < n_cols
    x = tl.load(X + rows[:, None] * stride + cols[None, :], mask=mask, other=-float("inf")).to(tl.float32)
    x = x - tl.max(x, axis=1)[:, None]
    num = tl.exp(x)
    den = tl.sum(num, axis=1)
    y = num / den[:, None]
    tl.store(Y + rows[:, None] * stride + cols[None, :], y.to(Y.dtype.element_ty), mask=mask)


@triton.jit
def layernorm_kernel(X, Y, W, Bias, Mean, Rstd, stride, N, eps, BM: tl.constexpr, BN: tl.constexpr):
    rows = tl.program_id(0) * BM + tl.arange(0, BM)
    cols = tl.arange(0, BN)
    mask = cols[None, :] < N
    x = tl.load(X + rows[:, None] * stride + cols[None, :], mask=mask, other=0.0).to(tl.float32)
    mean = tl.sum(x, axis=1) / N
    xc = tl.where(mask, x - mean[:, None], 0.0)
    var = tl.sum(xc * xc, axis=1) / N
    rstd = 1.0 / tl.sqrt(var + eps)
    w = tl.load(W + cols, mask=cols < N, other=1.0).to(tl.float32)
    b = tl.load(Bias + cols, mask=cols < N, other=0.0).to(tl.float32)
    y = xc * rstd[:, None] * w[None, :] + b[None, :]
    tl.store(Mean + rows, mean)
    tl.store(Rstd + rows, rstd)
    tl.store(Y + rows[:, None] * stride + cols[None, :], y.to(Y.dtype.element_ty), mask=mask)


@triton.jit
def transpose_kernel(X, Y, M: tl.constexpr, N: tl.constexpr):
    x = tl.load(X + tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :])
    tl.store(Y + tl.arange(0, N)[:, None] * M + tl.arange(0, M)[None, :], tl.trans(x))


@triton.jit
def transpose_add_kernel(X, Y, Z, M: tl.constexpr):
    """Z = X + X^T + Y (the transposed operand must meet the untransposed one)."""
    r = tl.arange(0, M)
    offs = r[:, None] * M + r[None, :]
    x = tl.load(X + offs)
    y = tl.load(Y + offs)
    tl.store(Z + offs, x + tl.trans(x) + y)


@triton.jit
def reduce_bcast_kernel(X, Y, R, M: tl.constexpr, N: tl.constexpr, AXIS: tl.constexpr, OP: tl.constexpr):
    offs = tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :]
    x = tl.load(X + offs)
    if OP == "sum":
        r = tl.sum(x, axis=AXIS)
    else:
        r = tl.max(x, axis=AXIS)
    y = x - tl.expand_dims(r, AXIS)
    tl.store(Y + offs, y)
    if AXIS == 0:
        tl.store(R + tl.arange(0, N), r)
    else:
        tl.store(R + tl.arange(0, M), r)


@triton.jit
def outer_kernel(A, B, Y, M: tl.constexpr, N: tl.constexpr):
    """1D loads broadcast into 2D: Y = A[:, None] * B[None, :] + row sums back into 1D."""
    a = tl.load(A + tl.arange(0, M))
    b = tl.load(B + tl.arange(0, N))
    y = a[:, None] * b[None, :]
    tl.store(Y + tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :], y)
    s = tl.sum(y, axis=1)
    tl.store(A + tl.arange(0, M), s + a)


@triton.jit
def col_stats_kernel(X, Y, M: tl.constexpr, N: tl.constexpr):
    """Reduce along both axes and combine the 1D results."""
    x = tl.load(X + tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :]).to(tl.float32)
    rmax = tl.max(x, axis=1)
    csum = tl.sum(x, axis=0)
    z = x / rmax[:, None] + csum[None, :]
    tl.store(Y + tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :], z.to(Y.dtype.element_ty))
    tl.store(Y + tl.arange(0, M), rmax.to(Y.dtype.element_ty))


@triton.jit
def cumsum_kernel(X, Y, M: tl.constexpr, N: tl.constexpr, AXIS: tl.constexpr):
    offs = tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :]
    x = tl.load(X + offs)
    tl.store(Y + offs, tl.cumsum(x, axis=AXIS))


@triton.jit
def join_split_kernel(X, Y, Z, M: tl.constexpr, N: tl.constexpr):
    """Interleave two tiles (join + reshape), then split them apart again."""
    offs = tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :]
    x = tl.load(X + offs)
    y = tl.load(Y + offs)
    j = tl.reshape(tl.join(x, y), (M, 2 * N))
    tl.store(Z + tl.arange(0, M)[:, None] * (2 * N) + tl.arange(0, 2 * N)[None, :], j)
    a, b = tl.split(tl.reshape(tl.load(Z + tl.arange(0, M)[:, None] * (2 * N) + tl.arange(0, 2 * N)[None, :]),
                               (M, N, 2)))
    tl.store(X + offs, a * 2)
    tl.store(Y + offs, b * 3)


@triton.jit
def permute3d_kernel(X, Y, A: tl.constexpr, B: tl.constexpr, C: tl.constexpr):
    ra = tl.arange(0, A)[:, None, None]
    rb = tl.arange(0, B)[None, :, None]
    rc = tl.arange(0, C)[None, None, :]
    x = tl.load(X + ra * (B * C) + rb * C + rc)
    y = tl.permute(x, (2, 0, 1))
    rc2 = tl.arange(0, C)[:, None, None]
    ra2 = tl.arange(0, A)[None, :, None]
    rb2 = tl.arange(0, B)[None, None, :]
    tl.store(Y + rc2 * (A * B) + ra2 * B + rb2, y)


@triton.jit
def reshape_kernel(X, Y, M: tl.constexpr, N: tl.constexpr):
    """A 2D tile reshaped to (M*N/64, 64) and reduced."""
    x = tl.load(X + tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :])
    y = tl.reshape(x, (M * N // 64, 64))
    s = tl.sum(y, axis=1)
    tl.store(Y + tl.arange(0, M * N // 64), s)


@triton.jit
def gather_kernel(X, I, Y, M: tl.constexpr, N: tl.constexpr):
    offs = tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :]
    x = tl.load(X + offs)
    idx = tl.load(I + offs)
    tl.store(Y + offs, tl.gather(x, idx, axis=1))


@triton.jit
def dot_epilogue_kernel(A, B, R, C, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr,
                        RESIDUAL: tl.constexpr, TRANS_OUT: tl.constexpr, ROWMAX: tl.constexpr):
    """One tile: C = A @ B (+ residual tile) (row-max normalised) stored plain or transposed."""
    rm = tl.arange(0, BM)
    rn = tl.arange(0, BN)
    rk = tl.arange(0, BK)
    a = tl.load(A + rm[:, None] * BK + rk[None, :])
    b = tl.load(B + rk[:, None] * BN + rn[None, :])
    c = tl.dot(a, b)
    if RESIDUAL:
        c += tl.load(R + rm[:, None] * BN + rn[None, :]).to(tl.float32)
    if ROWMAX:
        mx = tl.max(c, axis=1)
        c = c / mx[:, None]
        tl.store(R + rm, mx.to(R.dtype.element_ty))
    if TRANS_OUT:
        tl.store(C + rn[:, None] * BM + rm[None, :], tl.trans(c).to(C.dtype.element_ty))
    else:
        tl.store(C + rm[:, None] * BN + rn[None, :], c.to(C.dtype.element_ty))


@triton.jit
def interleave_kernel(X, Y, Z, M: tl.constexpr, N: tl.constexpr):
    offs = tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :]
    z = tl.interleave(tl.load(X + offs), tl.load(Y + offs))
    tl.store(Z + tl.arange(0, M)[:, None] * (2 * N) + tl.arange(0, 2 * N)[None, :], z)


# --------------------------------------------------------------------------
# Configurations
# --------------------------------------------------------------------------

_ELT = {"f16": "*fp16", "bf16": "*bf16", "f32": "*fp32", "i8": "*i8", "i32": "*i32",
        "e4m3": "*fp8e4nv", "e5m2": "*fp8e5", "e4m3fnuz": "*fp8e4b8"}


def _fp8_out(target):
    # fp8e4nv needs sm_89+; gfx942 uses the fnuz flavour.
    return {"sm_80": "e5m2", "sm_90": "e4m3", "gfx942": "e4m3fnuz"}[target]


def configs(target):
    """Yield (label, fn, signature, constexprs, num_warps) for one target."""
    # matmul + epilogue
    mm = [
        # (in, out, BM, BN, BK, warps, bias, act)
        ("f16", "f16", 128, 128, 32, 4, True, "relu"),
        ("f16", "f32", 64, 64, 32, 4, False, ""),
        ("bf16", "bf16", 128, 64, 64, 8, True, "gelu"),
        ("f16", "fp8", 64, 128, 32, 4, True, "silu"),
        ("f16", "f16", 32, 32, 32, 2, True, ""),
        ("f16", "f16", 16, 16, 16, 1, False, "relu"),
        ("f32", "f32", 64, 64, 16, 4, True, ""),
        ("i8", "i32", 64, 64, 64, 4, False, ""),
        ("f16", "f16", 256, 128, 32, 8, True, ""),
    ]
    for ti, to, bm, bn, bk, w, bias, act in mm:
        to = _fp8_out(target) if to == "fp8" else to
        sig = {"A": _ELT[ti], "B": _ELT[ti], "C": _ELT[to], "Bias": "*fp32",
               "M": "i32", "N": "i32", "K": "i32", "stride_am": "i32", "stride_bk": "i32", "stride_cm": "i32",
               "BM": "constexpr", "BN": "constexpr", "BK": "constexpr", "HAS_BIAS": "constexpr", "ACT": "constexpr",
               "INT_ACC": "constexpr"}
        cx = {"BM": bm, "BN": bn, "BK": bk, "HAS_BIAS": bias, "ACT": act, "INT_ACC": ti == "i8"}
        yield (f"matmul_{ti}_{to}_{bm}x{bn}x{bk}_w{w}{'_bias' if bias else ''}{'_' + act if act else ''}",
               matmul_kernel, sig, cx, w)

    # single-tile dots, many block sizes / warp counts, transposed operands
    dots = [
        ("f16", "f32", 16, 16, 16, 1, False, False),
        ("f16", "f16", 32, 32, 16, 1, False, True),
        ("f16", "f32", 32, 64, 32, 2, True, False),
        ("f16", "f16", 64, 32, 32, 2, False, False),
        ("f16", "f32", 64, 64, 64, 4, True, True),
        ("bf16", "f32", 128, 64, 32, 4, False, True),
        ("f16", "f32", 128, 128, 64, 8, False, False),
        ("f16", "f16", 64, 128, 16, 8, True, False),
        ("f32", "f32", 32, 32, 32, 4, False, False),
        ("i8", "i32", 64, 64, 32, 4, False, True),
        ("i8", "i32", 32, 64, 64, 2, False, False),
        (_fp8_out(target), "f32", 64, 64, 32, 4, False, True),
    ]
    for ti, to, bm, bn, bk, w, ta, tb in dots:
        sig = {"A": _ELT[ti], "B": _ELT[ti], "C": _ELT[to],
               "BM": "constexpr", "BN": "constexpr", "BK": "constexpr", "TRANS_A": "constexpr", "TRANS_B": "constexpr"}
        cx = {"BM": bm, "BN": bn, "BK": bk, "TRANS_A": ta, "TRANS_B": tb}
        yield (f"dot_{ti}_{to}_{bm}x{bn}x{bk}_w{w}{'_tA' if ta else ''}{'_tB' if tb else ''}",
               dot_tile_kernel, sig, cx, w)

    for ti, bm, bn, bk, bd, w in [("f16", 64, 64, 32, 64, 4), ("f16", 32, 32, 16, 32, 1),
                                   ("bf16", 128, 64, 64, 64, 8), ("f16", 64, 32, 64, 64, 2)]:
        sig = {"A": _ELT[ti], "B": _ELT[ti], "D": _ELT[ti], "C": "*fp32",
               "BM": "constexpr", "BN": "constexpr", "BK": "constexpr", "BD": "constexpr"}
        yield (f"dot_chain_{ti}_{bm}x{bn}x{bk}x{bd}_w{w}", dot_chain_kernel, sig,
               {"BM": bm, "BN": bn, "BK": bk, "BD": bd}, w)

    # attention forward
    for dt, bm, bn, hd, w in [("f16", 128, 64, 64, 4), ("f16", 64, 64, 64, 4), ("bf16", 128, 128, 128, 8),
                              ("f16", 64, 32, 32, 2), ("f16", 16, 16, 16, 1)]:
        sig = {"Q": _ELT[dt], "K": _ELT[dt], "V": _ELT[dt], "O": _ELT[dt], "L": "*fp32",
               "N_CTX": "i32", "sm_scale": "fp32", "BM": "constexpr", "BN": "constexpr", "HEAD": "constexpr"}
        yield (f"attn_fwd_{dt}_{bm}x{bn}_d{hd}_w{w}", attn_fwd_kernel, sig, {"BM": bm, "BN": bn, "HEAD": hd}, w)

    # softmax / layer norm
    for dt, bm, bn, w in [("f16", 1, 1024, 4), ("f32", 4, 256, 4), ("bf16", 16, 128, 8), ("f16", 2, 64, 1),
                          ("f32", 32, 32, 2)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "stride": "i32", "n_cols": "i32", "BM": "constexpr", "BN": "constexpr"}
        yield (f"softmax_{dt}_{bm}x{bn}_w{w}", softmax_kernel, sig, {"BM": bm, "BN": bn}, w)
    for dt, bm, bn, w in [("f16", 1, 1024, 4), ("f32", 8, 256, 8), ("bf16", 4, 128, 2), ("f16", 16, 64, 4)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "W": _ELT[dt], "Bias": _ELT[dt], "Mean": "*fp32", "Rstd": "*fp32",
               "stride": "i32", "N": "i32", "eps": "fp32", "BM": "constexpr", "BN": "constexpr"}
        yield (f"layernorm_{dt}_{bm}x{bn}_w{w}", layernorm_kernel, sig, {"BM": bm, "BN": bn}, w)

    # transposes
    for dt, m, n, w in [("f32", 64, 64, 4), ("f16", 64, 64, 4), ("i8", 64, 64, 4), ("f32", 32, 128, 8),
                        ("f16", 128, 32, 2), ("i8", 128, 128, 8), ("f16", 16, 16, 1), ("f32", 32, 32, 1),
                        ("i8", 32, 64, 2)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "M": "constexpr", "N": "constexpr"}
        yield (f"transpose_{dt}_{m}x{n}_w{w}", transpose_kernel, sig, {"M": m, "N": n}, w)
    for dt, m, w in [("f32", 64, 4), ("f16", 32, 2), ("i8", 128, 8)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "Z": _ELT[dt], "M": "constexpr"}
        yield (f"transpose_add_{dt}_{m}_w{w}", transpose_add_kernel, sig, {"M": m}, w)

    # reductions followed by a broadcast back
    for dt, m, n, axis, op, w in [("f32", 64, 64, 0, "sum", 4), ("f32", 64, 64, 1, "max", 4),
                                  ("f16", 32, 128, 0, "max", 2), ("f16", 128, 32, 1, "sum", 8),
                                  ("i32", 16, 64, 0, "sum", 1), ("i32", 256, 16, 1, "max", 4)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "R": _ELT[dt], "M": "constexpr", "N": "constexpr",
               "AXIS": "constexpr", "OP": "constexpr"}
        yield (f"reduce_{op}_ax{axis}_{dt}_{m}x{n}_w{w}", reduce_bcast_kernel, sig,
               {"M": m, "N": n, "AXIS": axis, "OP": op}, w)

    # 1D slices / expand_dims / broadcast
    for dt, m, n, w in [("f32", 64, 64, 4), ("f16", 128, 32, 4), ("f32", 32, 256, 8), ("f32", 16, 16, 1)]:
        sig = {"A": _ELT[dt], "B": _ELT[dt], "Y": _ELT[dt], "M": "constexpr", "N": "constexpr"}
        yield (f"outer_{dt}_{m}x{n}_w{w}", outer_kernel, sig, {"M": m, "N": n}, w)
    for dt, m, n, w in [("f16", 64, 128, 4), ("f32", 128, 64, 8), ("f32", 32, 32, 2)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "M": "constexpr", "N": "constexpr"}
        yield (f"col_stats_{dt}_{m}x{n}_w{w}", col_stats_kernel, sig, {"M": m, "N": n}, w)

    # scans, join/split, permute, reshape, gather
    for dt, m, n, axis, w in [("f32", 64, 64, 0, 4), ("i32", 32, 128, 1, 4), ("f32", 128, 16, 0, 2)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "M": "constexpr", "N": "constexpr", "AXIS": "constexpr"}
        yield (f"cumsum_ax{axis}_{dt}_{m}x{n}_w{w}", cumsum_kernel, sig, {"M": m, "N": n, "AXIS": axis}, w)
    for dt, m, n, w in [("f16", 64, 32, 4), ("f32", 32, 64, 2)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "Z": _ELT[dt], "M": "constexpr", "N": "constexpr"}
        yield (f"join_split_{dt}_{m}x{n}_w{w}", join_split_kernel, sig, {"M": m, "N": n}, w)
    for dt, a, b, c, w in [("f32", 8, 16, 32, 4), ("f16", 16, 16, 16, 2), ("i8", 4, 32, 64, 8)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "A": "constexpr", "B": "constexpr", "C": "constexpr"}
        yield (f"permute3d_{dt}_{a}x{b}x{c}_w{w}", permute3d_kernel, sig, {"A": a, "B": b, "C": c}, w)
    for dt, m, n, w in [("f32", 32, 128, 4), ("f16", 128, 32, 2)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "M": "constexpr", "N": "constexpr"}
        yield (f"reshape_{dt}_{m}x{n}_w{w}", reshape_kernel, sig, {"M": m, "N": n}, w)
    for dt, m, n, w in [("f32", 32, 64, 4), ("f16", 64, 32, 2)]:
        sig = {"X": _ELT[dt], "I": "*i32", "Y": _ELT[dt], "M": "constexpr", "N": "constexpr"}
        yield (f"gather_{dt}_{m}x{n}_w{w}", gather_kernel, sig, {"M": m, "N": n}, w)

    # single-tile dots with 2D epilogues (residual tile, row max, transposed store)
    for ti, to, bm, bn, bk, w, res, tr, rmax in [
            ("f16", "f16", 64, 64, 32, 4, True, False, False), ("f16", "f32", 128, 64, 32, 4, False, True, False),
            ("bf16", "bf16", 64, 128, 64, 8, True, True, True), ("f16", "f16", 32, 32, 32, 2, False, False, True),
            ("f16", "f32", 16, 32, 16, 1, True, True, False), ("i8", "i32", 64, 64, 64, 4, False, True, False)]:
        sig = {"A": _ELT[ti], "B": _ELT[ti], "R": _ELT[to], "C": _ELT[to], "BM": "constexpr", "BN": "constexpr",
               "BK": "constexpr", "RESIDUAL": "constexpr", "TRANS_OUT": "constexpr", "ROWMAX": "constexpr"}
        cx = {"BM": bm, "BN": bn, "BK": bk, "RESIDUAL": res, "TRANS_OUT": tr, "ROWMAX": rmax}
        yield (f"dot_epi_{ti}_{to}_{bm}x{bn}x{bk}_w{w}{'_res' if res else ''}{'_rowmax' if rmax else ''}"
               f"{'_transout' if tr else ''}", dot_epilogue_kernel, sig, cx, w)

    # interleave
    for dt, m, n, w in [("f16", 32, 64, 4), ("i8", 64, 64, 8)]:
        sig = {"X": _ELT[dt], "Y": _ELT[dt], "Z": _ELT[dt], "M": "constexpr", "N": "constexpr"}
        yield (f"interleave_{dt}_{m}x{n}_w{w}", interleave_kernel, sig, {"M": m, "N": n}, w)


# --------------------------------------------------------------------------
# TTGIR scanning
# --------------------------------------------------------------------------

_ALIAS_LINE = re.compile(r"^(#[A-Za-z_][\w$.-]*)\s*=\s*(#(?:ttg|triton_gpu)\.\w+<.*>)\s*$", re.M)
_ALIAS_REF = re.compile(r"#[A-Za-z_][\w$.-]*")
_CVT = re.compile(r"ttg\.convert_layout\s+%[\w.#-]+\s*:\s*(tensor<.*?)\s*->\s*(tensor<.*)$")


def expand_aliases(text, aliases):
    """Replace every ``#alias`` in ``text`` by its definition, recursively."""
    for _ in range(16):
        new = _ALIAS_REF.sub(lambda m: aliases.get(m.group(0), m.group(0)), text)
        if new == text:
            return new
        text = new
    raise ValueError(f"alias expansion does not terminate: {text}")


def _split_tensor_type(ty):
    """``tensor<64x32xf16, #attr>`` -> ([64, 32], 'f16', '#attr')."""
    if not ty.startswith("tensor<"):
        raise ValueError(f"not a tensor type: {ty}")
    body = ty[len("tensor<"):]
    m = re.match(r"((?:\d+x)*\d+)x", body)
    if not m:
        raise ValueError(f"cannot parse shape: {ty}")
    shape = [int(x) for x in m.group(1).split("x")]
    rest = body[m.end():]
    # element type: up to the top-level comma
    depth, i = 0, 0
    while i < len(rest):
        ch = rest[i]
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "," and depth == 0:
            break
        i += 1
    elt = rest[:i].strip()
    attr_start = rest.index("#", i)
    attr = _balanced_attr(rest, attr_start)
    return shape, elt, attr


def extract_converts(ttgir):
    aliases = {m.group(1): m.group(2) for m in _ALIAS_LINE.finditer(ttgir)}
    # aliases may refer to other aliases (parent = #mma)
    aliases = {k: expand_aliases(v, aliases) for k, v in aliases.items()}
    out = []
    for line in ttgir.splitlines():
        if "ttg.convert_layout" not in line:
            continue
        line = re.sub(r"\s+loc\(.*\)\s*$", "", line.strip())
        m = _CVT.search(line)
        if not m:
            raise ValueError(f"cannot parse convert_layout line: {line}")
        s_shape, s_elt, s_attr = _split_tensor_type(m.group(1))
        d_shape, d_elt, d_attr = _split_tensor_type(m.group(2))
        assert s_shape == d_shape and s_elt == d_elt, line
        out.append((expand_aliases(s_attr, aliases), expand_aliases(d_attr, aliases), s_shape, s_elt))
    return out


def bitwidth(elt):
    if elt.startswith("!tt.ptr"):
        return 64
    if elt in ("f16", "bf16"):
        return 16
    if elt.startswith("f8") or elt == "i8":
        return 8
    m = re.fullmatch(r"[if](\d+)", elt)
    if m:
        return int(m.group(1))
    raise ValueError(f"unknown element type {elt}")


# --------------------------------------------------------------------------
# Measuring one conversion
# --------------------------------------------------------------------------


def _slice_to_dim(attr, rank, d):
    """Nested slice of ``attr`` (rank ``rank``) that keeps only dim ``d``."""
    cur, dims = attr, list(range(rank))
    for k in reversed(range(rank)):
        if k == d:
            continue
        pos = dims.index(k)
        cur = f"#ttg.slice<{{dim = {pos}, parent = {cur}}}>"
        dims.pop(pos)
    return cur


def _offsets(attr, shape, name, lines):
    """Emit ops computing row-major offsets of a tensor of ``shape`` in ``attr``; returns the SSA name."""
    rank = len(shape)
    full = "x".join(map(str, shape))
    acc = None
    stride = 1
    for d in reversed(range(rank)):
        lay = _slice_to_dim(attr, rank, d)
        v = f"%{name}_r{d}"
        lines.append(f"{v} = tt.make_range {{end = {shape[d]} : i32, start = 0 : i32}} : tensor<{shape[d]}xi32, {lay}>")
        cur_shape = [shape[d]]
        cur_dims = [d]
        # expand back in increasing dim order (mirrors _slice_to_dim)
        for k in range(rank):
            if k == d:
                continue
            pos = sum(1 for x in cur_dims if x < k)
            new_dims = sorted(cur_dims + [k])
            new_shape = [shape[x] if x == d else 1 for x in new_dims]
            # layout of the result: slice of attr keeping new_dims
            lay_new = attr
            dims = list(range(rank))
            for kk in reversed(range(rank)):
                if kk in new_dims:
                    continue
                p = dims.index(kk)
                lay_new = f"#ttg.slice<{{dim = {p}, parent = {lay_new}}}>"
                dims.pop(p)
            src_ty = f"tensor<{'x'.join(map(str, cur_shape))}xi32, {lay}>"
            dst_ty = f"tensor<{'x'.join(map(str, new_shape))}xi32, {lay_new}>"
            nv = f"{v}e{k}"
            lines.append(f"{nv} = tt.expand_dims {v} {{axis = {pos} : i32}} : {src_ty} -> {dst_ty}")
            v, lay, cur_shape, cur_dims = nv, lay_new, new_shape, new_dims
        if rank > 1:
            nv = f"{v}b"
            lines.append(f"{nv} = tt.broadcast {v} : tensor<{'x'.join(map(str, cur_shape))}xi32, {attr}> -> tensor<{full}xi32, {attr}>")
            v = nv
        if stride != 1:
            c = f"%{name}_s{d}"
            lines.append(f"{c} = arith.constant dense<{stride}> : tensor<{full}xi32, {attr}>")
            lines.append(f"{v}m = arith.muli {v}, {c} : tensor<{full}xi32, {attr}>")
            v = f"{v}m"
        if acc is None:
            acc = v
        else:
            lines.append(f"%{name}_acc{d} = arith.addi {acc}, {v} : tensor<{full}xi32, {attr}>")
            acc = f"%{name}_acc{d}"
        stride *= shape[d]
    return acc


def one_convert_ttgir(src, dst, shape, elt, target, num_warps):
    tgt = TARGETS[target]
    tstr = f"cuda:{tgt.arch}" if tgt.backend == "cuda" else f"hip:{tgt.arch}"
    full = "x".join(map(str, shape))
    is_ptr = elt.startswith("!tt.ptr")
    is_i1 = elt == "i1"
    mem = "i8" if is_i1 else ("i64" if is_ptr else elt)
    lines = []
    so = _offsets(src, shape, "so", lines)
    do = _offsets(dst, shape, "do", lines)
    T = lambda e, a: f"tensor<{full}x{e}, {a}>"  # noqa: E731
    P = lambda e, a: f"tensor<{full}x!tt.ptr<{e}>, {a}>"  # noqa: E731
    if is_ptr:
        # convert a tensor of pointers: build it in src, convert, load in dst
        lines += [
            f"%xp = tt.splat %X : !tt.ptr<i64> -> {P('i64', src)}",
            f"%xa = tt.addptr %xp, {so} : {P('i64', src)}, {T('i32', src)}",
            f"%xc = ttg.convert_layout %xa : {P('i64', src)} -> {P('i64', dst)}",
            f"%x = tt.load %xc : {P('i64', dst)}",
            f"%yp = tt.splat %Y : !tt.ptr<i64> -> {P('i64', dst)}",
            f"%ya = tt.addptr %yp, {do} : {P('i64', dst)}, {T('i32', dst)}",
            f"tt.store %ya, %x : {P('i64', dst)}",
        ]
    else:
        lines += [
            f"%xp = tt.splat %X : !tt.ptr<{mem}> -> {P(mem, src)}",
            f"%xa = tt.addptr %xp, {so} : {P(mem, src)}, {T('i32', src)}",
            f"%x = tt.load %xa : {P(mem, src)}",
        ]
        v = "%x"
        if is_i1:
            lines += [f"%z = arith.constant dense<0> : {T('i8', src)}",
                      f"%xb = arith.cmpi ne, %x, %z : {T('i8', src)}"]
            v = "%xb"
        lines.append(f"%c = ttg.convert_layout {v} : {T(elt, src)} -> {T(elt, dst)}")
        v = "%c"
        if is_i1:
            lines.append(f"%ce = arith.extui %c : {T('i1', dst)} to {T('i8', dst)}")
            v = "%ce"
        lines += [
            f"%yp = tt.splat %Y : !tt.ptr<{mem}> -> {P(mem, dst)}",
            f"%ya = tt.addptr %yp, {do} : {P(mem, dst)}, {T('i32', dst)}",
            f"tt.store %ya, {v} : {P(mem, dst)}",
        ]
    body = "\n    ".join(lines)
    return (
        f'module attributes {{"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = {num_warps} : i32, '
        f'ttg.target = "{tstr}", "ttg.threads-per-warp" = {tgt.warp_size} : i32}} {{\n'
        f"  tt.func public @cvt(%X: !tt.ptr<{mem}> {{tt.divisibility = 16 : i32}}, "
        f"%Y: !tt.ptr<{mem}> {{tt.divisibility = 16 : i32}}) {{\n"
        f"    {body}\n"
        f"    tt.return\n  }}\n}}\n"
    )


_NV_OPS = [("ld.shared", r"ld\.shared"), ("st.shared", r"st\.shared"), ("ldmatrix", r"ldmatrix"),
           ("stmatrix", r"stmatrix"), ("shfl.sync", r"shfl\.sync"), ("bar.sync", r"(?:bar|barrier)\.(?:cta\.)?sync"),
           ("bar.warp.sync", r"bar\.warp\.sync")]
_AMD_OPS = [("ds_read", r"ds_read"), ("ds_write", r"ds_write"), ("ds_bpermute", r"ds_bpermute"),
            ("ds_permute", r"ds_permute"), ("ds_swizzle", r"ds_swizzle"), ("v_permlane", r"v_permlane"),
            ("s_barrier", r"s_barrier")]


def count_instructions(asm, amd):
    ops = _AMD_OPS if amd else _NV_OPS
    counts = {k: 0 for k, _ in ops}
    opcodes = {}
    for line in asm.splitlines():
        s = line.strip()
        if not s or s.startswith(("//", ";", ".", "@@")):
            continue
        if s.startswith("@"):  # predicated PTX instruction
            s = s.split(None, 1)[1] if " " in s or "\t" in s else s
        mnem = s.split()[0].rstrip(";")
        for k, pat in ops:
            if re.match(pat, mnem):
                counts[k] += 1
                opcodes[mnem] = opcodes.get(mnem, 0) + 1
                break
    return counts, dict(sorted(opcodes.items()))


def measure(entry, tmpdir):
    tgt = TARGETS[entry["target"]]
    text = one_convert_ttgir(entry["src"], entry["dst"], entry["shape"], entry["dtype"], entry["target"],
                             entry["num_warps"])
    path = os.path.join(tmpdir, "cvt.ttgir")
    with open(path, "w") as f:
        f.write(text)
    k = triton.compile(path, target=tgt)
    amd = tgt.backend == "hip"
    asm = k.asm["amdgcn" if amd else "ptx"]
    counts, opcodes = count_instructions(asm, amd)
    # the one-conversion kernel must still contain exactly our conversion
    if "ttg.convert_layout" not in text:
        raise AssertionError("no conversion in the measurement kernel")
    return int(k.metadata.shared), counts, opcodes


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def collect(targets, only=None, verbose=False):
    entries, index = [], {}
    ncompiled = nfailed = 0
    for tname in targets:
        tgt = TARGETS[tname]
        for label, fn, sig, cx, w in configs(tname):
            if only and not re.search(only, label):
                continue
            try:
                k = triton.compile(ASTSource(fn=fn, signature=sig, constexprs=cx), target=tgt,
                                   options={"num_warps": w})
            except Exception as e:  # noqa: BLE001
                nfailed += 1
                msg = str(e).strip().splitlines()
                print(f"  skip {tname} {label}: {type(e).__name__}: {msg[-1] if msg else ''}"[:300])
                continue
            ncompiled += 1
            cvts = extract_converts(k.asm["ttgir"])
            if verbose:
                print(f"  {tname} {label}: {len(cvts)} convert_layout")
            for src, dst, shape, elt in cvts:
                key = (src, dst, tuple(shape), elt, tname)
                if key in index:
                    continue
                try:
                    ll.from_triton(src, shape)
                    ll.from_triton(dst, shape)
                except Exception as e:  # noqa: BLE001
                    print(f"  drop {tname} {label} {shape} {elt}: from_triton: {e}"[:400])
                    index[key] = None
                    continue
                index[key] = len(entries)
                entries.append({"src": src, "dst": dst, "shape": list(shape), "dtype": elt,
                                "bitwidth": bitwidth(elt), "target": tname, "kernel": label, "num_warps": w})
    print(f"compiled {ncompiled} kernels ({nfailed} skipped), {len(entries)} distinct conversions")
    return entries


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "test" / "data" / "conversions.json"))
    ap.add_argument("--targets", default=",".join(TARGETS))
    ap.add_argument("--only", default=None, help="regex on kernel labels")
    ap.add_argument("--no-measure", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.time()
    entries = collect(args.targets.split(","), args.only, args.verbose)
    nmeas = 0
    with tempfile.TemporaryDirectory() as tmp:
        for e in entries:
            e["triton_scratch_bytes"] = None
            e["triton_instructions"] = None
            if args.no_measure:
                e["triton_measure_error"] = "not measured (--no-measure)"
                continue
            try:
                shared, counts, opcodes = measure(e, tmp)
            except Exception as ex:  # noqa: BLE001
                msg = str(ex).strip().splitlines()
                e["triton_measure_error"] = f"{type(ex).__name__}: {msg[-1] if msg else ''}"[:300]
                print(f"  measure failed {e['target']} {e['kernel']} {e['shape']} {e['dtype']}: "
                      f"{e['triton_measure_error']}")
                continue
            e["triton_scratch_bytes"] = shared
            e["triton_instructions"] = counts
            e["triton_opcodes"] = opcodes
            nmeas += 1
    order = {t: i for i, t in enumerate(TARGETS)}
    entries.sort(key=lambda e: (order[e["target"]], e["kernel"], e["src"], e["dst"], e["shape"], e["dtype"]))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w") as f:
        # one entry per line: compact and diff-friendly
        f.write("[\n" + ",\n".join(json.dumps(e) for e in entries) + "\n]\n")
    per = {t: sum(e["target"] == t for e in entries) for t in TARGETS}
    print(f"wrote {len(entries)} entries to {args.out}: {per}; {nmeas} measured; {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
