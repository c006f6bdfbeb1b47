"""What a user gets from ``pip install 'linear-layouts[triton]'``.

Run by ``make test-wheel`` with the interpreter of a fresh virtualenv that
holds the built wheel and its dependencies only (not the source tree): the
package must come from that venv's site-packages, the ``ll-opt`` console
script must run a pass pipeline, and Triton kernels must compile through the
hook (our path, not the fallback) for sm_90 and gfx942 and give numpy's
answer when emulated on the CPU.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import sysconfig
import tempfile

import numpy as np

import linear_layouts
import linear_layouts.triton as llt

site = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
pkg = pathlib.Path(linear_layouts.__file__).resolve()
assert pkg.is_relative_to(site), f"linear_layouts imported from {pkg}, not the venv's {site}"

# ll-opt: a Triton kernel's TTGIR through the import and the lowering.
ttgir = pathlib.Path(sys.argv[1]).read_text()
bindir = pathlib.Path(sys.executable).parent
out = subprocess.run([bindir / "ll-opt", "-", "-convert-triton-to-ll", "-convert-ll-to-llvm"],
                     input=ttgir, capture_output=True, text=True)
assert out.returncode == 0, out.stderr
assert "llvm.func @vector_add" in out.stdout and "nvvm.kernel" in out.stdout, out.stdout[:2000]
bad = subprocess.run([bindir / "ll-opt", "-", "-convert-triton-to-ll"], input="module { tt.func @f() { tt.bogus } }",
                     capture_output=True, text=True)
assert bad.returncode != 0 and "error" in bad.stderr, bad

# The hook: the built-in demo kernels for sm_90 and gfx942, one emulated.
from linear_layouts import demo  # noqa: E402

with tempfile.TemporaryDirectory() as d:
    assert demo.main(d) == 0
records = llt.report()
assert len(records) == 4 and all(r.path == "ours" for r in records), llt.report()
print(f"wheel OK: {pkg.parent}; ll-opt ran; {len(records)} kernels through the hook")
