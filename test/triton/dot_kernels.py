"""Tensor-core kernels (``tl.dot``) and numpy references: the corpus of
Triton's own tensor-core code in the emulator (step 9) and of our tensor-core
lowering (step 11). Written as users write them (Triton's tutorial 03 and
06 shapes), not around an implementation.

Each entry of DOT_KERNELS has the layout of kernels.KERNELS: (kernel,
signature, constexprs, num_warps, grid, make(rng) -> (args, check)), plus
the targets Triton compiles it for.

Inputs are chosen so that the references are exact where the arithmetic
allows it: small multiples of a power of two, whose products and sums every
accumulation order represents exactly in fp32 (int8: exactly in int32) --
a wrong element, a wrong fragment or a wrong order of K blocks shows as a
wrong bit, not as a tolerance question. tf32 and attention take random
normal data and state their tolerances.
"""

from __future__ import annotations

import numpy as np
import triton
import triton.language as tl


@triton.jit
def matmul(A, B, C, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr,
           BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    # Tutorial 03's loop, row-major A (M x K), B (K x N), C (M x N).
    rm = tl.program_id(0) * BM + tl.arange(0, BM)
    rn = tl.program_id(1) * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), dtype=C.dtype.element_ty)
    for k in range(0, K, BK):
        a = tl.load(A + rm[:, None] * K + (k + rk)[None, :])
        b = tl.load(B + (k + rk)[:, None] * N + rn[None, :])
        acc = tl.dot(a, b, acc, out_dtype=C.dtype.element_ty)
    tl.store(C + rm[:, None] * N + rn[None, :], acc)


@triton.jit
def leaky_relu(x):
    return tl.where(x >= 0, x, 0.01 * x)


@triton.jit
def matmul_tutorial(a_ptr, b_ptr, c_ptr, M, N, K, stride_am, stride_ak, stride_bk, stride_bn, stride_cm,
                    stride_cn, BLOCK_SIZE_M: tl.constexpr, BLOCK_SIZE_N: tl.constexpr, BLOCK_SIZE_K: tl.constexpr,
                    GROUP_SIZE_M: tl.constexpr, ACTIVATION: tl.constexpr):
    # Tutorial 03 as published: grouped program ids for L2 reuse, masks on
    # K (the last K block is partial), a leaky-ReLU epilogue, fp16 output.
    pid = tl.program_id(axis=0)
    num_pid_m = tl.cdiv(M, BLOCK_SIZE_M)
    num_pid_n = tl.cdiv(N, BLOCK_SIZE_N)
    num_pid_in_group = GROUP_SIZE_M * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * GROUP_SIZE_M
    group_size_m = min(num_pid_m - first_pid_m, GROUP_SIZE_M)
    pid_m = first_pid_m + ((pid % num_pid_in_group) % group_size_m)
    pid_n = (pid % num_pid_in_group) // group_size_m
    offs_am = (pid_m * BLOCK_SIZE_M + tl.arange(0, BLOCK_SIZE_M)) % M
    offs_bn = (pid_n * BLOCK_SIZE_N + tl.arange(0, BLOCK_SIZE_N)) % N
    offs_k = tl.arange(0, BLOCK_SIZE_K)
    a_ptrs = a_ptr + (offs_am[:, None] * stride_am + offs_k[None, :] * stride_ak)
    b_ptrs = b_ptr + (offs_k[:, None] * stride_bk + offs_bn[None, :] * stride_bn)
    accumulator = tl.zeros((BLOCK_SIZE_M, BLOCK_SIZE_N), dtype=tl.float32)
    for k in range(0, tl.cdiv(K, BLOCK_SIZE_K)):
        a = tl.load(a_ptrs, mask=offs_k[None, :] < K - k * BLOCK_SIZE_K, other=0.0)
        b = tl.load(b_ptrs, mask=offs_k[:, None] < K - k * BLOCK_SIZE_K, other=0.0)
        accumulator = tl.dot(a, b, accumulator)
        a_ptrs += BLOCK_SIZE_K * stride_ak
        b_ptrs += BLOCK_SIZE_K * stride_bk
    if ACTIVATION == "leaky_relu":
        accumulator = leaky_relu(accumulator)
    c = accumulator.to(tl.float16)
    offs_cm = pid_m * BLOCK_SIZE_M + tl.arange(0, BLOCK_SIZE_M)
    offs_cn = pid_n * BLOCK_SIZE_N + tl.arange(0, BLOCK_SIZE_N)
    c_ptrs = c_ptr + stride_cm * offs_cm[:, None] + stride_cn * offs_cn[None, :]
    c_mask = (offs_cm[:, None] < M) & (offs_cn[None, :] < N)
    tl.store(c_ptrs, c, mask=c_mask)


