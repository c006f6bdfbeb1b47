//===- TargetInfo.cpp - NVVM and ROCDL targets ----------------------------===//

#include "linear_layouts/Conversion/LLToLLVM/TargetInfo.h"
#include "PatternBase.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/MathToROCDL/MathToROCDL.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::ll;
using lowering::inlinePtx;
using lowering::ptxRegs;

namespace {

Value i32Const(OpBuilder &b, Location loc, int32_t v) {
  return b.create<LLVM::ConstantOp>(loc, b.getI32Type(), b.getI32IntegerAttr(v));
}

/// How a predicated PTX access moves `type`: `count` words of `bits` bits
/// (16: "h" registers, 32: "r"); count 0 where PTX has no such access (a
/// type of 8 bits, of more than 128, or not a whole number of words).
struct PtxWords {
  int count = 0, bits = 0;
  char constraint = 'r';
};

PtxWords ptxWords(Type type) {
  unsigned total = 0;
  if (auto v = dyn_cast<VectorType>(type))
    total = v.getNumElements() * v.getElementType().getIntOrFloatBitWidth();
  else if (type.isIntOrFloat())
    total = type.getIntOrFloatBitWidth();
  if (total == 16)
    return {1, 16, 'h'};
  if (total == 32 || total == 64 || total == 128)
    return {int(total / 32), 32, 'r'};
  return {};
}

/// `v` (of the type ptxWords(type) describes) as its words, and back.
SmallVector<Value> toWords(OpBuilder &b, Location loc, Value v, PtxWords w) {
  Type word = b.getIntegerType(w.bits);
  if (w.count == 1)
    return {b.create<LLVM::BitcastOp>(loc, word, v)};
  Value vec = b.create<LLVM::BitcastOp>(
      loc, VectorType::get({w.count}, word), v);
  SmallVector<Value> out;
  for (int i = 0; i < w.count; ++i)
    out.push_back(b.create<LLVM::ExtractElementOp>(loc, vec, i32Const(b, loc, i)));
  return out;
}

Value fromWords(OpBuilder &b, Location loc, Type type, ArrayRef<Value> words) {
  if (words.size() == 1)
    return b.create<LLVM::BitcastOp>(loc, type, words[0]);
  auto vt = VectorType::get({int64_t(words.size())}, words[0].getType());
  Value vec = b.create<LLVM::UndefOp>(loc, vt);
  for (auto [i, w] : llvm::enumerate(words))
    vec = b.create<LLVM::InsertElementOp>(loc, vec, w, i32Const(b, loc, i));
  return b.create<LLVM::BitcastOp>(loc, type, vec);
}

bool isGlobalPtr(Value p) {
  auto t = dyn_cast<LLVM::LLVMPointerType>(p.getType());
  return t && t.getAddressSpace() == 1;
}

/// The vector type llvm.masked.load / store move `type` as (a scalar as a
/// vector of one), and the access's bytes; null for i1 (packed bits in a
/// vector) and types that are not integers or floats.
std::pair<VectorType, unsigned> maskedVector(Type type) {
  auto vt = dyn_cast<VectorType>(type);
  Type elt = vt ? vt.getElementType() : type;
  if (!elt.isIntOrFloat() || elt.isInteger(1) || elt.getIntOrFloatBitWidth() % 8)
    return {};
  int64_t n = vt ? vt.getNumElements() : 1;
  return {VectorType::get({n}, elt), unsigned(n * elt.getIntOrFloatBitWidth() / 8)};
}

/// vector<n x i1> with every lane `pred`.
Value splatMask(OpBuilder &b, Location loc, Value pred, int64_t n) {
  Value m = b.create<LLVM::UndefOp>(loc, VectorType::get({n}, b.getI1Type()));
  for (int64_t i = 0; i < n; ++i)
    m = b.create<LLVM::InsertElementOp>(loc, m, pred, i32Const(b, loc, i));
  return m;
}

} // namespace

