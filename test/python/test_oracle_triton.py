"""Oracle tests: ``from_triton(text, shape)`` equals the installed Triton's own
legacy -> linear conversion, on >= 500 randomly drawn parameter sets per
family (seeded, so failures reproduce), and parameters Triton rejects raise
``LayoutError`` here too.

Ground truth is Triton (``GluonOpBuilder.to_linear_layout``); the text given
to ``from_triton`` is Triton's own printing of the attribute.
"""

from __future__ import annotations

import random

import pytest

import linear_layouts as ll
import triton_oracle as O

pytestmark = pytest.mark.triton

N = 500  # parameter sets per family


def pow2(rng, lo, hi):
    """A random power of two in [lo, hi]."""
    k = rng.randint(lo.bit_length() - 1, hi.bit_length() - 1)
    return 1 << k


def split(rng, total, rank):
    """Split the power of two `total` into `rank` random power-of-two factors."""
    parts = [1] * rank
    for _ in range(total.bit_length() - 1):
        parts[rng.randrange(rank)] *= 2
    return parts


def rand_shape(rng, rank, lo=1, hi=256, max_elems=1 << 16):
    while True:
        s = [pow2(rng, lo, hi) for _ in range(rank)]
        n = 1
        for x in s:
            n *= x
        if n <= max_elems:
            return s


def rand_order(rng, rank):
    o = list(range(rank))
    rng.shuffle(o)
    return o


def rand_cga(rng, rank, max_bits=2):
    """Block bases: each a unit stride on one dim (1, 2, 4.. per dim) or zero."""
    bases, nxt = [], [1] * rank
    for _ in range(rng.randint(0, max_bits)):
        b = [0] * rank
        if rng.random() < 0.8:
            d = rng.randrange(rank)
            b[d] = nxt[d]
            nxt[d] *= 2
        bases.append(b)
    return bases


def rand_blocked(rng, rank):
    return dict(
        spt=[pow2(rng, 1, 8) for _ in range(rank)],
        tpw=split(rng, rng.choice([32, 64]), rank),
        wpc=split(rng, pow2(rng, 1, 8), rank),
        order=rand_order(rng, rank),
        cga=rand_cga(rng, rank),
    )


def rand_mma(rng, rank=None, version=None):
    version = version or rng.choice([2, 3])
    if version == 3:
        rank = 2
        n = pow2(rng, 8, 256)
        instr = [16, n, 16]
        wpc = rng.choice([[4, 1], [4, 2], [8, 1], [4, 4], [8, 2], [2, 2]])
    else:
        rank = rank or rng.choice([2, 2, 3])
        instr = [16, 8] if rank == 2 else [1, 16, 8]
        wpc = split(rng, pow2(rng, 1, 8), rank)
    return dict(major=version, minor=0, wpc=wpc, instr=instr, cga=rand_cga(rng, rank))


def rand_linear(rng, rank):
    """A random distributed linear layout: a permutation of all unit strides
    split over the four in dims, with zero (broadcast) bases mixed in."""
    sizes = [pow2(rng, 1, 64) for _ in range(rank)]
    units = [[(1 << i) if d == dd else 0 for dd in range(rank)] for d in range(rank) for i in range(sizes[d].bit_length() - 1)]
    rng.shuffle(units)
    # Prefer registers first in each dim (a common shape) half the time.
    if rng.random() < 0.5:
        units.sort(key=lambda b: max(b))
    parts = {"register": [], "lane": [], "warp": [], "block": []}
    for u in units:
        parts[rng.choice(["register", "register", "lane", "lane", "warp", "block"])].append(u)
    for k in ("lane", "warp", "block"):
        for _ in range(rng.randint(0, 1)):
            parts[k].insert(rng.randint(0, len(parts[k])), [0] * rank)
    if not any(parts.values()):
        parts["register"].append([0] * rank)
        sizes = [1] * rank
    return parts, sizes


