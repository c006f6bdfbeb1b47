//===- GatherOpToLLVM.cpp - ll.gather --------------------------------------===//
//
// `result[i][j] = src[indices[i][j]][j]` (axis 0), as ll::planGather
// decides:
//   shuffle (every element a thread may need is in its own warp): per result
//     register and candidate source register c, shfl.idx(src[c], lane of
//     the element), kept where the element's register is c; the element's
//     lane and register are the source layout's inverse applied to the
//     result's coordinates with the axis replaced by the index (the non-axis
//     part a constant per register XOR the thread's part, the axis part
//     from the index bits);
//   shared: the first copy of each source element stores it at its
//     row-major index (after a barrier, unless this is the function's first
//     use of shared memory), a barrier, then each result register loads the
//     element at its own coordinates with the axis replaced by the index.
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;
using ::ll::LinearLayout;

namespace {

struct GatherLowering : TargetPattern<GatherOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto srcT = op.getSrc().getType(), dstT = op.getType();
    auto ls = layoutOf(op, srcT), ld = layoutOf(op, dstT);
    if (failed(ls) || failed(ld))
      return failure();
    Type rt = getTypeConverter()->convertType(dstT);
    if (!rt)
      return b.notifyMatchFailure(op, "no lowering of the result type");
    SmallVector<Value> src = unpack(b, loc, adaptor.getSrc());
    SmallVector<Value> idx = unpack(b, loc, adaptor.getIndices());
    Type elt = src[0].getType();
    int axis = int(op.getAxis());
    std::string reason;
    auto bits = getMovedBitWidth(srcT.getElementType(), op, &reason);
    if (failed(bits) || *bits > 64)
      return op.emitOpError() << "cannot be lowered: "
                              << (reason.empty() ? "elements wider than 64 bits"
                                                 : reason);
    auto plan = ::ll::planGather(*ls, *ld, axis, int(*bits), target.target());
    if (!plan)
      return op.emitOpError() << "cannot be lowered: " << plan.error().message();
    Type i32t = b.getI32Type();
    auto index32 = [&](Value k) -> Value {
      unsigned w = k.getType().getIntOrFloatBitWidth();
      if (w > 32)
        return b.create<LLVM::TruncOp>(loc, i32t, k);
      if (w < 32)
        return b.create<LLVM::SExtOp>(loc, i32t, k);
      return k;
    };
    if (plan->kind == ::ll::GatherPlan::Kind::Shuffle) {
      b.replaceOp(op, pack(b, loc, rt, lowerShuffle(b, loc, *plan, *ld, src,
                                                    idx, index32)));
      return success();
    }
    auto strides = rowMajorStrides(srcT.getShape());
    auto base = sharedOffset(op, Scratch({elt}, srcT.getNumElements()).bytes);
    if (failed(base))
      return failure();
    Scratch s({elt}, srcT.getNumElements(), *base);
    ThreadIds ids = threadIds(b, loc, target);
    SmallVector<std::pair<StringRef, Value>> hw = {{"lane", ids.lane},
                                                   {"warp", ids.warp}};
    // Stores: every distinct source element once.
    LinearLayout srcIdx = indexLayout(*ls, strides);
    Value srcRt = runtimePart(b, loc, srcIdx, "offset", hw);
    if (!op->hasAttr(kNoBarrierBefore))
      target.barrier(b, loc);
    {
      OpBuilder::InsertionGuard guard(b);
      insideIf(b, loc, firstCopy(b, loc, ids, freeMask(*ls, "lane"),
                                  freeMask(*ls, "warp")));
      int32_t copies = freeMask(*ls, "register");
      for (auto [r, v] : llvm::enumerate(src)) {
        if (int32_t(r) & copies)
          continue;
        Value at = b.create<LLVM::XOrOp>(
            loc, srcRt,
            i32(b, loc, constPart(srcIdx, "offset", {{"register", int32_t(r)}})));
        storeShared(b, loc, s, 0, v, at);
      }
    }
    target.barrier(b, loc);
    // Loads: the result's coordinates, the axis replaced by the index.
    SmallVector<int64_t> other(strides);
    other[axis] = 0;
    LinearLayout dstIdx = indexLayout(*ld, other);
    Value dstRt = runtimePart(b, loc, dstIdx, "offset", hw);
    SmallVector<Value> out;
    for (auto [r, k] : llvm::enumerate(idx)) {
      Value k32 = index32(k);
      Value at = b.create<LLVM::XOrOp>(
          loc, dstRt,
          i32(b, loc, constPart(dstIdx, "offset", {{"register", int32_t(r)}})));
      at = b.create<LLVM::AddOp>(
          loc, at, b.create<LLVM::MulOp>(loc, k32, i32(b, loc, strides[axis])));
      out.push_back(loadShared(b, loc, s, 0, elt, at));
    }
    b.replaceOp(op, pack(b, loc, rt, out));
    return success();
  }

  /// The shuffle plan: see the file comment.
  SmallVector<Value> lowerShuffle(OpBuilder &b, Location loc,
                                  const ::ll::GatherPlan &p,
                                  const LinearLayout &ld, ArrayRef<Value> src,
                                  ArrayRef<Value> idx,
                                  function_ref<Value(Value)> index32) const {
    int axis = p.axis, n = ld.numOutDims();
    const LinearLayout &inv = p.coordToSrc;
    int lOut = inv.outDimIndex("lane"), rOut = inv.outDimIndex("register");
    auto hwOf = [&](std::vector<int32_t> c) {
      std::vector<int32_t> h = inv.apply(c);
      return std::make_pair(lOut >= 0 ? h[lOut] : 0, h[rOut]);
    };
    // (lane, register) of the element from the result's non-axis
    // coordinates, per result hardware bit.
    ::ll::BasesList rest;
    for (int i = 0; i < ld.numInDims(); ++i) {
      std::vector<::ll::Basis> bs;
      for (int bit = 0; bit < ld.inDimSizeLog2(i); ++bit) {
        std::vector<int32_t> c(n);
        for (int o = 0; o < n; ++o)
          c[o] = o == axis ? 0 : ld.basis(i, bit, o);
        auto [l, r] = hwOf(c);
        bs.push_back({l, r});
      }
      rest.push_back({ld.inDimName(i), std::move(bs)});
    }
    int32_t lanes = int32_t(p.src.inDimSize(p.src.inDimIndex("lane")));
    int32_t regs = int32_t(p.src.inDimSize(0));
    ::ll::DimSizes outs = {{"lane", lanes}, {"register", regs}};
    auto restL = *LinearLayout::create(rest, outs, /*requireSurjective=*/false);
    // ... and from the index bits.
    std::vector<::ll::Basis> ax;
    for (int bit = 0; (int64_t(1) << bit) < p.src.outDimSize(axis); ++bit) {
      std::vector<int32_t> c(n, 0);
      c[axis] = int32_t(1) << bit;
      auto [l, r] = hwOf(c);
      ax.push_back({l, r});
    }
    auto axisL = *LinearLayout::create({{"index", ax}}, outs,
                                       /*requireSurjective=*/false);
    ThreadIds ids = threadIds(b, loc, target);
    SmallVector<std::pair<StringRef, Value>> hw = {{"lane", ids.lane},
                                                   {"warp", ids.warp}};
    Value laneRt = runtimePart(b, loc, restL, "lane", hw);
    Value regRt = runtimePart(b, loc, restL, "register", hw);
    int32_t copies = freeMask(ld, "register");
    SmallVector<Value> out(idx.size());
    for (auto [r, k] : llvm::enumerate(idx)) {
      if (int32_t(r) & copies)
        continue;
      std::pair<StringRef, Value> kv = {"index", index32(k)};
      Value lane = b.create<LLVM::XOrOp>(
          loc, b.create<LLVM::XOrOp>(loc, laneRt,
                                     runtimePart(b, loc, axisL, "lane", kv)),
          i32(b, loc, constPart(restL, "lane", {{"register", int32_t(r)}})));
      Value reg = b.create<LLVM::XOrOp>(
          loc, b.create<LLVM::XOrOp>(loc, regRt,
                                     runtimePart(b, loc, axisL, "register", kv)),
          i32(b, loc, constPart(restL, "register", {{"register", int32_t(r)}})));
      Value v;
      for (int c : p.candidates) {
        Value got = shuffleIdx(b, loc, target, src[c], lane);
        if (!v) {
          v = got;
          continue;
        }
        Value is = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, reg,
                                          i32(b, loc, c));
        v = b.create<LLVM::SelectOp>(loc, is, got, v);
      }
      out[r] = v;
    }
    for (size_t r = 0; r < out.size(); ++r)
      if (!out[r])
        out[r] = out[r & ~size_t(copies)];
    return out;
  }
};

} // namespace

