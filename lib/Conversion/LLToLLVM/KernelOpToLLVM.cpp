//===- KernelOpToLLVM.cpp - Kernel ops and elementwise ops ----------------===//
//
// Program ids, ranges, splats, pointer arithmetic, global loads and stores,
// and arith / math ops on tensors (applied register by register).
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <map>

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;

namespace {

struct ProgramIdLowering : TargetPattern<ProgramIdOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(ProgramIdOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, target.programId(rewriter, op.getLoc(), op.getAxis()));
    return success();
  }
};

struct NumProgramsLowering : TargetPattern<NumProgramsOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(NumProgramsOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       target.numPrograms(rewriter, op.getLoc(), op.getAxis()));
    return success();
  }
};

/// gpu.barrier (tl.debug_barrier): the target's CTA-wide barrier.
struct GpuBarrierLowering : TargetPattern<gpu::BarrierOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(gpu::BarrierOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    target.barrier(rewriter, op.getLoc());
    rewriter.eraseOp(op);
    return success();
  }
};

/// Register r of the thread holds start + dim0(r, lane, warp).
struct MakeRangeLowering : TargetPattern<MakeRangeOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(MakeRangeOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto l = layoutOf(op, op.getType());
    Type st = getTypeConverter()->convertType(op.getType());
    if (failed(l) || !st)
      return failure();
    ThreadIds ids = threadIds(rewriter, loc, target);
    Value thread = runtimePart(rewriter, loc, *l, "dim0",
                               {{"lane", ids.lane}, {"warp", ids.warp}});
    Value start = i32(rewriter, loc, op.getStart());
    SmallVector<Value> vals;
    int64_t regs = l->inDimSize(l->inDimIndex("register"));
    for (int64_t r = 0; r < regs; ++r) {
      int32_t c = constPart(*l, "dim0", {{"register", int32_t(r)}});
      Value x = c ? rewriter.create<LLVM::XOrOp>(loc, thread, i32(rewriter, loc, c))
                        .getResult()
                  : thread;
      vals.push_back(rewriter.create<LLVM::AddOp>(loc, x, start));
    }
    rewriter.replaceOp(op, pack(rewriter, loc, st, vals));
    return success();
  }
};

struct SplatLowering : OpConversionPattern<SplatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto st = dyn_cast_or_null<LLVM::LLVMStructType>(
        getTypeConverter()->convertType(op.getType()));
    if (!st)
      return rewriter.notifyMatchFailure(op, "no lowering of the result type");
    SmallVector<Value> vals(st.getBody().size(), adaptor.getSrc());
    rewriter.replaceOp(op, pack(rewriter, op.getLoc(), st, vals));
    return success();
  }
};

struct AddPtrLowering : OpConversionPattern<AddPtrOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddPtrOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type rt = getTypeConverter()->convertType(op.getType());
    auto ptrTy = cast<PointerType>(getElementTypeOrSelf(op.getType()));
    Type elt = getTypeConverter()->convertType(ptrTy.getPointeeType());
    Type llPtr = getTypeConverter()->convertType(ptrTy);
    if (!rt || !elt || !llPtr)
      return rewriter.notifyMatchFailure(op, "no lowering of the types");
    auto ptrs = registersOf(rewriter, loc, adaptor.getPtr());
    auto offs = registersOf(rewriter, loc, adaptor.getOffset());
    SmallVector<Value> out;
    for (auto [p, o] : llvm::zip(ptrs, offs))
      out.push_back(rewriter.create<LLVM::GEPOp>(loc, llPtr, elt, p,
                                                 ArrayRef<LLVM::GEPArg>{o}));
    rewriter.replaceOp(op, fromRegisters(rewriter, loc, rt, out));
    return success();
  }
};