/// Math ops lowered to library calls: those without an exact instruction
/// (exp, log, trigonometric, hyperbolic, erf, pow, ...). Square roots,
/// absolute values, fused multiply-adds, rounding to integers, min / max
/// stay LLVM intrinsics (one instruction each); so do f32 exp / log on AMD.
bool TargetInfo::needsMathLibrary(Operation *op) const {
  // NVIDIA: approximate f32 sqrt / rsqrt / division become the PTX forms
  // Triton emits (ApproxMathToNVVM, ApproxDivToNVVM).
  if (!isAMD() && isa<math::SqrtOp, math::RsqrtOp, arith::DivFOp>(op) &&
      op->getResultTypes()[0].isF32())
    if (auto fm = op->getAttrOfType<arith::FastMathFlagsAttr>("fastmath"))
      if (arith::bitEnumContainsAll(fm.getValue(), arith::FastMathFlags::afn))
        return true;
  // AMDGPU has f32 exp / log instructions (MLIR's OCML patterns leave them);
  // Triton's approximate exp is exp2 of a product (ApproxExpToAMDGPU).
  if (isAMD() && isa<math::ExpOp>(op) && op->getResultTypes()[0].isF32())
    if (auto fm = op->getAttrOfType<arith::FastMathFlagsAttr>("fastmath"))
      if (arith::bitEnumContainsAll(fm.getValue(), arith::FastMathFlags::afn))
        return true;
  if (isAMD() && isa<math::ExpOp, math::Exp2Op, math::LogOp, math::Log2Op>(op) &&
      op->getResultTypes()[0].isF32())
    return false;
  if (!isa<math::ExpOp, math::Exp2Op, math::ExpM1Op, math::LogOp,
           math::Log2Op, math::Log10Op, math::Log1pOp, math::SinOp,
           math::CosOp, math::TanOp, math::TanhOp, math::SinhOp,
           math::CoshOp, math::AsinOp, math::AcosOp, math::AtanOp,
           math::Atan2Op, math::AsinhOp, math::AcoshOp, math::AtanhOp,
           math::ErfOp, math::ErfcOp, math::CbrtOp, math::PowFOp,
           math::FPowIOp, arith::RemFOp>(op))
    return false;
  // Scalars only: tensors were lowered to registers before.
  return llvm::all_of(op->getResultTypes(), [](Type t) { return t.isIntOrFloat(); });
}

Value TargetInfo::predicatedLoad(OpBuilder &b, Location loc, Type type,
                                 Value ptr, Value pred, Value other) const {
  auto [vt, bytes] = maskedVector(type);
  if (!vt)
    return nullptr;
  Value pass;
  if (!other)
    pass = b.create<LLVM::ZeroOp>(loc, vt);
  else if (isa<VectorType>(type))
    pass = other;
  else
    pass = b.create<LLVM::InsertElementOp>(
        loc, b.create<LLVM::UndefOp>(loc, vt), other, i32Const(b, loc, 0));
  Value v = b.create<LLVM::MaskedLoadOp>(loc, vt, ptr,
                                         splatMask(b, loc, pred, vt.getNumElements()),
                                         pass, bytes);
  if (isa<VectorType>(type))
    return v;
  return b.create<LLVM::ExtractElementOp>(loc, v, i32Const(b, loc, 0));
}

bool TargetInfo::predicatedStore(OpBuilder &b, Location loc, Value value,
                                 Value ptr, Value pred) const {
  auto [vt, bytes] = maskedVector(value.getType());
  if (!vt)
    return false;
  if (!isa<VectorType>(value.getType()))
    value = b.create<LLVM::InsertElementOp>(
        loc, b.create<LLVM::UndefOp>(loc, vt), value, i32Const(b, loc, 0));
  b.create<LLVM::MaskedStoreOp>(loc, value, ptr,
                                splatMask(b, loc, pred, vt.getNumElements()),
                                bytes);
  return true;
}

namespace {

/// Triton's approximate f32 math (`fastmath<afn>`, what convert-triton-to-ll
/// gives tl.exp & co.) on NVIDIA: the PTX approximations Triton emits, one or
/// two instructions each, instead of libdevice's __nv_fast_* (whose bitcode
/// would have to be linked: ~60 ms per kernel).
///   exp(x)  -> ex2.approx(x * log2(e))     exp2 -> ex2.approx
///   log(x)  -> lg2.approx(x) * ln(2)       log2 -> lg2.approx
///   sin, cos -> sin.approx, cos.approx
///   sqrt, rsqrt -> sqrt.approx.ftz, rsqrt.approx.ftz (libdevice's, with
///                  Triton's flush to zero: no subnormal fix-up)
///   x / y   -> div.full (accurate over the whole range; LLVM would pick
///              div.approx, which is 0 for |y| > 2^126)
template <typename MathOp>
struct ApproxMathToNVVM : OpRewritePattern<MathOp> {
  ApproxMathToNVVM(MLIRContext *ctx)
      : OpRewritePattern<MathOp>(ctx, /*benefit=*/10) {}

