//===- Passes.td - Conversions out of the ll dialect -------*- tablegen -*-===//

#ifndef LINEAR_LAYOUTS_CONVERSION_PASSES_TD
#define LINEAR_LAYOUTS_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTritonToLL : Pass<"convert-triton-to-ll", "::mlir::ModuleOp"> {
  let summary = "Turn Triton's TTGIR (read by the tt / ttg mirrors) into ll";
  let description = [{
    The input is Triton's TTGIR exactly as Triton prints it (custom
    assembly, `loc(...)` and `#loc` aliases), read by the parse-only `tt` and
    `ttg` dialects, whose types and layouts already are the ll dialect's.
    Each op becomes its ll, func or upstream counterpart: `tt.func public`
    a kernel (`func.func` with `ll.kernel`), `tt.load` / `tt.store` /
    `tt.reduce` / ... the ll op of the same name, `ttg.convert_layout`
    `ll.convert_layout`; the module's `ttg.target` ("cuda:90",
    "hip:gfx942") becomes `ll.target` ("sm_90", "gfx942"). Any other op is
    an error that names it at its location (Triton's locations carry the
    kernel's Python file and line).

    ```mlir
    tt.func public @k(%x: !tt.ptr<f32>) { ... tt.return }
    // becomes
    func.func @k(%x: !ll.ptr<f32>) attributes {ll.kernel} { ... return }
    ```
  }];
  let options = [
    Option<"scratchArgs", "scratch-args", "bool", /*default=*/"false",
           "Append the two global pointers Triton's launcher passes after a "
           "kernel's arguments (global scratch, profile scratch; unused)">,
  ];
  let dependentDialects = ["::mlir::ll::LLDialect", "::mlir::func::FuncDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::gpu::GPUDialect"];
}

def LLAllocateShared : Pass<"ll-allocate-shared", "::mlir::ModuleOp"> {
  let summary = "Give every shared-memory buffer and scratch an offset";
  let description = [{
    Plans the module's conversions for the target (as `convert-ll-to-llvm`
    does), then gives each `ll.local_alloc` buffer (live from the alloc to
    its last use; a use inside a loop or an `if` keeps it alive to that op's
    end) and the scratch of each op that goes through shared memory
    (conversions planned through it, reductions and scans over warps,
    gathers across warps; live during the op) a byte offset, `ll.offset`:
    largest first at the lowest 128-byte aligned offset that no buffer with
    an overlapping lifetime occupies. The module records the bytes it needs
    in `ll.shared`; accesses that nothing before them (outside loops) put
    shared memory to use get `ll.first_shared_use` (no leading barrier).
    `convert-ll-to-llvm` runs this itself; alone it shows the allocation.

    ```mlir
    %a = ll.local_alloc %x {ll.offset = 0 : i64} : ...   // live: %a's uses
    %b = ll.local_alloc %y {ll.offset = 0 : i64} : ...   // after %a's last use
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "sm_80, sm_90, gfx942, ... (default: the module's ll.target, "
           "else sm_90)">,
  ];
}

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
    plan's swizzled addresses and vector widths. `ll.reduce` combines
    within threads, over lanes (butterflies, or one `redux.sync` for whole-
    warp integer reductions on sm_80+) and over warps through shared
    memory; there it reads its partials back in the layout of the
    `ll.convert_layout` ops that are its results' only uses, which then
    need no plan of their own (`ll-plan-conversions` still annotates them
    as if alone). `arith` / `math` ops on tensors are applied per register;
    `scf`, `cf`, `func`, `arith` and `math` then go through MLIR's own
    conversions to LLVM.

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
