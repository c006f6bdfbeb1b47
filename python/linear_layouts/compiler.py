"""Compile ``ll`` kernels to PTX (and AMDGCN) in process.

>>> import linear_layouts as ll
>>> k = ll.compile(text, target="sm_90")     # MLIR with func.func {ll.kernel}
>>> k.name, k.num_warps, k.shared_bytes
>>> print(k.asm[:200])                        # PTX
>>> ll.emulate(k, grid=4, args=[x, y])         # run it on the CPU

Pipeline: ``ll-legacy-to-linear`` → ``ll-plan-conversions`` (the plans
the report reads) → ``convert-ll-to-llvm`` → ``canonicalize`` → ``cse``
(the ``mlir`` text of the result is what the emulator runs) → MLIR's LLVM
IR translation → the target's backend (``linear_layouts.backends``: PTX
through the wheels' NVPTX back end, AMDGCN through Triton's LLVM). The
target is one typed object (:class:`~linear_layouts.Target`), named by the
``target`` argument or the module's ``ll.target`` (TTGIR: ``ttg.target``);
there is no default target.
"""

from __future__ import annotations

import functools
import os
import re
import dataclasses
from dataclasses import dataclass
from typing import Any

from . import mlir as _llm  # first: explains a missing MLIR part
from . import _mlir

from mlir import ir, passmanager
from mlir.dialects import llvm as _llvm

from ._core import LayoutError, Target
from .backends import backend as _backend

__all__ = ["CompiledKernel", "CompileError", "compile", "ptxas"]


class CompileError(LayoutError):
    """A module that does not compile: the MLIR diagnostics are the message."""


@dataclass
class CompiledKernel:
    name: str
    target: str  #: the target's name; its facts: target_info
    lowered: Any = dataclasses.field(repr=False)  #: the LLVM-dialect module, printed on demand
    num_warps: int
    threads_per_warp: int
    shared_bytes: int
    #: the module's conversions (:class:`Conversion`) and the plans ll-plan-conversions recorded
    conversions: list = dataclasses.field(default_factory=list)
    #: global scratch per program (bytes, alignment): device-built TMA tensor maps
    global_scratch_bytes: int = 0
    global_scratch_align: int = 1

    @property
    def target_info(self) -> Target:
        """The target's facts (warp size, shared memory, triple, ...)."""
        return Target(self.target)

    @functools.cached_property
    def mlir(self) -> str:
        """The LLVM-dialect module as text (what the emulator runs), with its
        locations: the emulator's errors name the kernel's source lines."""
        return self.lowered.operation.get_asm(enable_debug_info=True)

    @functools.cached_property
    def llvm_ir(self) -> str:
        """The LLVM IR the module translates to (before any optimization),
        translated on first use."""
        return translate(self.lowered)

    @functools.cached_property
    def asm(self) -> str:
        """The target's assembly: PTX, or AMDGCN (through Triton's LLVM; ""
        without Triton), generated on first use."""
        return _backend(self.target).asm(self.llvm_ir)


def translate(lowered) -> str:
    """LLVM IR text of a lowered (LLVM-dialect) module."""
    return _llvm.translate_module_to_llvmir(lowered.operation)


def _where(location: Any) -> str:
    """file:line:col of a diagnostic's location: the outermost caller of a
    call-site chain (the user's kernel line; Triton inlines its library into
    it), with the innermost frame when it is elsewhere ("k.py:16:19 via
    random.py:36:28"); "" without a file."""
    frames = re.findall(r'"([^"]+)":(\d+):(\d+)', str(location))
    if not frames:
        return ""
    short = [f"{os.path.basename(f)}:{ln}:{col}" for f, ln, col in frames]
    return short[-1] + (f" via {short[0]}" if len(short) > 1 else "")


_PASS_MANAGERS: dict[str, passmanager.PassManager] = {}


def _pass_manager(pipeline: str) -> passmanager.PassManager:
    """One pass manager per pipeline, parsed once in the shared context: its
    passes are initialized on the first run only (the canonicalizer
    collecting every dialect's patterns costs ~2 ms, as much as lowering a
    small kernel)."""
    pm = _PASS_MANAGERS.get(pipeline)
    if pm is None:
        pm = _PASS_MANAGERS[pipeline] = passmanager.PassManager.parse(pipeline, _context())
    return pm


