//===- LegacyToLinear.cpp - ll-legacy-to-linear ---------------------------===//
//
// Every tensor / memdesc type whose encoding is a legacy family becomes the
// same type with the equal #ll.linear (distributed) or #ll.shared (memory)
// encoding for its shape. Types are replaced everywhere they occur (results,
// block arguments, function signatures, type attributes) with MLIR's
// AttrTypeReplacer. Padded shared layouts stay: their padding is not linear.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Dialect/LL/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AttrTypeSubElements.h"

namespace mlir::ll {
#define GEN_PASS_DEF_LLLEGACYTOLINEAR
#include "linear_layouts/Dialect/LL/Transforms/Passes.h.inc"
} // namespace mlir::ll

using namespace mlir;
using namespace mlir::ll;

namespace {

struct LegacyToLinear
    : public mlir::ll::impl::LLLegacyToLinearBase<LegacyToLinear> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool failedConversion = false;
    AttrTypeReplacer replacer;
    auto convert = [&](Type type) -> std::optional<Type> {
      auto enc = getLayoutEncoding(type);
      if (!enc || !isLegacyLayout(enc) || isa<PaddedSharedAttr>(enc))
        return std::nullopt;
      FailureOr<Attribute> lin = getLinearEncoding(type);
      if (failed(lin)) {
        failedConversion = true;
        module.emitError() << "ll-legacy-to-linear: cannot convert " << type;
        return std::nullopt;
      }
      if (auto t = dyn_cast<RankedTensorType>(type))
        return Type(t.cloneWithEncoding(*lin));
      auto m = cast<MemDescType>(type);
      return Type(MemDescType::get(m.getContext(), m.getShape(),
                                   m.getElementType(), *lin,
                                   m.getMutableMemory(), m.getAllocShape()));
    };
    replacer.addReplacement([&](RankedTensorType t) -> std::optional<Type> {
      return convert(t);
    });
    replacer.addReplacement([&](MemDescType t) -> std::optional<Type> {
      return convert(t);
    });
    replacer.recursivelyReplaceElementsIn(module, /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/true);
    // Properties (arith.constant's value) are not among the attributes the
    // replacer visits: give dense constants their result's type.
    module.walk([&](arith::ConstantOp op) {
      auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
      if (dense && dense.getType() != op.getType())
        op.setValueAttr(dense.reshape(cast<ShapedType>(op.getType())));
    });
    if (failedConversion)
      signalPassFailure();
  }
};

} // namespace
