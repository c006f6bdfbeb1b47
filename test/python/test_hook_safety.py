"""The hook made safe (issue 18): never abort the user's process, never
accept silently, say why in one line.

Everything that could abort runs in a child process here: an abort inside
MLIR / LLVM (built with assertions) or Triton fails the test with the
child's exit status and stderr, instead of killing pytest.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import triton_oracle  # noqa: E402

pytestmark = pytest.mark.triton
triton = triton_oracle.need_triton()
from triton.backends.compiler import GPUTarget  # noqa: E402

import linear_layouts as ll  # noqa: E402
import linear_layouts.triton as llt  # noqa: E402
from linear_layouts.compiler import CompileError  # noqa: E402
from linear_layouts.emulator import EmulationError  # noqa: E402

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1] / "triton"))
from tutorials import TUTORIALS, UNSUPPORTED, select_scalar  # noqa: E402

sys.path.insert(0, str(HERE.parent))
from children import run_child  # noqa: E402

TARGETS = {"sm_80": ("cuda", 80, 32), "sm_90": ("cuda", 90, 32), "gfx942": ("hip", "gfx942", 64)}


def child(*args: str, timeout: int = 600) -> str:
    """This file's `args` check in a child process (children.run_child)."""
    return run_child(str(HERE), *args, timeout=timeout)


def compile_with(fn, sig, consts, target, attrs=None, warps=4):
    src = triton.compiler.ASTSource(fn, {**sig, **{k: "constexpr" for k in consts}}, consts, attrs=attrs)
    return triton.compile(src, target=GPUTarget(*TARGETS[target]), options={"num_warps": warps})


# --- 1. the reproducers: each compiles through our path (or falls back with a reason) --------


def test_tutorial_reproducers_compile_and_run(tmp_path):
    """Tutorial 02's softmax (tl.num_programs, a pipelined tl.range), a
    pipelined row sum, tl.num_programs, tutorial 04's dropout (tl.rand's
    philox) and an atomic counter: our path on every target, the back end
    assembles it, and the emulator gives numpy's answer (the i32 / i64
    mismatch of rocdl.grid.dim.x aborted the process before, and
    tl.num_programs stored 8 bytes into 4-byte slots). NVIDIA's pipelined
    loops are cp.async into multi-buffered shared memory."""
    out = json.loads(child("reproducers", str(tmp_path)))
    for name in TUTORIALS:
        assert out[name]["gfx942"]["path"] == "ours", out[name]
        assert out[name]["gfx942"]["elf"], out[name]
        assert out[name]["gfx942"]["emulated"] == "ok", out[name]
        for t in ("sm_80", "sm_90"):
            rec = out[name][t]
            assert rec["path"] == "ours" and rec["elf"] and rec["emulated"] == "ok", rec
    assert out["grid_size"]["sm_90"]["path"] == "ours"
    # The i32 grid size is stored as 4 bytes, not 8.
    assert "global_store_dwordx2" not in out["grid_size"]["gfx942"]["amdgcn"]


def _reproducers(cache: str) -> None:
    rng = np.random.default_rng(0)
    llt.install(cache_dir=cache)
    out: dict = {}
    for name, (fn, sig, consts, attrs, make) in TUTORIALS.items():
        out[name] = {}
        for target in TARGETS:
            k = compile_with(fn, sig, consts, target, attrs)
            rec = llt.report()[-1]
            elf = k.asm["hsaco" if target == "gfx942" else "cubin"][:4] == b"\x7fELF"
            entry = {"path": rec.path, "reason": rec.reason, "elf": elf,
                     "amdgcn": k.asm.get("amdgcn", "") if target == "gfx942" else ""}
            if rec.path == "ours":
                grid, args, check = make(rng)
                llt.emulate(fn, grid, *args, target=target, **consts)
                check()
                entry["emulated"] = "ok"
            out[name][target] = entry
    print(json.dumps(out))


