//===- Passes.td - Conversions out of the ll dialect -------*- tablegen -*-===//

#ifndef LINEAR_LAYOUTS_CONVERSION_PASSES_TD
#define LINEAR_LAYOUTS_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLLToLLVM : Pass<"convert-ll-to-llvm", "::mlir::ModuleOp"> {
  let summary = "Lower ll kernels to the LLVM dialect with NVVM or ROCDL ops";
  let description = [{
    Every tensor with a distributed layout becomes the registers of one
    thread (an LLVM struct with one member per register); element
    coordinates come from applying the linear layout to the hardware ids
    (XOR, AND and shifts of constants, runs of bases folded into one
    shift); `ll.convert_layout` becomes exactly what the planner's plan for
    the target says: register moves, thread-local selects, warp shuffles
    (`nvvm.shfl.sync` / `rocdl.ds_bpermute`, sub-word values packed into
    32-bit words) or stores, barriers and loads of shared memory at the
    plan's swizzled addresses and vector widths. `arith` / `math` ops on
    tensors are applied per register; `scf`, `cf`, `func`, `arith` and
    `math` then go through MLIR's own conversions to LLVM.

    Functions with the `ll.kernel` attribute become kernels
    (`nvvm.kernel` + `nvvm.reqntid`, or `rocdl.kernel` +
    `rocdl.flat_work_group_size`); their thread count is the layouts' warps
    times the target's warp size. Shared memory is one external
    `@global_smem` array; the module records the bytes it needs in
    `ll.shared`.

    The target comes from the module's `ll.target` attribute (e.g.
    `"sm_90"`, `"gfx942"`) unless the `target` option names one.

    ```mlir
    func.func @k(%p: !ll.ptr<f32>) attributes {ll.kernel} { ... }
    // becomes
    llvm.func @k(%p: !llvm.ptr<1>) attributes {nvvm.kernel,
                                               nvvm.reqntid = array<i32: 128>}
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "sm_80, sm_90, gfx942, ... (default: the module's ll.target, "
           "else sm_90)">,
    Option<"trafficFirst", "traffic-first", "bool", /*default=*/"false",
           "Plan conversions by the least shared-memory traffic first (the "
           "paper's objective) instead of the fewest cycles">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::ROCDL::ROCDLDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // LINEAR_LAYOUTS_CONVERSION_PASSES_TD
