//===- LLOps.cpp - Operations of the ll dialect ---------------------------===//
//
// Verifiers decide layouts by linear algebra: a shape op is valid when its
// result layout is the linear image of its source layout.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Dialect/LL/IR/LLDialect.h"
#include "linear_layouts/Core/ReduceScan.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::ll;

namespace {

/// The layout of a value's type, or an op error naming `what`.
FailureOr<::ll::LinearLayout> layoutOf(Operation *op, Type type,
                                       StringRef what) {
  std::string reason;
  auto l = getLinearLayout(type, &reason);
  if (failed(l))
    return op->emitOpError() << what << ": " << reason;
  return l;
}

LogicalResult requireDistributed(Operation *op, Type type, StringRef what) {
  auto enc = getLayoutEncoding(type);
  if (!enc)
    return op->emitOpError() << what << " must carry an ll layout encoding";
  if (enc.isSharedLayout())
    return op->emitOpError() << what
                             << " must carry a distributed layout, not a "
                                "memory layout";
  return success();
}

/// `l` with the register bases that are all zero (replicated registers)
/// dropped.
::ll::LinearLayout withoutZeroRegisters(const ::ll::LinearLayout &l) {
  if (!l.hasInDim("register"))
    return l;
  auto r = l.removeZeroBasesAlongDim("register");
  return r ? *r : l;
}

/// Bases and out sizes rebuilt with components mapped by `f` (out index of
/// the new layout -> component), out dims named dim0...
::ll::Expected<::ll::LinearLayout>
remapOuts(const ::ll::LinearLayout &l, ArrayRef<int64_t> newSizes,
          function_ref<int32_t(const ::ll::Basis &, unsigned)> component) {
  ::ll::BasesList bl;
  for (auto &[name, bases] : l.bases()) {
    std::vector<::ll::Basis> nb;
    for (const ::ll::Basis &b : bases) {
      ::ll::Basis n(newSizes.size());
      for (unsigned d = 0; d < newSizes.size(); ++d)
        n[d] = component(b, d);
      nb.push_back(std::move(n));
    }
    bl.push_back({name, std::move(nb)});
  }
  ::ll::DimSizes outs;
  for (unsigned d = 0; d < newSizes.size(); ++d)
    outs.push_back({"dim" + std::to_string(d), int32_t(newSizes[d])});
  return ::ll::LinearLayout::create(std::move(bl), outs,
                                    /*requireSurjective=*/false);
}

/// Both types carry distributed layouts: their linear layouts, or an op
/// error.
FailureOr<std::pair<::ll::LinearLayout, ::ll::LinearLayout>>
distributedLayouts(Operation *op, Type a, StringRef aName, Type b,
                   StringRef bName) {
  if (failed(requireDistributed(op, a, aName)) ||
      failed(requireDistributed(op, b, bName)))
    return failure();
  auto la = layoutOf(op, a, (aName + " layout").str());
  auto lb = layoutOf(op, b, (bName + " layout").str());
  if (failed(la) || failed(lb))
    return failure();
  return std::make_pair(*la, *lb);
}

LogicalResult mismatch(Operation *op, const ::ll::LinearLayout &want,
                       const ::ll::LinearLayout &got) {
  return op->emitOpError()
         << "result layout is not the one the source layout implies; expected "
            "a layout equal to"
         << want.toString() << "\nbut the result layout is" << got.toString();
}

} // namespace

//===----------------------------------------------------------------------===//
// Moving values between layouts
//===----------------------------------------------------------------------===//

/// Elementwise ops on encoded tensors we may recompute in another layout:
/// arith / math ops with the Elementwise trait, one result, tensor operands
/// and results of one shape, no regions.
bool mlir::ll::isRelayoutable(Operation *op) {
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
bool mlir::ll::isCheapToRelayout(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (isa<SplatOp, MakeRangeOp>(def))
    return true;
  DenseElementsAttr cst;
  return matchPattern(def, m_Constant(&cst)) && cst.isSplat();
}

/// `v` rebuilt with `encoding` (for a cheap value) at the builder's position.
Value mlir::ll::relayoutCheap(PatternRewriter &rewriter, Value v,
                              Attribute encoding) {
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

//===----------------------------------------------------------------------===//
// ConvertLayoutOp
//===----------------------------------------------------------------------===//

LogicalResult ConvertLayoutOp::verify() {
  return success(succeeded(distributedLayouts(*this, getSrc().getType(),
                                             "source", getType(), "result")));
}

OpFoldResult ConvertLayoutOp::fold(FoldAdaptor) {
  // A conversion to the same type is a no-op.
  if (getSrc().getType() == getType())
    return getSrc();
  // convert(convert(x : A -> B) : B -> A) is x.
  if (auto prev = getSrc().getDefiningOp<ConvertLayoutOp>())
    if (prev.getSrc().getType() == getType())
      return prev.getSrc();
  return {};
}

namespace {

/// convert(convert(x)) -> convert(x).
struct CollapseConversionChain : OpRewritePattern<ConvertLayoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvertLayoutOp op,
                                PatternRewriter &rewriter) const override {
    auto prev = op.getSrc().getDefiningOp<ConvertLayoutOp>();
    if (!prev)
      return failure();
    rewriter.replaceOpWithNewOp<ConvertLayoutOp>(op, op.getType(),
                                                 prev.getSrc());
    return success();
  }
};

/// A conversion between equal layouts (linear-layout equality, e.g. a
/// #ll.blocked and the #ll.linear it denotes) is removed when every user
/// accepts any equal layout: ll ops verified by linear algebra rather than
/// by type identity.
struct RemoveEqualLayoutConversion : OpRewritePattern<ConvertLayoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvertLayoutOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getSrc().getType() == op.getType() ||
        !haveEqualLayouts(op.getSrc().getType(), op.getType()))
      return failure();
    for (Operation *user : op->getUsers())
      if (!isa<ConvertLayoutOp, TransOp, ReshapeOp, ExpandDimsOp, BroadcastOp,
               LocalAllocOp, LocalStoreOp, GatherOp>(user))
        return failure();
    rewriter.replaceOp(op, op.getSrc());
    return success();
  }
};

/// Values that are free to produce in any layout are rematerialized in the
/// converted-to layout: splat, make_range, splat constants.
struct RematerializeCheapSource : OpRewritePattern<ConvertLayoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvertLayoutOp op,
                                PatternRewriter &rewriter) const override {
    Operation *def = op.getSrc().getDefiningOp();
    if (!def)
      return failure();
    if (auto splat = dyn_cast<SplatOp>(def)) {
      rewriter.replaceOpWithNewOp<SplatOp>(op, op.getType(), splat.getSrc());
      return success();
    }
    if (auto range = dyn_cast<MakeRangeOp>(def)) {
      rewriter.replaceOpWithNewOp<MakeRangeOp>(op, op.getType(),
                                               range.getStartAttr(),
                                               range.getEndAttr());
      return success();
    }
    DenseElementsAttr cst;
    if (matchPattern(def, m_Constant(&cst)) && cst.isSplat()) {
      auto type = cast<ShapedType>(op.getType());
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, type, DenseElementsAttr::get(type, cst.getSplatValue<Attribute>()));
      return success();
    }
    return failure();
  }
};

