"""Views, the TTGIR module scanner and the command line.

Expected cells come from the paper's Figure 1a layout worked by hand:
sizePerThread [2, 2], threadsPerWarp [4, 8], warpsPerCTA [2, 1], order
[1, 0] on 16x16 (register bases (0,1),(1,0); lanes (0,2),(0,4),(0,8),(2,0),
(4,0); warp (8,0)).
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import linear_layouts as ll
from linear_layouts.ttgir import parse_attr, scan_module

FIG1A = "#ttg.blocked<{sizePerThread = [2, 2], threadsPerWarp = [4, 8], warpsPerCTA = [2, 1], order = [1, 0]}>"


def cells(view: str):
    rows = [line.split() for line in view.splitlines()[1:] if line and not line.startswith(("[", "..."))]
    return rows


def test_tensor_view_figure_1a():
    rows = cells(ll.from_triton(FIG1A, [16, 16]).tensor_view())
    assert len(rows) == 16 and all(len(r) == 16 for r in rows)
    assert rows[0][0] == "T0:0"
    assert rows[0][1] == "T0:1"  # register 1 -> (0, 1)
    assert rows[1][0] == "T0:2"  # register 2 -> (1, 0)
    assert rows[0][2] == "T1:0"  # lane 1 -> (0, 2)
    assert rows[2][0] == "T8:0"  # lane 8 -> (2, 0)
    assert rows[8][0] == "T32:0"  # warp 1 -> (8, 0)
    assert rows[15][15] == "T63:3"


def test_tensor_view_replicas_and_corner():
    # 8x8 blocked over 64 threads of 1 warp: each element held by 2 threads.
    L = ll.from_triton("#ttg.blocked<{sizePerThread = [1, 1], threadsPerWarp = [8, 8], warpsPerCTA = [2, 1], order = [1, 0]}>", [8, 8])
    rows = cells(L.tensor_view())
    assert rows[0][0] == "T0:0|T64:0"
    corner = L.tensor_view(max_rows=2, max_cols=3)
    assert "top-left 2x3" in corner
    assert len(cells(corner)) == 2


def test_hardware_view_figure_1a():
    hw = ll.from_triton(FIG1A, [16, 16]).hardware_view()
    lines = hw.splitlines()
    assert lines[0] == "Warp0:"
    assert lines[1].split()[1] == "(0,0)"  # r0, lane 0
    assert lines[1].split()[2] == "(0,2)"  # r0, lane 1
    assert lines[2].split()[1] == "(0,1)"  # r1, lane 0
    w1 = lines.index("Warp1:")
    assert lines[w1 + 1].split()[1] == "(8,0)"


def test_shared_tensor_view_shows_offsets():
    # swizzled 1,1,4 on 4x4 (ALGORITHMS.md): row r stores column c at r*4 + (c ^ r).
    L = ll.from_triton("#ttg.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 4, order = [1, 0]}>", [4, 4])
    rows = cells(L.tensor_view())
    for r in range(4):
        for c in range(4):
            assert int(rows[r][c]) == r * 4 + (c ^ r)


def test_apply_array_matches_apply():
    L = ll.from_triton(FIG1A, [16, 16])
    regs, lanes = np.meshgrid(np.arange(4), np.arange(32), indexing="ij")
    out = L.apply_array(register=regs, lane=lanes, warp=1, block=0)
    for r in range(4):
        for t in range(32):
            want = L.apply({"register": r, "lane": t, "warp": 1, "block": 0})
            assert out["dim0"][r, t] == want["dim0"] and out["dim1"][r, t] == want["dim1"]
    with pytest.raises(ValueError):
        L.apply_array(register=regs)


def test_parse_attr_forms():
    p = parse_attr("#triton_gpu.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>")
    assert p == {"kind": "blocked", "sizePerThread": [1, 4], "threadsPerWarp": [8, 4], "warpsPerCTA": [4, 1], "order": [1, 0]}
    p = parse_attr("#ttg.slice<{dim = 0, parent = #b}>", aliases={"#b": FIG1A})
    assert p["parent"]["sizePerThread"] == [2, 2]
    p = parse_attr("#ttg.padded_shared<[32:+4, 64:+8] {order = [1, 0], shape = [16, 64]}>")
    assert p["intervals"] == [32, 64] and p["paddings"] == [4, 8]
    p = parse_attr("#ttg.shared_linear<{offset = [[0, 1], [1, 0]]}, alignment = 64>")
    assert p["alignment"] == 64 and p["offset"] == [[0, 1], [1, 0]]


def test_scan_module():
    text = open(os.path.join(os.path.dirname(ll.__file__), "data", "matmul_sm80.ttgir")).read()
    aliases, uses = scan_module(text)
    assert set(aliases) == {"#blocked", "#blocked1", "#mma", "#shared", "#shared1"}
    assert ("#mma", [128, 128], "f32") in uses
    assert ("#ttg.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>", [128, 32], "f16") in uses
    for attr, shape, _ in uses:  # every layout of a real kernel converts
        ll.from_triton(attr, shape, aliases=aliases)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "linear_layouts", *args], capture_output=True, text=True, timeout=120)


def test_cli_show():
    r = run_cli("show", FIG1A, "-t", "tensor<16x16xf16>")
    assert r.returncode == 0, r.stderr
    assert "warp=1 -> (8, 0)" in r.stdout
    assert "T32:0" in r.stdout
    r = run_cli("show", FIG1A, "-t", "tensor<16x16xf16>", "--hw")
    assert r.returncode == 0 and "Warp1:" in r.stdout


def test_cli_errors_are_messages():
    r = run_cli("show", "#ttg.blocked<{", "-t", "tensor<16x16xf16>")
    assert r.returncode == 1
    assert "linear-layouts: error:" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("show", FIG1A, "-t", "tensor<12x16xf16>")
    assert r.returncode == 1 and "power of two" in r.stderr


def test_cli_demo_layouts():
    r = run_cli("demo", "--layouts")
    assert r.returncode == 0, r.stderr
    assert "-- #mma on tensor<128x128xf32>" in r.stdout
    assert "convert_layout #mma -> #blocked1" in r.stdout


def test_cli_demo_triton(tmp_path):
    # make demo: Triton kernels through our pipeline for sm_90 and gfx942,
    # PTX / AMDGCN written, the softmax emulated and checked.
    import os
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "linear_layouts", "demo"], capture_output=True, text=True,
                       cwd=tmp_path, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert r.returncode == 0, r.stderr
    for f in ("softmax.sm_90.ptx", "softmax.gfx942.amdgcn", "transpose.sm_90.ptx", "transpose.gfx942.amdgcn"):
        assert (tmp_path / "build" / "demo" / f).stat().st_size > 0
    assert ".visible .entry softmax" in (tmp_path / "build" / "demo" / "softmax.sm_90.ptx").read_text()
    import re

    assert "max error vs numpy" in r.stdout
    assert len(re.findall(r" (sm_90|gfx942) +ours ", r.stdout)) == 4, r.stdout


def test_cli_explain_and_svg(tmp_path):
    import xml.etree.ElementTree as ET

    svg = tmp_path / "plan.svg"
    r = run_cli(
        "explain",
        "#ttg.blocked<{sizePerThread = [1, 8], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>",
        "#ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>",
        "-t", "tensor<64x64xf16>", "--svg", str(svg),
    )
    assert r.returncode == 0, r.stderr
    assert "plan: shared (16-bit, sm_90)" in r.stdout and "steps:" in r.stdout
    # The cost model's estimate, as the plan carries it.
    import re

    import linear_layouts as ll

    plan = ll.plan_conversion(
        "#ttg.blocked<{sizePerThread = [1, 8], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>",
        "#ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>",
        16, shape=[64, 64])
    assert re.search(r"~(\d+) cycles per warp", r.stdout).group(1) == str(plan.cost["cycles"]) != "0"
    root = ET.parse(svg).getroot()
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    # Both access panels and the tile, with a column per bank.
    assert any(t and t.startswith("store (") for t in texts)
    assert any(t and t.startswith("load (") for t in texts)
    assert sum(1 for t in texts if t == "b31") == 2
    # Every store wavefront row names only lanes of one warp.
    lanes = [t for t in texts if t and t.startswith("T") and t[1:].isdigit()]
    assert lanes and all(0 <= int(t[1:]) < 32 for t in lanes)


def test_cli_explain_shuffle_svg(tmp_path):
    svg = tmp_path / "s.svg"
    src = "#ttg.linear<{register = [[0, 1], [1, 0]], lane = [[0, 2], [0, 4], [0, 8], [2, 0], [4, 0]], warp = [], block = []}>"
    dst = "#ttg.linear<{register = [[0, 1], [0, 2]], lane = [[1, 0], [2, 0], [4, 0], [0, 4], [0, 8]], warp = [], block = []}>"
    r = run_cli("explain", src, dst, "-t", "tensor<8x16xf32>", "--svg", str(svg))
    assert r.returncode == 0, r.stderr
    assert "plan: shuffle" in r.stdout
    assert "shuffle rounds" in svg.read_text()
