/*===- Dialects.h - C API of the ll dialect ------------------------*- C -*-===*\
|*                                                                            *|
|* Registration of the `ll` dialect and its passes, and access to layouts,   *|
|* for bindings (the Python module links this against the upstream `mlir`    *|
|* package's libMLIRPythonCAPI.so).                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef LINEAR_LAYOUTS_C_DIALECTS_H
#define LINEAR_LAYOUTS_C_DIALECTS_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(LL, ll);

/// Register ll-legacy-to-linear, ll-remove-conversions, ll-plan-conversions.
MLIR_CAPI_EXPORTED void llRegisterPasses(void);

/// Load the parse-only `tt` and `ttg` dialects (Triton's TTGIR syntax, read
/// into ll types and layouts; see convert-triton-to-ll) into `ctx`.
MLIR_CAPI_EXPORTED void llLoadTritonDialects(MlirContext ctx);

/// LLVM IR text (e.g. Triton's `llir`) imported into the LLVM dialect (with
/// NVVM ops for NVVM intrinsics) in `ctx`, by MLIR's LLVM IR importer; a
/// null module when the text does not parse or import, with the reason
/// passed to `onError`.
MLIR_CAPI_EXPORTED MlirModule llImportLLVMIR(MlirContext ctx, MlirStringRef text,
                                            MlirStringCallback onError,
                                            void *userData);

/// True for `#ll.target<"name">`, the module attribute `ll.target`.
MLIR_CAPI_EXPORTED bool llAttributeIsATarget(MlirAttribute attr);

/// The name of a `#ll.target` attribute ("sm_90", "gfx942").
MLIR_CAPI_EXPORTED MlirStringRef llTargetAttrGetName(MlirAttribute attr);

/// True for every `ll` layout attribute (distributed or memory).
MLIR_CAPI_EXPORTED bool llAttributeIsLayout(MlirAttribute attr);

/// True for memory (shared) layouts.
MLIR_CAPI_EXPORTED bool llAttributeIsSharedLayout(MlirAttribute attr);

/// The `#ll.linear` / `#ll.shared` attribute equal to `attr` for a tensor of
/// `shape`; a null attribute when the layout does not apply, with the reason
/// passed to `onError`.
MLIR_CAPI_EXPORTED MlirAttribute llLayoutGetLinear(MlirAttribute attr,
                                                   intptr_t rank,
                                                   const int64_t *shape,
                                                   MlirStringCallback onError,
                                                   void *userData);

#ifdef __cplusplus
}
#endif

#endif // LINEAR_LAYOUTS_C_DIALECTS_H