/// The layout a shape op gives its result when its source has type `src`:
/// the source layout's linear image.
FailureOr<Attribute> imageLayout(TransOp op, RankedTensorType src) {
  auto l = getLinearLayout(src);
  if (failed(l))
    return failure();
  ArrayRef<int32_t> order = op.getOrder();
  auto img = remapOuts(*l, op.getType().getShape(),
                       [&](const ::ll::Basis &b, unsigned d) {
                         return b[order[d]];
                       });
  if (!img)
    return failure();
  return getLinearEncoding(op.getContext(), *img, /*shared=*/false);
}

FailureOr<Attribute> imageLayout(ReshapeOp op, RankedTensorType src) {
  return getReshapeLayout(src, op.getType().getShape());
}

/// convert(shape(convert(x : S -> A)) : B' -> B): the shape op (trans or
/// reshape) is applied to x directly, in the layout the linear image of S
/// gives, and the two conversions collapse into one.
template <typename ShapeOp>
struct MoveConversionAcrossShapeOp : OpRewritePattern<ShapeOp> {
  using OpRewritePattern<ShapeOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ShapeOp op,
                                PatternRewriter &rewriter) const override {
    auto cvt = op.getSrc().template getDefiningOp<ConvertLayoutOp>();
    if (!cvt || !op->hasOneUse() || !isa<ConvertLayoutOp>(*op->user_begin()))
      return failure();
    auto src = cvt.getSrc().getType();
    auto resType = cast<RankedTensorType>(op.getType());
    auto image = imageLayout(op, src);
    if (failed(image))
      return failure();
    auto moved = resType.cloneWithEncoding(*image);
    OperationState state(op->getLoc(), op->getName(), {cvt.getSrc()}, {moved},
                         op->getAttrs());
    Operation *newOp = rewriter.create(state);
    rewriter.replaceOpWithNewOp<ConvertLayoutOp>(op, resType,
                                                 newOp->getResult(0));
    return success();
  }
};

} // namespace

void ConvertLayoutOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                  MLIRContext *ctx) {
  results.add<CollapseConversionChain, RematerializeCheapSource,
              RemoveEqualLayoutConversion,
              MoveConversionAcrossShapeOp<TransOp>,
              MoveConversionAcrossShapeOp<ReshapeOp>>(ctx);
}

//===----------------------------------------------------------------------===//
// Shape operations
//===----------------------------------------------------------------------===//

FailureOr<Attribute> mlir::ll::getReshapeLayout(RankedTensorType src,
                                                ArrayRef<int64_t> shape) {
  auto l = getLinearLayout(src);
  if (failed(l))
    return failure();
  // Row-major: flatten with the last dim fastest, split over the new shape.
  auto rev = l->outDimNames();
  std::reverse(rev.begin(), rev.end());
  auto t = l->transposeOuts(rev);
  if (!t)
    return failure();
  ::ll::DimSizes outs;
  for (int d = int(shape.size()) - 1; d >= 0; --d)
    outs.push_back({"dim" + std::to_string(d), int32_t(shape[d])});
  auto r = t->flattenOuts().reshapeOuts(outs);
  if (!r)
    return failure();
  auto img = r->transposeOuts(::ll::standardOutDimNames(int(shape.size())));
  if (!img)
    return failure();
  return getLinearEncoding(src.getContext(), *img, /*shared=*/false);
}

LogicalResult ReshapeOp::verify() {
  auto src = getSrc().getType(), dst = getType();
  if (src.getNumElements() != dst.getNumElements())
    return emitOpError() << "the number of elements changes ("
                         << src.getNumElements() << " vs "
                         << dst.getNumElements() << ")";
  auto layouts = distributedLayouts(*this, src, "source", dst,
                                     "result");
  if (failed(layouts))
    return failure();
  const ::ll::LinearLayout *ls = &layouts->first, *ld = &layouts->second;
  // Row-major reshape of the out dims: flatten with the last dim fastest.
  auto flatten = [](const ::ll::LinearLayout &l) -> ::ll::LinearLayout {
    auto names = l.outDimNames();
    std::reverse(names.begin(), names.end());
    auto t = l.transposeOuts(names);
    return t ? t->flattenOuts() : l;
  };
  ::ll::LinearLayout fs = flatten(*ls), fd = flatten(*ld);
  bool same = fs.bases() == fd.bases() && fs.totalOutBits() == fd.totalOutBits();
  if (!same)
    return mismatch(*this, *ls, *ld);
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getSrc().getType() == getType())
    return getSrc();
  return {};
}

/// `order` permutes the source's dims into the result's: result dim i is
/// source dim order[i] (ll.trans, ll.memdesc_trans).
static LogicalResult verifyPermutation(Operation *op, ArrayRef<int32_t> order,
                                       ArrayRef<int64_t> src,
                                       ArrayRef<int64_t> dst) {
  unsigned rank = src.size();
  if (order.size() != rank || dst.size() != rank)
    return op->emitOpError() << "order must have one entry per dim (" << rank
                             << ")";
  SmallVector<bool> seen(rank, false);
  for (int32_t d : order) {
    if (d < 0 || d >= int32_t(rank) || seen[d])
      return op->emitOpError() << "order must be a permutation of 0.."
                               << rank - 1;
    seen[d] = true;
  }
  for (unsigned i = 0; i < rank; ++i)
    if (dst[i] != src[order[i]])
      return op->emitOpError() << "result dim " << i << " must have size "
                               << src[order[i]];
  return success();
}

LogicalResult TransOp::verify() {
  auto src = getSrc().getType(), dst = getType();
  ArrayRef<int32_t> order = getOrder();
  if (failed(verifyPermutation(*this, order, src.getShape(), dst.getShape())))
    return failure();
  auto layouts = distributedLayouts(*this, src, "source", dst,
                                     "result");
  if (failed(layouts))
    return failure();
  const ::ll::LinearLayout *ls = &layouts->first, *ld = &layouts->second;
  auto want = remapOuts(*ls, dst.getShape(), [&](const ::ll::Basis &b,
                                                 unsigned d) {
    return b[order[d]];
  });
  if (!want || *want != *ld)
    return mismatch(*this, want ? *want : *ls, *ld);
  return success();
}

OpFoldResult TransOp::fold(FoldAdaptor) {
  for (auto [i, d] : llvm::enumerate(getOrder()))
    if (int64_t(i) != d)
      return {};
  if (getSrc().getType() == getType())
    return getSrc();
  return {};
}

LogicalResult ExpandDimsOp::verify() {
  auto src = getSrc().getType(), dst = getType();
  int32_t axis = getAxis();
  if (axis < 0 || axis > src.getRank())
    return emitOpError() << "axis " << axis << " is out of range";
  SmallVector<int64_t> want(src.getShape());
  want.insert(want.begin() + axis, 1);
  if (dst.getShape() != ArrayRef<int64_t>(want))
    return emitOpError() << "result shape must be the source shape with a 1 "
                            "inserted at axis "
                         << axis;
  auto layouts = distributedLayouts(*this, src, "source", dst,
                                     "result");
  if (failed(layouts))
    return failure();
  const ::ll::LinearLayout *ls = &layouts->first, *ld = &layouts->second;
  auto expected = remapOuts(*ls, dst.getShape(), [&](const ::ll::Basis &b,
                                                     unsigned d) {
    if (int32_t(d) == axis)
      return int32_t(0);
    return b[d < unsigned(axis) ? d : d - 1];
  });
  if (!expected || withoutZeroRegisters(*expected) != withoutZeroRegisters(*ld))
    return mismatch(*this, expected ? *expected : *ls, *ld);
  return success();
}