@pytest.mark.parametrize("target", list(TARGETS))
def test_select_with_a_scalar_condition(target):
    """`x if flag > 0 else y` on tensors: arith.select with a scalar i1 on
    tensors (aborted convert-ll-to-llvm on every target)."""
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(256).astype(np.float32), rng.standard_normal(256).astype(np.float32)
    for flag, want in ((1, x), (0, y)):
        z = np.zeros_like(x)
        llt.emulate(select_scalar, 1, x, y, z, flag, target=target, N=256)
        np.testing.assert_array_equal(z, want)


# --- 2. invalid modules are refused at import, with the fact that is wrong -----------------

VADD_TTGIR = (HERE.parents[1] / "Conversion" / "TritonToLL" / "vector-add.mlir").read_text()


def _ttgir(**replace: str) -> str:
    text = "\n".join(line for line in VADD_TTGIR.splitlines() if not line.startswith("//"))
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("edit, message", [
    ({'"ttg.threads-per-warp" = 32': '"ttg.threads-per-warp" = 64'},
     "ttg.threads-per-warp = 64, but sm_90 has 32 threads per warp"),
    ({"threadsPerWarp = [32]": "threadsPerWarp = [64]", '"ttg.threads-per-warp" = 32': '"ttg.threads-per-warp" = 64'},
     "ttg.threads-per-warp = 64, but sm_90 has 32"),
    ({'"ttg.num-warps" = 4': '"ttg.num-warps" = 0'}, "ttg.num-warps = 0 is not a power of two"),
    ({'"ttg.num-warps" = 4': '"ttg.num-warps" = 3'}, "ttg.num-warps = 3 is not a power of two"),
    ({'"ttg.num-warps" = 4': '"ttg.num-warps" = -4'}, "ttg.num-warps = -4 is not a power of two"),
    ({'"ttg.num-warps" = 4 : i32': '"ttg.num-warps" = "4"'}, "ttg.num-warps must be an integer"),
    ({'"ttg.num-warps" = 4': '"ttg.num-warps" = 8'}, "has a layout of 32 lanes, 4 warps and 1 CTAs, but the module "
                                                     "has 32 threads per warp, 8 warps"),
])
def test_module_facts_are_verified_at_import(edit, message):
    with pytest.raises(CompileError, match=re.escape(message)):
        ll.compile(_ttgir(**edit))


def test_a_kernel_returning_a_value_is_refused():
    text = _ttgir(**{"tt.func public @vector_add(": "tt.func public @vector_add_ret(",
                     "tt.return loc(#loc14)": "tt.return %n : i32 loc(#loc14)",
                     '%n: i32 loc("n"(#loc))) attributes': '%n: i32 loc("n"(#loc))) -> i32 attributes'})
    with pytest.raises(CompileError, match="kernel @vector_add_ret returns values; a kernel returns nothing"):
        ll.compile(text)


def test_shared_memory_past_the_target_is_an_error_not_an_abort():
    """A buffer at offsets past 2^28 aborted the lowering
    (PointerEmbeddedInt<int,29>); now the target's shared memory bounds it."""
    text = """
#s = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @k() attributes {ll.kernel} {
  %a = ll.local_alloc : () -> !ll.memdesc<268435456xf32, #s, mutable>
  %b = ll.local_alloc : () -> !ll.memdesc<1024xf32, #s, mutable>
  ll.local_dealloc %b : !ll.memdesc<1024xf32, #s, mutable>
  ll.local_dealloc %a : !ll.memdesc<268435456xf32, #s, mutable>
  return
}
}"""
    with pytest.raises(CompileError, match="more than the 232448 bytes sm_90 gives a CTA"):
        ll.compile(text)


# --- 3. the documented errors, with a message ----------------------------------------------


