"""Tensor-core and asynchronous-copy instructions, one definition each:
``mma.sync`` and ``wgmma.*`` (inline PTX), ``cp.async`` (inline PTX and
the NVVM intrinsics), AMD ``v_mfma_*`` (the ``llvm.amdgcn.mfma.*``
intrinsics).

Numerics (PTX ISA 9.7.14 "Warp-level matrix multiply-accumulate", 9.7.15
"Asynchronous warpgroup level matrix multiply-accumulate"; AMD CDNA3 ISA,
"Matrix Arithmetic Instructions"):

* inputs are taken as the hardware takes them: f16 / bf16 / fp8 exactly,
  tf32 as the register's f32 with its low 13 mantissa bits dropped (the
  instruction ignores them), AMD xf32 rounded to 10 mantissa bits (nearest
  even -- the CDNA3 ISA does not state the rounding), integers exactly;
* products are exact; the K products and the accumulator are summed in
  float64 and rounded once to f32 (nearest even). The hardware adds in its
  own order with wider-than-f32 internal precision, so a result can differ
  from it in the last bit where the sum is not exact; integer results are
  exact (s32 wraps; ``.satfinite`` clamps);
* fragments (which lane holds which element) are the ISA's tables, coded
  below as index arithmetic and named per instruction.

Asynchrony: ``wgmma.mma_async`` results are values.Pending until the
``wgmma.wait_group`` that completes their group; ``cp.async`` reads global
memory when issued and writes shared memory when ``cp.async.wait_group``
completes its group (a read of the destination before that sees the old
bytes, and the race tracker sees the write then).
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np

from . import ptx
from .ptx import _Instr, _read, _write
from .registry import Handler, _Op, _State, _intrinsic, _op, _whole_groups
from .values import SHARED_WINDOW, EmulationError, _layout, _require_aligned, _shared_flat, _to_bytes

# ------------------------------------------------------------------------------------ elements

_BITS = {"f16": 16, "bf16": 16, "tf32": 32, "xf32": 32, "f32": 32, "e4m3": 8, "e5m2": 8, "s8": 8, "u8": 8}


def _decode(bits: np.ndarray, fmt: str) -> np.ndarray:
    """Unsigned element bits -> exact values (float64, or int64 for integers)."""
    if fmt == "f16":
        return bits.astype(np.uint16).view(np.float16).astype(np.float64)
    if fmt == "bf16":
        return (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    if fmt == "tf32":  # the low 13 mantissa bits are ignored
        return (bits.astype(np.uint32) & np.uint32(0xFFFFE000)).view(np.float32).astype(np.float64)
    if fmt == "xf32":  # rounded to 10 mantissa bits, nearest even (NaN / inf kept)
        b = bits.astype(np.uint64)
        r = ((b + 0xFFF + ((b >> 13) & 1)) & 0xFFFFE000).astype(np.uint32)
        special = (b & 0x7F800000) == 0x7F800000
        return np.where(special, b.astype(np.uint32), r).view(np.float32).astype(np.float64)
    if fmt == "f32":
        return bits.astype(np.uint32).view(np.float32).astype(np.float64)
    if fmt in ("e4m3", "e5m2"):
        from .nvvm import _fp8_values

        return _fp8_values({"e4m3": "f8E4M3FN", "e5m2": "f8E5M2"}[fmt]).astype(np.float64)[bits.astype(np.intp)]
    if fmt == "s8":
        return bits.astype(np.uint8).view(np.int8).astype(np.int64)
    if fmt == "u8":
        return bits.astype(np.int64)
    raise EmulationError(f"tensor-core element type {fmt} is not modelled")


def _unpack(words: np.ndarray, bits: int) -> np.ndarray:
    """32-bit registers [...] -> their elements [..., 32 // bits], low bits first."""
    n = 32 // bits
    shifts = np.arange(n, dtype=np.uint64) * np.uint64(bits)
    return (words.astype(np.uint64)[..., None] >> shifts) & np.uint64((1 << bits) - 1)


def _accumulate(a: np.ndarray, b: np.ndarray, c: np.ndarray | None, integer: bool, sat: bool = False) -> np.ndarray:
    """D = A B + C over the leading batch axis; the result's 32-bit register bits."""
    d = np.matmul(a, b)
    if c is not None:
        d = d + c
    if integer:
        if sat:
            d = np.clip(d, -(1 << 31), (1 << 31) - 1)
        return (d.astype(np.int64) & 0xFFFFFFFF).astype(np.uint32)
    with np.errstate(over="ignore", invalid="ignore"):
        return d.astype(np.float32).view(np.uint32)


# ------------------------------------------------------------------------------------ fragments
# (lane l of a warp, register i, element e of the register)

_L = np.arange(32)


def _frag_a(K: int, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """mma.m16n8kK / wgmma A fragment of one warp (16 rows): register i of
    lane l, element e holds (row, k) = (l/4 + 8 (i % 2), (l % 4) epr + e +
    K/2 (i / 2)), epr = 32 / bits. [regs, 32, epr] each."""
    epr, n = 32 // bits, K * bits // 64
    i, l, e = np.arange(n)[:, None, None], _L[None, :, None], np.arange(epr)[None, None, :]
    return np.broadcast_arrays(l // 4 + 8 * (i % 2), (l % 4) * epr + e + (K // 2) * (i // 2))


def _frag_b(K: int, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """mma.m16n8kK B fragment: register i of lane l, element e holds
    (k, n) = ((l % 4) epr + e + K/2 i, l / 4)."""
    epr, n = 32 // bits, K * bits // 128
    i, l, e = np.arange(n)[:, None, None], _L[None, :, None], np.arange(epr)[None, None, :]
    return np.broadcast_arrays((l % 4) * epr + e + (K // 2) * i, l // 4)


def _frag_d(N: int) -> tuple[np.ndarray, np.ndarray]:
    """mma.m16n8 / wgmma m64nN accumulator of one warp (16 rows), 32-bit
    elements: register i of lane l holds (l/4 + 8 ((i/2) % 2), 8 (i/4) +
    2 (l % 4) + i % 2). [N/2, 32] each."""
    i, l = np.arange(N // 2)[:, None], _L[None, :]
    return np.broadcast_arrays(l // 4 + 8 * ((i // 2) % 2), 8 * (i // 4) + 2 * (l % 4) + i % 2)


def _gather(regs: list, ops: tuple[int, ...], T: int, threads: np.ndarray) -> np.ndarray:
    """Registers `ops` of `threads` ([G, n]): [len(ops), G, n] 32-bit words."""
    return np.stack([_read(ptx._Operand("reg", (r,)), 32)(regs, T) for r in ops])[:, threads]


def _scatter(regs: list, ops: tuple[int, ...], threads: np.ndarray, words: np.ndarray, active: np.ndarray,
             widths: tuple[int, ...], T: int) -> None:
    for k, r in enumerate(ops):
        full = _read(ptx._Operand("reg", (r,)), 32)(regs, T).copy()
        full[threads] = words[k]
        _write(regs, r, active, full, widths)


def _fill(shape: tuple[int, ...], rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A [G, R, C] matrix from fragment values [n, G, ...] at (rows, cols) [n, ...]."""
    out = np.zeros(shape, values.dtype)
    out[:, rows, cols] = np.moveaxis(values, 1, 0)
    return out


# ------------------------------------------------------------------------------------ mma.sync


def _shape(instr: _Instr) -> tuple[int, int, int]:
    for mod in instr.mods:
        m = re.fullmatch(r"m(\d+)n(\d+)k(\d+)", mod)
        if m:
            return int(m[1]), int(m[2]), int(m[3])
    raise _bad(instr, "no mMnNkK shape")


def _bad(instr: _Instr, why: str) -> EmulationError:
    return EmulationError(f"inline PTX {instr.text!r}: {why}")


_D_TYPES = {"f32", "s32"}


def _mma_sync(instr: _Instr) -> Callable:
    """mma.sync.aligned.m16n8kK.row.col[.satfinite].dtype.atype.btype.ctype
    (PTX ISA 9.7.14.5.14 "mma"): one 16 x 8 product per warp, A row-major,
    B column-major, f32 or s32 accumulators, or f16 ones (f16 operands: two
    per register, element 0 low; the exact sum rounded to f16 once); f16 /
    bf16 (k16), tf32 (k8), s8 / u8 / e4m3 / e5m2 (k32)."""
    M, N, K = _shape(instr)
    mods = instr.mods
    types = [m for m in mods if m in _BITS or m in _D_TYPES]
    if (M, N) != (16, 8) or "row" not in mods or "col" not in mods or len(types) != 4:
        raise _bad(instr, "only mma.sync.aligned.m16n8kK.row.col with four types is modelled")
    dtype, atype, btype, ctype = types
    bits = _BITS[atype]
    half = dtype == "f16" and atype == "f16"
    if (dtype not in _D_TYPES and not half) or ctype != dtype or _BITS[btype] != bits or K * bits != 256:
        raise _bad(instr, f"this mma form ({dtype}.{atype}.{btype}.{ctype}, k{K}) is not modelled")
    d, a, b, c = instr.operands
    ar, ak = _frag_a(K, bits)
    bk, bn = _frag_b(K, bits)
    dr, dc = _frag_d(N)
    nc = 2 if half else 4
    if (len(a.regs), len(b.regs), len(c.regs), len(d.regs)) != (len(ar), len(bk), nc, nc):
        raise _bad(instr, f"expected {len(ar)} A, {len(bk)} B, {nc} C and {nc} D registers")
    integer, sat = dtype == "s32", "satfinite" in mods

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        warps = _whole_groups(st, 32, "mma.sync.aligned")
        if not len(warps):
            return
        threads = warps[:, None] * 32 + _L  # [W, 32]
        W = len(warps)
        av = _decode(_unpack(_gather(regs, a.regs, st.T, threads), bits), atype)  # [nA, W, 32, epr]
        bv = _decode(_unpack(_gather(regs, b.regs, st.T, threads), bits), btype)
        A = _fill((W, 16, K), ar, ak, av)
        B = _fill((W, K, N), bk, bn, bv)
        cw = _gather(regs, c.regs, st.T, threads)  # [nc, W, 32]
        if half:  # element i of the fragment: register i / 2, half i % 2
            cv = np.moveaxis(_decode(_unpack(cw, 16), "f16"), 3, 1).reshape(4, W, 32)
            C = _fill((W, 16, N), dr, dc, cv)
            with np.errstate(over="ignore", invalid="ignore"):
                h = (np.matmul(A, B) + C).astype(np.float16).view(np.uint16).astype(np.uint32)
            e = h[:, dr, dc].transpose(1, 0, 2)  # [4, W, 32]
            words = e[0::2] | (e[1::2] << np.uint32(16))
            _scatter(regs, d.regs, threads, words, active, instr.widths, st.T)
            return
        C = _fill((W, 16, N), dr, dc, cw.astype(np.uint32).view(np.int32).astype(np.int64) if integer
                  else cw.astype(np.uint32).view(np.float32).astype(np.float64))
        D = _accumulate(A, B, C, integer, sat)  # [W, 16, N] bits
        _scatter(regs, d.regs, threads, D[:, dr, dc].transpose(1, 0, 2), active, instr.widths, st.T)
    return run


# ------------------------------------------------------------------------------------ wgmma

_SWIZZLE_BYTES = {0: 0, 1: 128, 2: 64, 3: 32}


def descriptor_addresses(desc: int, mn: int, K: int, ebytes: int, mn_major: bool) -> np.ndarray:
    """Shared-memory offsets [mn, K] of a wgmma operand from its 64-bit matrix
    descriptor (PTX ISA 9.7.15.5.1 "Matrix Descriptor Format": start address,
    leading / stride dimension byte offsets, each >> 4 in 14 bits at bits 0,
    16, 32; base offset at 49; layout at 62: 0 none, 1 128B, 2 64B, 3 32B
    swizzle). Rows of the canonical layouts are 16 bytes (none) or the
    swizzle width W; 8 rows make a core matrix / swizzle atom:
      K-major:  none: (mn%8)*16 + (mn/8)*SBO + (k%e16)*eb + (k/e16)*LBO
                W:    (mn%8)*W  + (mn/8)*SBO + k*eb
      MN-major: none: (mn%e16)*eb + (mn/e16)*SBO + (k%8)*16 + (k/8)*LBO
                W:    (mn%eW)*eb + (mn/eW)*LBO + (k%8)*W + (k/8)*SBO
    (e16, eW: elements in 16 / W bytes), then the swizzle XORs address bits
    [4, 4 + log2(W/16)) with bits [7, ...) of the shared address."""
    start, lbo, sbo = (desc & 0x3FFF) << 4, ((desc >> 16) & 0x3FFF) << 4, ((desc >> 32) & 0x3FFF) << 4
    if (desc >> 49) & 7:
        raise EmulationError(f"wgmma descriptor {desc:#x}: a non-zero base offset is not modelled")
    W = _SWIZZLE_BYTES[(desc >> 62) & 3]
    r, k = np.arange(mn)[:, None], np.arange(K)[None, :]
    e16 = 16 // ebytes
    if not mn_major:
        if W and K * ebytes > W:
            raise EmulationError(f"wgmma descriptor {desc:#x}: K of {K * ebytes} bytes exceeds the {W}-byte swizzle")
        off = (r % 8) * 16 + (r // 8) * sbo + (k % e16) * ebytes + (k // e16) * lbo if not W else \
            (r % 8) * W + (r // 8) * sbo + k * ebytes
    else:
        eW = W // ebytes if W else 0
        off = (r % e16) * ebytes + (r // e16) * sbo + (k % 8) * 16 + (k // 8) * lbo if not W else \
            (r % eW) * ebytes + (r // eW) * lbo + (k % 8) * W + (k // 8) * sbo
    addr = start + off
    if W:
        addr = addr ^ (((addr >> 7) & (W // 16 - 1)) << 4)
    return addr.astype(np.int64)


def _load_operand(st: Any, desc: int, mn: int, K: int, fmt: str, mn_major: bool, thread: int) -> np.ndarray:
    """A wgmma operand [mn, K] (exact values) read through its descriptor."""
    eb = _BITS[fmt] // 8
    addr = descriptor_addresses(desc, mn, K, eb, mn_major).reshape(-1)
    raw = st.mem.load(SHARED_WINDOW + addr, eb, st, np.full(addr.shape, thread))
    bits = raw.view({1: np.uint8, 2: np.uint16, 4: np.uint32}[eb]).reshape(mn, K)
    return _decode(bits, fmt)


def _uniform(values: np.ndarray, threads: np.ndarray, what: str, st: Any) -> np.ndarray:
    """One value per group [G] from per-thread values, equal within each group."""
    v = values[threads]  # [G, n]
    bad = (v != v[:, :1]).any(axis=1)
    if bad.any():
        g = int(np.argmax(bad))
        raise EmulationError(f"{what} differs between the threads of the warpgroup of {st.thread(int(threads[g, 0]))}")
    return v[:, 0]


def _wgmma(instr: _Instr) -> Callable:
    """wgmma (PTX ISA 9.7.15): ``fence``, ``commit_group``, ``wait_group N``
    and ``mma_async.sync.aligned.m64nNkK.dtype.atype.btype d, a, b-desc,
    scale-d, ...``: one 64 x N product per warpgroup (4 warps: warp w's
    accumulator fragment holds rows 16w..16w+15), A from registers or a
    shared-memory descriptor, B from a descriptor; scale-d false drops the
    accumulator; imm-scale-a/b -1 negate; imm-trans (f16 / bf16 only)
    selects MN-major operands."""
    sub = instr.mods[0] if instr.mods else ""
    if sub == "fence":
        return lambda st, regs, active: None
    if sub == "commit_group":
        return lambda st, regs, active: st.wgmma.commit()
    if sub == "wait_group":
        if len(instr.operands) != 1 or instr.operands[0].kind != "imm":
            raise _bad(instr, "wgmma.wait_group takes an integer")
        n = instr.operands[0].imm
        return lambda st, regs, active: st.wgmma.wait_for(n)
    if sub != "mma_async":
        raise _bad(instr, f"wgmma.{sub} is not modelled")
    M, N, K = _shape(instr)
    mods = tuple(m for m in instr.mods if m != "satfinite")
    shape_at = next(i for i, m in enumerate(mods) if re.fullmatch(r"m\d+n\d+k\d+", m))
    dtype, atype, btype = (mods[shape_at + 1:shape_at + 4] + ("", "", ""))[:3]
    half_acc = dtype == "f16" and atype == btype == "f16"  # f16 accumulators, two per register
    if M != 64 or (dtype not in _D_TYPES and not half_acc) or atype not in _BITS or btype not in _BITS or \
            _BITS[atype] * K != 256 or _BITS[btype] != _BITS[atype]:
        raise _bad(instr, f"this wgmma form (m{M}n{N}k{K}.{dtype}.{atype}.{btype}) is not modelled")
    ops = instr.operands
    d, a, b = ops[0], ops[1], ops[2]
    a_regs = a.kind == "vec"
    half = atype in ("f16", "bf16")
    integer = dtype == "s32"
    n_imm = 0 if integer else (3 if a_regs else 4) if half else 2
    nd = N // 4 if half_acc else N // 2
    if len(ops) != 4 + n_imm or d.kind != "vec" or len(d.regs) != nd or b.kind != "reg" or \
            (not a_regs and a.kind != "reg"):
        raise _bad(instr, f"expected d ({nd} registers), a, b-desc, scale-d and {n_imm} immediates")
    imms = [o.imm if o.kind == "imm" else None for o in ops[4:]]
    if None in imms:
        raise _bad(instr, "imm-scale / imm-trans must be immediates")
    scale_a, scale_b = (imms[0], imms[1]) if n_imm else (1, 1)
    trans_a = bool(imms[2]) if half and not a_regs else False
    trans_b = bool(imms[-1]) if half else False
    scale_d = _read(ops[3], 1)
    bits = _BITS[atype]
    ar, ak = _frag_a(K, bits)
    if a_regs and len(a.regs) != len(ar):
        raise _bad(instr, f"A from registers takes {len(ar)} registers")
    dr, dc = _frag_d(N)
    # warp w of the warpgroup holds rows 16w..16w+15: [regs, warp, lane]
    rows = 16 * np.arange(4)[None, :, None] + dr[:, None, :]
    cols = np.broadcast_to(dc[:, None, :], rows.shape)
    a_rows = 16 * np.arange(4)[None, :, None, None] + ar[:, None]  # [regs, warp, lane, element]
    a_ks = np.broadcast_to(ak[:, None], a_rows.shape)

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        groups = _whole_groups(st, 128, "wgmma.mma_async.sync.aligned")
        if not len(groups):
            return
        G = len(groups)
        threads = groups[:, None] * 128 + np.arange(128)  # [G, 128]
        first = threads[:, 0]
        if a_regs:
            av = _decode(_unpack(_gather(regs, a.regs, st.T, threads).reshape(len(ar), G, 4, 32), bits), atype)
            A = np.zeros((G, 64, K), av.dtype)
            A[:, a_rows, a_ks] = np.moveaxis(av, 1, 0)
        else:
            descs = _uniform(_read(a, 64)(regs, st.T), threads, "the A descriptor", st)
            A = np.stack([_load_operand(st, int(descs[g]), 64, K, atype, trans_a, int(first[g])) for g in range(G)])
        bdescs = _uniform(_read(b, 64)(regs, st.T), threads, "the B descriptor", st)
        B = np.stack([_load_operand(st, int(bdescs[g]), N, K, btype, trans_b, int(first[g])) for g in range(G)])
        B = B.transpose(0, 2, 1) * (scale_a * scale_b)  # [G, K, N]
        keep = _uniform(scale_d(regs, st.T), threads, "scale-d", st)
        cw = _gather(regs, d.regs, st.T, threads).reshape(nd, G, 4, 32)  # [regs, G, warp, lane]
        if half_acc:  # element i: register i / 2, half i % 2
            cv = np.moveaxis(_decode(_unpack(cw, 16), "f16"), 4, 1).reshape(N // 2, G, 4, 32)
        else:
            cv = cw.astype(np.uint32).view(np.int32).astype(np.int64) if integer else \
                cw.astype(np.uint32).view(np.float32).astype(np.float64)
        C = np.zeros((G, 64, N), cv.dtype)
        C[:, rows, cols] = np.moveaxis(cv, 1, 0)
        C = np.where(keep[:, None, None], C, 0)
        if half_acc:
            with np.errstate(over="ignore", invalid="ignore"):
                h = (np.matmul(A, B) + C).astype(np.float16).view(np.uint16).astype(np.uint32)
            e = np.moveaxis(h[:, rows, cols], 1, 0)  # [N/2, G, 4, 32]
            words = (e[0::2] | (e[1::2] << np.uint32(16))).reshape(nd, G, 128)
            _scatter(regs, d.regs, threads, words, active, instr.widths, st.T)
            return
        D = _accumulate(A, B, C, integer, "satfinite" in instr.mods)  # [G, 64, N] bits
        words = D[:, rows, cols]  # [G, regs, 4, 32]
        _scatter(regs, d.regs, threads, np.moveaxis(words, 1, 0).reshape(N // 2, G, 128), active,
                 instr.widths, st.T)
    return run


# ------------------------------------------------------------------------------------ cp.async


def _cp_async(instr: _Instr) -> Callable:
    """cp.async (PTX ISA 9.7.9.25): ``cp.async.{ca,cg}.shared.global [dst],
    [src], cp-size[, src-size]`` copies src-size bytes (the rest of cp-size
    zero-filled) when its group completes; ``commit_group``,
    ``wait_group N``, ``wait_all``."""
    mods = instr.mods
    if mods[:2] == ("async", "commit_group"):
        return lambda st, regs, active: st.cp_async.commit()
    if mods[:2] == ("async", "wait_group"):
        n = instr.operands[0].imm if instr.operands and instr.operands[0].kind == "imm" else None
        if n is None:
            raise _bad(instr, "cp.async.wait_group takes an integer")
        return lambda st, regs, active: st.cp_async.wait_for(n)
    if mods[:2] == ("async", "wait_all"):
        return lambda st, regs, active: st.cp_async.wait_all()
    if mods[0] != "async" or not ({"shared", "shared::cta"} & set(mods)) or "global" not in mods or \
            any(m not in ("async", "ca", "cg", "shared", "shared::cta", "global")
                and not re.fullmatch(r"L2::(64B|128B|256B)", m) for m in mods):
        raise _bad(instr, "only cp.async.{ca,cg}.shared.global is modelled")
    ops = instr.operands
    if len(ops) not in (3, 4) or ops[0].kind != "addr" or ops[1].kind != "addr" or ops[2].kind != "imm":
        raise _bad(instr, "expected [dst], [src], cp-size[, src-size]")
    size = ops[2].imm
    if size not in (4, 8, 16):
        raise _bad(instr, f"cp-size {size} is not 4, 8 or 16")
    dst, src = ops[0], ops[1]
    if len(ops) == 4 and ops[3].kind == "reg" and instr.widths[ops[3].regs[0]] == 1:
        raise _bad(instr, "the ignore-src predicate form is not modelled (src-size is)")
    src_size = _read(ops[3], 32) if len(ops) == 4 else None

    def run(st: Any, regs: list, active: np.ndarray) -> None:
        lanes = np.flatnonzero(active)
        if not len(lanes):
            return
        d = _read(ptx._Operand("reg", dst.regs), 64)(regs, st.T).astype(np.int64)[lanes] + dst.imm
        s = _read(ptx._Operand("reg", src.regs), 64)(regs, st.T).astype(np.int64)[lanes] + src.imm
        n = src_size(regs, st.T)[lanes].astype(np.int64) if src_size is not None else None
        cp_async(st, lanes, _shared_flat(d), s, size, n)
    return run


def cp_async(st: Any, lanes: np.ndarray, d: np.ndarray, s: np.ndarray, size: int, n: np.ndarray | None) -> None:
    """One cp.async per lane of `lanes`: `size` bytes to shared address `d`
    (flat) of which the first n (src-size; all when None) from global `s`,
    the rest zero; read now, written when its commit group completes."""
    n = np.full(len(lanes), size) if n is None else n
    for where, a in (("destination", d), ("source", s)):
        _require_aligned(st, a, lanes, size, f"cp.async {where} of {size} bytes", f"its size {size}")
    data = np.zeros((len(lanes), size), np.uint8)
    for m in np.unique(n):
        rows = np.flatnonzero(n == m)
        if m > size:
            raise EmulationError(f"cp.async src-size {int(m)} exceeds cp-size {size}")
        if m > 0:
            data[rows, :m] = st.mem.load(s[rows], int(m), st, lanes[rows])
    st.mem.expect_async_write(d, size, 1)

    def land() -> None:
        st.mem.expect_async_write(d, size, -1)
        st.mem.store(d, data, st, lanes)
    st.cp_async.add(land)


# The same as NVVM ops (our lowering's MLIR): one definition, cp_async.
@_op("nvvm.cp.async.shared.global")
def _nvvm_cp_async(op: _Op) -> Handler:
    size = int(op.attrs["size"].value)
    if size not in (4, 8, 16):
        raise EmulationError(f"cp.async of {size} bytes (4, 8 or 16)")

    def run(st: _State, a: list) -> None:
        lanes = st.lanes
        d = _shared_flat(np.asarray(a[0]).astype(np.int64)[lanes])  # (pointers are flat addresses)
        s = np.asarray(a[1]).astype(np.int64)[lanes]
        n = np.asarray(a[2]).astype(np.int64)[lanes] if len(a) > 2 else None
        cp_async(st, lanes, d, s, size, n)
    return run


@_op("nvvm.cp.async.commit.group")
def _nvvm_commit(op: _Op) -> Handler:
    return lambda st, a: st.cp_async.commit()


@_op("nvvm.cp.async.wait.group")
def _nvvm_wait(op: _Op) -> Handler:
    n = int(op.attrs["n"].value)
    return lambda st, a: st.cp_async.wait_for(n)


@_op("nvvm.wgmma.commit.group.sync.aligned")
def _nvvm_wgmma_commit(op: _Op) -> Handler:
    return lambda st, a: st.wgmma.commit()


# (wgmma.fence orders register accesses before the wgmma that reads them:
# the emulator's registers are read when the wgmma is issued)
_op("nvvm.wgmma.fence.aligned")(lambda op: lambda st, a: None)


ptx._INSTRUCTIONS.update({
    "mma": _mma_sync,
    "wgmma": _wgmma,
    "cp": _cp_async,
    "fence": lambda i: _fence(i),
})


def _fence(instr: _Instr) -> Callable:
    """fence.proxy.async / fence.proxy.tensormap::generic (PTX ISA
    9.7.13.4): orders generic-proxy writes before async-proxy reads (wgmma,
    TMA) and tensor-map edits before their use; the emulator has one
    memory, so there is nothing to do."""
    if instr.mods[:2] not in (("proxy", "async"), ("proxy", "tensormap::generic")):
        raise _bad(instr, "only fence.proxy.async and fence.proxy.tensormap::generic are modelled")
    return lambda st, regs, active: None


# ---- the NVVM intrinsics of the same instructions

_intrinsic("llvm.nvvm.cp.async.commit.group")(lambda op: lambda st, a: st.cp_async.commit())
_intrinsic("llvm.nvvm.wgmma.commit_group.sync.aligned")(lambda op: lambda st, a: st.wgmma.commit())
# (fence.proxy.async: the emulator has one memory -- see _fence)
_intrinsic("llvm.nvvm.wgmma.fence.sync.aligned", "llvm.nvvm.bar.warp.sync", "llvm.nvvm.fence.proxy.async",
           "llvm.nvvm.fence.proxy.async.shared_cta", "llvm.nvvm.fence.proxy.async.shared_cluster",
           "llvm.nvvm.fence.proxy.async.global")(lambda op: lambda st, a: None)


def _wait_intrinsic(which: str) -> Callable[[_Op], Handler]:
    def factory(op: _Op) -> Handler:
        n = op.operand_ints.get(0)
        if n is None:
            raise EmulationError(f"{op.name}: its group count must be a constant")
        return lambda st, a: getattr(st, which).wait_for(n)
    return factory


_intrinsic("llvm.nvvm.cp.async.wait.group")(_wait_intrinsic("cp_async"))
_intrinsic("llvm.nvvm.wgmma.wait_group.sync.aligned")(_wait_intrinsic("wgmma"))


_intrinsic("llvm.nvvm.cp.async.wait.all")(lambda op: lambda st, a: st.cp_async.wait_all())


# ------------------------------------------------------------------------------------ MFMA

_MFMA_TYPES = {"f16": "f16", "bf16": "bf16", "bf16.1k": "bf16", "xf32": "xf32", "f32": "f32", "i8": "s8"}


@_intrinsic("llvm.amdgcn.mfma.")
def _mfma(op: _Op) -> Handler:
    """v_mfma_{f32,i32}_MxNxK_type (CDNA3 ISA "Matrix Arithmetic
    Instructions"; LLVM llvm.amdgcn.mfma.*), single-block forms (M = N = 16
    or 32, wave64): lane l holds A[l % M][kp (l / M) + i] and B[kp (l / N) +
    i][l % N] (kp = K M / 64 elements per lane); accumulator register j of
    lane l holds D[8 (j / 4) + 4 (l / 32) + j % 4][l % 32] (32 x 32) or
    D[4 (l / 16) + j][l % 16] (16 x 16). cbsz / abid / blgp must be 0."""
    name = str(op.attrs.get("intrin", "")).strip('"')
    m = re.fullmatch(r"llvm\.amdgcn\.mfma\.(f32|i32)\.(\d+)x(\d+)x(\d+)\.?(.*)", name)
    if not m or m[5] not in _MFMA_TYPES:
        raise EmulationError(f"{name} is not modelled (the single-block f16, bf16, xf32, f32, i8 MFMAs are)")
    M, N, K, fmt = int(m[2]), int(m[3]), int(m[4]), _MFMA_TYPES[m[5]]
    integer = m[1] == "i32"
    if any(op.operand_ints.get(k) != 0 for k in (3, 4, 5)):
        raise EmulationError(f"{name}: cbsz / abid / blgp broadcasts are not modelled")
    kp = K * M // 64
    bits = _BITS[fmt]
    a_bytes = _layout(op.ins[0])[0]
    if M != N or M not in (16, 32) or a_bytes * 8 != kp * bits:
        raise EmulationError(f"{name}: {a_bytes * 8 // bits} elements per lane, not {kp}: multi-block MFMAs are "
                             "not modelled")
    lane = np.arange(64)
    rows_a = np.broadcast_to((lane % M)[:, None], (64, kp))
    ks = (kp * (lane // M))[:, None] + np.arange(kp)[None, :]
    j = np.arange(M * N // 64)[:, None]
    rows_d = 4 * (64 // N) * (j // 4) + 4 * (lane // N)[None, :] + j % 4
    cols_d = np.broadcast_to((lane % N)[None, :], rows_d.shape)
    udt = {8: np.uint8, 16: np.uint16, 32: np.uint32}[bits]
    ta, tb, tc = op.ins[0], op.ins[1], op.ins[2]

    def run(st: _State, a: list) -> np.ndarray:
        if st.ws != 64:
            raise EmulationError(f"{name} on a {st.ws}-lane wave")
        waves = _whole_groups(st, 64, name)
        out = np.zeros((st.T, M * N // 64), np.uint32 if integer else np.float32)
        if not len(waves):
            return out
        threads = waves[:, None] * 64 + lane  # [V, 64]
        V = len(waves)
        av = _decode(_to_bytes(a[0], ta).view(udt)[threads], fmt)  # [V, 64, kp]
        bv = _decode(_to_bytes(a[1], tb).view(udt)[threads], fmt)
        A = np.zeros((V, M, K), av.dtype)
        A[:, rows_a, ks] = av
        B = np.zeros((V, K, N), bv.dtype)
        B[:, ks, rows_a] = bv
        cw = _to_bytes(a[2], tc).view(np.uint32)[threads]  # [V, 64, regs]
        cv = cw.view(np.int32).astype(np.int64) if integer else cw.view(np.float32).astype(np.float64)
        C = np.zeros((V, M, N), cv.dtype)
        C[:, rows_d, cols_d] = cv.transpose(0, 2, 1)
        D = _accumulate(A, B, C, integer)  # bits [V, M, N]
        words = D[:, rows_d, cols_d].transpose(0, 2, 1)  # [V, 64, regs]
        out[threads.reshape(-1)] = words.reshape(V * 64, -1).view(out.dtype)
        return out
    return run