/// Every register loads through its pointer (a vector of registers through
/// the first one's, where ll.vector says so); a masked one only where the
/// mask holds (else `other`, or undef): one predicated instruction where
/// the target has it (NVIDIA), else a branch.
struct LoadLowering : TargetPattern<LoadOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type rt = getTypeConverter()->convertType(op.getType());
    Type elt = getTypeConverter()->convertType(getElementTypeOrSelf(op.getType()));
    if (!rt || !elt)
      return rewriter.notifyMatchFailure(op, "no lowering of the types");
    auto ptrs = registersOf(rewriter, loc, adaptor.getPtr());
    SmallVector<Value> masks, others;
    if (adaptor.getMask())
      masks = registersOf(rewriter, loc, adaptor.getMask());
    if (adaptor.getOther())
      others = registersOf(rewriter, loc, adaptor.getOther());
    SmallVector<Value> out(ptrs.size());
    for (auto &g : accessGroups(op, op.getPtr().getType(), int(ptrs.size()))) {
      int n = int(g.size());
      Type vt = n > 1 ? Type(VectorType::get({n}, elt)) : elt;
      unsigned align = n > 1 ? unsigned(n * std::max(1u, elt.getIntOrFloatBitWidth() / 8)) : 0;
      auto load = [&]() -> Value {
        return rewriter.create<LLVM::LoadOp>(loc, vt, ptrs[g[0]], align);
      };
      auto fallback = [&]() -> Value {
        if (n == 1)
          return others.empty() ? rewriter.create<LLVM::UndefOp>(loc, elt).getResult()
                                : others[g[0]];
        Value v = rewriter.create<LLVM::UndefOp>(loc, vt);
        if (!others.empty())
          for (int j = 0; j < n; ++j)
            v = rewriter.create<LLVM::InsertElementOp>(loc, v, others[g[j]],
                                                       i32(rewriter, loc, j));
        return v;
      };
      Value v;
      if (masks.empty()) {
        v = load();
      } else if (Value p = target.predicatedLoad(
                     rewriter, loc, vt, ptrs[g[0]], masks[g[0]],
                     others.empty() ? Value() : fallback())) {
        v = p; // one predicated instruction, no branch
      } else {
        auto ifOp = rewriter.create<scf::IfOp>(loc, TypeRange{vt}, masks[g[0]],
                                               /*withElseRegion=*/true);
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
        rewriter.create<scf::YieldOp>(loc, load());
        rewriter.setInsertionPointToStart(&ifOp.getElseRegion().front());
        rewriter.create<scf::YieldOp>(loc, fallback());
        v = ifOp.getResult(0);
      }
      if (n == 1) {
        out[g[0]] = v;
        continue;
      }
      for (int j = 0; j < n; ++j)
        out[g[j]] = rewriter.create<LLVM::ExtractElementOp>(loc, v, i32(rewriter, loc, j));
    }
    rewriter.replaceOp(op, fromRegisters(rewriter, loc, rt, out));
    return success();
  }
};

