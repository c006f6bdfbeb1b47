#!/usr/bin/env python3
"""Tensor-core kernels compiled by Triton alone and with our llir stage.

For every kernel of test/triton/dot_kernels.py and target (sm_80, sm_90a,
gfx942) it runs on: the kernel compiled by the installed Triton, and again
through ``linear_layouts.triton`` (our lowering of the dots: the instruction
found by dividing the layouts), in the same run, fresh caches, specialized
as Triton's launcher specializes the corpus' arguments. Both PTX are
assembled by Triton's ``ptxas`` and disassembled: the tensor-core work
(``HMMA`` / ``IMMA``, ``HGMMA`` / ``IGMMA`` / ``QGMMA``), shared-memory traffic (``LDSM``, ``LDS``,
``LDGSTS``), barriers, the whole kernel, registers and spills. On gfx942 the
AMDGCN assembly of Triton's AMD back end: ``v_mfma``, ``ds_read`` /
``ds_write``, ``s_barrier``, all instructions, VGPRs, scratch. A kernel our
lowering does not take yet is listed with Triton's fallback reason.

    .venv/bin/python bench/dot_vs_triton.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "test" / "triton"))
import triton_static as ts  # noqa: E402
from codegen_vs_triton import sass_stats  # noqa: E402
from dot_kernels import DOT_KERNELS  # noqa: E402

import linear_layouts.triton as llt  # noqa: E402

#: tensor-core instructions: mma.sync (HMMA, IMMA), wgmma (HGMMA f16 / bf16 /
#: tf32, IGMMA s8, QGMMA fp8)
TENSOR_CORE = ("HMMA", "IMMA", "HGMMA", "IGMMA", "QGMMA")
CLASSES = (*TENSOR_CORE, "LDSM", "LDS", "LDGSTS", "BAR")


def stats(ptx: str, arch: str) -> dict:
    return sass_stats(ptx, b"", arch, CLASSES)


#: gfx942 (AMDGCN assembly from Triton's AMD back end): MFMAs, LDS reads and
#: writes, barriers.
AMD_CLASSES = ("v_mfma", "ds_read", "ds_write", "s_barrier")


def amd_stats(asm: str) -> dict:
    """Instruction counts of an AMDGCN kernel: the classes above (by opcode
    prefix), all instructions, VGPRs and scratch (spill) bytes."""
    import re

    ops = [m.group(1) for m in re.finditer(r"^\s+([a-z][a-z0-9_]*)\b", asm, re.M)
           if not m.group(1).startswith(".")]
    out = {c: sum(o.startswith(c) for o in ops) for c in AMD_CLASSES}
    out["total"] = len(ops)
    vg = re.search(r"\.vgpr_count:\s+(\d+)", asm)
    sc = re.search(r"ScratchSize: (\d+)", asm)
    out["regs"], out["spill"] = int(vg.group(1)) if vg else 0, int(sc.group(1)) if sc else 0
    return out


def compile_pair(name: str, arch: "int | str"):
    fn, sig, consts, warps, _, make, _ = DOT_KERNELS[name]
    args, _ = make(np.random.default_rng(0))
    launch = llt._launch_args(fn, list(args), consts, sig)
    s = {n: t for n, t in launch.signature.items() if t != "constexpr"}
    n = len(llt.report())
    ko, _ = ts.compile_timed(fn, s, launch.constexprs, warps, arch, True, attrs=launch.attrs)
    recs = llt.report()[n:]
    kt, _ = ts.compile_timed(fn, s, launch.constexprs, warps, arch, False, attrs=launch.attrs)
    return ko, kt, recs


def main() -> int:
    print(f"{'kernel':18} {'tgt':5} | ours: total {' '.join(f'{c:>6}' for c in CLASSES)} regs spill "
          f"| triton: total {' '.join(f'{c:>6}' for c in CLASSES)} regs spill")
    totals, worse, fallbacks, mismatched = Counter(), [], [], []
    for name in sorted(DOT_KERNELS):
        for tgt, (arch, sass_arch) in ts.TARGETS.items():
            if tgt not in DOT_KERNELS[name][-1]:
                continue
            ko, kt, recs = compile_pair(name, arch)
            if any(r.path != "ours" for r in recs):
                fallbacks.append(f"{name} {tgt}: {recs[-1].reason}")
                continue
            o, t = stats(ko.asm["ptx"], sass_arch), stats(kt.asm["ptx"], sass_arch)
            for key in ("total", *CLASSES, "regs", "spill"):
                totals["o_" + key] += o[key]
                totals["t_" + key] += t[key]
            if o["total"] > t["total"]:
                worse.append(f"{name} {tgt}: {o['total']} vs {t['total']}")
            if any(o[c] != t[c] for c in TENSOR_CORE):
                mismatched.append(f"{name} {tgt}: " + ", ".join(f"{c} {o[c]} vs {t[c]}" for c in TENSOR_CORE))
            print(f"{name:18} {tgt:5} | {o['total']:11} {' '.join(f'{o[c]:>6}' for c in CLASSES)} {o['regs']:4} "
                  f"{o['spill']:5} | {t['total']:13} {' '.join(f'{t[c]:>6}' for c in CLASSES)} {t['regs']:4} "
                  f"{t['spill']:5}")
    print(f"\nSASS instructions: ours {totals['o_total']} vs Triton {totals['t_total']} "
          f"({totals['o_total'] / max(1, totals['t_total']):.3f}); tensor-core instructions "
          + ", ".join(f"{c} {totals['o_' + c]} vs {totals['t_' + c]}" for c in TENSOR_CORE)
          + f"; LDSM {totals['o_LDSM']} vs {totals['t_LDSM']}, LDS {totals['o_LDS']} vs {totals['t_LDS']}, "
          f"BAR {totals['o_BAR']} vs {totals['t_BAR']}; registers {totals['o_regs']} vs {totals['t_regs']}; "
          f"spill bytes {totals['o_spill']} vs {totals['t_spill']}")
    lists(("tensor-core counts that differ", mismatched), ("kernels where ours is longer", worse),
          ("fallbacks", fallbacks))
    amd()
    return 0


def lists(*named: tuple) -> None:
    """Each (title, entries): the count, then one entry per line."""
    for title, entries in named:
        print(f"{title}: {len(entries)}")
        for e in entries:
            print("  " + e)


def amd() -> None:
    """The same on gfx942: MFMA counts equal, LDS reads at most Triton's."""
    print(f"\n{'kernel':18} gfx942 | ours: total {' '.join(f'{c:>9}' for c in AMD_CLASSES)} vgpr scratch "
          f"| triton: total {' '.join(f'{c:>9}' for c in AMD_CLASSES)} vgpr scratch")
    totals, worse, fallbacks, mismatched = Counter(), [], [], []
    for name in sorted(DOT_KERNELS):
        if "gfx942" not in DOT_KERNELS[name][-1]:
            continue
        ko, kt, recs = compile_pair(name, "gfx942")
        if any(r.path != "ours" for r in recs):
            fallbacks.append(f"{name}: {recs[-1].reason}")
            continue
        o, t = amd_stats(ko.asm["amdgcn"]), amd_stats(kt.asm["amdgcn"])
        for key in ("total", *AMD_CLASSES, "regs", "spill"):
            totals["o_" + key] += o[key]
            totals["t_" + key] += t[key]
        if o["total"] > t["total"]:
            worse.append(f"{name}: {o['total']} vs {t['total']}")
        if o["v_mfma"] != t["v_mfma"]:
            mismatched.append(f"{name}: v_mfma {o['v_mfma']} vs {t['v_mfma']}")
        print(f"{name:18}        | {o['total']:11} {' '.join(f'{o[c]:>9}' for c in AMD_CLASSES)} {o['regs']:4} "
              f"{o['spill']:7} | {t['total']:13} {' '.join(f'{t[c]:>9}' for c in AMD_CLASSES)} {t['regs']:4} "
              f"{t['spill']:7}")
    print(f"\ngfx942 instructions: ours {totals['o_total']} vs Triton {totals['t_total']} "
          f"({totals['o_total'] / max(1, totals['t_total']):.3f}); v_mfma {totals['o_v_mfma']} vs "
          f"{totals['t_v_mfma']}; ds_read {totals['o_ds_read']} vs {totals['t_ds_read']}; ds_write "
          f"{totals['o_ds_write']} vs {totals['t_ds_write']}; s_barrier {totals['o_s_barrier']} vs "
          f"{totals['t_s_barrier']}; VGPRs {totals['o_regs']} vs {totals['t_regs']}; scratch {totals['o_spill']} "
          f"vs {totals['t_spill']}")
    lists(("MFMA counts that differ", mismatched), ("kernels where ours is longer", worse),
          ("fallbacks", fallbacks))


if __name__ == "__main__":
    sys.exit(main())