LogicalResult BroadcastOp::verify() {
  auto src = getSrc().getType(), dst = getType();
  if (src.getRank() != dst.getRank())
    return emitOpError() << "source and result ranks differ";
  for (int64_t d = 0; d < src.getRank(); ++d)
    if (src.getDimSize(d) != dst.getDimSize(d) && src.getDimSize(d) != 1)
      return emitOpError() << "dim " << d
                           << " can only be broadcast from size 1";
  auto layouts = distributedLayouts(*this, src, "source", dst,
                                     "result");
  if (failed(layouts))
    return failure();
  const ::ll::LinearLayout *ls = &layouts->first, *ld = &layouts->second;
  // Project the result onto the source: broadcast dims collapse to size 1.
  auto projected = remapOuts(*ld, src.getShape(), [&](const ::ll::Basis &b,
                                                      unsigned d) {
    return src.getDimSize(d) == 1 ? int32_t(0) : b[d];
  });
  if (!projected ||
      withoutZeroRegisters(*projected) != withoutZeroRegisters(*ls))
    return emitOpError() << "the source layout must be the result layout "
                            "with the broadcast dims projected out; the "
                            "result layout projects to"
                         << (projected ? projected->toString() : "?")
                         << "\nbut the source layout is" << ls->toString();
  return success();
}

OpFoldResult BroadcastOp::fold(FoldAdaptor) {
  if (getSrc().getType() == getType())
    return getSrc();
  return {};
}

namespace {
/// For join/split: the layout `whole` (rank r + 1, last dim of size 2) must
/// move its last dim by exactly one register basis; returns `whole` without
/// that basis and without the last dim.
FailureOr<::ll::LinearLayout> dropJoinedDim(Operation *op,
                                            const ::ll::LinearLayout &whole,
                                            ArrayRef<int64_t> partShape) {
  int last = whole.numOutDims() - 1;
  int reg = whole.inDimIndex("register");
  int found = -1;
  for (int i = 0; i < whole.numInDims(); ++i)
    for (int b = 0; b < whole.inDimSizeLog2(i); ++b) {
      if (whole.basis(i, b, last) == 0)
        continue;
      bool unit = whole.basis(i, b, last) == 1;
      for (int o = 0; o < last; ++o)
        unit &= whole.basis(i, b, o) == 0;
      if (i != reg || !unit || found >= 0)
        return op->emitOpError()
               << "the last dim (of size 2) must be held by exactly one "
                  "register basis, moving only that dim";
      found = b;
    }
  if (found < 0)
    return op->emitOpError() << "no register basis holds the last dim";
  ::ll::BasesList bl;
  for (auto &[name, bases] : whole.bases()) {
    std::vector<::ll::Basis> nb;
    for (size_t b = 0; b < bases.size(); ++b) {
      if (name == "register" && int(b) == found)
        continue;
      nb.emplace_back(bases[b].begin(), bases[b].end() - 1);
    }
    bl.push_back({name, std::move(nb)});
  }
  ::ll::DimSizes outs;
  for (size_t d = 0; d < partShape.size(); ++d)
    outs.push_back({"dim" + std::to_string(d), int32_t(partShape[d])});
  auto r = ::ll::LinearLayout::create(std::move(bl), outs, false);
  if (!r)
    return op->emitOpError() << r.error().message();
  return *r;
}
} // namespace

LogicalResult JoinOp::verify() {
  auto src = getLhs().getType(), dst = getType();
  SmallVector<int64_t> want(src.getShape());
  want.push_back(2);
  if (dst.getShape() != ArrayRef<int64_t>(want))
    return emitOpError() << "result shape must be the operand shape with a "
                            "new last dim of size 2";
  auto layouts = distributedLayouts(*this, src, "operand", dst,
                                     "result");
  if (failed(layouts))
    return failure();
  const ::ll::LinearLayout *ls = &layouts->first, *ld = &layouts->second;
  auto part = dropJoinedDim(*this, *ld, src.getShape());
  if (failed(part))
    return failure();
  if (*part != *ls)
    return mismatch(*this, *ls, *part);
  return success();
}

LogicalResult SplitOp::verify() {
  auto src = getSrc().getType(), dst = getOutLHS().getType();
  if (dst != getOutRHS().getType())
    return emitOpError() << "both results must have one type";
  SmallVector<int64_t> want(dst.getShape());
  want.push_back(2);
  if (src.getShape() != ArrayRef<int64_t>(want))
    return emitOpError() << "the source shape must be the result shape with "
                            "a last dim of size 2";
  if (src.getElementType() != dst.getElementType())
    return emitOpError() << "element types differ";
  auto layouts = distributedLayouts(*this, src, "source", dst,
                                     "result");
  if (failed(layouts))
    return failure();
  const ::ll::LinearLayout *ls = &layouts->first, *ld = &layouts->second;
  auto part = dropJoinedDim(*this, *ls, dst.getShape());
  if (failed(part))
    return failure();
  if (*part != *ld)
    return mismatch(*this, *part, *ld);
  return success();
}

LogicalResult GatherOp::verify() {
  auto src = getSrc().getType(), idx = getIndices().getType(),
       dst = getType();
  int32_t axis = getAxis();
  if (src.getRank() != idx.getRank())
    return emitOpError() << "source and indices must have the same rank";
  if (axis < 0 || axis >= src.getRank())
    return emitOpError() << "axis " << axis << " is out of range";
  if (!idx.getElementType().isInteger())
    return emitOpError() << "indices must be integers";
  if (dst.getShape() != idx.getShape() ||
      dst.getElementType() != src.getElementType())
    return emitOpError() << "the result has the shape of the indices and "
                            "the element type of the source";
  for (int64_t d = 0; d < src.getRank(); ++d)
    if (d != axis && src.getDimSize(d) != idx.getDimSize(d))
      return emitOpError() << "source and indices differ in dim " << d
                           << ", which is not the gather axis";
  for (Type t : {Type(src), Type(idx), Type(dst)})
    if (failed(requireDistributed(*this, t, "every tensor")))
      return failure();
  if (!haveEqualLayouts(idx, dst))
    return emitOpError() << "the result must have the layout of the indices";
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions and scans
//===----------------------------------------------------------------------===//

/// Operands of one shape and one layout, `axis` in range, and a combining
/// region of 2 N scalars (accumulated, then new) returning N of the
/// operands' element types.
static LogicalResult verifyCombining(Operation *op, ValueRange srcs,
                                     int32_t axis, Region &region) {
  if (srcs.empty())
    return op->emitOpError() << "needs at least one operand";
  auto first = cast<RankedTensorType>(srcs[0].getType());
  if (axis < 0 || axis >= first.getRank())
    return op->emitOpError() << "axis " << axis << " is out of range for rank "
                             << first.getRank();
  for (Value v : srcs) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getShape() != first.getShape())
      return op->emitOpError() << "operands must have one shape";
    if (failed(requireDistributed(op, t, "every operand")))
      return failure();
    if (!haveEqualLayouts(t, first))
      return op->emitOpError() << "operands must have one layout";
  }
  Block &body = region.front();
  size_t n = srcs.size();
  if (body.getNumArguments() != 2 * n)
    return op->emitOpError() << "the combining region must take " << 2 * n
                             << " arguments (the accumulated values, then "
                                "the new ones), not "
                             << body.getNumArguments();
  for (size_t i = 0; i < 2 * n; ++i) {
    Type want = cast<RankedTensorType>(srcs[i % n].getType()).getElementType();
    if (body.getArgument(i).getType() != want)
      return op->emitOpError() << "combining region argument " << i
                               << " must have type " << want;
  }
  Operation *term = body.getTerminator();
  if (term->getNumOperands() != n)
    return op->emitOpError() << "the combining region must return " << n
                             << " values";
  for (size_t i = 0; i < n; ++i)
    if (term->getOperand(i).getType() != body.getArgument(i).getType())
      return op->emitOpError() << "the combining region must return value "
                               << i << " as " << body.getArgument(i).getType();
  return success();
}

