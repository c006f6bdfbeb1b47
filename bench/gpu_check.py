#!/usr/bin/env python3
"""The GPU check, in two halves, ready before a GPU is lent.

``prepare DIR`` (here, with linear-layouts and Triton): for every kernel of
the corpus (test/triton/kernels.py and the tensor-core kernels of
test/triton/dot_kernels.py) compiled for the target (default sm_90, the
lent machines' H100 / H200): Triton's cubin and, where the hook takes the
kernel, ours (the hook's own compile: the cubin Triton would launch);
inputs; references (the outputs of Triton's code run in the emulator,
checked against the corpus' numpy references); whether our emulated
outputs equal Triton's bitwise; launch geometry, shared bytes, scratch
sizes. All into DIR with ``manifest.json`` and a copy of
``gpu_check_device.py``, the plain script that runs there (numpy + cupy;
our wheel cannot be installed there).

``dry-run DIR`` (here): runs the device script on DIR with an emulator
launcher in place of cupy, so the "there" half is known to work.

    .venv/bin/python bench/gpu_check.py prepare /tmp/gpu_check [--target sm_90] [--only a,b]
    .venv/bin/python bench/gpu_check.py dry-run /tmp/gpu_check
    # there:  python /tmp/gpu_check/gpu_check_device.py /tmp/gpu_check --sanitize
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "triton"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

_SCALAR = {"i1": "bool", "i32": "int32", "i64": "int64", "u32": "uint32", "u64": "uint64", "fp32": "float32",
           "fp64": "float64"}


def corpus() -> dict:
    from dot_kernels import DOT_KERNELS
    from kernels import KERNELS

    out = {name: entry for name, entry in KERNELS.items()}
    out.update({name: entry[:6] for name, entry in DOT_KERNELS.items()})
    return out


def _all_args(fn, consts, launch, inputs) -> list:
    """The non-constexpr arguments of the call, specialized constants back
    in their places (compare() specializes them again)."""
    passed = dict(zip(launch.names, inputs))
    return [passed.get(n, launch.constexprs.get(n)) for n in fn.arg_names if n not in consts]


def _hooked_compile(fn, sig, consts, target, warps, attrs=None):
    """The hook's compile: our code where it takes the kernel, else None."""
    import triton
    from triton.backends.compiler import GPUTarget

    import linear_layouts.triton as llt

    backend, arch, warp = llt._backend(target).triton_target()
    was = llt.installed()
    llt.install()
    try:
        k = triton.compile(triton.compiler.ASTSource(fn, sig, dict(consts), attrs), target=GPUTarget(backend, arch, warp),
                           options={"num_warps": warps})
    finally:
        if not was:
            llt.uninstall()
    return k if getattr(k.metadata, "linear_layouts_path", None) == "ours" else None


