"""Acceptance on real conversions: every convert_layout of the corpus
(test/data/conversions.json, collected from Triton 3.6 kernels compiled for
sm_80, sm_90 and gfx942) is planned, the plan is executed by the SIMT
simulator, our scratch never exceeds Triton's for the same conversion,
accesses are conflict-free whenever the paper's bound allows it, and the
shared-memory traffic equals the least a CTA needs (bench/plans_vs_triton.py
computes that bound from the two layouts)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import linear_layouts as ll
from simt import conflict_free_possible, simulate

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from plans_vs_triton import cta_wavefronts, instruction_counts, minimum_wavefronts, triton_cycles  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "data" / "conversions.json"

def entries():
    return json.loads(CORPUS.read_text())


def test_corpus_is_large_and_varied():
    e = entries()
    assert len(e) >= 50
    assert {x["target"] for x in e} >= {"sm_80", "sm_90", "gfx942"}


def _cases():
    n = len(json.loads(CORPUS.read_text())) if CORPUS.exists() else 0
    return list(range(n))


def test_matrix_instructions_where_triton_uses_them():
    """The conversions Triton does with ldmatrix/stmatrix: ours use matrix
    instructions too where that saves scratch (more rounds through a smaller
    buffer), and every plan is executed by the simulator's PTX semantics in
    test_real_conversion."""
    used = smaller = 0
    for e in entries():
        ti = e["triton_instructions"]
        if not ti.get("ldmatrix", 0) + ti.get("stmatrix", 0):
            continue
        src = ll.from_triton(e["src"], e["shape"])
        dst = ll.from_triton(e["dst"], e["shape"])
        plan = ll.plan_conversion(src, dst, e["bitwidth"], e["target"])
        plain = ll.plan_conversion(src, dst, e["bitwidth"], e["target"], matrix_instructions=False)
        if plan.kind == "shared" and (plan.store_access, plan.load_access) != ("plain", "plain"):
            used += 1
            # Never more scratch or traffic than ld/st.shared alone.
            assert plan.scratch_bytes <= plain.scratch_bytes
            assert cta_wavefronts(plan) <= cta_wavefronts(plain)
            smaller += plan.scratch_bytes < plain.scratch_bytes
    # Without them 11 of these would need more scratch than Triton.
    assert used >= 11 and smaller >= 11, (used, smaller)


@pytest.mark.parametrize("i", _cases())
def test_real_conversion(i):
    e = entries()[i]
    src = ll.from_triton(e["src"], e["shape"])
    dst = ll.from_triton(e["dst"], e["shape"])
    plan = ll.plan_conversion(src, dst, e["bitwidth"], e["target"])
    sim = simulate(plan)
    assert sim.mismatches == 0
    if plan.kind == "shared":
        assert sim.store_wavefronts == {plan.store_wavefronts}
        assert sim.load_wavefronts == {plan.load_wavefronts}
        if conflict_free_possible(plan):
            assert (plan.store_conflicts, plan.load_conflicts) == (0, 0), str(plan)
        # Shared-memory traffic, counted by the simulator over every warp's
        # instructions, is what the plan predicts and meets the bound computed
        # from the two layouts alone.
        simulated = (sim.store_total, sim.load_total)
        assert simulated == cta_wavefronts(plan), str(plan)
        bound = minimum_wavefronts(plan, e["bitwidth"])
        assert simulated[0] >= bound[0] and simulated[1] >= bound[1], (simulated, bound)
        if simulated != bound:
            # Only where the cycle model prefers more traffic (e.g. 8 vector
            # stores from one lane over one rotated store and a 32-way select
            # per lane): the traffic-first plan meets the bound and costs at
            # least as many cycles.
            # (A conversion that shuffles can do has no shared traffic at all
            # when shuffled; the default took the buffer for fewer cycles.)
            tf = ll.plan_conversion(src, dst, e["bitwidth"], e["target"], traffic_first=True)
            sim_tf = simulate(tf)
            assert sim_tf.mismatches == 0
            if tf.kind == "shared":
                assert (sim_tf.store_total, sim_tf.load_total) == minimum_wavefronts(tf, e["bitwidth"]), str(tf)
            assert tf.cost["cycles"] >= plan.cost["cycles"], (str(tf), str(plan))
    ts = e.get("triton_scratch_bytes")
    if ts is not None:
        assert plan.scratch_bytes <= ts, f"ours {plan.scratch_bytes} > Triton {ts}: {e}"


def _holdings(layout):
    """[thread, register] -> flat element index, by brute force."""
    d = layout.in_dims
    regs, lanes, warps = d.get("register", 1), d.get("lane", 1), d.get("warp", 1)
    outs = layout.out_dims
    t = np.arange(lanes * warps)
    res = layout.apply_array(register=np.arange(regs)[None, :], lane=(t % lanes)[:, None],
                             warp=(t // lanes)[:, None], **({"block": 0} if "block" in d else {}))
    idx = 0
    for name, size in outs.items():
        idx = idx * size + res[name].astype(np.int64)
    return idx


def test_thread_local_conversions_move_nothing():
    """Brute force, independent of the planner: a conversion is thread-local
    when every element each destination thread needs is in that thread's own
    source registers. Exactly those (other than register renamings) get
    'select' plans: no shuffle, no shared memory, no barrier. The corpus
    has 11 of them (Triton goes through shared memory for each)."""
    local = 0
    for e in entries():
        src = ll.from_triton(e["src"], e["shape"])
        dst = ll.from_triton(e["dst"], e["shape"])
        have, need = _holdings(src), _holdings(dst)
        thread_local = all(set(need[t]) <= set(have[t]) for t in range(need.shape[0]))
        plan = ll.plan_conversion(src, dst, e["bitwidth"], e["target"])
        if thread_local and plan.kind not in ("noop", "registers"):
            local += 1
            assert plan.kind == "select", (e["kernel"], str(plan))
            c = plan.cost
            assert c["shuffles"] == c["shared_stores"] == c["shared_loads"] == c["barriers"] == plan.scratch_bytes == 0
        else:
            assert plan.kind != "select", e["kernel"]
    assert local == 11, local


def test_cycles_within_tritons_scratch():
    """Under the documented cycle model (docs/planning.md), with Triton's own
    scratch as the budget, every NVIDIA conversion costs at most what
    Triton's emitted instructions cost (counted from its PTX opcodes in the
    corpus, without conflicts or ALU work); where we issue more
    shared-memory + shuffle instructions than Triton, the model says ours are
    cheaper."""
    more = 0
    for e in entries():
        if not e["target"].startswith("sm_"):
            continue
        src = ll.from_triton(e["src"], e["shape"])
        dst = ll.from_triton(e["dst"], e["shape"])
        ts = e.get("triton_scratch_bytes")
        plan = ll.plan_conversion(src, dst, e["bitwidth"], e["target"], max_scratch_bytes=ts or None)
        assert plan.scratch_bytes <= (ts or plan.scratch_bytes)
        theirs = triton_cycles(e["triton_opcodes"], e["target"], src.in_dims.get("warp", 1))
        assert plan.cost["cycles"] <= theirs, (e["kernel"], e["target"], str(plan), e["triton_opcodes"])
        ours_i, theirs_i = instruction_counts(plan, e["triton_instructions"])
        if ours_i > theirs_i:
            more += 1
            assert plan.cost["cycles"] < theirs, (e["kernel"], str(plan))
    # The one-warp transposes: 16-32 shuffles instead of 8-16 shared accesses.
    assert more <= 8, more