LogicalResult ReduceOp::verifyRegions() {
  return verifyCombining(*this, getSrcs(), getAxis(), getCombineOp());
}

LogicalResult ReduceOp::verify() {
  if (getSrcs().empty())
    return emitOpError() << "needs at least one operand";
  if (getNumResults() != getSrcs().size())
    return emitOpError() << "needs one result per operand";
  auto src = cast<RankedTensorType>(getSrcs()[0].getType());
  int32_t axis = getAxis();
  if (axis < 0 || axis >= src.getRank())
    return emitOpError() << "axis " << axis << " is out of range for rank "
                         << src.getRank();
  for (auto [v, r] : llvm::zip(getSrcs(), getResult())) {
    auto t = cast<RankedTensorType>(v.getType());
    if (src.getRank() == 1) {
      if (r.getType() != t.getElementType())
        return emitOpError() << "reducing a 1-D tensor gives a scalar of its "
                                "element type";
      continue;
    }
    auto rt = dyn_cast<RankedTensorType>(r.getType());
    SmallVector<int64_t> want(t.getShape());
    want.erase(want.begin() + axis);
    if (!rt || rt.getShape() != ArrayRef<int64_t>(want) ||
        rt.getElementType() != t.getElementType())
      return emitOpError() << "result must be the operand's tensor without "
                              "dim "
                           << axis;
    auto layouts = distributedLayouts(*this, t, "operand", rt, "result");
    if (failed(layouts))
      return failure();
    auto expected = remapOuts(layouts->first, rt.getShape(),
                              [&](const ::ll::Basis &b, unsigned d) {
                                return b[d < unsigned(axis) ? d : d + 1];
                              });
    if (!expected || withoutZeroRegisters(*expected) !=
                         withoutZeroRegisters(layouts->second))
      return mismatch(*this, expected ? *expected : layouts->first,
                      layouts->second);
  }
  return success();
}

LogicalResult ScanOp::verifyRegions() {
  return verifyCombining(*this, getSrcs(), getAxis(), getCombineOp());
}

LogicalResult ScanOp::verify() {
  if (getNumResults() != getSrcs().size())
    return emitOpError() << "needs one result per operand";
  for (auto [v, r] : llvm::zip(getSrcs(), getResult()))
    if (v.getType() != r.getType())
      return emitOpError() << "results must have the operands' types";
  return success();
}

LogicalResult HistogramOp::verify() {
  auto src = getSrc().getType(), dst = getType();
  if (src.getRank() != 1 || dst.getRank() != 1)
    return emitOpError() << "takes and gives 1-D tensors";
  if (!src.getElementType().isSignlessInteger())
    return emitOpError() << "counts integers, not " << src.getElementType();
  if (!dst.getElementType().isInteger(32))
    return emitOpError() << "gives i32 counts";
  for (Type t : {Type(src), Type(dst)})
    if (failed(requireDistributed(*this, t, "every tensor")))
      return failure();
  if (Value m = getMask()) {
    auto mt = cast<RankedTensorType>(m.getType());
    if (!mt.getElementType().isInteger(1) || mt.getShape() != src.getShape() ||
        !haveEqualLayouts(mt, src))
      return emitOpError() << "the mask must be i1 with the source's shape "
                              "and layout";
  }
  return success();
}

LogicalResult MakeRangeOp::verify() {
  auto t = getType();
  if (t.getRank() != 1)
    return emitOpError() << "the result must be 1D";
  if (!t.getElementType().isInteger(32))
    return emitOpError() << "the result must hold i32";
  // The bounds are signed i32 values (as in Triton): 0x7fffff80 to
  // 0x80000000 wraps around, it is not a range of 128.
  int64_t start = getStartAttr().getInt(), end = getEndAttr().getInt();
  if (end <= start)
    return emitOpError() << "end (" << end << ") must be greater than start ("
                         << start << ")";
  if (end - start != t.getDimSize(0))
    return emitOpError() << "end - start (" << end - start
                         << ") must equal the result size ("
                         << t.getDimSize(0) << ")";
  return requireDistributed(*this, t, "result");
}

LogicalResult SplatOp::verify() {
  if (getSrc().getType() != getType().getElementType())
    return emitOpError() << "the scalar must have the result's element type";
  return requireDistributed(*this, getType(), "result");
}

//===----------------------------------------------------------------------===//
// Shared memory
//===----------------------------------------------------------------------===//

static LogicalResult checkMemShape(Operation *op, RankedTensorType t,
                                   MemDescType m) {
  if (t.getShape() != m.getShape() || t.getElementType() != m.getElementType())
    return op->emitOpError() << "the tensor and the memory descriptor must "
                                "have one shape and element type";
  return success();
}

LogicalResult LocalAllocOp::verify() {
  auto m = getType();
  if (!getSrc()) {
    if (!m.getMutableMemory())
      return emitOpError() << "an allocation without an initial value must "
                              "be mutable";
    return success();
  }
  auto t = cast<RankedTensorType>(getSrc().getType());
  if (failed(requireDistributed(*this, t, "source")))
    return failure();
  return checkMemShape(*this, t, m);
}

LogicalResult LocalLoadOp::verify() {
  if (failed(requireDistributed(*this, getType(), "result")))
    return failure();
  return checkMemShape(*this, getType(), getSrc().getType());
}

