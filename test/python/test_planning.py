"""Conversion plans, executed by the SIMT simulator (test/python/simt.py).

Every plan the planner emits for >= 10,000 random conversion pairs per run
(layout families and random linear layouts; 8/16/32/64-bit elements; 1-8
warps; warp size 32 and 64) must move every element to where the destination
layout wants it, and the wavefronts the simulator counts per instruction must
equal the plan's prediction.
"""

from __future__ import annotations

import os
import random

import pytest

import linear_layouts as ll
from linear_layouts import _core
from simt import conflict_free_possible, simulate

PAIRS = int(os.environ.get("LL_SIM_PAIRS", "10000"))


def pow2(rng, lo, hi):
    return 1 << rng.randint(lo.bit_length() - 1, hi.bit_length() - 1)


def split(rng, total, rank):
    parts = [1] * rank
    for _ in range(total.bit_length() - 1):
        parts[rng.randrange(rank)] *= 2
    return parts


def random_linear(rng, shape, lanes, warps):
    """A random distributed layout of `shape`: the tensor's unit bases
    spread over registers, lanes and warps (lanes and warps first), with
    broadcast (zero) lane/warp bases where the tensor is too small."""
    rank = len(shape)
    units = [[(1 << i) if d == dd else 0 for dd in range(rank)] for d in range(rank) for i in range(shape[d].bit_length() - 1)]
    rng.shuffle(units)
    nl, nw = lanes.bit_length() - 1, warps.bit_length() - 1
    lane_b, warp_b = [], []
    zero = [0] * rank
    for _ in range(nl):
        lane_b.append(units.pop() if units and rng.random() < 0.9 else zero)
    for _ in range(nw):
        warp_b.append(units.pop() if units and rng.random() < 0.8 else zero)
    # Whatever is left goes to registers (so the layout stays surjective).
    reg_b = units
    if rng.random() < 0.2:
        reg_b = reg_b + [zero]  # a replicated register
    copies = [b for b in reg_b + lane_b if any(b)]
    if copies and rng.random() < 0.1:
        reg_b = reg_b + [rng.choice(copies)]  # a register repeating another basis
    rng.shuffle(lane_b)
    return ll.LinearLayout.from_bases(
        {"register": reg_b, "lane": lane_b, "warp": warp_b, "block": []}, {f"dim{i}": s for i, s in enumerate(shape)}
    )


def random_blocked(rng, shape, lanes, warps):
    rank = len(shape)
    order = list(range(rank))
    rng.shuffle(order)
    spt = [pow2(rng, 1, 4) for _ in range(rank)]
    text = (
        f"#ttg.blocked<{{sizePerThread = {spt}, threadsPerWarp = {split(rng, lanes, rank)}, "
        f"warpsPerCTA = {split(rng, warps, rank)}, order = {order}}}>"
    )
    return ll.from_triton(text, shape)


def random_mma(rng, shape, lanes, warps):
    if lanes != 32 or len(shape) != 2:
        return random_blocked(rng, shape, lanes, warps)
    wpc = split(rng, warps, 2)
    text = f"#ttg.nvidia_mma<{{versionMajor = 2, versionMinor = 0, warpsPerCTA = {wpc}, instrShape = [16, 8]}}>"
    if rng.random() < 0.3:
        k = pow2(rng, 1, 4)
        text = f"#ttg.dot_op<{{opIdx = {rng.randrange(2)}, parent = {text}, kWidth = {k}}}>"
    return ll.from_triton(text, shape)


def random_mfma(rng, shape, lanes, warps):
    if lanes != 64 or len(shape) != 2:
        return random_blocked(rng, shape, lanes, warps)
    m = rng.choice([16, 32])
    text = (
        f"#ttg.amd_mfma<{{version = 3, warpsPerCTA = {split(rng, warps, 2)}, instrShape = [{m}, {m}, 8], "
        f"isTransposed = {str(rng.random() < 0.5).lower()}}}>"
    )
    return ll.from_triton(text, shape)


