"""Integer parameters of every layout family, mutated to hostile values (huge,
zero, negative, non-power-of-two, past 32 and 64 bits), and the tensor shape
too: ``from_triton`` must give either a ``LayoutError`` or exactly Triton's
answer — never a crash, never another exception, never a layout Triton would
not build.

Both sides run in child processes (a crash of either is observed, not
suffered): ours must never die; a case where Triton dies or raises counts as
"Triton rejects", and then we must raise too. Seeded, so failures reproduce;
``FUZZ_PARAMS_CASES`` / ``FUZZ_PARAMS_SEED`` scale it up by hand.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

import triton_oracle as O
from test_oracle_triton import rand_blocked, rand_linear, rand_mfma, rand_mma, rand_shape, rand_wmma

CASES = int(os.environ.get("FUZZ_PARAMS_CASES", "1500"))
SEED = int(os.environ.get("FUZZ_PARAMS_SEED", "90"))
HERE = os.path.dirname(os.path.abspath(__file__))

# Values an adversary would write: zero, negatives, non-powers of two, the
# int32 / uint32 / int64 edges and beyond.
HOSTILE = [0, -1, -2, -(2**31), 3, 5, 6, 12, 48, 2**30, 2**31 - 1, 2**31, 2**32, 2**32 + 1, 2**40, 2**63, 2**64 + 2]

PLAUSIBLE = [1, 2, 4, 8, 16, 32, 64, 128]

# --- cases: {"f": family, "p": params, "parent": case?} --------------------------


def _rand_case(rng):
    """A valid case of a random family (parameters as the oracle builders take them)."""
    f = rng.choice(["blocked", "nvidia_mma", "dot_mma", "dot_blocked", "dot_mfma", "dot_wmma", "amd_mfma",
                    "amd_wmma", "slice", "linear", "swizzled_shared", "nvmma_shared"])
    rank = rng.choice([2, 2, 3])
    if f == "blocked":
        return {"f": f, "p": rand_blocked(rng, rank)}, rand_shape(rng, rank)
    if f == "nvidia_mma":
        p = rand_mma(rng, rank=rank, version=2 if rank == 3 else None)
        return {"f": f, "p": p}, rand_shape(rng, len(p["wpc"]))
    if f == "dot_mma":
        p = rand_mma(rng, rank=rank, version=2)
        return {"f": "dot_op", "p": {"op_idx": rng.choice([0, 1]), "k_width": rng.choice([1, 2, 4, 8])},
                "parent": {"f": "nvidia_mma", "p": p}}, rand_shape(rng, rank)
    if f == "dot_blocked":
        return {"f": "dot_op", "p": {"op_idx": rng.choice([0, 1]), "k_width": 0},
                "parent": {"f": "blocked", "p": rand_blocked(rng, rank)}}, rand_shape(rng, rank)
    if f in ("amd_mfma", "dot_mfma"):
        p = rand_mfma(rng)
        case = {"f": "amd_mfma", "p": p}
        if f == "dot_mfma":
            case = {"f": "dot_op", "p": {"op_idx": rng.choice([0, 1]), "k_width": rng.choice([4, 8, 16])}, "parent": case}
        return case, rand_shape(rng, len(p["wpc"]), lo=16)
    if f in ("amd_wmma", "dot_wmma"):
        p = rand_wmma(rng)
        case = {"f": "amd_wmma", "p": p}
        if f == "dot_wmma":
            case = {"f": "dot_op", "p": {"op_idx": rng.choice([0, 1]), "k_width": 8}, "parent": case}
        return case, rand_shape(rng, len(p["wpc"]), lo=16)
    if f == "slice":
        parent, shape = _rand_case(rng)
        while parent["f"] in ("swizzled_shared", "nvmma_shared", "slice") or len(shape) < 2:
            parent, shape = _rand_case(rng)
        dim = rng.randrange(len(shape))
        return {"f": "slice", "p": {"dim": dim}, "parent": parent}, shape[:dim] + shape[dim + 1:]
    if f == "linear":
        parts, sizes = rand_linear(rng, rank)
        return {"f": "linear", "p": {**parts, "shape": sizes}}, list(sizes)
    if f == "swizzled_shared":
        order = list(range(rank))[::-1]
        p = {"vec": rng.choice([1, 2, 4, 8]), "per_phase": rng.choice([1, 2, 4]), "max_phase": rng.choice([1, 2, 4, 8]),
             "order": order}
        return {"f": f, "p": p}, rand_shape(rng, rank, lo=8)
    p = {"swizzle": rng.choice([0, 32, 64, 128]), "ebw": rng.choice([8, 16, 32]), "transposed": rng.random() < 0.3,
         "rank": 2}
    return {"f": "nvmma_shared", "p": p}, rand_shape(rng, 2, lo=64)


def _int_slots(obj, path=()):
    """Paths of every integer leaf (bools are flags, not integers)."""
    if isinstance(obj, bool):
        return []
    if isinstance(obj, int):
        return [path]
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else []
    # `rank` (nvmma_shared) and a linear layout's `shape` are implied by the
    # tensor shape in the text, so only the oracle builder sees them.
    return [p for k, v in items if k not in ("f", "rank", "shape") or path == () for p in _int_slots(v, path + (k,))]


def _set(obj, path, value):
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value


def make_cases(n, seed):
    rng = random.Random(seed)
    cases = []
    for _ in range(n):
        case, shape = _rand_case(rng)
        item = {"case": case, "shape": shape}
        slots = _int_slots(item)
        for _ in range(rng.choice([1, 1, 1, 2])):
            slot = rng.choice(slots)
            # Half the mutations stay small (wrong but plausible values).
            _set(item, slot, rng.choice(HOSTILE) if rng.random() < 0.5 else rng.choice(PLAUSIBLE))
        cases.append(item)
    return cases


# --- our side: TTGIR text -----------------------------------------------------


def _lst(xs):
    return "[" + ", ".join(str(x) for x in xs) + "]"


def _bases(bs):
    return "[" + ", ".join(_lst(b) for b in bs) + "]"


def _cga(p):
    return f", CGALayout = {_bases(p['cga'])}" if p.get("cga") else ""


def ttgir(case) -> str:
    """The attribute as Triton prints it (our formatter: mutated parameters
    cannot go through Triton's builder first)."""
    f, p = case["f"], case["p"]
    if f == "blocked":
        return (f"#ttg.blocked<{{sizePerThread = {_lst(p['spt'])}, threadsPerWarp = {_lst(p['tpw'])}, "
                f"warpsPerCTA = {_lst(p['wpc'])}, order = {_lst(p['order'])}{_cga(p)}}}>")
    if f == "nvidia_mma":
        return (f"#ttg.nvidia_mma<{{versionMajor = {p['major']}, versionMinor = {p['minor']}, "
                f"warpsPerCTA = {_lst(p['wpc'])}{_cga(p)}, instrShape = {_lst(p['instr'])}}}>")
    if f == "dot_op":
        return (f"#ttg.dot_op<{{opIdx = {p['op_idx']}, parent = {ttgir(case['parent'])}, "
                f"kWidth = {p['k_width']}}}>")
    if f == "slice":
        return f"#ttg.slice<{{dim = {p['dim']}, parent = {ttgir(case['parent'])}}}>"
    if f == "amd_mfma":
        return (f"#ttg.amd_mfma<{{version = {p['version']}, warpsPerCTA = {_lst(p['wpc'])}, "
                f"instrShape = {_lst(p['instr'])}, isTransposed = {str(p['transposed']).lower()}{_cga(p)}, "
                f"tilesPerWarp = {_lst(p['tiles'])}, elementBitWidth = {p['ebw']}}}>")
    if f == "amd_wmma":
        return (f"#ttg.amd_wmma<{{version = {p['version']}, isTranspose = {str(p['transposed']).lower()}, "
                f"warpsPerCTA = {_lst(p['wpc'])}{_cga(p)}, tilesPerWarp = {_lst(p['tiles'])}, "
                f"instrShape = {_lst(p['instr'])}}}>")
    if f == "linear":
        return ("#ttg.linear<{" + ", ".join(f"{d} = {_bases(p[d])}" for d in ("register", "lane", "warp", "block"))
                + "}>")
    if f == "swizzled_shared":
        return (f"#ttg.swizzled_shared<{{vec = {p['vec']}, perPhase = {p['per_phase']}, "
                f"maxPhase = {p['max_phase']}, order = {_lst(p['order'])}}}>")
    if f == "nvmma_shared":
        return (f"#ttg.nvmma_shared<{{swizzlingByteWidth = {p['swizzle']}, transposed = "
                f"{str(p['transposed']).lower()}, elementBitWidth = {p['ebw']}}}>")
    raise AssertionError(f)


# --- child processes ---------------------------------------------------------

_OURS = r"""
import linear_layouts as ll
from test_fuzz_params import ttgir

def answer(item):
    try:
        L = ll.from_triton(ttgir(item["case"]), item["shape"])
        return ["ok", L.bases, L.out_dims]
    except ll.LayoutError as e:
        return ["err", "LayoutError", str(e)]
    except Exception as e:  # noqa: BLE001 - the test reports it
        return ["err", type(e).__name__, str(e)]
"""

_TRITON = r"""
import triton_oracle as O

def build(case):
    f, p = case["f"], dict(case["p"])
    if f == "dot_op":
        return O.dot_op(p["op_idx"], build(case["parent"]), p["k_width"])
    if f == "slice":
        return O.slice_(p["dim"], build(case["parent"]))
    if f == "linear":
        # The out sizes the text implies: above every (mutated) component.
        bases = p["register"] + p["lane"] + p["warp"] + p["block"]
        sizes = [1 << max([0] + [max(c, 0).bit_length() for c in comps]) for comps in zip(*bases)] or p["shape"]
        return O.linear(p["register"], p["lane"], p["warp"], p["block"], sizes)
    return {"blocked": O.blocked, "nvidia_mma": O.nvidia_mma, "amd_mfma": O.amd_mfma, "amd_wmma": O.amd_wmma,
            "swizzled_shared": O.swizzled_shared, "nvmma_shared": O.nvmma_shared}[f](**p)

def answer(item):
    try:
        attr = build(item["case"])
        if item["case"]["f"] in ("swizzled_shared", "nvmma_shared"):
            got = O.shared_ll(attr, item["shape"])
        else:
            got = O.distributed_ll(attr, item["shape"])
        return ["ok", got[0], got[1]]
    except Exception as e:  # noqa: BLE001 - Triton rejecting is an answer
        return ["err", type(e).__name__, str(e)]
"""

# Each child: 4 GiB of address space and 20 s per case (running out of
# either is a crash, i.e. unbounded work), one JSON answer per input line.
_CHILD = r"""
import json, resource, signal, sys
sys.path.insert(0, HERE)
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
signal.signal(signal.SIGALRM, signal.SIG_DFL)
{script}
for line in sys.stdin:
    signal.alarm(20)
    print(json.dumps(answer(json.loads(line))), flush=True)
"""


def run_children(script: str, items: list, timeout: float = 600) -> list:
    """Feed `items` (one JSON line each) to `script` in a child process; a
    child that dies is restarted after the case it died on, which is
    reported as ``["crash", returncode, stderr tail]``."""
    results: list = []
    code = f"HERE = {HERE!r}\n" + _CHILD.replace("{script}", script)
    while len(results) < len(items):
        todo = items[len(results):]
        p = subprocess.run([sys.executable, "-c", code], input="".join(json.dumps(i) + "\n" for i in todo),
                           capture_output=True, text=True, timeout=timeout)
        got = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        results += got
        if len(results) < len(items):
            assert p.returncode != 0, f"child stopped early without dying: {p.stderr[-2000:]}"
            results.append(["crash", p.returncode, p.stderr[-300:]])
    return results


def _uses(case: dict, family: str) -> bool:
    return case["f"] == family or ("parent" in case and _uses(case["parent"], family))


@pytest.mark.triton
def test_hostile_integer_parameters():
    items = make_cases(CASES, SEED)
    ours = run_children(_OURS, items)
    crashes = [(ttgir(i["case"]), i["shape"], r) for i, r in zip(items, ours) if r[0] == "crash"]
    assert not crashes, f"{len(crashes)} cases crash the process, e.g. {crashes[:3]}"
    others = [(ttgir(i["case"]), i["shape"], r[1:]) for i, r in zip(items, ours) if r[0] == "err" and r[1] != "LayoutError"]
    assert not others, f"{len(others)} cases raise something other than LayoutError, e.g. {others[:3]}"
    accepted = [k for k, r in enumerate(ours) if r[0] == "ok"]
    theirs = run_children(_TRITON, [items[k] for k in accepted])
    wrong = []
    for k, t in zip(accepted, theirs):
        if O.AFTER_3_6:  # the differences triton_oracle.py lists
            case = items[k]["case"]
            if t[0] != "ok" or _uses(case, "amd_wmma"):
                continue  # 3.7+ rejects more (e.g. a 16-byte nvmma swizzle, some #ttg.linear)
            if case["f"] == "nvmma_shared" and case["p"].get("transposed") and not case["p"].get("swizzle"):
                continue  # column-major in 3.7+
            if "register" in t[1]:  # registers repeated differently
                t = ["ok", O.drop_zero_registers(t[1]), t[2]]
                ours[k] = ["ok", O.drop_zero_registers(ours[k][1]), ours[k][2]]
        if t[0] != "ok" or t[1:] != ours[k][1:]:
            wrong.append((ttgir(items[k]["case"]), items[k]["shape"], "ours", ours[k][1:], "triton", t))
    assert not wrong, f"{len(wrong)} of {len(accepted)} accepted cases differ from Triton, e.g. " + "\n".join(
        map(str, wrong[:4]))
    # The mutations must leave work for both outcomes.
    assert len(accepted) >= CASES // 10 and CASES - len(accepted) >= CASES // 2, len(accepted)
