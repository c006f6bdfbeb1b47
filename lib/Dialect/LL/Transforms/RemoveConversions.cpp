//===- RemoveConversions.cpp - ll-remove-conversions ----------------------===//
//
// Removes ll.convert_layout ops by propagating layouts through elementwise
// ops, deciding with linear-layout equality and the planner's cost: the
// estimated cycles of each conversion's plan on the target (one cost model
// for planning and for removing conversions):
//
//  * canonical patterns: chains collapse, equal types fold, splat /
//    make_range / splat constants are rebuilt in the wanted layout;
//  * hoisting: an elementwise op whose operands are converted from one
//    layout S is computed in S and converted once, when the conversions
//    removed cost more cycles than the ones added (this is a cost decision,
//    so it lives here and not among the canonicalizations);
//  * backward rematerialization: convert(f(g(x), c) : A -> B) recomputes the
//    elementwise chain in B when every leaf is free to produce in B, or when
//    the conversions added at the leaves cost less than the one removed.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Core/Planning.h"
#include "linear_layouts/Dialect/LL/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::ll {
#define GEN_PASS_DEF_LLREMOVECONVERSIONS
#include "linear_layouts/Dialect/LL/Transforms/Passes.h.inc"
} // namespace mlir::ll

using namespace mlir;
using namespace mlir::ll;

namespace {

/// What a conversion that cannot be planned (cross-CTA, no layout) costs:
/// more than any plan.
constexpr int64_t kUnplannable = int64_t(1) << 40;

/// The estimated cycles (per warp) of converting `from` to `to` on `target`.
int64_t costOf(Type from, Type to, const ::ll::Target &target) {
  auto a = getLinearLayout(from), b = getLinearLayout(to);
  auto bits = getMovedBitWidth(cast<ShapedType>(from).getElementType(),
                               /*scope=*/nullptr);
  if (failed(a) || failed(b) || failed(bits) || *bits > 64)
    return kUnplannable;
  auto plan = ::ll::planConversion(*a, *b, int(*bits), target,
                                   ::ll::loweringPlanOptions(target));
  return plan ? plan->cost.cycles : kUnplannable;
}

/// op(convert(a : S -> B), convert(b : S -> B), cheap) : B
///   -> convert(op(a, b, cheap') : S -> B)
/// when the cycles of the conversions it removes (operand conversions with
/// no other use; the result's conversions to C, which become S -> C) exceed
/// those it adds (the result's conversion S -> B, or S -> C per user).
struct HoistConversionAboveElementwise : RewritePattern {
  HoistConversionAboveElementwise(MLIRContext *ctx, ::ll::Target target)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx),
        target(std::move(target)) {}
  ::ll::Target target;

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isRelayoutable(op))
      return failure();
    Attribute srcEnc;
    int64_t removed = 0;
    int converted = 0;
    for (Value v : op->getOperands()) {
      if (auto cvt = v.getDefiningOp<ConvertLayoutOp>()) {
        Attribute enc = getLayoutEncoding(cvt.getSrc().getType());
        if (!srcEnc)
          srcEnc = enc;
        else if (srcEnc != enc)
          return failure();
        ++converted;
        if (v.hasOneUse())
          removed += costOf(cvt.getSrc().getType(), v.getType(), target);
        continue;
      }
      if (!isCheapToRelayout(v))
        return failure();
    }
    if (converted == 0)
      return failure();
    Value res = op->getResult(0);
    auto resType = cast<RankedTensorType>(res.getType());
    auto hoisted = resType.cloneWithEncoding(srcEnc);
    bool onlyConverted =
        !res.use_empty() && llvm::all_of(res.getUsers(), [](Operation *u) {
          return isa<ConvertLayoutOp>(u);
        });
    int64_t added = 0;
    if (onlyConverted) {
      // Each user's B -> C becomes S -> C (nothing when C is S).
      for (Operation *u : res.getUsers()) {
        Type c = u->getResult(0).getType();
        removed += costOf(resType, c, target);
        if (getLayoutEncoding(c) != srcEnc)
          added += costOf(hoisted, c, target);
      }
    } else {
      added = costOf(hoisted, resType, target);
    }
    if (added >= removed)
      return failure();
    SmallVector<Value> operands;
    for (Value v : op->getOperands()) {
      if (auto cvt = v.getDefiningOp<ConvertLayoutOp>())
        operands.push_back(cvt.getSrc());
      else
        operands.push_back(relayoutCheap(rewriter, v, srcEnc));
    }
    OperationState state(op->getLoc(), op->getName(), operands, {hoisted},
                         op->getAttrs());
    Operation *moved = rewriter.create(state);
    rewriter.replaceOpWithNewOp<ConvertLayoutOp>(op, resType,
                                                 moved->getResult(0));
    return success();
  }
};

