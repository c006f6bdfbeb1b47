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

  /// NVIDIA mma.sync (sm_80+) in the instruction's tiles where the layouts
  /// divide into its fragments (`why` otherwise): f16 / bf16 -> f32
  /// (m16n8k16), tf32 -> f32 (m16n8k8), s8 -> s32 (m16n8k32).
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
    // The instruction for the element types: m16n8k16 f16 / bf16, m16n8k8
    // tf32 (f32 operands at tf32 precision), m16n8k32 s8.
    ::ll::MatrixInstruction instr;
    std::string kind;
    int perReg = 0;
    if (ae == be && (ae.isF16() || ae.isBF16()) && de.isF32()) {
      instr = ::ll::mmaM16N8K16(), perReg = 2;
      kind = ae.isF16() ? "m16n8k16.row.col.f32.f16.f16.f32" : "m16n8k16.row.col.f32.bf16.bf16.f32";
    } else if (ae.isF32() && be.isF32() && de.isF32() &&
               op.getInputPrecision() == InputPrecision::TF32) {
      instr = ::ll::mmaM16N8K8Tf32(), perReg = 1;
      kind = "m16n8k8.row.col.f32.tf32.tf32.f32";
    } else if (ae.isInteger(8) && be.isInteger(8) && de.isInteger(32)) {
      instr = ::ll::mmaM16N8K32I8(), perReg = 4;
      kind = "m16n8k32.row.col.s32.s8.s8.s32";
    } else {
      why = "mma.sync: f16 / bf16 -> f32, tf32 -> f32 and i8 -> i32 so far";
      return failure();
    }
    auto plan = ::ll::planTiledDot(la, lb, lc, instr);
    if (!plan) {
      why = "mma.sync " + kind.substr(0, kind.find('.')) + ": " +
            plan.error().message();
      return failure();
    }
    Location loc = op.getLoc();
    SmallVector<Value> a = registersOf(b, loc, adaptor.getA());
    SmallVector<Value> bv = registersOf(b, loc, adaptor.getB());
    SmallVector<Value> c = registersOf(b, loc, adaptor.getC());
    Type i32 = b.getI32Type();
    Type opElt = getTypeConverter()->convertType(ae);
    Type accElt = getTypeConverter()->convertType(de);
    // `perReg` operand elements as one 32-bit register (element 0 lowest).
    auto word = [&](ArrayRef<Value> regs, ArrayRef<int32_t> idx, int j) {
      if (perReg == 1)
        return b.create<LLVM::BitcastOp>(loc, i32, regs[idx[j]]).getResult();
      Value v = b.create<LLVM::UndefOp>(loc, VectorType::get({perReg}, opElt));
      for (int e = 0; e < perReg; ++e)
        v = b.create<LLVM::InsertElementOp>(loc, v, regs[idx[j + e]],
                                            lowering::i32(b, loc, e));
      return b.create<LLVM::BitcastOp>(loc, i32, v).getResult();
    };
    int na = int(instr.aRegs.size()) / perReg, nb = int(instr.bRegs.size()) / perReg;
    std::string text = "mma.sync.aligned." + kind + " " + ptxRegs(0, 4) +
                       ", " + ptxRegs(4, na) + ", " + ptxRegs(4 + na, nb) +
                       ", " + ptxRegs(4 + na + nb, 4) + ";";
    std::string out = accElt.isF32() ? "=f" : "=r";
    std::string cons = out + "," + out + "," + out + "," + out;
    for (int j = 0; j < na + nb; ++j)
      cons += ",r";
    cons += ",0,1,2,3";
    Type f32 = accElt;
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
        for (int j = 0; j < int(ar.size()); j += perReg)
          ops.push_back(word(a, ar, j));
        for (int j = 0; j < int(br.size()); j += perReg)
          ops.push_back(word(bv, br, j));
        llvm::append_range(ops, acc);
        auto mma = inlinePtx(b, loc, st, ops, text, cons, /*sideEffects=*/false);
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