int64_t mlir::ll::gatherScratchBytes(GatherOp op, const TargetInfo &target) {
  auto ls = getLinearLayout(op.getSrc().getType());
  auto li = getLinearLayout(op.getType());
  auto bits = getMovedBitWidth(op.getSrc().getType().getElementType(), op);
  if (failed(ls) || failed(li) || failed(bits))
    return 0;
  auto plan = ::ll::planGather(*ls, *li, int(op.getAxis()), int(*bits),
                               target.target());
  if (!plan || plan->kind == ::ll::GatherPlan::Kind::Shuffle)
    return 0;
  return Scratch({op.getSrc().getType().getElementType()},
                 op.getSrc().getType().getNumElements())
      .bytes;
}

void mlir::ll::populateGatherOpToLLVMPatterns(LLTypeConverter &tc,
                                              RewritePatternSet &patterns,
                                              const TargetInfo &target) {
  patterns.add<GatherLowering>(tc, patterns.getContext(), target);
}

//===----------------------------------------------------------------------===//
// ll.histogram
//===----------------------------------------------------------------------===//
//
// Bins of i32 in shared memory: zeroed by the CTA's threads in turn (a
// barrier first unless this is the first use), a barrier, an atomic add per
// counted element (the first copy of each, where the mask holds and the
// value is in range), a barrier, then each result register reads its bin.

