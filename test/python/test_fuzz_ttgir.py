"""Mutated Triton TTGIR through import, lowering and LLVM translation, in
child processes: no input may abort the process, and every refusal is the
documented CompileError (a ValueError with the diagnostic), never another
exception type.

Seeds: the TTGIR the installed Triton produces for the corpus kernels
(test/triton/kernels.py) and the tutorial-shaped ones, for sm_80, sm_90 and
gfx942. Mutations change what users and Triton versions change: module
attributes (warps, lanes, CTAs, target), element types, scalar vs tensor
operands, shapes (one occurrence, or all consistently: a valid kernel of
another size), layout parameters, integer literals, and whole lines.

`make test` runs LL_FUZZ_N inputs (default 2,000, over two children); set
LL_FUZZ_N=50000 (and LL_FUZZ_SEED) for a long run. An input that kills a
child is written to build/fuzz-crash-<seed>-<i>.mlir and named in the
failure.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

import triton_oracle  # noqa: E402

pytestmark = pytest.mark.triton
triton = triton_oracle.need_triton()
from triton.backends.compiler import GPUTarget  # noqa: E402

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE.parents[1] / "triton"))

TARGETS = {"sm_80": ("cuda", 80, 32), "sm_90": ("cuda", 90, 32), "gfx942": ("hip", "gfx942", 64)}


def seeds() -> list[str]:
    from kernels import KERNELS
    from tutorials import TUTORIALS

    out = []
    for target in TARGETS:
        for fn, sig, consts, warps, _, _ in KERNELS.values():
            src = triton.compiler.ASTSource(fn, {**sig, **{k: "constexpr" for k in consts}}, consts)
            out.append(triton.compile(src, target=GPUTarget(*TARGETS[target]),
                                      options={"num_warps": warps}).asm["ttgir"])
        for fn, sig, consts, attrs, _ in TUTORIALS.values():
            src = triton.compiler.ASTSource(fn, {**sig, **{k: "constexpr" for k in consts}}, consts, attrs=attrs)
            out.append(triton.compile(src, target=GPUTarget(*TARGETS[target])).asm["ttgir"])
    return out


# ---- mutations: text -> text


def _module_attr(rng: random.Random, t: str) -> str:
    choices = [
        (r'"ttg.num-warps" = -?\d+ : i32', ['"ttg.num-warps" = %d : i32' % v for v in (0, 1, 2, 3, -4, 8, 64)]
         + ['"ttg.num-warps" = "4"', '"ttg.num-warps" = 4 : i64', '"ttg.num-warps" = 4.0 : f32']),
        (r'"ttg.threads-per-warp" = \d+ : i32', ['"ttg.threads-per-warp" = %d : i32' % v for v in (16, 32, 64, 128)]),
        (r'"ttg.num-ctas" = \d+ : i32', ['"ttg.num-ctas" = %d : i32' % v for v in (1, 2, 0)]),
        (r'ttg.target = "[^"]*"', ['ttg.target = "%s"' % v for v in ("cuda:80", "cuda:90", "hip:gfx942", "cuda:120",
                                                                    "hip:gfx1100", "cuda:", "tpu:1")]
         + ["ttg.target = 5 : i32"]),
    ]
    pat, subs = rng.choice(choices)
    return re.sub(pat, rng.choice(subs), t, count=1)


def _element_type(rng: random.Random, t: str) -> str:
    occ = list(re.finditer(r"(?<=x)(f32|f16|bf16|i32|i64|i8|i1)(?=[,>])", t))
    if not occ:
        return t
    m = rng.choice(occ)
    return t[:m.start()] + rng.choice(["f32", "f16", "bf16", "i32", "i64", "i8", "i1", "f64"]) + t[m.end():]


def _scalar_vs_tensor(rng: random.Random, t: str) -> str:
    occ = list(re.finditer(r"tensor<(\d+x)*(\w+), #\w+>", t))
    if not occ:
        return t
    m = rng.choice(occ)
    return t[:m.start()] + m[2] + t[m.end():]


def _shape(rng: random.Random, t: str) -> str:
    dims = sorted({int(d) for d in re.findall(r"tensor<(\d+)x", t)} | {int(d) for d in re.findall(r"x(\d+)x", t)})
    if not dims:
        return t
    d = rng.choice(dims)
    new = rng.choice([d * 2, d // 2 or 1, 1, 3, 0, 1 << 20, 1 << 31, d * 64])
    pat = rf"(?<=[<x]){d}(?=x)"
    if rng.random() < 0.5:  # all occurrences (and the ranges' ends): another size of the same kernel
        t = re.sub(pat, str(new), t)
        return re.sub(rf"end = {d} : i32", f"end = {new} : i32", t)
    occ = list(re.finditer(pat, t))
    m = rng.choice(occ)
    return t[:m.start()] + str(new) + t[m.end():]


def _layout_param(rng: random.Random, t: str) -> str:
    occ = list(re.finditer(r"(sizePerThread|threadsPerWarp|warpsPerCTA|order|instrShape|vec|perPhase|maxPhase"
                           r"|kWidth|opIdx|dim) = (\[[-\d, ]*\]|-?\d+)", t))
    if not occ:
        return t
    m = rng.choice(occ)
    vals = [rng.choice([0, 1, 2, 3, 4, 8, 16, 32, 64, -1, 1 << 30]) for _ in range(max(1, m[2].count(",") + 1))]
    new = f"[{', '.join(map(str, vals))}]" if m[2].startswith("[") else str(vals[0])
    return t[:m.start(2)] + new + t[m.end(2):]


def _literal(rng: random.Random, t: str) -> str:
    occ = list(re.finditer(r"(?<=[ (])-?\d+(?= : i(32|64|1)\b)", t))
    if not occ:
        return t
    m = rng.choice(occ)
    return t[:m.start()] + str(rng.choice([0, -1, 1, 2**31 - 1, -2**31, 2**40, 7])) + t[m.end():]


def _line(rng: random.Random, t: str) -> str:
    lines = t.splitlines()
    body = [i for i, ln in enumerate(lines) if re.match(r"\s+%\w+ = |\s+(tt|ttg|scf|arith)\.", ln)]
    if not body:
        return t
    i = rng.choice(body)
    if rng.random() < 0.5:
        del lines[i]
    else:
        lines.insert(rng.choice(body), lines[i])
    return "\n".join(lines)


MUTATIONS = [_module_attr, _element_type, _scalar_vs_tensor, _shape, _layout_param, _literal, _line]


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        text = rng.choice(MUTATIONS)(rng, text)
    return text


# ---- the child: compile and translate each input, report what happened


def _child(inputs_path: str, progress_path: str) -> None:
    import linear_layouts as ll
    from linear_layouts import LayoutError

    inputs = json.loads(Path(inputs_path).read_text())
    outcomes: dict[str, int] = {}
    odd: list[str] = []
    with open(progress_path, "w") as progress:
        for i, text in enumerate(inputs):
            progress.write(f"{i}\n")
            progress.flush()
            try:
                k = ll.compile(text)
                k.llvm_ir  # MLIR's LLVM IR translation
                if i % 16 == 0 and not k.target.startswith("gfx"):
                    k.asm  # and the NVPTX back end, now and then
                kind = "compiled"
            except LayoutError:  # CompileError: the documented refusal
                kind = "refused"
            except Exception as e:  # any other type is a bug, not a crash
                kind = type(e).__name__
                odd.append(f"input {i}: {type(e).__name__}: {str(e)[:300]}")
            outcomes[kind] = outcomes.get(kind, 0) + 1
    print(json.dumps({"outcomes": outcomes, "odd": odd[:10]}))


def test_mutated_ttgir_never_aborts(tmp_path):
    n = int(os.environ.get("LL_FUZZ_N", "2000"))
    seed = int(os.environ.get("LL_FUZZ_SEED", "18"))
    rng = random.Random(seed)
    base = seeds()
    inputs = [mutate(rng, rng.choice(base)) for _ in range(n)]
    children = 2
    procs = []
    for c in range(children):
        part = inputs[c::children]
        ip, pp = tmp_path / f"in{c}.json", tmp_path / f"progress{c}"
        ip.write_text(json.dumps(part))
        procs.append((c, part, pp, subprocess.Popen([sys.executable, str(HERE), str(ip), str(pp)],
                                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                                    env={**os.environ, "PYTHONFAULTHANDLER": "1"})))
    totals: dict[str, int] = {}
    odd: list[str] = []
    for c, part, pp, p in procs:
        out, err = p.communicate(timeout=1800)
        if p.returncode != 0:
            lines = pp.read_text().split() if pp.exists() else []
            i = int(lines[-1]) if lines else -1
            where = ""
            if i >= 0:
                crash = ROOT / "build" / f"fuzz-crash-{seed}-{c}-{i}.mlir"
                crash.parent.mkdir(exist_ok=True)
                crash.write_text(part[i])
                where = f" on input {i} (saved to {crash})"
            pytest.fail(f"child {c} exited with {p.returncode}{where}\n{err[-3000:]}")
        r = json.loads(out)
        for k, v in r["outcomes"].items():
            totals[k] = totals.get(k, 0) + v
        odd += r["odd"]
    print(f"fuzz seed {seed}: {n} inputs: {totals}")
    assert sum(totals.values()) == n
    assert not odd, "\n".join(odd)
    # The mutations keep a fair share valid (a fuzz that only hits the
    # parser tests little), and refuse many.
    assert totals.get("compiled", 0) >= n // 20 and totals.get("refused", 0) >= n // 10, totals


if __name__ == "__main__":
    _child(*sys.argv[1:])
