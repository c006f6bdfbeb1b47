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
    if (!plan)
      return op.emitOpError() << "cannot be lowered: no instruction divides "
                                 "its layouts (FMA: "
                              << plan.error().message()
                              << "; tensor cores: not yet)";
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
