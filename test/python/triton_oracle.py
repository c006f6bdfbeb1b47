"""The installed Triton as an oracle for layout conversions.

Builds Triton layout attributes from plain parameters (through Gluon's
``GluonOpBuilder``), prints them as TTGIR text (what users paste into
``from_triton``) and asks Triton for their LinearLayout
(``GluonOpBuilder.to_linear_layout``). Triton is ground truth: the tests
compare ``linear_layouts.from_triton(text, shape)`` against it.

Triton aborts the whole process on some invalid parameters (e.g. a
non-surjective CGA); ``isolated`` runs a snippet in a child process.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

try:  # pragma: no cover - exercised only where triton is installed
    from triton._C.libtriton import gluon_ir, ir

    HAVE_TRITON = True
except Exception:  # noqa: BLE001 - any import problem means "no oracle"
    HAVE_TRITON = False

_STATE: dict = {}


def builder():
    if "b" not in _STATE:
        ctx = ir.context()
        ir.load_dialects(ctx)
        _STATE["ctx"] = ctx
        _STATE["b"] = gluon_ir.GluonOpBuilder(ctx)
    return _STATE["b"]


def _l(xs):
    return [list(x) for x in xs]


# --- attribute builders (return ir.attribute) -------------------------------


def blocked(spt, tpw, wpc, order, cga=()):
    return builder().get_blocked_layout(list(spt), list(tpw), list(wpc), list(order), _l(cga))


def nvidia_mma(major, minor, wpc, instr, cga=()):
    return builder().get_mma_layout([major, minor], list(wpc), _l(cga), list(instr))


def dot_op(op_idx, parent, k_width):
    return builder().get_dot_operand_layout(op_idx, parent, k_width)


def slice_(dim, parent):
    return builder().get_slice_layout(dim, parent)


def linear(register, lane, warp, block, shape):
    return builder().get_distributed_linear_layout(_l(register), _l(lane), _l(warp), _l(block), list(shape))


# --- printing / conversion ---------------------------------------------------


def text_of(attr, rank: int = 1) -> str:
    """The attribute as Triton prints it in TTGIR."""
    b = builder()
    s = str(attr)
    if s.startswith("#"):
        return s
    t = str(b.get_distributed_ty(b.get_float_ty(), [1] * rank, attr))
    m = re.match(r"^tensor<[^,]*, (.*)>$", t)
    return m.group(1) if m else t


def distributed_ll(attr, shape):
    """Triton's linear layout of a distributed attribute: (bases, out_dims)."""
    lay = builder().to_linear_layout(attr, list(shape))
    bases = {
        "register": _l(lay.reg_bases),
        "lane": _l(lay.lane_bases),
        "warp": _l(lay.warp_bases),
        "block": _l(lay.block_bases),
    }
    return bases, {f"dim{i}": int(s) for i, s in enumerate(lay.shape)}


def isolated(code: str, timeout: int = 120) -> tuple[int, str]:
    """Run a snippet (with this module importable as ``O``) in a child
    process; returns (returncode, stderr+stdout)."""
    prelude = f"import sys; sys.path.insert(0, {repr(__file__.rsplit('/', 1)[0])}); import triton_oracle as O\n"
    p = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return p.returncode, p.stderr + p.stdout
