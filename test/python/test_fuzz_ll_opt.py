"""Bounded fuzzing of ll-opt: mutated lit inputs must never crash it.

Every lit input (split at `// -----`) is mutated — tokens deleted or
duplicated, integers replaced by random ones (in bases, shapes, parameters),
truncations, swapped tokens — into at least FUZZ_INPUTS inputs (default
2000, seeded; LL_FUZZ_SEED changes the seed). They run in batches through
`ll-opt -split-input-file` with our passes; every run must end with exit
status 0 or 1 and, for 1, a diagnostic — never a signal, an assertion or an
LLVM fatal error. A crashing batch is bisected to the input that crashes.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LL_OPT = ROOT / "build" / "bin" / "ll-opt"
FUZZ_INPUTS = int(os.environ.get("LL_FUZZ_INPUTS", "2000"))
SEED = int(os.environ.get("LL_FUZZ_SEED", "20261127"))
PIPELINE = ["--ll-legacy-to-linear", "--ll-remove-conversions", "--ll-plan-conversions", "--canonicalize"]
CRASH_MARKERS = ("Assertion", "LLVM ERROR", "Stack dump", "PLEASE submit a bug report", "Segmentation fault")
TOKEN = re.compile(r"-?\d+|#?[A-Za-z_][\w.$-]*|%[\w.$-]+|\S")

pytestmark = pytest.mark.skipif(not LL_OPT.exists(), reason="ll-opt is not built")


def seeds(valid_only: bool = False) -> list[str]:
    """The lit inputs, split, without comments (invalid.mlir's chunks are
    invalid by design; `valid_only` leaves them out)."""
    chunks = []
    for f in sorted((ROOT / "test").rglob("*.mlir")):
        if valid_only and f.name == "invalid.mlir":
            continue
        text = f.read_text()
        for chunk in text.split("// -----"):
            body = "\n".join(l for l in chunk.splitlines() if not l.lstrip().startswith("//"))
            if body.strip():
                chunks.append(body)
    return chunks


def mutate(rng: random.Random, text: str) -> str:
    toks = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    if not toks:
        return text
    # Integer replacement half the time: it keeps the syntax and reaches the
    # verifiers and the passes; the rest mostly tests the parsers.
    kind = 2 if rng.random() < 0.5 else rng.randrange(6)
    s, e = toks[rng.randrange(len(toks))]
    if kind == 0:  # delete a token
        return text[:s] + text[e:]
    if kind == 1:  # duplicate a token
        return text[:e] + " " + text[s:e] + text[e:]
    if kind == 2:  # replace an integer (bases, shapes, parameters)
        ints = [(a, b) for a, b in toks if re.fullmatch(r"-?\d+", text[a:b])]
        if ints:
            a, b = ints[rng.randrange(len(ints))]
            val = rng.choice([0, 1, 2, 3, 5, 7, 64, 255, 256, 1023, -1, -8, 2**31 - 1, 2**31, 2**40, rng.randrange(1 << 16)])
            return text[:a] + str(val) + text[b:]
        return text[:s] + text[e:]
    if kind == 3:  # truncate
        return text[: rng.randrange(len(text))]
    if kind == 4:  # swap two tokens
        s2, e2 = toks[rng.randrange(len(toks))]
        if s2 < s:
            s, e, s2, e2 = s2, e2, s, e
        if e <= s2:
            return text[:s] + text[s2:e2] + text[e:s2] + text[s:e] + text[e2:]
        return text
    # insert punctuation
    return text[:s] + rng.choice(["[", "]", "<", ">", "{", "}", ",", "=", "#", "x", "!"]) + text[s:]


def run(inputs: list[str]) -> subprocess.CompletedProcess:
    src = "\n// -----\n".join(inputs)
    return subprocess.run(
        [str(LL_OPT), "-split-input-file", *PIPELINE, "-o", os.devnull],
        input=src,
        capture_output=True,
        text=True,
        timeout=300,
    )


def crashed(r: subprocess.CompletedProcess) -> bool:
    return r.returncode not in (0, 1) or any(m in r.stderr for m in CRASH_MARKERS)


def test_ll_opt_never_crashes_on_mutated_inputs():
    rng = random.Random(SEED)
    base, valid = seeds(), seeds(valid_only=True)
    assert len(base) >= 30, "expected the lit suite as fuzz seeds"
    inputs = []
    while len(inputs) < FUZZ_INPUTS:
        # Mostly valid seeds, so that mutants reach verifiers and passes.
        text = rng.choice(valid if rng.random() < 0.75 else base)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            text = mutate(rng, text)
        inputs.append(text)
    failures = 0
    for i in range(0, len(inputs), 100):
        batch = inputs[i : i + 100]
        r = run(batch)
        if crashed(r):
            # Find the input that crashes.
            for one in batch:
                r1 = run([one])
                if crashed(r1):
                    pytest.fail(f"ll-opt crashed (exit {r1.returncode}) on:\n{one}\n--- stderr ---\n{r1.stderr[-3000:]}")
            pytest.fail(f"ll-opt crashed on a batch (exit {r.returncode}):\n{r.stderr[-3000:]}")
        if r.returncode == 1:
            assert "error:" in r.stderr, r.stderr[-2000:]
            failures += 1
    # The mutations must actually produce invalid IR most of the time.
    assert failures > 0
