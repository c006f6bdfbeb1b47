//===- TritonMirror.h - Parse-only mirrors of tt / ttg ----------*- C++ -*-===//
//
// Reading Triton's printed TTGIR with MLIR's parser: the `tt` and `ttg`
// dialects of TritonMirror.td, whose types and attributes are the ll
// dialect's. convert-triton-to-ll (lib/Conversion/TritonToLL) turns their
// ops into ll, func and upstream ops.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_DIALECT_TRITONMIRROR_TRITONMIRROR_H
#define LINEAR_LAYOUTS_DIALECT_TRITONMIRROR_TRITONMIRROR_H

#include "linear_layouts/Dialect/LL/IR/LLDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "linear_layouts/Dialect/TritonMirror/TritonMirrorEnums.h.inc"

#include "linear_layouts/Dialect/TritonMirror/TritonMirrorDialects.h.inc"
#include "linear_layouts/Dialect/TritonMirror/TritonMirrorGPUDialects.h.inc"
#include "linear_layouts/Dialect/TritonMirror/TritonMirrorAMDDialects.h.inc"
#include "linear_layouts/Dialect/TritonMirror/TritonMirrorNVDialects.h.inc"

namespace mlir::ll::tt {
/// The type a load through `ptrLike` gives (`tensor<8x!ll.ptr<f16>, #b>` ->
/// `tensor<8xf16, #b>`), and i1 of its shape (the mask).
Type pointeeOf(Type ptrLike);
Type maskOf(Type ptrLike);
} // namespace mlir::ll::tt

#define GET_OP_CLASSES
#include "linear_layouts/Dialect/TritonMirror/TritonMirrorOps.h.inc"

#endif // LINEAR_LAYOUTS_DIALECT_TRITONMIRROR_TRITONMIRROR_H
