"""A CPU sanitizer for Triton kernels: a user's ``kernel[grid](...)``
launches run in the emulator instead of on a GPU, on numpy arrays or CPU
torch tensors, and what would be undefined on the hardware is reported
with the kernel's source line, the thread and the address:

* out-of-bounds global accesses (which argument, how far past its end);
* global-memory races between programs, or between warps without a
  barrier (a read of bytes another program wrote; a write of a different
  value over them -- atomics are exempt);
* shared-memory races between warps, reads of shared memory no thread has
  written, a shared-memory read while a ``cp.async`` to it is in flight;
* a ``wgmma`` accumulator read before its ``wgmma.wait_group``;
* barriers under divergence, misaligned vector accesses, integer division
  by zero, a poison value (a shift by the bit width or more) reaching a
  store, an address or a branch, an ``llvm.assume`` that does not hold,
  instructions the emulator does not model (named, never skipped).

By default the code run is **Triton's own** (its LLVM IR for the target),
so the findings are about the user's kernel as Triton compiles it;
``code="ours"`` runs our lowering of the same TTGIR instead.

From the command line::

    python -m linear_layouts sanitize my_script.py [--target sm_90] [--code triton|ours] [args...]

From Python::

    from linear_layouts.sanitize import Sanitizer
    with Sanitizer(target="sm_90") as s:
        add_kernel[grid](x, y, out, n, BLOCK_SIZE=256)    # numpy arrays
    for f in s.findings:
        print(f)

Compute-sanitizer needs a GPU; this needs the installed Triton only.
"""

from __future__ import annotations

import inspect
import os
import runpy
import sys
from dataclasses import dataclass, field
from typing import Any

#: launch options Triton's ``kernel[grid](...)`` takes besides the kernel's arguments
_OPTIONS = ("num_warps", "num_stages", "num_ctas", "maxnreg", "enable_fp_fusion", "launch_cooperative_grid",
            "matrix_instr_nonkdim", "waves_per_eu", "kpack", "debug")


@dataclass
class Finding:
    """One launch the emulator stopped: what, where, which launch."""
    kernel: str
    grid: tuple
    target: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.kernel}[{', '.join(map(str, self.grid))}] on {self.target} ({self.code}'s code): {self.message}"


@dataclass
class Sanitizer:
    """While active (a ``with`` block), every ``kernel[grid](...)`` launch
    of a ``@triton.jit`` function runs in the emulator; each launch the
    emulator stops adds a :class:`Finding` (the script goes on)."""
    target: str = "sm_90"
    code: str = "triton"
    #: raise the first finding instead of recording it
    stop: bool = False
    findings: list[Finding] = field(default_factory=list)
    launches: int = 0

    def __post_init__(self) -> None:
        if self.code not in ("triton", "ours"):
            raise ValueError(f"code must be 'triton' or 'ours', not {self.code!r}")
        self._saved: Any = None

    def __enter__(self) -> "Sanitizer":
        from triton.runtime.jit import JITFunction

        sanitizer = self
        self._saved = JITFunction.run

        def run(fn: Any, *args: Any, grid: Any, warmup: bool, **kwargs: Any) -> Any:
            if warmup:
                return None
            return sanitizer.launch(fn, grid, args, kwargs)
        JITFunction.run = run
        return self

    def __exit__(self, *exc: Any) -> None:
        from triton.runtime.jit import JITFunction

        JITFunction.run = self._saved

    def launch(self, fn: Any, grid: Any, args: tuple, kwargs: dict) -> None:
        """One launch: bind the arguments as Triton does (defaults,
        constexprs by position or keyword, launch options apart), then
        emulate."""
        from .emulator import EmulationError
        from .triton import emulate

        options = {k: kwargs.pop(k) for k in list(kwargs) if k in _OPTIONS}
        bound = inspect.signature(fn.fn).bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        constexprs = {p.name: values[p.name] for p in fn.params if p.is_constexpr}
        call = [values[p.name] for p in fn.params if not p.is_constexpr]
        if callable(grid):
            grid = grid(values)
        grid = tuple(grid) if isinstance(grid, (tuple, list)) else (grid,)
        num_warps = options.pop("num_warps", 4)
        options.pop("debug", None)
        self.launches += 1
        try:
            emulate(fn, grid, *call, target=self.target, num_warps=num_warps, code=self.code,
                    options=options or None, **constexprs)
        except EmulationError as e:
            if self.stop:
                raise
            finding = Finding(fn.__name__, grid, self.target, "Triton" if self.code == "triton" else "our",
                              _strip_prefix(str(e)))
            self.findings.append(finding)
            print(f"linear-layouts sanitize: {finding}", file=sys.stderr)


def _strip_prefix(message: str) -> str:
    """Drop emulate()'s "Triton's code for K on T: " (the finding says it)."""
    head, sep, rest = message.partition(": ")
    return rest if sep and head.startswith("Triton's code for ") else message


def main(argv: list[str]) -> int:
    """``python -m linear_layouts sanitize script.py [options] [script args]``."""
    import argparse

    ap = argparse.ArgumentParser(prog="linear-layouts sanitize",
                                 description="run a script's Triton launches in the emulator and report "
                                             "out-of-bounds accesses, races, uninitialized shared memory, ...")
    ap.add_argument("script")
    ap.add_argument("--target", default="sm_90", help="sm_80, sm_90, gfx942, ... (default sm_90)")
    ap.add_argument("--code", default="triton", choices=("triton", "ours"),
                    help="run Triton's own code (default) or our lowering")
    ap.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    a = ap.parse_args(argv)
    sys.argv = [a.script] + a.args
    sys.path.insert(0, os.path.dirname(os.path.abspath(a.script)))
    s = Sanitizer(target=a.target, code=a.code)
    failed = None
    with s:
        try:
            runpy.run_path(a.script, run_name="__main__")
        except SystemExit as e:
            failed = None if e.code in (None, 0) else f"the script exited with {e.code}"
        except Exception as e:  # the script's own failure (after a finding, often a wrong result)
            failed = f"the script raised {type(e).__name__}: {e}"
    print(f"linear-layouts sanitize: {s.launches} launch{'es' if s.launches != 1 else ''}, "
          f"{len(s.findings)} finding{'s' if len(s.findings) != 1 else ''}"
          + (f"; {failed}" if failed else ""), file=sys.stderr)
    return 1 if s.findings or failed else 0
