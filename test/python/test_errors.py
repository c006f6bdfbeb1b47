"""Bad input gives a LayoutError (a ValueError) with a message, never a crash.

The second half checks parameters Triton itself rejects: Triton fails on them
(an exception, or an abort of the whole process, so those run in a child
process) and linear-layouts raises a LayoutError instead.
"""

from __future__ import annotations

import pytest

import linear_layouts as ll
import triton_oracle as O
from linear_layouts import LayoutError, LinearLayout

L = LinearLayout.from_bases({"register": [[0, 1], [1, 0]], "lane": [[0, 2], [2, 0]]}, ["dim0", "dim1"])


def test_layout_error_is_value_error():
    assert issubclass(LayoutError, ValueError)
    assert issubclass(ll.TTGIRParseError, LayoutError)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: LinearLayout.from_bases({"r": [[1]]}, {"o": 3}), "power of two"),
        (lambda: LinearLayout.from_bases({"r": [[-1]]}, ["o"]), "negative"),
        (lambda: LinearLayout.from_bases({"r": [[4]]}, {"o": 4}, require_surjective=False), "out of range"),
        (lambda: LinearLayout.from_bases({"r": [[1, 0]]}, ["o"]), "components"),
        (lambda: LinearLayout.from_bases({"r": [[2]]}, {"o": 4}), "surjective"),
        (lambda: LinearLayout.from_bases([1, 2], ["o"]), "dict"),
        (lambda: LinearLayout.from_bases({"r": [["x"]]}, ["o"]), "integer"),
        (lambda: LinearLayout.from_bases({"r": [[1 << 40]]}, ["o"]), "32 bits"),
        (lambda: LinearLayout.from_bases({"r": [[1]], "s": 5}, ["o"]), "list"),
        (lambda: LinearLayout.identity_1d(3, "i", "o"), "power of two"),
        (lambda: LinearLayout.strided_1d(4, 3, "i", "o"), "power of two"),
        (lambda: L.apply({"register": 0}), "missing"),
        (lambda: L.apply({"register": 0, "lane": 0, "warp": 0}), "not an in dim"),
        (lambda: L.apply({"register": 4, "lane": 0}), "out of range"),
        (lambda: L.apply({"register": "a", "lane": 0}), "integer"),
        (lambda: L.apply([("register", 0)]), "dict"),
        (lambda: L.apply_array([0], [0, 1, 2, 3, 9]), "out of range"),
        (lambda: L.compose(LinearLayout.identity_1d(4, "x", "y")), "compose"),
        (lambda: L.compose(LinearLayout.identity({"dim0": 2, "dim1": 4})), "larger"),
        (lambda: LinearLayout.from_bases({"r": [[1], [1]]}, ["o"]).invert(), "not invertible"),
        (lambda: LinearLayout.from_bases({"r": [[2]]}, {"o": 4}, require_surjective=False).pseudoinvert(), "surjective"),
        (lambda: L.invert_and_compose(LinearLayout.identity_1d(4, "x", "y")), "out dims"),
        (
            lambda: L.invert_and_compose(LinearLayout.from_bases({"r": [[0, 1]]}, {"dim0": 4, "dim1": 4}, require_surjective=False)),
            "surjective",
        ),
        (lambda: L.divide_left(LinearLayout.identity_1d(4, "register", "dim0")), "divisor"),
        (lambda: L.divide_left(LinearLayout.identity_1d(2, "warp", "dim0")), "missing"),
        (lambda: L.transpose_ins(["register"]), "permutation"),
        (lambda: L.transpose_outs(["dim0", "dim0"]), "duplicate"),
        (lambda: L.reshape_ins({"x": 8}), "total"),
        (lambda: L.reshape_outs({"x": 3}), "power of two"),
        (lambda: L.quotient(["register"]), "not trivial"),
        (lambda: L.sublayout(["warp"], ["dim0"]), "no in dim"),
    ],
)
def test_algebra_errors(call, message):
    with pytest.raises(LayoutError) as e:
        call()
    assert message in str(e.value)


BLOCKED = "#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>"
MMA2 = "#ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>"
MMA3 = "#ttg.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>"
MFMA = "#ttg.amd_mfma<{version = 3, warpsPerCTA = [2, 2], instrShape = [32, 32, 8], isTransposed = false}>"
WMMA = "#ttg.amd_wmma<{version = 2, isTranspose = false, warpsPerCTA = [2, 2]}>"
NVMMA = "#ttg.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>"


