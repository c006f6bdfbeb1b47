"""Our pipeline inside Triton: the ``llir`` stage (TTGIR -> LLVM IR) taken over.

>>> import linear_layouts.triton as llt
>>> llt.install()            # or LINEAR_LAYOUTS_TRITON=1 before importing linear_layouts
>>> kernel[grid](x, y, ...)  # Triton's front end, our layouts / plans / lowering, Triton's back end
>>> print(llt.report())      # one record per compiled kernel: ours or fallback, why, times, plans

The hook replaces the backend's ``llir`` stage with one that reads the
TTGIR text Triton printed, runs ``convert-triton-to-ll`` (with Triton's
kernel ABI: two trailing global scratch pointers) and ``convert-ll-to-llvm``,
links libdevice and runs LLVM's O3 pipeline (the wheels' LLVM), fills the
metadata Triton's runtime reads (``shared`` and the scratch sizes) and hands
the LLVM IR text to Triton's PTX stage (AMD: OCML linked, target-independent
O3, Triton's AMDGCN stage; the kernel arguments are not marked ``inreg`` /
preloaded as Triton's own AMD IR is -- the hand-back through Triton's MLIR
that would keep that is not done). On any error -- an op we do not import,
a layout we cannot lower -- Triton's own ``make_llir`` runs and the record
says why.

Triton 3.6 leaves the hook out of its cache key, so ``install`` points
Triton's cache at a directory of its own (``cache_dir``): a kernel Triton
compiled is never taken for ours or the reverse. Triton 3.9 asks the hook
for ``(key, hash)`` and keys its cache with them.

``emulate(jit_fn, grid, *args, target="sm_90", **constexprs)`` runs a
Triton kernel on the CPU through our code: numpy arrays for pointers (in
place), Python numbers for scalars.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

from . import __version__ as _version
from ._core import LayoutError
from .backends import backend as _backend
from .backends import target_of_triton
from .compiler import CompileError
from .compiler import compile as _compile

__all__ = ["Difference", "Record", "Report", "TensorDescriptor", "compare", "emulate", "install", "installed", "report",
           "uninstall"]


@dataclass
class Record:
    """One kernel compiled while the hook was installed."""
    kernel: str
    target: str
    path: str  #: "ours" or "fallback"
    reason: str = ""
    ours_ms: float | None = None  #: our llir stage (or the failed attempt)
    triton_ms: float | None = None  #: Triton's make_llir, when it ran
    shared: int | None = None
    #: the kernel's conversions (compiler.Conversion), planned when read
    layout_conversions: list = field(default_factory=list, repr=False)
    #: served from Triton's cache: `path` and `reason` are those of the
    #: compile that filled the cache (no stage ran now)
    cached: bool = False

    @property
    def conversions(self) -> list:
        """[(location, plan kind)] of the kernel's layout conversions (planned
        on first use: compiling does not pay for the report)."""
        return [(_short_loc(c.loc), c.plan) for c in self.layout_conversions]


class Report(list):
    """The records, printable as a table."""

    def __str__(self) -> str:
        rows = [f"{'kernel':24} {'target':7} {'path':8} {'ours ms':>8} {'triton ms':>9} {'smem':>6}  conversions / reason"]
        for r in self:
            conv = ", ".join(f"{kind}@{loc}" for loc, kind in r.conversions) or "-"
            ours = f"{r.ours_ms:.1f}" if r.ours_ms is not None else "-"
            tri = f"{r.triton_ms:.1f}" if r.triton_ms is not None else "-"
            smem = str(r.shared) if r.shared is not None else "-"
            path = r.path + (" (cached)" if r.cached else "")
            rows.append(f"{r.kernel:24} {r.target:7} {path:8} {ours:>8} {tri:>9} {smem:>6}  "
                        f"{r.reason if r.path == 'fallback' else conv}")
        return "\n".join(rows)


_records: Report = Report()
_state: dict = {}


def _target(options, capability) -> str:
    if capability is not None:
        return target_of_triton("cuda", int(capability))
    return target_of_triton("hip", str(getattr(options, "arch", "") or ""))


def _short_loc(loc: str) -> str:
    m = re.search(r'"([^"]+)":(\d+)', loc)
    return f"{os.path.basename(m[1])}:{m[2]}" if m else loc


# The headers MLIR's Python bindings put before the diagnostics they carry.
_HEADERS = ("Unable to parse module assembly:", "Failure while executing pass pipeline:")


def _reason(e: Exception) -> str:
    """One line for the report: the first line of the failure that is not a
    bare header (CompileError's first line is the first diagnostic with
    the kernel's source line)."""
    for line in str(e).splitlines():
        line = line.strip()
        if line and line not in _HEADERS:
            return line
    return type(e).__name__


def _ours(ttgir: str, target: str, metadata: dict) -> tuple[str, Record]:
    """Our llir stage: LLVM IR text for Triton's PTX stage."""
    try:
        b = _backend(target)
    except LayoutError as e:
        raise CompileError(str(e)) from None
    k = _our_kernel(ttgir, target)
    ir_text = b.llvm_ir_for_triton(k.lowered)
    # What Triton's make_llir would have done for its later stages.
    b.prepare_triton()
    metadata["linear_layouts_path"] = "ours"
    metadata["shared"] = int(k.shared_bytes)
    metadata["tmem_size"] = 0
    metadata["global_scratch_size"] = int(k.global_scratch_bytes)
    metadata["global_scratch_align"] = int(k.global_scratch_align)
    metadata["profile_scratch_size"] = 0
    metadata["profile_scratch_align"] = 1
    rec = Record(k.name, target, "ours", shared=int(k.shared_bytes),
                 layout_conversions=k.conversions)
    return ir_text, rec


def _our_kernel(ttgir: str, target: str):
    """Our compile of a kernel's TTGIR, the one module both the hook hands
    to Triton and emulate(code="ours") runs: Triton's ABI, with its global
    and profile scratch pointers after the kernel's arguments."""
    return _compile(ttgir, target, scratch_args=True, reduction_order=_reduction_order(target))


def _reduction_order(target: str) -> str:
    """The order in which the installed Triton combines a thread's registers
    in a reduction (read off its code): left to right up to 3.7 (and 3.8 on
    AMD), a balanced tree from 3.8 on NVIDIA, pairs then halves (packed
    adds) from 3.9 on AMD. Ours follows, so that its code gives the same
    bits."""
    import triton

    m = re.match(r"(\d+)\.(\d+)", triton.__version__)
    version = (int(m[1]), int(m[2])) if m else (3, 6)
    amd = target.startswith("gfx")
    if version < (3, 8) or (amd and version < (3, 9)):
        return "sequential"
    return "packed" if amd else "tree"


def _kernel_name(ttgir: str) -> str:
    m = re.search(r"tt\.func (?:public )?@(\w+)", ttgir)
    return m[1] if m else "?"


def _hook(backend=None, stages=None, options=None, language=None, capability=None):
    if backend is None:  # Triton >= 3.9: (cache key, in-memory hash)
        return f"linear-layouts-{_version}", f"linear-layouts-{_version}"
    original = stages["llir"]
    target = _target(options, capability)

    def llir(src, metadata):
        ttgir = str(src)  # before Triton's make_llir rewrites the module
        t0 = time.perf_counter()
        try:
            text, rec = _ours(ttgir, target, metadata)
            rec.ours_ms = (time.perf_counter() - t0) * 1e3
            _records.append(rec)
            return text
        except Exception as e:  # any failure: Triton's own stage, and why
            ours_ms = (time.perf_counter() - t0) * 1e3
            reason = _reason(e)
            t1 = time.perf_counter()
            out = original(src, metadata)
            # Kept in the cached metadata: a later cache hit says why.
            metadata["linear_layouts_path"] = "fallback"
            metadata["linear_layouts_reason"] = reason
            _records.append(Record(_kernel_name(ttgir), target, "fallback", reason, ours_ms,
                                   (time.perf_counter() - t1) * 1e3, metadata.get("shared")))
            return out

    stages["llir"] = llir


def _listener(src=None, metadata=None, metadata_group=None, times=None, cache_hit=False, **kw):
    """Triton's compilation listener: a kernel served from Triton's cache
    runs no stage, so it is recorded here, with the path its compile took
    (kept in its metadata by our llir stage). Chains to the user's listener."""
    if cache_hit and metadata:
        path = metadata.get("linear_layouts_path")
        target = metadata.get("target")  # a GPUTarget (or its dict)
        arch = target.get("arch") if isinstance(target, dict) else getattr(target, "arch", None)
        tname = target_of_triton("cuda" if isinstance(arch, int) else "hip", arch or "?")
        _records.append(Record(str(metadata.get("name", "?")), tname, path or "unknown",
                               metadata.get("linear_layouts_reason", "") if path else
                               "cached without a record of its path (an earlier linear-layouts)",
                               shared=metadata.get("shared"), cached=True))
    user = _state.get("listener")
    if user is not None:
        user(src=src, metadata=metadata, metadata_group=metadata_group, times=times, cache_hit=cache_hit, **kw)


def install(cache_dir: str | None = None) -> None:
    """Take over Triton's llir stage for every kernel compiled from now on."""
    from triton import knobs

    if _state:
        return
    _state["hook"] = knobs.runtime.add_stages_inspection_hook
    _state["cache"] = knobs.cache.dir
    knobs.runtime.add_stages_inspection_hook = _hook
    if hasattr(knobs.compilation, "listener"):  # cache hits are recorded through it
        _state["listener"] = knobs.compilation.listener
        knobs.compilation.listener = _listener
    knobs.cache.dir = cache_dir or os.path.join(os.path.expanduser("~"), ".cache", "linear_layouts", "triton")


def uninstall() -> None:
    """Give the llir stage (and the cache directory) back to Triton."""
    from triton import knobs

    if not _state:
        return
    knobs.runtime.add_stages_inspection_hook = _state.pop("hook")
    knobs.cache.dir = _state.pop("cache")
    if "listener" in _state:
        knobs.compilation.listener = _state.pop("listener")


def installed() -> bool:
    return bool(_state)


def report() -> Report:
    """One record per kernel compiled with the hook installed."""
    return Report(_records)


# ------------------------------------------------------------------------------------ emulation

_NP_TO_TRITON = {"float32": "fp32", "float16": "fp16", "float64": "fp64", "int8": "i8", "int16": "i16",
                 "int32": "i32", "int64": "i64", "uint8": "u8", "uint16": "u16", "uint32": "u32",
                 "uint64": "u64", "bool": "i1", "bfloat16": "bf16", "float8_e4m3fn": "fp8e4nv",
                 "float8_e5m2": "fp8e5"}

@dataclass
class TensorDescriptor:
    """A host tensor descriptor for :func:`emulate`: Triton's
    ``triton.tools.tensor_descriptor.TensorDescriptor`` on a numpy array
    (`shape` and `strides` in elements, the last stride 1). Triton's own
    TensorDescriptor (on a CPU torch tensor) is taken as well. The launch
    passes it as Triton's launcher does: a TMA tensor map (sm_90) or the
    base pointer, shape, strides and padding."""
    base: Any
    shape: list
    strides: list
    block_shape: list
    padding: str = "zero"
    round_f32_to_tf32: bool = False  #: (Triton 3.7+)

    @staticmethod
    def from_array(a, block_shape: list, padding: str = "zero") -> "TensorDescriptor":
        return TensorDescriptor(a, list(a.shape), [s // a.itemsize for s in a.strides], list(block_shape), padding)


def _descriptor(v):
    """`v` as a TensorDescriptor on a numpy array, or None if it is none."""
    import numpy as np

    if not all(hasattr(v, f) for f in ("base", "shape", "strides", "block_shape", "padding")):
        return None
    base = v.base.numpy() if hasattr(v.base, "numpy") and not isinstance(v.base, np.ndarray) else v.base
    if not isinstance(base, np.ndarray):
        raise TypeError(f"a tensor descriptor's base must be a numpy array, not {type(base).__name__}")
    shape, strides = [int(x) for x in v.shape], [int(x) for x in v.strides]
    if not (len(shape) == len(strides) == len(v.block_shape)) or strides[-1] != 1 or \
            v.padding not in ("zero", "nan"):
        raise TypeError(f"a tensor descriptor needs shape, strides and block_shape of one rank, the last "
                        f"stride 1 and padding 'zero' or 'nan', not {v}")
    return TensorDescriptor(base, shape, strides, [int(x) for x in v.block_shape], v.padding,
                            bool(getattr(v, "round_f32_to_tf32", False)))


def _launcher_rounds_tf32() -> bool:
    """Whether the installed Triton's launcher passes a descriptor's
    round_f32_to_tf32 flag (3.7+) after its padding flag."""
    import dataclasses

    from triton.tools.tensor_descriptor import TensorDescriptor as Tritons

    return any(f.name == "round_f32_to_tf32" for f in dataclasses.fields(Tritons))


def _expand_descriptors(call: list, names: list, meta: list | None) -> tuple[list, list]:
    """Descriptor arguments as Triton's launcher passes them: with TMA
    metadata (sm_90) a tensor map, then the shape and strides; without,
    the base, shape and strides (i64), NaN padding (i1), shape (i32) and
    strides (i64)."""
    from .emulator.tma import TensorMap

    out, out_names, k = [], [], 0
    for v, n in zip(call, names):
        if not isinstance(v, TensorDescriptor):
            out.append(v)
            out_names.append(n)
            continue
        m = meta[k] if meta else None
        k += 1
        dims = [f"{n}.shape[{i}]" for i in range(len(v.shape))] + [f"{n}.strides[{i}]" for i in range(len(v.shape))]
        if m is None:
            flags = [v.padding == "nan"] + ([v.round_f32_to_tf32] if _launcher_rounds_tf32() else [])
            out += [v.base, *v.shape, *v.strides, *flags, *v.shape, *v.strides]
            out_names += [n, *dims, f"{n}.padding", *[f"{n}.round_f32_to_tf32"] * (len(flags) - 1), *dims]
            continue
        if m.get("fp4_padded") or m.get("is_im2col") or v.round_f32_to_tf32:
            raise TypeError(f"argument {n}: fp4-padded, im2col and tf32-rounding tensor maps are not emulated")
        e = v.base.itemsize
        tmap = TensorMap(v.base, int(m["elem_type"]), v.shape[::-1], [s * e for s in v.strides[:-1]][::-1],
                         list(m["block_size"])[::-1], int(m["swizzle"]), int(v.padding == "nan"))
        out += [tmap, *v.shape, *v.strides]
        out_names += [n, *dims]
    return out, out_names


@dataclass
class _Launch:
    """A launch as Triton's launcher sees it: the signature, the values
    passed (constexprs and arguments specialized to constants left out),
    their names, the constexprs (the caller's and the specialized ones) and
    the attributes specialization derives (``tt.divisibility = 16`` on
    16-byte-aligned pointers and on integers divisible by 16)."""
    signature: dict
    call: list
    names: list
    constexprs: dict
    attrs: dict


class _ArrayArg:
    """A numpy array as Triton's specialization reads a tensor: its data
    pointer (alignment) and its element type."""

    def __init__(self, a) -> None:
        self.a, self.dtype = a, a.dtype.name

    def data_ptr(self) -> int:
        return self.a.ctypes.data


def _launch_args(jit_fn, args, constexprs, signature=None, specialize: bool = True) -> _Launch:
    """Triton's signature for a launch (numpy arrays or CPU torch tensors
    for pointers, Python ints and floats for scalars, constexprs by
    keyword) and the values to pass. `signature` names types the arrays
    cannot say (``{"A": "*bf16"}`` for a uint16 array of bfloat16 bits).
    With `specialize` (the launcher's default) the arguments are
    specialized as Triton's launcher does (its own native_specialize_impl):
    divisibility by 16 of data pointers and integers, integers equal to 1
    as constants; a parameter marked do_not_specialize keeps its type."""
    import numpy as np

    from .emulator import EmulationError

    if not isinstance(getattr(jit_fn, "arg_names", None), list):
        raise EmulationError(f"emulate runs a @triton.jit function, not {type(jit_fn).__name__}")
    params = [n for n in jit_fn.arg_names if n not in constexprs]
    if len(args) != len(params):
        raise TypeError(f"{jit_fn.__name__} takes {len(params)} non-constexpr arguments ({', '.join(params)}), "
                        f"got {len(args)}")
    kparams = {p.name: p for p in getattr(jit_fn, "params", [])}
    sig, values = {}, {}
    for n, v in zip(params, args):
        if hasattr(v, "numpy") and not isinstance(v, np.ndarray):  # CPU torch tensors
            v = v.numpy()
        desc = None if isinstance(v, (np.ndarray, int, float)) else _descriptor(v)
        if desc is not None:
            t = _NP_TO_TRITON.get(desc.base.dtype.name)
            if t is None:
                raise TypeError(f"argument {n}: tensors of {desc.base.dtype} are not supported")
            sig[n], values[n] = f"tensordesc<{t}[{', '.join(map(str, desc.block_shape))}]>", desc
            continue
        if isinstance(v, np.ndarray):
            t = _NP_TO_TRITON.get(v.dtype.name)
            if t is None:
                raise TypeError(f"argument {n}: arrays of {v.dtype} are not supported")
            sig[n] = "*" + t
        elif isinstance(v, bool):
            sig[n] = "i1"
        elif isinstance(v, int):
            sig[n] = "i32" if -2**31 <= v < 2**31 else "i64"
        elif isinstance(v, float):
            sig[n] = "fp32"
        else:
            raise TypeError(f"argument {n}: {type(v).__name__} is not supported (numpy arrays, ints, floats, "
                            "tensor descriptors)")
        values[n] = v
    for n, t in (signature or {}).items():
        if n not in sig and n not in constexprs:
            raise TypeError(f"signature names {n!r}, which {jit_fn.__name__} does not take")
        if n in sig:
            sig[n] = t
    consts, attrs = dict(constexprs), {}
    if specialize:
        from triton._C.libtriton import native_specialize_impl
        from triton.backends.compiler import BaseBackend

        for n, v in values.items():
            p = kparams.get(n)
            if isinstance(v, (float, bool, TensorDescriptor)) or (p is not None and p.do_not_specialize):
                continue
            align = not (p is not None and p.do_not_specialize_on_alignment)
            kind, key = native_specialize_impl(BaseBackend, _ArrayArg(v) if isinstance(v, np.ndarray) else v,
                                               False, True, align)
            if kind == "constexpr":  # (an int equal to 1: a constant, not passed)
                consts[n] = key
            elif key == "D":
                attrs[(jit_fn.arg_names.index(n),)] = [["tt.divisibility", 16]]
    for n in consts:
        sig[n] = "constexpr"
    names = [n for n in params if n not in consts]
    return _Launch({n: sig[n] for n in jit_fn.arg_names}, [values[n] for n in names], names, consts, attrs)


def _tritons_compile(jit_fn, sig, constexprs, target: str, num_warps: int, options: dict | None = None,
                     attrs: dict | None = None):
    """Triton's own compile of the kernel for `target` (our hook, if
    installed, set aside for it)."""
    import triton
    from triton import knobs
    from triton.backends.compiler import GPUTarget

    try:
        backend, arch, warp = _backend(target).triton_target()
    except LayoutError as e:
        raise ValueError(str(e)) from None
    src = triton.compiler.ASTSource(jit_fn, sig, dict(constexprs), attrs)
    hook = knobs.runtime.add_stages_inspection_hook
    if _state:
        knobs.runtime.add_stages_inspection_hook = _state["hook"]
    try:
        return triton.compile(src, target=GPUTarget(backend, arch, warp),
                              options={**(options or {}), "num_warps": num_warps})
    finally:
        knobs.runtime.add_stages_inspection_hook = hook


def emulate(jit_fn, grid, *args, target: str = "sm_90", num_warps: int = 4, code: str = "ours",
            signature: dict | None = None, options: dict | None = None, max_blocks: int | None = None,
            specialize: bool = True, **constexprs):
    """Compile a ``@triton.jit`` kernel for `target` and run it on the CPU in
    place, like a launch: numpy arrays (or CPU torch tensors) for pointer
    parameters, Python ints and floats for scalars, constexprs by keyword.

    ``code="ours"`` (the default) runs our code: Triton's front end to TTGIR,
    then our layouts and lowering; returns the CompiledKernel. ``code="triton"``
    runs **Triton's own** LLVM IR (its ``llir``, imported by MLIR's LLVM IR
    importer): an oracle independent of our lowering; returns Triton's
    compiled kernel. Its global and profile scratch buffers are allocated at
    the sizes its metadata asks for. ``signature`` gives the types of
    arguments whose numpy dtype does not say them (``{"A": "*bf16"}``);
    ``options`` are further compile options (``{"num_stages": 3}``);
    ``max_blocks`` raises the emulator's hang budget (basic blocks per CTA)
    for long loops. The kernel is compiled as Triton's launcher would
    compile it for these arguments (``specialize``: 16-byte-aligned
    pointers and integers divisible by 16 carry ``tt.divisibility = 16``,
    an integer equal to 1 is a constant); ``specialize=False`` compiles the
    unspecialized kernel. Errors name the kernel's source line, the thread and,
    for memory, the argument and how far outside it the access lies."""
    import numpy as np

    from .emulator import EmulationError, _dims, emulate_llvm_ir
    from .emulator import emulate as _emulate

    if code not in ("ours", "triton"):
        raise ValueError(f"code must be 'ours' or 'triton', not {code!r}")
    grid3 = _dims(grid, "grid")  # checked before compiling
    launch = _launch_args(jit_fn, list(args), constexprs, signature, specialize)
    call, names = launch.call, launch.names
    budget = {} if max_blocks is None else {"max_blocks": max_blocks}
    k = _tritons_compile(jit_fn, launch.signature, launch.constexprs, target, num_warps, options, launch.attrs)
    md = k.metadata
    call, names = _expand_descriptors(call, names, getattr(md, "tensordesc_meta", None))
    programs = grid3[0] * grid3[1] * grid3[2]
    scratch = [np.zeros(max(1, int(getattr(md, f"{w}_scratch_size", 0) or 0) * programs), np.uint8)
               for w in ("global", "profile")]
    if code == "ours":  # (the scratch pointers are passed as Triton passes them)
        ours = _our_kernel(k.asm["ttgir"], target)
        scratch = [np.zeros(max(1, ours.global_scratch_bytes * programs), np.uint8), np.zeros(1, np.uint8)]
        _emulate(ours, grid, call + scratch,
                 arg_names=names + ["global scratch", "profile scratch"], **budget)
        return ours
    warp = _backend(target).target.warp_size
    try:
        emulate_llvm_ir(k.asm["llir"], grid, call + scratch, kernel=md.name, warp_size=warp,
                        threads_per_cta=md.num_warps * warp, shared_bytes=int(md.shared or 0),
                        arg_names=names + ["global scratch", "profile scratch"], **budget)
    except EmulationError as e:
        raise type(e)(f"Triton's code for {md.name} on {target}: {e}") from None
    return k


@dataclass
class Difference:
    """One output array of :func:`compare`: ours against Triton's code."""
    index: int  #: the argument's position
    equal: bool  #: bitwise equal
    max_abs: float  #: the largest absolute difference (0 when equal)
    max_ulp: int  #: the largest distance in units in the last place (floats; integers: 0 or the abs)
    first: tuple | None  #: the first differing index


def compare(jit_fn, grid, *args, target: str = "sm_90", num_warps: int = 4, signature: dict | None = None,
            options: dict | None = None, specialize: bool = True, **constexprs) -> list[Difference]:
    """Run our code and Triton's own code for the kernel on copies of the
    same inputs (:func:`emulate` with ``code="ours"`` and ``"triton"``) and
    report, per array argument, whether the results are bitwise equal, the
    largest absolute and ulp difference and the first differing index. The
    arguments themselves are left as they were."""
    import numpy as np

    runs = {}
    for code in ("ours", "triton"):
        copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
        for i, a in enumerate(copies):
            d = None if isinstance(a, (np.ndarray, int, float)) else _descriptor(a)
            if d is not None:
                d.base = np.array(d.base, copy=True)
                copies[i] = d
        emulate(jit_fn, grid, *copies, target=target, num_warps=num_warps, code=code, signature=signature,
                options=options, specialize=specialize, **constexprs)
        runs[code] = copies
    out = []
    for i, (a, b) in enumerate(zip(runs["ours"], runs["triton"])):
        if isinstance(a, TensorDescriptor):
            a, b = a.base, b.base
        if not isinstance(a, np.ndarray):
            continue
        ab, bb = a.view(np.uint8).reshape(a.shape + (-1,)), b.view(np.uint8).reshape(b.shape + (-1,))
        diff = (ab != bb).any(axis=-1)
        if not diff.any():
            out.append(Difference(i, True, 0.0, 0, None))
            continue
        first = tuple(int(x) for x in np.argwhere(diff)[0])
        x, y = a.astype(np.float64), b.astype(np.float64)
        max_abs = float(np.nanmax(np.abs(x - y)))
        if a.dtype.kind == "f":
            bits = {2: np.int16, 4: np.int32, 8: np.int64}[a.dtype.itemsize]
            ia, ib = a.view(bits).astype(np.int64), b.view(bits).astype(np.int64)
            # ordered integers: the ulp distance of two floats of one sign
            ia = np.where(ia < 0, np.iinfo(bits).min - ia, ia)
            ib = np.where(ib < 0, np.iinfo(bits).min - ib, ib)
            max_ulp = int(np.abs(ia - ib).max())
        else:
            max_ulp = int(max_abs)
        out.append(Difference(i, False, max_abs, max_ulp, first))
    return out


if os.environ.get("LINEAR_LAYOUTS_TRITON") == "1":  # zero-code use
    try:
        install()
    except ImportError:
        pass