namespace {

struct HistogramLowering : TargetPattern<HistogramOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(HistogramOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto ls = layoutOf(op, op.getSrc().getType());
    auto ld = layoutOf(op, op.getType());
    Type rt = getTypeConverter()->convertType(op.getType());
    if (failed(ls) || failed(ld) || !rt)
      return failure();
    int64_t bins = op.getType().getNumElements();
    Type i32t = b.getI32Type();
    auto base = sharedOffset(op, Scratch({i32t}, bins).bytes);
    if (failed(base))
      return failure();
    Scratch s({i32t}, bins, *base);
    ThreadIds ids = threadIds(b, loc, target);
    Value tid = target.threadId(b, loc);
    int64_t threads = int64_t(target.warpSize()) *
                      ls->inDimSize(ls->inDimIndex("warp"));
    if (!op->hasAttr(kNoBarrierBefore))
      target.barrier(b, loc);
    // Zero the bins: thread t clears t, t + threads, ...
    for (int64_t j = 0; j < bins; j += threads) {
      Value at = b.create<LLVM::AddOp>(loc, tid, i32(b, loc, j));
      auto emit = [&] { storeShared(b, loc, s, 0, i32(b, loc, 0), at); };
      if (j + threads <= bins) {
        emit();
        continue;
      }
      Value in = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::slt, at,
                                        i32(b, loc, bins));
      OpBuilder::InsertionGuard g(b);
      auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, in, false);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      emit();
    }
    target.barrier(b, loc);
    {
      OpBuilder::InsertionGuard guard(b);
      insideIf(b, loc, firstCopy(b, loc, ids, freeMask(*ls, "lane"),
                                  freeMask(*ls, "warp")));
      SmallVector<Value> vals = unpack(b, loc, adaptor.getSrc());
      SmallVector<Value> mask;
      if (adaptor.getMask())
        mask = unpack(b, loc, adaptor.getMask());
      int32_t copies = freeMask(*ls, "register");
      for (auto [r, v] : llvm::enumerate(vals)) {
        if (int32_t(r) & copies)
          continue;
        unsigned w = v.getType().getIntOrFloatBitWidth();
        Type wide = w > 32 ? v.getType() : i32t;
        Value x = w < 32 ? b.create<LLVM::SExtOp>(loc, i32t, v).getResult() : v;
        // In range: 0 <= x < bins, one unsigned compare.
        Value ok = b.create<LLVM::ICmpOp>(
            loc, LLVM::ICmpPredicate::ult, x,
            b.create<LLVM::ConstantOp>(loc, wide, b.getIntegerAttr(wide, bins)));
        if (!mask.empty())
          ok = b.create<LLVM::AndOp>(loc, ok, mask[r]);
        Value at = w > 32 ? b.create<LLVM::TruncOp>(loc, i32t, x).getResult() : x;
        OpBuilder::InsertionGuard g(b);
        auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, ok, false);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        b.create<LLVM::AtomicRMWOp>(loc, LLVM::AtomicBinOp::add,
                                    sharedPtr(b, loc, s, 0, i32t, at),
                                    i32(b, loc, 1),
                                    LLVM::AtomicOrdering::monotonic);
      }
    }
    target.barrier(b, loc);
    LinearLayout binIdx = indexLayout(*ld, {1});
    Value rtIdx = runtimePart(b, loc, binIdx, "offset",
                              {{"lane", ids.lane}, {"warp", ids.warp}});
    SmallVector<Value> out;
    int64_t n = ld->inDimSize(0);
    for (int64_t r = 0; r < n; ++r) {
      Value at = b.create<LLVM::XOrOp>(
          loc, rtIdx,
          i32(b, loc, constPart(binIdx, "offset", {{"register", int32_t(r)}})));
      out.push_back(loadShared(b, loc, s, 0, i32t, at));
    }
    b.replaceOp(op, pack(b, loc, rt, out));
    return success();
  }
};

} // namespace

int64_t mlir::ll::histogramScratchBytes(HistogramOp op) {
  return Scratch({IntegerType::get(op.getContext(), 32)},
                 op.getType().getNumElements())
      .bytes;
}

void mlir::ll::populateHistogramOpToLLVMPatterns(LLTypeConverter &tc,
                                                 RewritePatternSet &patterns,
                                                 const TargetInfo &target) {
  patterns.add<HistogramLowering>(tc, patterns.getContext(), target);
}
