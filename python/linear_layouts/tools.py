"""The command-line tools `ll-opt` and `ll-translate`, wherever they were built.

A wheel carries them inside the package (``linear_layouts/bin``) and pip's
console scripts ``ll-opt`` / ``ll-translate`` run them through this module; an
in-tree build (``make``) leaves them in ``build/bin``.

>>> from linear_layouts.tools import tool_path
>>> tool_path("ll-opt").name
'll-opt'
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def tool_path(name: str) -> Path:
    """The executable `name` (``ll-opt`` or ``ll-translate``); ``FileNotFoundError``
    with the reason when this installation has none."""
    for candidate in (_PACKAGE / "bin" / name, _PACKAGE.parent.parent / "build" / "bin" / name):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(
        f"{name} is not part of this installation of linear-layouts: the MLIR tools are built for "
        "CPython 3.11 on Linux x86-64 (the Python versions the LLVM/MLIR 22 wheels exist for); "
        "in a source tree, run `make build`")


def _run(name: str) -> int:
    try:
        exe = tool_path(name)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    os.execv(exe, [name, *sys.argv[1:]])
    return 127  # not reached


def ll_opt() -> int:
    """Console script `ll-opt`."""
    return _run("ll-opt")


def ll_translate() -> int:
    """Console script `ll-translate`."""
    return _run("ll-translate")