LogicalResult LocalStoreOp::verify() {
  if (!getDst().getType().getMutableMemory())
    return emitOpError() << "cannot store to immutable shared memory";
  if (failed(requireDistributed(*this, getSrc().getType(), "source")))
    return failure();
  return checkMemShape(*this, getSrc().getType(), getDst().getType());
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

/// `x`, `y` or `z` for a grid axis 0-2.
static ParseResult parseAxis(OpAsmParser &p, IntegerAttr &axis) {
  StringRef name;
  SMLoc loc = p.getCurrentLocation();
  if (p.parseKeyword(&name))
    return failure();
  int v = llvm::StringSwitch<int>(name).Case("x", 0).Case("y", 1).Case("z", 2).Default(-1);
  if (v < 0)
    return p.emitError(loc) << "expected a grid axis x, y or z, got '" << name
                            << "'";
  axis = p.getBuilder().getI32IntegerAttr(v);
  return success();
}

static void printAxis(OpAsmPrinter &p, Operation *, IntegerAttr axis) {
  p << "xyz"[axis.getInt() & 3];
}

/// The type `ptrLike` points to, with its shape and layout: tensor<8x!ll.ptr<f16>,
/// #b> -> tensor<8xf16, #b>, !ll.ptr<f16> -> f16.
static Type pointeeLike(Type ptrLike) {
  auto ptr = cast<PointerType>(getElementTypeOrSelf(ptrLike));
  if (auto t = dyn_cast<RankedTensorType>(ptrLike))
    return t.clone(ptr.getPointeeType());
  return ptr.getPointeeType();
}

/// `b` has the shape and layout of `a` (both scalars, or tensors of one
/// shape whose layouts are equal).
static LogicalResult requireSameLayout(Operation *op, Type a, Type b,
                                       StringRef what) {
  auto ta = dyn_cast<RankedTensorType>(a), tb = dyn_cast<RankedTensorType>(b);
  if (bool(ta) != bool(tb))
    return op->emitOpError() << what << " must be "
                             << (ta ? "a tensor" : "a scalar")
                             << " like the pointers";
  if (!ta)
    return success();
  if (ta.getShape() != tb.getShape())
    return op->emitOpError() << what << " must have the pointers' shape";
  if (ta.getEncoding() != tb.getEncoding() && !haveEqualLayouts(ta, tb))
    return op->emitOpError() << what << " must have the pointers' layout";
  return success();
}

LogicalResult AddPtrOp::verify() {
  return requireSameLayout(*this, getPtr().getType(), getOffset().getType(),
                           "the offsets");
}

LogicalResult LoadOp::verify() {
  Type want = pointeeLike(getPtr().getType());
  if (getType() != want)
    return emitOpError() << "the result must be " << want;
  if (getMask() && failed(requireSameLayout(*this, getPtr().getType(),
                                            getMask().getType(), "the mask")))
    return failure();
  if (getOther() && !getMask())
    return emitOpError() << "`other` needs a mask";
  if (getOther() && getOther().getType() != want)
    return emitOpError() << "`other` must be " << want;
  return success();
}

LogicalResult StoreOp::verify() {
  Type want = pointeeLike(getPtr().getType());
  if (getValue().getType() != want)
    return emitOpError() << "the stored value must be " << want;
  if (getMask())
    return requireSameLayout(*this, getPtr().getType(), getMask().getType(),
                             "the mask");
  return success();
}

/// The value operands of an atomic (`vals`, named by `names`) and its
/// result are what `ptr` points to; `kind` decides the element types.
static LogicalResult verifyAtomic(Operation *op, Type ptr, ValueRange vals,
                                  ArrayRef<StringRef> names, Type result) {
  Type want = pointeeLike(ptr);
  for (auto [v, n] : llvm::zip(vals, names))
    if (v.getType() != want)
      return op->emitOpError() << n << " must be " << want << ", got "
                               << v.getType();
  if (result != want)
    return op->emitOpError() << "the result must be " << want;
  Type elt = getElementTypeOrSelf(want);
  unsigned bits = elt.isIntOrFloat() ? elt.getIntOrFloatBitWidth() : 0;
  if (bits != 16 && bits != 32 && bits != 64)
    return op->emitOpError() << "needs 16-, 32- or 64-bit elements, got "
                             << elt;
  return success();
}

LogicalResult AtomicRMWOp::verify() {
  Type elt = getElementTypeOrSelf(getVal().getType());
  if (failed(verifyAtomic(*this, getPtr().getType(), {getVal()}, {"the value"},
                          getType())))
    return failure();
  if (getMask() && failed(requireSameLayout(*this, getPtr().getType(),
                                            getMask().getType(), "the mask")))
    return failure();
  AtomicRMWKind k = getKind();
  if (k == AtomicRMWKind::FADD && !isa<FloatType>(elt))
    return emitOpError() << "fadd needs floats, got " << elt;
  if (k != AtomicRMWKind::FADD && k != AtomicRMWKind::XCHG &&
      !elt.isSignlessInteger())
    return emitOpError() << stringifyAtomicRMWKind(k)
                         << " needs integers, got " << elt;
  if (k != AtomicRMWKind::XCHG && elt.getIntOrFloatBitWidth() == 16 &&
      k != AtomicRMWKind::FADD)
    return emitOpError() << stringifyAtomicRMWKind(k)
                         << " needs 32- or 64-bit integers, got " << elt;
  return success();
}

LogicalResult AtomicCASOp::verify() {
  if (failed(verifyAtomic(*this, getPtr().getType(), {getCmp(), getVal()},
                          {"the compared value", "the value"}, getType())))
    return failure();
  return success();
}

LogicalResult MemDescIndexOp::verify() {
  MemDescType src = getSrc().getType(), dst = getType();
  if (src.getShape().size() != dst.getShape().size() + 1 ||
      src.getShape().drop_front() != dst.getShape())
    return emitOpError() << "the result must be one buffer of the leading dim: "
                         << src << " -> " << dst;
  if (src.getElementType() != dst.getElementType() ||
      src.getEncoding() != dst.getEncoding() ||
      src.getMutableMemory() != dst.getMutableMemory())
    return emitOpError() << "the result must keep the element type, layout "
                            "and mutability";
  return success();
}

LogicalResult MemDescSubsliceOp::verify() {
  MemDescType src = getSrc().getType(), dst = getType();
  ArrayRef<int32_t> offsets = getOffsets();
  if (src.getElementType() != dst.getElementType() ||
      src.getEncoding() != dst.getEncoding() ||
      src.getMutableMemory() != dst.getMutableMemory())
    return emitOpError() << "the result must keep the element type, layout "
                            "and mutability";
  if (src.getNumBuffers() != 1 ||
      src.getShape().size() != dst.getShape().size() ||
      offsets.size() != dst.getShape().size())
    return emitOpError() << "views one buffer: one offset per dim of the "
                            "source and the result";
  if (dst.getLayoutShape() != src.getLayoutShape())
    return emitOpError() << "the result's allocation shape must be the "
                            "source's ("
                         << src << " -> " << dst << ")";
  for (auto [o, n, m] : llvm::zip(offsets, dst.getShape(), src.getShape()))
    if (o < 0 || o % n || o + n > m)
      return emitOpError() << "each offset must be a multiple of the result's "
                              "size in its dim, the box inside the source: ["
                           << llvm::make_range(offsets.begin(), offsets.end())
                           << "] of " << src << " -> " << dst;
  return success();
}

LogicalResult MemDescTransOp::verify() {
  MemDescType src = getSrc().getType(), dst = getType();
  ArrayRef<int32_t> order = getOrder();
  if (failed(verifyPermutation(*this, order, src.getShape(), dst.getShape())))
    return failure();
  if (src.getElementType() != dst.getElementType() ||
      src.getMutableMemory() != dst.getMutableMemory() ||
      src.getNumBuffers() != 1 || dst.getNumBuffers() != 1)
    return emitOpError() << "views one buffer and keeps its element type and "
                            "mutability";
  auto ls = layoutOf(*this, src, "source layout");
  auto ld = layoutOf(*this, dst, "result layout");
  if (failed(ls) || failed(ld))
    return failure();
  auto want = remapOuts(*ls, dst.getLayoutShape(),
                        [&](const ::ll::Basis &b, unsigned d) {
                          return b[order[d]];
                        });
  if (!want || *want != *ld)
    return mismatch(*this, want ? *want : *ls, *ld);
  return success();
}

LogicalResult AsyncCopyOp::verify() {
  MemDescType m = getDst().getType();
  auto p = cast<RankedTensorType>(getPtr().getType());
  if (!m.getMutableMemory())
    return emitOpError() << "cannot copy to immutable shared memory";
  if (p.getShape() != m.getShape() ||
      pointeeLike(p) != p.clone(m.getElementType()))
    return emitOpError() << "the pointers must have the shape of the "
                            "destination and point to its element type";
  if (failed(requireDistributed(*this, p, "the pointers")))
    return failure();
  if (getMask() && failed(requireSameLayout(*this, p, getMask().getType(),
                                            "the mask")))
    return failure();
  if (getOther() && getOther().getType() != pointeeLike(p))
    return emitOpError() << "`other` must be " << pointeeLike(p);
  return success();
}

LogicalResult CatOp::verify() {
  auto src = cast<RankedTensorType>(getLhs().getType());
  auto dst = cast<RankedTensorType>(getType());
  if (src.getElementType() != dst.getElementType() ||
      dst.getNumElements() != 2 * src.getNumElements())
    return emitOpError() << "the result must hold the elements of both "
                            "operands: " << src << " -> " << dst;
  if (failed(requireDistributed(*this, src, "the operands")) ||
      failed(requireDistributed(*this, dst, "the result")))
    return failure();
  auto ls = getLinearLayout(src), ld = getLinearLayout(dst);
  if (failed(ls) || failed(ld))
    return emitOpError() << "needs linear layouts";
  auto size = [](const ::ll::LinearLayout &l, const char *d) {
    return l.hasInDim(d) ? l.inDimSize(l.inDimIndex(d)) : 1;
  };
  if (size(*ld, "register") != 2 * size(*ls, "register") ||
      size(*ld, "lane") != size(*ls, "lane") ||
      size(*ld, "warp") != size(*ls, "warp"))
    return emitOpError() << "the result layout must have twice the "
                            "operands' registers over the same lanes and warps";
  return success();
}

LogicalResult PrintOp::verify() {
  if (getIsSigned().size() != getArgs().size())
    return emitOpError() << "needs one isSigned entry per operand, got "
                         << getIsSigned().size() << " for "
                         << getArgs().size();
  for (Value a : getArgs()) {
    Type t = getElementTypeOrSelf(a.getType());
    bool printable = isa<PointerType>(t) ||
                     (t.isIntOrFloat() && t.getIntOrFloatBitWidth() <= 64 &&
                      (!isa<FloatType>(t) || t.isF16() || t.isBF16() ||
                       t.isF32() || t.isF64()));
    if (!printable)
      return emitOpError() << "cannot print " << a.getType();
    if (getHex() && isa<FloatType>(t))
      return emitOpError() << "prints floats in decimal only, got hex for "
                           << a.getType();
  }
  return success();
}

LogicalResult AssertOp::verify() {
  if (!getElementTypeOrSelf(getCondition().getType()).isInteger(1))
    return emitOpError() << "needs an i1 condition, got "
                         << getCondition().getType();
  return success();
}

/// Every value of `vals` has the shape and layout of `like` (scalars with
/// scalars).
static LogicalResult requireElementwise(Operation *op, Type like,
                                        ValueRange vals) {
  for (Value v : vals) {
    bool tensor = isa<RankedTensorType>(v.getType());
    if (tensor != isa<RankedTensorType>(like) ||
        (tensor && failed(requireSameLayout(op, like, v.getType(), "an operand"))))
      return op->emitOpError() << "operands and results must be tensors of one "
                                  "shape and layout, or scalars; got "
                               << v.getType() << " and " << like;
  }
  return success();
}

LogicalResult ExternElementwiseOp::verify() {
  if (getSymbol().empty())
    return emitOpError() << "needs a function symbol";
  return requireElementwise(*this, getType(), getSrcs());
}

LogicalResult ElementwiseInlineAsmOp::verify() {
  if (getPackedElement() < 1)
    return emitOpError() << "packs at least one element";
  if (getResult().empty())
    return emitOpError() << "needs a result";
  Type like = getResult()[0].getType();
  if (failed(requireElementwise(*this, like, getArgs())) ||
      failed(requireElementwise(*this, like, getResult())))
    return failure();
  return success();
}

/// Casts keep the shape and the layout; `what` names the element types.
static LogicalResult verifyCast(Operation *op, Type src, Type dst,
                                function_ref<bool(Type, Type)> elementsOk,
                                StringRef what) {
  if (failed(requireSameLayout(op, src, dst, "the result")))
    return failure();
  if (!elementsOk(getElementTypeOrSelf(src), getElementTypeOrSelf(dst)))
    return op->emitOpError() << what << ", got " << getElementTypeOrSelf(src)
                             << " -> " << getElementTypeOrSelf(dst);
  return success();
}

/// Whether every value of float type `from` is a value of `to`.
static bool floatFits(FloatType from, FloatType to) {
  const llvm::fltSemantics &a = from.getFloatSemantics(),
                           &b = to.getFloatSemantics();
  return llvm::APFloatBase::isRepresentableAsNormalIn(a, b) ||
         (llvm::APFloat::semanticsPrecision(a) <=
              llvm::APFloat::semanticsPrecision(b) &&
          llvm::APFloat::semanticsMaxExponent(a) <=
              llvm::APFloat::semanticsMaxExponent(b) &&
          llvm::APFloat::semanticsMinExponent(a) -
                  int(llvm::APFloat::semanticsPrecision(a)) >=
              llvm::APFloat::semanticsMinExponent(b) -
                  int(llvm::APFloat::semanticsPrecision(b)));
}

LogicalResult Fp4ToFpOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto dst = cast<RankedTensorType>(getType());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= src.getRank() || dst.getRank() != src.getRank())
    return emitOpError() << "axis " << axis << " is not a dim of the source";
  for (int64_t d = 0; d < src.getRank(); ++d)
    if (dst.getDimSize(d) != src.getDimSize(d) * (d == axis ? 2 : 1))
      return emitOpError() << "the result has the source's shape with dim "
                           << axis << " doubled";
  if (!src.getElementType().isInteger(8))
    return emitOpError() << "the source holds bytes (i8), not "
                         << src.getElementType();
  if (!dst.getElementType().isBF16() && !dst.getElementType().isF16())
    return emitOpError() << "the result is bf16 or f16, not "
                         << dst.getElementType();
  if (failed(requireDistributed(*this, src, "the source")) ||
      failed(requireDistributed(*this, dst, "the result")))
    return failure();
  return success();
}

