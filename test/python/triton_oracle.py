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

import json
import re
import subprocess
import sys
import textwrap

try:  # pragma: no cover - exercised only where triton is installed
    import triton
    from triton._C.libtriton import gluon_ir, ir

    HAVE_TRITON = True
    IMPORT_ERROR = ""
    VERSION = tuple(int(x) for x in re.findall(r"\d+", triton.__version__)[:2])
except Exception as e:  # noqa: BLE001 - any import problem means "no oracle"
    HAVE_TRITON = False
    IMPORT_ERROR = f"{type(e).__name__}: {e}"
    VERSION = (0, 0)


def need_triton():
    """The triton module; without one, skip the calling test (or module,
    when called at import), or fail under LL_REQUIRE_TRITON=1."""
    import os

    import pytest

    if HAVE_TRITON:
        return triton
    if os.environ.get("LL_REQUIRE_TRITON") == "1":
        pytest.fail(f"Triton cannot be imported ({IMPORT_ERROR}) and LL_REQUIRE_TRITON=1", pytrace=False)
    pytest.skip(f"triton is not importable ({IMPORT_ERROR})", allow_module_level=True)

# The layout semantics linear_layouts follows are Triton 3.6's (the pinned
# version). Triton 3.7 to 3.9 (`make test-triton TRITON=3.9.0`) differ in a
# few places; the tests name each difference where they meet it. From 3.7:
#  - a blocked layout whose sizePerThread exceeds the shape keeps only the
#    registers that hold distinct elements (3.6 repeats them: zero bases);
#  - #ttg.amd_wmma is parametrized by its CTA bases (ctaLayout = {register,
#    warp}) instead of warpsPerCTA / tilesPerWarp;
#  - an unswizzled, transposed #ttg.nvmma_shared is column-major (3.6 ignores
#    `transposed` without a swizzle: row-major);
#  - invert_and_compose picks another (equally valid) preimage when the
#    right-hand layout is not injective;
#  - a few parameter sets 3.6 rejects are accepted.
# From 3.8: Gluon counts bank conflicts differently, and one more parameter
# set is accepted.
AFTER_3_6 = VERSION >= (3, 7)
TRITON_3_8 = VERSION >= (3, 8)


def drop_zero_registers(bases):
    """Bases without the register bases that are zero: how our (3.6) layouts
    are compared with Triton 3.7+'s where only the repeated registers differ."""
    return {**bases, "register": [b for b in bases["register"] if any(b)]}

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


# --- AMD and shared-memory families -----------------------------------------


def amd_mfma(version, wpc, instr, transposed, cga=(), tiles=None, ebw=32):
    tiles = list(tiles) if tiles is not None else [1] * len(wpc)
    return builder().get_amd_mfma_layout(version, list(wpc), list(instr), bool(transposed), _l(cga), tiles, ebw)


def amd_wmma(version, transposed, wpc, tiles=None, cga=(), instr=(16, 16, 16)):
    tiles = list(tiles) if tiles is not None else [1] * len(wpc)
    return builder().get_amd_wmma_layout(version, bool(transposed), list(wpc), tiles, _l(cga), list(instr))


def swizzled_shared(vec, per_phase, max_phase, order, cga=()):
    return builder().get_swizzled_shared_layout(vec, per_phase, max_phase, list(order), _l(cga))


def nvmma_shared(swizzle, ebw, transposed=False, fp4=False, cga=(), rank=2):
    return builder().get_nvmma_shared_layout(swizzle, ebw, bool(transposed), bool(fp4), _l(cga), rank)


def shared_linear(offset, block=(), alignment=16):
    return builder().get_shared_linear_layout(_l(offset), _l(block), alignment)


def padded_shared(intervals, paddings, offset, block, shape):
    return builder().get_padded_shared_layout(list(intervals), list(paddings), _l(offset), _l(block), list(shape))


