//===- ll-translate.cpp - mlir-translate for ll kernels --------------------===//
//
// MLIR's LLVM IR translations for the dialects an ll kernel reaches after
// convert-ll-to-llvm (LLVM, NVVM, ROCDL), with the ll dialect registered so
// that the lowered module's `ll.target` attribute parses:
//
//   ll-opt k.mlir -convert-ll-to-llvm | ll-translate --mlir-to-llvmir
//
// --import-llvm is upstream's.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Dialect/LL/IR/LLDialect.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/InitAllTranslations.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

int main(int argc, char **argv) {
  mlir::TranslateFromMLIRRegistration toLLVMIR(
      "mlir-to-llvmir", "Translate MLIR to LLVM IR",
      [](mlir::Operation *op, llvm::raw_ostream &output) {
        llvm::LLVMContext llvmContext;
        auto module = mlir::translateModuleToLLVMIR(op, llvmContext);
        if (!module)
          return mlir::failure();
        module->print(output, nullptr);
        return mlir::success();
      },
      [](mlir::DialectRegistry &registry) {
        registry.insert<mlir::DLTIDialect, mlir::func::FuncDialect,
                        mlir::ll::LLDialect>();
        mlir::registerAllToLLVMIRTranslations(registry);
      });
  mlir::registerFromLLVMIRTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "linear-layouts translation tool"));
}
