//===- Passes.td - Transformations of the ll dialect -------*- tablegen -*-===//

#ifndef LINEAR_LAYOUTS_DIALECT_LL_TRANSFORMS_PASSES_TD
#define LINEAR_LAYOUTS_DIALECT_LL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LLLegacyToLinear : Pass<"ll-legacy-to-linear", "::mlir::ModuleOp"> {
  let summary = "Replace every legacy layout by the equal #ll.linear / #ll.shared";
  let description = [{
    Rewrites every tensor and memory-descriptor type in the module (operands,
    results, block arguments, function signatures, attributes holding types)
    whose encoding is a legacy family (`#ll.blocked`, `#ll.slice`,
    `#ll.nvidia_mma`, `#ll.dot_op`, `#ll.amd_mfma`, `#ll.amd_wmma`,
    `#ll.swizzled_shared`, `#ll.nvmma_shared`) to the linear layout it
    denotes for that type's shape: the paper's replacement of legacy layouts
    by linear ones. `#ll.padded_shared` stays: its padding is not linear.

    ```mlir
    // before
    %0 = ll.make_range {end = 64 : i32, start = 0 : i32}
           : tensor<64xi32, #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>>
    // after
    %0 = ll.make_range {end = 64 : i32, start = 0 : i32}
           : tensor<64xi32, #ll.linear<{register = [[1]], lane = [[2], [4], [8], [16], [32]], warp = [], block = []}>>
    ```
  }];
  let dependentDialects = ["::mlir::ll::LLDialect"];
}

def LLRemoveConversions : Pass<"ll-remove-conversions"> {
  let summary = "Propagate layouts through shape and elementwise ops and delete conversions";
  let description = [{
    Removes `ll.convert_layout` ops, deciding by linear-layout equality and a
    cost: the estimated cycles of each conversion's plan on the target (the
    cost model of `ll-plan-conversions`; a register renaming is nearly free,
    shuffles cost more, shared memory the most).

    * conversions between equal layouts disappear, chains collapse;
    * `splat`, `make_range` and constants are rematerialized in the layout
      their users want;
    * an elementwise op whose operands are converted from one layout is
      computed in that layout and converted once, when the conversions it
      removes cost more cycles than those it adds (canonicalization never
      moves ops across layouts: that is this pass's cost decision);
    * a conversion is pushed backwards through a chain of elementwise ops
      when every leaf of the chain can take the new layout for free, or
      when the conversions it adds at the leaves are cheaper than the one it
      removes.

    ```mlir
    %a = ll.convert_layout %x : tensor<64xf32, #A> -> tensor<64xf32, #B>
    %b = ll.convert_layout %y : tensor<64xf32, #A> -> tensor<64xf32, #B>
    %c = arith.addf %a, %b : tensor<64xf32, #B>
    // becomes
    %s = arith.addf %x, %y : tensor<64xf32, #A>
    %c = ll.convert_layout %s : tensor<64xf32, #A> -> tensor<64xf32, #B>
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "GPU target whose cost model prices the conversions (default: "
           "the module's ll.target)">,
  ];
}

def LLPlanConversions : Pass<"ll-plan-conversions"> {
  let summary = "Annotate each conversion and gather with how it will be carried out";
  let description = [{
    Plans every `ll.convert_layout` for the target (the module's
    `ll.target` unless the `target` option names one) with the options the
    lowering plans with (the core's `loweringPlanOptions`, so the recorded
    plan is the one `convert-ll-to-llvm` emits), and records the plan on the
    op: `ll.plan` is `"in-reduce"` (the `ll.reduce` producing the operand
    reads its partials back in this layout: no plan of its own), `"noop"`
    (equal layouts), `"registers"` (each thread permutes its registers),
    `"select"` (each thread picks among its own registers, with `ll.selects`),
    `"shuffle"` (data moves between lanes of a warp only, with
    `ll.shuffles`: shuffle instructions per thread) or `"shared"`
    (between warps, through shared memory); every plan but a no-op records
    `ll.cycles` (the cost model's estimate per warp); shared-memory plans add
    `ll.scratch_bytes`, `ll.vector_width` (elements per access), `ll.rounds`
    (store / barrier / load rounds through the buffer), and `ll.store_wavefronts` /
    `ll.load_wavefronts` (per warp-wide access), and `ll.store_access` /
    `ll.load_access` (`"matrix"`, `"matrix_transposed"`: `stmatrix` /
    `ldmatrix` on NVIDIA) where the accesses are not plain. Each `ll.gather` gets
    `ll.plan = "shuffle"` (with `ll.shuffles`) when every element a thread
    needs lives in its warp, else `"shared"` (with `ll.scratch_bytes`).

    ```mlir
    %1 = ll.convert_layout %0 {ll.load_wavefronts = 4 : i64, ll.plan = "shared",
           ll.rounds = 2 : i64, ll.scratch_bytes = 4096 : i64,
           ll.store_wavefronts = 4 : i64, ll.vector_width = 8 : i64} : ...
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "GPU target: sm_80, sm_90, gfx942, gfx950, ... (default: the "
           "module's ll.target)">,
    Option<"matrixInstructions", "matrix-instructions", "bool",
           /*default=*/"true",
           "Use ldmatrix / stmatrix where the target has them">,
    Option<"maxScratchBytes", "max-scratch-bytes", "int64_t",
           /*default=*/"-1",
           "Scratch budget per conversion: the fewest cycles within it "
           "(-1: the least scratch)">,
    Option<"trafficFirst", "traffic-first", "bool", /*default=*/"false",
           "Choose shared-memory plans by the least traffic first">,
  ];
}

#endif // LINEAR_LAYOUTS_DIALECT_LL_TRANSFORMS_PASSES_TD
