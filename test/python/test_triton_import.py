"""Triton kernels through our pipeline: the installed Triton compiles each
kernel of ``test/triton/kernels.py`` to TTGIR (for cuda:80, cuda:90 and
hip:gfx942; no GPU needed), ``linear_layouts.compile`` reads that text as
Triton prints it (``convert-triton-to-ll``) and lowers it, the emulator runs
the result, and the outputs equal the numpy reference written beside the
kernel. NVIDIA PTX is assembled with ``ptxas``.
"""

from __future__ import annotations

import inspect
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
from linear_layouts.compiler import CompileError, ptxas  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "triton"))
from kernels import KERNELS  # noqa: E402

TARGETS = {"sm_80": GPUTarget("cuda", 80, 32), "sm_90": GPUTarget("cuda", 90, 32),
           "gfx942": GPUTarget("hip", "gfx942", 64)}


def ttgir(name, target, metadata: bool = False):
    fn, sig, consts, warps, _, _ = KERNELS[name]
    src = triton.compiler.ASTSource(fn, {**sig, **{k: "constexpr" for k in consts}}, consts)
    # AMD: Triton's default, buffer loads and stores (amdg.buffer_load /
    # buffer_store) where it proves the offsets fit.
    k = triton.compile(src, target=TARGETS[target], options={"num_warps": warps})
    return (k.asm["ttgir"], k.metadata) if metadata else k.asm["ttgir"]


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_triton_kernel_runs_through_our_pipeline(name, target):
    text, md = ttgir(name, target, metadata=True)
    # Tensor maps built on the device live in Triton's global scratch: the
    # kernel takes its scratch pointers then.
    scratch = "global_scratch_alloc" in text
    k = ll.compile(text, scratch_args=scratch)
    assert k.target == target and k.name == name
    _, _, _, warps, grid, make = KERNELS[name]
    assert k.num_warps == warps
    args, check = make(np.random.default_rng(0))
    # Host descriptors as Triton's launcher passes them (sm_90: tensor maps).
    args, _ = llt._expand_descriptors(args, [""] * len(args), getattr(md, "tensordesc_meta", None))
    if scratch:
        programs = int(np.prod(grid))
        assert k.global_scratch_bytes > 0
        args += [np.zeros(k.global_scratch_bytes * programs, np.uint8), np.zeros(1, np.uint8)]
    ll.emulate(k, grid, args)
    check()
    if target.startswith("sm"):
        assert ptxas(k)[:4] == b"\x7fELF"


def test_unsupported_ops_are_named():
    text = ttgir("vector_add", "sm_90").replace("tt.get_program_id x", "tt.get_program_ix x")
    with pytest.raises(CompileError, match="tt.get_program_ix"):
        ll.compile(text)


def test_unsupported_op_names_the_python_line():
    # An op the importer does not read (a tensor descriptor's atomic_add on
    # sm_90: a TMA reduction): the error names it and the kernel's source
    # line, from Triton's locations.
    from tutorials import UNSUPPORTED

    fn, sig, consts, _, attrs = UNSUPPORTED["tile_accumulate_desc"]
    src = triton.compiler.ASTSource(fn, {**sig, **{k: "constexpr" for k in consts}}, consts, attrs=attrs)
    text = triton.compile(src, target=TARGETS["sm_90"], options={"num_warps": 4}).asm["ttgir"]
    lines, first = inspect.getsourcelines(fn.fn)
    line = first + next(i for i, t in enumerate(lines) if "atomic_add" in t)
    with pytest.raises(CompileError, match=rf"unsupported op ttng.async_tma_reduce at tutorials.py:{line}:"):
        ll.compile(text)
