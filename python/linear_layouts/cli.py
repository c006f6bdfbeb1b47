"""The ``linear-layouts`` command line.

    linear-layouts show '#ttg.blocked<{...}>' -t 'tensor<64x64xf16>' [--hw]
    linear-layouts module kernel.ttgir          # every layout of a TTGIR module
    linear-layouts demo                         # Triton kernels through our pipeline, one emulated
    linear-layouts demo --layouts               # the layouts of the built-in matmul kernel
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources

from . import LayoutError, from_triton, to_triton
from .ttgir import element_bits, parse_tensor_type, scan_module


def _describe(layout) -> list[str]:
    lines = [str(layout).strip("\n")]
    masks = layout.free_variable_masks()
    rep = {d: m for d, m in masks.items() if m}
    if rep:
        lines.append("replicated (free) bits: " + ", ".join(f"{d}={m:#b}" for d, m in rep.items()))
    ins = layout.in_dims
    if "register" in ins:
        outs = list(layout.out_dims)
        best = max(outs, key=lambda d: layout.transpose_outs([d] + [o for o in outs if o != d]).num_consecutive())
        vec = layout.transpose_outs([best] + [o for o in outs if o != best]).num_consecutive()
        lines.append(f"elements per thread: {ins['register']}; widest contiguous run per thread: {vec} along {best}")
    lines.append("as a linear attribute: " + to_triton(layout))
    return lines


def _module_aliases(path) -> dict:
    """The `#name = #ttg...` aliases of a TTGIR module file (none without one)."""
    if not path:
        return {}
    with open(path) as f:
        aliases, _ = scan_module(f.read())
    return aliases


def cmd_show(args) -> int:
    shape, _ = parse_tensor_type(args.type)
    aliases = _module_aliases(args.module)
    layout = from_triton(args.attr, shape, aliases=aliases)
    print("\n".join(_describe(layout)))
    print()
    if args.hw:
        print(layout.hardware_view(max_rows=args.rows, max_cols=args.cols))
    else:
        print(layout.tensor_view(max_rows=args.rows, max_cols=args.cols))
    return 0


def _conversions(text: str):
    import re

    pat = re.compile(r"ttg\.convert_layout\s+%\S+\s*:\s*(tensor<.*?>)\s*->\s*(tensor<.*?>)\s*$", re.M)
    for m in pat.finditer(text):
        yield m.group(1), m.group(2)


def _split_type(t: str):
    inner = t[len("tensor<") : -1]
    dims, _, enc = inner.partition(",")
    shape, _ = parse_tensor_type(dims)
    return shape, enc.strip()


def show_module(text: str, title: str, rows: int, cols: int) -> int:
    aliases, uses = scan_module(text)
    print(f"== {title}")
    print(f"{len(aliases)} layout aliases, {len(uses)} (layout, shape) uses\n")
    best = {}
    for attr, shape, elt in uses:
        n = 1
        for s in shape:
            n *= s
        if attr not in best or n > best[attr][2]:
            best[attr] = (shape, elt, n)
    for attr, (shape, elt, _) in best.items():
        full = aliases.get(attr, attr)
        print(f"-- {attr} on tensor<{'x'.join(map(str, shape))}x{elt}>")
        if full != attr:
            print(f"   = {full}")
        try:
            layout = from_triton(attr, shape, aliases=aliases)
        except LayoutError as e:
            print(f"   (not converted: {e})\n")
            continue
        for line in _describe(layout):
            print("   " + line.replace("\n", "\n   "))
        print("   " + layout.tensor_view(max_rows=rows, max_cols=cols).replace("\n", "\n   "))
        print()
    for src_t, dst_t in _conversions(text):
        shape, src = _split_type(src_t)
        _, dst = _split_type(dst_t)
        a = from_triton(src, shape, aliases=aliases)
        b = from_triton(dst, shape, aliases=aliases)
        cvt = b.invert_and_compose(a)
        if cvt.is_trivial_over(["block", "warp", "lane"]):
            kind = "a register permutation (no data movement between threads)"
        elif cvt.is_trivial_over(["block", "warp"]):
            kind = "within each warp (warp shuffles)"
        else:
            kind = "across warps (through shared memory)"
        print(f"-- convert_layout {src} -> {dst} on {'x'.join(map(str, shape))}: {kind}")
        print("   destination location -> source location:" + str(cvt).replace("\n", "\n   "))
        print()
    return 0


def cmd_explain(args) -> int:
    from .planning import plan_conversion

    shape, elt = parse_tensor_type(args.type)
    aliases = _module_aliases(args.module)
    bits = args.bitwidth or _element_bits(elt)
    plan = plan_conversion(args.src, args.dst, bits, args.target, shape=shape, aliases=aliases,
                           max_scratch_bytes=args.max_scratch_bytes, force_shared=args.shared)
    print(str(plan))
    print("steps:")
    for step in plan.steps:
        print("  " + step)
    if args.svg:
        from .viz import plan_svg

        with open(args.svg, "w") as f:
            f.write(plan_svg(plan, f"{args.src} -> {args.dst} on {args.type}"))
        print(f"wrote {args.svg}")
    return 0


def _element_bits(elt: str) -> int:
    try:
        return element_bits(elt)
    except LayoutError as e:
        raise LayoutError(f"{e}; pass --bitwidth") from None


def cmd_module(args) -> int:
    with open(args.file) as f:
        return show_module(f.read(), args.file, args.rows, args.cols)


def cmd_demo(args) -> int:
    if not args.layouts:
        try:
            from .demo import main as triton_demo
        except ImportError as e:  # no Triton: the layouts of the built-in kernel
            print(f"(Triton is not installed: {e}; showing the built-in kernel's layouts)")
        else:
            return triton_demo()
    text = resources.files("linear_layouts").joinpath("data/matmul_sm80.ttgir").read_text()
    return show_module(text, "built-in kernel: Triton 3.6 matmul 128x128x32 fp16, sm_80, 4 warps", args.rows, args.cols)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["sanitize"]:  # its own parser: the script's arguments follow it
        from .sanitize import main as sanitize

        return sanitize(argv[1:])
    ap = argparse.ArgumentParser(prog="linear-layouts", description="Tensor layouts as linear maps over F2.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("sanitize", help="run a script's Triton launches in the emulator (CPU) and report "
                                    "out-of-bounds accesses, races, uninitialized shared memory: "
                                    "sanitize script.py [--target sm_90] [--code triton|ours] [args...]")
    s = sub.add_parser("show", help="show one TTGIR layout attribute as a linear layout")
    s.add_argument("attr", help="e.g. '#ttg.blocked<{sizePerThread = [1, 4], ...}>' or '#blocked' with --module")
    s.add_argument("-t", "--type", required=True, help="tensor type or shape, e.g. 'tensor<64x64xf16>'")
    s.add_argument("--hw", action="store_true", help="hardware view (per warp / register / thread)")
    s.add_argument("--module", help="a TTGIR file whose '#alias = ...' lines resolve aliases")
    s.add_argument("--rows", type=int, default=None, help="print at most this many rows")
    s.add_argument("--cols", type=int, default=None, help="print at most this many columns")
    s.set_defaults(fn=cmd_show)
    m = sub.add_parser("module", help="every layout (and convert_layout) of a TTGIR module")
    m.add_argument("file")
    m.add_argument("--rows", type=int, default=8)
    m.add_argument("--cols", type=int, default=8)
    m.set_defaults(fn=cmd_module)
    e = sub.add_parser("explain", help="plan a conversion between two layouts and explain it")
    e.add_argument("src", help="source layout (TTGIR attribute)")
    e.add_argument("dst", help="destination layout (TTGIR attribute)")
    e.add_argument("-t", "--type", required=True, help="tensor type, e.g. 'tensor<128x128xf16>'")
    e.add_argument("--target", default="sm_90", help="sm_80, sm_90, gfx942, gfx950, ...")
    e.add_argument("--bitwidth", type=int, default=None, help="element bits (default: from the type)")
    e.add_argument("--max-scratch-bytes", type=int, default=None)
    e.add_argument("--shared", action="store_true", help="plan through shared memory even when shuffles would do")
    e.add_argument("--module", help="a TTGIR file whose '#alias = ...' lines resolve aliases")
    e.add_argument("--svg", help="draw the plan into this SVG file")
    e.set_defaults(fn=cmd_explain)
    d = sub.add_parser("demo", help="Triton kernels through our pipeline (softmax, transpose; sm_90, gfx942), "
                                    "one emulated; --layouts: the layouts of a built-in matmul")
    d.add_argument("--layouts", action="store_true", help="the layouts of the built-in Triton matmul kernel")
    d.add_argument("--rows", type=int, default=8)
    d.add_argument("--cols", type=int, default=8)
    d.set_defaults(fn=cmd_demo)
    args = ap.parse_args(argv)
    try:
        return args.fn(args)
    except BrokenPipeError:  # e.g. `linear-layouts demo | head`
        sys.stderr.close()
        return 0
    except (LayoutError, OSError) as e:
        print(f"linear-layouts: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
