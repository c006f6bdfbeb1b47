"""``make demo``: two Triton kernels through our pipeline inside Triton.

A fused softmax and a transpose, written with ``triton.language``, are
compiled by the installed Triton with ``linear_layouts.triton`` installed
(our layouts, conversion plans and lowering in Triton's ``llir`` stage) for
sm_90 and gfx942; the PTX / AMDGCN is written to ``build/demo``; the
softmax runs on the CPU through our code (``linear_layouts.triton.emulate``)
and is checked against numpy; the report lists each kernel's path, stage
time and the plans of its conversions.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
import triton
import triton.language as tl
from triton.backends.compiler import GPUTarget

from . import triton as llt
from ._core import Target
from .backends import backend


@triton.jit
def softmax(X, Y, N: tl.constexpr, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    m = offs < N
    x = tl.load(X + row * N + offs, mask=m, other=-float("inf"))
    x = x - tl.max(x, axis=0)
    e = tl.exp(x)
    tl.store(Y + row * N + offs, e / tl.sum(e, axis=0), mask=m)


@triton.jit
def transpose(X, Y, M: tl.constexpr, N: tl.constexpr):
    r = tl.arange(0, M)
    c = tl.arange(0, N)
    x = tl.load(X + r[:, None] * N + c[None, :])
    tl.store(Y + c[:, None] * M + r[None, :], tl.trans(x))


KERNELS = [
    (softmax, {"X": "*fp32", "Y": "*fp32"}, {"N": 1000, "BLOCK": 1024}),
    (transpose, {"X": "*fp16", "Y": "*fp16"}, {"M": 64, "N": 128}),
]
TARGETS = {name: GPUTarget(*backend(name).triton_target()) for name in ("sm_90", "gfx942")}


def main(out_dir: str = os.path.join("build", "demo")) -> int:
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as cache:
        llt.install(cache_dir=cache)
        try:
            for fn, sig, consts in KERNELS:
                src = triton.compiler.ASTSource(fn, {**sig, **{k: "constexpr" for k in consts}}, consts)
                for name, target in TARGETS.items():
                    k = triton.compile(src, target=target, options={"num_warps": 4})
                    ext = "amdgcn" if Target(name).vendor == "amd" else "ptx"
                    path = os.path.join(out_dir, f"{fn.__name__}.{name}.{ext}")
                    with open(path, "w") as f:
                        f.write(k.asm[ext])
                    print(f"wrote {path} ({len(k.asm[ext].splitlines())} lines)")
        finally:
            llt.uninstall()
    x = np.random.default_rng(0).standard_normal((4, 1000)).astype(np.float32)
    y = np.zeros_like(x)
    llt.emulate(softmax, 4, x, y, N=1000, BLOCK=1024, target="sm_90")
    e = np.exp(x - x.max(axis=1, keepdims=True))
    err = float(np.abs(y - e / e.sum(axis=1, keepdims=True)).max())
    print(f"softmax emulated on the CPU through our code (4 rows x 1000, sm_90): max error vs numpy {err:.2e}")
    print()
    print(llt.report())
    return 0 if err < 1e-5 else 1
