//===- ll-opt.cpp - mlir-opt with the ll dialect --------------------------===//
//
// The ll dialect and its passes, with the upstream dialects a GPU pipeline
// uses (builtin, func, arith, math, scf, cf, gpu, nvvm, rocdl, llvm, memref,
// vector, tensor) and MLIR's generic transforms (canonicalize, cse, ...).
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Conversion/Passes.h"
#include "linear_layouts/Dialect/LL/IR/LLDialect.h"
#include "linear_layouts/Dialect/LL/Transforms/Passes.h"
#include "linear_layouts/Dialect/TritonMirror/TritonMirror.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  mlir::ll::registerLLPasses();
  mlir::ll::registerLLConversionPasses();

  mlir::DialectRegistry registry;
  registry.insert<mlir::ll::tt::TTDialect, mlir::ll::ttg::TTGDialect,
                  mlir::ll::amdg::AMDGDialect,
                  mlir::ll::ttng::TTNGDialect>();
  registry.insert<mlir::ll::LLDialect, mlir::arith::ArithDialect,
                  mlir::cf::ControlFlowDialect, mlir::func::FuncDialect,
                  mlir::gpu::GPUDialect, mlir::LLVM::LLVMDialect,
                  mlir::math::MathDialect, mlir::memref::MemRefDialect,
                  mlir::NVVM::NVVMDialect, mlir::ROCDL::ROCDLDialect,
                  mlir::scf::SCFDialect, mlir::tensor::TensorDialect,
                  mlir::vector::VectorDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "linear-layouts optimizer\n", registry));
}