/// Each element is written once: registers that repeat others (free
/// variables) are skipped, and replicated lanes / warps store only from the
/// first copy (predicated stores; on AMD, without a mask, one branch around
/// all of them); vectors as ll.vector says.
struct StoreLowering : TargetPattern<StoreOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto ptrs = registersOf(rewriter, loc, adaptor.getPtr());
    auto vals = registersOf(rewriter, loc, adaptor.getValue());
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = registersOf(rewriter, loc, adaptor.getMask());
    int32_t freeRegs = 0;
    Value first;
    if (isa<RankedTensorType>(op.getPtr().getType())) {
      auto l = layoutOf(op, op.getPtr().getType());
      if (failed(l))
        return failure();
      freeRegs = freeMask(*l, "register");
      int32_t lanes = freeMask(*l, "lane"), warps = freeMask(*l, "warp");
      if (lanes || warps)
        first = firstCopy(rewriter, loc, threadIds(rewriter, loc, target),
                          lanes, warps);
    }
    // Unmasked stores of a replicated layout on AMD: one branch around them
    // all (a masked store there is a branch of its own).
    OpBuilder::InsertionGuard outer(rewriter);
    if (first && masks.empty() && target.isAMD()) {
      auto ifOp = rewriter.create<scf::IfOp>(loc, TypeRange{}, first,
                                             /*withElseRegion=*/false);
      rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
      first = Value();
    }
    for (auto &g : accessGroups(op, op.getPtr().getType(), int(ptrs.size()))) {
      if (g[0] & freeRegs)
        continue;
      int n = int(g.size());
      Value v = vals[g[0]];
      unsigned align = 0;
      if (n > 1) {
        Type elt = v.getType();
        v = rewriter.create<LLVM::UndefOp>(loc, VectorType::get({n}, elt));
        for (int j = 0; j < n; ++j)
          v = rewriter.create<LLVM::InsertElementOp>(loc, v, vals[g[j]],
                                                     i32(rewriter, loc, j));
        align = unsigned(n * std::max(1u, elt.getIntOrFloatBitWidth() / 8));
      }
      Value cond = first;
      if (!masks.empty())
        cond = cond ? rewriter.create<LLVM::AndOp>(loc, cond, masks[g[0]]).getResult()
                    : masks[g[0]];
      if (!cond) {
        rewriter.create<LLVM::StoreOp>(loc, v, ptrs[g[0]], align);
        continue;
      }
      if (target.predicatedStore(rewriter, loc, v, ptrs[g[0]], cond))
        continue; // one predicated instruction, no branch
      auto ifOp = rewriter.create<scf::IfOp>(loc, TypeRange{}, cond,
                                             /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&ifOp.getThenRegion().front());
      rewriter.create<LLVM::StoreOp>(loc, v, ptrs[g[0]], align);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

/// Shape ops that move no data (expand_dims, broadcast, trans, reshape):
/// result register r is the source register holding, in the same thread,
/// the element f(coordinate of r), where f maps result coordinates to source
/// coordinates. The verifiers check that the layouts agree on the threads,
/// so the registers' own coordinates decide.
template <typename OpT>
struct ShapeLowering : OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpT>::OpAdaptor;

  static SmallVector<int64_t> mapCoord(OpT op, ArrayRef<int64_t> c) {
    auto srcShape = op.getSrc().getType().getShape();
    SmallVector<int64_t> out;
    if constexpr (std::is_same_v<OpT, ExpandDimsOp>) {
      for (int64_t d = 0; d < int64_t(c.size()); ++d)
        if (d != op.getAxis())
          out.push_back(c[d]);
    } else if constexpr (std::is_same_v<OpT, BroadcastOp>) {
      for (auto [d, x] : llvm::enumerate(c))
        out.push_back(srcShape[d] == 1 ? 0 : x);
    } else if constexpr (std::is_same_v<OpT, TransOp>) {
      // result dim d is source dim order[d]
      out.assign(srcShape.size(), 0);
      for (auto [d, o] : llvm::enumerate(op.getOrder()))
        out[o] = c[d];
    } else {
      auto shape = op.getType().getShape();
      int64_t flat = 0;
      for (auto [d, x] : llvm::enumerate(c))
        flat = flat * shape[d] + x;
      out.assign(srcShape.size(), 0);
      for (int64_t d = int64_t(srcShape.size()) - 1; d >= 0; --d) {
        out[d] = flat % srcShape[d];
        flat /= srcShape[d];
      }
    }
    return out;
  }

  static SmallVector<int64_t> coordOf(const ::ll::LinearLayout &l, int32_t r) {
    SmallVector<int64_t> c;
    for (int o = 0; o < l.numOutDims(); ++o)
      c.push_back(constPart(l, l.outDimName(o), {{"register", r}}));
    return c;
  }

  LogicalResult
  matchAndRewrite(OpT op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto ls = layoutOf(op, op.getSrc().getType());
    auto ld = layoutOf(op, op.getType());
    Type st = this->getTypeConverter()->convertType(op.getType());
    if (failed(ls) || failed(ld) || !st)
      return failure();
    std::map<SmallVector<int64_t>, int32_t> where;
    int64_t rs = ls->inDimSize(ls->inDimIndex("register"));
    for (int32_t s = int32_t(rs) - 1; s >= 0; --s)
      where[coordOf(*ls, s)] = s;
    auto in = unpack(rewriter, loc, adaptor.getSrc());
    SmallVector<Value> out;
    int64_t rd = ld->inDimSize(ld->inDimIndex("register"));
    for (int32_t r = 0; r < rd; ++r) {
      auto it = where.find(mapCoord(op, coordOf(*ld, r)));
      if (it == where.end())
        return op.emitOpError() << "cannot be lowered: result register " << r
                                << " has no source register in its thread";
      out.push_back(in[it->second]);
    }
    rewriter.replaceOp(op, pack(rewriter, loc, st, out));
    return success();
  }
};