::ll::Expected<::ll::LinearLayout>
mlir::ll::mxScaleLayout(const ::ll::LinearLayout &result, unsigned axis) {
  ::ll::BasesList bl = result.bases();
  for (auto &[name, bases] : bl)
    for (::ll::Basis &v : bases)
      v[axis] >>= 5;
  ::ll::DimSizes outs = result.outDims();
  outs[axis].second = std::max<int32_t>(1, outs[axis].second / 32);
  return ::ll::LinearLayout::create(std::move(bl), outs,
                                    /*requireSurjective=*/false);
}

LogicalResult UpcastMxfpOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto dst = cast<RankedTensorType>(getType());
  auto sc = cast<RankedTensorType>(getScale().getType());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= src.getRank() || dst.getRank() != src.getRank() ||
      sc.getRank() != src.getRank())
    return emitOpError() << "axis " << axis << " is not a dim of the source";
  // e2m1 pairs (i8, `axis` doubles) or values already converted (the
  // result's type, shape and layout)
  bool packed = !isa<FloatType>(src.getElementType());
  for (int64_t d = 0; d < src.getRank(); ++d)
    if (dst.getDimSize(d) != src.getDimSize(d) * (d == axis && packed ? 2 : 1) ||
        sc.getDimSize(d) * (d == axis ? 32 : 1) != dst.getDimSize(d))
      return emitOpError() << "the result has the source's shape"
                           << (packed ? " with dim " + std::to_string(axis) +
                                            " doubled"
                                      : std::string())
                           << ", the scales one per 32 along dim " << axis;
  if ((packed && !src.getElementType().isInteger(8)) ||
      (!packed && (src.getElementType() != dst.getElementType() ||
                   !haveEqualLayouts(src, dst))) ||
      !sc.getElementType().isInteger(8))
    return emitOpError() << "the source is bytes (i8 e2m1 pairs) or the "
                            "result's type and layout; the scales are bytes";
  if (!dst.getElementType().isBF16() && !dst.getElementType().isF16())
    return emitOpError() << "the result is bf16 or f16, not "
                         << dst.getElementType();
  auto layouts = distributedLayouts(*this, dst, "the result", sc, "the scales");
  if (failed(layouts) || failed(requireDistributed(*this, src, "the source")))
    return failure();
  auto want = mxScaleLayout(layouts->first, unsigned(axis));
  if (!want || *want != layouts->second)
    return emitOpError() << "the scales must be in the result's layout with "
                            "dim "
                         << axis << " divided by 32"
                         << (want ? ":" + want->toString() : std::string());
  return success();
}

