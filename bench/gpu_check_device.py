#!/usr/bin/env python3
"""The GPU half of bench/gpu_check.py: runs on a machine with a GPU, numpy,
cupy (and compute-sanitizer), without linear-layouts installed (it reads
only the directory ``gpu_check.py prepare`` wrote, which holds a copy of
this file).

For every entry of ``manifest.json`` -- one kernel of the corpus, Triton's
cubin and, where the hook took the kernel, ours -- it launches each cubin
with cupy on the stored inputs and compares:

* each output with the reference the emulator computed here from
  Triton's own code (already checked against numpy): bitwise for integer
  outputs, within the entry's tolerance for floats (the hardware's
  ex2.approx / rcp differ from exact evaluation in the last bits);
* our output with Triton's, bitwise where the emulator found them bitwise
  equal (``compare``);

then times both cubins side by side (median of cupy-event timings) and,
with ``--sanitize``, runs our cubins once more under compute-sanitizer's
memcheck and racecheck. Prints a table and writes ``report.json``.

    python gpu_check_device.py DIR [--sanitize] [--repeat N] [--only NAME]

A launcher is an object with ``launch(entry, code, arrays, scalars) ->
list of output arrays`` and ``time(entry, code, arrays, scalars, repeat) ->
seconds``; the default is cupy's. gpu_check.py's ``dry-run`` passes an
emulator launcher to test this file without a GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np


class CupyLauncher:
    """Launch a cubin with cupy (RawModule), arguments as Triton's launcher
    passes them: the kernel's arrays and scalars, then its global and
    profile scratch pointers."""

    def __init__(self, root: Path) -> None:
        import cupy

        self.cp, self.root, self.functions = cupy, root, {}

    def _function(self, entry: dict, code: str):
        key = (entry["id"], code)
        if key not in self.functions:
            k = entry[code]
            module = self.cp.RawModule(path=str(self.root / k["cubin"]))
            fn = module.get_function(k["name"])
            if k["shared"] > 48 * 1024:
                fn.max_dynamic_shared_size_bytes = k["shared"]
            self.functions[key] = (module, fn)
        return self.functions[key][1]

    def _args(self, entry: dict, code: str, arrays: list, scalars: list) -> tuple[list, list]:
        cp = self.cp
        dev, out = [], []
        it_a, it_s = iter(arrays), iter(scalars)
        for a in entry["args"]:
            if a["kind"] == "array":
                d = cp.asarray(next(it_a))
                dev.append(d)
                out.append(d)
            else:
                dev.append(np.dtype(a["dtype"]).type(next(it_s)))
        programs = int(np.prod(entry["grid"]))
        for size in entry[code]["scratch"]:
            dev.append(cp.zeros(max(1, size * programs), cp.uint8))
        return dev, out

    def launch(self, entry: dict, code: str, arrays: list, scalars: list) -> list:
        fn = self._function(entry, code)
        dev, outs = self._args(entry, code, arrays, scalars)
        fn(tuple(entry["grid"]), (entry[code]["threads"], 1, 1), tuple(dev), shared_mem=entry[code]["shared"])
        self.cp.cuda.Device().synchronize()
        return [self.cp.asnumpy(d) for d in outs]

    def time(self, entry: dict, code: str, arrays: list, scalars: list, repeat: int) -> float:
        cp = self.cp
        fn = self._function(entry, code)
        dev, _ = self._args(entry, code, arrays, scalars)
        args = (tuple(entry["grid"]), (entry[code]["threads"], 1, 1), tuple(dev))
        for _ in range(3):
            fn(*args, shared_mem=entry[code]["shared"])
        times = []
        for _ in range(repeat):
            start, stop = cp.cuda.Event(), cp.cuda.Event()
            start.record()
            fn(*args, shared_mem=entry[code]["shared"])
            stop.record()
            stop.synchronize()
            times.append(cp.cuda.get_elapsed_time(start, stop) * 1e-3)
        return float(np.median(times))


def _ulps(a: np.ndarray, b: np.ndarray) -> int:
    if a.dtype.kind != "f":
        return int(np.abs(a.astype(np.int64) - b.astype(np.int64)).max(initial=0))
    bits = {2: np.int16, 4: np.int32, 8: np.int64}[a.dtype.itemsize]
    ia, ib = a.view(bits).astype(np.int64), b.view(bits).astype(np.int64)
    ia = np.where(ia < 0, np.iinfo(bits).min - ia, ia)
    ib = np.where(ib < 0, np.iinfo(bits).min - ib, ib)
    return int(np.abs(ia - ib).max(initial=0))


def _inputs(root: Path, entry: dict) -> tuple[list, list]:
    arrays = [np.load(root / a["file"]) for a in entry["args"] if a["kind"] == "array"]
    scalars = [a["value"] for a in entry["args"] if a["kind"] == "scalar"]
    return arrays, scalars


def _matches(got: np.ndarray, want: np.ndarray, entry: dict) -> tuple[bool, str]:
    if got.tobytes() == want.tobytes():
        return True, "bitwise"
    if want.dtype.kind != "f" or want.dtype.itemsize == 1:  # integers and fp8 codes: bitwise only
        return False, f"differs (max {_ulps(got, want)})"
    g, w = got.astype(np.float64), want.astype(np.float64)
    ok = bool(np.allclose(g, w, rtol=entry["rtol"], atol=entry["atol"], equal_nan=True))
    return ok, f"{'within' if ok else 'beyond'} rtol {entry['rtol']} atol {entry['atol']} ({_ulps(got, want)} ulp)"


def check(root: Path, launcher=None, only: str | None = None, repeat: int = 20, codes=("triton", "ours"),
          timing: bool = True) -> dict:
    """Run every entry; return the report (also written to root/report.json)."""
    manifest = json.loads((root / "manifest.json").read_text())
    launcher = launcher or CupyLauncher(root)
    rows = []
    for entry in manifest["entries"]:
        if only and entry["kernel"] != only:
            continue
        arrays, scalars = _inputs(root, entry)
        refs = [np.load(root / f) for f in entry["reference"]]
        row = {"kernel": entry["kernel"], "target": entry["target"], "codes": {}}
        outs = {}
        for code in codes:
            if code not in entry:
                continue
            got = launcher.launch(entry, code, [a.copy() for a in arrays], scalars)
            outs[code] = got
            verdicts = [_matches(g, w, entry) for g, w in zip(got, refs)]
            rec = {"ok": all(v[0] for v in verdicts), "outputs": [v[1] for v in verdicts]}
            if timing:
                rec["seconds"] = launcher.time(entry, code, [a.copy() for a in arrays], scalars, repeat)
            row["codes"][code] = rec
        if "ours" in outs and "triton" in outs:
            same = [g.tobytes() == h.tobytes() for g, h in zip(outs["ours"], outs["triton"])]
            must = entry["ours"]["bitwise_equal_to_triton"]
            row["ours_vs_triton"] = {"bitwise": same, "required": must,
                                     "ok": all(s or not m for s, m in zip(same, must))}
            if timing:
                row["ratio"] = row["codes"]["ours"]["seconds"] / row["codes"]["triton"]["seconds"]
        row["ok"] = all(r["ok"] for r in row["codes"].values()) and row.get("ours_vs_triton", {}).get("ok", True)
        rows.append(row)
    report = {"rows": rows, "ok": all(r["ok"] for r in rows)}
    (root / "report.json").write_text(json.dumps(report, indent=1))
    return report


def print_report(report: dict) -> None:
    print(f"{'kernel':28} {'triton':>8} {'ours':>8} {'ours/T':>7}  result")
    for r in report["rows"]:
        t = r["codes"].get("triton", {})
        o = r["codes"].get("ours")
        ts = f"{t['seconds'] * 1e6:7.1f}u" if "seconds" in t else "-"
        os_ = f"{o['seconds'] * 1e6:7.1f}u" if o and "seconds" in o else "fallback" if not o else "-"
        ratio = f"{r['ratio']:7.2f}" if "ratio" in r else ""
        notes = "; ".join(f"{c}: {', '.join(v['outputs'])}" for c, v in r["codes"].items())
        if "ours_vs_triton" in r:
            notes += f"; ours==triton {r['ours_vs_triton']['bitwise']}"
        print(f"{r['kernel']:28} {ts:>8} {os_:>8} {ratio:>7}  {'OK ' if r['ok'] else 'BAD'} {notes}")
    ratios = [r["ratio"] for r in report["rows"] if "ratio" in r]
    if ratios:
        print(f"ours / Triton time: geometric mean {float(np.exp(np.mean(np.log(ratios)))):.3f}, "
              f"worst {max(ratios):.3f} over {len(ratios)} kernels")
    print("ALL OK" if report["ok"] else "SOME CHECKS FAILED")


def sanitize(root: Path) -> dict:
    """Our cubins once each under compute-sanitizer memcheck and racecheck."""
    tool = shutil.which("compute-sanitizer") or "/usr/local/cuda/bin/compute-sanitizer"
    if not os.path.exists(tool):
        return {"skipped": "compute-sanitizer not found"}
    out = {}
    for t in ("memcheck", "racecheck"):
        r = subprocess.run([tool, "--tool", t, "--error-exitcode", "3", sys.executable, __file__, str(root),
                            "--codes", "ours", "--no-timing"], capture_output=True, text=True, timeout=240)
        tail = [line for line in r.stdout.splitlines() if "ERROR SUMMARY" in line or "RACECHECK SUMMARY" in line]
        out[t] = {"returncode": r.returncode, "summary": tail[-1] if tail else r.stdout[-300:]}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--only")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--codes", default="triton,ours")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--sanitize", action="store_true")
    a = ap.parse_args(argv)
    root = Path(a.dir)
    report = check(root, only=a.only, repeat=a.repeat, codes=tuple(a.codes.split(",")), timing=not a.no_timing)
    print_report(report)
    if a.sanitize:
        s = sanitize(root)
        print("compute-sanitizer:", json.dumps(s))
        report["sanitizer"] = s
        (root / "report.json").write_text(json.dumps(report, indent=1))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
