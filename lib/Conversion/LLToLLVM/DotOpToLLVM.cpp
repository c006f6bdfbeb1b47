//===- DotOpToLLVM.cpp - ll.dot ---------------------------------------------===//
//
// A dot lowers with the instruction its layouts divide into (Core/Dot.h):
// the FMA form where each thread holds, for every result element, all k of
// its operands -- one fused multiply-add per product, k ascending, as
// Triton's FMA dot (operands extended to the result's type: f16 to f32,
// i8 to i32). Layouts no instruction divides get a diagnostic saying why.
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "linear_layouts/Core/Dot.h"

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;

namespace {

/// `v` (an operand element) as the accumulator's type `t`.
Value widen(OpBuilder &b, Location loc, Value v, Type t) {
  Type from = v.getType();
  if (from == t)
    return v;
  if (isa<FloatType>(t))
    return from.getIntOrFloatBitWidth() < t.getIntOrFloatBitWidth()
               ? b.create<LLVM::FPExtOp>(loc, t, v).getResult()
               : b.create<LLVM::FPTruncOp>(loc, t, v).getResult();
  return from.getIntOrFloatBitWidth() < t.getIntOrFloatBitWidth()
             ? b.create<LLVM::SExtOp>(loc, t, v).getResult()
             : b.create<LLVM::TruncOp>(loc, t, v).getResult();
}

struct DotLowering : TargetPattern<DotOp> {
  using TargetPattern::TargetPattern;

  /// NVIDIA mma.sync (sm_80+): f16 / bf16 operands, f32 accumulators, in
  /// m16n8k16 tiles where the layouts divide into its fragments (`why`
  /// otherwise).
  LogicalResult lowerMma(DotOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &b,
                         const ::ll::LinearLayout &la,
                         const ::ll::LinearLayout &lb,
                         const ::ll::LinearLayout &lc,
                         std::string &why) const {
    Type ae = cast<RankedTensorType>(op.getA().getType()).getElementType();
    Type be = cast<RankedTensorType>(op.getB().getType()).getElementType();
    Type de = cast<RankedTensorType>(op.getD().getType()).getElementType();
    if (target.isAMD() || target.target().computeCapability < 80) {
      why = "tensor cores: not yet on " + target.target().name;
      return failure();
    }
    if (ae != be || !(ae.isF16() || ae.isBF16()) || !de.isF32()) {
      why = "mma.sync: only f16 / bf16 operands with f32 results so far";
      return failure();
    }
    ::ll::MatrixInstruction instr = ::ll::mmaM16N8K16();
    auto plan = ::ll::planTiledDot(la, lb, lc, instr);
    if (!plan) {
      why = "mma.sync m16n8k16: " + plan.error().message();
      return failure();
    }
    Location loc = op.getLoc();
    SmallVector<Value> a = registersOf(b, loc, adaptor.getA());
    SmallVector<Value> bv = registersOf(b, loc, adaptor.getB());
    SmallVector<Value> c = registersOf(b, loc, adaptor.getC());
    Type i32 = b.getI32Type(), f32 = b.getF32Type();
    Type half = getTypeConverter()->convertType(ae);
    auto pair = [&](Value lo, Value hi) {
      Value v = b.create<LLVM::UndefOp>(loc, VectorType::get({2}, half));
      v = b.create<LLVM::InsertElementOp>(loc, v, lo, lowering::i32(b, loc, 0));
      v = b.create<LLVM::InsertElementOp>(loc, v, hi, lowering::i32(b, loc, 1));
      return b.create<LLVM::BitcastOp>(loc, i32, v).getResult();
    };
    std::string text = std::string("mma.sync.aligned.m16n8k16.row.col.f32.") +
                       (ae.isF16() ? "f16.f16" : "bf16.bf16") +
                       ".f32 {$0, $1, $2, $3}, {$4, $5, $6, $7}, {$8, $9}, "
                       "{$10, $11, $12, $13};";
    auto st = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                               {f32, f32, f32, f32});
    SmallVector<Value> d(c);
    for (size_t t = 0; t < plan->cRegs.size(); ++t) {
      SmallVector<Value> acc;
      for (int32_t r : plan->cRegs[t])
        acc.push_back(c[r]);
      for (size_t s = 0; s < plan->aRegs[t].size(); ++s) {
        auto &ar = plan->aRegs[t][s];
        auto &br = plan->bRegs[t][s];
        SmallVector<Value> ops;
        for (int j = 0; j < 8; j += 2)
          ops.push_back(pair(a[ar[j]], a[ar[j + 1]]));
        for (int j = 0; j < 4; j += 2)
          ops.push_back(pair(bv[br[j]], bv[br[j + 1]]));
        llvm::append_range(ops, acc);
        auto mma = b.create<LLVM::InlineAsmOp>(
            loc, st, ops, text, "=f,=f,=f,=f,r,r,r,r,r,r,0,1,2,3",
            /*has_side_effects=*/false, /*is_align_stack=*/false,
            LLVM::tailcallkind::TailCallKind::None,
            LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
            ArrayAttr());
        for (int j = 0; j < 4; ++j)
          acc[j] = b.create<LLVM::ExtractValueOp>(loc, mma.getResult(0), j);
      }
      for (auto [j, r] : llvm::enumerate(plan->cRegs[t]))
        d[r] = acc[j];
    }
    b.replaceOp(op, fromRegisters(b, loc,
                                  getTypeConverter()->convertType(
                                      op.getD().getType()),
                                  d));
    return success();
  }

