"""Child processes for checks that could abort: an abort inside MLIR / LLVM
(built with assertions) or Triton kills the process it happens in, so such
checks run as a script in a child, and its exit status is the verdict."""

from __future__ import annotations

import os
import subprocess
import sys


def run_child(script: str, *args: str, timeout: int = 600) -> str:
    """Run `script` with `args` in a child Python; its stdout. A crash
    (a signal: LLVM's abort, a segfault) or a failed check (a nonzero exit)
    fails the calling test with the child's stderr."""
    r = subprocess.run([sys.executable, script, *args], capture_output=True, text=True, timeout=timeout,
                       env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    assert r.returncode == 0, (f"child {os.path.basename(script)} {' '.join(args)} exited with {r.returncode}"
                               f"{' (killed by a signal: an abort)' if r.returncode < 0 else ''}\n"
                               f"{r.stderr[-4000:]}")
    return r.stdout