@pytest.mark.parametrize(
    "text, shape, message",
    [
        ("#ttg.blocked<{sizePerThread = [1, 4]", [16, 16], "end of input"),
        ("#ttg.blocked<{sizePerThread = [1, 4] threadsPerWarp}>", [16, 16], "expected ','"),
        ("#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}> junk", [16, 16], "trailing"),
        ("#xyz.blocked<{}>", [16], "prefix"),
        ("#ttg.fancy<{}>", [16], "unknown layout family"),
        ("#ttg.slice<{dim = 0, parent = #blocked}>", [16], "unknown alias"),
        ("#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2]}>", [16, 16], "missing parameter 'order'"),
        ("#ttg.blocked<{sizePerThread = [1, 3], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>", [16, 16], "power"),
        ("#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 1]}>", [16, 16], "permutation"),
        ("#ttg.blocked<{sizePerThread = [1, 4, 1], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>", [16, 16], "entries"),
        (BLOCKED, [16, 12], "power of two"),
        (BLOCKED, [16, 0], "positive"),
        (BLOCKED, [16], "rank"),
        (BLOCKED.replace("}>", ", CGALayout = [[2, 0]]}>"), [16, 16], "surjective"),
        (BLOCKED.replace("}>", ", CGALayout = [[1]]}>"), [16, 16], "components"),
        (f"#ttg.slice<{{dim = 2, parent = {BLOCKED}}}>", [16], "out of range"),
        (f"#ttg.dot_op<{{opIdx = 2, parent = {MMA2}, kWidth = 2}}>", [16, 16], "opIdx"),
        (f"#ttg.dot_op<{{opIdx = 0, parent = {MMA2}}}>", [16, 16], "kWidth"),
        (f"#ttg.dot_op<{{opIdx = 0, parent = {MMA2}, kWidth = 3}}>", [16, 16], "kWidth"),
        (f"#ttg.dot_op<{{opIdx = 1, parent = {MMA3}, kWidth = 2}}>", [16, 16], "shared memory"),
        (f"#ttg.dot_op<{{opIdx = 0, parent = {BLOCKED}, kWidth = 2}}>", [16, 16], "kWidth"),
        (MMA2.replace("versionMajor = 2", "versionMajor = 7"), [16, 16], "versionMajor"),
        (MMA2.replace("[16, 8]", "[16, 8, 8]"), [16, 16], "instrShape"),
        ("#ttg.linear<{register = [[1, 1]], lane = [[2, 0]], warp = [], block = []}>", [4, 2], "surjective"),
        ("#ttg.linear<{register = [[1, 1]], lane = [[1, 0]], warp = [], block = []}>", [2, 2], "one dimension"),
        ("#ttg.linear<{register = [[1]], lane = [[2]], warp = [], block = []}>", [4, 4], "rank"),
    ],
)
def test_from_triton_errors(text, shape, message):
    with pytest.raises(LayoutError) as e:
        ll.from_triton(text, shape)
    assert message in str(e.value), str(e.value)


def test_from_triton_type_errors():
    with pytest.raises(LayoutError):
        ll.from_triton(42, [16])
    with pytest.raises(LayoutError):
        ll.from_triton(BLOCKED, "16x16")
    with pytest.raises(LayoutError):
        ll.to_triton("not a layout")
    with pytest.raises(LayoutError):
        ll.to_triton(LinearLayout.identity_1d(4, "x", "y"))


# Parameters Triton rejects: (gluon construction snippet, our attribute text,
# shape). Triton's failure is checked in a child process (it may abort).
# Cases Triton 3.6 aborts on and later versions accept (slices of #ttg.linear layouts
# whose bases repeat; a 2^30-row swizzled buffer): we reject them with a
# LayoutError in either case.
ACCEPTED_BY_3_7 = pytest.mark.xfail(O.AFTER_3_6, strict=True, reason="Triton 3.7+ accepts this")
ACCEPTED_BY_3_8 = pytest.mark.xfail(O.TRITON_3_8, strict=True, reason="Triton 3.8+ accepts this")