def prepare(out: Path, target: str = "sm_90", only: set[str] | None = None) -> dict:
    import linear_layouts.triton as llt
    from linear_layouts.emulator import _dims

    if not target.startswith("sm_"):
        raise SystemExit(f"gpu_check prepares NVIDIA cubins (the lent machines' GPUs), not {target}")
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, (fn, sig, consts, warps, grid, make) in sorted(corpus().items()):
        if only and name not in only:
            continue
        args, check = make(np.random.default_rng(0))
        launch = llt._launch_args(fn, list(args), consts, sig)  # (specialized as Triton's launcher does)
        signature, call = launch.signature, launch.call
        grid3 = list(_dims(grid, "grid"))
        inputs = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in call]
        try:
            k = llt._tritons_compile(fn, signature, launch.constexprs, target, warps, attrs=launch.attrs)
        except Exception as e:  # a kernel Triton does not compile for this target (fp8 on sm_80)
            print(f"{name}: Triton does not compile it for {target}: {str(e).splitlines()[0][:100]}")
            continue
        # The references: Triton's code in the emulator, checked against numpy.
        llt.emulate(fn, grid, *args, target=target, num_warps=warps, code="triton", signature=sig, **consts)
        check()
        refs = [a for a in args if isinstance(a, np.ndarray)]
        ident = f"{name}.{target}"
        desc = {"id": ident, "kernel": name, "target": target, "grid": grid3, "args": [], "reference": [],
                "rtol": 2e-3, "atol": 2e-3}
        for pname, value in zip(launch.names, inputs):
            if isinstance(value, np.ndarray):
                f = f"{ident}.{pname}.npy"
                np.save(out / f, value)
                desc["args"].append({"kind": "array", "name": pname, "file": f})
            else:
                desc["args"].append({"kind": "scalar", "name": pname, "dtype": _SCALAR[signature[pname]],
                                     "value": value})
        for i, r in enumerate(refs):
            f = f"{ident}.ref{i}.npy"
            np.save(out / f, r)
            desc["reference"].append(f)
        md = k.metadata
        (out / f"{ident}.triton.cubin").write_bytes(k.asm["cubin"])
        (out / f"{ident}.triton.ll").write_text(k.asm["llir"])
        desc["triton"] = {"cubin": f"{ident}.triton.cubin", "emu": f"{ident}.triton.ll", "emu_kind": "llvm",
                          "name": md.name, "threads": md.num_warps * 32, "shared": int(md.shared or 0),
                          "scratch": [int(getattr(md, f"{w}_scratch_size", 0) or 0) for w in ("global", "profile")]}
        ours = _hooked_compile(fn, signature, launch.constexprs, target, warps, launch.attrs)
        if ours is not None:
            diffs = llt.compare(fn, grid, *[np.array(a, copy=True) if isinstance(a, np.ndarray) else a
                                            for a in _all_args(fn, consts, launch, inputs)],
                                target=target, num_warps=warps, signature=sig, **consts)
            ok = llt._our_kernel(k.asm["ttgir"], target)
            (out / f"{ident}.ours.cubin").write_bytes(ours.asm["cubin"])
            (out / f"{ident}.ours.mlir").write_text(ok.mlir)
            desc["ours"] = {"cubin": f"{ident}.ours.cubin", "emu": f"{ident}.ours.mlir", "emu_kind": "mlir",
                            "name": ours.metadata.name, "threads": ours.metadata.num_warps * 32,
                            "shared": int(ours.metadata.shared or 0), "scratch": [0, 0],
                            "bitwise_equal_to_triton": [d.equal for d in diffs]}
        entries.append(desc)
        print(f"{name}: triton{' + ours' if ours is not None else ' (ours falls back)'}")
    (out / "manifest.json").write_text(json.dumps({"target": target, "entries": entries}, indent=1))
    shutil.copy(Path(__file__).resolve().parent / "gpu_check_device.py", out / "gpu_check_device.py")
    return {"entries": len(entries), "ours": sum("ours" in e for e in entries)}


class EmulatorLauncher:
    """The device script's launcher interface, run by the emulator on the
    CPU: Triton's LLVM IR and our LLVM-dialect module stand in for the
    cubins made from them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def launch(self, entry: dict, code: str, arrays: list, scalars: list) -> list:
        from linear_layouts.emulator import emulate_llvm_ir, emulate_mlir

        k = entry[code]
        it_a, it_s = iter(arrays), iter(scalars)
        args = [next(it_a) if a["kind"] == "array" else np.dtype(a["dtype"]).type(next(it_s))
                for a in entry["args"]]
        programs = int(np.prod(entry["grid"]))
        args += [np.zeros(max(1, s * programs), np.uint8) for s in k["scratch"]]
        text = (self.root / k["emu"]).read_text()
        if k["emu_kind"] == "llvm":
            emulate_llvm_ir(text, tuple(entry["grid"]), args, kernel=k["name"], threads_per_cta=k["threads"],
                            shared_bytes=k["shared"])
        else:
            emulate_mlir(text, k["name"], tuple(entry["grid"]), args, threads_per_cta=k["threads"],
                         shared_bytes=k["shared"])
        return arrays

    def time(self, entry: dict, code: str, arrays: list, scalars: list, repeat: int) -> float:
        start = time.perf_counter()
        self.launch(entry, code, arrays, scalars)
        return time.perf_counter() - start


def dry_run(root: Path, only: str | None = None) -> dict:
    import gpu_check_device

    return gpu_check_device.check(root, launcher=EmulatorLauncher(root), only=only, repeat=1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("prepare", "dry-run"))
    ap.add_argument("dir")
    ap.add_argument("--target", default="sm_90")
    ap.add_argument("--only", help="comma-separated kernel names")
    a = ap.parse_args(argv)
    root = Path(a.dir)
    if a.what == "prepare":
        print(prepare(root, a.target, set(a.only.split(",")) if a.only else None))
        return 0
    import gpu_check_device

    if a.only and "," in a.only:
        raise SystemExit("dry-run --only takes one kernel name")
    report = dry_run(root, a.only)
    gpu_check_device.print_report(report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
