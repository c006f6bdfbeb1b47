"""Bad input gets a clear error, never a crash, a silent acceptance or a wrong
answer (one test group per class of issue 9; the integer parameters of every
family are fuzzed against Triton in test_fuzz_params.py).
"""

from __future__ import annotations

import html
import os
import re
import resource
import subprocess
import sys

import pytest

import linear_layouts as ll
from linear_layouts import LayoutError, LinearLayout
from linear_layouts.ttgir import element_bits, parse_tensor_type

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LL_OPT = os.path.join(ROOT, "build", "bin", "ll-opt")

BLOCKED = "#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>"
COLS = "#ttg.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>"


def blocked(tpw, wpc, spt=(1, 4), order=(1, 0)):
    return (f"#ttg.blocked<{{sizePerThread = {list(spt)}, threadsPerWarp = {list(tpw)}, "
            f"warpsPerCTA = {list(wpc)}, order = {list(order)}}}>")


# --- 1. crashes ----------------------------------------------------------------


def test_ll_opt_deep_nesting_is_a_diagnostic(tmp_path):
    """10,000 nested #ll.slice attributes: a diagnostic, not a stack overflow."""
    attr = "#ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>"
    for _ in range(10000):
        attr = f"#ll.slice<{{dim = 0, parent = {attr}}}>"
    f = tmp_path / "deep.mlir"
    f.write_text(f"func.func @f(%x: tensor<16xf32, {attr}>) {{ return }}\n")
    p = subprocess.run([LL_OPT, str(f)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1, p.returncode
    assert "layout attributes nest too deeply (more than 64 levels)" in p.stderr


def test_python_deep_nesting_is_a_layout_error():
    attr = BLOCKED
    for _ in range(5000):
        attr = f"#ttg.slice<{{dim = 0, parent = {attr}}}>"
    with pytest.raises(LayoutError, match="nested too deeply"):
        ll.from_triton(attr, [16])


def test_huge_kwidth_is_an_error_in_ll_opt(tmp_path):
    f = tmp_path / "k.mlir"
    f.write_text(
        "#d = #ll.dot_op<{opIdx = 0, parent = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, "
        "warpsPerCTA = [1, 1], instrShape = [16, 8]}>, kWidth = 1073741824}>\n"
        "func.func @f(%x: tensor<64x64xf16, #d>) { return }\n")
    p = subprocess.run([LL_OPT, str(f), "-ll-legacy-to-linear"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "kWidth" in p.stderr, (p.returncode, p.stderr)


# --- 2. plans for conversions that cannot happen ----------------------------------


@pytest.mark.parametrize(
    "src, dst, target, message",
    [
        (BLOCKED, blocked((8, 4), (2, 1)), "sm_90", "the source runs on 4 warps but the destination on 2"),
        (BLOCKED, blocked((16, 4), (4, 1)), "sm_90", "the source runs on 32 lanes but the destination on 64"),
        (blocked((16, 4), (4, 1)), blocked((4, 16), (1, 4)), "sm_90", "64 lanes per warp but sm_90 has 32-lane warps"),
        (BLOCKED, COLS, "gfx942", "32 lanes per warp but gfx942 has 64-lane warps"),
    ],
)
def test_impossible_conversions(src, dst, target, message):
    with pytest.raises(LayoutError, match=message):
        ll.plan_conversion(src, dst, 16, target, shape=[64, 64])
    with pytest.raises(LayoutError, match=message):
        ll.optimal_swizzle(src, dst, 16, target, shape=[64, 64])


def test_impossible_gather():
    with pytest.raises(LayoutError, match="the source runs on 4 warps but the index on 2"):
        ll.plan_gather(BLOCKED, blocked((8, 4), (2, 1)), 0, 32, shape=[64, 64])


# --- 3. element types -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shape, elt, bits",
    [
        ("tensor<128x!tt.ptr<f16>>", [128], "!tt.ptr<f16>", 64),
        ("tensor<16x!tt.ptr<f16, 3>>", [16], "!tt.ptr<f16, 3>", 64),
        ("tensor<64x64xf8E4M3FN>", [64, 64], "f8E4M3FN", 8),
        ("tensor<64xbf16>", [64], "bf16", 16),
        ("tensor<64x64xi1>", [64, 64], "i1", 8),
        ("tensor<4xi24>", [4], "i24", 32),
        ("tensor<4xindex>", [4], "index", 64),
    ],
)
def test_element_types_triton_prints(text, shape, elt, bits):
    assert parse_tensor_type(text) == (shape, elt)
    assert element_bits(elt) == bits


def test_cli_explain_pointer_tensor():
    p = subprocess.run([sys.executable, "-m", "linear_layouts", "explain", BLOCKED, COLS, "-t",
                        "tensor<64x64x!tt.ptr<f16>>", "--target", "sm_90"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "64-bit" in p.stdout
    p = subprocess.run([sys.executable, "-m", "linear_layouts", "explain", BLOCKED, COLS, "-t",
                        "tensor<64x64xfoo>"], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "Traceback" not in p.stderr and "bit width" in p.stderr, p.stderr


# --- 4. sizes are exact or an error ---------------------------------------------------


def test_sizes_past_2_30_are_errors():
    with pytest.raises(LayoutError, match="a tensor of 2\\^60 elements is too large"):
        ll.from_triton(BLOCKED, [2**30, 2**30])
    with pytest.raises(LayoutError, match="at most 2\\^30"):
        LinearLayout.from_bases({"register": [[0]] * 31}, ["dim0"], require_surjective=False)
    with pytest.raises(LayoutError, match="sizePerThread"):
        ll.from_triton(blocked((8, 4), (4, 1), spt=(2**16, 2**16)), [16, 16])


def test_sizes_at_2_30_are_exact():
    L = ll.from_triton(blocked((8, 4), (4, 1), spt=(1, 1)), [2**15, 2**15])
    assert L.total_in_size == 2**30 and L.in_dims["register"] == 2**30 // 128
    assert L.free_variable_masks() == {"register": 0, "lane": 0, "warp": 0, "block": 0}
    R = LinearLayout.from_bases({"register": [[0]] * 30}, ["dim0"], require_surjective=False)
    assert R.in_dims == {"register": 2**30} and R.free_variable_masks() == {"register": 2**30 - 1}


# --- 5. the Python contract ---------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ll.from_triton(BLOCKED, [16.5, 32]), "shape entries must be integers, got 16.5"),
        (lambda: ll.from_triton(BLOCKED, [True, 32]), "shape entries must be integers, got True"),
        (lambda: ll.from_triton(BLOCKED, ["16", 32]), "shape entries must be integers"),
        (lambda: ll.from_triton(BLOCKED.replace("order", "sizePerThread = [1, 1], order"), [16, 32]),
         "duplicate parameter 'sizePerThread'"),
        (lambda: ll.from_triton(BLOCKED.replace("order", "foo = 3, order"), [16, 32]),
         "blocked: unexpected key 'foo'"),
        (lambda: ll.from_triton(BLOCKED.replace("[1, 4]", "[1, \u0664]"), [16, 32]), "unexpected character"),
        (lambda: ll.from_triton("#ttg.slice<{dim = 0, parent = #a}>", [16], aliases={"#a": "#ttg.slice<{dim = 0, parent = #b}>", "#b": "#ttg.slice<{dim = 0, parent = #a}>"}),
         "alias cycle: #a -> #b -> #a"),
        (lambda: ll.from_triton("#ttg.slice<{dim = 0, parent = #a}>", [16], aliases=["#a"]), "aliases must be a dict"),
        (lambda: ll.from_triton("#ttg.dot_op<{opIdx = 0, parent = #ttg.nvidia_mma<{versionMajor = 7, versionMinor = 0, "
                                "warpsPerCTA = [1, 1], instrShape = [16, 8]}>, kWidth = 2}>", [64, 64]),
         "nvidia_mma versionMajor 7 is not supported"),
        (lambda: ll.from_triton(BLOCKED.replace("[4, 1]", "[4, -1]"), [16, 32]), "must be non-negative"),
        (lambda: ll.from_triton(BLOCKED.replace("[4, 1]", "[4, 4294967297]"), [16, 32]), "is out of range"),
        (lambda: ll.from_triton("#ttg.amd_mfma<{version = 3, warpsPerCTA = [1, 1], instrShape = [32, 32], isTransposed = 1}>",
                                [64, 64]), "'isTransposed' must be true or false"),
        (lambda: ll.plan_conversion(BLOCKED, COLS, 2**31, shape=[64, 64]), "bitwidth = 2147483648 is out of range"),
        (lambda: ll.plan_conversion(BLOCKED, COLS, 16.0, shape=[64, 64]), "bitwidth must be an integer"),
        (lambda: ll.plan_conversion(BLOCKED, COLS, 16, 90, shape=[64, 64]), "target must be a Target or a name"),
        (lambda: ll.plan_conversion(BLOCKED, COLS, 16, shape=[64, 64], max_scratch_bytes=True), "must be an integer"),
        (lambda: ll.plan_conversion(BLOCKED, COLS, 16, shape=[64, 64], max_scratch_bytes=4096),
         "needs 8192 bytes of scratch \\(the least of its plans\\), more than the 4096 allowed"),
        (lambda: ll.plan_gather(BLOCKED, BLOCKED, 2**40, 32, shape=[64, 64]), "axis = 1099511627776 is out of range"),
    ],
)
def test_python_errors_are_layout_errors(call, message):
    with pytest.raises(LayoutError, match=message):
        call()


def test_scratch_budget_is_kept_or_refused():
    """A budget between the least-scratch plan and the default is honoured
    (a plan within it), never exceeded silently."""
    src = ll.from_triton(blocked((8, 4), (4, 1), spt=(4, 4)), [64, 64])
    dst = ll.from_triton("#ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>",
                         [64, 64])
    least = ll.plan_conversion(src, dst, 16).scratch_bytes
    for budget in (least, least * 2, least * 4, 1 << 20):
        assert ll.plan_conversion(src, dst, 16, max_scratch_bytes=budget).scratch_bytes <= budget
    with pytest.raises(LayoutError, match="more than the"):
        ll.plan_conversion(src, dst, 16, max_scratch_bytes=least - 1)


# --- 6. bounded work ------------------------------------------------------------------


def _limited(args):
    """Run the CLI with 1 GiB of address space: a view that builds the whole
    16384 x 16384 tensor (2^28 cells) cannot fit."""

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run([sys.executable, "-m", "linear_layouts", *args], capture_output=True, text=True,
                          timeout=120, preexec_fn=limit)


@pytest.mark.parametrize("hw", [False, True])
def test_views_compute_only_what_they_print(hw):
    p = _limited(["show", BLOCKED, "-t", "tensor<16384x16384xf16>", "--rows", "8", "--cols", "8"] + (["--hw"] if hw else []))
    assert p.returncode == 0, p.stderr[-2000:]
    view = p.stdout.split("as a linear attribute:")[1].splitlines()[2:]
    if hw:
        assert [v.split()[0] for v in view if v.startswith("  r")] == [f"r{i}" for i in range(8)], view
        assert view[0] == "Warp0:" and view[-1] == "..." and all(v.endswith(" ...") for v in view[1:-1])
    else:
        assert "(top-left 8x8 shown)" in view[0] and len(view) == 10 and view[-1] == "...", view


def test_broadcast_cells_are_counted_not_listed():
    # Every element is held by all 2^10 register copies and 32 lanes.
    L = LinearLayout.from_bases({"register": [[1]] + [[0]] * 10, "lane": [[0]] * 5}, ["dim0"])
    view = L.tensor_view()
    cell = view.splitlines()[1].split()[0]
    assert cell.count("|") == 64 and cell.endswith(f"+{2**15 - 64}"), cell
    assert cell.split("|")[:3] == ["T0:0", "T0:2", "T0:4"]


def test_svg_title_is_wrapped_not_cut(tmp_path):
    out = tmp_path / "p.svg"
    dst = "#ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>"
    p = subprocess.run([sys.executable, "-m", "linear_layouts", "explain", BLOCKED, dst, "-t", "tensor<64x64xf16>",
                        "--svg", str(out)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    svg = out.read_text()

    lines = re.findall(r'font-size="14"[^>]*>([^<]*)</text>', svg)
    assert len(lines) > 1 and html.unescape(" ".join(lines)) == f"{BLOCKED} -> {dst} on tensor<64x64xf16>", lines
