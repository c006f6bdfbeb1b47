//===- Passes.h - Conversions out of the ll dialect -------------*- C++ -*-===//

#ifndef LINEAR_LAYOUTS_CONVERSION_PASSES_H
#define LINEAR_LAYOUTS_CONVERSION_PASSES_H

#include "linear_layouts/Dialect/LL/IR/LLDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::ll {

#define GEN_PASS_DECL
#include "linear_layouts/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "linear_layouts/Conversion/Passes.h.inc"

/// Whether convert-ll-to-llvm emits the ll.convert_layout `op` as part of the
/// ll.reduce that produces its operand: a reduction over warps reads its
/// partials back from shared memory, and reads them in `op`'s layout as
/// cheaply as in its own when that has no more registers per thread. `op`
/// then has no plan and no scratch of its own. False for any other op.
bool reduceTakesOver(Operation *op);

} // namespace mlir::ll

#endif // LINEAR_LAYOUTS_CONVERSION_PASSES_H
