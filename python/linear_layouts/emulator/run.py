"""Decoding a kernel once into handler records, and the run loop: SIMT
with masks, reconvergence at immediate post-dominators, CTAs one after
another.

Part of the emulator (linear_layouts.emulator; the execution model is in
its package docstring)."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .values import EmulationError, SHARED_WINDOW, _no_poison, _CONST_WINDOW, _IMPLICIT_WINDOW, _LOCAL_END, _LOCAL_WINDOW, _GLOBAL_SHIFT, _MAX_BLOCKS, _Ty, _int_row, _layout, _parse_type, _round_up, _to_float, _where
from .memory import _Memory, _RaceTracker
from . import tma
from .registry import Handler, _OPS, _Op, _State


# ------------------------------------------------------------------------------------ decoding


@dataclass
class _Instr:
    run: Handler
    ins: tuple[int, ...]
    out: int  # result slot, -1 if none
    where: str


@dataclass
class _Block:
    args: tuple[int, ...]
    instrs: list[_Instr]
    term: tuple  # ("return",) | ("unreachable",) | ("br", dest, ops) | ("cond", c, t, t_ops, f, f_ops)
    where: str


@dataclass
class _Program:
    name: str
    params: list[_Ty]
    blocks: list[_Block]
    ipdom: list[int | None]
    nvalues: int
    static_shared: int  # bytes of shared memory before the dynamic part
    threads: int | None  # from nvvm.reqntid / rocdl.flat_work_group_size
    constants: bytes = b""  # the constant globals, at _CONST_WINDOW


def _attrs(op: Any) -> dict[str, Any]:
    named = (op.attributes[i] for i in range(len(op.attributes)))
    return {a.name: a.attr for a in named}


def source_line(location: str) -> str:
    """A location as the source line a user reads: ``file:line:col`` of the
    outermost frame (the kernel's own line), with the inlined frames inside
    it (Triton's standard library, say) after it. Debug-info locations of
    imported LLVM IR and TTGIR's call sites both print file:line:col
    frames, callee first."""
    frames = [f"{f}:{line}:{col}" for f, line, col in re.findall(r'"([^"]*)":(\d+):(\d+)', location)]
    if not frames:
        return re.sub(r"^loc\((.*)\)$", r"\1", location)
    *inner, outer = frames
    inner = list(dict.fromkeys(f for f in inner if f != outer))
    return outer + (f" (inlined from {', '.join(inner)})" if inner else "")


def _where_is(op: Any) -> str:
    return f"{op.name} at {source_line(str(op.location))}"


def _shared_layout(module: Any) -> tuple[dict[str, int], int]:
    """Offsets of addr_space 3 globals: sized ones first, zero-sized (dynamic) ones after them."""
    sized, dynamic = [], []
    for op in module.body.operations:
        op = op.operation
        attrs = _attrs(op)
        if op.name == "llvm.mlir.global" and "addr_space" in attrs and attrs["addr_space"].value == 3:
            size, align = _layout(_parse_type(str(attrs["global_type"].value)))
            align = max(align, attrs["alignment"].value if "alignment" in attrs else 1)
            (sized if size else dynamic).append((attrs["sym_name"].value, size, align))
    offsets, end = {}, 0
    for name, size, align in sized + dynamic:
        offsets[name] = end = _round_up(end, align)
        end += size
    return offsets, end


def _constants_and_flags(module: Any) -> tuple[dict[str, int], bytes, dict[str, int]]:
    """The module's constant globals of addr_space 0 / 1 / 4 with an
    initializer (libdevice's "__CUDA_FTZ" strings), laid out read-only at
    _CONST_WINDOW, and its integer module flags."""
    addresses, data, flags = {}, bytearray(), {}
    for op in module.body.operations:
        op = op.operation
        attrs = _attrs(op)
        if op.name == "llvm.mlir.global" and "constant" in attrs and "value" in attrs \
                and ("addr_space" not in attrs or attrs["addr_space"].value in (0, 1, 4)):
            value = attrs["value"]
            if not hasattr(value, "value") or not isinstance(value.value, str):
                continue  # only strings so far
            data += bytes((-len(data)) % 16)
            addresses[attrs["sym_name"].value] = _CONST_WINDOW + len(data)
            data += value.value.encode("latin-1")
        elif op.name == "llvm.module_flags":
            for m in re.finditer(r'module_flag<\w+, "([^"]+)", (-?\d+) : i32>', str(attrs.get("flags", ""))):
                flags[m[1]] = int(m[2])
    return addresses, bytes(data), flags


def _ipdoms(succ: list[list[int]]) -> list[int | None]:
    """Immediate post-dominators; None for the virtual exit (node len(succ))."""
    n = len(succ)
    everything = set(range(n + 1))
    pdom = [set(everything) for _ in range(n)] + [{n}]
    changed = True
    while changed:
        changed = False
        for b in reversed(range(n)):
            new = {b} | set.intersection(*(pdom[s] for s in succ[b]))
            if new != pdom[b]:
                pdom[b], changed = new, True
    ipdom: list[int | None] = []
    for b in range(n):
        strict = pdom[b] - {b}
        d = next((d for d in strict if pdom[d] == strict), n) if pdom[b] != everything else n
        ipdom.append(None if d == n else d)
    return ipdom


def _pick_function(module: Any, kernel: str | None) -> Any:
    funcs = [op.operation for op in module.body.operations
             if op.operation.name == "llvm.func" and len(op.operation.regions[0].blocks) > 0]
    names = [_attrs(f)["sym_name"].value for f in funcs]
    if kernel is not None:
        if kernel not in names:
            raise EmulationError(f"no llvm.func @{kernel} with a body; functions: {names}")
        return funcs[names.index(kernel)]
    kernels = [f for f in funcs if {"nvvm.kernel", "rocdl.kernel"} & set(_attrs(f))]
    candidates = funcs if len(funcs) == 1 else kernels
    if len(candidates) != 1:
        raise EmulationError(f"name the kernel to run; functions: {names}")
    return candidates[0]


def _operand_ints(op: Any) -> dict[int, int]:
    """The operands of `op` defined by integer ``llvm.mlir.constant`` ops."""
    out = {}
    for k, v in enumerate(op.operands):
        owner = v.owner
        if getattr(owner, "name", None) == "llvm.mlir.constant":
            value = _attrs(owner)["value"]
            if isinstance(getattr(value, "value", None), int):  # (i1: a bool)
                out[k] = int(value.value)
    return out


def _decode_op(op: Any, shared: dict[str, int], slot: Callable[[Any], int], constants: dict[str, int],
               flags: dict[str, int]) -> _Instr:
    where = _where_is(op)
    if op.name not in _OPS:
        raise EmulationError(f"unsupported op {where}")
    try:
        info = _Op(op.name, [_parse_type(str(v.type)) for v in op.operands],
                   [_parse_type(str(r.type)) for r in op.results], _attrs(op), shared, constants, flags,
                   _operand_ints(op))
        run = _OPS[op.name](info)
    except EmulationError as e:
        raise EmulationError(f"{where}: {e}") from None
    out = slot(op.results[0]) if len(op.results) else -1
    return _Instr(run, tuple(slot(v) for v in op.operands), out, where)


@functools.lru_cache(maxsize=32)
def _decode(text: str, kernel: str | None) -> _Program:
    from mlir import ir

    from ..compiler import _context
    from ..mlir import kernel_threads

    try:  # in the context with the ll dialect (the module's ll.target)
        module = ir.Module.parse(text, _context())
    except Exception as e:  # MLIRError carries the diagnostics
        raise EmulationError(f"cannot parse the module: {e}") from None
    shared, static_shared = _shared_layout(module)
    constants, const_bytes, flags = _constants_and_flags(module)
    func = _pick_function(module, kernel)
    blocks = list(func.regions[0].blocks)
    block_index = {b: i for i, b in enumerate(blocks)}
    slots: dict[Any, int] = {}

    def slot(v: Any) -> int:
        return slots.setdefault(v, len(slots))

    decoded, succ = [], []
    for block in blocks:
        *body, last = [op.operation for op in block.operations]
        operands = [slot(v) for v in last.operands]
        if last.name == "llvm.br":
            term: tuple = ("br", block_index[last.successors[0]], operands)
        elif last.name == "llvm.cond_br":
            t, f = last.successors[0], last.successors[1]
            nt = len(t.arguments)
            term = ("cond", operands[0], block_index[t], operands[1:1 + nt], block_index[f], operands[1 + nt:])
        elif last.name in ("llvm.return", "llvm.unreachable"):
            term = (last.name[5:],)
        else:
            raise EmulationError(f"unsupported op {_where_is(last)}")
        args = tuple(slot(a) for a in block.arguments)
        decoded.append(_Block(args, [_decode_op(op, shared, slot, constants, flags) for op in body], term, _where_is(last)))
        succ.append([term[2], term[4]] if term[0] == "cond" else [term[1]] if term[0] == "br" else [len(blocks)])
    fattrs = _attrs(func)
    params = [_parse_type(str(a.type)) for a in blocks[0].arguments]
    return _Program(fattrs["sym_name"].value, params, decoded, _ipdoms(succ), len(slots), static_shared,
                    kernel_threads(fattrs), const_bytes)


# ------------------------------------------------------------------------------------ execution


def _assign(prog: _Program, vals: list, edges: list[tuple[int, list[int], np.ndarray]]) -> None:
    """Pass block arguments along `edges` (dest, operand slots, lanes), reading all before writing."""
    incoming = [(dest, [vals[i] for i in ops], m) for dest, ops, m in edges if m.any()]
    for dest, values, m in incoming:
        for arg, v in zip(prog.blocks[dest].args, values):
            old = vals[arg]
            vals[arg] = v if old is None or m.all() else _where(m, v, old)


def _run_block(block: _Block, vals: list, st: _State) -> None:
    mask, full = st.mask, st.full
    for ins in block.instrs:
        try:
            out = ins.run(st, [vals[i] for i in ins.ins])
        except EmulationError as e:  # (the same class: a DeviceAssertion stays one)
            raise type(e)(f"{ins.where}: {e}") from None
        if ins.out >= 0:
            old = vals[ins.out]
            vals[ins.out] = out if full or old is None else _where(mask, out, old)


def _run_cta(prog: _Program, st: _State, params: list[np.ndarray], max_blocks: int = _MAX_BLOCKS) -> None:
    vals: list = [None] * prog.nvalues
    for slot, value in zip(prog.blocks[0].args, params):
        vals[slot] = value
    stack: list[list] = [[0, np.ones(st.T, bool), None]]  # [block, mask, reconvergence block]
    executed = 0
    while stack:
        top = stack[-1]
        b, mask, rpc = top  # lanes of an entry all reach its block (they cannot exit before it)
        if b is None or b == rpc or not mask.any():
            stack.pop()
            continue
        executed += 1
        if executed > max_blocks:
            raise EmulationError(f"CTA {st.cta} executed {max_blocks} basic blocks: the kernel seems to hang "
                                 f"(a longer loop? pass max_blocks= a larger budget to the emulate call)")
        st.set_mask(mask)
        block = prog.blocks[b]
        _run_block(block, vals, st)
        kind = block.term[0]
        if kind == "return":
            st.exited |= mask
            stack.pop()
        elif kind == "unreachable":
            raise EmulationError(f"{block.where}: reached by {st.thread(int(st.lanes[0]))}")
        elif kind == "br":
            _assign(prog, vals, [(block.term[1], block.term[2], mask)])
            top[0], top[1] = block.term[1], mask
        else:
            _, cond, t, t_ops, f, f_ops = block.term
            _no_poison(vals[cond], mask, "a branch condition", st.thread)
            taken = mask & vals[cond]
            other = mask & ~taken
            _assign(prog, vals, [(t, t_ops, taken), (f, f_ops, other)])
            if t == f or not other.any() or not taken.any():
                top[0], top[1] = (t if taken.any() else f), mask
                continue
            r = prog.ipdom[b]
            if r == rpc:  # the entry below already waits at r
                stack.pop()
            else:
                top[0], top[1] = r, mask
            stack.extend([dest, m, r] for dest, m in ((f, other), (t, taken)) if dest != r)


def _dims(value: int | Sequence[int], what: str) -> tuple[int, int, int]:
    def integral(d: Any) -> bool:
        return isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_))

    try:
        dims = (value,) if integral(value) else tuple(value)
    except TypeError:
        dims = ()
    if not 1 <= len(dims) <= 3 or not all(integral(d) and int(d) >= 1 for d in dims):
        raise EmulationError(f"{what} must be a positive int or 1 to 3 positive ints, not {value!r}")
    return tuple(int(d) for d in dims) + (1,) * (3 - len(dims))  # type: ignore[return-value]


def _scalar_param(value: Any, ty: _Ty, i: int) -> Any:
    if isinstance(value, np.ndarray) and value.ndim > 0:
        raise EmulationError(f"parameter {i} is a scalar {ty}, but an array was passed")
    value = value.item() if isinstance(value, np.ndarray) else value
    if ty.kind == "int":
        if not isinstance(value, (int, np.integer, np.bool_)):
            raise EmulationError(f"parameter {i} is an {ty}, not {type(value).__name__}")
        v = int(value)
        if not -(1 << (ty.bits - 1)) <= v < (1 << ty.bits) and ty.bits > 1:
            raise EmulationError(f"parameter {i}: {v} does not fit {ty}")
        return _int_row([v], ty)[0]
    if ty.kind == "float":
        if not isinstance(value, (int, float, np.integer, np.floating)):
            raise EmulationError(f"parameter {i} is an {ty}, not {type(value).__name__}")
        return _to_float(np.array([float(value)]), ty)[0]
    raise EmulationError(f"parameter {i} of type {ty} is not supported")


def _implicit_args(grid: tuple[int, int, int], block: tuple[int, int, int]) -> np.ndarray:
    """AMD's hidden kernel arguments (code object v5, LLVM AMDGPUUsage
    "Hidden kernel arguments"), what llvm.amdgcn.implicitarg.ptr points to:
    the block counts (u32 at 0, 4, 8), the group sizes (u16 at 12, 14, 16),
    the remainders (0: whole groups) and the grid's dims (u16 at 64 + 24)."""
    a = np.zeros(256, np.uint8)
    a[0:12] = np.array(grid, "<u4").view(np.uint8)
    a[12:18] = np.array(block, "<u2").view(np.uint8)
    a[88:90] = np.array([sum(d > 1 for d in grid) or 1], "<u2").view(np.uint8)
    return a


def emulate_mlir(mlir_text: str, kernel: str | None, grid: int | Sequence[int], args: Sequence[Any], *,
                 threads_per_cta: int | Sequence[int] | None = None, warp_size: int = 32,
                 shared_bytes: int = 0, arg_names: Sequence[str] | None = None,
                 max_blocks: int = _MAX_BLOCKS) -> None:
    """Run `kernel` of an LLVM-dialect module on every thread of `grid` CTAs, like a launch.

    `args` follow the kernel's parameters: a C-contiguous numpy array for each pointer (read and
    written in place), a Python / numpy number for each scalar. `threads_per_cta` (an int or up
    to 3 dims, x fastest) defaults to the function's ``nvvm.reqntid`` or
    ``rocdl.flat_work_group_size``; `shared_bytes` is the dynamic shared memory, placed after
    the statically sized shared globals. CTAs run one after another, x fastest. `arg_names`
    name the arguments in messages ("X (float32[1000])" rather than "parameter 0"); a CTA
    that executes more than `max_blocks` basic blocks is taken to hang (raise it for long
    loops).
    """
    prog = _decode(mlir_text, kernel)
    if threads_per_cta is None and prog.threads is None:
        raise EmulationError(f"@{prog.name} has no nvvm.reqntid / rocdl.flat_work_group_size: pass threads_per_cta")
    dims = _dims(prog.threads if threads_per_cta is None else threads_per_cta, "threads_per_cta")
    grid3 = _dims(grid, "grid")
    T = dims[0] * dims[1] * dims[2]
    if warp_size < 1 or T % warp_size:
        raise EmulationError(f"threads_per_cta {T} must be a multiple of warp_size {warp_size}")
    if len(args) != len(prog.params):
        raise EmulationError(f"@{prog.name} takes {len(prog.params)} arguments, {len(args)} given")
    mem, params = _Memory(), []
    for i, (value, ty) in enumerate(zip(args, prog.params)):
        name = arg_names[i] if arg_names and i < len(arg_names) else f"parameter {i}"
        if ty.kind == "ptr" and isinstance(value, tma.TensorMap):
            base = ((i + 1) << _GLOBAL_SHIFT) + value.base.ctypes.data % 256
            mem.regions.append((base, value.base.reshape(-1).view(np.uint8),
                                f"{name}'s tensor ({value.base.dtype}{list(value.base.shape)})"))
            at = ((i + 1) << _GLOBAL_SHIFT) + (1 << (_GLOBAL_SHIFT - 1))  # (its map: above the tensor)
            try:
                desc = value.encode(base)
            except ValueError as e:
                raise EmulationError(f"{name}: {e}") from None
            desc.flags.writeable = False
            mem.regions.append((at, desc, f"{name}'s tensor map"))
            params.append(np.full(T, at, np.int64))
            continue
        if ty.kind == "ptr":
            if not isinstance(value, np.ndarray):
                raise EmulationError(f"parameter {i} is a pointer: pass a numpy array, not {type(value).__name__}")
            if not value.flags.c_contiguous:
                raise EmulationError(f"the array for parameter {i} must be C-contiguous")
            # (the data pointer's low bits kept: an array that starts off a
            # 256-byte boundary -- a slice -- is as misaligned as on a GPU)
            base = ((i + 1) << _GLOBAL_SHIFT) + value.ctypes.data % 256
            mem.regions.append((base, value.reshape(-1).view(np.uint8), f"{name} ({value.dtype}{list(value.shape)})"))
            params.append(np.full(T, base, np.int64))
        else:
            params.append(np.full(T, _scalar_param(value, ty, i)))
    if prog.constants:
        const = np.frombuffer(prog.constants, np.uint8)  # read-only
        mem.regions.append((_CONST_WINDOW, const, "the module's constants"))
    mem.regions.append((_IMPLICIT_WINDOW, _implicit_args(grid3, dims), "the hidden kernel arguments"))
    shared_size = prog.static_shared + shared_bytes
    rng = np.random.default_rng(0)
    with np.errstate(all="ignore"):
        for z, y, x in itertools.product(range(grid3[2]), range(grid3[1]), range(grid3[0])):
            shared = rng.integers(0, 256, shared_size, dtype=np.uint8)
            mem.regions.append((SHARED_WINDOW, shared, f"shared memory ({shared_size} bytes)"))
            mem.shared, mem.races, mem.inflight = shared, _RaceTracker(shared_size), None
            mem.written = np.zeros(shared_size, bool)
            st = _State(dims, warp_size, (x, y, z), grid3, mem)
            _run_cta(prog, st, params, max_blocks)
            tma.finish(st)
            # (the CTA's shared memory and stack go with it)
            mem.regions[:] = [r for r in mem.regions
                              if r[0] != SHARED_WINDOW and not _LOCAL_WINDOW <= r[0] < _LOCAL_END]


_SPECIAL_FLOATS = {  # LLVM 22 spellings of the special constants newer LLVMs print by name
    "half": {"inf": "0xH7C00", "-inf": "0xHFC00", "qnan": "0xH7E00", "-qnan": "0xHFE00"},
    "bfloat": {"inf": "0xR7F80", "-inf": "0xRFF80", "qnan": "0xR7FC0", "-qnan": "0xRFFC0"},
    "float": {"inf": "0x7FF0000000000000", "-inf": "0xFFF0000000000000", "qnan": "0x7FF8000000000000",
              "-qnan": "0xFFF8000000000000"},
}
_SPECIAL_FLOATS["double"] = _SPECIAL_FLOATS["float"]


def _llvm22_float_literals(text: str) -> str:
    """Newer LLVMs (Triton 3.9's) print a float constant as ``f0x`` and the
    bits of its own type (``float f0x3FB8AA3B``) and the special values by
    name (``float -inf``); LLVM 22's parser reads ``0x`` + the double's 16
    hex digits for float and double, ``0xH`` / ``0xR`` + 4 for half /
    bfloat. A decimal float (``float 1.002960e+00``) must be exact in its
    type for LLVM 22; newer LLVMs print the shortest that rounds to it. The
    same values, respelled; a literal's type is the nearest float type
    named before it on its line."""
    literal = re.compile(r"(?<![%@\w.])(f0x[0-9A-Fa-f]+|[+-]?s?nan\(0x[0-9A-Fa-f]+\)|[+-]?(?:inf|qnan|nan)\b"
                         r"|[+-]?\d+\.\d+e[+-]\d+)")
    types = re.compile(r"\b(half|bfloat|float|double)\b")

    def line(m: re.Match) -> str:
        s = m[0]

        def one(c: re.Match) -> str:
            before = types.findall(s, 0, c.start())
            ty = before[-1] if before else None
            tok = c[1]
            if tok.startswith("f0x"):
                h = tok[3:]
                ty = ty or {4: "half", 8: "float", 16: "double"}.get(len(h))
                if ty in ("half", "bfloat") and len(h) == 4:
                    return ("0xR" if ty == "bfloat" else "0xH") + h.upper()
                if ty == "float" and len(h) == 8:
                    d = np.array([int(h, 16)], np.uint32).view(np.float32).astype(np.float64)
                    return "0x%016X" % int(d.view(np.uint64)[0])
                if len(h) == 16:
                    return "0x" + h.upper()
                return tok
            if ty is None:
                return tok
            if tok[-1].isdigit():  # a decimal: LLVM 22 takes only one the type holds exactly (newer
                if ty != "float":  # LLVMs print the shortest that rounds to it)
                    return tok
                v = np.float32(float(tok))
                return tok if float(v) == float(tok) else \
                    "0x%016X" % int(np.array([v], np.float32).astype(np.float64).view(np.uint64)[0])
            m = re.fullmatch(r"([+-]?)(s?)nan\(0x([0-9A-Fa-f]+)\)", tok)
            if m:  # a NaN with a payload: all-ones exponent, the quiet bit unless snan, the payload
                bits, man = {"half": (16, 10), "bfloat": (16, 7), "float": (32, 23), "double": (64, 52)}[ty]
                v = ((1 << (bits - 1 - man)) - 1) << man | (0 if m[2] else 1 << (man - 1)) | int(m[3], 16)
                v |= (1 << (bits - 1)) if m[1] == "-" else 0
                if ty == "float":
                    v = int(np.array([v], np.uint32).view(np.float32).astype(np.float64).view(np.uint64)[0])
                return {"half": "0xH%04X", "bfloat": "0xR%04X", "float": "0x%016X", "double": "0x%016X"}[ty] % v
            key = tok.lstrip("+").replace("nan", "qnan").replace("qqnan", "qnan")
            return _SPECIAL_FLOATS[ty].get(key, tok)
        return literal.sub(one, s)
    return re.sub(r"^.*(?:f0x|inf|qnan|nan|float.*\de[+-]\d).*$", line, text, flags=re.M)


def emulate_llvm_ir(llvm_ir: str, grid: int | Sequence[int], args: Sequence[Any], *, kernel: str | None = None,
                    warp_size: int = 32, threads_per_cta: int | Sequence[int] | None = None,
                    shared_bytes: int = 0, arg_names: Sequence[str] | None = None,
                    max_blocks: int = _MAX_BLOCKS) -> None:
    """Run LLVM IR text -- Triton's own ``llir`` for a kernel, say -- like
    :func:`emulate_mlir`: MLIR's LLVM IR importer turns it into the LLVM
    dialect (NVVM intrinsics into NVVM ops), which the emulator runs. The
    threads per CTA default to the kernel's ``nvvm.reqntid`` /
    ``amdgpu-flat-work-group-size``; `args` follow the IR's parameters (for
    Triton's kernels: the non-constexpr arguments, then its global and
    profile scratch pointers)."""
    from .. import _mlir
    from ..compiler import _context

    if not isinstance(llvm_ir, str):
        raise EmulationError(f"emulate_llvm_ir runs LLVM IR text, not {type(llvm_ir).__name__}")
    try:
        module = _mlir.import_llvm_ir(_llvm22_float_literals(llvm_ir), _context())
    except RuntimeError as e:
        raise EmulationError(str(e)) from None
    # (with its debug info: an error names the kernel's source line)
    emulate_mlir(module.operation.get_asm(enable_debug_info=True), kernel, grid, args,
                 threads_per_cta=threads_per_cta, warp_size=warp_size, shared_bytes=shared_bytes,
                 arg_names=arg_names, max_blocks=max_blocks)


def emulate(kernel: Any, grid: int | Sequence[int], args: Sequence[Any], *, arg_names: Sequence[str] | None = None,
            max_blocks: int = _MAX_BLOCKS) -> None:
    """Run a compiled kernel object (.mlir, .name, .num_warps, .threads_per_warp, .shared_bytes)."""
    missing = [a for a in ("mlir", "name", "num_warps", "threads_per_warp", "shared_bytes") if not hasattr(kernel, a)]
    if missing:
        raise EmulationError(f"emulate runs a compiled kernel (linear_layouts.compile's result), "
                             f"not {type(kernel).__name__}")
    emulate_mlir(kernel.mlir, kernel.name, grid, args, threads_per_cta=kernel.num_warps * kernel.threads_per_warp,
                 warp_size=kernel.threads_per_warp, shared_bytes=kernel.shared_bytes, arg_names=arg_names,
                 max_blocks=max_blocks)