LogicalResult FpToFpOp::verify() {
  Type src = getSrc().getType(), dst = getType();
  auto fs = dyn_cast<FloatType>(getElementTypeOrSelf(src));
  auto fd = dyn_cast<FloatType>(getElementTypeOrSelf(dst));
  if (!fs || !fd)
    return emitOpError() << "converts floats, got " << src << " -> " << dst;
  if (isa<RankedTensorType>(src) != isa<RankedTensorType>(dst))
    return emitOpError() << "converts scalars to scalars and tensors to "
                            "tensors";
  if (auto ts = dyn_cast<RankedTensorType>(src))
    if (!haveEqualLayouts(ts, dst))
      return emitOpError() << "source and result must have one layout";
  bool exact = floatFits(fs, fd);
  if (!exact && !getRounding())
    return emitOpError() << "needs a rounding mode: " << fs << " -> " << fd
                         << " loses precision or range";
  if (exact && getRounding())
    return emitOpError() << "takes no rounding mode: " << fs << " -> " << fd
                         << " is exact";
  return success();
}

LogicalResult BitcastOp::verify() {
  return verifyCast(
      *this, getSrc().getType(), getType(),
      [](Type a, Type b) {
        auto pa = dyn_cast<PointerType>(a), pb = dyn_cast<PointerType>(b);
        if (pa || pb)
          return pa && pb && pa.getAddressSpace() == pb.getAddressSpace();
        return a.isIntOrFloat() && b.isIntOrFloat() &&
               a.getIntOrFloatBitWidth() == b.getIntOrFloatBitWidth();
      },
      "expects integers or floats of one width, or pointers in one address "
      "space");
}

LogicalResult IntToPtrOp::verify() {
  return verifyCast(
      *this, getSrc().getType(), getType(),
      [](Type a, Type b) { return a.isInteger(64) && isa<PointerType>(b); },
      "expects i64 to a pointer");
}

LogicalResult PtrToIntOp::verify() {
  return verifyCast(
      *this, getSrc().getType(), getType(),
      [](Type a, Type b) { return isa<PointerType>(a) && b.isInteger(64); },
      "expects a pointer to i64");
}

//===----------------------------------------------------------------------===//
// Reductions that produce their results in a conversion's layout
//===----------------------------------------------------------------------===//

SmallVector<ConvertLayoutOp> mlir::ll::getFusedConversions(ReduceOp op) {
  SmallVector<ConvertLayoutOp> cvts;
  RankedTensorType dst;
  for (Value r : op.getResult()) {
    if (!isa<RankedTensorType>(r.getType()))
      return {};
    if (r.use_empty()) {
      cvts.push_back(nullptr);
      continue;
    }
    auto cvt = r.hasOneUse() ? dyn_cast<ConvertLayoutOp>(*r.getUsers().begin())
                             : ConvertLayoutOp();
    if (!cvt)
      return {};
    auto ct = cast<RankedTensorType>(cvt.getResult().getType());
    if (dst && ct.getEncoding() != dst.getEncoding())
      return {};
    dst = ct;
    cvts.push_back(cvt);
  }
  if (!dst)
    return {};
  auto srcType = cast<RankedTensorType>(op.getSrcs()[0].getType());
  auto src = getLinearLayout(srcType);
  if (failed(src))
    return {};
  auto plan = ::ll::planReduce(
      *src, std::vector<int64_t>(srcType.getShape().begin(), srcType.getShape().end()),
      int(op.getAxis()));
  if (!plan || plan->m() == 0)
    return {};
  auto from = getLinearLayout(cast<RankedTensorType>(op.getResult()[0].getType()));
  auto to = getLinearLayout(dst);
  if (failed(from) || failed(to) || !to->hasInDim("register") ||
      to->inDimSize(to->inDimIndex("register")) >
          from->inDimSize(from->inDimIndex("register")) ||
      (to->hasInDim("block") && to->inDimSize(to->inDimIndex("block")) > 1))
    return {};
  return cvts;
}


bool mlir::ll::isFusedIntoReduce(ConvertLayoutOp op) {
  auto r = op.getSrc().getDefiningOp<ReduceOp>();
  return r && llvm::is_contained(getFusedConversions(r), op);
}

#define GET_OP_CLASSES
#include "linear_layouts/Dialect/LL/IR/LLOps.cpp.inc"

//===----------------------------------------------------------------------===//
// TMA
//===----------------------------------------------------------------------===//

LogicalResult GlobalScratchAllocOp::verify() {
  if (getNbytes() < 1 || getAlignment() < 1 ||
      !llvm::isPowerOf2_32(getAlignment()))
    return emitOpError() << "needs a positive size and a power-of-two "
                            "alignment, not "
                         << getNbytes() << " bytes aligned to "
                         << getAlignment();
  if (getType().getAddressSpace() != 1)
    return emitOpError() << "gives a global pointer (address space 1)";
  return success();
}

LogicalResult TensormapCreateOp::verify() {
  size_t rank = getBoxDim().size();
  if (rank < 1 || rank > 5 || getGlobalDim().size() != rank ||
      getElementStride().size() != rank || getGlobalStride().size() + 1 != rank)
    return emitOpError() << "needs 1 to 5 box sizes, as many sizes and "
                            "element strides, and one stride fewer; got "
                         << rank << ", " << getGlobalDim().size() << ", "
                         << getElementStride().size() << " and "
                         << getGlobalStride().size();
  if (getElemType() > 15 || getSwizzleMode() > 3 || getFillMode() > 1 ||
      getInterleaveLayout() > 2)
    return emitOpError() << "element type " << getElemType() << ", swizzle "
                         << getSwizzleMode() << ", fill " << getFillMode()
                         << " or interleave " << getInterleaveLayout()
                         << " is not a tensor-map code";
  if (getDescPtr().getType().getAddressSpace() != 1 ||
      getGlobalAddress().getType().getAddressSpace() != 1)
    return emitOpError() << "takes global pointers";
  return success();
}

