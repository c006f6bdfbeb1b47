#!/usr/bin/env python3
"""Our conversion plans vs Triton's, on the corpus of real conversions.

For every conversion of test/data/conversions.json (collected from Triton
3.6 kernels compiled for sm_80, sm_90 and gfx942 by bench/collect_corpus.py,
with Triton's own scratch bytes and instruction counts for a one-conversion
kernel), print: our plan kind, scratch bytes (ours / Triton's), shared-memory
wavefronts per CTA for stores and loads (ours) against the minimum traffic
(tensor bytes per CTA / wavefront bytes, per direction), and Triton's
instruction counts; then totals.

    .venv/bin/python bench/plans_vs_triton.py [--corpus test/data/conversions.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import linear_layouts as ll

ROOT = Path(__file__).resolve().parents[1]


def cta_wavefronts(plan):
    """Store and load wavefronts of the whole CTA (all warps)."""
    warps = plan.src.in_dims.get("warp", 1)
    skip = bin(plan.store_masks.get("warp", 0)).count("1")
    c = plan.cost
    return c["store_wavefronts"] * (warps >> skip), c["load_wavefronts"] * warps


def _rank(layout, dims, lane_bits=None):
    """F2 rank of the image of `dims` (bases flattened to integers; only the
    first `lane_bits` lane bases when given)."""
    shift, widths = 0, []
    for size in layout.out_dims.values():
        widths.append(shift)
        shift += int(size).bit_length() - 1
    pivots = {}
    for d in dims:
        bases = layout.bases.get(d, [])
        if d == "lane" and lane_bits is not None:
            bases = bases[:lane_bits]
        for basis in bases:
            v = sum(int(c) << w for c, w in zip(basis, widths))
            while v:
                top = v.bit_length() - 1
                if top not in pivots:
                    pivots[top] = v
                    break
                v ^= pivots[top]
    return len(pivots)


def minimum_wavefronts(plan, bits):
    """Least store and load wavefronts per CTA. A wavefront carries at most
    wavefront-bytes of one warp, from the lanes of one phase (as many lanes
    as one element per lane fills a wavefront with). Stores: each warp group
    holding distinct data writes its bytes once (replicas need not store),
    and phases whose lanes hold data no other phase holds need their own
    wavefronts. Loads: every warp reads its own distinct bytes, and must
    also fill its registers, so a destination replicated across lanes needs
    its register bytes."""
    wave = plan.num_banks * 4
    src, dst = plan.src, plan.dst

    def ceil_waves(nbytes):
        return max(1, -(-nbytes // wave))

    phase_lanes = max(1, min(plan.warp_size, wave // max(1, bits // 8)))
    low = phase_lanes.bit_length() - 1
    in_warp = _rank(src, ("register", "lane"))
    in_phase = _rank(src, ("register", "lane"), lane_bits=low)
    groups = 1 << (_rank(src, ("register", "lane", "warp")) - in_warp)
    store = groups * (1 << (in_warp - in_phase)) * ceil_waves((1 << in_phase) * bits // 8)
    free_regs = bin(dst.free_variable_masks().get("register", 0)).count("1")
    regs = dst.in_dims.get("register", 1) >> free_regs
    fill = regs * plan.warp_size * bits // 8
    own = (1 << _rank(dst, ("register", "lane"))) * bits // 8
    load = dst.in_dims.get("warp", 1) * ceil_waves(max(fill, own))
    return store, load


def _our_instructions(plan):
    """Our plan's instructions per thread, named like Triton's counts."""
    c = plan.cost
    n = {}
    if plan.kind == "shared":
        n[plan.store_instr] = c["shared_stores"]
        n[plan.load_instr] = c["shared_loads"]
        n["bar"] = c["barriers"]
    if c["shuffles"]:
        n["shfl"] = c["shuffles"]
    if c["selects"]:
        n["sel"] = c["selects"]
    if c["register_moves"]:
        n["mov"] = c["register_moves"]  # selects of rotated stores / shuffle schedules
    return " ".join(f"{k}={v}" for k, v in n.items() if v)


# Triton's opcodes that move data between threads (PTX / AMDGCN names).
_TRITON_MOVES = ("st.shared", "ld.shared", "ldmatrix", "stmatrix", "shfl.sync", "ds_read", "ds_write", "ds_bpermute")


def instruction_counts(plan, triton_counts):
    """(ours, Triton's) shared-memory + shuffle instructions per thread
    (each access counted once whatever its width; barriers apart)."""
    c = plan.cost
    ours = c["shared_stores"] + c["shared_loads"] + c["shuffles"]
    theirs = sum(v for k, v in triton_counts.items() if k in _TRITON_MOVES)
    return ours, theirs


def _min_wavefronts(info, nbytes):
    """Wavefronts of one warp-wide access of `nbytes` per lane without
    conflicts: one per phase of wavefront_bytes / nbytes lanes."""
    lanes = max(1, min(info.warp_size, info.wavefront_bytes // max(1, nbytes)))
    return max(1, info.warp_size // lanes)


def triton_cycles(opcodes, target, warps):
    """Triton's plan (its PTX / AMDGCN opcodes in the corpus: widths, counts,
    barriers) costed under our cycle model, assuming no bank conflicts and no
    ALU work — both in Triton's favour."""
    info = ll.Target(target)
    k = info.cycles
    cycles = 0
    for op, n in opcodes.items():
        cycles += k["issue"] * n
        if op.startswith(("st.shared", "ld.shared", "ds_read", "ds_write")):
            m = re.search(r"(?:v(\d+)\.)?[bu](\d+)$", op)
            vec = int(m.group(1) or 1) if m else 1
            bits = int(m.group(2)) if m else 32
            pair = 2 if re.match(r"ds_(read|write)2", op) else 1
            cycles += k["wavefront"] * n * pair * _min_wavefronts(info, vec * bits // 8)
        elif "matrix" in op:
            x = int(re.search(r"\.x(\d)", op).group(1))
            cycles += k["wavefront"] * n * x
        elif op.startswith(("shfl", "ds_bpermute")):
            cycles += k["shuffle"] * n
        elif op in ("bar.sync", "s_barrier"):
            cycles += (k["barrier"] if warps > 1 else k["warp_barrier"]) * n
        elif op == "bar.warp.sync":
            cycles += k["warp_barrier"] * n
    return cycles


def _matrix_tag(plan):
    """'+stm' / '+ldm' (with 'T' for .trans) when a side uses a matrix
    instruction."""
    tag = ""
    if plan.kind == "shared":
        for access, short in ((plan.store_access, "+stm"), (plan.load_access, "+ldm")):
            if access != "plain":
                tag += short + ("T" if access == "matrix_transposed" else "")
    return tag


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT / "test/data/conversions.json"))
    args = ap.parse_args(argv)
    corpus = json.loads(Path(args.corpus).read_text())
    rows = []
    more, slower, above = [], [], []
    tot = {"select": 0, "cycles": 0, "least_cycles": 0, "t_cycles": 0, "ours": 0, "triton": 0, "st": 0, "ld": 0, "min": 0, "n_shared": 0, "over": 0, "xch": 0, "xch_shfl": 0, "st_over": 0, "ld_over": 0, "matrix": 0}
    for e in corpus:
        src = ll.from_triton(e["src"], e["shape"])
        dst = ll.from_triton(e["dst"], e["shape"])
        plan = ll.plan_conversion(src, dst, e["bitwidth"], e["target"])
        st = ld = 0
        mn = (0, 0)
        if plan.kind == "shared":
            st, ld = cta_wavefronts(plan)
            mn = minimum_wavefronts(plan, e["bitwidth"])
            tot["st"] += st
            tot["ld"] += ld
            tot["min"] += mn[0] + mn[1]
            tot["st_over"] += st > mn[0]
            tot["ld_over"] += ld > mn[1]
            if (st, ld) != mn:
                tf = ll.plan_conversion(src, dst, e["bitwidth"], e["target"], traffic_first=True)
                above.append(f"{e.get('kernel', '?')} {e['target']} {'x'.join(map(str, e['shape']))} {e.get('dtype', '')}: "
                             f"{st}/{ld} wavefronts against {mn[0]}/{mn[1]}, {plan.cost['cycles']} cycles; the plan at "
                             f"the bound ({_our_instructions(tf)}) costs {tf.cost['cycles']}")
            tot["n_shared"] += 1
            tot["matrix"] += bool(_matrix_tag(plan))
            if plan.exchange is not None:
                tot["xch"] += 1
                tot["xch_shfl"] += plan.cost["shuffles"] * plan.src.in_dims.get("warp", 1)
        ts = e.get("triton_scratch_bytes")
        tot["ours"] += plan.scratch_bytes
        if ts is not None:
            tot["triton"] += ts
            if plan.scratch_bytes > ts:
                tot["over"] += 1
        ti = e.get("triton_instructions") or {}
        ours_i, theirs_i = instruction_counts(plan, ti)
        warps = plan.src.in_dims.get("warp", 1)
        t_cycles = triton_cycles(e.get("triton_opcodes") or {}, e["target"], warps)
        # Cycles are compared within Triton's own scratch (the budget a
        # Triton hook hands the planner); the default plan above takes the
        # least scratch.
        budget = ts if ts else None
        within = ll.plan_conversion(src, dst, e["bitwidth"], e["target"], max_scratch_bytes=budget) if budget else plan
        tot["cycles"] += within.cost["cycles"]
        tot["least_cycles"] += plan.cost["cycles"]
        tot["t_cycles"] += t_cycles
        if plan.kind == "select":
            tot["select"] += 1
        name = f"{e.get('kernel', '?')} {e['target']} {'x'.join(map(str, e['shape']))} {e.get('dtype', '')}"
        if ours_i > theirs_i:
            more.append(f"{name}: ours {ours_i} ({_our_instructions(plan)}; {plan.cost['cycles']} cycles), "
                        f"Triton {theirs_i} ({t_cycles} cycles)")
        if within.cost["cycles"] > t_cycles:
            slower.append(f"{name}: ours {within.cost['cycles']} cycles ({_our_instructions(within)}), Triton {t_cycles} "
                          f"({' '.join(f'{k}={v}' for k, v in sorted((e.get('triton_opcodes') or {}).items()))})")
        rows.append(
            (
                e.get("kernel", "?")[:22],
                e["target"],
                "x".join(map(str, e["shape"])),
                e.get("dtype", ""),
                plan.kind + ("+xchg" if plan.kind == "shared" and plan.exchange is not None else "") + _matrix_tag(plan),
                plan.scratch_bytes,
                "-" if ts is None else ts,
                f"{st}/{ld}" if plan.kind == "shared" else "-",
                f"{mn[0]}/{mn[1]}" if plan.kind == "shared" else "-",
                f"{plan.store_conflicts}/{plan.load_conflicts}" if plan.kind == "shared" else "-",
                _our_instructions(plan),
                " ".join(f"{k}={v}" for k, v in sorted(ti.items()) if v),
            )
        )
    head = (
        "kernel", "target", "shape", "dtype", "plan", "scratch", "triton", "st/ld waves", "minimum", "confl",
        "our instructions (per thread)", "triton instructions",
    )
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(r, widths)))
    print()
    print(f"{len(rows)} conversions; {tot['n_shared']} through shared memory")
    print(f"scratch bytes: ours {tot['ours']}, Triton {tot['triton']} (cases where ours is larger: {tot['over']})")
    print(f"shared-memory wavefronts per CTA: ours {tot['st'] + tot['ld']} (store {tot['st']}, load {tot['ld']}), minimum {tot['min']}")
    print(f"conversions above the minimum: {tot['st_over']} (stores), {tot['ld_over']} (loads); each where the "
          f"cycle model prefers more traffic for fewer instructions or selects:")
    for a in above:
        print("  " + a)
    print(f"sub-word exchanges (plan '+xchg'): {tot['xch']} conversions, {tot['xch_shfl']} warp shuffles per CTA in all")
    print(f"matrix instructions (plan '+stm' / '+ldm', T = .trans): {tot['matrix']} conversions")
    print(f"thread-local conversions (plan 'select': no shuffle, no shared memory, no barrier): {tot['select']}")
    print(f"estimated cycles per warp (docs/planning.md, 'The cycle model'), all conversions, within Triton's scratch: "
          f"ours {tot['cycles']} (least-scratch default: {tot['least_cycles']}), Triton {tot['t_cycles']} (its opcodes "
          f"costed the same way, without conflicts or ALU work)")
    print(f"conversions where our estimate exceeds Triton's: {len(slower)}")
    for m in slower:
        print("  " + m)
    print(f"conversions where we issue more shared-memory + shuffle instructions per thread than Triton: {len(more)}")
    for m in more:
        print("  " + m)
    return 0 if tot["over"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