@triton.jit
def mxfp4_matmul(A, S, B, C, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    # An MXFP4 x bf16 dot: A packs two e2m1 values per byte (low nibble
    # first along K), S holds one e8m0 scale per 32 of A's K elements.
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    a = tl.load(A + rm[:, None] * (K // 2) + tl.arange(0, K // 2)[None, :])
    s = tl.load(S + rm[:, None] * (K // 32) + tl.arange(0, K // 32)[None, :])
    b = tl.load(B + tl.arange(0, K)[:, None] * N + rn[None, :])
    tl.store(C + rm[:, None] * N + rn[None, :], tl.dot_scaled(a, s, "e2m1", b, None, "bf16"))


@triton.jit
def matmul_f16_i8(A, B, C, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    # Weight-only quantization: f16 activations times int8 weights, the
    # weights upcast in registers before the dot.
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    rk = tl.arange(0, K)
    a = tl.load(A + rm[:, None] * K + rk[None, :])
    b = tl.load(B + rk[:, None] * N + rn[None, :]).to(tl.float16)
    tl.store(C + rm[:, None] * N + rn[None, :], tl.dot(a, b))


@triton.jit
def mxfp8_matmul(A, S, B, C, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    # An MXFP8 (e4m3) x bf16 dot: one e8m0 scale per 32 of A's K elements.
    # On gfx942 Triton converts A to bf16 and scales it (amdg.upcast_mxfp of
    # e4m3; 3.9: amdg.scaled_upcast_fp8).
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    a = tl.load(A + rm[:, None] * K + tl.arange(0, K)[None, :])
    s = tl.load(S + rm[:, None] * (K // 32) + tl.arange(0, K // 32)[None, :])
    b = tl.load(B + tl.arange(0, K)[:, None] * N + rn[None, :])
    tl.store(C + rm[:, None] * N + rn[None, :], tl.dot_scaled(a, s, "e4m3", b, None, "bf16"))


@triton.jit
def matmul_ieee(A, B, C, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    rk = tl.arange(0, K)
    a = tl.load(A + rm[:, None] * K + rk[None, :])
    b = tl.load(B + rk[:, None] * N + rn[None, :])
    tl.store(C + rm[:, None] * N + rn[None, :], tl.dot(a, b, input_precision="ieee"))


@triton.jit
def matmul_split(A, B, C, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr, P: tl.constexpr):
    # fp32 accuracy from tensor cores: P = "tf32x3" (NVIDIA) or "bf16x3"
    # (AMD) splits each input into a big and a small part and sums three dots.
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    rk = tl.arange(0, K)
    a = tl.load(A + rm[:, None] * K + rk[None, :])
    b = tl.load(B + rk[:, None] * N + rn[None, :])
    tl.store(C + rm[:, None] * N + rn[None, :], tl.dot(a, b, input_precision=P))


@triton.jit
def matmul_bt(A, B, C, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    # B stored N x K (a linear layer's weight): the dot of tl.trans(b).
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    rk = tl.arange(0, K)
    a = tl.load(A + rm[:, None] * K + rk[None, :])
    b = tl.load(B + rn[:, None] * K + rk[None, :])
    tl.store(C + rm[:, None] * N + rn[None, :], tl.dot(a, tl.trans(b)))


@triton.jit
def bmm(A, B, C, G: tl.constexpr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr):
    # A batched (3-D) dot: G independent M x K times K x N products.
    g = tl.arange(0, G)[:, None, None]
    rm = tl.arange(0, M)[None, :, None]
    rn = tl.arange(0, N)[None, None, :]
    rk_col = tl.arange(0, K)[None, None, :]
    rk_row = tl.arange(0, K)[None, :, None]
    a = tl.load(A + g * M * K + rm * K + rk_col)
    b = tl.load(B + g * K * N + rk_row * N + rn)
    tl.store(C + g * M * N + rm * N + rn, tl.dot(a, b))


@triton.jit
def attention_fwd(Q, K, V, O, sm_scale, N_CTX: tl.constexpr, D: tl.constexpr, BM: tl.constexpr,
                  BN: tl.constexpr):
    # Tutorial 06's forward pass: two dots per block, online softmax.
    offs_m = tl.program_id(0) * BM + tl.arange(0, BM)
    offs_n = tl.arange(0, BN)
    offs_d = tl.arange(0, D)
    q = tl.load(Q + offs_m[:, None] * D + offs_d[None, :])
    m_i = tl.full([BM], float("-inf"), tl.float32)
    l_i = tl.zeros([BM], tl.float32)
    acc = tl.zeros([BM, D], tl.float32)
    for start_n in range(0, N_CTX, BN):
        k = tl.load(K + (start_n + offs_n)[None, :] * D + offs_d[:, None])
        qk = tl.dot(q, k) * sm_scale
        m_ij = tl.maximum(m_i, tl.max(qk, 1))
        p = tl.exp(qk - m_ij[:, None])
        alpha = tl.exp(m_i - m_ij)
        l_i = l_i * alpha + tl.sum(p, 1)
        v = tl.load(V + (start_n + offs_n)[:, None] * D + offs_d[None, :])
        acc = tl.dot(p.to(tl.float16), v, acc * alpha[:, None])
        m_i = m_ij
    tl.store(O + offs_m[:, None] * D + offs_d[None, :], (acc / l_i[:, None]).to(tl.float16))


# ------------------------------------------------------------------------------------ inputs


def _grid_values(rng, shape, scale=4, span=4):
    """Multiples of 1/scale in [-span, span]: exact in f16, bf16, tf32, fp8
    e4m3 (span 4, scale 4), whose K-long dot products are exact in fp32."""
    return rng.integers(-span * scale, span * scale + 1, shape) / scale


def _bf16_bits(x):
    return (np.asarray(x, np.float32).view(np.uint32) >> 16).astype(np.uint16)  # exact inputs: no rounding


def _e4m3_codes(x):
    """Exact e4m3 values -> their codes (ml_dtypes' format table)."""
    import ml_dtypes

    return np.asarray(x, np.float32).astype(ml_dtypes.float8_e4m3fn).view(np.uint8)


def _matmul_case(kind, M=64, N=64, K=64):
    def make(rng):
        if kind == "i8":
            a = rng.integers(-128, 128, (M, K)).astype(np.int8)
            b = rng.integers(-128, 128, (K, N)).astype(np.int8)
            c = np.zeros((M, N), np.int32)
            want = a.astype(np.int64) @ b.astype(np.int64)  # |sum| < 2^21: exact in int32
            return [a, b, c], lambda: np.testing.assert_array_equal(c, want)
        if kind == "tf32":
            a = rng.standard_normal((M, K)).astype(np.float32)
            b = rng.standard_normal((K, N)).astype(np.float32)
            c = np.zeros((M, N), np.float32)
            # tf32 keeps 10 mantissa bits of each input (truncated or rounded, each
            # input is off by less than 2^-10 relative): |error| < 2^-9 (|a| @ |b|),
            # plus the f32 sum's own rounding.
            want = a.astype(np.float64) @ b.astype(np.float64)
            bound = 2.0**-9 * (np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)) + 1e-5

            def check():
                err = np.abs(c - want)
                assert (err <= bound).all(), f"tf32 error {err.max()} beyond the input-rounding bound"
            return [a, b, c], check
        x, y = _grid_values(rng, (M, K)), _grid_values(rng, (K, N))
        c = np.zeros((M, N), np.float32)
        want = (x @ y).astype(np.float32)  # exact
        enc = {"f16": lambda v: v.astype(np.float16), "bf16": _bf16_bits, "fp8": _e4m3_codes,
               "f32": lambda v: v.astype(np.float32), "f16acc": lambda v: v.astype(np.float16)}[kind]
        if kind == "f16acc":  # f16 accumulators: values whose sums stay exact in f16
            x, y = _grid_values(rng, (M, K), 2, 2), _grid_values(rng, (K, N), 2, 2)
            c = np.zeros((M, N), np.float16)
            want = (x @ y).astype(np.float16)  # |sum| <= 64 * 4, multiples of 1/4: exact
            return [enc(x), enc(y), c], lambda: np.testing.assert_array_equal(c, want)
        return [enc(x), enc(y), c], lambda: np.testing.assert_array_equal(c, want)
    return make


def _tutorial_case(M=128, N=128, K=80):
    """Tutorial 03's call: row-major fp16 A, B, C with their strides; K = 80
    leaves a partial last K block of 16. The products and sums are exact in
    fp32; the epilogue runs in fp32 as the kernel's does, then rounds to
    fp16 (bitwise)."""
    def make(rng):
        x, y = _grid_values(rng, (M, K)), _grid_values(rng, (K, N))
        c = np.zeros((M, N), np.float16)
        acc = (x @ y).astype(np.float32)  # exact
        want = np.where(acc >= 0, acc, np.float32(0.01) * acc).astype(np.float16)
        args = [x.astype(np.float16), y.astype(np.float16), c, M, N, K, K, 1, N, 1, N, 1]
        return args, lambda: np.testing.assert_array_equal(c, want)
    return make


_E2M1 = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6], np.float64)


def _mxfp4_case(rng, M=64, N=64, K=64):
    """Random e2m1 codes (every code), e8m0 scales 2^-3 .. 2^3 and grid bf16
    B: every product and sum is exact in fp32."""
    codes = rng.integers(0, 16, (M, K))
    a = (codes[:, 0::2] | (codes[:, 1::2] << 4)).astype(np.uint8)  # low nibble first
    s = rng.integers(124, 131, (M, K // 32)).astype(np.uint8)
    y = _grid_values(rng, (K, N))
    vals = np.where(codes & 8, -1.0, 1.0) * _E2M1[codes & 7] * np.repeat(2.0 ** (s.astype(np.int64) - 127), 32, axis=1)
    c = np.zeros((M, N), np.float32)
    want = (vals @ y).astype(np.float32)
    return [a, s, _bf16_bits(y), c], lambda: np.testing.assert_array_equal(c, want)


def _split_case(mantissa_bits, M=64, N=64, K=64):
    """Normal f32 inputs. Three products of the split parts miss only
    small x small and the small parts' own rounding, about
    2^-2(m+1) relative each (m the format's mantissa bits), plus the fp32
    sums' rounding, K 2^-24: far below one pass's 2^-(m+1) per product."""
    def make(rng):
        a = rng.standard_normal((M, K)).astype(np.float32)
        b = rng.standard_normal((K, N)).astype(np.float32)
        c = np.zeros((M, N), np.float32)
        want = a.astype(np.float64) @ b.astype(np.float64)
        mag = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)
        bound = (4 * 2.0 ** (-2 * (mantissa_bits + 1)) + K * 2.0**-24) * mag

        def check():
            err = np.abs(c - want)
            assert (err <= bound).all(), f"error {err.max()} beyond the split's bound"
        return [a, b, c], check
    return make


def _f16_i8_case(rng, M=64, N=64, K=64):
    """Grid f16 activations (multiples of 1/4 in [-2, 2]) and any int8
    weights: every product and sum is exact in fp32."""
    x = _grid_values(rng, (M, K), 4, 2)
    w = rng.integers(-128, 128, (K, N)).astype(np.int8)
    c = np.zeros((M, N), np.float32)
    want = (x @ w.astype(np.float64)).astype(np.float32)
    return [x.astype(np.float16), w, c], lambda: np.testing.assert_array_equal(c, want)


def _mxfp8_case(rng, M=64, N=64, K=64):
    """Grid e4m3 values, e8m0 scales 2^-3 .. 2^3 and grid bf16 B: every
    product and sum is exact in fp32."""
    x = _grid_values(rng, (M, K))
    s = rng.integers(124, 131, (M, K // 32)).astype(np.uint8)
    y = _grid_values(rng, (K, N))
    c = np.zeros((M, N), np.float32)
    want = ((x * np.repeat(2.0 ** (s.astype(np.int64) - 127), 32, axis=1)) @ y).astype(np.float32)
    return [_e4m3_codes(x), s, _bf16_bits(y), c], lambda: np.testing.assert_array_equal(c, want)


def _bt_case(rng):
    x, y = _grid_values(rng, (64, 32)), _grid_values(rng, (64, 32))
    c = np.zeros((64, 64), np.float32)
    want = (x @ y.T).astype(np.float32)
    return [x.astype(np.float16), y.astype(np.float16), c], lambda: np.testing.assert_array_equal(c, want)


def _bmm_case(rng):
    x, y = _grid_values(rng, (2, 32, 32)), _grid_values(rng, (2, 32, 32))
    c = np.zeros((2, 32, 32), np.float32)
    want = np.einsum("gmk,gkn->gmn", x, y).astype(np.float32)
    return [x.astype(np.float16), y.astype(np.float16), c], lambda: np.testing.assert_array_equal(c, want)


def _attention_case(rng, n_ctx=128, d=64):
    q, k, v = (rng.standard_normal((n_ctx, d)).astype(np.float16) for _ in range(3))
    o = np.zeros((n_ctx, d), np.float16)
    scale = 1.0 / np.sqrt(d)

    def check():
        s = q.astype(np.float64) @ k.astype(np.float64).T * scale
        p = np.exp(s - s.max(axis=1, keepdims=True))
        want = (p / p.sum(axis=1, keepdims=True)) @ v.astype(np.float64)
        # p is rounded to f16 before the second dot; the output is f16.
        np.testing.assert_allclose(o.astype(np.float64), want, rtol=0, atol=1e-2)
    return [q, k, v, o, scale], check


_MM = {"M": 64, "N": 64, "K": 64, "BM": 64, "BN": 64, "BK": 32}
NVIDIA, ALL = ("sm_80", "sm_90"), ("sm_80", "sm_90", "gfx942")
#: name -> (kernel, signature, constexprs, num_warps, grid, make, targets)
DOT_KERNELS = {
    "matmul_f16": (matmul, None, _MM, 4, (1, 1), _matmul_case("f16"), ALL),
    "matmul_tutorial": (matmul_tutorial, None,
                        {"BLOCK_SIZE_M": 64, "BLOCK_SIZE_N": 64, "BLOCK_SIZE_K": 32, "GROUP_SIZE_M": 2,
                         "ACTIVATION": "leaky_relu"}, 4, 4, _tutorial_case(), ALL),
    # narrower tiles: other shared layouts (64- and 32-byte swizzles, N-major B)
    "matmul_f16_narrow": (matmul, None, {"M": 64, "N": 64, "K": 64, "BM": 64, "BN": 32, "BK": 16}, 4, (1, 2),
                          _matmul_case("f16"), ALL),
    # 8 warps: two warpgroups on sm_90 (each wgmma descriptor's start takes the
    # warpgroup's rows)
    "matmul_f16_8warps": (matmul, None, {"M": 128, "N": 64, "K": 64, "BM": 128, "BN": 64, "BK": 32}, 8, (1, 1),
                          _matmul_case("f16", 128, 64, 64), ("sm_90",)),
    # f16 accumulators (out_dtype = C's f16): mma.sync / wgmma .f16
    "matmul_f16_acc": (matmul, {"C": "*fp16"}, _MM, 4, (1, 1), _matmul_case("f16acc"), ALL),
    "matmul_bf16": (matmul, {"A": "*bf16", "B": "*bf16"}, _MM, 4, (1, 1), _matmul_case("bf16"), ALL),
    "matmul_tf32": (matmul, None, _MM, 4, (1, 1), _matmul_case("tf32"), ALL),
    "matmul_i8": (matmul, None, _MM, 4, (1, 1), _matmul_case("i8"), ALL),
    "matmul_fp8": (matmul, {"A": "*fp8e4nv", "B": "*fp8e4nv"}, _MM, 4, (1, 1), _matmul_case("fp8"),
                   ("sm_89", "sm_90", "gfx942")),  # (sm_80 has no e4m3: sm_89's mma.sync m16n8k32)
    "mxfp4_matmul": (mxfp4_matmul, {"A": "*u8", "S": "*u8", "B": "*bf16"}, {"M": 64, "N": 64, "K": 64}, 4, 1,
                     _mxfp4_case, ALL),
    "matmul_f16_i8": (matmul_f16_i8, None, {"M": 64, "N": 64, "K": 64}, 4, 1, _f16_i8_case, ALL),
    "mxfp8_matmul": (mxfp8_matmul, {"A": "*u8", "S": "*u8", "B": "*bf16"}, {"M": 64, "N": 64, "K": 64}, 4, 1,
                     _mxfp8_case, ("sm_90", "gfx942")),  # (Triton: no e4m3 before sm_89)
    "matmul_tf32x3": (matmul_split, None, {"M": 64, "N": 64, "K": 64, "P": "tf32x3"}, 4, 1, _split_case(10),
                      NVIDIA),
    "matmul_bf16x3": (matmul_split, None, {"M": 64, "N": 64, "K": 64, "P": "bf16x3"}, 4, 1, _split_case(7),
                      ("gfx942",)),
    "matmul_ieee": (matmul_ieee, None, {"M": 16, "N": 16, "K": 16}, 1, 1, _matmul_case("f32", 16, 16, 16), ALL),
    "matmul_bt": (matmul_bt, None, {"M": 64, "N": 64, "K": 32}, 4, 1, _bt_case, ALL),
    "bmm": (bmm, None, {"G": 2, "M": 32, "N": 32, "K": 32}, 4, 1, _bmm_case, ALL),
    "attention_fwd": (attention_fwd, None, {"N_CTX": 128, "D": 64, "BM": 64, "BN": 64}, 4, 2, _attention_case,
                      ALL),
}
