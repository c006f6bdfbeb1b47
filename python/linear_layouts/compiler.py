"""Compile ``ll`` kernels to PTX (and AMDGCN) in process.

>>> import linear_layouts as ll
>>> k = ll.compile(text, target="sm_90")     # MLIR with func.func {ll.kernel}
>>> k.name, k.num_warps, k.shared_bytes
>>> print(k.asm[:200])                        # PTX
>>> ll.emulate(k, grid=4, args=[x, y])         # run it on the CPU

Pipeline: ``ll-legacy-to-linear`` → ``convert-ll-to-llvm{target}`` →
``canonicalize`` → ``cse`` (the ``mlir`` text of the result is what the
emulator runs) → MLIR's LLVM IR translation → NVPTX through the wheels'
libLLVM (PTX), or AMDGPU through Triton's LLVM (``translate_to_asm``; the
wheels have no AMDGPU target).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import dataclasses
from dataclasses import dataclass
from typing import Any

from . import mlir as _llm  # first: explains a missing MLIR part
from . import _mlir

from mlir import ir, passmanager
from mlir.dialects import llvm as _llvm

from ._core import LayoutError

__all__ = ["CompiledKernel", "CompileError", "compile", "ptxas"]


class CompileError(LayoutError):
    """A module that does not compile: the MLIR diagnostics are the message."""


@dataclass
class CompiledKernel:
    name: str
    target: str
    lowered: Any = dataclasses.field(repr=False)  #: the LLVM-dialect module, printed on demand
    num_warps: int
    threads_per_warp: int
    shared_bytes: int
    #: the module's conversions (:class:`Conversion`), planned on demand
    conversions: list = dataclasses.field(default_factory=list)

    @functools.cached_property
    def mlir(self) -> str:
        """The LLVM-dialect module as text (what the emulator runs)."""
        return str(self.lowered)

    @functools.cached_property
    def llvm_ir(self) -> str:
        """The LLVM IR the module translates to (before any optimization),
        translated on first use."""
        return _llvm.translate_module_to_llvmir(self.lowered.operation)

    @functools.cached_property
    def asm(self) -> str:
        """PTX (sm_*) or AMDGCN (gfx*, through Triton's LLVM; "" without
        Triton), generated on first use."""
        return _amdgcn(self.llvm_ir, self.target) if self.target.startswith("gfx") else _ptx(self.llvm_ir, self.target)


# PTX ISA versions the wheels' NVPTX back end should target: sm_90a needs 8.0.
_NVPTX = {"sm_80": ("sm_80", "+ptx70"), "sm_86": ("sm_86", "+ptx71"), "sm_89": ("sm_89", "+ptx78"),
          "sm_90": ("sm_90a", "+ptx80"), "sm_90a": ("sm_90a", "+ptx80"), "sm_100": ("sm_100a", "+ptx86")}


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
            traffic_first: bool = False, scratch_args: bool = False, cleanup: bool = True) -> CompiledKernel:
    """Compile MLIR text (or an ``ir.Module`` in a context with the ll
    dialect) holding a ``func.func`` with the ``ll.kernel`` attribute, or
    Triton's TTGIR as Triton prints it (``tt.func``; converted by
    ``convert-triton-to-ll`` first). The target defaults to the module's
    (``ll.target``, or TTGIR's ``ttg.target``), else sm_90. Conversions are
    planned for the fewest cycles of the cycle model, or with
    ``traffic_first`` for the least shared-memory traffic. With
    ``scratch_args`` a TTGIR kernel gets the two trailing global pointers
    Triton's launcher passes (its kernel ABI). ``cleanup`` runs MLIR's
    canonicalizer and CSE on the LLVM-dialect result: it folds the chains of
    insertvalue / extractvalue that carry a tensor's registers, which LLVM's
    O3 would otherwise take superlinear time over (IPSCCP on a 512-member
    struct: 5 s for a 64k-element vector add, 0.1 s after the cleanup's
    17 ms); the Triton hook keeps it on."""
    if target is not None and not isinstance(target, str):
        raise CompileError(f"target must be a target name such as 'sm_90' or 'gfx942', not {target!r}")
    if kernel is not None and not isinstance(kernel, str):
        raise CompileError(f"kernel must be a function name, not {kernel!r}")
    if not isinstance(module, (str, ir.Module)):
        raise CompileError(f"module must be MLIR text or an mlir.ir.Module, not {type(module).__name__}")
    text = module if isinstance(module, str) else str(module)
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
            target = "sm_90"
            if "ll.target" in attrs:
                a = attrs["ll.target"]
                if not isinstance(a, ir.StringAttr):
                    raise CompileError(f"module attribute ll.target must be a target name such as "
                                       f'"sm_90" or "gfx942", not {a}')
                target = a.value
        if target not in _NVPTX and not target.startswith("gfx"):
            raise CompileError(f"unknown target {target!r} (known: {', '.join(_NVPTX)}, gfx90a, gfx942, gfx950)")
        kernels = [op for op in m.body.operations
                   if op.operation.name == "func.func" and "ll.kernel" in op.operation.attributes]
        if kernel is not None:
            kernels = [k for k in kernels if k.operation.attributes["sym_name"].value == kernel]
        if len(kernels) != 1:
            raise CompileError(f"expected one func.func with the ll.kernel attribute{' named ' + kernel if kernel else ''}, "
                               f"found {len(kernels)}")
        name = kernels[0].operation.attributes["sym_name"].value
        tf = " traffic-first=true" if traffic_first else ""
        conversions = _conversions(m, target, traffic_first)
        _run(m, f"builtin.module(convert-ll-to-llvm{{target={target}{tf}}}{',canonicalize{region-simplify=disabled},cse' if cleanup else ''})")
        attrs = m.operation.attributes
        shared = int(attrs["ll.shared"].value) if "ll.shared" in attrs else 0
        fn = next(op for op in m.body.operations
                  if op.operation.name == "llvm.func" and op.operation.attributes["sym_name"].value == name)
        fa = fn.operation.attributes
        if "nvvm.reqntid" in fa:
            threads = int(re.findall(r"\d+", str(fa["nvvm.reqntid"]))[-1])
        else:
            threads = int(str(fa["rocdl.flat_work_group_size"]).strip('"').split(",")[1])
    warp = 64 if target.startswith("gfx") else 32
    return CompiledKernel(name, target, m, threads // warp, warp, shared, conversions)


@dataclass
class Conversion:
    """One ll.convert_layout of a compiled module: its layouts, shape,
    element bits and location; ``plan`` is the kind of plan
    convert-ll-to-llvm emits for it (computed on first use: compiling does
    not pay for it), ``in-reduce`` when the reduction producing its operand
    emits it, or why it could not be read."""
    loc: str
    shape: list
    target: str
    traffic_first: bool
    src: Any = None
    dst: Any = None
    bits: int | None = None
    error: str | None = None
    #: the ll.reduce producing the operand emits it: its partials, in shared
    #: memory, are read back in this conversion's layout
    in_reduce: bool = False

    @functools.cached_property
    def plan(self) -> str:
        if self.in_reduce:
            return "in-reduce"
        if self.error:
            return f"unplanned ({self.error})"
        from ._core import plan_conversion

        try:
            return plan_conversion(self.src, self.dst, self.bits, self.target, shared_by_cycles=True,
                                   traffic_first=self.traffic_first).kind
        except Exception as e:  # reported, not fatal: the lowering decides
            return f"unplanned ({str(e).splitlines()[0]})"


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


def _conversions(m: ir.Module, target: str, traffic_first: bool) -> list:
    """The ll.convert_layout ops of `m` (after ll-legacy-to-linear)."""
    out: list = []

    def visit(o: ir.Operation):
        if o.name == "ll.convert_layout":
            t = ir.RankedTensorType(o.operands[0].type)
            u = ir.RankedTensorType(o.results[0].type)
            c = Conversion(str(o.location), list(t.shape), target, traffic_first,
                           in_reduce=_mlir.reduce_takes_over(o))
            try:
                c.src = _llm.to_linear_layout(t.encoding, c.shape)
                c.dst = _llm.to_linear_layout(u.encoding, c.shape)
                c.bits = 64 if "ptr" in str(t.element_type) else t.element_type.width
            except Exception as e:
                c.error = str(e).splitlines()[0]
            out.append(c)
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


def _calls(kernel, prefix: str) -> bool:
    """Whether LLVM IR text, or an LLVM-dialect module, declares functions
    named ``prefix...``."""
    if isinstance(kernel, str):
        return re.search(rf"@{prefix}\w+\(", kernel) is not None
    return any(op.operation.name == "llvm.func" and op.operation.attributes["sym_name"].value.startswith(prefix)
               for op in kernel.body.operations)


def _math_libraries(kernel, prefix: str, names: list[str]) -> list[str]:
    """The bitcode libraries the kernel's math calls need (``__nv_*``:
    libdevice; ``__ocml_*``: OCML and OCKL), from the installed Triton,
    which ships them; ``kernel`` is LLVM IR text or an LLVM-dialect
    module."""
    if not _calls(kernel, prefix):
        return []
    try:
        import triton
    except ImportError:
        raise CompileError(f"the kernel calls {prefix}* math functions, whose library comes from Triton, "
                           "which is not installed") from None
    root = os.path.join(os.path.dirname(triton.__file__), "backends")
    paths = [os.path.join(root, n) for n in names]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise CompileError(f"the kernel calls {prefix}* math functions, but {missing[0]} does not exist")
    return paths


def _libdevice(kernel) -> list[str]:
    """libdevice, when the kernel (LLVM IR text or an LLVM-dialect module)
    calls __nv_* functions."""
    return _math_libraries(kernel, "__nv_", ["nvidia/lib/libdevice.10.bc"])


def _ocml(llvm_ir: str, arch: str) -> tuple[str, list[str]]:
    """OCML and OCKL when the kernel calls __ocml_* (math) or __ockl_*
    (``tl.num_programs``: ``__ockl_get_num_groups``) functions, with the
    ``__oclc_*`` controls they read added to the IR."""
    libs = ["amd/lib/ocml.bc", "amd/lib/ockl.bc"]
    link = _math_libraries(llvm_ir, "__ocml_", libs) or _math_libraries(llvm_ir, "__ockl_", libs)
    return (_ocml_controls(llvm_ir, arch) if link else llvm_ir), link


def _ptx(llvm_ir: str, target: str) -> str:
    cpu, features = _NVPTX[target]
    link = _libdevice(llvm_ir)
    try:
        return _mlir.emit_asm(llvm_ir, "nvptx64-nvidia-cuda", cpu, features, link)
    except RuntimeError as e:
        raise CompileError(str(e)) from None


def _amdgcn(llvm_ir: str, arch: str) -> str:
    """AMDGCN through Triton's LLVM (one adapter for its changing signature);
    "" without Triton."""
    try:
        from triton._C.libtriton import llvm as tl
    except ImportError:
        return ""
    tl.init_targets()
    src, link = _ocml(llvm_ir, arch)
    try:  # (masked accesses expanded: Triton's LLVM may spell them differently)
        llvm_ir = _mlir.link_ir(src, link, "globaldce," + _EXPAND_MASKED)
    except RuntimeError as e:
        raise CompileError(str(e)) from None
    args = [_for_tritons_llvm(llvm_ir), "amdgcn-amd-amdhsa", arch, "", [], False, False]
    try:
        return tl.translate_to_asm(*args)
    except TypeError:  # Triton >= 3.9: canonicalize_gep
        return tl.translate_to_asm(*args, False)


# The lowering's llvm.masked.load / store (AMD, 8-bit NVIDIA accesses)
# expanded to one guarded access each, as the back end would, and their
# declarations dropped: LLVM 22.1 moved the alignment into an attribute, and
# the LLVM inside Triton 3.6 rejects that declaration (aborting the process).
_EXPAND_MASKED = "function(scalarize-masked-mem-intrin),strip-dead-prototypes"
#: what the Triton hook runs before handing LLVM IR over (the NVIDIA path's
#: optimize_module runs the same pipeline in C++)
_O3 = "default<O3>," + _EXPAND_MASKED


def _ocml_controls(llvm_ir: str, arch: str) -> str:
    """The ``__oclc_*`` constants OCML reads (as the device libraries'
    oclc_*.bc would define them, and as Triton sets them): IEEE behaviour,
    no flush to zero, wave64, the ISA version of ``arch``."""
    m = re.fullmatch(r"gfx(\d+)([0-9a-f])([0-9a-f])", arch)
    isa = int(m[1]) * 1000 + int(m[2], 16) * 10 + int(m[3], 16) if m else 9000
    consts = {"__oclc_ISA_version": ("i32", isa), "__oclc_ABI_version": ("i32", 500),
              "__oclc_finite_only_opt": ("i8", 0), "__oclc_unsafe_math_opt": ("i8", 0),
              "__oclc_daz_opt": ("i8", 0), "__oclc_correctly_rounded_sqrt32": ("i8", 1),
              "__oclc_wavefrontsize64": ("i8", 1)}
    defs = "".join(f"@{n} = linkonce_odr hidden local_unnamed_addr addrspace(4) constant {t} {v}\n"
                   for n, (t, v) in consts.items())
    return llvm_ir + "\n" + defs


def _for_tritons_llvm(llvm_ir: str) -> str:
    """LLVM IR from the wheels' LLVM 22.1 as the LLVM inside the installed
    Triton parses it (it aborts the process on what it cannot parse).
    Triton 3.6's LLVM 22.0git does not know the attribute
    ``nocreateundeforpoison`` (on ``llvm.maximum`` and other declarations)
    nor the ``target_mem`` locations of memory effects (OCKL's functions)
    and still names ``llvm.nvvm.ex2.approx(.ftz).f32`` ``...f`` (else its
    PTX declares an extern ``.nvvm`` function ptxas rejects); newer Triton
    takes the text as it is."""
    # str.replace first: a regex over the whole module costs milliseconds.
    llvm_ir = llvm_ir.replace("nocreateundeforpoison ", "")
    if "target_mem" in llvm_ir:
        # LLVM 22.1's memory effects name target-specific locations
        # (`memory(read, target_mem0: none)`) that Triton 3.6's parser
        # rejects, aborting the process: drop those memory(...) attributes
        # (no attribute: any access, the conservative reading).
        llvm_ir = re.sub(r"\bmemory\([^()]*target_mem[^()]*\) ?", "", llvm_ir)
    if "nocreateundeforpoison" in llvm_ir:
        llvm_ir = re.sub(r"\bnocreateundeforpoison\b ?", "", llvm_ir)
    if _triton_version() < (3, 9) and "llvm.nvvm.ex2.approx" in llvm_ir:
        llvm_ir = re.sub(r"llvm\.nvvm\.ex2\.approx(\.ftz)?\.f32\b", r"llvm.nvvm.ex2.approx\1.f", llvm_ir)
    return llvm_ir


@functools.lru_cache(maxsize=1)
def _triton_version() -> tuple[int, int]:
    try:
        import triton
    except ImportError:
        return (0, 0)
    m = re.match(r"(\d+)\.(\d+)", triton.__version__)
    return (int(m[1]), int(m[2])) if m else (0, 0)


def ptxas(kernel: CompiledKernel, arch: str | None = None) -> bytes:
    """Assemble the kernel's PTX with Triton's bundled ``ptxas`` (a cubin);
    CompileError with ptxas's message when it rejects the PTX."""
    exe = _find_ptxas()
    arch = arch or _NVPTX[kernel.target][0]
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, "k.ptx"), os.path.join(d, "k.cubin")
        with open(src, "w") as f:
            f.write(kernel.asm)
        r = subprocess.run([exe, f"-arch={arch}", src, "-o", out], capture_output=True, text=True)
        if r.returncode:
            raise CompileError(f"ptxas rejected the PTX: {r.stderr.strip()}")
        with open(out, "rb") as f:
            return f.read()


def _find_ptxas() -> str:
    try:
        import triton

        p = os.path.join(os.path.dirname(triton.__file__), "backends", "nvidia", "bin", "ptxas")
        if os.path.exists(p):
            return p
    except ImportError:
        pass
    p = shutil.which("ptxas")
    if not p:
        raise CompileError("no ptxas: install triton (it bundles one) or put ptxas on PATH")
    return p