  LogicalResult matchAndRewrite(MathOp op,
                                PatternRewriter &rewriter) const override {
    Type f32 = op.getType();
    if (!f32.isF32() || !arith::bitEnumContainsAll(op.getFastmath(),
                                                   arith::FastMathFlags::afn))
      return failure();
    Location loc = op.getLoc();
    auto intrinsic = [&](StringRef name, Value x) -> Value {
      return rewriter
          .create<LLVM::CallIntrinsicOp>(loc, f32, rewriter.getStringAttr(name),
                                         ValueRange{x})
          .getResult(0);
    };
    auto scale = [&](Value x, double c) -> Value {
      Value k = rewriter.create<LLVM::ConstantOp>(
          loc, f32, rewriter.getF32FloatAttr(float(c)));
      return rewriter.create<LLVM::FMulOp>(loc, x, k);
    };
    Value x = op.getOperand(), r;
    if (isa<math::ExpOp>(op))
      r = intrinsic("llvm.nvvm.ex2.approx.f32", scale(x, M_LOG2E));
    else if (isa<math::Exp2Op>(op))
      r = intrinsic("llvm.nvvm.ex2.approx.f32", x);
    else if (isa<math::LogOp>(op))
      r = scale(intrinsic("llvm.nvvm.lg2.approx.f", x), M_LN2);
    else if (isa<math::Log2Op>(op))
      r = intrinsic("llvm.nvvm.lg2.approx.f", x);
    else if (isa<math::SinOp>(op))
      r = intrinsic("llvm.nvvm.sin.approx.f", x);
    else if (isa<math::SqrtOp>(op))
      r = intrinsic("llvm.nvvm.sqrt.approx.ftz.f", x);
    else if (isa<math::RsqrtOp>(op))
      r = intrinsic("llvm.nvvm.rsqrt.approx.ftz.f", x);
    else
      r = intrinsic("llvm.nvvm.cos.approx.f", x);
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Triton's approximate f32 exp on AMD: exp2(x * log2(e)) with the
/// hardware's exp2 (`llvm.exp2.f32`: v_exp_f32), as Triton emits it, not
/// LLVM's range-reduced expansion of llvm.exp.
struct ApproxExpToAMDGPU : OpRewritePattern<math::ExpOp> {
  ApproxExpToAMDGPU(MLIRContext *ctx)
      : OpRewritePattern<math::ExpOp>(ctx, /*benefit=*/10) {}

  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    Type f32 = op.getType();
    if (!f32.isF32() || !arith::bitEnumContainsAll(op.getFastmath(),
                                                   arith::FastMathFlags::afn))
      return failure();
    Location loc = op.getLoc();
    Value k = rewriter.create<LLVM::ConstantOp>(
        loc, f32, rewriter.getF32FloatAttr(float(M_LOG2E)));
    Value x = rewriter.create<LLVM::FMulOp>(loc, op.getOperand(), k);
    rewriter.replaceOpWithNewOp<LLVM::Exp2Op>(op, f32, x);
    return success();
  }
};

/// f32 division with `afn` (Triton's `/`): div.full.f32, as Triton emits.
struct ApproxDivToNVVM : OpRewritePattern<arith::DivFOp> {
  ApproxDivToNVVM(MLIRContext *ctx)
      : OpRewritePattern<arith::DivFOp>(ctx, /*benefit=*/10) {}

  LogicalResult matchAndRewrite(arith::DivFOp op,
                                PatternRewriter &rewriter) const override {
    Type f32 = op.getType();
    if (!f32.isF32() || !arith::bitEnumContainsAll(op.getFastmath(),
                                                   arith::FastMathFlags::afn))
      return failure();
    rewriter.replaceOp(
        op, rewriter
                .create<LLVM::CallIntrinsicOp>(
                    op.getLoc(), f32, rewriter.getStringAttr("llvm.nvvm.div.full"),
                    ValueRange{op.getLhs(), op.getRhs()})
                .getResult(0));
    return success();
  }
};

class NVVMTargetInfo : public TargetInfo {
public:
  explicit NVVMTargetInfo(::ll::Target t) : TargetInfo(std::move(t)) {}