def random_slice(rng, shape, lanes, warps):
    parent_shape = list(shape) + [pow2(rng, 1, 8)]
    parent = random_blocked(rng, parent_shape, lanes, warps)
    text = None  # slice of a random blocked layout, built through the core
    b = parent.bases
    # Project the last dim away and drop zero registers (what slice does).
    proj = {k: [v[:-1] for v in vs if k != "register" or any(v[:-1])] for k, vs in b.items()}
    del text
    return ll.LinearLayout.from_bases(proj, {f"dim{i}": s for i, s in enumerate(shape)})


MAKERS = [random_linear, random_blocked, random_mma, random_mfma, random_slice]


def random_target_shape(rng, warps=(1, 2, 4, 8), ranks=(1, 2, 2, 3), below=3, above=2):
    """A target, its lanes per warp, a warp count and a shape (a rank from
    `ranks`, powers of two) of 2^-below to 2^above times lanes * warps
    elements, drawn in that order (the random kernels of the codegen tests)."""
    target = rng.choice(["sm_80", "sm_90", "gfx942"])
    lanes = 64 if target.startswith("gfx") else 32
    warps = rng.choice(warps)
    rank = rng.choice(ranks)
    bits = (lanes * warps).bit_length()
    total = 1 << rng.randint(max(0, bits - below), bits + above)
    shape = [1] * rank
    for _ in range(total.bit_length() - 1):
        shape[rng.randrange(rank)] *= 2
    return target, lanes, warps, shape


def permute_registers(rng, layout):
    b = dict(layout.bases)
    regs = list(b["register"])
    rng.shuffle(regs)
    b["register"] = regs
    return ll.LinearLayout.from_bases(b, layout.out_dims)


def mix_coordinates(rng, layouts):
    """The same random invertible map on the tensor's bits applied to every
    layout: the conversion stays the same problem, but bases stop being unit
    vectors (and may span several dims)."""
    outs = layouts[0].out_dims
    widths = [int(v).bit_length() - 1 for v in outs.values()]
    n = sum(widths)
    ops = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(1, 2 * n))]

    def mix(basis):
        v, shift = 0, 0
        for c, w in zip(basis, widths):
            v |= int(c) << shift
            shift += w
        for i, j in ops:
            if i != j and (v >> j) & 1:
                v ^= 1 << i
        out, shift = [], 0
        for w in widths:
            out.append((v >> shift) & ((1 << w) - 1))
            shift += w
        return out

    return [
        ll.LinearLayout.from_bases({k: [mix(b) for b in vs] for k, vs in l.bases.items()}, dict(outs), False)
        for l in layouts
    ]


def swap_register_and_lane(rng, layout):
    b = {k: list(v) for k, v in layout.bases.items()}
    if b["register"] and b["lane"]:
        i, j = rng.randrange(len(b["register"])), rng.randrange(len(b["lane"]))
        b["register"][i], b["lane"][j] = b["lane"][j], b["register"][i]
    return ll.LinearLayout.from_bases(b, layout.out_dims, require_surjective=False)


def replicate_into_registers(rng, layout, dims):
    """`layout` with the bases of `dims` (lane / warp) moved into registers
    and replaced by zeros: every thread (warp) holds all that its lanes
    (warps) held — the source of a thread-local (warp-local) conversion to
    `layout`, or a replicated destination from it."""
    b = {k: list(v) for k, v in layout.bases.items()}
    zero = [0] * len(layout.out_dims)
    for d in dims:
        for i, basis in enumerate(b[d]):
            if any(basis):
                b["register"].insert(rng.randint(0, len(b["register"])), basis)
                b[d][i] = zero
    return ll.LinearLayout.from_bases(b, layout.out_dims, require_surjective=False)