/// Casts, register by register.
template <typename OpT, typename LLVMOpT>
struct CastLowering : OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpT op, typename OpConversionPattern<OpT>::OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    const TypeConverter *tc = this->getTypeConverter();
    Type rt = tc->convertType(op.getType());
    Type elt = tc->convertType(getElementTypeOrSelf(op.getType()));
    if (!rt || !elt)
      return rewriter.notifyMatchFailure(op, "no lowering of the type");
    SmallVector<Value> out;
    for (Value v : registersOf(rewriter, loc, adaptor.getSrc()))
      out.push_back(v.getType() == elt
                        ? v
                        : rewriter.create<LLVMOpT>(loc, elt, v).getResult());
    rewriter.replaceOp(op, fromRegisters(rewriter, loc, rt, out));
    return success();
  }
};

/// A splat tensor constant: the constant in every register.
struct ConstantLowering : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = dyn_cast<RankedTensorType>(op.getType());
    if (!t || !t.getEncoding())
      return failure();
    auto st = dyn_cast_or_null<LLVM::LLVMStructType>(
        getTypeConverter()->convertType(t));
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!st)
      return rewriter.notifyMatchFailure(op, "no lowering of the type");
    if (!dense || !dense.isSplat())
      return op.emitOpError()
             << "cannot be lowered: only splat tensor constants are supported";
    Value c = rewriter.create<LLVM::ConstantOp>(op.getLoc(), t.getElementType(),
                                                dense.getSplatValue<TypedAttr>());
    SmallVector<Value> vals(st.getBody().size(), c);
    rewriter.replaceOp(op, pack(rewriter, op.getLoc(), st, vals));
    return success();
  }
};

/// arith / math elementwise ops on tensors: the same op on each register
/// (each result's registers packed apart: arith.mului_extended's low and
/// high halves, which tl.umulhi and tl.rand's philox use).
struct ElementwiseLowering : ConversionPattern {
  ElementwiseLowering(LLTypeConverter &tc, MLIRContext *ctx)
      : ConversionPattern(tc, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
        !op->hasTrait<OpTrait::Elementwise>() || op->getNumResults() < 1)
      return failure();
    auto rt = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!rt || !rt.getEncoding())
      return failure();
    Location loc = op->getLoc();
    Type st = getTypeConverter()->convertType(rt);
    SmallVector<Type> elts;
    for (Type t : op->getResultTypes()) {
      auto r = dyn_cast<RankedTensorType>(t);
      if (!r || r.getShape() != rt.getShape() || r.getEncoding() != rt.getEncoding())
        return rewriter.notifyMatchFailure(op, "results of different layouts");
      elts.push_back(getTypeConverter()->convertType(r.getElementType()));
      if (!elts.back())
        return rewriter.notifyMatchFailure(op, "no lowering of the type");
    }
    if (!st)
      return rewriter.notifyMatchFailure(op, "no lowering of the type");
    // Tensor operands give a register each; a scalar operand (arith.select's
    // i1 condition on tensors: `x if c else y`) is the same for all.
    auto structTy = dyn_cast<LLVM::LLVMStructType>(st);
    if (!structTy)
      return rewriter.notifyMatchFailure(op, "the result has no registers");
    size_t regCount = structTy.getBody().size();
    SmallVector<SmallVector<Value>> regs;
    for (Value v : operands) {
      if (!isa<LLVM::LLVMStructType>(v.getType())) {
        if (isa<ShapedType>(v.getType()))
          return rewriter.notifyMatchFailure(op, "an operand has no registers");
        regs.push_back(SmallVector<Value>(regCount, v));
        continue;
      }
      regs.push_back(unpack(rewriter, loc, v));
      if (regs.back().size() != regCount)
        return rewriter.notifyMatchFailure(
            op, "operands with different register counts");
    }
    SmallVector<SmallVector<Value>> out(elts.size());
    for (size_t r = 0; r < regCount; ++r) {
      SmallVector<Value> args;
      for (auto &rv : regs)
        args.push_back(rv[r]);
      OperationState state(loc, op->getName(), args, elts, op->getAttrs());
      Operation *scalar = rewriter.create(state);
      for (auto [k, res] : llvm::enumerate(scalar->getResults()))
        out[k].push_back(res);
    }
    SmallVector<Value> packed;
    for (auto [k, regsK] : llvm::enumerate(out)) {
      Type stK = getTypeConverter()->convertType(op->getResult(k).getType());
      packed.push_back(pack(rewriter, loc, stK, regsK));
    }
    rewriter.replaceOp(op, packed);
    return success();
  }
};

} // namespace