/// convert(chain : A -> B), where chain is a tree of single-use elementwise
/// ops: recompute the chain in B when its leaves cost less to bring to B.
struct RematerializeBackward : OpRewritePattern<ConvertLayoutOp> {
  RematerializeBackward(MLIRContext *ctx, ::ll::Target target)
      : OpRewritePattern(ctx), target(std::move(target)) {}
  ::ll::Target target;

  LogicalResult matchAndRewrite(ConvertLayoutOp cvt,
                                PatternRewriter &rewriter) const override {
    Operation *root = cvt.getSrc().getDefiningOp();
    if (!isRelayoutable(root) || !cvt.getSrc().hasOneUse())
      return failure();
    Type dstType = cvt.getType();
    Attribute dstEnc = getLayoutEncoding(dstType);
    // Collect the chain (post-order) and its leaves.
    SmallVector<Operation *> chain;
    llvm::SetVector<Value> leaves;
    SmallVector<Operation *> stack{root};
    llvm::SmallPtrSet<Operation *, 16> inChain;
    while (!stack.empty()) {
      Operation *op = stack.pop_back_val();
      if (!inChain.insert(op).second)
        continue;
      chain.push_back(op);
      if (chain.size() > 64)
        return failure();
      for (Value v : op->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (isRelayoutable(def) && v.hasOneUse())
          stack.push_back(def);
        else
          leaves.insert(v);
      }
    }
    // A leaf that is itself converted (from S) is converted from S instead.
    auto origin = [](Value leaf) -> Value {
      if (auto c = leaf.getDefiningOp<ConvertLayoutOp>())
        return c.getSrc();
      return leaf;
    };
    int64_t added = 0;
    for (Value leaf : leaves) {
      if (isCheapToRelayout(leaf))
        continue;
      Value from = origin(leaf);
      auto t = cast<RankedTensorType>(from.getType());
      if (getLayoutEncoding(t) != dstEnc)
        added += costOf(t, t.cloneWithEncoding(dstEnc), target);
    }
    int64_t removed = costOf(cvt.getSrc().getType(), dstType, target);
    if (added >= removed)
      return failure();
    // Rebuild the chain in the destination layout, operands first.
    IRMapping map;
    rewriter.setInsertionPoint(cvt);
    for (Value leaf : leaves) {
      if (isCheapToRelayout(leaf)) {
        map.map(leaf, relayoutCheap(rewriter, leaf, dstEnc));
        continue;
      }
      Value from = origin(leaf);
      auto t = cast<RankedTensorType>(from.getType());
      if (getLayoutEncoding(t) == dstEnc)
        map.map(leaf, from);
      else
        map.map(leaf, rewriter.create<ConvertLayoutOp>(
                          leaf.getLoc(), t.cloneWithEncoding(dstEnc), from));
    }
    for (Operation *op : llvm::reverse(chain)) {
      SmallVector<Value> operands;
      for (Value v : op->getOperands())
        operands.push_back(map.lookup(v));
      auto rt = cast<RankedTensorType>(op->getResult(0).getType());
      OperationState state(op->getLoc(), op->getName(), operands,
                           {rt.cloneWithEncoding(dstEnc)}, op->getAttrs());
      map.map(op->getResult(0), rewriter.create(state)->getResult(0));
    }
    rewriter.replaceOp(cvt, map.lookup(cvt.getSrc()));
    return success();
  }
};

struct RemoveConversions
    : public mlir::ll::impl::LLRemoveConversionsBase<RemoveConversions> {
  using LLRemoveConversionsBase::LLRemoveConversionsBase;

  void runOnOperation() override {
    auto tgt = lookupTarget(getOperation(), target);
    if (failed(tgt))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateRemoveConversionsPatterns(patterns, *tgt);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::ll::populateRemoveConversionsPatterns(
    RewritePatternSet &patterns, const ::ll::Target &target) {
  MLIRContext *ctx = patterns.getContext();
  ConvertLayoutOp::getCanonicalizationPatterns(patterns, ctx);
  patterns.add<HoistConversionAboveElementwise, RematerializeBackward>(ctx,
                                                                      target);
}