def random_pair(rng):
    lanes = rng.choice([32, 32, 64])
    warps = pow2(rng, 1, 8)
    rank = rng.choice([1, 2, 2, 2, 3])
    total_bits = rng.randint(5, 12)
    shape = split(rng, 1 << total_bits, rank)
    src = rng.choice(MAKERS)(rng, shape, lanes, warps)
    dst = rng.choice(MAKERS)(rng, shape, lanes, warps)
    u = rng.random()
    if u < 0.1:
        dst = permute_registers(rng, src)
    elif u < 0.2:
        dst = swap_register_and_lane(rng, src)
    elif u < 0.3:
        # A source replicated across lanes and/or warps: thread-local
        # (select) plans, warp-local shuffles whose warps differ, and, the
        # other way round, replicated destinations.
        rep = replicate_into_registers(rng, dst, rng.choice([["lane"], ["warp"], ["lane", "warp"]]))
        if rng.random() < 0.3:
            rep = swap_register_and_lane(rng, rep)
        src, dst = (rep, dst) if rng.random() < 0.7 else (dst, rep)
    if rng.random() < 0.1:
        src, dst = mix_coordinates(rng, [src, dst])
    if lanes == 32:
        target = rng.choice(["sm_80", "sm_90"])
    else:
        target = rng.choice(["gfx942", "gfx950"])
    return src, dst, rng.choice([8, 16, 32, 64]), target


def check_plan(plan, check_all_instructions=True):
    sim = simulate(plan, check_all_instructions)
    assert sim.mismatches == 0, f"{sim.mismatches} wrong registers\n{plan}\nsrc={plan.src!r}\ndst={plan.dst!r}"
    if plan.kind == "shared":
        assert sim.store_wavefronts == {plan.store_wavefronts}, (sim.store_wavefronts, str(plan))
        assert sim.load_wavefronts == {plan.load_wavefronts}, (sim.load_wavefronts, str(plan))
        # Conflict-free whenever the paper's bound allows it.
        if conflict_free_possible(plan):
            assert (plan.store_conflicts, plan.load_conflicts) == (0, 0), str(plan)
    # Shuffles (32-bit, packed sub-word values counted once) as the plan says.
    assert sim.shuffles == plan.cost["shuffles"], (sim.shuffles, str(plan))
    return sim


def test_random_conversions_simulate_exactly():
    rng = random.Random(int(os.environ.get("LL_SIM_SEED", "7")))
    kinds = {}
    done = 0
    while done < PAIRS:
        src, dst, bits, target = random_pair(rng)
        if src.in_dims != dst.in_dims:
            continue
        # Half of the pairs go through shared memory whatever their kind, so
        # every planner path meets every family.
        plan = _core.plan_conversion(src, dst, bits, target, force_shared=rng.random() < 0.5)
        check_plan(plan, check_all_instructions=done % 10 == 0)
        kinds[plan.kind] = kinds.get(plan.kind, 0) + 1
        if plan.kind == "shared" and plan.exchange is not None:
            kinds["exchange"] = kinds.get("exchange", 0) + 1
        if plan.kind == "shared" and bits < 32 and done % 4 == 0:
            # The least-traffic plan (sub-word exchanges around the buffer,
            # which the cycle model seldom prefers) runs too.
            # (Least traffic, not conflict-free instructions, is its objective.)
            tf = _core.plan_conversion(src, dst, bits, target, force_shared=True, traffic_first=True)
            assert simulate(tf, False).mismatches == 0, str(tf)
            if tf.exchange is not None:
                kinds["exchange"] = kinds.get("exchange", 0) + 1
        if plan.kind == "shuffle" and any(any(b) for d in ("warp", "block") for b in plan.shuffle_src_lane.bases.get(d, []) + plan.shuffle_send_register.bases.get(d, [])):
            kinds["warp-dependent shuffle"] = kinds.get("warp-dependent shuffle", 0) + 1
        dst_free = plan.dst.free_variable_masks()
        if dst_free.get("lane", 0) or dst_free.get("warp", 0):
            kinds["replicated destination"] = kinds.get("replicated destination", 0) + 1
        if plan.kind == "shared":
            if plan.store_vector_width != plan.load_vector_width:
                kinds["one-sided vector"] = kinds.get("one-sided vector", 0) + 1
            for instr in {plan.store_instr, plan.load_instr} - {"st.shared", "ld.shared"}:
                kinds[instr] = kinds.get(instr, 0) + 1
            if plan.store_masks.get("lane", 0) != plan.src.free_variable_masks().get("lane", 0):
                kinds["rotated"] = kinds.get("rotated", 0) + 1
        done += 1
    print("plan kinds simulated:", kinds)
    if PAIRS >= 1000:
        assert kinds.get("shared", 0) > PAIRS // 3 and kinds.get("shuffle", 0) > 0 and kinds.get("registers", 0) > 0, kinds
        for k in ("select", "warp-dependent shuffle", "replicated destination", "one-sided vector"):
            assert kinds.get(k, 0) > PAIRS // 200, kinds
        assert kinds.get("exchange", 0) > 0, kinds
        # Every store and load instruction, and rotated stores, were simulated.
        for k in ("ldmatrix", "ldmatrix.trans", "stmatrix", "stmatrix.trans", "rotated"):
            assert kinds.get(k, 0) > 0, kinds


