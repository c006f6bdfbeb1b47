//===- Dialects.cpp - C API of the ll dialect -----------------------------===//

#include "linear_layouts-c/Dialects.h"

#include "linear_layouts/Conversion/Passes.h"
#include "linear_layouts/Dialect/LL/IR/LLDialect.h"
#include "linear_layouts/Dialect/LL/Transforms/Passes.h"
#include "linear_layouts/Dialect/TritonMirror/TritonMirror.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"
#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMIRToLLVMTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/LLVMIRToNVVMTranslation.h"
#include "mlir/Target/LLVMIR/Import.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(LL, ll, mlir::ll::LLDialect)

void llLoadTritonDialects(MlirContext ctx) {
  unwrap(ctx)->getOrLoadDialect<mlir::ll::tt::TTDialect>();
  unwrap(ctx)->getOrLoadDialect<mlir::ll::ttg::TTGDialect>();
  unwrap(ctx)->getOrLoadDialect<mlir::ll::amdg::AMDGDialect>();
  unwrap(ctx)->getOrLoadDialect<mlir::ll::ttng::TTNGDialect>();
}

void llRegisterPasses(void) {
  mlir::ll::registerLLPasses();
  mlir::ll::registerLLConversionPasses();
}

MlirModule llImportLLVMIR(MlirContext ctx, MlirStringRef text,
                          MlirStringCallback onError, void *userData) {
  auto fail = [&](const std::string &msg) {
    onError(mlirStringRefCreate(msg.data(), msg.size()), userData);
    return MlirModule{nullptr};
  };
  mlir::MLIRContext *context = unwrap(ctx);
  mlir::DialectRegistry registry;
  registry.insert<mlir::DLTIDialect>();
  mlir::registerLLVMDialectImport(registry);
  mlir::registerNVVMDialectImport(registry);
  context->appendDialectRegistry(registry);
  llvm::LLVMContext llvmContext;
  llvm::SMDiagnostic err;
  std::unique_ptr<llvm::Module> module = llvm::parseIR(
      llvm::MemoryBufferRef(llvm::StringRef(text.data, text.length), "llir"),
      err, llvmContext);
  if (!module) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    err.print("llir", os);
    return fail("the LLVM IR does not parse: " + msg);
  }
  // Diagnostics of the import (e.g. an unknown metadata kind) are the
  // context's; the importer's expensive warnings are off.
  mlir::OwningOpRef<mlir::ModuleOp> m = mlir::translateLLVMIRToModule(
      std::move(module), context, /*emitExpensiveWarnings=*/false);
  if (!m)
    return fail("the LLVM IR could not be imported into the LLVM dialect");
  return wrap(m.release());
}

bool llAttributeIsATarget(MlirAttribute attr) {
  return isa_and_nonnull<mlir::ll::TargetAttr>(unwrap(attr));
}

MlirStringRef llTargetAttrGetName(MlirAttribute attr) {
  return wrap(cast<mlir::ll::TargetAttr>(unwrap(attr)).getName());
}

bool llAttributeIsLayout(MlirAttribute attr) {
  return isa_and_nonnull<mlir::ll::LayoutEncodingInterface>(unwrap(attr));
}

bool llAttributeIsSharedLayout(MlirAttribute attr) {
  auto e = dyn_cast_or_null<mlir::ll::LayoutEncodingInterface>(unwrap(attr));
  return e && e.isSharedLayout();
}

MlirAttribute llLayoutGetLinear(MlirAttribute attr, intptr_t rank,
                                const int64_t *shape,
                                MlirStringCallback onError, void *userData) {
  auto fail = [&](const std::string &msg) {
    if (onError)
      onError(mlirStringRefCreate(msg.data(), msg.size()), userData);
    return MlirAttribute{nullptr};
  };
  auto e = dyn_cast_or_null<mlir::ll::LayoutEncodingInterface>(unwrap(attr));
  if (!e)
    return fail("not an ll layout attribute");
  if (rank < 0 || uint64_t(rank) != e.getLayoutRank())
    return fail("the layout has rank " + std::to_string(e.getLayoutRank()) +
                " but the shape has rank " + std::to_string(rank));
  auto l = e.tryLinearLayout(ArrayRef<int64_t>(shape, rank));
  if (!l)
    return fail(l.error().message());
  MLIRContext *ctx = unwrap(attr).getContext();
  if (e.isSharedLayout())
    return wrap(Attribute(mlir::ll::SharedAttr::get(ctx, *l)));
  return wrap(Attribute(mlir::ll::LinearAttr::get(ctx, *l)));
}