/// A memdesc holding one mbarrier: one i64 (its buffer; leading buffer dims
/// are indexed away first).
static LogicalResult verifyBarrier(Operation *op, MemDescType m) {
  if (!m.getElementType().isInteger(64) || m.getNumBuffers() != 1 ||
      m.getNumElements() != 1)
    return op->emitOpError() << "the barrier must be one i64 of shared "
                                "memory, not "
                             << m;
  return success();
}

LogicalResult InitBarrierOp::verify() {
  if (getCount() < 1)
    return emitOpError() << "an mbarrier expects at least one arrival";
  return verifyBarrier(*this, getAlloc().getType());
}
LogicalResult InvalBarrierOp::verify() {
  return verifyBarrier(*this, getAlloc().getType());
}
LogicalResult BarrierExpectOp::verify() {
  if (getSize() < 0)
    return emitOpError() << "expects a non-negative byte count";
  return verifyBarrier(*this, getAlloc().getType());
}
LogicalResult WaitBarrierOp::verify() {
  return verifyBarrier(*this, getAlloc().getType());
}

/// The descriptor's tile and a shared buffer for it: the same shape,
/// element type and layout; `coords` one per dim.
static LogicalResult verifyTile(Operation *op, TensorDescType desc,
                                MemDescType buf, size_t coords) {
  // (the same map: ll-legacy-to-linear turns the buffer's #ll.nvmma_shared
  // into its #ll.shared)
  MLIRContext *ctx = op->getContext();
  auto tile = MemDescType::get(ctx, desc.getShape(), desc.getElementType(),
                               desc.getEncoding(), true);
  auto one = MemDescType::get(ctx, buf.getBufferShape(), buf.getElementType(),
                              buf.getEncoding(), true);
  if (buf.getNumBuffers() != 1 || !haveEqualLayouts(tile, one) ||
      buf.getElementType() != desc.getElementType())
    return op->emitOpError() << "the shared buffer " << buf
                             << " must hold the descriptor's tile " << desc
                             << " in its layout";
  if (coords != desc.getShape().size())
    return op->emitOpError() << "needs " << desc.getShape().size()
                             << " coordinates, not " << coords;
  if (!isa<NVMMASharedAttr>(desc.getEncoding()))
    return op->emitOpError() << "the tile's layout must be an #ll.nvmma_shared "
                                "(what TMA writes), not "
                             << desc.getEncoding();
  return success();
}

LogicalResult AsyncTMACopyGlobalToLocalOp::verify() {
  if (!getResult().getType().getMutableMemory())
    return emitOpError() << "cannot copy to immutable shared memory";
  if (failed(verifyBarrier(*this, getBarrier().getType())))
    return failure();
  return verifyTile(*this, getDesc().getType(), getResult().getType(),
                    getCoord().size());
}

LogicalResult AsyncTMACopyLocalToGlobalOp::verify() {
  return verifyTile(*this, getDesc().getType(), getSrc().getType(),
                    getCoord().size());
}

//===----------------------------------------------------------------------===//
// Dots
//===----------------------------------------------------------------------===//

ParseResult mlir::ll::parsePassThrough(OpAsmParser &p, OperationState &result,
                                       StringRef required) {
  SmallVector<OpAsmParser::UnresolvedOperand> ins;
  SmallVector<Type> types;
  SMLoc loc = p.getCurrentLocation();
  if (p.parseOperandList(ins) || p.parseOptionalAttrDict(result.attributes) ||
      p.parseColonTypeList(types) ||
      p.resolveOperands(ins, types, loc, result.operands))
    return failure();
  if (!result.attributes.get(required))
    return p.emitError(p.getNameLoc())
           << "expects {" << required << " = N : i32}";
  result.addTypes(types);
  return success();
}

void mlir::ll::printPassThrough(OpAsmPrinter &p, Operation *op) {
  p << " " << op->getOperands();
  p.printOptionalAttrDict(op->getAttrs());
  p << " : " << op->getOperandTypes();
}

ParseResult WarpGroupDotWaitOp::parse(OpAsmParser &p, OperationState &result) {
  return parsePassThrough(p, result, "pendings");
}

void WarpGroupDotWaitOp::print(OpAsmPrinter &p) { printPassThrough(p, *this); }

LogicalResult WarpGroupDotWaitOp::verify() {
  if (getInputs().getTypes() != getOutputs().getTypes())
    return emitOpError() << "results must have the inputs' types";
  if (getPendings() < 0)
    return emitOpError() << "pendings must be at least 0";
  return success();
}

LogicalResult WarpGroupDotOp::verify() {
  auto d = cast<RankedTensorType>(getD().getType());
  MemDescType b = getB().getType();
  auto at = dyn_cast<RankedTensorType>(getA().getType());
  auto am = dyn_cast<MemDescType>(getA().getType());
  if (!at && !am)
    return emitOpError() << "a must be a tensor or a memdesc, not "
                         << getA().getType();
  ArrayRef<int64_t> as = at ? at.getShape() : am.getShape();
  Type ae = at ? at.getElementType() : am.getElementType();
  ArrayRef<int64_t> bs = b.getShape(), ds = d.getShape();
  if (d.getRank() != 2 || as.size() != 2 || bs.size() != 2)
    return emitOpError() << "takes operands and a result of rank 2";
  if (as[1] != bs[0] || as[0] != ds[0] || bs[1] != ds[1])
    return emitOpError() << "shapes do not multiply: " << getA().getType()
                         << " * " << b << " -> " << d;
  Type be = b.getElementType(), de = d.getElementType();
  if (isa<FloatType>(ae) != isa<FloatType>(be) ||
      isa<FloatType>(ae) != isa<FloatType>(de))
    return emitOpError() << "mixes integer and float elements: " << ae << " * "
                         << be << " -> " << de;
  if (at && failed(requireDistributed(*this, at, "a")))
    return failure();
  if (failed(requireDistributed(*this, d, "the result")))
    return failure();
  return success();
}

LogicalResult DotOp::verify() {
  auto a = cast<RankedTensorType>(getA().getType());
  auto b = cast<RankedTensorType>(getB().getType());
  auto c = cast<RankedTensorType>(getC().getType());
  auto d = cast<RankedTensorType>(getD().getType());
  int64_t rank = d.getRank();
  if ((rank != 2 && rank != 3) || a.getRank() != rank || b.getRank() != rank ||
      c != d)
    return emitOpError() << "takes operands of rank 2 (or 3 with a batch) and "
                            "c of the result's type";
  ArrayRef<int64_t> as = a.getShape(), bs = b.getShape(), ds = d.getShape();
  if (as[rank - 1] != bs[rank - 2] || as[rank - 2] != ds[rank - 2] ||
      bs[rank - 1] != ds[rank - 1] ||
      (rank == 3 && (as[0] != ds[0] || bs[0] != ds[0])))
    return emitOpError() << "shapes do not multiply: " << a << " * " << b
                         << " -> " << d;
  Type ae = a.getElementType(), be = b.getElementType(), de = d.getElementType();
  if (isa<FloatType>(ae) != isa<FloatType>(be) ||
      isa<FloatType>(ae) != isa<FloatType>(de))
    return emitOpError() << "mixes integer and float elements: " << ae << " * "
                         << be << " -> " << de;
  for (auto [t, what] : {std::pair<RankedTensorType, const char *>{a, "a"},
                         {b, "b"}, {d, "the result"}})
    if (failed(requireDistributed(*this, t, what)))
      return failure();
  return success();
}