  Value threadId(OpBuilder &b, Location loc) const override {
    return b.create<NVVM::ThreadIdXOp>(loc, b.getI32Type());
  }
  Value programId(OpBuilder &b, Location loc, int axis) const override {
    Type i32 = b.getI32Type();
    if (axis == 0)
      return b.create<NVVM::BlockIdXOp>(loc, i32);
    if (axis == 1)
      return b.create<NVVM::BlockIdYOp>(loc, i32);
    return b.create<NVVM::BlockIdZOp>(loc, i32);
  }
  Value numPrograms(OpBuilder &b, Location loc, int axis) const override {
    Type i32 = b.getI32Type();
    if (axis == 0)
      return b.create<NVVM::GridDimXOp>(loc, i32);
    if (axis == 1)
      return b.create<NVVM::GridDimYOp>(loc, i32);
    return b.create<NVVM::GridDimZOp>(loc, i32);
  }
  Value shuffleIdx(OpBuilder &b, Location loc, Value value,
                   Value lane) const override {
    // All 32 lanes take part; clamp 0x1f: one 32-lane segment.
    return b.create<NVVM::ShflOp>(loc, b.getI32Type(), i32Const(b, loc, -1),
                                  value, lane, i32Const(b, loc, 0x1f),
                                  NVVM::ShflKind::idx, UnitAttr());
  }
  Value shuffleXor(OpBuilder &b, Location loc, Value value, Value,
                   int32_t mask) const override {
    return b.create<NVVM::ShflOp>(loc, b.getI32Type(), i32Const(b, loc, -1),
                                  value, i32Const(b, loc, mask),
                                  i32Const(b, loc, 0x1f), NVVM::ShflKind::bfly,
                                  UnitAttr());
  }
  Value warpReduce(OpBuilder &b, Location loc, Value value,
                   WarpReduceKind kind) const override {
    auto type = dyn_cast<IntegerType>(value.getType());
    if (!type || type.getWidth() > 32 || !desc.warpReduce)
      return nullptr;
    static constexpr NVVM::ReduxKind kinds[] = {
        NVVM::ReduxKind::ADD, NVVM::ReduxKind::AND,  NVVM::ReduxKind::OR,
        NVVM::ReduxKind::XOR, NVVM::ReduxKind::MIN,  NVVM::ReduxKind::UMIN,
        NVVM::ReduxKind::MAX, NVVM::ReduxKind::UMAX};
    Type i32 = b.getI32Type();
    bool narrow = type.getWidth() < 32;
    // Narrow integers widened so that the 32-bit result truncates back to
    // the narrow one: sign-extended for the signed orders, else zero.
    if (narrow)
      value = kind == WarpReduceKind::Min || kind == WarpReduceKind::Max
                  ? Value(b.create<LLVM::SExtOp>(loc, i32, value))
                  : Value(b.create<LLVM::ZExtOp>(loc, i32, value));
    Value r = b.create<NVVM::ReduxOp>(loc, i32, value, kinds[int(kind)],
                                      i32Const(b, loc, -1));
    return narrow ? Value(b.create<LLVM::TruncOp>(loc, type, r)) : r;
  }
  Value roundToFp8x2(OpBuilder &b, Location loc, Value hi, Value lo,
                     Type fp8) const override {
    if (!desc.fp8Conversions && isa<Float8E5M2Type>(fp8)) {
      // Before sm_89, e5m2 as Triton's code rounds it: each f32's bits
      // below 16 folded into bit 16 (sticky), cvt.rz to f16, the f16
      // magnitude saturated to 57344 and rounded to nearest even at bit 8
      // (NaN halves OR-ed to 0x7F), the sign back, the high bytes taken.
      static const char *text =
          "{\n.reg .b32 x<2>, h, a, n, t, m;\n"
          "add.u32 x0, $1, 0xffff;\nlop3.b32 x0, $1, x0, 0x10000, 0xf8;\n"
          "add.u32 x1, $2, 0xffff;\nlop3.b32 x1, $2, x1, 0x10000, 0xf8;\n"
          "cvt.rz.f16x2.f32 h, x1, x0;\nand.b32 a, h, 0x7fff7fff;\n"
          "set.nan.f16x2.f16x2 n, a, a;\nmov.b32 m, 0x7b007b00;\n"
          "min.f16x2 a, a, m;\nshr.b32 t, a, 8;\nand.b32 t, t, 0x00010001;\n"
          "add.u32 a, a, 0x007f007f;\nadd.u32 a, a, t;\nor.b32 a, a, n;\n"
          "lop3.b32 a, a, h, 0x80008000, 0xf8;\nprmt.b32 $0, a, 0, 0x0031;\n}";
      Type i32 = b.getI32Type();
      Value w = inlinePtx(b, loc, i32,
                          ValueRange{b.create<LLVM::BitcastOp>(loc, i32, lo),
                                     b.create<LLVM::BitcastOp>(loc, i32, hi)},
                          text, "=r,r,r", /*sideEffects=*/false)
                    .getResult(0);
      return b.create<LLVM::TruncOp>(loc, b.getI16Type(), w);
    }
    if (!desc.fp8Conversions || !isa<Float8E4M3FNType, Float8E5M2Type>(fp8))
      return nullptr;
    return b.create<NVVM::ConvertF32x2ToF8x2Op>(
        loc, b.getI16Type(), hi, lo, NVVM::FPRoundingMode::RN,
        NVVM::SaturationMode::SATFINITE, /*relu=*/false, fp8);
  }
  Value fp8x2ToF16x2(OpBuilder &b, Location loc, Value lo, Value hi,
                     Type fp8) const override {
    if (!desc.fp8Conversions || !isa<Float8E4M3FNType, Float8E5M2Type>(fp8))
      return nullptr;
    auto v2i8 = VectorType::get({2}, b.getI8Type());
    Value pair = b.create<LLVM::UndefOp>(loc, v2i8);
    pair = b.create<LLVM::InsertElementOp>(loc, pair, lo, i32Const(b, loc, 0));
    pair = b.create<LLVM::InsertElementOp>(loc, pair, hi, i32Const(b, loc, 1));
    return b.create<NVVM::ConvertF8x2ToF16x2Op>(
        loc, VectorType::get({2}, b.getF16Type()), pair, /*relu=*/false, fp8);
  }
  /// mov.b32 $0, <other or 0>; ... @$p ld.global.v4.b32 { $0, .. }, [ $a + 0 ];
  Value predicatedLoad(OpBuilder &b, Location loc, Type type, Value ptr,
                       Value pred, Value other) const override {
    PtxWords w = ptxWords(type);
    if (!w.count || !isGlobalPtr(ptr))
      return TargetInfo::predicatedLoad(b, loc, type, ptr, pred, other);
    SmallVector<Value> operands = {ptr, pred};
    if (other)
      operands.append(toWords(b, loc, other, w));
    std::string bits = std::to_string(w.bits), asmText, constraints;
    for (int i = 0; i < w.count; ++i) {
      asmText += "mov.b" + bits + " $" + std::to_string(i) + ", " +
                 (other ? "$" + std::to_string(w.count + 2 + i) : "0") + ";\n\t";
      constraints += std::string("=") + w.constraint + ",";
    }
    asmText += "@$" + std::to_string(w.count + 1) + " ld.global" +
               (w.count > 1 ? ".v" + std::to_string(w.count) : "") + ".b" +
               bits + " " + ptxRegs(0, w.count) + ", [ $" +
               std::to_string(w.count) + " + 0 ];";
    constraints += "l,b";
    for (int i = 0; other && i < w.count; ++i)
      constraints += std::string(",") + w.constraint;
    Type word = b.getIntegerType(w.bits);
    Type result = word;
    if (w.count > 1)
      result = LLVM::LLVMStructType::getLiteral(
          b.getContext(), SmallVector<Type>(w.count, word));
    auto op = inlinePtx(b, loc, result, operands, asmText, constraints);
    SmallVector<Value> words;
    if (w.count == 1)
      words.push_back(op.getResult(0));
    else
      for (int i = 0; i < w.count; ++i)
        words.push_back(b.create<LLVM::ExtractValueOp>(loc, op.getResult(0), i));
    return fromWords(b, loc, type, words);
  }
  /// @$p st.global.v4.b32 [ $a + 0 ], { $0, .. };
  bool predicatedStore(OpBuilder &b, Location loc, Value value, Value ptr,
                       Value pred) const override {
    PtxWords w = ptxWords(value.getType());
    if (!w.count || !isGlobalPtr(ptr))
      return TargetInfo::predicatedStore(b, loc, value, ptr, pred);
    SmallVector<Value> operands = toWords(b, loc, value, w);
    operands.append({ptr, pred});
    std::string asmText = "@$" + std::to_string(w.count + 1) + " st.global" +
                          (w.count > 1 ? ".v" + std::to_string(w.count) : "") +
                          ".b" + std::to_string(w.bits) + " [ $" +
                          std::to_string(w.count) + " + 0 ], " +
                          ptxRegs(0, w.count) + ";";
    std::string constraints;
    for (int i = 0; i < w.count; ++i)
      constraints += std::string(1, w.constraint) + ",";
    constraints += "l,b";
    inlinePtx(b, loc, Type(), operands, asmText, constraints);
    return true;
  }
  /// sm_90's vector float adds: `@p atom.sem.scope.global.add.noftz.vN.f16`
  /// (bf16; N = 2, 4, 8) or `.add.vN.f32` (N = 2, 4), one register per
  /// element; the old values (0 where `pred` is false).
  Value vectorAtomicAdd(OpBuilder &b, Location loc, VectorType vt, Value ptr,
                        Value val, Value pred, MemSemantic sem,
                        MemScope scope) const {
    Type e = vt.getElementType();
    int n = int(vt.getNumElements());
    unsigned bits = e.getIntOrFloatBitWidth();
    Type word = b.getIntegerType(bits);
    std::string reg = bits == 16 ? "h" : "r", w = std::to_string(bits);
    const char *semText[] = {"", "relaxed", "acquire", "release", "acq_rel"};
    const char *scopeText[] = {"", "gpu", "cta", "sys"};
    SmallVector<Value> operands = {ptr};
    for (int i = 0; i < n; ++i)
      operands.push_back(b.create<LLVM::BitcastOp>(
          loc, word, b.create<LLVM::ExtractElementOp>(loc, val, i32Const(b, loc, i))));
    operands.push_back(pred);
    std::string text, constraints;
    for (int i = 0; i < n; ++i) {
      text += "mov.b" + w + " $" + std::to_string(i) + ", 0;\n\t";
      constraints += "=" + reg + ",";
    }
    text += "@$" + std::to_string(2 * n + 1) + " atom." + semText[int(sem)] +
            "." + scopeText[int(scope)] + ".global.add." +
            (bits == 16 ? "noftz." : "") + "v" + std::to_string(n) + "." +
            (e.isF16() ? "f16" : e.isBF16() ? "bf16" : "f32") + " " +
            ptxRegs(0, n) + ", [ $" + std::to_string(n) + " + 0 ], " +
            ptxRegs(n + 1, n) + ";";
    constraints += "l";
    for (int i = 0; i < n; ++i)
      constraints += "," + reg;
    constraints += ",b";
    auto st = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                               SmallVector<Type>(n, word));
    Value r = inlinePtx(b, loc, st, operands, text, constraints).getResult(0);
    Value out = b.create<LLVM::UndefOp>(loc, vt);
    for (int i = 0; i < n; ++i)
      out = b.create<LLVM::InsertElementOp>(
          loc, out,
          b.create<LLVM::BitcastOp>(loc, e, b.create<LLVM::ExtractValueOp>(loc, r, i)),
          i32Const(b, loc, i));
    return out;
  }
  void barrier(OpBuilder &b, Location loc) const override {
    b.create<NVVM::Barrier0Op>(loc);
  }
  StringRef syncScope(MemScope scope) const override {
    return scope == MemScope::CTA ? "block" : scope == MemScope::GPU ? "device" : "";
  }
  /// vprintf(format, args): the arguments in a local struct, each at its
  /// natural alignment (CUDA's packing).
  void printf(OpBuilder &b, Location loc, StringRef format,
              ValueRange args) const override {
    MLIRContext *ctx = b.getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto fn = lowering::declareFunction(
        b, loc, "vprintf",
        LLVM::LLVMFunctionType::get(b.getI32Type(), {ptr, ptr}));
    Value fmt = lowering::globalString(b, loc, "printfFormat", format);
    Value buf = b.create<LLVM::ZeroOp>(loc, ptr);
    if (!args.empty()) {
      SmallVector<Type> types;
      for (Value a : args)
        types.push_back(a.getType());
      auto st = LLVM::LLVMStructType::getLiteral(ctx, types);
      buf = b.create<LLVM::AllocaOp>(loc, ptr, st, i32Const(b, loc, 1), 8);
      for (auto [k, a] : llvm::enumerate(args)) {
        Value at = b.create<LLVM::GEPOp>(
            loc, ptr, st, buf, ArrayRef<LLVM::GEPArg>{0, int32_t(k)});
        b.create<LLVM::StoreOp>(loc, a, at);
      }
    }
    b.create<LLVM::CallOp>(loc, fn, ValueRange{fmt, buf});
  }
  void assertFail(OpBuilder &b, Location loc, StringRef message,
                  StringRef file, int line, StringRef func) const override {
    MLIRContext *ctx = b.getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto fn = lowering::declareFunction(
        b, loc, "__assertfail",
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                    {ptr, ptr, b.getI32Type(), ptr,
                                     b.getI64Type()}));
    Value m = lowering::globalString(b, loc, "assertMessage", message);
    Value f = lowering::globalString(b, loc, "assertFile", file);
    Value fn2 = lowering::globalString(b, loc, "assertFunc", func);
    b.create<LLVM::CallOp>(
        loc, fn,
        ValueRange{m, f, i32Const(b, loc, line), fn2,
                   b.create<LLVM::ConstantOp>(loc, b.getI64Type(),
                                              b.getI64IntegerAttr(1))});
  }
  /// `@p atom.sem.scope.global.op.type` (PTX ISA 9.7.13.5), as Triton emits
  /// its atomics: 32- and 64-bit integers, f32 / f64 add, f16 add (and bf16
  /// on sm_90) without flushing, 32- / 64-bit exchange and cas.
  Value predicatedAtomic(OpBuilder &b, Location loc,
                         std::optional<AtomicRMWKind> kind, Value ptr,
                         ArrayRef<Value> vals, Value pred, MemSemantic sem,
                         MemScope scope) const override {
    Type t = vals[0].getType();
    if (auto vt = dyn_cast<VectorType>(t)) {
      Type e = vt.getElementType();
      int n = int(vt.getNumElements());
      if (!isGlobalPtr(ptr) || kind != AtomicRMWKind::FADD ||
          n > atomicAddVector(e))
        return {};
      if (n > 2 || e.isF32() || e.isBF16())
        return vectorAtomicAdd(b, loc, vt, ptr, vals[0], pred, sem, scope);
      // f16 pairs: add.noftz.f16x2 on one 32-bit word (below).
    } else if (!isGlobalPtr(ptr) || !t.isIntOrFloat()) {
      return {};
    }
    unsigned bits = isa<VectorType>(t) ? 32 : t.getIntOrFloatBitWidth();
    std::string w = std::to_string(bits), op, type;
    bool wide = bits == 32 || bits == 64;
    if (!kind) {
      op = "cas", type = "b" + w;
    } else {
      switch (*kind) {
      case AtomicRMWKind::AND:
      case AtomicRMWKind::OR:
      case AtomicRMWKind::XOR:
      case AtomicRMWKind::XCHG:
        op = *kind == AtomicRMWKind::XCHG ? "exch" : stringifyAtomicRMWKind(*kind).str();
        type = "b" + w;
        break;
      case AtomicRMWKind::ADD:
        op = "add", type = "u" + w;
        break;
      case AtomicRMWKind::FADD:
        op = "add";
        if (auto vt = dyn_cast<VectorType>(t))
          type = std::string("noftz.") +
                 (vt.getElementType().isF16() ? "f16x2" : "bf16x2");
        else if (t.isF16() || (t.isBF16() && desc.computeCapability >= 90))
          type = std::string("noftz.") + (t.isF16() ? "f16" : "bf16"), wide = true;
        else if (t.isF32() || t.isF64())
          type = "f" + w;
        else
          return {};
        break;
      case AtomicRMWKind::MAX:
      case AtomicRMWKind::MIN:
        op = *kind == AtomicRMWKind::MAX ? "max" : "min", type = "s" + w;
        break;
      case AtomicRMWKind::UMAX:
      case AtomicRMWKind::UMIN:
        op = *kind == AtomicRMWKind::UMAX ? "max" : "min", type = "u" + w;
        break;
      }
    }
    if (!wide)
      return {};
    const char *semText[] = {"", "relaxed", "acquire", "release", "acq_rel"};
    const char *scopeText[] = {"", "gpu", "cta", "sys"};
    std::string reg = bits == 16 ? "h" : bits == 32 ? "r" : "l";
    Type word = b.getIntegerType(bits);
    SmallVector<Value> operands = {ptr};
    for (Value v : vals)
      operands.push_back(v.getType() == word
                             ? v
                             : b.create<LLVM::BitcastOp>(loc, word, v).getResult());
    operands.push_back(pred);
    std::string p = std::to_string(operands.size()); // $0 is the result
    std::string text = "mov.b" + w + " $0, 0;\n\t@$" + p + " atom." +
                       semText[int(sem)] + "." + scopeText[int(scope)] +
                       ".global." + op + "." + type + " $0, [ $1 + 0 ], $2" +
                       (vals.size() > 1 ? ", $3;" : ";");
    std::string constraints = "=" + reg + ",l," + reg + (vals.size() > 1 ? "," + reg : "") + ",b";
    Value old = inlinePtx(b, loc, word, operands, text, constraints).getResult(0);
    return t == word ? old : b.create<LLVM::BitcastOp>(loc, t, old).getResult();
  }
  void populateMathPatterns(LLVMTypeConverter &tc,
                            RewritePatternSet &patterns) const override {
    patterns.add<ApproxMathToNVVM<math::ExpOp>, ApproxMathToNVVM<math::Exp2Op>,
                 ApproxMathToNVVM<math::LogOp>, ApproxMathToNVVM<math::Log2Op>,
                 ApproxMathToNVVM<math::SinOp>, ApproxMathToNVVM<math::CosOp>,
                 ApproxMathToNVVM<math::SqrtOp>, ApproxMathToNVVM<math::RsqrtOp>,
                 ApproxDivToNVVM>(
        patterns.getContext());
    populateLibDeviceConversionPatterns(tc, patterns);
  }

