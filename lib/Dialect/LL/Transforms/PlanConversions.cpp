//===- PlanConversions.cpp - ll-plan-conversions --------------------------===//
//
// Annotates each ll.convert_layout with `ll.plan`: noop, registers, shuffle
// or shared (the core's classifyConversion). The conversion-planning step
// adds scratch bytes, vector widths and predicted bank conflicts.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Core/Conversion.h"
#include "linear_layouts/Dialect/LL/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace mlir::ll {
#define GEN_PASS_DEF_LLPLANCONVERSIONS
#include "linear_layouts/Dialect/LL/Transforms/Passes.h.inc"
} // namespace mlir::ll

using namespace mlir;
using namespace mlir::ll;

namespace {

struct PlanConversions
    : public mlir::ll::impl::LLPlanConversionsBase<PlanConversions> {
  void runOnOperation() override {
    Builder b(&getContext());
    auto result = getOperation()->walk([&](ConvertLayoutOp op) {
      auto src = getLinearLayout(op.getSrc().getType());
      auto dst = getLinearLayout(op.getType());
      if (failed(src) || failed(dst)) {
        op.emitOpError() << "has no linear layouts to plan with";
        return WalkResult::interrupt();
      }
      auto kind = ::ll::classifyConversion(*src, *dst);
      if (!kind) {
        op.emitOpError() << kind.error().message();
        return WalkResult::interrupt();
      }
      op->setAttr("ll.plan", b.getStringAttr(::ll::toString(*kind)));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