TRITON_REJECTS = [
    ("O.blocked([1, 3], [8, 4], [2, 2], [1, 0])", BLOCKED.replace("[1, 4]", "[1, 3]"), [16, 16]),
    ("O.blocked([1, 4], [8, 4], [2, 2], [0, 0])", BLOCKED.replace("order = [1, 0]", "order = [0, 0]"), [16, 16]),
    ("O.blocked([1, 4], [8, 4], [2, 2], [1, 0], [[2, 0]])", BLOCKED.replace("}>", ", CGALayout = [[2, 0]]}>"), [16, 16]),
    ("O.nvidia_mma(7, 0, [2, 2], [16, 8])", MMA2.replace("versionMajor = 2", "versionMajor = 7"), [16, 16]),
    ("O.dot_op(1, O.nvidia_mma(3, 0, [4, 1], [16, 64, 16]), 2)", f"#ttg.dot_op<{{opIdx = 1, parent = {MMA3}, kWidth = 2}}>", [16, 16]),
    ("O.dot_op(0, O.nvidia_mma(2, 0, [2, 2], [16, 8]), 0)", f"#ttg.dot_op<{{opIdx = 0, parent = {MMA2}}}>", [16, 16]),
    ("O.dot_op(0, O.nvidia_mma(2, 0, [2, 2], [16, 8]), 3)", f"#ttg.dot_op<{{opIdx = 0, parent = {MMA2}, kWidth = 3}}>", [16, 16]),
    ("O.dot_op(0, O.blocked([1, 4], [8, 4], [2, 2], [1, 0]), 2)", f"#ttg.dot_op<{{opIdx = 0, parent = {BLOCKED}, kWidth = 2}}>", [16, 16]),
    ("O.slice_(2, O.blocked([1, 4], [8, 4], [2, 2], [1, 0]))", f"#ttg.slice<{{dim = 2, parent = {BLOCKED}}}>", [16]),
    ("O.blocked([1, 4], [8, 4], [2, 2], [1, 0])", BLOCKED, [16, 12]),
    ("O.linear([[1, 1]], [[1, 0]], [], [], [2, 2])", "#ttg.linear<{register = [[1, 1]], lane = [[1, 0]], warp = [], block = []}>", [2, 2]),
    # AMD
    ("O.amd_mfma(3, [2, 2], [8, 8, 8], False)", MFMA.replace("[32, 32, 8]", "[8, 8, 8]"), [64, 64]),
    ("O.amd_mfma(3, [2, 2], [64, 4, 4], False)", MFMA.replace("[32, 32, 8]", "[64, 4, 4]"), [64, 64]),
    ("O.amd_mfma(3, [2, 2], [32, 32, 8], False, ebw=16)", MFMA.replace("}>", ", elementBitWidth = 16}>"), [64, 64]),
    ("O.amd_mfma(5, [2, 2], [32, 32, 8], False)", MFMA.replace("version = 3", "version = 5"), [64, 64]),
    ("O.amd_wmma(4, False, [2, 2])", WMMA.replace("version = 2", "version = 4"), [64, 64]),
    ("O.amd_wmma(2, False, [2, 2])", WMMA, [8, 8]),
    ("O.amd_wmma(1, False, [2, 2], instr=[16, 16, 32])", "#ttg.amd_wmma<{version = 1, isTranspose = false, warpsPerCTA = [2, 2], instrShape = [16, 16, 32]}>", [64, 64]),
    ("O.dot_op(0, O.amd_mfma(3, [2, 2], [32, 32, 8], False), 0)", f"#ttg.dot_op<{{opIdx = 0, parent = {MFMA}}}>", [64, 64]),
    ("O.dot_op(0, O.amd_wmma(1, False, [2, 2]), 4)", f"#ttg.dot_op<{{opIdx = 0, parent = {WMMA.replace('version = 2', 'version = 1')}, kWidth = 4}}>", [64, 64]),
    # shared memory
    ("O.nvmma_shared(128, 16)", NVMMA, [64, 32], "shared_ll"),
    ("O.nvmma_shared(128, 16)", NVMMA, [4, 64], "shared_ll"),
    ("O.nvmma_shared(48, 16)", NVMMA.replace("128", "48"), [64, 64], "shared_ll"),
    ("O.swizzled_shared(8, 0, 8, [1, 0])", "#ttg.swizzled_shared<{vec = 8, perPhase = 0, maxPhase = 8, order = [1, 0]}>", [64, 64], "shared_ll"),
    ("O.shared_linear([[1, 0], [1, 0], [2, 0]])", "#ttg.shared_linear<{offset = [[1, 0], [1, 0], [2, 0]]}, alignment = 16>", [4, 1], "shared_ll"),
    ("O.shared_linear([[1, 0], [2, 0]], alignment=3)", "#ttg.shared_linear<{offset = [[1, 0], [2, 0]]}, alignment = 3>", [4, 1], "shared_ll"),
    ("O.padded_shared([32], [4], [[1, 0], [0, 0], [2, 0]], [], [4, 1])", "#ttg.padded_shared<[32:+4] {offset = [[1, 0], [0, 0], [2, 0]], block = []}>", [4, 1], "shared_ll"),
    ("O.padded_shared([24], [4], [[1, 0], [2, 0]], [], [4, 1])", "#ttg.padded_shared<[24:+4] {offset = [[1, 0], [2, 0]], block = []}>", [4, 1], "shared_ll"),
    # Found by test_fuzz_params.py (Triton aborts; we used to answer or crash).
    ("O.dot_op(0, O.nvidia_mma(2, 0, [1, 1], [16, 8]), 1 << 30)", f"#ttg.dot_op<{{opIdx = 0, parent = {MMA2}, kWidth = 1073741824}}>", [64, 64]),
    ("O.swizzled_shared(2**31 - 1, 2, 8, [1, 0])", "#ttg.swizzled_shared<{vec = 2147483647, perPhase = 2, maxPhase = 8, order = [1, 0]}>", [128, 64], "shared_ll"),
    pytest.param(("O.swizzled_shared(2, 1, 1, [2, 1, 0])", "#ttg.swizzled_shared<{vec = 2, perPhase = 1, maxPhase = 1, order = [2, 1, 0]}>", [1 << 30, 128, 32], "shared_ll"), marks=ACCEPTED_BY_3_7),
    ("O.dot_op(0, O.nvidia_mma(2, 0, [1, 4], [16, 8], [[3, 0], [1, 0]]), 8)", f"#ttg.dot_op<{{opIdx = 0, parent = {MMA2.replace('}>', ', CGALayout = [[3, 0], [1, 0]]}>')}, kWidth = 8}}>", [2, 32]),
    ("O.linear([[1, 0], [0, 1], [0, 4], [8, 0]], [[0, 2], [4, 0]], [[0, 5]], [], [16, 8])", "#ttg.linear<{register = [[1, 0], [0, 1], [0, 4], [8, 0]], lane = [[0, 2], [4, 0]], warp = [[0, 5]], block = []}>", [16, 1]),
    pytest.param(("O.slice_(0, O.linear([], [[1, 0], [2, 0], [1, 0]], [], [[0, 0]], [4, 1]))", "#ttg.slice<{dim = 0, parent = #ttg.linear<{register = [], lane = [[1, 0], [2, 0], [1, 0]], warp = [], block = [[0, 0]]}>}>", [1]), marks=ACCEPTED_BY_3_8),
    pytest.param(("O.slice_(0, O.linear([], [[2, 0], [0, 2]], [[1, 0], [0, 0]], [[0, 1], [0, 0]], [4, 4]))", "#ttg.slice<{dim = 0, parent = #ttg.linear<{register = [], lane = [[2, 0], [0, 2]], warp = [[1, 0], [0, 0]], block = [[0, 1], [0, 0]]}>}>", [4]), marks=ACCEPTED_BY_3_7),
]


@pytest.mark.triton
@pytest.mark.parametrize("case", TRITON_REJECTS, ids=lambda c: c[1][:60])
def test_rejected_by_triton_and_by_us(case):
    build, text, shape = case[:3]
    reader = case[3] if len(case) > 3 else "distributed_ll"
    rc, out = O.isolated(f"a = {build}\nO.{reader}(a, {shape})\nprint('TRITON-ACCEPTED')")
    assert rc != 0 and "TRITON-ACCEPTED" not in out, f"Triton accepted {build} on {shape}"
    assert not any(e in out for e in ("NameError", "AttributeError", "SyntaxError")), out
    with pytest.raises(LayoutError):
        ll.from_triton(text, shape)