def _insertion_point():
    """Ops (local_alloc, memdesc_reshape) need a block to live in."""
    if "mod" not in _STATE:
        b = builder()
        mod = b.create_module()
        fn = b.get_or_insert_function(mod, "oracle", b.get_function_ty([], []), "public", False)
        mod.push_back(fn)
        b.set_insertion_point_to_start(fn.add_entry_block())
        _STATE["mod"] = mod
    return builder()


def _encoding_text(type_text: str) -> str:
    i = type_text.index("#ttg.")
    depth = 0
    for j in range(i, len(type_text)):
        if type_text[j] == "<":
            depth += 1
        elif type_text[j] == ">":
            depth -= 1
            if depth == 0:
                return type_text[i : j + 1]
    raise ValueError(type_text)


def _elem(bits):
    b = builder()
    return {8: b.get_int8_ty(), 16: b.get_half_ty(), 32: b.get_float_ty(), 64: b.get_double_ty()}[bits]


def shared_text(attr, shape, bits=16):
    b = builder()
    return _encoding_text(str(b.get_shared_mem_desc_ty(_elem(bits), list(shape), attr, list(shape))))


def _unflatten(flat_bases, shape):
    out = []
    for v in flat_bases:
        coord = []
        for s in reversed(shape):
            coord.append(v % s)
            v //= s
        out.append(coord[::-1])
    return out


def shared_ll(attr, shape, bits=16):
    """Triton's linear layout of a shared attribute: (bases, out_dims).

    Triton 3.6's to_linear_layout does not take shared encodings (3.7+'s does), so this reads
    the layout back through ttg.memdesc_reshape, which rewrites the encoding to
    the equal #ttg.shared_linear (reshaping to the same shape, or flattening a
    single-CTA nvmma_shared, which a same-shape reshape would keep)."""
    shape = list(shape)
    outs = {f"dim{i}": s for i, s in enumerate(shape)}
    text = shared_text(attr, shape, bits)
    if AFTER_3_6 and not text.startswith("#ttg.padded_shared"):  # 3.7+ converts shared encodings itself
        try:
            lay = builder().to_linear_layout(attr, shape)
            return {"offset": _l(lay.offset_bases), "block": _l(lay.block_bases)}, outs
        except AssertionError:  # its Python class refuses an empty offset (one element)
            pass
    b = _insertion_point()
    v = b.create_local_alloc(b.get_shared_mem_desc_ty(_elem(bits), shape, attr, shape))
    outs = {f"dim{i}": s for i, s in enumerate(shape)}
    if text.startswith("#ttg.padded_shared"):
        g = b.get_gluon_layout_from_memdesc(v)
        block = g.block_bases if hasattr(g, "block_bases") else g.cga_layout  # 3.9 renamed it
        return {"offset": _l(g.offset_bases), "block": _l(block)}, outs
    candidates = [shape]
    if text.startswith("#ttg.nvmma_shared") and "CGALayout" not in text:
        n = 1
        for x in shape:
            n *= x
        if n == 1:
            return {"offset": [], "block": []}, outs
        # A reshape that keeps the nvmma form would not reveal the layout.
        candidates = [[n], [n, 1], [1, n], [2, n // 2], [n // 2, 2]]
    for target in candidates:
        r = b.create_memdesc_reshape(v, target)
        rtext = _encoding_text(str(r.get_type()))
        if rtext.startswith("#ttg.shared_linear"):
            break
    else:
        raise RuntimeError(f"every reshape kept the encoding {rtext}")
    got = {}
    for m in re.finditer(r"(\w+) = (\[(?:\[[-0-9, ]*\](?:, )?)*\])", rtext):
        got[m.group(1)] = json.loads(m.group(2))
    off, blk = got.get("offset", []), got.get("block", [])
    if target != shape:

        def flat(bs):
            res = []
            for c in bs:
                f = 0
                for x, size in zip(c, target):
                    f = f * size + x
                res.append(f)
            return res

        off, blk = _unflatten(flat(off), shape), _unflatten(flat(blk), shape)
    return {"offset": off, "block": blk}, outs
