"""Triton's own compiled code run in our emulator (issue step 9): the
kernels of test/triton/kernels.py compiled by the installed Triton, their
LLVM IR (``k.asm["llir"]``) imported by MLIR's LLVM IR importer and
emulated for every thread, against the same numpy references as our own
code. Code that is hardware-proven judges the emulator's model of each
instruction it uses, independently of our lowering.

Where the emulator does not model an instruction yet, the run must stop
with an EmulationError naming it (never a silent skip); the table below
lists each for the pinned Triton (3.6), so that a kernel that starts to run
fails the test until it is moved to the passing set. Other Triton releases
(`make test-triton`) emit other code: there a named EmulationError is an
expected failure (xfail, reported with its reason), a wrong result still
fails.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

import triton_oracle

pytestmark = pytest.mark.triton
triton = triton_oracle.need_triton()

import linear_layouts.triton as llt  # noqa: E402
from linear_layouts.emulator import EmulationError  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "triton"))
from kernels import KERNELS  # noqa: E402

TARGETS = ["sm_80", "sm_90", "gfx942"]
#: (kernel, target) -> the instruction the emulator does not model yet (none
#: for Triton 3.6's code of this corpus).
NOT_MODELLED: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_tritons_code_runs_in_the_emulator(name, target):
    fn, sig, consts, warps, grid, make = KERNELS[name]
    args, check = make(np.random.default_rng(0))
    if triton_oracle.VERSION != (3, 6):
        try:
            llt.emulate(fn, grid, *args, target=target, num_warps=warps, code="triton", signature=sig, **consts)
        except EmulationError as e:
            # (Triton 3.9's LLVM writes hex floats as `f0x3FB8AA3B`, which
            # the LLVM 22 importer does not parse)
            if re.search(r"is not (supported|modelled|an instruction)|unsupported op|does not parse", str(e)):
                pytest.xfail(f"Triton {triton.__version__}: {str(e).splitlines()[0]}")
            raise
        check()
        return
    missing = NOT_MODELLED.get((name, target))
    if missing:
        with pytest.raises(EmulationError, match=f"Triton's code for {name} on {target}: .*{missing}"):
            llt.emulate(fn, grid, *args, target=target, num_warps=warps, code="triton", signature=sig, **consts)
        return
    k = llt.emulate(fn, grid, *args, target=target, num_warps=warps, code="triton", signature=sig, **consts)
    assert k.asm["llir"]  # Triton's own code ran, not ours
    check()


def test_compare_reports_bitwise_equality_and_differences():
    """compare() runs our code and Triton's on copies of the same inputs:
    vector add is bitwise equal; the inputs are left as they were."""
    fn, _, consts, warps, grid, make = KERNELS["vector_add"]
    args, _ = make(np.random.default_rng(1))
    before = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    diffs = llt.compare(fn, grid, *args, target="sm_90", num_warps=warps, **consts)
    assert [d.index for d in diffs] == [0, 1, 2] and all(d.equal and d.first is None for d in diffs)
    assert all((a == b).all() for a, b in zip(args[:3], before[:3]))
    with pytest.raises(ValueError, match="code must be 'ours' or 'triton'"):
        llt.emulate(fn, grid, *args, target="sm_90", code="theirs", **consts)


def test_llvm_ir_that_does_not_parse_is_an_emulation_error():
    from linear_layouts.emulator import emulate_llvm_ir

    with pytest.raises(EmulationError, match="the LLVM IR does not parse"):
        emulate_llvm_ir("define void @k(", 1, [])
