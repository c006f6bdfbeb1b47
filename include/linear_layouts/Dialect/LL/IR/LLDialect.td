//===- LLDialect.td - The linear-layouts dialect -----------*- tablegen -*-===//
//
// The `ll` dialect: tensor layouts as linear maps over F2.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_DIALECT_LL_IR_LLDIALECT_TD
#define LINEAR_LAYOUTS_DIALECT_LL_IR_LLDIALECT_TD

include "mlir/IR/OpBase.td"

def LL_Dialect : Dialect {
  let name = "ll";
  let cppNamespace = "::mlir::ll";
  let summary = "Tensor layouts as linear maps over F2";
  let description = [{
    The `ll` dialect attaches *layouts* to tensors and memory descriptors. A
    layout is a linear map over F2 from hardware bits (`register`, `lane`,
    `warp`, `block` for values distributed over threads; `offset`, `block` for
    shared memory) to the bits of a tensor coordinate. `#ll.linear` and
    `#ll.shared` give the map by its bases; the legacy families
    (`#ll.blocked`, `#ll.slice`, `#ll.nvidia_mma`, `#ll.dot_op`,
    `#ll.amd_mfma`, `#ll.amd_wmma`, `#ll.swizzled_shared`,
    `#ll.nvmma_shared`, `#ll.padded_shared`) take Triton's parameters and
    denote the same maps Triton builds.

    Layout equality is linear-layout equality: a `#ll.blocked` and a
    `#ll.linear` that denote the same map for a tensor shape are the same
    layout for verification, folding and canonicalization.

    ```mlir
    #blocked = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4],
                            warpsPerCTA = [4, 1], order = [1, 0]}>
    %0 = ll.convert_layout %x : tensor<64x64xf16, #blocked>
                             -> tensor<64x64xf16, #ll.linear<{...}>>
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let useDefaultTypePrinterParser = 1;
  let hasCanonicalizer = 0;
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

#endif // LINEAR_LAYOUTS_DIALECT_LL_IR_LLDIALECT_TD