  bool storeMatrix(OpBuilder &b, Location loc, Value ptr,
                   ArrayRef<Value> words, bool transposed) const override {
    if (!desc.stmatrix)
      return false;
    b.create<NVVM::StMatrixOp>(
        loc, ptr, words, transposed ? NVVM::MMALayout::col : NVVM::MMALayout::row,
        NVVM::LdStMatrixShapeAttr::get(b.getContext(), 8, 8),
        NVVM::LdStMatrixEltType::B16);
    return true;
  }

  SmallVector<Value> loadMatrix(OpBuilder &b, Location loc, Value ptr,
                                bool transposed) const override {
    if (!desc.ldmatrix)
      return {};
    Type i32 = b.getI32Type();
    auto st4 = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                                SmallVector<Type>(4, i32));
    Value res = b.create<NVVM::LdMatrixOp>(
        loc, st4, ptr, 4,
        transposed ? NVVM::MMALayout::col : NVVM::MMALayout::row,
        NVVM::LdStMatrixShapeAttr::get(b.getContext(), 8, 8),
        NVVM::LdStMatrixEltType::B16);
    SmallVector<Value> words;
    for (int m = 0; m < 4; ++m)
      words.push_back(b.create<LLVM::ExtractValueOp>(loc, res, m));
    return words;
  }

  void markKernel(LLVM::LLVMFuncOp func, int threads) const override {
    OpBuilder b(func);
    func->setAttr("nvvm.kernel", b.getUnitAttr());
    func->setAttr("nvvm.reqntid", b.getDenseI32ArrayAttr({threads}));
  }
};

