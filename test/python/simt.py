"""A SIMT simulator for conversion plans (test infrastructure).

Executes a plan for every thread of a CTA (every CTA of the cluster) on
concrete data: each source register holds the index of the tensor element the
source layout assigns it. Registers are renamed, values shuffled between
lanes, or written to and read from a shared memory with a bank model, exactly
as the plan's linear maps say. Afterwards every destination register must
hold the element the destination layout assigns it.

The bank model (NVIDIA-style, parameterised by the target): a warp-wide
access of `b` bytes per lane is served in phases of `wavefront_bytes / b`
consecutive lanes (32 lanes for accesses narrower than a bank word); within
a phase, lanes touching different 4-byte words of one bank serialize, and a
word read by several lanes is read once. Wavefronts of an instruction = the
sum over phases of the largest number of distinct words in one bank.

Nothing here calls the planner's own analysis: the simulator recomputes
everything from the plan's maps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIST = ("register", "lane", "warp", "block")


@dataclass
class SimResult:
    mismatches: int
    store_wavefronts: set  # distinct per-instruction wavefront counts seen
    load_wavefronts: set
    shuffles: int = 0
    store_total: int = 0  # wavefronts of all instructions of CTA 0 (check_all)
    load_total: int = 0


def _grid(layout, dims=DIST):
    sizes = [layout.in_dims.get(d, 1) for d in dims]
    return sizes


def _flat_index(values: dict, out_dims: dict) -> np.ndarray:
    idx = None
    for name, size in out_dims.items():
        v = values[name].astype(np.int64)
        idx = v if idx is None else idx * size + v
    return idx


def _eval(layout, **ins):
    """Flattened tensor index (or named outputs) of a layout on arrays."""
    arrays = [np.asarray(ins.get(d, 0)) for d in layout.in_dim_names]
    return layout.apply_array(*arrays)


def _values(layout, reg, lane, warp, block):
    out = _eval(layout, register=reg, lane=lane, warp=warp, block=block)
    return _flat_index(out, layout.out_dims)


def _bits(x, mask):
    return (np.asarray(x) & mask) != 0


def _wavefronts(offsets_by_lane: np.ndarray, active: np.ndarray, vec: int, bitwidth: int, warp_size: int, banks: int):
    """Wavefronts of one warp-wide instruction. offsets_by_lane[lane] is the
    element offset of the lane's first element; `active` masks lanes."""
    nbytes = max(1, vec * bitwidth // 8)
    lanes_pw = max(1, min(warp_size, banks * 4 // nbytes))
    total = 0
    for start in range(0, warp_size, lanes_pw):
        words_by_bank: dict[int, set] = {}
        for lane in range(start, min(start + lanes_pw, warp_size)):
            if not active[lane]:
                continue
            first_bit = int(offsets_by_lane[lane]) * bitwidth
            end_bit = first_bit + vec * bitwidth
            w = first_bit // 32
            while w * 32 < end_bit:
                words_by_bank.setdefault(w % banks, set()).add(w)
                w += 1
        total += max([len(s) for s in words_by_bank.values()] or [0])
    return total


def simulate(plan, check_all_instructions: bool = True) -> SimResult:
    src, dst = plan.src, plan.dst
    R_s, L, W, B = _grid(src)
    R_d = dst.in_dims.get("register", 1)
    assert dst.in_dims.get("lane", 1) == L and dst.in_dims.get("warp", 1) == W
    lane, warp, block = np.meshgrid(np.arange(L), np.arange(W), np.arange(B), indexing="ij")
    lane, warp, block = lane.ravel(), warp.ravel(), block.ravel()  # one entry per thread
    T = lane.size
    # Source registers: [thread, register] -> element index.
    src_regs = _values(src, np.arange(R_s)[None, :], lane[:, None], warp[:, None], block[:, None])
    want = _values(dst, np.arange(R_d)[None, :], lane[:, None], warp[:, None], block[:, None])
    got = np.full((T, R_d), -1, dtype=np.int64)
    res = SimResult(0, set(), set())

    if plan.kind == "shared":
        # The program: the sub-word exchange's steps (if any) before or after
        # the rounds of stores, barriers and loads, run in that order.
        program = plan.program
        flags = [s["exchange"] for s in program]
        first = flags.index(False)
        last = len(flags) - flags[::-1].index(False)
        assert not any(flags[first:last]), "exchange steps inside the shared-memory rounds"
        before, rounds, after = program[:first], program[first:last], program[last:]
        ex = plan.exchange
        assert (ex is not None) == bool(before or after) and (not before or not after)
        if before:
            assert plan.exchange_before and before == [dict(s, exchange=True) for s in ex.program]
            # Shuffle first (src -> ex.dst), then store ex.dst, load dst.
            mid_regs = _run_intra_warp(ex, src_regs, ex.dst.in_dims.get("register", 1), lane, warp, block, res)
            _simulate_shared(plan, rounds, mid_regs, got, lane, warp, block, res, check_all_instructions)
        elif after:
            assert not plan.exchange_before and after == [dict(s, exchange=True) for s in ex.program]
            mid = np.full((T, ex.src.in_dims.get("register", 1)), -1, dtype=np.int64)
            _simulate_shared(plan, rounds, src_regs, mid, lane, warp, block, res, check_all_instructions)
            got = _run_intra_warp(ex, mid, R_d, lane, warp, block, res)
        else:
            _simulate_shared(plan, rounds, src_regs, got, lane, warp, block, res, check_all_instructions)
    elif plan.kind in ("noop", "registers", "select", "shuffle"):
        got = _run_intra_warp(plan, src_regs, R_d, lane, warp, block, res)
    else:
        raise AssertionError(f"unknown plan kind {plan.kind}")
    res.mismatches = int(np.count_nonzero(got != want))
    return res


def _run_intra_warp(plan, src_regs, R_d, lane, warp, block, res):
    """Destination registers [thread, register] after a no-op, register or
    shuffle plan, from the source registers."""
    W = int(warp.max()) + 1
    B = int(block.max()) + 1
    got = np.full((lane.size, R_d), -1, dtype=np.int64)
    if plan.kind == "noop":
        assert src_regs.shape[1] == R_d
        return src_regs.copy()
    if plan.kind == "registers":
        for r in range(R_d):
            s = plan.register_map.apply({"register": r})["register"]
            got[:, r] = src_regs[:, s]
        return got
    if plan.kind == "select":
        # Thread-local: each thread picks among its own registers.
        pick = _eval(plan.select_map, register=np.arange(R_d)[None, :], lane=lane[:, None], warp=warp[:, None],
                     block=block[:, None])["register"]
        return np.take_along_axis(src_regs, pick, axis=1)
    assert plan.kind == "shuffle", plan.kind
    my_sub = _eval(plan.shuffle_sub_round, lane=lane)["sub"]
    regs = np.arange(R_d)[:, None]
    # The source lane and the offered register may depend on the warp and
    # block (layouts whose warps split the data differently).
    s_lane = _eval(plan.shuffle_src_lane, register=regs, lane=lane[None, :], warp=warp[None, :],
                   block=block[None, :])["lane"]  # [r, thread]
    sender = (s_lane * W + warp[None, :]) * B + block[None, :]  # thread index (lane, warp, block)
    # Round r: the destination register each lane fills (a permutation of
    # the registers for every lane).
    fill = _eval(plan.shuffle_dst_register, register=regs, lane=lane[None, :])["register"]
    assert all(len(set(fill[:, t])) == R_d for t in range(0, lane.size, max(1, lane.size // 8))), "rounds do not fill every register"
    # Sub-word packing: registers differing in pack_mask bits travel in one
    # 32-bit shuffle, so they must come from one lane and fit in 32 bits.
    pack = plan.pack_mask
    group = 1 << bin(pack).count("1")
    assert group == 1 or group * plan.bitwidth <= 32, "packed shuffle wider than 32 bits"
    for r in range(R_d):
        for b in range(R_d.bit_length()):
            if (pack >> b) & 1 and (r ^ (1 << b)) < R_d:
                assert np.array_equal(s_lane[r], s_lane[r ^ (1 << b)]), "packed values from different lanes"
    free = plan.dst.free_variable_masks().get("register", 0)
    # 64-bit values travel as two 32-bit shuffles; a round in which every
    # lane of every warp reads itself moves nothing between lanes (a
    # register copy, not a shuffle).
    moving = {r & ~pack for r in range(R_d) if not r & free and (s_lane[r] != lane).any()}
    words = len(moving) * max(1, plan.bitwidth // 32)
    for y in range(plan.sub_rounds):
        # What a lane offers depends on its own lane id only.
        offer = _eval(plan.shuffle_send_register, register=regs, lane=lane[None, :], sub=y, warp=warp[None, :],
                      block=block[None, :])["register"]
        received = src_regs[sender, np.take_along_axis(offer, sender, axis=1)]  # [r, thread]
        take = np.nonzero(my_sub == y)[0]
        got[take[None, :], fill[:, take]] = received[:, take]
        res.shuffles += words
    return got


def _simulate_shared(plan, program, src_regs, got, lane, warp, block, res, check_all):
    """Run the plan's stores, barriers and loads in program order. A load
    must follow a barrier after its round's stores, and a round may reuse
    the buffer only after a barrier behind the previous round's loads."""
    src, dst = plan.src, plan.dst
    R_s, R_d = src_regs.shape[1], got.shape[1]
    L = src.in_dims.get("lane", 1)
    masks = plan.store_masks
    rounds = plan.rounds
    bitwidth = plan.bitwidth
    size = plan.scratch_bytes * 8 // bitwidth
    n_blocks = int(block.max()) + 1
    mem = np.full((n_blocks, size), -1, dtype=np.int64)

    def addresses(addr_layout, regs):
        a = _eval(addr_layout, register=np.arange(len(regs))[:, None], lane=lane[None, :], warp=warp[None, :], block=block[None, :])
        zero = np.zeros((len(regs), lane.size), dtype=np.int64)
        off, rep, blk = a["offset"], a.get("rep", zero), a.get("block", zero)
        return {r: (off[r], rep[r], blk[r]) for r in regs}

    st = addresses(plan.store_address, range(R_s))
    ld = addresses(plan.load_address, range(R_d))
    thread = np.arange(lane.size)
    store_thread_ok = ((lane & masks.get("lane", 0)) == 0) & ((warp & masks.get("warp", 0)) == 0)
    reg_mask = masks.get("register", 0)
    W = int(warp.max()) + 1
    stores = _moves(plan, True, st, R_s, reg_mask, lane, warp, W, n_blocks)
    loads = _moves(plan, False, ld, R_d, 0, lane, warp, W, n_blocks)
    c = plan.cost
    kinds = [st_["kind"] for st_ in program]
    assert kinds.count("barrier") == c["barriers"], (kinds, c)
    assert sum(st_["count"] for st_ in program if st_["kind"] == "store") == c["shared_stores"]
    assert sum(st_["count"] for st_ in program if st_["kind"] == "load") == c["shared_loads"]
    stored = set()  # rounds stored and not yet synchronized
    synced = set()  # rounds whose stores a barrier has ordered before loads
    loaded = set()  # rounds loaded and not yet synchronized
    done_rounds = set()
    for step in program:
        q = step["round"]
        if step["kind"] == "select":
            continue  # rotated stores: the register choice is in store_register
        if step["kind"] == "barrier":
            synced |= stored
            stored = set()
            done_rounds |= loaded
            loaded = set()
            continue
        if step["kind"] == "store":
            assert q not in done_rounds and q not in synced, f"round {q} stored twice"
            if q > 0:
                assert q - 1 in done_rounds, f"round {q} overwrites the buffer before round {q - 1} was read"
                mem[:] = -1  # the buffer is reused
            stored.add(q)
            # Every source register of its round, replicas skipped.
            for r, moves in stores.items():
                _, rep, blk = st[r]
                sel = store_thread_ok & (rep == q)
                if not sel.any():
                    continue
                for where, regs in moves:
                    assert where[sel].max() < size, "store outside the scratch buffer"
                    prev = mem[blk[sel], where[sel]]
                    value = src_regs[thread[sel], regs[sel]]
                    clash = (prev >= 0) & (prev != value)
                    assert not clash.any(), "two different values stored at one address"
                    mem[blk[sel], where[sel]] = value
            continue
        assert step["kind"] == "load", step
        assert q in synced, f"round {q} loaded before a barrier behind its stores"
        loaded.add(q)
        for r, moves in loads.items():
            _, rep, blk = ld[r]
            sel = rep == q
            for where, regs in moves:
                got[thread[sel], regs[sel]] = mem[blk[sel], where[sel]]
    assert synced | done_rounds | loaded >= set(range(rounds)), "a round was never run"
    # Wavefronts per warp-wide instruction, recomputed from the maps.
    res.store_wavefronts, res.store_total = _instruction_wavefronts(
        plan, st, R_s, reg_mask, store_thread_ok, lane, warp, block, check_all, plan.store_vector_width
    )
    # Loads of registers that repeat others (free variables) are copies.
    load_skip = plan.load_view.free_variable_masks().get("register", 0)
    res.load_wavefronts, res.load_total = _instruction_wavefronts(
        plan, ld, R_d, load_skip, np.ones_like(lane, dtype=bool), lane, warp, block, check_all, plan.load_vector_width
    )


def _moves(plan, store, addr, n, skip, lane, warp, W, B):
    """What each slot r (registers 0..n-1 without `skip` bits) of one side's
    instructions moves, as (element offsets, registers) pairs with one entry
    per thread; `addr` maps r to (offset, rep, block) per thread.

    ld/st.shared: each thread its register (store_register(r, lane) for
    stores, load_register(r) for loads) at its own address. ldmatrix /
    stmatrix (x4, m8n8, PTX semantics): lane i gives the address of row
    i % 8 of matrix i // 8; thread t holds, per matrix m, the 32-bit word
    t % 4 of row t // 4 (.trans, 16-bit: rows 2 (t % 4) and 2 (t % 4) + 1
    at column t // 4), in register reg_map(r, m, e) for element e of the
    word."""
    access = plan.store_access if store else plan.load_access
    reg_map = plan.store_register if store else plan.load_register
    slots = [r for r in range(n) if not r & skip]
    if access == "plain":
        if store:
            regs = _eval(reg_map, register=np.arange(n)[:, None], lane=lane[None, :], matrix=0, element=0)["register"]
        else:
            regs = _eval(reg_map, register=np.arange(n), matrix=0, element=0)["register"]
            regs = np.repeat(np.asarray(regs)[:, None], lane.size, axis=1)
        return {r: [(addr[r][0], regs[r])] for r in slots}
    assert plan.warp_size == 32, "matrix instructions need 32 lanes"
    if store:
        assert not plan.store_masks.get("lane", 0), "stmatrix needs every lane"
    per_word = max(1, 32 // plan.bitwidth)
    row_elems = 128 // plan.bitwidth
    block = np.arange(lane.size) % B
    out = {}
    for r in slots:
        if r % row_elems:
            continue  # not a slot: inside a row
        off, rep, _ = addr[r]
        out[r] = []
        for m in range(4):
            for e in range(per_word):
                if access == "matrix_transposed":
                    assert plan.bitwidth == 16
                    row_lane, col = 8 * m + 2 * (lane % 4) + e, lane // 4
                else:
                    row_lane, col = 8 * m + lane // 4, (lane % 4) * per_word + e
                supplier = (row_lane * W + warp) * B + block
                assert (rep[supplier] == rep).all(), "one matrix instruction in two rounds"
                rows = off[supplier]
                assert not (rows % row_elems).any(), "matrix row not 16-byte aligned"
                reg = _eval(reg_map, register=r, matrix=m, element=e, **({"lane": 0} if store else {}))["register"]
                out[r].append((rows + col, np.full(lane.size, reg)))
    return out


def _vector_regs(addr, regs, reg_mask, vec):
    """Register bits whose offsets are 1, 2, ..., vec / 2: the plan's vector
    access (which must exist)."""
    zero = addr[0][0]
    width = 1
    bits = []
    nbits = max(0, (regs - 1).bit_length())
    while width < vec:
        found = None
        for b in range(nbits):
            r = 1 << b
            if r & reg_mask or b in bits:
                continue
            if np.array_equal(addr[r][0] ^ zero, np.full_like(zero, width)) and np.array_equal(addr[r][1], addr[0][1]):
                found = b
                break
        assert found is not None, f"no register holds vector element {width}"
        bits.append(found)
        width *= 2
    return bits


def _instruction_wavefronts(plan, addr, regs, reg_mask, active, lane, warp, block, check_all, vec):
    """Distinct wavefront counts of the instructions of warp 0 (CTA 0) and,
    with check_all, the total over every instruction of every warp of CTA 0
    (warps or lanes that sit out skip; an instruction no lane of a warp
    takes part in is not issued)."""
    L = plan.warp_size
    assert vec * plan.bitwidth <= 128, "vector wider than 128 bits"
    bits = _vector_regs(addr, regs, reg_mask, vec)
    vec_mask = sum(1 << b for b in bits)
    seen, total = set(), 0
    bases = [r for r in range(regs) if not (r & vec_mask) and not (r & reg_mask)]
    warps = range(int(warp.max()) + 1) if check_all else [0]
    if not check_all:
        bases = bases[:4]
    for w in warps:
        mine = (warp == w) & (block == 0)
        order = np.argsort(lane[mine])
        act = active[mine][order]
        if not act.any():
            continue
        for r in bases:
            n = _wavefronts(addr[r][0][mine][order], act, vec, plan.bitwidth, L, plan.num_banks)
            total += n
            if w == 0:
                seen.add(n)
    return seen, total


def flat_basis(basis, out_dims):
    """A basis vector (one component per out dim) as one integer, the first
    out dim in the lowest bits."""
    v, shift = 0, 0
    for c, size in zip(basis, out_dims.values()):
        v |= int(c) << shift
        shift += int(size).bit_length() - 1
    return v


def f2_rank(vectors):
    """Rank over F2 of integer bit vectors (independent of the core)."""
    basis = {}
    for v in vectors:
        while v:
            lead = v.bit_length() - 1
            if lead not in basis:
                basis[lead] = v
                break
            v ^= basis[lead]
    return len(basis)


def conflict_free_possible(plan) -> bool:
    """The paper's bound, recomputed from the plan's layouts: with tile
    dimension m, vector V and bank bits lenB, the s = m - |V| - lenB segment
    bases can avoid both sides' wavefront lanes iff s <= m - max(dim U, dim W)
    where U = span(V + store lanes of one wavefront), W likewise for loads."""
    bits = plan.bitwidth
    m = (plan.scratch_bytes * 8 // bits).bit_length() - 1
    vec = plan.store_vector_width
    # The bound counts vector slots; when one wavefront has more lanes than
    # banks (sub-word accesses on wave64), lanes must also share 4-byte
    # words, which it does not model: no claim then.
    for v in (plan.store_vector_width, plan.load_vector_width):
        nb = max(1, v * bits // 8)
        if min(plan.warp_size, plan.num_banks * 4 // nb) > plan.num_banks:
            return False
    v_bits = vec.bit_length() - 1
    lenb = min((plan.num_banks * 32 // (vec * bits)).bit_length() - 1, m - v_bits)
    s = m - v_bits - lenb

    def side(layout, addr, lane_mask):
        outs = layout.out_dims
        # V: the registers at offsets 1, 2, 4, ... of this side.
        vs = []
        a0 = addr.apply({"register": 0, "lane": 0, "warp": 0, "block": 0})["offset"]
        for b, basis in enumerate(layout.bases["register"]):
            a = addr.apply({"register": 1 << b, "lane": 0, "warp": 0, "block": 0})["offset"] ^ a0
            if a and a < vec and not (a & (a - 1)):
                vs.append(flat_basis(basis, outs))
        nbytes = max(1, vec * bits // 8)
        k = (max(1, min(plan.warp_size, plan.num_banks * 4 // nbytes))).bit_length() - 1
        lanes = [flat_basis(b, outs) for j, b in enumerate(layout.bases["lane"][:k]) if not (lane_mask >> j) & 1]
        return f2_rank(vs + [x for x in lanes if x])

    stored, loaded = shared_sides(plan)
    du = side(stored, plan.store_address, plan.store_masks.get("lane", 0))
    dw = side(loaded, plan.load_address, 0)
    return s <= m - max(du, dw)


def shared_sides(plan):
    """The layouts a shared plan stores and loads (an exchange replaces one
    side by its intermediate layout)."""
    ex = plan.exchange
    if ex is None:
        stored, loaded = plan.src, plan.dst
    else:
        stored, loaded = (ex.dst, plan.dst) if plan.exchange_before else (plan.src, ex.src)
    if plan.store_access != "plain":
        stored = plan.store_view  # the relabeling is checked by simulate()
    if plan.load_access != "plain":
        loaded = plan.load_view
    return _rotated(stored, plan), loaded


def _rotated(layout, plan):
    """The layout a warp's stores write: lane l at slot r stores register
    store_register(r, l), and slots with masked register bits are skipped."""
    if plan.store_access != "plain":
        return layout
    sel = plan.store_register
    skip = plan.store_masks.get("register", 0)
    outs = layout.out_dims

    def at(reg, ln):
        v = layout.apply({"register": reg, "lane": ln, "warp": 0, "block": 0})
        return [v[n] for n in outs]

    def reg(**ins):
        return sel.apply({"register": 0, "lane": 0, "matrix": 0, "element": 0, **ins})["register"]

    regs = [[0] * len(outs) if (skip >> b) & 1 else at(reg(register=1 << b), 0) for b in range(len(layout.bases["register"]))]
    lanes = [at(reg(lane=1 << j), 1 << j) for j in range(len(layout.bases["lane"]))]
    bases = {"register": regs, "lane": lanes, "warp": layout.bases["warp"], "block": layout.bases["block"]}
    return type(layout).from_bases(bases, dict(outs), False)


def simulate_gather(plan, rng) -> int:
    """Run a gather plan on random indices; returns the number of wrong
    result registers. Source registers hold element ids; result register
    (r, lane, warp, block) must end up with the source element at the index
    layout's coordinate with the axis replaced by the index value."""
    src, idx = plan.src, plan.index
    R_s, L, W, B = _grid(src)
    R_d = idx.in_dims.get("register", 1)
    lane, warp, block = np.meshgrid(np.arange(L), np.arange(W), np.arange(B), indexing="ij")
    lane, warp, block = lane.ravel(), warp.ravel(), block.ravel()
    T = lane.size
    src_regs = _values(src, np.arange(R_s)[None, :], lane[:, None], warp[:, None], block[:, None])
    coords = _eval(idx, register=np.arange(R_d)[None, :], lane=lane[:, None], warp=warp[:, None], block=block[:, None])
    names = list(src.out_dims)
    axis_name = names[plan.axis]
    axis_size = src.out_dims[axis_name]
    values = rng.integers(0, axis_size, size=(T, R_d))
    # Replicated index elements carry one value (they are one element).
    flat_idx = _flat_index(coords, idx.out_dims)
    first = {}
    for k, f in np.ndenumerate(flat_idx):
        values[k] = first.setdefault(int(f), int(values[k]))
    need = dict(coords)
    need[axis_name] = values
    want = _flat_index(need, src.out_dims)
    got = np.full((T, R_d), -1, dtype=np.int64)
    if plan.kind == "shuffle":
        hw = _eval(plan.coord_to_src, **{n: need[n] for n in names})
        s_lane, s_reg = hw["lane"], hw["register"]
        sender = (s_lane * W + warp[:, None]) * B + block[:, None]
        for q in plan.candidates:
            offered = src_regs[:, q]  # every lane offers its register q
            take = s_reg == q
            got[take] = offered[sender][take]
    else:
        size = plan.scratch_bytes * 8 // plan.bitwidth
        mem = np.full((B, size), -1, dtype=np.int64)
        masks = plan.store_masks
        ok = ((lane & masks.get("lane", 0)) == 0) & ((warp & masks.get("warp", 0)) == 0)
        a = _eval(plan.store_address, register=np.arange(R_s)[None, :], lane=lane[:, None], warp=warp[:, None], block=block[:, None])
        for r in range(R_s):
            if r & masks.get("register", 0):
                continue
            sel = ok
            mem[a["block"][sel, r] if "block" in a else 0, a["offset"][sel, r]] = src_regs[sel, r]
        off = _eval(plan.tensor_to_offset, **{n: need[n] for n in names})
        got = mem[off["block"] if "block" in off else 0, off["offset"]]
    return int(np.count_nonzero(got != want))