namespace {

/// The register bit of `whole` (rank n + 1) that holds its last dim (of
/// size 2; the verifier checks there is exactly one).
int joinedBit(const ::ll::LinearLayout &whole) {
  int reg = whole.inDimIndex("register"), last = whole.numOutDims() - 1;
  for (int b = 0; b < whole.inDimSizeLog2(reg); ++b)
    if (whole.basis(reg, b, last))
      return b;
  return -1;
}

/// Register r of the whole from the register of one part (bit `bit` of the
/// whole's index says which part; the other bits are the part's index).
int32_t wholeRegister(int32_t partReg, int bit, int which) {
  int32_t low = partReg & ((1 << bit) - 1), high = partReg >> bit;
  return (high << (bit + 1)) | (which << bit) | low;
}

/// ll.join: the result's registers interleave the operands' at the register
/// bit that holds the new last dim; ll.split takes them apart.
struct JoinLowering : OpConversionPattern<JoinOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(JoinOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto ld = layoutOf(op, op.getType());
    Type st = getTypeConverter()->convertType(op.getType());
    if (failed(ld) || !st)
      return failure();
    int bit = joinedBit(*ld);
    if (bit < 0)
      return op.emitOpError() << "cannot be lowered: no register holds the "
                                 "joined dim";
    auto lhs = unpack(rewriter, loc, adaptor.getLhs());
    auto rhs = unpack(rewriter, loc, adaptor.getRhs());
    SmallVector<Value> out(2 * lhs.size());
    for (size_t r = 0; r < lhs.size(); ++r) {
      out[wholeRegister(int32_t(r), bit, 0)] = lhs[r];
      out[wholeRegister(int32_t(r), bit, 1)] = rhs[r];
    }
    rewriter.replaceOp(op, pack(rewriter, loc, st, out));
    return success();
  }
};

/// The value of a splat float constant tensor, if `v` is one.
std::optional<APFloat> splatFloat(Value v) {
  auto c = v.getDefiningOp<arith::ConstantOp>();
  auto d = c ? dyn_cast<DenseFPElementsAttr>(c.getValue()) : nullptr;
  if (!d || !d.isSplat())
    return std::nullopt;
  return d.getSplatValue<APFloat>();
}

/// A symmetric f32 clamp, min(max(x, -c), c) (tl.clamp(x, -c, c):
/// maxnumf / minnumf, or maximumf / minimumf with NaN propagation), on
/// NVIDIA sm_86+: one `min.xorsign.abs` (`.NaN`) per register, as Triton
/// emits it: |min(|x|, c)| with x's sign.
template <typename MinOp, typename MaxOp>
struct SymmetricClampLowering : TargetPattern<MinOp> {
  SymmetricClampLowering(LLTypeConverter &tc, MLIRContext *ctx,
                         const TargetInfo &t)
      : TargetPattern<MinOp>(tc, ctx, t, /*benefit=*/2) {} // before ElementwiseLowering
  LogicalResult
  matchAndRewrite(MinOp op, typename MinOp::Adaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    const auto &desc = this->target.target();
    auto t = dyn_cast<RankedTensorType>(op.getType());
    if (this->target.isAMD() || desc.computeCapability < 86 || !t ||
        !t.getElementType().isF32())
      return failure();
    // min(max(x, lo), hi) with lo = -hi > 0, in either operand order.
    Value inner, x;
    std::optional<APFloat> hi;
    for (int i = 0; i < 2 && !inner; ++i)
      if (auto m = op->getOperand(i).template getDefiningOp<MaxOp>())
        if ((hi = splatFloat(op->getOperand(1 - i))))
          inner = m;
    if (!inner || !hi || hi->isNegative() || hi->isNaN() || hi->isZero())
      return failure();
    auto m = inner.getDefiningOp<MaxOp>();
    for (int i = 0; i < 2 && !x; ++i)
      if (auto lo = splatFloat(m->getOperand(i)))
        if (lo->compare(-*hi) == APFloat::cmpEqual)
          x = m->getOperand(1 - i);
    if (!x)
      return failure();
    Location loc = op.getLoc();
    Type st = this->getTypeConverter()->convertType(t);
    Value xs = b.getRemappedValue(x);
    if (!st || !xs || !isa<LLVM::LLVMStructType>(xs.getType()))
      return failure();
    Value c = b.create<LLVM::ConstantOp>(loc, b.getF32Type(),
                                         b.getF32FloatAttr(hi->convertToFloat()));
    StringRef name = std::is_same_v<MinOp, arith::MinimumFOp>
                         ? "llvm.nvvm.fmin.nan.xorsign.abs.f"
                         : "llvm.nvvm.fmin.xorsign.abs.f";
    SmallVector<Value> out;
    for (Value r : unpack(b, loc, xs))
      out.push_back(b.create<LLVM::CallIntrinsicOp>(loc, b.getF32Type(),
                                                    b.getStringAttr(name),
                                                    ValueRange{r, c})
                        .getResult(0));
    b.replaceOp(op, pack(b, loc, st, out));
    return success();
  }
};