  LogicalResult
  matchAndRewrite(DotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto la = layoutOf(op, op.getA().getType());
    auto lb = layoutOf(op, op.getB().getType());
    auto lc = layoutOf(op, op.getD().getType());
    if (failed(la) || failed(lb) || failed(lc))
      return failure();
    auto plan = ::ll::planFmaDot(*la, *lb, *lc);
    if (!plan) {
      std::string why;
      if (succeeded(lowerMma(op, adaptor, b, *la, *lb, *lc, why)))
        return success();
      return op.emitOpError() << "cannot be lowered: no instruction divides "
                                 "its layouts (FMA: "
                              << plan.error().message() << "; " << why << ")";
    }
    Type elt = getTypeConverter()->convertType(
        cast<RankedTensorType>(op.getD().getType()).getElementType());
    Type ae = getTypeConverter()->convertType(
        cast<RankedTensorType>(op.getA().getType()).getElementType());
    if (!elt || !ae || (isa<FloatType>(elt) && !isLLVMFloat(ae)))
      return op.emitOpError() << "cannot be lowered: FMA dots of "
                              << cast<RankedTensorType>(op.getA().getType())
                                     .getElementType()
                              << " (fp8) are not supported";
    SmallVector<Value> a = registersOf(b, loc, adaptor.getA());
    SmallVector<Value> bv = registersOf(b, loc, adaptor.getB());
    SmallVector<Value> c = registersOf(b, loc, adaptor.getC());
    if (c.size() != plan->aRegs.size())
      return op.emitOpError() << "cannot be lowered: " << c.size()
                              << " result registers, the plan has "
                              << plan->aRegs.size();
    bool isFloat = isa<FloatType>(elt);
    SmallVector<Value> d;
    for (size_t r = 0; r < c.size(); ++r) {
      Value acc = c[r];
      for (int64_t k = 0; k < plan->k; ++k) {
        Value x = widen(b, loc, a[plan->aRegs[r][k]], elt);
        Value y = widen(b, loc, bv[plan->bRegs[r][k]], elt);
        acc = isFloat ? b.create<LLVM::FMAOp>(loc, x, y, acc).getResult()
                      : b.create<LLVM::AddOp>(
                             loc, b.create<LLVM::MulOp>(loc, x, y), acc)
                            .getResult();
      }
      d.push_back(acc);
    }
    b.replaceOp(op, fromRegisters(b, loc, getTypeConverter()->convertType(
                                              op.getD().getType()),
                                  d));
    return success();
  }
};

} // namespace

void mlir::ll::populateDotOpToLLVMPatterns(LLTypeConverter &tc,
                                           RewritePatternSet &patterns,
                                           const TargetInfo &target) {
  patterns.add<DotLowering>(tc, patterns.getContext(), target);
}
