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
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include <regex>

/// MLIR's parser allocates a placeholder per result number of a value it
/// reads (`%0#2147483648` runs it out of memory and aborts): such input is
/// refused first, with a diagnostic at the use.
static bool hasAbsurdResultNumber(llvm::StringRef text, llvm::StringRef name) {
  static const std::regex use(R"(%[\w$.\-]+#(\d+))");
  std::string s = text.str();
  for (auto it = std::sregex_iterator(s.begin(), s.end(), use);
       it != std::sregex_iterator(); ++it) {
    const std::string &n = (*it)[1].str();
    if (n.size() < 6 && std::stoul(n) <= 65535)
      continue;
    size_t at = size_t(it->position(0));
    size_t line = 1 + std::count(s.begin(), s.begin() + at, '\n');
    size_t col = at - s.rfind('\n', at == 0 ? 0 : at - 1);
    llvm::errs() << name << ":" << line << ":" << col << ": error: result #"
                 << n << " of a value: an op has at most 65535 results\n";
    return true;
  }
  return false;
}

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
  auto [input, output] = mlir::registerAndParseCLIOptions(
      argc, argv, "linear-layouts optimizer\n", registry);
  auto config = mlir::MlirOptMainConfig::createFromCLOptions();
  std::string error;
  auto file = mlir::openInputFile(input, &error);
  if (!file) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (hasAbsurdResultNumber(file->getBuffer(), input))
    return 1;
  auto out = mlir::openOutputFile(output, &error);
  if (!out) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(out->os(), std::move(file), registry,
                                     config)))
    return 1;
  out->keep();
  return 0;
}