def check(attr, shape, rank=None):
    text = O.text_of(attr, len(shape) if rank is None else rank)
    want_bases, want_outs = O.distributed_ll(attr, shape)
    got = ll.from_triton(text, shape).bases
    if O.AFTER_3_6 and "#ttg.blocked" in text:
        got, want_bases = O.drop_zero_registers(got), O.drop_zero_registers(want_bases)
    assert got == want_bases, f"{text} on {shape}:\n ours   {got}\n triton {want_bases}"
    assert ll.from_triton(text, shape).out_dims == want_outs, f"{text} on {shape}: out dims differ from {want_outs}"
    return text


def test_blocked():
    rng = random.Random(1)
    for _ in range(N):
        rank = rng.choice([1, 2, 2, 3])
        p = rand_blocked(rng, rank)
        check(O.blocked(**p), rand_shape(rng, rank))


def test_nvidia_mma():
    rng = random.Random(2)
    for _ in range(N):
        p = rand_mma(rng)
        rank = len(p["wpc"])
        check(O.nvidia_mma(**p), rand_shape(rng, rank, lo=1))


def test_dot_op_mma():
    rng = random.Random(3)
    for _ in range(N):
        p = rand_mma(rng)
        op = 0 if p["major"] == 3 else rng.choice([0, 1])
        attr = O.dot_op(op, O.nvidia_mma(**p), pow2(rng, 1, 8))
        check(attr, rand_shape(rng, len(p["wpc"])))


def test_dot_op_blocked():
    rng = random.Random(4)
    for _ in range(N):
        rank = rng.choice([2, 3])
        attr = O.dot_op(rng.choice([0, 1]), O.blocked(**rand_blocked(rng, rank)), 0)
        check(attr, rand_shape(rng, rank))


def _rand_parent(rng, rank):
    kind = rng.choice(["blocked", "mma", "dot_mma", "dot_blocked", "linear"])
    if kind == "blocked":
        return O.blocked(**rand_blocked(rng, rank))
    if kind == "mma" and rank >= 2:
        return O.nvidia_mma(**rand_mma(rng, rank=rank, version=2 if rank == 3 else None))
    if kind == "dot_mma" and rank >= 2:
        return O.dot_op(rng.choice([0, 1]), O.nvidia_mma(**rand_mma(rng, rank=rank, version=2)), pow2(rng, 1, 8))
    if kind == "dot_blocked" and rank >= 2:
        return O.dot_op(rng.choice([0, 1]), O.blocked(**rand_blocked(rng, rank)), 0)
    parts, sizes = rand_linear(rng, rank)
    # Slices of a linear parent need CTA-tiled block bases: keep none.
    parts["register"] += [b for b in parts["block"] if any(b)]
    parts["block"] = [b for b in parts["block"] if not any(b)]
    return O.linear(parts["register"], parts["lane"], parts["warp"], parts["block"], sizes)


def test_slice():
    rng = random.Random(5)
    for _ in range(N):
        prank = rng.choice([2, 2, 3])
        parent = _rand_parent(rng, prank)
        attr = O.slice_(rng.randrange(prank), parent)
        check(attr, rand_shape(rng, prank - 1))