class ROCDLTargetInfo : public TargetInfo {
public:
  explicit ROCDLTargetInfo(::ll::Target t) : TargetInfo(std::move(t)) {}

  Value threadId(OpBuilder &b, Location loc) const override {
    return b.create<ROCDL::ThreadIdXOp>(loc, b.getI32Type());
  }
  Value programId(OpBuilder &b, Location loc, int axis) const override {
    Type i32 = b.getI32Type();
    if (axis == 0)
      return b.create<ROCDL::BlockIdXOp>(loc, i32);
    if (axis == 1)
      return b.create<ROCDL::BlockIdYOp>(loc, i32);
    return b.create<ROCDL::BlockIdZOp>(loc, i32);
  }
  /// rocdl.grid.dim.* translate to OCKL's `i64 __ockl_get_num_groups(i32)`
  /// (linked at emission, as Triton does): an i64 result, truncated.
  Value numPrograms(OpBuilder &b, Location loc, int axis) const override {
    Type i64 = b.getI64Type();
    Value n;
    if (axis == 0)
      n = b.create<ROCDL::GridDimXOp>(loc, i64);
    else if (axis == 1)
      n = b.create<ROCDL::GridDimYOp>(loc, i64);
    else
      n = b.create<ROCDL::GridDimZOp>(loc, i64);
    return b.create<LLVM::TruncOp>(loc, b.getI32Type(), n);
  }
  Value shuffleIdx(OpBuilder &b, Location loc, Value value,
                   Value lane) const override {
    // ds_bpermute takes a byte address: lane * 4.
    Value addr = b.create<LLVM::ShlOp>(loc, lane, i32Const(b, loc, 2));
    return b.create<ROCDL::DsBpermuteOp>(loc, b.getI32Type(), addr, value);
  }
  Value shuffleXor(OpBuilder &b, Location loc, Value value, Value lane,
                   int32_t mask) const override {
    return shuffleIdx(b, loc, value,
                      b.create<LLVM::XOrOp>(loc, lane, i32Const(b, loc, mask)));
  }
  void barrier(OpBuilder &b, Location loc) const override {
    b.create<ROCDL::SBarrierOp>(loc);
  }
  StringRef syncScope(MemScope scope) const override {
    return scope == MemScope::CTA ? "workgroup" : scope == MemScope::GPU ? "agent" : "";
  }
  /// OCKL's printf (HIP's device printf, linked at emission): begin, the
  /// format, then the arguments as i64 (doubles by their bits), seven per
  /// call, the last call flagged.
  void printf(OpBuilder &b, Location loc, StringRef format,
              ValueRange args) const override {
    MLIRContext *ctx = b.getContext();
    Type i64 = b.getI64Type(), i32 = b.getI32Type();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto begin = lowering::declareFunction(
        b, loc, "__ockl_printf_begin", LLVM::LLVMFunctionType::get(i64, {i64}));
    auto str = lowering::declareFunction(
        b, loc, "__ockl_printf_append_string_n",
        LLVM::LLVMFunctionType::get(i64, {i64, ptr, i64, i32}));
    SmallVector<Type> argTypes = {i64, i32};
    argTypes.append(7, i64);
    argTypes.push_back(i32);
    auto append = lowering::declareFunction(
        b, loc, "__ockl_printf_append_args",
        LLVM::LLVMFunctionType::get(i64, argTypes));
    auto c64 = [&](int64_t v) -> Value {
      return b.create<LLVM::ConstantOp>(loc, i64, b.getI64IntegerAttr(v));
    };
    Value h = b.create<LLVM::CallOp>(loc, begin, ValueRange{c64(0)}).getResult();
    Value fmt = lowering::globalString(b, loc, "printfFormat", format, 4);
    h = b.create<LLVM::CallOp>(
            loc, str,
            ValueRange{h, fmt, c64(int64_t(format.size()) + 1),
                       i32Const(b, loc, args.empty() ? 1 : 0)})
            .getResult();
    SmallVector<Value> words;
    for (Value a : args) {
      Type t = a.getType();
      if (isa<LLVM::LLVMPointerType>(t))
        words.push_back(b.create<LLVM::PtrToIntOp>(loc, i64, a));
      else if (isa<FloatType>(t))
        words.push_back(b.create<LLVM::BitcastOp>(loc, i64, a));
      else if (t.getIntOrFloatBitWidth() < 64)
        words.push_back(b.create<LLVM::ZExtOp>(loc, i64, a));
      else
        words.push_back(a);
    }
    for (size_t k = 0; k < words.size(); k += 7) {
      SmallVector<Value> ops = {h, i32Const(b, loc, int64_t(std::min<size_t>(7, words.size() - k)))};
      for (size_t j = 0; j < 7; ++j)
        ops.push_back(k + j < words.size() ? words[k + j] : c64(0));
      ops.push_back(i32Const(b, loc, k + 7 >= words.size() ? 1 : 0));
      h = b.create<LLVM::CallOp>(loc, append, ops).getResult();
    }
  }
  /// A printf of the failure (as Triton's AMD code words it), then a trap.
  void assertFail(OpBuilder &b, Location loc, StringRef message,
                  StringRef file, int line, StringRef func) const override {
    std::string text = ("device assertion failed: '" + message + "', in " +
                        func + " at " + file + ":" + Twine(line) + "\n")
                           .str();
    std::string escaped; // (a literal % in the message)
    for (char c : text)
      escaped += c == '%' ? std::string("%%") : std::string(1, c);
    printf(b, loc, escaped, {});
    b.create<LLVM::Trap>(loc);
  }
  void populateMathPatterns(LLVMTypeConverter &tc,
                            RewritePatternSet &patterns) const override {
    patterns.add<ApproxExpToAMDGPU>(patterns.getContext());
    populateMathToROCDLConversionPatterns(tc, patterns, std::nullopt);
  }

  void finishModule(OpBuilder &b, ModuleOp module) const override {
    // The code object version Triton builds AMD kernels with (without the
    // flag the object silently becomes version 6).
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(module.getBody());
    auto flag = LLVM::ModuleFlagAttr::get(
        b.getContext(), LLVM::ModFlagBehavior::Error,
        b.getStringAttr("amdhsa_code_object_version"),
        b.getI32IntegerAttr(desc.codeObjectVersion));
    b.create<LLVM::ModuleFlagsOp>(module.getLoc(), b.getArrayAttr({flag}));
  }

  void markKernel(LLVM::LLVMFuncOp func, int threads) const override {
    OpBuilder b(func);
    func->setAttr("rocdl.kernel", b.getUnitAttr());
    func->setAttr("rocdl.flat_work_group_size",
                  b.getStringAttr("1," + std::to_string(threads)));
  }
};

} // namespace

std::unique_ptr<TargetInfo> TargetInfo::get(::ll::Target t) {
  if (t.isAMD())
    return std::make_unique<ROCDLTargetInfo>(std::move(t));
  return std::make_unique<NVVMTargetInfo>(std::move(t));
}
