#!/usr/bin/env python3
"""Triton kernels compiled by Triton alone and with our llir stage, statically.

For every kernel of test/triton/kernels.py and target (sm_80, sm_90a):
the kernel compiled by the installed Triton as is, and again with
``linear_layouts.triton`` installed (our layouts, plans and lowering in
place of Triton's ``make_llir``; Triton's PTX and cubin stages after it),
in the same run, each with a fresh cache, both compiled as Triton's
launcher compiles them for the corpus' arguments (``tt.divisibility`` on
aligned pointers and integers divisible by 16; ``--unspecialized``
without). Both PTX are assembled by
Triton's ``ptxas`` and disassembled: SASS instructions of the whole kernel
and by class, registers, spills, shared bytes; and the llir stage's time
(ours vs Triton's ``make_llir``, medians over repeats). Prints one row per
kernel and target, the totals, the time medians and every kernel where ours
is longer.

    .venv/bin/python bench/triton_static.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import triton
from triton import knobs
from triton.backends.compiler import GPUTarget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "test" / "triton"))
from codegen_vs_triton import CLASSES, sass_stats  # noqa: E402
from kernels import KERNELS  # noqa: E402

import linear_layouts.triton as llt  # noqa: E402

TARGETS = {"sm_80": (80, "sm_80"), "sm_90": (90, "sm_90a")}


def compile_once(name, arch, ours: bool):
    """One compile of a corpus kernel in a fresh cache; (compiled kernel,
    llir stage ms)."""
    fn, sig, consts, warps, _, make = KERNELS[name]
    if not SPECIALIZE:
        return compile_timed(fn, sig, consts, warps, arch, ours)
    # As Triton's launcher compiles it for the corpus' own arguments.
    import numpy as np

    args, _ = make(np.random.default_rng(0))
    launch = llt._launch_args(fn, list(args), consts, sig)
    sig = {n: t for n, t in launch.signature.items() if t != "constexpr"}
    return compile_timed(fn, sig, launch.constexprs, warps, arch, ours, attrs=launch.attrs)


#: compile as Triton's launcher does (tt.divisibility from the arguments); --unspecialized: without
SPECIALIZE = True


def compile_timed(fn, sig, consts, warps, arch, ours: bool, attrs=None):
    """One compile of `fn` for sm_`arch` in a fresh cache, by Triton alone
    or with our llir stage; (compiled kernel, llir stage ms)."""
    src = triton.compiler.ASTSource(fn, {**sig, **{k: "constexpr" for k in consts}}, consts, attrs=attrs)
    times: list[float] = []

    def timing_hook(backend=None, stages=None, options=None, language=None, capability=None):
        if backend is None:
            return "timing", "timing"
        inner = stages["llir"]

        def llir(s, md):
            t0 = time.perf_counter()
            out = inner(s, md)
            times.append((time.perf_counter() - t0) * 1e3)
            return out
        stages["llir"] = llir

    with tempfile.TemporaryDirectory() as d:
        if ours:
            llt.install(cache_dir=d)
            inner_hook = knobs.runtime.add_stages_inspection_hook

            def both(backend=None, stages=None, options=None, language=None, capability=None):
                if backend is None:
                    return inner_hook()
                inner_hook(backend, stages, options, language, capability)
                timing_hook(backend, stages, options, language, capability)
            knobs.runtime.add_stages_inspection_hook = both
        else:
            old_dir, old_hook = knobs.cache.dir, knobs.runtime.add_stages_inspection_hook
            knobs.cache.dir, knobs.runtime.add_stages_inspection_hook = d, timing_hook
        try:
            # (an AMD target is its name, "gfx942"; NVIDIA's its capability)
            target = GPUTarget("hip", arch, 64) if isinstance(arch, str) else GPUTarget("cuda", arch, 32)
            k = triton.compile(src, target=target, options={"num_warps": warps})
        finally:
            if ours:
                knobs.runtime.add_stages_inspection_hook = inner_hook
                llt.uninstall()
            else:
                knobs.cache.dir, knobs.runtime.add_stages_inspection_hook = old_dir, old_hook
    return k, times[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--unspecialized", action="store_true",
                    help="compile without the launcher's specialization (no tt.divisibility)")
    ap.add_argument("--only", default="",
                    help="comma-separated kernel names or prefixes (default: the whole corpus)")
    args = ap.parse_args()
    global SPECIALIZE
    SPECIALIZE = not args.unspecialized
    totals, worse, ours_t, tri_t, fallbacks = Counter(), [], [], [], []
    print(f"{'kernel':16} {'tgt':5} | ours: total {' '.join(f'{c:>4}' for c in CLASSES)} regs spill smem  ms "
          f"| triton: total {' '.join(f'{c:>4}' for c in CLASSES)} regs spill smem  ms")
    picked = [p for p in args.only.split(",") if p]
    for name in sorted(KERNELS):
        if picked and not any(name.startswith(p) for p in picked):
            continue
        for tgt, (arch, sass_arch) in TARGETS.items():
            n = len(llt.report())
            runs_o = [compile_once(name, arch, True) for _ in range(args.repeat)]
            runs_t = [compile_once(name, arch, False) for _ in range(args.repeat)]
            recs = llt.report()[n:]
            if any(r.path != "ours" for r in recs):
                fallbacks.append(f"{name} {tgt}: {recs[-1].reason}")
                continue
            ko, kt = runs_o[0][0], runs_t[0][0]
            o = sass_stats(ko.asm["ptx"], b"", sass_arch)
            t = sass_stats(kt.asm["ptx"], b"", sass_arch)
            mo = statistics.median(x for _, x in runs_o)
            mt = statistics.median(x for _, x in runs_t)
            ours_t.append(mo)
            tri_t.append(mt)
            for key in ("total", *CLASSES, "regs", "spill"):
                totals["o_" + key] += o[key]
                totals["t_" + key] += t[key]
            if o["total"] > t["total"]:
                worse.append(f"{name} {tgt}: {o['total']} vs {t['total']}")
            print(f"{name:16} {tgt:5} | {o['total']:11} {' '.join(f'{o[c]:>4}' for c in CLASSES)} {o['regs']:4} "
                  f"{o['spill']:5} {ko.metadata.shared:5} {mo:4.0f} | {t['total']:13} "
                  f"{' '.join(f'{t[c]:>4}' for c in CLASSES)} {t['regs']:4} {t['spill']:5} {kt.metadata.shared:5} {mt:4.0f}")
    print(f"\nSASS instructions: ours {totals['o_total']} vs Triton {totals['t_total']} "
          f"({totals['o_total'] / max(1, totals['t_total']):.3f}); registers {totals['o_regs']} vs {totals['t_regs']}; "
          f"spill bytes {totals['o_spill']} vs {totals['t_spill']}")
    if ours_t:
        print(f"llir stage, median over kernels: ours {statistics.median(ours_t):.1f} ms, "
              f"Triton's make_llir {statistics.median(tri_t):.1f} ms")
    print(f"kernels where ours is longer: {len(worse)}")
    for w in worse:
        print("  " + w)
    print(f"fallbacks: {len(fallbacks)}")
    for f in fallbacks:
        print("  " + f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