def test_wrong_argument_types_raise_the_documented_errors(tmp_path):
    with pytest.raises(CompileError, match="target must be a target name"):
        ll.compile(_ttgir(), 5)
    with pytest.raises(CompileError, match="kernel must be a function name"):
        ll.compile(_ttgir(), kernel=3)
    with pytest.raises(CompileError, match="module must be MLIR text"):
        ll.compile(None)
    with pytest.raises(CompileError, match="'ll.target' must be a target such as #ll.target<\"sm_90\">, not 5 : i32"):
        ll.compile('module attributes {ll.target = 5 : i32} {}')
    from linear_layouts.emulator import emulate

    k = ll.compile(_ttgir())
    x = np.zeros(64, np.float32)
    for grid in (1.5, None, "2", (0,), (1, 2, 3, 4), True):
        with pytest.raises(EmulationError, match="grid must be a positive int"):
            emulate(k, grid, [x, x, x, 64])
        with pytest.raises(EmulationError, match="grid must be a positive int"):
            llt.emulate(select_scalar, grid, x, x, x, 1, N=64)
    with pytest.raises(EmulationError, match="emulate runs a compiled kernel"):
        emulate(None, 1, [])
    with pytest.raises(EmulationError, match="emulate runs a @triton.jit function"):
        llt.emulate(None, 1)
    ro = np.zeros(64, np.float32)
    ro.setflags(write=False)
    emulate(k, 1, [ro, ro, x, 64])  # read-only inputs are fine
    with pytest.raises(EmulationError, match=r"store by thread \d+ .* into parameter 2 .*, a read-only array"):
        emulate(k, 1, [x, x, ro, 64])


# --- 4. fallback reasons name the op or attribute and the kernel's line ---------------------


def test_fallback_reasons_name_the_op_and_line(tmp_path):
    out = json.loads(child("reasons", str(tmp_path)))
    # (a tensor descriptor's atomic_add on sm_90: a TMA reduction)
    pattern = {
        "tile_accumulate_desc": {"sm_90": r"unsupported op ttng\.async_tma_reduce at tutorials\.py:\d+:\d+"},
    }
    for key, reason in out["reasons"].items():
        name, target = key.split("@")
        assert re.fullmatch(pattern[name][target], reason), (key, reason)
        assert "\n" not in reason and not reason.endswith(":"), reason
    # Served from Triton's cache: recorded, with the path of the compile
    # that filled it (fallback and why; ours).
    assert out["cached"] == [["tile_accumulate_desc", "fallback", True, out["reasons"]["tile_accumulate_desc@sm_90"]],
                             ["grid_size", "ours", True, ""]], out["cached"]
    assert "(cached)" in out["table"]


def _reasons(cache: str) -> None:
    llt.install(cache_dir=cache)
    reasons = {}
    for name, (fn, sig, consts, targets, attrs) in UNSUPPORTED.items():
        for target in targets:
            compile_with(fn, sig, consts, target, attrs)
            rec = llt.report()[-1]
            assert rec.path == "fallback", rec
            reasons[f"{name}@{target}"] = rec.reason
    n = len(llt.report())
    fn, sig, consts, _, attrs = UNSUPPORTED["tile_accumulate_desc"]
    compile_with(fn, sig, consts, "sm_90", attrs)  # a cache hit now
    fn, sig, consts, attrs, _ = TUTORIALS["grid_size"]
    compile_with(fn, sig, consts, "sm_90", attrs)
    compile_with(fn, sig, consts, "sm_90", attrs)  # a cache hit
    recs = llt.report()[n:]
    cached = [[r.kernel, r.path, r.cached, r.reason] for r in recs if r.cached]
    print(json.dumps({"reasons": reasons, "cached": cached, "table": str(llt.report())}))


# --- 5. every lowering pattern's output, for every target: translated, assembled, emulable --


LIT = HERE.parents[1] / "Conversion"


def _lit_chunks() -> list[tuple[str, str, str]]:
    """(file:chunk, the chunk's own target, text) of every chunk of the
    lowering's lit tests that its RUN line lowers (no expected-error)."""
    out = []
    for f in sorted((LIT / "LLToLLVM").glob("*.mlir")) + sorted((LIT / "TritonToLL").glob("*.mlir")):
        for i, chunk in enumerate(f.read_text().split("// -----")):
            if "expected-error" in chunk or "func" not in chunk:
                continue
            own = re.search(r'll\.target = #ll\.target<"(\w+)">', chunk)
            tt = re.search(r'ttg\.target = "(?:cuda:(\d+)|hip:(\w+))"', chunk)
            target = own[1] if own else (f"sm_{tt[1]}" if tt[1] else tt[2]) if tt else "sm_90"
            out.append((f"{f.name}:{i}", target, chunk))
    return out