def transpose_16x32():
    # The paper's example (section 5.4): a 16x32 fp32 tile held by one warp,
    # stored by rows (lanes along columns) and read by columns.
    rows = ll.LinearLayout.from_bases(
        {"register": [[1, 0], [2, 0], [4, 0], [8, 0]], "lane": [[0, 1], [0, 2], [0, 4], [0, 8], [0, 16]], "warp": [], "block": []},
        ["dim0", "dim1"],
    )
    cols = ll.LinearLayout.from_bases(
        {"register": [[0, 2], [0, 4], [0, 8], [0, 16]], "lane": [[1, 0], [2, 0], [4, 0], [8, 0], [0, 1]], "warp": [], "block": []},
        ["dim0", "dim1"],
    )
    return rows, cols


def test_paper_transpose_is_conflict_free():
    rows, cols = transpose_16x32()
    # Within one warp this could be shuffles; the paper does it in shared
    # memory.
    assert _core.plan_conversion(rows, cols, 32, "sm_90").kind == "shuffle"
    plan = _core.plan_conversion(rows, cols, 32, "sm_90", force_shared=True)
    assert plan.kind == "shared"
    check_plan(plan)
    # 2 KB each way in 16 wavefronts (conflict-free): 16 stores and 16 loads
    # of 32 lanes x 4 bytes, or 4 stmatrix / ldmatrix of 4 wavefronts.
    assert (plan.store_conflicts, plan.load_conflicts) == (0, 0)
    assert plan.cost["store_wavefronts"] == 16 and plan.cost["load_wavefronts"] == 16
    plain = _core.plan_conversion(rows, cols, 32, "sm_90", force_shared=True, matrix_instructions=False)
    check_plan(plain)
    assert (plain.store_access, plain.load_access) == ("plain", "plain")
    # The paper's traffic: 16 scalar stores of one wavefront; the loads read
    # 4 of a thread's column elements as one 16-byte vector (one-sided: they
    # are 4 lanes on the store side), 4 loads of 4 wavefronts instead of 16.
    assert (plain.store_wavefronts, plain.load_wavefronts) == (1, 4)
    assert (plain.cost["shared_stores"], plain.cost["shared_loads"]) == (16, 4)
    assert plain.cost["store_wavefronts"] == 16 and plain.cost["load_wavefronts"] == 16
    # Unswizzled, reading columns of a row-major tile hits one bank 16 times.
    row_major = ll.LinearLayout.from_bases({"offset": [[0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [1, 0], [2, 0], [4, 0], [8, 0]]}, ["dim0", "dim1"])
    assert _core.analyze_shared_access(cols, row_major, 32, "sm_90")["wavefronts"] == 16
    swizzle = _core.optimal_swizzle(rows, cols, 32, "sm_90")
    for side in (rows, cols):
        assert _core.analyze_shared_access(side, swizzle, 32, "sm_90", max_vector_width=1)["conflicts"] == 0


def test_register_and_shuffle_plans():
    rows, _ = transpose_16x32()
    # Registers reversed: a pure renaming.
    rev = ll.LinearLayout.from_bases(
        {"register": [[8, 0], [4, 0], [2, 0], [1, 0]], "lane": rows.bases["lane"], "warp": [], "block": []}, ["dim0", "dim1"]
    )
    p = _core.plan_conversion(rows, rev, 32, "sm_80")
    assert p.kind == "registers" and p.cost["register_moves"] == 16
    check_plan(p)
    # Exchange one register bit with one lane bit: within the warp.
    swap = ll.LinearLayout.from_bases(
        {"register": [[0, 1], [2, 0], [4, 0], [8, 0]], "lane": [[1, 0], [0, 2], [0, 4], [0, 8], [0, 16]], "warp": [], "block": []},
        ["dim0", "dim1"],
    )
    p = _core.plan_conversion(rows, swap, 32, "sm_80")
    # Lanes 0 and 1 would read one sender for different registers; the
    # rotated schedule has them fill different registers from different
    # senders instead: one shuffle per destination register, no sub-rounds.
    assert p.kind == "shuffle" and p.sub_rounds == 1 and p.shuffle_rounds == 16 and p.rounds == 0
    assert p.shuffle_dst_register.bases["lane"][0] != [0]
    sim = check_plan(p)
    # Half of the values stay in their lane (the swapped bits agree): in 8
    # of the 16 rounds every lane reads itself, a register copy.
    assert sim.shuffles == 8 and p.cost["shuffles"] == 8


def test_plans_are_typed_by_kind():
    """A plan carries only its kind's fields: another kind's field is an
    AttributeError naming both kinds; the instruction names come from the
    target, the access kinds are target-neutral."""
    rows, cols = transpose_16x32()
    rev = ll.LinearLayout.from_bases(
        {"register": [[8, 0], [4, 0], [2, 0], [1, 0]], "lane": rows.bases["lane"], "warp": [], "block": []}, ["dim0", "dim1"]
    )
    regs = _core.plan_conversion(rows, rev, 32, "sm_80")
    shuffle = _core.plan_conversion(rows, cols, 32, "sm_90")
    shared = _core.plan_conversion(rows, cols, 32, "sm_90", force_shared=True)
    assert (regs.kind, shuffle.kind, shared.kind) == ("registers", "shuffle", "shared")
    # Register bits reversed: destination register r is source register
    # bitreverse(r).
    assert [regs.register_map.apply({"register": r})["register"] for r in range(16)] == [int(f"{r:04b}"[::-1], 2) for r in range(16)]
    with pytest.raises(AttributeError, match="this is a registers plan; shuffle_src_lane belongs to shuffle plans"):
        regs.shuffle_src_lane
    with pytest.raises(AttributeError, match="this is a shuffle plan; store_address belongs to shared plans"):
        shuffle.store_address
    with pytest.raises(AttributeError, match="this is a shared plan; select_map belongs to select plans"):
        shared.select_map
    assert not hasattr(shuffle, "exchange") and hasattr(shared, "exchange")
    # Fields every plan has.
    for p in (regs, shuffle, shared):
        assert p.scratch_bytes == p.cost["scratch_bytes"]
    # One shuffle per destination register (16), one round through the buffer:
    # each name counts one thing.
    assert (regs.rounds, shuffle.rounds, shared.rounds) == (0, 0, 1)
    assert (regs.shuffle_rounds, shuffle.shuffle_rounds, shared.shuffle_rounds) == (0, 16, 0)
    # ldmatrix / stmatrix are NVIDIA's names for the matrix accesses; the
    # plan itself says "matrix".
    accesses = {shared.store_access, shared.load_access}
    assert accesses <= {"plain", "matrix", "matrix_transposed"}
    for access, instr, names in (
        (shared.store_access, shared.store_instr, {"plain": "st.shared", "matrix": "stmatrix", "matrix_transposed": "stmatrix.trans"}),
        (shared.load_access, shared.load_instr, {"plain": "ld.shared", "matrix": "ldmatrix", "matrix_transposed": "ldmatrix.trans"}),
    ):
        assert instr == names[access]
    # On gfx942 (64-lane waves) the same accesses are ds_write / ds_read.
    wave64 = ll.LinearLayout.from_bases(
        {"register": [[1, 0], [2, 0], [4, 0]], "lane": [[0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [8, 0]], "warp": [], "block": []},
        ["dim0", "dim1"],
    )
    wave64_t = ll.LinearLayout.from_bases(
        {"register": [[0, 1], [0, 2], [0, 4]], "lane": [[1, 0], [2, 0], [4, 0], [8, 0], [0, 8], [0, 16]], "warp": [], "block": []},
        ["dim0", "dim1"],
    )
    amd = _core.plan_conversion(wave64, wave64_t, 32, "gfx942", force_shared=True)
    check_plan(amd)
    assert (amd.store_access, amd.load_access) == ("plain", "plain")
    assert (amd.store_instr, amd.load_instr) == ("ds_write", "ds_read")
    assert "ds_write" in str(amd) and "st.shared" not in str(amd)


def test_broadcast_source_is_stored_once():
    # A slice-like source: 64 elements, lanes 0-1 and warps broadcast.
    src = ll.LinearLayout.from_bases(
        {"register": [[1], [32]], "lane": [[0], [2], [4], [8], [16]], "warp": [[0], [0]], "block": []}, ["dim0"]
    )
    dst = ll.LinearLayout.from_bases(
        {"register": [[32]], "lane": [[1], [2], [4], [8], [16]], "warp": [[0], [0]], "block": []}, ["dim0"]
    )
    p = _core.plan_conversion(src, dst, 32, "sm_90", force_shared=True)
    # Warps 1-3 hold copies and skip. Lanes 2k and 2k+1 hold the same two
    # registers: rotated stores have the odd lane store register 1 while the
    # even one stores register 0, so every lane stores and register bit 0
    # is no longer a store slot (one select per stored value).
    assert p.store_masks["warp"] == 0b11 and p.store_masks["lane"] == 0
    assert p.store_masks["register"] == 0b1
    assert p.store_register.bases["lane"] == [[1], [0], [0], [0], [0]]
    assert p.cost["shared_stores"] == 1 and p.cost["register_moves"] == 2
    check_plan(p)
    assert p.scratch_bytes == 64 * 4


def test_rotated_stores_reach_the_minimum():
    # col_stats: a row-sum result (slice of a [1, 32] blocked parent) where
    # all 32 lanes hold the same 32 values, stored for a 1D blocked layout.
    # One lane storing all 32 values one by one takes 32 store wavefronts
    # per warp; rotated, lane l stores register l: one 128-byte wavefront.
    shape = [128]
    src = ll.from_triton(
        "#ttg.slice<{dim = 1, parent = #ttg.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 32], "
        "warpsPerCTA = [4, 2], order = [1, 0]}>}>",
        shape,
    )
    dst = ll.from_triton("#ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [8], order = [0]}>", shape)
    # Least traffic (the paper's objective): rotated stores.
    p = ll.plan_conversion(src, dst, 32, "sm_80", traffic_first=True)
    assert p.kind == "shared" and p.store_masks["lane"] == 0
    assert p.cost["shared_stores"] == 1 and p.cost["store_wavefronts"] == 1
    assert p.cost["register_moves"] == 31  # a 32-way select tree
    sim = check_plan(p)
    assert sim.store_wavefronts == {1}
    # The default (fewest cycles): one lane stores the 32 values as 8
    # 128-bit vectors, 8 wavefronts but no selects: 8 * (1 + 4) = 40 store
    # cycles against 1 + 4 + 31 * (1 + 2) = 98.
    q = ll.plan_conversion(src, dst, 32, "sm_80")
    assert (q.cost["shared_stores"], q.store_vector_width, q.cost["store_wavefronts"]) == (8, 4, 8)
    assert q.cost["register_moves"] == 0 and q.cost["cycles"] == p.cost["cycles"] - 58
    check_plan(q)


def test_errors():
    rows, cols = transpose_16x32()
    with pytest.raises(ll.LayoutError, match="target 'sm_10' is not supported"):
        _core.plan_conversion(rows, cols, 32, "sm_10")
    with pytest.raises(ll.LayoutError, match="unknown target 'hopper'"):
        _core.plan_conversion(rows, cols, 32, "hopper")
    with pytest.raises(ll.LayoutError, match="bitwidth"):
        _core.plan_conversion(rows, cols, 12, "sm_90")
    with pytest.raises(ll.LayoutError, match="different tensors"):
        _core.plan_conversion(rows, ll.LinearLayout.identity_1d(4, "register", "dim0"), 32, "sm_90")
    two_ctas = ll.LinearLayout.from_bases({"register": [[1]], "block": [[2]]}, ["dim0"])
    swapped = ll.LinearLayout.from_bases({"register": [[2]], "block": [[1]]}, ["dim0"])
    with pytest.raises(ll.LayoutError, match="cross-CTA"):
        _core.plan_conversion(two_ctas, swapped, 32, "sm_90")


def test_random_gathers_simulate_exactly():
    import numpy as np

    from simt import simulate_gather

    rng = random.Random(17)
    nrng = np.random.default_rng(17)
    kinds = {}
    for _ in range(300):
        lanes = rng.choice([32, 64])
        warps = pow2(rng, 1, 4)
        rank = rng.choice([1, 2, 2])
        shape = split(rng, 1 << rng.randint(5, 10), rank)
        axis = rng.randrange(rank)
        src = rng.choice([random_linear, random_blocked])(rng, shape, lanes, warps)
        ishape = list(shape)
        ishape[axis] = pow2(rng, 1, 64)
        index = rng.choice([random_linear, random_blocked])(rng, ishape, lanes, warps)
        if rng.random() < 0.5:
            # Same warp split of the other dims: warp-local gathers.
            b = {k: list(v) for k, v in index.bases.items()}
            sb = src.bases
            ok = all(v[axis] == 0 for v in sb["warp"]) and len(sb["warp"]) == len(b["warp"])
            if ok:
                b["warp"] = [list(v) for v in sb["warp"]]
                try:
                    index = ll.LinearLayout.from_bases(b, {f"dim{i}": s for i, s in enumerate(ishape)}, require_surjective=False)
                except ll.LayoutError:
                    pass
        plan = _core.plan_gather(src, index, axis, rng.choice([16, 32]), "sm_90" if lanes == 32 else "gfx942")
        assert simulate_gather(plan, nrng) == 0, (plan.kind, repr(src), repr(index), axis)
        kinds[plan.kind] = kinds.get(plan.kind, 0) + 1
    assert kinds.get("shuffle", 0) > 20 and kinds.get("shared", 0) > 20, kinds


def test_global_vector_width():
    # 4 contiguous fp16 per thread along dim1: 64-bit accesses; along dim0: 1.
    b = ll.from_triton("#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>", [64, 64])
    assert ll.global_vector_width(b, 1, 16) == 4
    assert ll.global_vector_width(b, 0, 16) == 1
    # Capped at 128 bits and at the pointers' contiguity.
    wide = ll.from_triton("#ttg.blocked<{sizePerThread = [1, 16], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>", [64, 64])
    assert ll.global_vector_width(wide, 1, 16) == 8
    assert ll.global_vector_width(wide, 1, 8) == 16
    assert ll.global_vector_width(wide, 1, 16, max_contiguous=2) == 2
    # The paper's [128, 1] case: the column is contiguous and each thread
    # holds 4 consecutive elements of it.
    col = ll.from_triton("#ttg.blocked<{sizePerThread = [4, 1], threadsPerWarp = [32, 1], warpsPerCTA = [1, 1], order = [0, 1]}>", [128, 1])
    assert ll.global_vector_width(col, 0, 32) == 4
    # Replicated registers do not break a vector: 2 copies of each element.
    rep = ll.LinearLayout.from_bases({"register": [[1], [0], [2]], "lane": [[4], [8], [16], [32], [64]]}, ["dim0"])
    assert ll.global_vector_width(rep, 0, 32) == 4


class _Reordered:
    """A plan whose program is replaced (everything else delegated)."""

    def __init__(self, plan, program):
        self._plan, self.program = plan, program

    def __getattr__(self, name):
        return getattr(self._plan, name)


def test_program_order_is_what_the_simulator_runs():
    """The simulator runs the plan's program: the same plan with a load moved
    before its barrier, or a round's store before the previous round was
    read, is rejected; the program itself passes."""
    src = ll.from_triton("#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>", [64, 64])
    dst = ll.from_triton("#ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>", [64, 64])
    plan = ll.plan_conversion(src, dst, 16, "sm_90")
    prog = plan.program
    assert [s["kind"] for s in prog][:4] == ["store", "barrier", "load", "barrier"] and plan.rounds == 4
    assert all(s["access"] == "matrix_transposed" for s in prog if s["kind"] in ("store", "load"))
    check_plan(plan)
    early_load = [prog[0], prog[2], prog[1]] + prog[3:]
    with pytest.raises(AssertionError, match="loaded before a barrier"):
        simulate(_Reordered(plan, early_load))
    no_reuse_barrier = prog[:3] + prog[4:] + [prog[3]]
    with pytest.raises(AssertionError, match="overwrites the buffer"):
        simulate(_Reordered(plan, no_reuse_barrier))


def test_explain_prints_the_program():
    """plan.steps (the C++ printer, one line per step) follows the plan's
    program: a store and a load line per round with the target's
    instruction and the steps' counts and widths, a barrier between, and
    the shuffle count of a shuffle plan."""
    B = "#ttg.blocked<{sizePerThread = [1, 8], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>"
    C = "#ttg.blocked<{sizePerThread = [8, 1], threadsPerWarp = [8, 4], warpsPerCTA = [1, 4], order = [0, 1]}>"
    B64 = "#ttg.blocked<{sizePerThread = [1, 8], threadsPerWarp = [8, 8], warpsPerCTA = [4, 1], order = [1, 0]}>"
    C64 = "#ttg.blocked<{sizePerThread = [8, 1], threadsPerWarp = [8, 8], warpsPerCTA = [1, 4], order = [0, 1]}>"
    for bits, target, budget, (src, dst) in ((16, "sm_90", None, (B, C)), (32, "sm_80", 65536, (B, C)),
                                              (16, "gfx942", None, (B64, C64))):
        p = ll.plan_conversion(src, dst, bits, target, shape=[64, 64], max_scratch_bytes=budget)
        assert p.kind == "shared"
        lines, prog = p.steps, [s for s in p.program if not s["exchange"]]
        stores = [ln for ln in lines if ": store " in ln]
        loads = [ln for ln in lines if ln.strip().startswith("load ")]
        assert len(stores) == len(loads) == p.rounds == sum(s["kind"] == "store" for s in prog)
        assert sum(ln.strip() == "barrier" for ln in lines) == sum(s["kind"] == "barrier" for s in prog)
        for ln, s in zip(stores, [s for s in prog if s["kind"] == "store"]):
            assert f"store {s['count']} x {s['vector_width']}x{bits}-bit ({p.store_instr}, {s['access']}" in ln
        for ln, s in zip(loads, [s for s in prog if s["kind"] == "load"]):
            assert f"load {s['count']} x {s['vector_width']}x{bits}-bit ({p.load_instr}, {s['access']}" in ln
        assert p.vector_width == min(p.store_vector_width, p.load_vector_width)
    rows, _ = transpose_16x32()
    swap = ll.LinearLayout.from_bases(
        {"register": [[0, 1], [2, 0], [4, 0], [8, 0]], "lane": [[1, 0], [0, 2], [0, 4], [0, 8], [0, 16]], "warp": [], "block": []},
        ["dim0", "dim1"],
    )
    s = _core.plan_conversion(rows, swap, 32, "sm_80")
    assert s.kind == "shuffle" and s.steps[0].startswith(f"{s.cost['shuffles']} shuffle(s)") and s.vector_width == 1
    assert ll.plan_conversion(B, B, 16, "sm_90", shape=[64, 64]).steps == ["nothing to do: the layouts are equal"]
