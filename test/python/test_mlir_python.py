"""The ll dialect through the upstream mlir Python package: registration,
parsing, our passes via PassManager.parse, generated op classes, layout
attribute <-> LinearLayout, and Triton in the same process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

mlir_ir = pytest.importorskip("mlir.ir")
from mlir import ir, passmanager  # noqa: E402

import linear_layouts as ll  # noqa: E402
import linear_layouts.mlir as llm  # noqa: E402
from linear_layouts.dialects import ll as ll_ops  # noqa: E402

BLOCKED_LL = "#ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>"
BLOCKED_TTG = BLOCKED_LL.replace("#ll.", "#ttg.")
MODULE = f"""
#blocked = {BLOCKED_LL}
#mma = #ll.nvidia_mma<{{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}}>
func.func @f(%a: tensor<64x64xf16, #blocked>) -> tensor<64x64xf16, #mma> {{
  %0 = ll.convert_layout %a : tensor<64x64xf16, #blocked> -> tensor<64x64xf16, #mma>
  return %0 : tensor<64x64xf16, #mma>
}}
"""


def test_parse_and_run_passes():
    with ir.Context() as ctx:
        llm.register_dialect(ctx)
        m = ir.Module.parse(MODULE)
        pm = passmanager.PassManager.parse("builtin.module(ll-legacy-to-linear,func.func(ll-plan-conversions{target=sm_90}))")
        pm.run(m.operation)
        text = str(m)
    assert "#ll.blocked" not in text and "#ll.nvidia_mma" not in text
    assert 'll.plan = "shared"' in text
    # The pass wrote exactly the layouts the core (and Triton) give.
    want = ll.from_triton(BLOCKED_TTG, [64, 64]).bases
    assert f"register = {want['register']}" in text.replace("], [", "], [")


def test_attribute_to_and_from_linear_layout():
    with ir.Context() as ctx:
        llm.register_dialect(ctx)
        attr = ir.Attribute.parse(BLOCKED_LL)
        assert llm.is_layout(attr)
        L = llm.to_linear_layout(attr, [64, 64])
        assert L == ll.from_triton(BLOCKED_TTG, [64, 64])
        back = llm.from_linear_layout(L)
        assert llm.to_linear_layout(back, [64, 64]) == L
        shared = ir.Attribute.parse("#ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>")
        S = llm.to_linear_layout(shared, [64, 64])
        assert S == ll.from_triton("#ttg.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>", [64, 64])
        assert "#ll.shared" in str(llm.from_linear_layout(S))
        with pytest.raises(ll.LayoutError, match="power of two"):
            llm.to_linear_layout(attr, [12, 64])
        with pytest.raises(ll.LayoutError, match="rank"):
            llm.to_linear_layout(attr, [64])


def test_invalid_ir_is_a_diagnostic():
    with ir.Context() as ctx:
        llm.register_dialect(ctx)
        with pytest.raises(ir.MLIRError) as e:
            ir.Module.parse('func.func @f(%a: tensor<12x16xf32, #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>>) { return }')
        assert "power of two" in str(e.value)


def test_generated_op_classes():
    with ir.Context() as ctx, ir.Location.unknown():
        llm.register_dialect(ctx)
        i32 = ir.IntegerType.get_signless(32)
        enc = ir.Attribute.parse("#ll.linear<{register = [[1]], lane = [[2], [4], [8], [16], [32]], warp = [], block = []}>")
        t = ir.RankedTensorType.get([64], i32, enc)
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            op = ll_ops.MakeRangeOp(t, ir.IntegerAttr.get(i32, 0), ir.IntegerAttr.get(i32, 64))
        assert op.operation.verify()
        assert "ll.make_range" in str(module)
        assert isinstance(op, ll_ops.MakeRangeOp)


@pytest.mark.triton
@pytest.mark.parametrize("first", ["triton", "mlir"])
def test_triton_and_the_dialect_in_one_process(first):
    code = textwrap.dedent(
        f"""
        if {first!r} == "triton":
            import triton
            from triton._C.libtriton import ir as tir
        from mlir import ir, passmanager
        import linear_layouts.mlir as llm
        if {first!r} == "mlir":
            import triton
            from triton._C.libtriton import ir as tir
        tctx = tir.context(); tir.load_dialects(tctx)
        with ir.Context() as ctx:
            llm.register_dialect(ctx)
            m = ir.Module.parse({MODULE!r})
            passmanager.PassManager.parse("builtin.module(ll-legacy-to-linear)").run(m.operation)
            assert "#ll.linear" in str(m)
        print("OK", triton.__version__)
        """
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "OK" in r.stdout, r.stderr


def test_llvm_in_memory_equals_the_text_path_and_bad_ir_raises():
    # The hook's path (the LLVM-dialect module translated in memory, then
    # O3) gives the same IR as translating to text and parsing it again;
    # LLVM IR that does not parse is a RuntimeError, not a crash.
    from linear_layouts import _mlir, kernels
    from linear_layouts import Target

    k = kernels.reduce("#ttg.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], "
                       "order = [1, 0]}>", [32, 64], "f32", 1, "add", "sm_90")
    t = Target("sm_90")
    cpu, features = t.processor, t.features
    memory = _mlir.optimize_module(k.lowered.operation, t.triple, cpu, features)
    text = _mlir.optimize_ir(k.llvm_ir, "nvptx64-nvidia-cuda", cpu, features)
    assert "shfl.sync.bfly" in memory and "define ptx_kernel void @reduce" in memory
    assert memory.splitlines()[1:] == text.splitlines()[1:]  # all but the ModuleID line
    for call in (lambda: _mlir.emit_asm("garbage", "nvptx64-nvidia-cuda", cpu, features),
                 lambda: _mlir.optimize_ir("garbage", "nvptx64-nvidia-cuda", cpu, features),
                 lambda: _mlir.link_ir("garbage", [])):
        with pytest.raises(RuntimeError, match="the LLVM IR does not parse"):
            call()
