//===- RemoveConversions.cpp - ll-remove-conversions ----------------------===//
//
// Removes ll.convert_layout ops by propagating layouts through elementwise
// ops, deciding with linear-layout equality and a cost per conversion kind
// (registers < shuffle < shared, ::ll::conversionCost):
//
//  * canonical patterns: chains collapse, equal types fold, splat /
//    make_range / splat constants are rebuilt in the wanted layout;
//  * hoisting: an elementwise op whose operands are converted from one
//    layout S is computed in S and converted once;
//  * backward rematerialization: convert(f(g(x), c) : A -> B) recomputes the
//    elementwise chain in B when every leaf is free to produce in B, or when
//    the conversions added at the leaves cost less than the one removed.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Core/Conversion.h"
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

int costOf(Type from, Type to) {
  auto a = getLinearLayout(from), b = getLinearLayout(to);
  if (failed(a) || failed(b))
    return ::ll::conversionCost(::ll::ConversionKind::CrossCTA);
  auto k = ::ll::classifyConversion(*a, *b);
  return k ? ::ll::conversionCost(*k)
           : ::ll::conversionCost(::ll::ConversionKind::CrossCTA);
}

/// convert(chain : A -> B), where chain is a tree of single-use elementwise
/// ops: recompute the chain in B when its leaves cost less to bring to B.
struct RematerializeBackward : OpRewritePattern<ConvertLayoutOp> {
  using OpRewritePattern::OpRewritePattern;

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
    int added = 0;
    for (Value leaf : leaves) {
      if (isCheapToRelayout(leaf))
        continue;
      Value from = origin(leaf);
      auto t = cast<RankedTensorType>(from.getType());
      if (getLayoutEncoding(t) != dstEnc)
        added += costOf(t, t.cloneWithEncoding(dstEnc));
    }
    int removed = costOf(cvt.getSrc().getType(), dstType);
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
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRemoveConversionsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::ll::populateRemoveConversionsPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  ConvertLayoutOp::getCanonicalizationPatterns(patterns, ctx);
  patterns.add<RematerializeBackward>(ctx);
}
