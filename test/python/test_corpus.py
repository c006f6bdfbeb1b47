"""Acceptance on real conversions: every convert_layout of the corpus
(test/data/conversions.json, collected from Triton 3.6 kernels compiled for
sm_80, sm_90 and gfx942) is planned, the plan is executed by the SIMT
simulator, our scratch never exceeds Triton's for the same conversion, and
accesses are conflict-free whenever the paper's bound allows it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import linear_layouts as ll
from simt import conflict_free_possible, simulate

CORPUS = Path(__file__).resolve().parents[1] / "data" / "conversions.json"


def entries():
    return json.loads(CORPUS.read_text())


def test_corpus_is_large_and_varied():
    e = entries()
    assert len(e) >= 50
    assert {x["target"] for x in e} >= {"sm_80", "sm_90", "gfx942"}


@pytest.mark.parametrize("i", range(len(json.loads(CORPUS.read_text())) if CORPUS.exists() else 0))
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
    ts = e.get("triton_scratch_bytes")
    if ts is not None:
        assert plan.scratch_bytes <= ts, f"ours {plan.scratch_bytes} > Triton {ts}: {e}"
