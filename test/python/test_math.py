"""Math that needs a library: ``math.exp``, ``math.log``, ``math.erf``, ...
on encoded tensors become calls of libdevice's ``__nv_*`` (NVIDIA) or
OCML's ``__ocml_*`` (AMD) functions, linked from the installed Triton's
bitcode at emission; square roots, absolute values and rounding stay single
instructions.

Checked here: every op lowers for sm_80, sm_90 and gfx942, the PTX (with
libdevice linked in) assembles with ``ptxas`` and has no call left, the
AMDGCN has no call left, and the emulated kernel (which evaluates the
library functions with numpy, so this checks the lowering's choice of
function, types and f16 promotion, not the libraries' accuracy) matches
numpy within a few float ulps.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import linear_layouts as ll
from linear_layouts.compiler import ptxas

UNARY = {"math.exp": np.exp, "math.exp2": np.exp2, "math.log": np.log, "math.log2": np.log2,
         "math.log10": np.log10, "math.sin": np.sin, "math.cos": np.cos, "math.tanh": np.tanh,
         "math.erf": None, "math.sqrt": np.sqrt, "math.rsqrt": lambda x: 1 / np.sqrt(x),
         "math.floor": np.floor, "math.absf": np.abs}


def kernel(op: str, dtype: str, target: str) -> str:
    t = f"tensor<128x{dtype}, #b>"
    lanes = 64 if target.startswith("gfx") else 32  # one warp of the target's lanes
    return f"""
#b = #ll.blocked<{{sizePerThread = [{128 // lanes}], threadsPerWarp = [{lanes}], warpsPerCTA = [1], order = [0]}}>
module attributes {{ll.target = #ll.target<"{target}">}} {{
func.func @k(%x: !ll.ptr<{dtype}>, %y: !ll.ptr<{dtype}>) attributes {{ll.kernel}} {{
  %r = ll.make_range {{start = 0 : i32, end = 128 : i32}} : tensor<128xi32, #b>
  %xs = ll.splat %x : !ll.ptr<{dtype}> -> tensor<128x!ll.ptr<{dtype}>, #b>
  %xp = ll.addptr %xs, %r : tensor<128x!ll.ptr<{dtype}>, #b>, tensor<128xi32, #b>
  %v = ll.load %xp : (tensor<128x!ll.ptr<{dtype}>, #b>) -> {t}
  %e = {op} %v : {t}
  %ys = ll.splat %y : !ll.ptr<{dtype}> -> tensor<128x!ll.ptr<{dtype}>, #b>
  %yp = ll.addptr %ys, %r : tensor<128x!ll.ptr<{dtype}>, #b>, tensor<128xi32, #b>
  ll.store %yp, %e : (tensor<128x!ll.ptr<{dtype}>, #b>, {t}) -> ()
  return
}}
}}
"""


NP = {"f16": np.float16, "f32": np.float32, "f64": np.float64}


@pytest.mark.parametrize("target", ["sm_90", "gfx942"])
@pytest.mark.parametrize("op", sorted(UNARY))
def test_math_lowers_links_and_executes(op, target):
    for dtype in ("f32", "f64", "f16"):
        k = ll.compile(kernel(op, dtype, target), target)
        lib = "__nv_" if target.startswith("sm") else "__ocml_"
        x = np.linspace(0.05, 2.5, 128).astype(NP[dtype])
        y = np.zeros_like(x)
        ll.emulate(k, 1, [x, y])
        ref = UNARY[op] or np.vectorize(__import__("math").erf)
        want = ref(x.astype(np.float64))
        tol = {"f16": 2e-3, "f32": 1e-6, "f64": 1e-13}[dtype]
        np.testing.assert_allclose(y.astype(np.float64), want, rtol=tol, atol=tol)
        if dtype != "f32":
            continue
        calls = lib in k.mlir
        library = op not in ("math.sqrt", "math.rsqrt", "math.floor", "math.absf") and not (
            target == "gfx942" and op in ("math.exp", "math.exp2", "math.log", "math.log2"))
        assert calls == library, (op, target)
        asm = k.asm
        if target.startswith("sm"):
            assert ptxas(k)[:4] == b"\x7fELF"
            assert "call" not in asm  # libdevice linked and inlined
        elif asm:  # AMDGCN through Triton's LLVM
            assert "s_swappc" not in asm and not re.search(r"__ocml_\w+@", asm) and "s_endpgm" in asm


def test_sm80_links_libdevice():
    k = ll.compile(kernel("math.exp", "f32", "sm_80"), "sm_80")
    assert ptxas(k)[:4] == b"\x7fELF"
