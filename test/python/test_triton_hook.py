"""The ``llir``-stage hook (``linear_layouts.triton``): Triton kernels
compiled by the installed Triton with our pipeline in place of its
``make_llir``, Triton's own PTX / cubin stages after it (``ptxas`` through
Triton); fallbacks with their reasons; the cache kept apart; and
``emulate`` running a ``@triton.jit`` kernel on the CPU through our code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

import pytest

import triton_oracle  # noqa: E402

pytestmark = pytest.mark.triton
triton = triton_oracle.need_triton()
from triton.backends.compiler import GPUTarget  # noqa: E402

import linear_layouts.triton as llt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "triton"))
from kernels import KERNELS, softmax, vector_add  # noqa: E402
from tutorials import UNSUPPORTED  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import run_child  # noqa: E402


def _compile(fn, sig, consts, target, warps=4, attrs=None):
    src = triton.compiler.ASTSource(fn, {**sig, **{k: "constexpr" for k in consts}}, consts, attrs=attrs)
    return triton.compile(src, target=target, options={"num_warps": warps})


@pytest.fixture
def hook(tmp_path):
    llt.install(cache_dir=str(tmp_path / "ours"))
    before = len(llt.report())
    yield lambda: llt.report()[before:]
    llt.uninstall()


@pytest.mark.parametrize("arch", [80, 90, "gfx942"])
def test_kernels_take_our_path(arch, tmp_path):
    """Every corpus kernel through the hook, Triton's back end after it, in a
    child process: an abort anywhere fails this test, not pytest."""
    out = run_child(__file__, "corpus", str(arch), str(tmp_path / "ours"))
    assert out.split() == sorted(KERNELS), out


def _corpus(arch: str, cache: str) -> None:
    arch = arch if arch == "gfx942" else int(arch)
    target = GPUTarget("hip", arch, 64) if arch == "gfx942" else GPUTarget("cuda", arch, 32)
    llt.install(cache_dir=cache)
    for name in sorted(KERNELS):
        fn, sig, consts, warps, _, _ = KERNELS[name]
        k = _compile(fn, sig, consts, target, warps)
        # Triton's own back end took our LLVM IR: ptxas / the AMDGPU linker.
        assert k.asm["hsaco" if arch == "gfx942" else "cubin"][:4] == b"\x7fELF"
        rec = llt.report()[-1]
        want = arch if arch == "gfx942" else f"sm_{arch}"
        assert (rec.kernel, rec.target, rec.path) == (name, want, "ours"), rec
        assert k.metadata.shared == rec.shared and k.metadata.name == name
        assert rec.ours_ms is not None and rec.ours_ms > 0
        print(name)
    text = str(llt.report())
    assert "transpose" in text and "@kernels.py" in text


def test_fallbacks_say_why(hook):
    fn, sig, consts, _, attrs = UNSUPPORTED["tile_accumulate_desc"]
    k = _compile(fn, sig, consts, GPUTarget("cuda", 90, 32), attrs=attrs)
    assert k.asm["cubin"][:4] == b"\x7fELF"  # Triton's own make_llir ran
    rec = hook()[-1]
    assert rec.path == "fallback" and rec.triton_ms is not None
    assert re.search(r"unsupported op ttng\.async_tma_reduce at tutorials\.py:\d+:\d+", rec.reason), rec.reason


def test_uninstall_gives_triton_its_stage_and_cache_back(tmp_path):
    from triton import knobs

    cache, hook = knobs.cache.dir, knobs.runtime.add_stages_inspection_hook
    llt.install(cache_dir=str(tmp_path / "ours"))
    assert knobs.cache.dir == str(tmp_path / "ours") and llt.installed()
    llt.uninstall()
    assert knobs.cache.dir == cache and knobs.runtime.add_stages_inspection_hook is hook and not llt.installed()
    n = len(llt.report())
    fn, sig, consts, warps, _, _ = KERNELS["vector_add"]
    _compile(fn, sig, consts, GPUTarget("cuda", 90, 32), warps)
    assert len(llt.report()) == n  # Triton's own pipeline: no record


def test_emulate_runs_triton_kernels_on_the_cpu():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(1000).astype(np.float32), rng.standard_normal(1000).astype(np.float32)
    z = np.zeros_like(x)
    k = llt.emulate(vector_add, 4, x, y, z, 1000, BLOCK=256)
    np.testing.assert_array_equal(z, x + y)
    assert k.name == "vector_add"
    a = rng.standard_normal((3, 1000)).astype(np.float32)
    b = np.zeros_like(a)
    llt.emulate(softmax, 3, a, b, N=1000, BLOCK=1024, target="gfx942")
    e = np.exp(a - a.max(axis=1, keepdims=True))
    np.testing.assert_allclose(b, e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-7)
    with pytest.raises(TypeError, match="takes 4 non-constexpr arguments"):
        llt.emulate(vector_add, 4, x, y, z, BLOCK=256)


if __name__ == "__main__":
    what, *rest = sys.argv[1:]
    {"corpus": _corpus}[what](*rest)