def test_linear():
    rng = random.Random(6)
    for _ in range(N):
        rank = rng.choice([1, 2, 3])
        parts, sizes = rand_linear(rng, rank)
        attr = O.linear(parts["register"], parts["lane"], parts["warp"], parts["block"], sizes)
        # Shrinking asks for distinct strides; grow-only shapes are always valid,
        # and shapes >= 1 per dim exercise both directions.
        shape = [s * pow2(rng, 1, 4) if rng.random() < 0.6 else max(1, s // pow2(rng, 1, 4)) for s in sizes]
        check(attr, shape)


def test_to_triton_round_trip():
    """to_triton prints #ttg.linear text that Triton parses to the same layout."""
    rng = random.Random(7)
    for _ in range(100):
        rank = rng.choice([1, 2, 3])
        p = rand_blocked(rng, rank)
        shape = rand_shape(rng, rank)
        ours = ll.from_triton(O.text_of(O.blocked(**p), rank), shape)
        text = ll.to_triton(ours)
        reparsed = ll.from_triton(text, shape)
        assert reparsed == ours
        # Triton's parser agrees on the printed attribute.
        bases = ours.bases
        if not any(bases.values()):
            continue
        t_attr = O.linear(bases["register"], bases["lane"], bases["warp"], bases["block"], list(ours.out_dims.values()))
        assert O.text_of(t_attr, rank) == text


# --- AMD --------------------------------------------------------------------

MFMA_MN = [(32, 32), (16, 16), (64, 4), (4, 64)]


def rand_mfma(rng, rank=None):
    rank = rank or rng.choice([2, 2, 3])
    m, n = rng.choice(MFMA_MN)
    transposed = True if (m, n) == (64, 4) else rng.random() < 0.5
    return dict(
        version=rng.randint(1, 4),
        wpc=split(rng, pow2(rng, 1, 8), rank),
        instr=[m, n, rng.choice([4, 8, 16, 32])],
        transposed=transposed,
        cga=rand_cga(rng, rank),
        tiles=[pow2(rng, 1, 2) for _ in range(rank)],
        ebw=rng.choice([32, 32, 64]),
    )


WMMA_K = {1: [16], 2: [16, 32], 3: [4, 32, 64, 128]}


def rand_wmma(rng, rank=None):
    rank = rank or rng.choice([2, 2, 3])
    v = rng.randint(1, 3)
    return dict(
        version=v,
        transposed=rng.random() < 0.5,
        wpc=split(rng, pow2(rng, 1, 8), rank),
        tiles=[pow2(rng, 1, 2) for _ in range(rank)],
        cga=rand_cga(rng, rank),
        instr=[16, 16, rng.choice(WMMA_K[v])],
    )


def wmma_shape(rng, rank):
    # WMMA needs M and N to be 1 or >= 16.
    s = rand_shape(rng, rank)
    for d in (rank - 2, rank - 1):
        if 1 < s[d] < 16:
            s[d] = 16
    return s


def test_amd_mfma():
    rng = random.Random(21)
    for _ in range(N):
        p = rand_mfma(rng)
        check(O.amd_mfma(**p), rand_shape(rng, len(p["wpc"])))


def test_amd_mfma_dot_op():
    rng = random.Random(22)
    for _ in range(N):
        p = rand_mfma(rng)
        attr = O.dot_op(rng.choice([0, 1]), O.amd_mfma(**p), pow2(rng, 1, 16))
        check(attr, rand_shape(rng, len(p["wpc"])))


# Triton 3.7+ builds and prints #ttg.amd_wmma from CTA bases (ctaLayout =
# {register, warp}); these tests drive the 3.6 parameters.
WMMA_3_6 = pytest.mark.xfail(O.AFTER_3_6, strict=True, raises=TypeError,
                             reason="Triton 3.7+ parametrizes amd_wmma by ctaLayout bases")


@WMMA_3_6
def test_amd_wmma():
    rng = random.Random(23)
    for _ in range(N):
        p = rand_wmma(rng)
        check(O.amd_wmma(**p), wmma_shape(rng, len(p["wpc"])))


@WMMA_3_6
def test_amd_wmma_dot_op():
    rng = random.Random(24)
    kw = {1: [8, 16], 2: [4, 8, 16], 3: [2, 8, 16]}
    for _ in range(N):
        p = rand_wmma(rng)
        attr = O.dot_op(rng.choice([0, 1]), O.amd_wmma(**p), rng.choice(kw[p["version"]]))
        check(attr, wmma_shape(rng, len(p["wpc"])))


def test_slice_of_amd():
    rng = random.Random(25)
    for _ in range(N // 2):
        wmma = rng.random() >= 0.5 and not O.AFTER_3_6  # see WMMA_3_6
        parent = O.amd_wmma(**rand_wmma(rng, rank=2)) if wmma else O.amd_mfma(**rand_mfma(rng, rank=2))
        check(O.slice_(rng.randrange(2), parent), [pow2(rng, 16, 256)])


# --- shared memory ------------------------------------------------------------


def check_shared(attr, shape, bits=16):
    text = O.shared_text(attr, shape, bits)
    want_bases, want_outs = O.shared_ll(attr, shape, bits)
    got = ll.from_triton(text, shape)
    assert got.bases == want_bases, f"{text} on {shape}:\n ours   {got.bases}\n triton {want_bases}"
    assert got.out_dims == want_outs
    return text


def test_swizzled_shared():
    rng = random.Random(31)
    for _ in range(N):
        rank = rng.choice([1, 2, 2, 3])
        attr = O.swizzled_shared(pow2(rng, 1, 16), pow2(rng, 1, 8), pow2(rng, 1, 16), rand_order(rng, rank), rand_cga(rng, rank))
        check_shared(attr, rand_shape(rng, rank, hi=128))


def test_nvmma_shared():
    rng = random.Random(32)
    done = 0
    while done < N:
        rank = rng.choice([2, 2, 3])
        swz = rng.choice([0, 32, 64, 128])
        ebw = rng.choice([8, 16, 32])
        transposed = rng.random() < 0.3
        fp4 = ebw == 8 and rng.random() < 0.3
        cga = rand_cga(rng, rank, max_bits=1)
        shape = rand_shape(rng, rank, lo=1, hi=512, max_elems=1 << 17)
        # Keep to shapes Triton accepts (it aborts otherwise): >= 8 rows and a
        # contiguous dim at least as wide as the swizzle, per CTA.
        split_ = [1] * rank
        for b in cga:
            for d, x in enumerate(b):
                if x:
                    split_[d] *= 2
                    break
        spc = [max(1, s // k) for s, k in zip(shape, split_)]
        cd = 0 if transposed else rank - 1
        contig = min(256, spc[cd] * (2 if fp4 else 1))
        rows = 1
        for d in range(rank):
            if d != cd:
                rows *= min(256, spc[d])
        if swz and (contig < 8 * swz // ebw or rows < 8):
            continue
        if swz and transposed and rank == 3:
            continue
        if O.AFTER_3_6 and transposed and not swz:
            continue  # 3.7+ lays these out column-major (3.6: row-major)
        check_shared(O.nvmma_shared(swz, ebw, transposed, fp4, cga, rank), shape, ebw)
        done += 1


def test_shared_linear():
    rng = random.Random(33)
    done = 0
    while done < N:
        rank = rng.choice([1, 2, 3])
        sizes = rand_shape(rng, rank, hi=64)
        units = [[(1 << i) if d == dd else 0 for dd in range(rank)] for d in range(rank) for i in range(sizes[d].bit_length() - 1)]
        # Blocks take the most significant bit of some dims (CTA tiles).
        block = []
        for d in range(rank):
            if sizes[d] > 1 and rng.random() < 0.2:
                top = [0] * rank
                top[d] = sizes[d] // 2
                block.append(top)
                units.remove(top)
        rng.shuffle(units)
        # Mixed (swizzle-like) bases: xor a smaller offset basis into some.
        offs = [list(u) for u in units]
        for i in range(1, len(offs)):
            if rng.random() < 0.3:
                j = rng.randrange(i)
                if max(offs[j]) < max(offs[i]) or sum(offs[j]) < sum(offs[i]):
                    offs[i] = [a ^ b for a, b in zip(offs[i], offs[j])]
        if not offs:
            continue
        try:
            attr = O.shared_linear(offs, block, rng.choice([16, 64, 128]))
        except RuntimeError:
            continue  # Triton's verifier rejected the mix (not bijective)
        check_shared(attr, sizes)
        done += 1


def test_padded_shared():
    rng = random.Random(34)
    for _ in range(N):
        rank = rng.choice([1, 2, 3])
        shape = rand_shape(rng, rank, hi=64)
        units = [[(1 << i) if d == dd else 0 for dd in range(rank)] for d in range(rank) for i in range(shape[d].bit_length() - 1)]
        block = []
        d = rng.randrange(rank)
        if shape[d] > 1 and rng.random() < 0.3:  # one CTA split: the top bit of a dim
            top = [0] * rank
            top[d] = shape[d] // 2
            block.append(top)
            units.remove(top)
        if block or rng.random() < 0.7:
            rng.shuffle(units)
        else:  # identity bases: Triton prints the short {order, shape} form
            units.sort(key=lambda u: [-(i for i, x in enumerate(u) if x).__next__(), max(u)])
        if not units:
            continue
        if O.AFTER_3_6 and block:
            continue  # 3.7+ aborts: "Layout is expected to be surjective"
        attr = O.padded_shared([pow2(rng, 8, 256)], [pow2(rng, 1, 16)], units, block, shape)
        check_shared(attr, shape)


def test_legacy_cta_layout_form():
    """The pre-3.6 `CTAsPerCGA / CTASplitNum / CTAOrder` parameters mean the
    CGA bases Triton's own converter (gluon_ir.make_cga_layout) derives."""
    from triton._C.libtriton import gluon_ir

    rng = random.Random(41)
    for _ in range(200):
        rank = rng.choice([2, 3])
        ctas = split(rng, pow2(rng, 1, 8), rank)
        split_ = [pow2(rng, 1, c) for c in ctas]
        order = rand_order(rng, rank)
        bases = gluon_ir.make_cga_layout(ctas, split_, order)
        p = rand_blocked(rng, rank)
        p["cga"] = bases
        shape = rand_shape(rng, rank)
        want_bases, want_outs = O.distributed_ll(O.blocked(**p), shape)
        legacy = (
            f"#triton_gpu.blocked<{{sizePerThread = {p['spt']}, threadsPerWarp = {p['tpw']}, "
            f"warpsPerCTA = {p['wpc']}, order = {p['order']}, CTAsPerCGA = {ctas}, "
            f"CTASplitNum = {split_}, CTAOrder = {order}}}>"
        )
        got = ll.from_triton(legacy, shape)
        bases = got.bases
        if O.AFTER_3_6:  # 3.7+ drops the repeated registers
            bases, want_bases = O.drop_zero_registers(bases), O.drop_zero_registers(want_bases)
        assert bases == want_bases, legacy
        assert got.out_dims == want_outs


@pytest.mark.xfail(O.TRITON_3_8, strict=True,
                   reason="Gluon 3.8+ counts other bank conflicts (e.g. 7 where 3.6 and we count 15); not analysed")
def test_bank_conflicts_match_gluon():
    """linear_layouts.bank_conflicts == Gluon's get_shared_bank_conflicts."""
    b = O.builder()
    rng = random.Random(51)
    compared = 0
    while compared < N:
        rank = rng.choice([2, 2, 3])
        kind = rng.random()
        if kind < 0.7 or rank == 3:
            reg = O.blocked(**{**rand_blocked(rng, rank), "cga": []})
        else:
            reg = O.nvidia_mma(**{**rand_mma(rng, rank=2, version=2), "cga": []})
        shape = rand_shape(rng, rank, lo=4, hi=128)
        bits = rng.choice([8, 16, 32, 64])
        n = 1
        for s in shape:
            n *= s
        if n * bits < 1024:
            continue  # Triton aborts on tensors under 128 bytes
        u = rng.random()
        if u < 0.6:
            sh = O.swizzled_shared(pow2(rng, 1, 16), pow2(rng, 1, 8), pow2(rng, 1, 16), rand_order(rng, rank))
        else:
            sh = O.swizzled_shared(1, 1, 1, rand_order(rng, rank))
        want = b.get_shared_bank_conflicts(reg, sh, shape, bits)
        R = ll.from_triton(O.text_of(reg, rank), shape)
        S = ll.from_triton(O.shared_text(sh, shape), shape)
        assert ll.bank_conflicts(R, S, bits) == want, (O.text_of(reg, rank), O.shared_text(sh, shape), shape, bits)
        compared += 1
