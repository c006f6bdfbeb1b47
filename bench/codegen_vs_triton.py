#!/usr/bin/env python3
"""Our generated code vs Triton's, statically, on the corpus of conversions.

For every NVIDIA conversion of test/data/conversions.json: our
``convert_roundtrip`` kernel (linear_layouts.kernels) and the same kernel
written in Gluon with the same layouts, compiled by the installed Triton,
both assembled by Triton's bundled ``ptxas`` for the conversion's target
(sm_80, sm_90a) and disassembled with its ``cuobjdump``. The cost of one
round trip (two conversions and two adds) in steady state is the
difference between the kernels with ``iters = 2`` and ``iters = 1``, both
unrolled (no loop; global loads and stores identical): SASS instructions in
total and by class (LDS, STS, LDSM, STSM, SHFL, BAR, PRMT), registers per
thread, spill bytes, shared bytes. Prints one row per case and totals.

    .venv/bin/python bench/codegen_vs_triton.py [--limit N] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import triton
from triton.backends.compiler import GPUTarget
from triton.experimental import gluon
from triton.experimental.gluon import language as gl
from triton.experimental.gluon._runtime import GluonASTSource

import linear_layouts as ll
from linear_layouts.compiler import ptxas
from linear_layouts.kernels import convert_roundtrip

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(triton.__file__).parent / "backends" / "nvidia" / "bin"
CLASSES = ("LDS", "STS", "LDSM", "STSM", "SHFL", "BAR", "PRMT")
DTYPES = {8: "i8", 16: "i16", 32: "i32", 64: "i64"}
ARCH = {"sm_80": ("sm_80", 80), "sm_90": ("sm_90a", 90)}


@gluon.jit
def _roundtrip(X, Y, ITERS: gl.constexpr, SRC: gl.constexpr, DST: gl.constexpr,
               L0: gl.constexpr, L1: gl.constexpr, M: gl.constexpr, N: gl.constexpr):
    # A 2D tile (1D tensors are given as [M, 1]): row-major offsets in SRC.
    pid = gl.program_id(0)
    r = gl.arange(0, M, layout=L0)
    c = gl.arange(0, N, layout=L1)
    offs = gl.expand_dims(r, 1) * N + gl.expand_dims(c, 0) + pid * (M * N)
    v = gl.load(X + offs)
    for _ in gl.static_range(ITERS):
        w = gl.convert_layout(v, DST) + 1
        v = gl.convert_layout(w, SRC) + 1
    gl.store(Y + offs, v)


def _gluon_layout(layout, shape):
    b = layout.bases
    return gl.DistributedLinearLayout(b.get("register", []), b.get("lane", []), b.get("warp", []),
                                      b.get("block", []), list(shape))


def _as2d(layout, shape):
    """A rank-1 layout as [M, 1]; rank 2 as is; others: None."""
    if len(shape) == 2:
        return layout, list(shape)
    if len(shape) != 1:
        return None, None
    b = {d: [[v[0], 0] for v in vs] for d, vs in layout.bases.items()}
    return ll.LinearLayout.from_bases(b, {"dim0": shape[0], "dim1": 1}), [shape[0], 1]


def triton_cubin(src, dst, shape, bits, target, iters, warps):
    s, d = _gluon_layout(src, shape), _gluon_layout(dst, shape)
    l0, l1 = gl.SliceLayout(1, s), gl.SliceLayout(0, s)
    dt = "*" + DTYPES[bits]
    consts = {"ITERS": iters, "SRC": s, "DST": d, "L0": l0, "L1": l1, "M": shape[0], "N": shape[1]}
    sig = {"X": dt, "Y": dt, **{k: "constexpr" for k in consts}}
    src_ = GluonASTSource(_roundtrip, sig, consts)
    k = triton.compile(src_, target=GPUTarget("cuda", ARCH[target][1], 32), options={"num_warps": warps})
    return k.asm["ptx"], k.asm["cubin"], k.metadata.shared


def sass_stats(ptx: str, cubin: bytes, arch: str, classes: tuple = CLASSES) -> dict:
    """ptxas's registers and spills and the SASS opcode counts of `classes`
    (and the total) for `ptx` assembled for `arch`."""
    with tempfile.TemporaryDirectory() as tmp:
        p, c = os.path.join(tmp, "k.ptx"), os.path.join(tmp, "k.cubin")
        Path(p).write_text(ptx)
        r = subprocess.run([str(BIN / "ptxas"), "-v", f"-arch={arch}", p, "-o", c], capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(r.stderr)
        regs = int(re.search(r"Used (\d+) registers", r.stderr).group(1))
        spill = sum(int(x) for x in re.findall(r"(\d+) bytes spill", r.stderr))
        sass = subprocess.run([str(BIN / "cuobjdump"), "-sass", c], capture_output=True, text=True).stdout
    ops = Counter()
    for line in sass.splitlines():
        m = re.match(r"\s*/\*[0-9a-f]{4,}\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_]*)(\.[A-Z0-9_.]+)?", line)
        if m and m.group(1) not in ("NOP",):
            ops[m.group(1)] += 1
    out = {k: ops.get(k, 0) for k in classes}
    out["total"] = sum(ops.values())
    out["regs"], out["spill"] = regs, spill
    return out


def delta(a: dict, b: dict) -> dict:
    return {k: a[k] - b[k] for k in (*CLASSES, "total")} | {"regs": a["regs"], "spill": a["spill"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(ROOT / "test" / "data" / "conversions.json"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    rows, totals, worse, skipped = [], Counter(), [], []
    entries = [e for e in json.loads(Path(args.corpus).read_text()) if e["target"] in ARCH]
    if args.only:
        entries = [e for e in entries if args.only in e.get("kernel", "")]
    if args.limit:
        entries = entries[: args.limit]
    print(f"{'kernel':34} {'target':6} {'shape':10} {'bits':>4}  ours: total LDS STS LDSM STSM SHFL BAR PRMT regs smem | triton: total LDS STS LDSM STSM SHFL BAR PRMT regs smem")
    for e in entries:
        name = e.get("kernel", "?")
        src, shape = _as2d(ll.from_triton(e["src"], e["shape"]), e["shape"])
        dst, _ = _as2d(ll.from_triton(e["dst"], e["shape"]), e["shape"])
        if src is None:
            skipped.append(f"{name}: rank {len(e['shape'])} (the Gluon kernel is 2D)")
            continue
        arch = ARCH[e["target"]][0]
        bits, warps = e["bitwidth"], e["num_warps"]
        try:
            ours = [convert_roundtrip(src, dst, shape, DTYPES[bits], it, e["target"], unroll=True) for it in (2, 1)]
            o = delta(*(sass_stats(k.asm, b"", arch) for k in ours))
            o_smem = ours[0].shared_bytes
            tk = [triton_cubin(src, dst, shape, bits, e["target"], it, warps) for it in (2, 1)]
            t = delta(*(sass_stats(p, c, arch) for p, c, _ in tk))
            t_smem = tk[0][2]
        except Exception as ex:  # report, keep going
            skipped.append(f"{name} {e['target']}: {type(ex).__name__}: {str(ex).splitlines()[0][:120]}")
            continue
        fmt = lambda x, sm: f"{x['total']:5} " + " ".join(f"{x[k]:3}" for k in CLASSES) + f" {x['regs']:4} {sm:5}"
        print(f"{name[:34]:34} {e['target']:6} {'x'.join(map(str, e['shape'])):10} {bits:4}  {fmt(o, o_smem)} | {fmt(t, t_smem)}")
        for k in (*CLASSES, "total"):
            totals["ours_" + k] += o[k]
            totals["triton_" + k] += t[k]
        totals["ours_spill"] += o["spill"]
        totals["triton_spill"] += t["spill"]
        totals["ours_smem"] += o_smem
        totals["triton_smem"] += t_smem
        totals["n"] += 1
        if o["total"] > t["total"]:
            worse.append(f"{name} {e['target']} {e['shape']} {bits}-bit: ours {o['total']} SASS instructions, Triton {t['total']}")
    n = totals["n"]
    print(f"\n{n} conversions compared (SASS of one round trip in steady state: two conversions and two adds)")
    for k in (*CLASSES, "total"):
        a, b = totals["ours_" + k], totals["triton_" + k]
        print(f"  {k:6} ours {a:7}  Triton {b:7}  ratio {a / b if b else float('nan'):.3f}")
    print(f"  spill bytes: ours {totals['ours_spill']}, Triton {totals['triton_spill']}")
    print(f"  shared bytes: ours {totals['ours_smem']}, Triton {totals['triton_smem']}")
    print(f"cases where ours issue more SASS instructions than Triton: {len(worse)}")
    for w in worse:
        print("  " + w)
    if skipped:
        print(f"not compared: {len(skipped)}")
        for s in skipped:
            print("  " + s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
