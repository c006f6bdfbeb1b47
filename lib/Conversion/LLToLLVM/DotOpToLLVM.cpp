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

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;

namespace {

/// "e4m3" / "e5m2" for the fp8 types mma.sync takes (PTX names), else null.
const char *fp8Name(Type t) {
  if (isa<Float8E4M3FNType>(t))
    return "e4m3";
  if (isa<Float8E5M2Type>(t))
    return "e5m2";
  return nullptr;
}


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

/// `perReg` operand elements regs[idx[j..]] as one 32-bit register (element
/// 0 lowest), as mma.sync and wgmma take them.
Value operandWord(OpBuilder &b, Location loc, ArrayRef<Value> regs,
                  ArrayRef<int32_t> idx, int j, int perReg, Type elt) {
  Type i32 = b.getI32Type();
  if (perReg == 1)
    return b.create<LLVM::BitcastOp>(loc, i32, regs[idx[j]]);
  Value v = b.create<LLVM::UndefOp>(loc, VectorType::get({perReg}, elt));
  for (int e = 0; e < perReg; ++e)
    v = b.create<LLVM::InsertElementOp>(loc, v, regs[idx[j + e]],
                                        lowering::i32(b, loc, e));
  return b.create<LLVM::BitcastOp>(loc, i32, v);
}

/// Element `j` (0: the low half) of a 32-bit register holding two 16-bit
/// `elt` values (f16 accumulators).
Value halfOfWord(OpBuilder &b, Location loc, Value word, Type elt, int j) {
  Value pair = b.create<LLVM::BitcastOp>(loc, VectorType::get({2}, elt), word);
  return b.create<LLVM::ExtractElementOp>(loc, pair, lowering::i32(b, loc, j));
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
    if (target.isAMD())
      return lowerMfma(op, adaptor, b, la, lb, lc, why);
    if (target.target().computeCapability < 80) {
      why = "tensor cores: mma.sync needs sm_80, the target is " +
            target.target().name;
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
    } else if (ae.isF16() && be.isF16() && de.isF16()) {
      // f16 accumulators, two per register
      instr = ::ll::mmaM16N8K16(), perReg = 2;
      kind = "m16n8k16.row.col.f16.f16.f16.f16";
    } else if (ae.isF32() && be.isF32() && de.isF32() &&
               op.getInputPrecision() == InputPrecision::TF32) {
      instr = ::ll::mmaM16N8K8Tf32(), perReg = 1;
      kind = "m16n8k8.row.col.f32.tf32.tf32.f32";
    } else if (ae.isInteger(8) && be.isInteger(8) && de.isInteger(32)) {
      instr = ::ll::mmaM16N8K32I8(), perReg = 4;
      kind = "m16n8k32.row.col.s32.s8.s8.s32";
    } else if (fp8Name(ae) && fp8Name(be) && de.isF32() &&
               target.target().computeCapability >= 89) {
      // sm_89+: e4m3 / e5m2 (either for each operand), the s8 fragments
      instr = ::ll::mmaM16N8K32I8(), perReg = 4;
      kind = std::string("m16n8k32.row.col.f32.") + fp8Name(ae) + "." +
             fp8Name(be) + ".f32";
    } else {
      why = "mma.sync: f16 / bf16 -> f32, f16 -> f16, tf32 -> f32, i8 -> i32 "
            "and (sm_89+) e4m3 / e5m2 -> f32 so far";
      return failure();
    }
    auto plan = ::ll::planTiledDot(&la, &lb, lc, instr);
    if (!plan) {
      why = "mma.sync " + kind.substr(0, kind.find('.')) + ": " +
            plan.error().message();
      return failure();
    }
    Location loc = op.getLoc();
    SmallVector<Value> a = registersOf(b, loc, adaptor.getA());
    SmallVector<Value> bv = registersOf(b, loc, adaptor.getB());
    SmallVector<Value> c = registersOf(b, loc, adaptor.getC());
    Type opElt = getTypeConverter()->convertType(ae);
    Type accElt = getTypeConverter()->convertType(de);
    auto word = [&](ArrayRef<Value> regs, ArrayRef<int32_t> idx, int j) {
      return operandWord(b, loc, regs, idx, j, perReg, opElt);
    };
    int na = int(instr.aRegs.size()) / perReg, nb = int(instr.bRegs.size()) / perReg;
    // Accumulators: 4 f32 / s32 registers, or 2 of two f16 each (element 0
    // low), kept packed from one k step to the next.
    int accPerReg = accElt.isF16() ? 2 : 1, nc = 4 / accPerReg;
    std::string text = "mma.sync.aligned." + kind + " " + ptxRegs(0, nc) +
                       ", " + ptxRegs(nc, na) + ", " + ptxRegs(nc + na, nb) +
                       ", " + ptxRegs(nc + na + nb, nc) + ";";
    std::string out = accElt.isF32() ? "=f" : "=r", cons;
    for (int j = 0; j < nc; ++j)
      cons += (j ? "," : "") + out;
    for (int j = 0; j < na + nb; ++j)
      cons += ",r";
    for (int j = 0; j < nc; ++j)
      cons += "," + std::to_string(j);
    Type word32 = accPerReg == 1 ? accElt : b.getI32Type();
    auto st = LLVM::LLVMStructType::getLiteral(
        b.getContext(), SmallVector<Type>(nc, word32));
    SmallVector<Value> d(c);
    for (size_t t = 0; t < plan->cRegs.size(); ++t) {
      SmallVector<Value> acc;
      for (int j = 0; j < nc; ++j)
        acc.push_back(accPerReg == 1
                          ? c[plan->cRegs[t][j]]
                          : operandWord(b, loc, c, plan->cRegs[t], 2 * j, 2,
                                        accElt));
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
        for (int j = 0; j < nc; ++j)
          acc[j] = b.create<LLVM::ExtractValueOp>(loc, mma.getResult(0), j);
      }
      for (auto [j, r] : llvm::enumerate(plan->cRegs[t])) {
        if (accPerReg == 1) {
          d[r] = acc[j];
          continue;
        }
        d[r] = halfOfWord(b, loc, acc[j / 2], accElt, int(j % 2));
      }
    }
    b.replaceOp(op, fromRegisters(b, loc,
                                  getTypeConverter()->convertType(
                                      op.getD().getType()),
                                  d));
    return success();
  }

  /// AMD MFMA (CDNA) in the instruction's tiles where the layouts divide
  /// into its fragments, as is or transposed (Triton's isTransposed
  /// layouts: the instruction runs on the swapped operands): f16 / bf16 /
  /// tf32 (xf32, gfx94x) / f32 -> f32 and i8 -> i32, 32 x 32 or 16 x 16.
  LogicalResult lowerMfma(DotOp op, OpAdaptor adaptor,
                          ConversionPatternRewriter &b,
                          const ::ll::LinearLayout &la,
                          const ::ll::LinearLayout &lb,
                          const ::ll::LinearLayout &lc,
                          std::string &why) const {
    Type ae = cast<RankedTensorType>(op.getA().getType()).getElementType();
    Type be = cast<RankedTensorType>(op.getB().getType()).getElementType();
    Type de = cast<RankedTensorType>(op.getD().getType()).getElementType();
    struct Form {
      int m, k;
      std::string name;
    };
    SmallVector<Form> forms;
    bool gfx94 = StringRef(target.target().name).starts_with("gfx94");
    if (ae == be && ae.isF16() && de.isF32())
      forms = {{32, 8, "f32.32x32x8f16"}, {16, 16, "f32.16x16x16f16"}};
    else if (ae == be && ae.isBF16() && de.isF32())
      forms = {{32, 8, "f32.32x32x8bf16.1k"}, {16, 16, "f32.16x16x16bf16.1k"}};
    else if (ae.isInteger(8) && be.isInteger(8) && de.isInteger(32) && gfx94)
      forms = {{32, 16, "i32.32x32x16.i8"}, {16, 32, "i32.16x16x32.i8"}};
    else if (ae.isF32() && be.isF32() && de.isF32() &&
             op.getInputPrecision() == InputPrecision::TF32 && gfx94)
      forms = {{32, 4, "f32.32x32x4.xf32"}, {16, 8, "f32.16x16x8.xf32"}};
    else if (ae.isF32() && be.isF32() && de.isF32() &&
             op.getInputPrecision() == InputPrecision::IEEE)
      forms = {{32, 2, "f32.32x32x2f32"}, {16, 4, "f32.16x16x4f32"}};
    if (forms.empty()) {
      why = "MFMA: f16 / bf16 / f32 / tf32 -> f32 and i8 -> i32 so far";
      return failure();
    }
    std::optional<::ll::TiledDotPlan> plan;
    Form form;
    bool transposed = false;
    for (const Form &f : forms)
      for (bool t : {true, false}) {
        if (plan)
          break;
        auto p = ::ll::planTiledDot(&la, &lb, lc, ::ll::mfma(f.m, f.k, t));
        if (p)
          plan = *p, form = f, transposed = t;
        else if (why.empty())
          why = "MFMA " + std::to_string(f.m) + "x" + std::to_string(f.m) +
                "x" + std::to_string(f.k) + (t ? " (transposed)" : "") +
                ": " + p.error().message();
      }
    if (!plan)
      return failure();
    Location loc = op.getLoc();
    SmallVector<Value> a = registersOf(b, loc, adaptor.getA());
    SmallVector<Value> bv = registersOf(b, loc, adaptor.getB());
    SmallVector<Value> c = registersOf(b, loc, adaptor.getC());
    Type opElt = getTypeConverter()->convertType(ae);
    Type accElt = getTypeConverter()->convertType(de);
    int kp = form.k * form.m / 64, regs = form.m * form.m / 64;
    // An operand's kp elements as the intrinsic takes them: <kp x half>,
    // <kp x i16> (bf16), i64 (8 x i8), <2 x float>, float.
    auto operand = [&](ArrayRef<Value> from, ArrayRef<int32_t> idx) -> Value {
      if (kp == 1)
        return from[idx[0]];
      Type elt = ae.isBF16() ? Type(b.getI16Type()) : opElt;
      Value v = b.create<LLVM::UndefOp>(loc, VectorType::get({kp}, elt));
      for (int i = 0; i < kp; ++i) {
        Value x = from[idx[i]];
        if (x.getType() != elt)
          x = b.create<LLVM::BitcastOp>(loc, elt, x);
        v = b.create<LLVM::InsertElementOp>(loc, v, x, lowering::i32(b, loc, i));
      }
      if (ae.isInteger(8))
        return b.create<LLVM::BitcastOp>(loc, b.getI64Type(), v);
      return v;
    };
    Type accType = VectorType::get({regs}, accElt);
    Value zero = lowering::i32(b, loc, 0);
    auto name = b.getStringAttr("llvm.amdgcn.mfma." + form.name);
    SmallVector<Value> d(c);
    for (size_t t = 0; t < plan->cRegs.size(); ++t) {
      Value acc = b.create<LLVM::UndefOp>(loc, accType);
      for (auto [j, r] : llvm::enumerate(plan->cRegs[t]))
        acc = b.create<LLVM::InsertElementOp>(loc, acc, c[r],
                                              lowering::i32(b, loc, j));
      for (size_t s = 0; s < plan->aRegs[t].size(); ++s) {
        Value x = operand(a, plan->aRegs[t][s]);
        Value y = operand(bv, plan->bRegs[t][s]);
        if (transposed)
          std::swap(x, y);
        acc = b.create<LLVM::CallIntrinsicOp>(
                   loc, accType, name, ValueRange{x, y, acc, zero, zero, zero})
                  .getResult(0);
      }
      for (auto [j, r] : llvm::enumerate(plan->cRegs[t]))
        d[r] = b.create<LLVM::ExtractElementOp>(loc, acc,
                                                lowering::i32(b, loc, j));
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

/// The inline-asm constraint of a register of type `t`, "" for none.
std::string asmConstraint(Type t) {
  if (isa<LLVM::LLVMPointerType>(t))
    return "l";
  if (!t.isIntOrFloat())
    return "";
  switch (t.getIntOrFloatBitWidth()) {
  case 16:
    return "h";
  case 32:
    return isa<FloatType>(t) ? "f" : "r";
  case 64:
    return isa<FloatType>(t) ? "d" : "l";
  default:
    return "";
  }
}

/// `wgmma.wait_group.sync.aligned pendings`, with `regs` (the registers of
/// accumulators in flight) tied through it, as Triton's: nothing reads them
/// before the wait. Returns the registers after it.
SmallVector<Value> waitWgmma(OpBuilder &b, Location loc, int pendings,
                             ArrayRef<Value> regs) {
  SmallVector<Value> tied;
  SmallVector<Type> types;
  std::string outs, ins, list;
  for (Value r : regs) {
    std::string c = asmConstraint(r.getType());
    if (c.empty())
      continue;
    outs += (tied.empty() ? "=" : ",=") + c;
    ins += "," + std::to_string(tied.size());
    list += (tied.empty() ? "$" : ",$") + std::to_string(tied.size());
    tied.push_back(r);
    types.push_back(r.getType());
  }
  std::string text = "// wait for regs: " + list +
                     "\n\twgmma.wait_group.sync.aligned " +
                     std::to_string(pendings) + ";";
  Type result = types.empty()       ? Type()
                : types.size() == 1 ? types[0]
                                    : LLVM::LLVMStructType::getLiteral(
                                          b.getContext(), types);
  auto asmOp = inlinePtx(b, loc, result, tied, text, outs + ins);
  SmallVector<Value> after(regs);
  for (size_t i = 0, j = 0; i < regs.size(); ++i) {
    if (asmConstraint(regs[i].getType()).empty())
      continue;
    after[i] = types.size() == 1
                   ? asmOp.getResult(0)
                   : b.create<LLVM::ExtractValueOp>(loc, asmOp.getResult(0), j)
                         .getResult();
    ++j;
  }
  return after;
}

/// sm_90 wgmma: per warpgroup tile of the result (64 rows, N columns: the
/// widest N whose fragment the result's registers hold), per k step, one
/// `wgmma.mma_async` whose shared operands are read through matrix
/// descriptors derived from their memory layouts (Core/Dot.h
/// planWgmmaOperand), the group committed after the last; a synchronous
/// dot then waits for it.
struct WarpGroupDotLowering : TargetPattern<WarpGroupDotOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(WarpGroupDotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto fail = [&](const Twine &why) {
      return op.emitOpError() << "cannot be lowered: " << why;
    };
    if (target.isAMD() || target.target().computeCapability != 90)
      return fail("wgmma is an sm_90 instruction, the target is " +
                  target.target().name);
    auto at = dyn_cast<RankedTensorType>(op.getA().getType());
    auto am = dyn_cast<MemDescType>(op.getA().getType());
    MemDescType bm = op.getB().getType();
    auto dt = cast<RankedTensorType>(op.getD().getType());
    if ((am && am.isSubview()) || bm.isSubview())
      return fail("a wgmma operand that is a view of part of its buffer "
                  "(ll.memdesc_subslice) is not supported yet");
    Type ae = at ? at.getElementType() : am.getElementType();
    Type be = bm.getElementType(), de = dt.getElementType();
    // The instruction's types: dtype.atype.btype, K = 256 / element bits.
    auto ptxType = [&](Type t) -> std::string {
      if (t.isF16())
        return "f16";
      if (t.isBF16())
        return "bf16";
      if (t.isF32() && op.getInputPrecision() == InputPrecision::TF32)
        return "tf32";
      if (t.isInteger(8))
        return "s8";
      if (isa<Float8E4M3FNType>(t))
        return "e4m3";
      if (isa<Float8E5M2Type>(t))
        return "e5m2";
      return "";
    };
    std::string pa = ptxType(ae), pb = ptxType(be);
    int bits = ae.getIntOrFloatBitWidth();
    bool integer = pa == "s8";
    bool half = pa == "f16" || pa == "bf16";
    bool fp8 = pa == "e4m3" || pa == "e5m2";
    // (f16 operands may accumulate in f16, two per register)
    bool halfAcc = pa == "f16" && pb == "f16" && de.isF16();
    bool accOk = integer ? de.isInteger(32) : de.isF32() || halfAcc;
    if (pa.empty() || pb.empty() || bits != int(be.getIntOrFloatBitWidth()) ||
        (half && pa != pb) || (fp8 != (pb == "e4m3" || pb == "e5m2")) ||
        !accOk)
      return fail("wgmma of " + std::string(pa.empty() ? "these" : pa) +
                  " operands into this result type: f16 / bf16 / tf32 / fp8 "
                  "-> f32, f16 -> f16 and s8 -> s32 are lowered");
    int64_t K = bm.getShape()[0];
    int instrK = 256 / bits;
    auto lc = layoutOf(op, dt);
    FailureOr<::ll::LinearLayout> la = failure();
    if (at)
      la = layoutOf(op, at);
    auto lbm = layoutOf(op, bm);
    FailureOr<::ll::LinearLayout> lam = failure();
    if (am)
      lam = layoutOf(op, am);
    if (failed(lc) || (at && failed(la)) || failed(lbm) || (am && failed(lam)))
      return failure();
    // Warpgroup bits: the result's warp bits past the group's two.
    int iw = lc->inDimIndex("warp");
    int warpBits = iw < 0 ? 0 : lc->inDimSizeLog2(iw);
    if (warpBits < 2)
      return fail("wgmma needs warpgroups of 4 warps; the result's layout "
                  "has " + Twine(1 << warpBits));
    std::vector<int32_t> groupM, groupN;
    for (int bit = 2; bit < warpBits; ++bit) {
      groupM.push_back(lc->basis(iw, bit, 0));
      groupN.push_back(lc->basis(iw, bit, 1));
    }
    // The widest N the result's registers hold whole fragments of, whose B
    // tiles a descriptor reads.
    std::string why;
    std::optional<::ll::TiledDotPlan> plan;
    std::optional<::ll::WgmmaOperandPlan> aPlan, bPlan;
    int N = 0;
    for (int n = 256; n >= 8 && !plan; n /= 2) {
      if (dt.getShape()[1] % n)
        continue;
      auto p = ::ll::planTiledDot(at ? &*la : nullptr, nullptr, *lc,
                                  ::ll::wgmma(n, bits), K);
      if (!p) {
        if (why.empty())
          why = "N = " + std::to_string(n) + ": " + p.error().message();
        continue;
      }
      std::vector<std::array<int32_t, 2>> aOrigins, bOrigins;
      for (auto &o : p->origins)
        for (int64_t k0 = 0; k0 < K; k0 += instrK) {
          aOrigins.push_back({o[0], int32_t(k0)});
          bOrigins.push_back({o[1], int32_t(k0)});
        }
      auto bp = ::ll::planWgmmaOperand(*lbm, 1, n, instrK, bits, half,
                                       bOrigins, groupN);
      if (!bp) {
        why = "B: " + bp.error().message();
        continue;
      }
      if (am) {
        auto ap = ::ll::planWgmmaOperand(*lam, 0, 64, instrK, bits, half,
                                         aOrigins, groupM);
        if (!ap) {
          why = "A: " + ap.error().message();
          continue;
        }
        aPlan = *ap;
      }
      bPlan = *bp, plan = *p, N = n;
    }
    if (!plan)
      return fail("no wgmma divides its layouts (" + why + ")");
    // A swizzled descriptor addresses by absolute address bits: the buffer
    // (each of a multi-buffered one) starts where the swizzle's pattern
    // starts.
    auto aligned = op->getAttrOfType<DenseI32ArrayAttr>(kWgmmaAlignedAttr);
    for (auto [i, p] : {std::pair{0, &aPlan}, {1, &bPlan}}) {
      if (!p->has_value() || !(*p)->desc.swizzleBytes)
        continue;
      int64_t atom = 8 * (*p)->desc.swizzleBytes;
      if (!aligned || !llvm::is_contained(aligned.asArrayRef(), i) ||
          kWgmmaAlign % atom ||
          memdescBytes(cast<MemDescType>(op->getOperand(i).getType())) % atom)
        return fail("a swizzled wgmma operand must start at a multiple of " +
                    Twine(atom) + " bytes, which its buffer does not "
                    "guarantee");
    }
    SmallVector<Value> c = registersOf(b, loc, adaptor.getC());
    SmallVector<Value> a;
    if (at)
      a = registersOf(b, loc, adaptor.getA());
    Type accElt = getTypeConverter()->convertType(de);
    Type opElt = at ? getTypeConverter()->convertType(ae) : Type();
    Type i32 = b.getI32Type(), i64 = b.getI64Type();
    // Operands from shared memory are written by all warps: a barrier
    // (unless the barrier analysis found none needed).
    if (!op->hasAttr(kNoBarrierBefore))
      target.barrier(b, loc);
    // The warpgroup's part of each descriptor's start (warp id through a
    // shuffle: uniform).
    Value warp;
    auto groupPart = [&](const std::vector<int64_t> &starts) -> Value {
      Value v;
      for (auto [j, st] : llvm::enumerate(starts)) {
        if (!st)
          continue;
        if (!warp)
          warp = target.shuffleIdx(
              b, loc,
              b.create<LLVM::LShrOp>(
                  loc, target.threadId(b, loc),
                  lowering::i32(b, loc, llvm::Log2_32(target.warpSize()))),
              lowering::i32(b, loc, 0));
        Value bit = b.create<LLVM::AndOp>(
            loc,
            b.create<LLVM::LShrOp>(loc, warp, lowering::i32(b, loc, 2 + j)),
            lowering::i32(b, loc, 1));
        Value part =
            b.create<LLVM::MulOp>(loc, bit, lowering::i32(b, loc, st));
        v = v ? b.create<LLVM::XOrOp>(loc, v, part).getResult() : part;
      }
      return v;
    };
    // descriptor = ((buffer + (start ^ group part)) >> 4) & 0x3fff | fields;
    // without a group part, the buffer's descriptor once plus start >> 4
    // per tile, as Triton's (the 14-bit field cannot carry over: shared
    // addresses stay below 2^18 bytes).
    DenseMap<std::pair<Value, const void *>, Value> baseDescs;
    auto descriptor = [&](Value base, const ::ll::WgmmaOperandPlan &p,
                          Value group, int idx) -> Value {
      auto field = [&](Value addr) -> Value {
        Value f = b.create<LLVM::AndOp>(
            loc, b.create<LLVM::LShrOp>(loc, addr, lowering::i32(b, loc, 4)),
            lowering::i32(b, loc, 0x3FFF));
        return b.create<LLVM::OrOp>(
            loc, b.create<LLVM::ZExtOp>(loc, i64, f),
            b.create<LLVM::ConstantOp>(
                loc, i64, b.getI64IntegerAttr(int64_t(p.desc.fields()))));
      };
      Value ptr = b.create<LLVM::PtrToIntOp>(loc, i32, base);
      if (group) {
        Value off = b.create<LLVM::XOrOp>(
            loc, lowering::i32(b, loc, p.starts[idx]), group);
        return field(b.create<LLVM::AddOp>(loc, ptr, off));
      }
      Value &d0 = baseDescs[{base, &p}];
      if (!d0)
        d0 = field(ptr);
      if (!p.starts[idx])
        return d0;
      return b.create<LLVM::AddOp>(
          loc, d0,
          b.create<LLVM::ConstantOp>(loc, i64,
                                     b.getI64IntegerAttr(p.starts[idx] >> 4)));
    };
    Value aGroup = aPlan ? groupPart(aPlan->groupStarts) : Value();
    Value bGroup = groupPart(bPlan->groupStarts);
    // The instruction's text: d, a (descriptor or registers), b-desc,
    // scale-d, then imm-scale-a / b and imm-trans-a / b where it has them.
    int nd = halfAcc ? N / 4 : N / 2,
        na = at ? int(plan->aRegs[0][0].size()) / (32 / bits) : 1;
    std::string imm;
    if (!integer)
      imm = ", 1, 1";
    if (half)
      imm += am ? (aPlan->desc.mnMajor ? ", 1" : ", 0") : "";
    if (half)
      imm += bPlan->desc.mnMajor ? ", 1" : ", 0";
    std::string dtype = integer ? "s32" : halfAcc ? "f16" : "f32";
    std::string text = "wgmma.mma_async.sync.aligned.m64n" +
                       std::to_string(N) + "k" + std::to_string(instrK) + "." +
                       dtype + "." + pa + "." + pb + " " + ptxRegs(0, nd) +
                       ", " + (at ? ptxRegs(2 * nd, na) : "$" + std::to_string(2 * nd)) +
                       ", $" + std::to_string(2 * nd + na) + ", $" +
                       std::to_string(2 * nd + na + 1) + imm + ";";
    // Constraints: the accumulators out and tied in, A, B, scale-d.
    std::string out = integer || halfAcc ? "=r" : "=f", cons;
    for (int j = 0; j < nd; ++j)
      cons += (j ? "," : "") + out;
    for (int j = 0; j < nd; ++j)
      cons += "," + std::to_string(j);
    for (int j = 0; j < na; ++j)
      cons += at ? ",r" : ",l";
    cons += ",l,b";
    SmallVector<Type> accTypes(nd, halfAcc ? Type(i32) : accElt);
    auto st = LLVM::LLVMStructType::getLiteral(b.getContext(), accTypes);
    Value useC = adaptor.getUseC()
                     ? adaptor.getUseC()
                     : b.create<LLVM::ConstantOp>(loc, b.getI1Type(),
                                                  b.getBoolAttr(true));
    Value one = b.create<LLVM::ConstantOp>(loc, b.getI1Type(), b.getBoolAttr(true));
    // A zero accumulator is not loaded: the first k step of each tile
    // ignores it (scale-d false), as Triton's.
    bool zeroC = matchPattern(op.getC(), m_AnyZeroFloat()) ||
                 matchPattern(op.getC(), m_Zero());
    Value none = b.create<LLVM::ConstantOp>(loc, b.getI1Type(), b.getBoolAttr(false));
    int steps = int(K / instrK);
    // Every instruction's A words and descriptors before the fence (a
    // register written after it would make ptxas add warpgroup.arrive).
    SmallVector<SmallVector<SmallVector<Value>>> operands(plan->cRegs.size());
    for (size_t t = 0; t < plan->cRegs.size(); ++t)
      for (int s = 0; s < steps; ++s) {
        SmallVector<Value> ops;
        if (at) {
          auto &ar = plan->aRegs[t][s];
          for (int j = 0; j < int(ar.size()); j += 32 / bits)
            ops.push_back(operandWord(b, loc, a, ar, j, 32 / bits, opElt));
        } else {
          ops.push_back(descriptor(adaptor.getA(), *aPlan, aGroup,
                                   int(t) * steps + s));
        }
        ops.push_back(descriptor(adaptor.getB(), *bPlan, bGroup,
                                 int(t) * steps + s));
        operands[t].push_back(std::move(ops));
      }
    b.create<NVVM::WgmmaFenceAlignedOp>(loc);
    SmallVector<Value> d(c);
    for (size_t t = 0; t < plan->cRegs.size(); ++t) {
      SmallVector<Value> acc; // (f16: packed in pairs, element 0 low)
      for (int j = 0; j < nd; ++j)
        acc.push_back(zeroC ? b.create<LLVM::UndefOp>(loc, accTypes[j]).getResult()
                      : halfAcc ? operandWord(b, loc, c, plan->cRegs[t], 2 * j, 2,
                                              accElt)
                                : c[plan->cRegs[t][j]]);
      for (int s = 0; s < steps; ++s) {
        SmallVector<Value> ops(acc);
        llvm::append_range(ops, operands[t][s]);
        ops.push_back(s ? one : zeroC ? none : useC);
        auto mma = inlinePtx(b, loc, st, ops, text, cons);
        for (int j = 0; j < nd; ++j)
          acc[j] = b.create<LLVM::ExtractValueOp>(loc, mma.getResult(0), j);
      }
      for (auto [j, r] : llvm::enumerate(plan->cRegs[t])) {
        if (!halfAcc) {
          d[r] = acc[j];
          continue;
        }
        d[r] = halfOfWord(b, loc, acc[j / 2], accElt, int(j % 2));
      }
    }
    b.create<NVVM::WgmmaGroupSyncAlignedOp>(loc);
    if (!op.getIsAsync())
      d = waitWgmma(b, loc, 0, d);
    b.replaceOp(op, fromRegisters(b, loc,
                                  getTypeConverter()->convertType(dt), d));
    return success();
  }
};

/// The values pass through a wait for the wgmma groups; the registers of
/// tensors are tied through it.
struct WarpGroupDotWaitLowering : OpConversionPattern<WarpGroupDotWaitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(WarpGroupDotWaitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    SmallVector<Value> regs;
    SmallVector<size_t> count;
    for (auto [v, orig] : llvm::zip(adaptor.getInputs(), op.getInputs())) {
      SmallVector<Value> r;
      if (isa<RankedTensorType>(orig.getType()))
        r = registersOf(b, loc, v);
      count.push_back(r.size());
      llvm::append_range(regs, r);
    }
    SmallVector<Value> after = waitWgmma(b, loc, op.getPendings(), regs);
    SmallVector<Value> results;
    size_t at = 0;
    for (auto [i, v] : llvm::enumerate(adaptor.getInputs())) {
      if (!isa<RankedTensorType>(op.getInputs()[i].getType())) {
        results.push_back(v);
        continue;
      }
      results.push_back(fromRegisters(
          b, loc, v.getType(), ArrayRef<Value>(after).slice(at, count[i])));
      at += count[i];
    }
    b.replaceOp(op, results);
    return success();
  }
};

} // namespace

void mlir::ll::populateDotOpToLLVMPatterns(LLTypeConverter &tc,
                                           RewritePatternSet &patterns,
                                           const TargetInfo &target) {
  patterns.add<DotLowering, WarpGroupDotLowering>(tc, patterns.getContext(),
                                                 target);
  patterns.add<WarpGroupDotWaitLowering>(tc, patterns.getContext());
}