def _run(module: ir.Module, pipeline: str) -> None:
    """Run a pass pipeline; CompileError whose first line is the first
    diagnostic with its source line ("message at k.py:12:5"), the full
    diagnostics after it."""
    diags: list[str] = []
    full: list[str] = []

    def handler(d):
        where = _where(d.location)
        diags.append(f"{d.message} at {where}" if where else str(d.message))
        full.append(f"{d.location}: {d.message}")
        full.extend(f"  note: {n.location}: {n.message}" for n in d.notes)
        return True

    h = module.context.attach_diagnostic_handler(handler)
    try:
        _pass_manager(pipeline).run(module.operation)
    except Exception as e:  # MLIRError: the diagnostics say why
        # (the bindings' pass manager captures the errors it reports itself)
        for d in getattr(e, "error_diagnostics", None) or []:
            handler(d)
        raise CompileError("\n".join(diags[:1] + full) or str(e)) from None
    finally:
        h.detach()


def compile(module, target: str | None = None, kernel: str | None = None, *,
            traffic_first: bool = False, scratch_args: bool = False, cleanup: bool = True,
            reduction_order: str | None = None) -> CompiledKernel:
    """Compile MLIR text (or an ``ir.Module`` in a context with the ll
    dialect) holding a ``func.func`` with the ``ll.kernel`` attribute, or
    Triton's TTGIR as Triton prints it (``tt.func``; converted by
    ``convert-triton-to-ll`` first). The target (a name or a
    :class:`~linear_layouts.Target`) defaults to the module's (``ll.target``,
    or TTGIR's ``ttg.target``); a module with neither needs one. Conversions are
    planned for the fewest cycles of the cycle model, or with
    ``traffic_first`` for the least shared-memory traffic. With
    ``scratch_args`` a TTGIR kernel gets the two trailing global pointers
    Triton's launcher passes (its kernel ABI). ``cleanup`` runs MLIR's
    canonicalizer and CSE on the LLVM-dialect result: it folds the chains of
    insertvalue / extractvalue that carry a tensor's registers, which LLVM's
    O3 would otherwise take superlinear time over (IPSCCP on a 512-member
    struct: 5 s for a 64k-element vector add, 0.1 s after the cleanup's
    17 ms); the Triton hook keeps it on. ``reduction_order`` is the order in
    which reductions combine a thread's registers: ``"tree"`` (balanced: the
    default, and Triton 3.8+'s on NVIDIA), ``"packed"`` (a tree over pairs,
    then the halves: the default for f32 / f16 sums on AMD, as Triton 3.9)
    or ``"sequential"`` (left to right: Triton 3.6 / 3.7). The hook passes
    the installed Triton's, whose bits our code then reproduces."""
    if isinstance(target, Target):
        target = target.name
    if target is not None and not isinstance(target, str):
        raise CompileError(f"target must be a target name such as 'sm_90' or 'gfx942', not {target!r}")
    if kernel is not None and not isinstance(kernel, str):
        raise CompileError(f"kernel must be a function name, not {kernel!r}")
    if not isinstance(module, (str, ir.Module)):
        raise CompileError(f"module must be MLIR text or an mlir.ir.Module, not {type(module).__name__}")
    text = module if isinstance(module, str) else str(module)
    # (MLIR's parser allocates a placeholder per result number it reads:
    # `%0#2147483648` would run the process out of memory)
    absurd = re.search(r"%[\w$.-]+#(\d{6,}|[7-9]\d{4}|6[6-9]\d{3}|65[6-9]\d\d|655[4-9]\d|6553[6-9])", text)
    if absurd:
        line = text.count("\n", 0, absurd.start()) + 1
        raise CompileError(f"line {line}: result #{absurd[1]} of a value: an op has at most 65535 results")
    if "rocdl.sched.barrier" in text:
        text = _sched_barrier_masks(text)
    with _context(), ir.Location.unknown():
        try:
            m = ir.Module.parse(text)
        except Exception as e:
            raise CompileError(_explain_ttgir_error(text, str(e))) from None
        # One pass manager for the front: TTGIR's import, then the legacy
        # layouts to #ll.linear.
        # (Region simplification -- merging blocks, dropping dead ones --
        # costs more than the rest of the canonicalizer; LLVM's O3 does it.)
        front = ["ll-legacy-to-linear", "canonicalize{region-simplify=disabled}"]
        if _has_op(m, "tt.func"):
            front.insert(0, "convert-triton-to-ll{scratch-args=true}" if scratch_args else "convert-triton-to-ll")
        _run(m, f"builtin.module({','.join(front)})")
        if target is None:
            attrs = m.operation.attributes
            if "ll.target" not in attrs:
                raise CompileError("no target: pass target= (e.g. 'sm_90', 'gfx942') or give the module "
                                   'an ll.target attribute (#ll.target<"sm_90">)')
            target = _mlir.target_name(attrs["ll.target"])  # verified by the dialect
        try:
            info = Target(target)
        except LayoutError as e:
            raise CompileError(str(e)) from None
        # The module carries its target: every pass reads it from there.
        m.operation.attributes["ll.target"] = ir.Attribute.parse(f'#ll.target<"{info.name}">')
        if reduction_order is not None:
            if reduction_order not in ("sequential", "tree", "packed"):
                raise CompileError(f"reduction_order must be 'sequential', 'tree' or 'packed', "
                                   f"not {reduction_order!r}")
            m.operation.attributes["ll.reduction_order"] = ir.StringAttr.get(reduction_order)
        kernels = [op for op in m.body.operations
                   if op.operation.name == "func.func" and "ll.kernel" in op.operation.attributes]
        if kernel is not None:
            kernels = [k for k in kernels if k.operation.attributes["sym_name"].value == kernel]
        if len(kernels) != 1:
            raise CompileError(f"expected one func.func with the ll.kernel attribute{' named ' + kernel if kernel else ''}, "
                               f"found {len(kernels)}")
        name = kernels[0].operation.attributes["sym_name"].value
        tf = "traffic-first=true" if traffic_first else ""
        # The plans the lowering emits, recorded on the conversions for the
        # report (the same options: one plan).
        _run(m, f"builtin.module(ll-plan-conversions{{{tf}}})")
        conversions = _conversions(m)
        _run(m, f"builtin.module(convert-ll-to-llvm{{{tf}}}{',canonicalize{region-simplify=disabled},cse' if cleanup else ''})")
        attrs = m.operation.attributes
        shared = int(attrs["ll.shared"].value) if "ll.shared" in attrs else 0
        scratch = [int(attrs[a].value) if a in attrs else d
                   for a, d in (("ll.global_scratch_size", 0), ("ll.global_scratch_align", 1))]
        fn = next(op for op in m.body.operations
                  if op.operation.name == "llvm.func" and op.operation.attributes["sym_name"].value == name)
        threads = _llm.kernel_threads(fn.operation.attributes)
    warp = info.warp_size
    return CompiledKernel(name, target, m, threads // warp, warp, shared, conversions, *scratch)


@dataclass
class Conversion:
    """One ll.convert_layout of a compiled module: its location, shape and
    the kind of plan convert-ll-to-llvm emits for it, as ll-plan-conversions
    recorded it (``ll.plan``: ``in-reduce`` when the reduction producing its
    operand emits it). A conversion the pass cannot plan fails the compile
    with its diagnostic instead."""
    loc: str
    shape: list
    plan: str


#: LLVM's AMDGPU sched_barrier mask bits, by the names Triton 3.9's ROCDL
#: prints them with (MLIR 22's ROCDL dialect reads the integer mask).
_SCHED_BARRIER_BITS = {"none": 0, "non_mem_non_sideeffect": 1, "valu": 2, "salu": 4, "mfma": 8, "all_vmem": 16,
                       "vmem_read": 32, "vmem_write": 64, "all_ds": 128, "ds_read": 256, "ds_write": 512,
                       "transcendental": 1024}


def _sched_barrier_masks(text: str) -> str:
    """`rocdl.sched.barrier none` / `... valu | salu` (Triton 3.9) as the
    integer mask MLIR 22 parses (`rocdl.sched.barrier 0`); unknown names
    stay, for the parser to report."""
    def mask(m: re.Match) -> str:
        names = [n.strip() for n in m[1].split("|")]
        if not all(n in _SCHED_BARRIER_BITS for n in names):
            return m[0]
        return f"rocdl.sched.barrier {sum(_SCHED_BARRIER_BITS[n] for n in names)}"
    return re.sub(r"rocdl\.sched\.barrier ([a-z_]+(?:\s*\|\s*[a-z_]+)*)", mask, text)


def _has_op(m: ir.Module, name: str) -> bool:
    """Whether the module's top level holds an op `name` (a walk in C++:
    listing the body from Python would look for a Python module of every
    unregistered dialect, each time)."""
    found = []

    def visit(o: ir.Operation):
        if o.name == name:
            found.append(o)
            return ir.WalkResult.INTERRUPT
        return ir.WalkResult.ADVANCE if o.name == "builtin.module" else ir.WalkResult.SKIP

    m.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
    return bool(found)


def _conversions(m: ir.Module) -> list:
    """The ll.convert_layout ops of `m` with the plans ll-plan-conversions
    recorded on them."""
    out: list = []

    def visit(o: ir.Operation):
        if o.name == "ll.convert_layout":
            shape = list(ir.RankedTensorType(o.operands[0].type).shape)
            attrs = o.attributes
            plan = attrs["ll.plan"].value if "ll.plan" in attrs else "unplanned"
            out.append(Conversion(str(o.location), shape, plan))
        return ir.WalkResult.ADVANCE

    m.operation.walk(visit)  # in C++: cheaper than iterating regions here
    return out


_CONTEXT: list = []


def _context() -> ir.Context:
    """One MLIR context for every compile in the process, its dialects
    registered once (creating one costs about as much as lowering a small
    kernel)."""
    if not _CONTEXT:
        ctx = ir.Context()
        _llm.register_dialect(ctx)
        _CONTEXT.append(ctx)
    return _CONTEXT[0]


def _loc_of(text: str, ref: str, depth: int = 0) -> str | None:
    """The first "file":line:col a TTGIR location (``#locN`` or inline
    ``loc(...)`` text) leads to."""
    m = re.search(r'"([^"]+)":(\d+):(\d+)', ref)
    if m:
        return f"{os.path.basename(m[1])}:{m[2]}:{m[3]}"
    if depth > 20:
        return None
    for alias in re.findall(r"#loc\d*", ref):
        d = re.search(rf"^{re.escape(alias)} = (loc\(.*\))\s*$", text, re.M)
        if d:
            found = _loc_of(text, d[1], depth + 1)
            if found:
                return found
    return None


def _explain_ttgir_error(text: str, message: str) -> str:
    """A parse error in Triton's TTGIR names the op and its Python source
    line (from the failing line's ``loc(...)``), not just the TTGIR line:
    "unsupported op ttg.foo at k.py:12:5", or "ttg.memdesc_index: the layout
    has rank 1 but ... at k.py:14:20"; the parser's message follows."""
    m = re.search(r"\"-\":(\d+):\d+: (?:error: )?(.*)", message)
    if not m or "tt.func" not in text:
        return message
    lines = text.splitlines()
    n = int(m[1])
    line = lines[n - 1] if 0 < n <= len(lines) else ""

    def op_at(ln: str) -> tuple[str | None, str]:
        """The op of a TTGIR line and " at file:line:col" from its loc(...)."""
        op = re.search(r"(?:^|=)\s*\"?([a-z_]+\.[\w.]+)\"?", ln)
        loc = re.search(r"loc\((.*)\)\s*$", ln)
        where = _loc_of(text, loc[1]) if loc else None
        return (op[1] if op else None), (f" at {where}" if where else "")

    unknown = re.match(r"(?:custom op '([\w.]+)' is unknown|Dialect `\w+' not found for custom op '([\w.]+)')",
                       m[2])
    if unknown:
        return f"unsupported op {unknown[1] or unknown[2]}{op_at(line)[1]}\n{message}"
    alias = re.match(r"\s*(#\w+)\s*=", line)
    if alias:  # an attribute alias: the first op using it gives the line
        use = next((u for u in lines if re.search(rf"{re.escape(alias[1])}\b(?!\s*=)", u)
                    and not u.lstrip().startswith("#")), None)
        if use:
            op, at = op_at(use)
            return f"{m[2].strip()} ({alias[1]}, used by {op or 'an op'}{at})\n{message}"
        return f"{m[2].strip()} ({alias[1]})\n{message}"
    op, at = op_at(line)
    return f"{op + ': ' if op else ''}{m[2].strip()}{at}\n{message}"


def ptxas(kernel: CompiledKernel, arch: str | None = None) -> bytes:
    """Assemble the kernel's PTX with Triton's bundled ``ptxas`` (a cubin);
    CompileError with ptxas's message when it rejects the PTX."""
    b = _backend(kernel.target)
    if not hasattr(b, "ptxas"):
        raise CompileError(f"ptxas assembles PTX; {kernel.target} kernels are AMDGCN")
    return b.ptxas(kernel.asm, arch)