def test_every_lowering_output_translates_assembles_and_emulates():
    """The op-by-target matrix: each chunk of the lowering's lit tests (every
    pattern has one; kernels and plain functions), lowered for sm_80, sm_90
    and gfx942 in a child process: on its own target it must lower; on the
    others it lowers or is refused with a diagnostic (a layout of the other
    lane count); what lowers must translate to LLVM IR, assemble (ptxas;
    AMDGPU through Triton's LLVM) and hold only ops the emulator runs. A
    lowering that hands translation a wrong type (the i32 rocdl.grid.dim.x)
    fails this test, not pytest."""
    out = json.loads(child("matrix"))
    assert not out["own_failed"], out["own_failed"]
    assert not out["broken"], out["broken"]
    assert min(out["assembled"].values()) >= 20 and out["assembled"]["sm_90"] >= 30, out["assembled"]
    # every op the lowering emitted here is one the emulator runs
    assert not out["not_emulated"], out["not_emulated"]
    for op in ("nvvm.shfl.sync", "rocdl.ds_bpermute", "rocdl.grid.dim.y", "nvvm.stmatrix", "llvm.inline_asm"):
        assert op in out["ops"], op


def _matrix() -> None:
    from mlir import ir
    from mlir.dialects import llvm as mllvm

    from linear_layouts.backends import backend
    from linear_layouts.compiler import _context, _run
    from linear_layouts.emulator import _decode

    own_failed, broken, not_emulated, seen = [], [], set(), set()
    assembled = {t: 0 for t in TARGETS}
    for where, own, text in _lit_chunks():
        for target in TARGETS:
            print(where, target, file=sys.stderr, flush=True)  # the last one names a crash
            with _context(), ir.Location.unknown():
                try:
                    m = ir.Module.parse(text)
                    # (device tensor maps live in the kernel's global scratch)
                    front = "" if "tt.func" not in text else "convert-triton-to-ll{scratch-args=true}," \
                        if "global_scratch_alloc" in text else "convert-triton-to-ll,"
                    _run(m, f"builtin.module({front}ll-legacy-to-linear,convert-ll-to-llvm{{target={target}}},"
                            "canonicalize,cse)")
                except (CompileError, Exception) as e:
                    if target == own:
                        own_failed.append(f"{where} on {target}: {str(e).splitlines()[0]}")
                    continue
                try:
                    llvm_ir = mllvm.translate_module_to_llvmir(m.operation)
                    b = backend(target)
                    asm = b.asm(llvm_ir)
                    if b.target.vendor == "amd":
                        assert "gfx942" in asm, "no AMDGCN"
                    else:  # ptxas takes it (CompileError with its message)
                        assert b.ptxas(asm)[:4] == b"\x7fELF"
                except Exception as e:
                    broken.append(f"{where} on {target}: {type(e).__name__}: {str(e)[:300]}")
                    continue
                assembled[target] += 1
                lowered = str(m)
                seen |= set(re.findall(r"= ([a-z_]+\.[\w.]+)", lowered) +
                            re.findall(r"^\s+([a-z_]+\.[\w.]+)(?=[ (]|$)", lowered, re.M))
                # The emulator decodes every function: each op is one it
                # runs, with the types translation gives it.
                for name in re.findall(r"llvm\.func @(\w+)\(.*\{$", lowered, re.M):
                    try:
                        _decode(lowered, name)
                    except EmulationError as e:
                        not_emulated.add(f"{where} on {target}: {e}")
    print(json.dumps({"own_failed": own_failed, "broken": broken, "assembled": assembled,
                      "not_emulated": sorted(not_emulated), "ops": sorted(seen)}))


if __name__ == "__main__":
    what, *rest = sys.argv[1:]
    {"reproducers": _reproducers, "reasons": _reasons, "matrix": _matrix}[what](*rest)
