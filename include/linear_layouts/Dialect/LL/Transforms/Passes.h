//===- Passes.h - Transformations of the ll dialect -------------*- C++ -*-===//

#ifndef LINEAR_LAYOUTS_DIALECT_LL_TRANSFORMS_PASSES_H
#define LINEAR_LAYOUTS_DIALECT_LL_TRANSFORMS_PASSES_H

#include "linear_layouts/Core/Planning.h"
#include "linear_layouts/Dialect/LL/IR/LLDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::ll {

#define GEN_PASS_DECL
#include "linear_layouts/Dialect/LL/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "linear_layouts/Dialect/LL/Transforms/Passes.h.inc"

/// The rewrite patterns of ll-remove-conversions (also usable elsewhere),
/// costing conversions by their plans' estimated cycles on `target`.
void populateRemoveConversionsPatterns(RewritePatternSet &patterns,
                                       const ::ll::Target &target);

} // namespace mlir::ll

#endif // LINEAR_LAYOUTS_DIALECT_LL_TRANSFORMS_PASSES_H
