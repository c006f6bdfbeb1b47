"""bench/gpu_check.py, both halves, without a GPU: ``prepare`` writes the
directory the device script reads; the device script runs it with the
emulator standing in for cupy (the "there" half known to work before a
GPU is lent) and fails when an output is wrong."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import triton_oracle

pytestmark = pytest.mark.triton
triton_oracle.need_triton()

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import gpu_check  # noqa: E402


def test_both_halves_run_and_a_wrong_output_fails(tmp_path):
    summary = gpu_check.prepare(tmp_path, "sm_90", {"vector_add", "softmax", "matmul_f16"})
    assert summary == {"entries": 3, "ours": 3}  # (the matmul: wgmma)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    entries = {e["kernel"]: e for e in manifest["entries"]}
    add = entries["vector_add"]
    assert [a["kind"] for a in add["args"]] == ["array", "array", "array", "scalar"]
    assert add["args"][3] == {"kind": "scalar", "name": "n", "dtype": "int32", "value": 1000}
    for code in ("triton", "ours"):
        cubin = (tmp_path / add[code]["cubin"]).read_bytes()
        assert cubin[:4] == b"\x7fELF" and add[code]["threads"] == 128
    assert add["ours"]["bitwise_equal_to_triton"] == [True, True, True]
    assert entries["matmul_f16"]["ours"]["bitwise_equal_to_triton"] == [True, True, True]
    assert (tmp_path / "gpu_check_device.py").exists()  # the directory is all the GPU machine needs

    report = gpu_check.dry_run(tmp_path)
    assert report["ok"], report
    rows = {r["kernel"]: r for r in report["rows"]}
    assert set(rows["vector_add"]["codes"]) == set(rows["matmul_f16"]["codes"]) == {"triton", "ours"}
    assert rows["vector_add"]["ours_vs_triton"]["bitwise"] == [True, True, True]

    ref = tmp_path / add["reference"][2]  # Z
    z = np.load(ref)
    z[7] += 1
    np.save(ref, z)
    report = gpu_check.dry_run(tmp_path, only="vector_add")
    assert not report["ok"]
    assert report["rows"][0]["codes"]["triton"]["outputs"][2].startswith("beyond")
