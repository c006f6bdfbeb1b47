//===- Passes.h - Conversions out of the ll dialect -------------*- C++ -*-===//

#ifndef LINEAR_LAYOUTS_CONVERSION_PASSES_H
#define LINEAR_LAYOUTS_CONVERSION_PASSES_H

#include "linear_layouts/Dialect/LL/IR/LLDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
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

} // namespace mlir::ll

#endif // LINEAR_LAYOUTS_CONVERSION_PASSES_H
