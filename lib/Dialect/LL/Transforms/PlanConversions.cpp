//===- PlanConversions.cpp - ll-plan-conversions --------------------------===//
//
// Annotates each ll.convert_layout with `ll.plan`: noop, registers, select
// (thread-local), shuffle or shared (the core's classifyConversion). The conversion-planning step
// adds scratch bytes, vector widths and predicted bank conflicts.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Core/Conversion.h"
#include "linear_layouts/Core/Planning.h"
#include "linear_layouts/Dialect/LL/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace mlir::ll {
#define GEN_PASS_DEF_LLPLANCONVERSIONS
#include "linear_layouts/Dialect/LL/Transforms/Passes.h.inc"
} // namespace mlir::ll

using namespace mlir;
using namespace mlir::ll;

namespace {

/// The bits per element a plan moves; a diagnostic on `op` for element
/// types without a size or wider than 64 bits.
FailureOr<unsigned> movedBits(Operation *op, Type elt) {
  std::string reason;
  auto bits = getMovedBitWidth(elt, op, &reason);
  if (failed(bits))
    return op->emitOpError() << "cannot be planned: " << reason;
  if (*bits > 64)
    return op->emitOpError()
           << "cannot be planned: element type " << elt << " takes " << *bits
           << " bits, more than the 64 bits a conversion moves per element";
  return bits;
}

struct PlanConversions
    : public mlir::ll::impl::LLPlanConversionsBase<PlanConversions> {
  using LLPlanConversionsBase::LLPlanConversionsBase;

  void runOnOperation() override {
    Builder b(&getContext());
    auto tgt = lookupTarget(getOperation(), target);
    if (failed(tgt))
      return signalPassFailure();
    auto result = getOperation()->walk([&](ConvertLayoutOp op) {
      // Emitted by the reduction producing its operand: no plan of its own.
      if (isFusedIntoReduce(op)) {
        op->setAttr("ll.plan", b.getStringAttr("in-reduce"));
        return WalkResult::advance();
      }
      auto src = getLinearLayout(op.getSrc().getType());
      auto dst = getLinearLayout(op.getType());
      if (failed(src) || failed(dst)) {
        op.emitOpError() << "has no linear layouts to plan with";
        return WalkResult::interrupt();
      }
      auto bits = movedBits(op, op.getType().getElementType());
      if (failed(bits))
        return WalkResult::interrupt();
      ::ll::PlanOptions options = ::ll::loweringPlanOptions(*tgt);
      options.matrixInstructions = matrixInstructions;
      options.maxScratchBytes = maxScratchBytes;
      options.trafficFirst = trafficFirst;
      auto plan = ::ll::planConversion(*src, *dst, *bits, *tgt, options);
      if (!plan) {
        op.emitOpError() << plan.error().message();
        return WalkResult::interrupt();
      }
      op->setAttr("ll.plan", b.getStringAttr(::ll::toString(plan->kind())));
      if (!plan->as<::ll::NoopPlan>())
        op->setAttr("ll.cycles", b.getI64IntegerAttr(plan->cost.cycles));
      auto setInt = [&](StringRef name, int64_t v) {
        op->setAttr(name, b.getI64IntegerAttr(v));
      };
      if (plan->as<::ll::SelectPlan>())
        setInt("ll.selects", plan->cost.selects);
      if (plan->as<::ll::ShufflePlan>())
        setInt("ll.shuffles", plan->cost.shuffles);
      if (auto *sh = plan->as<::ll::SharedPlan>()) {
        setInt("ll.scratch_bytes", sh->scratchBytes);
        setInt("ll.vector_width",
               std::min(sh->store.vectorElems, sh->load.vectorElems));
        setInt("ll.rounds", sh->rounds());
        setInt("ll.store_wavefronts", sh->store.wavefronts);
        setInt("ll.load_wavefronts", sh->load.wavefronts);
        // Target-neutral access kinds, where not plain: "matrix" /
        // "matrix_transposed" (ldmatrix / stmatrix on NVIDIA).
        if (sh->storeAccess != ::ll::AccessKind::Plain)
          op->setAttr("ll.store_access",
                      b.getStringAttr(::ll::toString(sh->storeAccess)));
        if (sh->loadAccess != ::ll::AccessKind::Plain)
          op->setAttr("ll.load_access",
                      b.getStringAttr(::ll::toString(sh->loadAccess)));
        // Sub-word values exchanged by warp shuffles around shared memory.
        if (sh->exchange)
          setInt("ll.exchange_shuffles", plan->cost.shuffles);
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    // Gathers: shuffles inside warps, or shared memory.
    auto gathers = getOperation()->walk([&](GatherOp op) {
      auto src = getLinearLayout(op.getSrc().getType());
      auto idx = getLinearLayout(op.getIndices().getType());
      if (failed(src) || failed(idx)) {
        op.emitOpError() << "has no linear layouts to plan with";
        return WalkResult::interrupt();
      }
      auto bits = movedBits(op, op.getType().getElementType());
      if (failed(bits))
        return WalkResult::interrupt();
      auto plan = ::ll::planGather(*src, *idx, op.getAxis(), *bits, *tgt);
      if (!plan) {
        op.emitOpError() << plan.error().message();
        return WalkResult::interrupt();
      }
      op->setAttr("ll.plan", b.getStringAttr(::ll::toString(plan->kind)));
      if (plan->kind == ::ll::GatherPlan::Kind::Shared)
        op->setAttr("ll.scratch_bytes", b.getI64IntegerAttr(plan->scratchBytes));
      else
        op->setAttr("ll.shuffles", b.getI64IntegerAttr(plan->cost.shuffles));
      return WalkResult::advance();
    });
    if (gathers.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
