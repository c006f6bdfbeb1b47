//===- ll-translate.cpp - mlir-translate for ll kernels --------------------===//
//
// MLIR's LLVM IR translations (--mlir-to-llvmir, --import-llvm) for the
// dialects an ll kernel reaches after convert-ll-to-llvm: LLVM, NVVM, ROCDL.
//
//   ll-opt k.mlir -convert-ll-to-llvm | ll-translate --mlir-to-llvmir
//
//===----------------------------------------------------------------------===//

#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerToLLVMIRTranslation();
  mlir::registerFromLLVMIRTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "linear-layouts translation tool"));
}
