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

/// Elementwise ops on encoded tensors we may recompute in another layout:
/// arith / math ops with the Elementwise trait, one result, tensor operands
/// and results of one shape, no regions.
bool isRelayoutable(Operation *op) {
  if (!op || op->getNumResults() != 1 || op->getNumRegions() != 0 ||
      !op->hasTrait<OpTrait::Elementwise>() || !isMemoryEffectFree(op))
    return false;
  auto rt = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!rt || !getLayoutEncoding(rt))
    return false;
  for (Value v : op->getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || t.getShape() != rt.getShape())
      return false;
  }
  return true;
}

/// Values free to produce in any layout.
bool isCheapToRelayout(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (isa<SplatOp, MakeRangeOp>(def))
    return true;
  DenseElementsAttr cst;
  return matchPattern(def, m_Constant(&cst)) && cst.isSplat();
}

/// `v` rebuilt with `encoding` (for a cheap value) at the builder's position.
Value relayoutCheap(PatternRewriter &rewriter, Value v, Attribute encoding) {
  auto type = cast<RankedTensorType>(v.getType()).cloneWithEncoding(encoding);
  Operation *def = v.getDefiningOp();
  if (auto s = dyn_cast<SplatOp>(def))
    return rewriter.create<SplatOp>(def->getLoc(), type, s.getSrc());
  if (auto r = dyn_cast<MakeRangeOp>(def))
    return rewriter.create<MakeRangeOp>(def->getLoc(), type, r.getStartAttr(),
                                        r.getEndAttr());
  DenseElementsAttr cst;
  (void)matchPattern(def, m_Constant(&cst));
  return rewriter.create<arith::ConstantOp>(
      def->getLoc(), type,
      DenseElementsAttr::get(type, cst.getSplatValue<Attribute>()));
}

int costOf(Type from, Type to) {
  auto a = getLinearLayout(from), b = getLinearLayout(to);
  if (failed(a) || failed(b))
    return ::ll::conversionCost(::ll::ConversionKind::CrossCTA);
  auto k = ::ll::classifyConversion(*a, *b);
  return k ? ::ll::conversionCost(*k)
           : ::ll::conversionCost(::ll::ConversionKind::CrossCTA);
}

/// op(convert(a : S -> B), convert(b : S -> B), cheap) : B
///   -> convert(op(a, b, cheap') : S -> B)
/// when that removes conversions (>= 2 operands converted from S, or one and
/// the result is only converted again).
struct HoistConversionAboveElementwise : RewritePattern {
  HoistConversionAboveElementwise(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isRelayoutable(op))
      return failure();
    Type srcType;
    int converted = 0;
    for (Value v : op->getOperands()) {
      if (auto cvt = v.getDefiningOp<ConvertLayoutOp>()) {
        Type t = cvt.getSrc().getType();
        auto enc = getLayoutEncoding(t);
        if (!srcType)
          srcType = t;
        else if (getLayoutEncoding(srcType) != enc)
          return failure();
        ++converted;
        continue;
      }
      if (!isCheapToRelayout(v))
        return failure();
    }
    if (converted == 0)
      return failure();
    Value res = op->getResult(0);
    bool onlyConverted =
        !res.use_empty() && llvm::all_of(res.getUsers(), [](Operation *u) {
          return isa<ConvertLayoutOp>(u);
        });
    if (converted < 2 && !onlyConverted)
      return failure();
    Attribute srcEnc = getLayoutEncoding(srcType);
    SmallVector<Value> operands;
    for (Value v : op->getOperands()) {
      if (auto cvt = v.getDefiningOp<ConvertLayoutOp>())
        operands.push_back(cvt.getSrc());
      else
        operands.push_back(relayoutCheap(rewriter, v, srcEnc));
    }
    auto resType = cast<RankedTensorType>(res.getType());
    OperationState state(op->getLoc(), op->getName(), operands,
                         {resType.cloneWithEncoding(srcEnc)}, op->getAttrs());
    Operation *moved = rewriter.create(state);
    rewriter.replaceOpWithNewOp<ConvertLayoutOp>(op, resType,
                                                 moved->getResult(0));
    return success();
  }
};

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
  patterns.add<HoistConversionAboveElementwise, RematerializeBackward>(ctx);
}