/// ll.extern_elementwise: a call of the symbol per register.
struct ExternElementwiseLowering : OpConversionPattern<ExternElementwiseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExternElementwiseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Type rt = getTypeConverter()->convertType(op.getType());
    Type elt = getTypeConverter()->convertType(getElementTypeOrSelf(op.getType()));
    if (!rt || !elt)
      return b.notifyMatchFailure(op, "no lowering of the result type");
    SmallVector<SmallVector<Value>> srcs;
    SmallVector<Type> argTypes;
    for (Value v : adaptor.getSrcs()) {
      srcs.push_back(registersOf(b, loc, v));
      argTypes.push_back(srcs.back()[0].getType());
    }
    auto fn = declareFunction(b, loc, op.getSymbol(),
                              LLVM::LLVMFunctionType::get(elt, argTypes));
    if (fn.getFunctionType().getReturnType() != elt ||
        fn.getFunctionType().getParams() != ArrayRef<Type>(argTypes))
      return op.emitOpError() << "calls @" << op.getSymbol()
                              << " with another signature than before";
    size_t n = srcs.empty() ? 1 : srcs[0].size();
    SmallVector<Value> out;
    for (size_t r = 0; r < n; ++r) {
      SmallVector<Value> args;
      for (auto &s : srcs)
        args.push_back(s[r]);
      out.push_back(b.create<LLVM::CallOp>(loc, fn, args).getResult());
    }
    b.replaceOp(op, fromRegisters(b, loc, rt, out));
    return success();
  }
};

/// ll.elementwise_inline_asm: the asm per group of `packed_element`
/// registers, each operand's group packed in a vector.
struct ElementwiseInlineAsmLowering
    : OpConversionPattern<ElementwiseInlineAsmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ElementwiseInlineAsmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    int pack = int(op.getPackedElement());
    SmallVector<Type> rts, elts;
    for (Type t : op.getResultTypes()) {
      rts.push_back(getTypeConverter()->convertType(t));
      elts.push_back(getTypeConverter()->convertType(getElementTypeOrSelf(t)));
      if (!rts.back() || !elts.back())
        return b.notifyMatchFailure(op, "no lowering of a result type");
    }
    SmallVector<SmallVector<Value>> args;
    for (Value v : adaptor.getArgs())
      args.push_back(registersOf(b, loc, v));
    size_t n = isa<LLVM::LLVMStructType>(rts[0])
                   ? cast<LLVM::LLVMStructType>(rts[0]).getBody().size()
                   : 1;
    if (n % pack)
      return op.emitOpError() << "cannot be lowered: " << n
                              << " registers per thread in groups of " << pack;
    auto packed = [&](Type e) -> Type {
      return pack == 1 ? e : VectorType::get({pack}, e);
    };
    SmallVector<Type> groupTypes;
    for (Type e : elts)
      groupTypes.push_back(packed(e));
    Type resultType =
        groupTypes.size() == 1
            ? groupTypes[0]
            : LLVM::LLVMStructType::getLiteral(b.getContext(), groupTypes);
    SmallVector<SmallVector<Value>> outs(elts.size());
    for (size_t g = 0; g < n; g += pack) {
      SmallVector<Value> operands;
      for (auto &a : args) {
        if (pack == 1) {
          operands.push_back(a[g]);
          continue;
        }
        Value v = b.create<LLVM::UndefOp>(loc, packed(a[g].getType()));
        for (int j = 0; j < pack; ++j)
          v = b.create<LLVM::InsertElementOp>(loc, v, a[g + j], i32(b, loc, j));
        operands.push_back(v);
      }
      auto asmOp = b.create<LLVM::InlineAsmOp>(
          loc, resultType, operands, op.getAsmString(), op.getConstraints(),
          /*has_side_effects=*/!op.getPure(), /*is_align_stack=*/false,
          LLVM::tailcallkind::TailCallKind::None,
          LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
          ArrayAttr());
      for (size_t k = 0; k < elts.size(); ++k) {
        Value v = groupTypes.size() == 1
                      ? asmOp.getResult(0)
                      : b.create<LLVM::ExtractValueOp>(loc, asmOp.getResult(0), k)
                            .getResult();
        for (int j = 0; j < pack; ++j)
          outs[k].push_back(pack == 1 ? v
                                      : b.create<LLVM::ExtractElementOp>(
                                            loc, v, i32(b, loc, j)));
      }
    }
    SmallVector<Value> results;
    for (size_t k = 0; k < elts.size(); ++k)
      results.push_back(fromRegisters(b, loc, rts[k], outs[k]));
    b.replaceOp(op, results);
    return success();
  }
};

/// ll.cat: the lhs registers, then the rhs registers (as Triton).
struct CatLowering : OpConversionPattern<CatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type st = getTypeConverter()->convertType(op.getType());
    if (!st)
      return rewriter.notifyMatchFailure(op, "no lowering of the result type");
    auto out = unpack(rewriter, loc, adaptor.getLhs());
    out.append(unpack(rewriter, loc, adaptor.getRhs()));
    rewriter.replaceOp(op, pack(rewriter, loc, st, out));
    return success();
  }
};

struct SplitLowering : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto ls = layoutOf(op, op.getSrc().getType());
    Type st = getTypeConverter()->convertType(op.getOutLHS().getType());
    if (failed(ls) || !st)
      return failure();
    int bit = joinedBit(*ls);
    if (bit < 0)
      return op.emitOpError() << "cannot be lowered: no register holds the "
                                 "split dim";
    auto src = unpack(rewriter, loc, adaptor.getSrc());
    SmallVector<Value> a(src.size() / 2), b(src.size() / 2);
    for (size_t r = 0; r < a.size(); ++r) {
      a[r] = src[wholeRegister(int32_t(r), bit, 0)];
      b[r] = src[wholeRegister(int32_t(r), bit, 1)];
    }
    rewriter.replaceOp(op, {pack(rewriter, loc, st, a),
                            pack(rewriter, loc, st, b)});
    return success();
  }
};

} // namespace

void mlir::ll::populateKernelOpToLLVMPatterns(LLTypeConverter &tc,
                                              RewritePatternSet &patterns,
                                              const TargetInfo &target) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ProgramIdLowering, NumProgramsLowering, MakeRangeLowering,
               LoadLowering, StoreLowering, GpuBarrierLowering,
               SymmetricClampLowering<arith::MinNumFOp, arith::MaxNumFOp>,
               SymmetricClampLowering<arith::MinimumFOp, arith::MaximumFOp>>(
      tc, ctx, target);
  patterns.add<SplatLowering, AddPtrLowering, ConstantLowering,
               ElementwiseLowering, ShapeLowering<ExpandDimsOp>,
               ShapeLowering<BroadcastOp>, ShapeLowering<TransOp>,
               ShapeLowering<ReshapeOp>, JoinLowering, CatLowering, SplitLowering,
               ExternElementwiseLowering, ElementwiseInlineAsmLowering,
               CastLowering<BitcastOp, LLVM::BitcastOp>,
               CastLowering<IntToPtrOp, LLVM::IntToPtrOp>,
               CastLowering<PtrToIntOp, LLVM::PtrToIntOp>>(tc, ctx);
}
