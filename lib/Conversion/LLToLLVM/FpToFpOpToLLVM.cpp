//===- FpToFpOpToLLVM.cpp - ll.fp_to_fp ------------------------------------===//
//
// Float conversions, element by element. Between f16, bf16, f32 and f64:
// llvm.fpext, and llvm.fptrunc for `rtne`. LLVM has no fp8 types (they are
// i8 registers), so fp8 goes through f32 in integer arithmetic that works
// on every target:
//
//   decode (fp8 -> f32, exact): the exponent and mantissa bits placed as
//     an f32's, times 2^(127 - bias) (one multiply rebiases normals and
//     subnormals alike), the sign, NaN and infinity by the format's
//     encodings; to bf16 the f32's top half (exact);
//   (f8E5M2 -> f16 is a shift: the same exponent, bias and specials;)
//   round (f32 -> a narrower format): the input significand shifted right
//     to the output's quantum, 2^(max(e, emin) - m) (subnormals included),
//     rounded to nearest even or toward zero; the encoding is
//     ((max(e, emin) - emin) << m) + q, which carries into the exponent by
//     itself. Beyond the largest finite value: fp8 saturates (PTX's
//     satfinite), f16 / bf16 give infinity (rtne) or the largest finite
//     value (rtz).
//
// Where the target converts pairs in one instruction (sm_89+: f32 ->
// e4m3 / e5m2 rounded to nearest even with satfinite, and e4m3 / e5m2 ->
// f16, exactly), registers go two at a time through it instead; f16 and
// bf16 sources are widened to f32 first, f32 / f64 / bf16 results come from
// the f16 (every fp8 value is exact in each). Before sm_89, f32 -> e5m2
// pairs take Triton's sequence (TargetInfo::roundToFp8x2: a sticky bit,
// cvt.rz to f16x2, rounding to even on the f16 bits).
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "linear_layouts/Core/Dot.h"

#include <limits>
#include <map>

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;

namespace {

/// A binary float format: exponent and mantissa bits, bias, and which
/// encodings are special.
struct Format {
  int e, m, bias;
  enum Kind { IEEE, FN, FNUZ } kind;
  int bits() const { return 1 + e + m; }
  int emin() const { return 1 - bias; }
  int64_t infEnc() const { return ((int64_t(1) << e) - 1) << m; }
  int64_t maxEnc() const {
    switch (kind) {
    case IEEE:
      return infEnc() - 1;
    case FN:
      return (int64_t(1) << (e + m)) - 2; // all ones is NaN
    case FNUZ:
      return (int64_t(1) << (e + m)) - 1;
    }
    return 0;
  }
};

std::optional<Format> formatOf(Type t) {
  if (isa<Float8E4M3FNType>(t))
    return Format{4, 3, 7, Format::FN};
  if (isa<Float8E5M2Type>(t))
    return Format{5, 2, 15, Format::IEEE};
  if (isa<Float8E4M3FNUZType>(t))
    return Format{4, 3, 8, Format::FNUZ};
  if (isa<Float8E5M2FNUZType>(t))
    return Format{5, 2, 16, Format::FNUZ};
  if (t.isF16())
    return Format{5, 10, 15, Format::IEEE};
  if (t.isBF16())
    return Format{8, 7, 127, Format::IEEE};
  return std::nullopt;
}

struct Builder {
  OpBuilder &b;
  Location loc;
  Type i32t;
  Value c(int64_t v) { return i32(b, loc, v); }
  Value and_(Value x, int64_t m) { return b.create<LLVM::AndOp>(loc, x, c(m)); }
  Value shr(Value x, int64_t s) { return b.create<LLVM::LShrOp>(loc, x, c(s)); }
  Value shl(Value x, Value s) { return b.create<LLVM::ShlOp>(loc, x, s); }
  Value eq(Value x, int64_t v) {
    return b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, x, c(v));
  }
  Value cmp(LLVM::ICmpPredicate p, Value x, Value y) {
    return b.create<LLVM::ICmpOp>(loc, p, x, y);
  }
  Value sel(Value cnd, Value x, Value y) {
    return b.create<LLVM::SelectOp>(loc, cnd, x, y);
  }
  Value add(Value x, Value y) { return b.create<LLVM::AddOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.create<LLVM::SubOp>(loc, x, y); }
  Value or_(Value x, Value y) { return b.create<LLVM::OrOp>(loc, x, y); }

  /// The f32 value of `bits` (an integer of f.bits() bits) in format `f`:
  /// its exponent and mantissa bits placed as an f32's (mantissa aligned
  /// at the top), which read with f32's bias 127 is the value times
  /// 2^(bias - 127), so one exact multiply by 2^(127 - bias) rebiases it,
  /// subnormals included (as Triton's conversions do); then the sign, and
  /// NaN / infinity by the format's encodings.
  Value decode(Value bits, const Format &f) {
    Type f32 = b.getF32Type();
    Value x = b.create<LLVM::ZExtOp>(loc, i32t, bits);
    int top = f.e + f.m;
    Value mag = and_(x, (int64_t(1) << top) - 1);
    Value placed = b.create<LLVM::ShlOp>(loc, mag, c(23 - f.m));
    Value v = b.create<LLVM::FMulOp>(
        loc, b.create<LLVM::BitcastOp>(loc, f32, placed),
        b.create<LLVM::BitcastOp>(loc, f32, c(int64_t(254 - f.bias) << 23)));
    Value vb = or_(b.create<LLVM::BitcastOp>(loc, i32t, v),
                   b.create<LLVM::ShlOp>(loc, and_(x, int64_t(1) << top),
                                         c(31 - top)));
    Value isNaN;
    switch (f.kind) {
    case Format::FN:
      isNaN = eq(mag, (int64_t(1) << top) - 1);
      break;
    case Format::FNUZ:
      isNaN = eq(x, int64_t(1) << top);
      break;
    case Format::IEEE: {
      Value allOnes = cmp(LLVM::ICmpPredicate::uge, mag, c(f.infEnc()));
      Value inf = or_(and_(vb, int64_t(0x80000000)), c(0x7f800000));
      vb = sel(allOnes, inf, vb);
      isNaN = cmp(LLVM::ICmpPredicate::ugt, mag, c(f.infEnc()));
      break;
    }
    }
    return b.create<LLVM::BitcastOp>(loc, f32, sel(isNaN, c(0x7fc00000), vb));
  }

  /// The bits (an integer of f.bits() bits) of f32 `v` rounded to `f`.
  Value round(Value v, const Format &f, RoundingMode mode) {
    bool fp8 = f.bits() == 8;
    Value x = b.create<LLVM::BitcastOp>(loc, i32t, v);
    Value sgn = shr(x, 31);
    Value a = and_(x, 0x7fffffff);
    Value e = shr(a, 23);
    Value man = and_(a, 0x7fffff);
    Value zeroE = eq(e, 0);
    Value sig = sel(zeroE, man, or_(man, c(0x800000)));
    Value eEff = sel(zeroE, c(1), e);
    Value eUnb = sub(eEff, c(127));
    Value eT = sel(cmp(LLVM::ICmpPredicate::sgt, eUnb, c(f.emin())), eUnb,
                   c(f.emin()));
    // sh = (eT - m) - (eEff - 150), at most 25 (beyond: below half the
    // smallest quantum).
    Value sh = sub(add(eT, c(150 - f.m)), eEff);
    sh = sel(cmp(LLVM::ICmpPredicate::sgt, sh, c(25)), c(25), sh);
    Value q = b.create<LLVM::LShrOp>(loc, sig, sh);
    if (mode == RoundingMode::RTNE) {
      Value one = c(1);
      Value mask = sub(shl(one, sh), one);
      Value rem = b.create<LLVM::AndOp>(loc, sig, mask);
      Value half = shl(one, sub(sh, one));
      Value above = cmp(LLVM::ICmpPredicate::ugt, rem, half);
      Value tie = b.create<LLVM::AndOp>(
          loc, cmp(LLVM::ICmpPredicate::eq, rem, half),
          cmp(LLVM::ICmpPredicate::ne, and_(q, 1), c(0)));
      Value up = b.create<LLVM::OrOp>(loc, above, tie);
      q = add(q, b.create<LLVM::ZExtOp>(loc, i32t, up));
    }
    Value enc = add(shl(sub(eT, c(f.emin())), c(f.m)), q);
    // Beyond the largest finite value.
    int64_t over = fp8 || mode == RoundingMode::RTZ ? f.maxEnc() : f.infEnc();
    enc = sel(cmp(LLVM::ICmpPredicate::sgt, enc, c(f.maxEnc())), c(over), enc);
    // Infinity and NaN inputs.
    Value isInf = eq(a, 0x7f800000);
    Value isNaN = cmp(LLVM::ICmpPredicate::ugt, a, c(0x7f800000));
    enc = sel(isInf, c(fp8 ? f.maxEnc() : f.infEnc()), enc);
    int topBit = f.e + f.m;
    Value res;
    if (f.kind == Format::FNUZ) {
      // No negative zero; NaN is the sign bit alone.
      Value s = sel(eq(enc, 0), c(0), shl(sgn, c(topBit)));
      res = or_(s, enc);
      res = sel(isNaN, c(int64_t(1) << topBit), res);
    } else {
      int64_t nan = f.kind == Format::FN ? (int64_t(1) << topBit) - 1
                                         : f.infEnc() | (int64_t(1) << (f.m - 1));
      res = or_(shl(sgn, c(topBit)), sel(isNaN, c(nan), enc));
    }
    return b.create<LLVM::TruncOp>(loc, b.getIntegerType(f.bits()), res);
  }
};

/// The exact conversion of the f16 `h` to the wider (or bf16, for values
/// that fit it) float type `dst`.
Value fromF16(OpBuilder &b, Location loc, Value h, Type dst) {
  if (dst.isF16())
    return h;
  if (dst.isBF16())
    h = b.create<LLVM::FPExtOp>(loc, b.getF32Type(), h);
  return dst.isBF16() ? Value(b.create<LLVM::FPTruncOp>(loc, dst, h))
                      : Value(b.create<LLVM::FPExtOp>(loc, dst, h));
}

/// `vals` converted two at a time by the target's pair instructions (see
/// the file comment) into `regs`; false, with nothing emitted, where the
/// target has none for these types.
bool convertPairs(OpBuilder &b, Location loc, const TargetInfo &target,
                  ArrayRef<Value> vals, Type src, Type dst,
                  std::optional<RoundingMode> mode, SmallVector<Value> &regs) {
  bool toFp8 = mode == RoundingMode::RTNE &&
               (src.isF32() || src.isF16() || src.isBF16());
  bool fromFp8 = !mode && isLLVMFloat(dst);
  if (!toFp8 && !fromFp8)
    return false;
  Type f32 = b.getF32Type(), i8 = b.getI8Type();
  for (size_t i = 0; i < vals.size(); i += 2) {
    Value lo = vals[i];
    bool single = i + 1 == vals.size();
    if (toFp8) {
      auto wide = [&](Value v) {
        return src.isF32() ? v : Value(b.create<LLVM::FPExtOp>(loc, f32, v));
      };
      Value hi = single ? Value(b.create<LLVM::ConstantOp>(loc, f32, b.getF32FloatAttr(0)))
                        : wide(vals[i + 1]);
      Value p = target.roundToFp8x2(b, loc, hi, wide(lo), dst);
      if (!p)
        return false;
      regs.push_back(b.create<LLVM::TruncOp>(loc, i8, p));
      if (!single)
        regs.push_back(b.create<LLVM::TruncOp>(
            loc, i8, b.create<LLVM::LShrOp>(loc, p, b.create<LLVM::ConstantOp>(
                                                        loc, p.getType(), b.getI16IntegerAttr(8)))));
    } else {
      Value hi = single ? Value(b.create<LLVM::ConstantOp>(loc, i8, b.getI8IntegerAttr(0)))
                        : vals[i + 1];
      Value h = target.fp8x2ToF16x2(b, loc, lo, hi, src);
      if (!h)
        return false;
      for (int k = 0; k < (single ? 1 : 2); ++k)
        regs.push_back(fromF16(
            b, loc,
            b.create<LLVM::ExtractElementOp>(loc, h, i32(b, loc, k)), dst));
    }
  }
  return true;
}

struct FpToFpLowering : OpConversionPattern<FpToFpOp> {
  FpToFpLowering(LLTypeConverter &tc, MLIRContext *ctx,
                 const TargetInfo &target)
      : OpConversionPattern(tc, ctx), target(target) {}
  const TargetInfo &target;

  LogicalResult
  matchAndRewrite(FpToFpOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type src = getElementTypeOrSelf(op.getSrc().getType());
    Type dst = getElementTypeOrSelf(op.getType());
    Type rt = getTypeConverter()->convertType(op.getType());
    if (!rt)
      return rewriter.notifyMatchFailure(op, "no lowering of the result type");
    auto mode = op.getRounding();
    bool srcNative = isLLVMFloat(src), dstNative = isLLVMFloat(dst);
    auto fs = formatOf(src), fd = formatOf(dst);
    if ((!srcNative && !fs) || (!dstNative && !fd))
      return op.emitOpError() << "cannot be lowered: " << src << " -> " << dst
                              << " (fp8 E4M3FN / E5M2 / FNUZ, f16, bf16, f32 "
                                 "and f64 are supported)";
    unsigned sw = src.getIntOrFloatBitWidth(), dw = dst.getIntOrFloatBitWidth();
    bool down = mode.has_value();
    if (src.isF64() && down && (!dstNative || *mode == RoundingMode::RTZ))
      return op.emitOpError() << "cannot be lowered: f64 -> " << dst
                              << " with " << stringifyRoundingMode(*mode)
                              << " (convert to f32 first)";
    Builder bb{rewriter, loc, rewriter.getI32Type()};
    SmallVector<Value> regs;
    Value in = adaptor.getSrc();
    SmallVector<Value> vals = isa<LLVM::LLVMStructType>(in.getType())
                                  ? unpack(rewriter, loc, in)
                                  : SmallVector<Value>{in};
    // Two registers at a time where the target can; else one by one.
    bool paired = ((fd && fd->bits() == 8) || (fs && fs->bits() == 8)) &&
                  convertPairs(rewriter, loc, target, vals, src, dst, mode, regs);
    for (Value v : paired ? ArrayRef<Value>() : ArrayRef<Value>(vals)) {
      Value r;
      if (srcNative && dstNative && sw != dw &&
          (!down || *mode == RoundingMode::RTNE)) {
        r = dw > sw ? rewriter.create<LLVM::FPExtOp>(loc, dst, v).getResult()
                    : rewriter.create<LLVM::FPTruncOp>(loc, dst, v).getResult();
      } else {
        // Through f32.
        Type f32 = rewriter.getF32Type();
        Value w = v;
        if (isa<Float8E5M2Type>(src) && dstNative && !down) {
          // The f16 whose high byte it is.
          Value h = rewriter.create<LLVM::BitcastOp>(
              loc, rewriter.getF16Type(),
              rewriter.create<LLVM::ShlOp>(
                  loc, rewriter.create<LLVM::ZExtOp>(loc, rewriter.getI16Type(), v),
                  rewriter.create<LLVM::ConstantOp>(loc, rewriter.getI16Type(),
                                                    rewriter.getI16IntegerAttr(8))));
          regs.push_back(fromF16(rewriter, loc, h, dst));
          continue;
        }
        if (!srcNative)
          w = bb.decode(v, *fs);
        else if (!src.isF32())
          w = rewriter.create<LLVM::FPExtOp>(loc, f32, v);
        if (dst.isF32()) {
          r = w;
        } else if (dst.isF64()) {
          r = rewriter.create<LLVM::FPExtOp>(loc, dst, w);
        } else if (!down && dstNative && dst.isBF16()) {
          // exact: the top half of the f32 (no rounding sequence)
          r = rewriter.create<LLVM::BitcastOp>(
              loc, dst,
              rewriter.create<LLVM::TruncOp>(
                  loc, rewriter.getI16Type(),
                  rewriter.create<LLVM::LShrOp>(
                      loc, rewriter.create<LLVM::BitcastOp>(loc, bb.i32t, w),
                      bb.c(16))));
        } else if (!down && dstNative) {
          r = rewriter.create<LLVM::FPTruncOp>(loc, dst, w); // exact
        } else {
          r = bb.round(w, *fd, down ? *mode : RoundingMode::RTNE);
          if (dstNative)
            r = rewriter.create<LLVM::BitcastOp>(loc, dst, r);
        }
      }
      regs.push_back(r);
    }
    rewriter.replaceOp(op, isa<LLVM::LLVMStructType>(rt)
                               ? pack(rewriter, loc, rt, regs)
                               : regs[0]);
    return success();
  }
};

/// Per result register of an fp4 upcast: the source register (byte) and
/// nibble it takes, or a diagnostic on `op`.
FailureOr<SmallVector<std::pair<int32_t, int>>>
fp4Sources(Operation *op, Type srcType, Type dstType, int axis) {
  auto ls = layoutOf(op, srcType);
  auto ld = layoutOf(op, dstType);
  if (failed(ls) || failed(ld))
    return failure();
  auto fail = [&](const Twine &why) {
    return op->emitOpError() << "cannot be lowered: " << why;
  };
  for (const std::string &dim : ld->inDimNames()) {
    if (dim == "register")
      continue;
    int id = ld->inDimIndex(dim), is = ls->inDimIndex(dim);
    if (is < 0 || ls->inDimSizeLog2(is) != ld->inDimSizeLog2(id))
      return fail("the source and result layouts have other " + dim + "s");
    for (int bit = 0; bit < ld->inDimSizeLog2(id); ++bit)
      for (int d = 0; d < ld->numOutDims(); ++d)
        if (ld->basis(id, bit, d) !=
            ls->basis(is, bit, d) * (d == axis ? 2 : 1))
          return fail(dim + " bit " + Twine(bit) +
                      " does not hold the same bytes in the source and the "
                      "result");
  }
  auto byCoords = ::ll::registersByCoords(*ls);
  int rd = ld->inDimIndex("register");
  SmallVector<std::pair<int32_t, int>> from;
  for (int32_t r = 0; rd >= 0 && r < int32_t(ld->inDimSize(rd)); ++r) {
    std::vector<int32_t> c = ::ll::atRegister(*ld, r);
    int nibble = c[axis] & 1;
    c[axis] >>= 1;
    auto it = byCoords.find(c);
    if (it == byCoords.end())
      return fail("result register " + Twine(r) +
                  " is not in a byte its thread holds");
    from.push_back({it->second, nibble});
  }
  return from;
}

/// Source bytes w .. w + 3 as one word, byte j from src[w + j] (missing
/// ones 0).
Value byteWord(OpBuilder &b, Location loc, ArrayRef<Value> src, size_t w) {
  Value vec = b.create<LLVM::UndefOp>(loc, VectorType::get({4}, b.getI8Type()));
  for (int j = 0; j < 4; ++j) {
    Value byte = w + j < src.size()
                     ? src[w + j]
                     : b.create<LLVM::ConstantOp>(loc, b.getI8Type(),
                                                  b.getI8IntegerAttr(0));
    vec = b.create<LLVM::InsertElementOp>(loc, vec, byte,
                                          lowering::i32(b, loc, j));
  }
  return b.create<LLVM::BitcastOp>(loc, b.getI32Type(), vec);
}

/// Both nibbles of every byte of `src` as 16-bit floats (`bf16` or f16)
/// bits: [source register][nibble] (see Fp4ToFpLowering).
std::vector<std::array<Value, 2>> fp4Values(OpBuilder &b, Location loc,
                                            const TargetInfo &target,
                                            ArrayRef<Value> src, bool bf16) {
  int mant = bf16 ? 7 : 10, bias = bf16 ? 127 : 15;
  Type i16 = b.getI16Type(), i32 = b.getI32Type();
  std::vector<std::array<Value, 2>> values(src.size());
  // The magnitude table's high and low bytes for em = 0..7.
  uint32_t tab[2][2] = {{0, 0}, {0, 0}}; // [high / low byte][em / 4]
  for (int em = 0; em < 8; ++em) {
    uint32_t v = em == 0 ? 0
                 : em == 1
                     ? uint32_t(bias - 1) << mant
                     : (uint32_t(em) << (mant - 1)) + (uint32_t(bias - 1) << mant);
    tab[0][em / 4] |= (v >> 8 & 0xFF) << (8 * (em % 4));
    tab[1][em / 4] |= (v & 0xFF) << (8 * (em % 4));
  }
  bool lowBytes = tab[1][0] | tab[1][1];
  auto c32 = [&](uint32_t v) { return lowering::i32(b, loc, int32_t(v)); };
  for (size_t w = 0; w < src.size(); w += 4) {
    Value word = byteWord(b, loc, src, w);
    if (target.isAMD()) {
      // v_perm_b32 picks each result byte by a selector byte from {src0,
      // src1} (src1 bytes 0-3): the low nibbles' and the high nibbles'
      // magnitudes, four at a time; signs moved to bit 7 of the high bytes;
      // then each element's two bytes into a halfword.
      auto perm = [&](Value s0, Value s1, Value sel) -> Value {
        return b.create<LLVM::CallIntrinsicOp>(
                    loc, i32, b.getStringAttr("llvm.amdgcn.perm"),
                    ValueRange{s0, s1, sel})
            .getResult(0);
      };
      Value selLow = b.create<LLVM::AndOp>(loc, word, c32(0x07070707));
      Value selHigh = b.create<LLVM::AndOp>(
          loc, b.create<LLVM::LShrOp>(loc, word, c32(4)), c32(0x07070707));
      Value hi[2] = {
          b.create<LLVM::OrOp>(
              loc, perm(c32(tab[0][1]), c32(tab[0][0]), selLow),
              b.create<LLVM::ShlOp>(
                  loc, b.create<LLVM::AndOp>(loc, word, c32(0x08080808)),
                  c32(4))),
          b.create<LLVM::OrOp>(
              loc, perm(c32(tab[0][1]), c32(tab[0][0]), selHigh),
              b.create<LLVM::AndOp>(loc, word, c32(0x80808080)))};
      Value lo[2] = {lowBytes ? perm(c32(tab[1][1]), c32(tab[1][0]), selLow)
                              : c32(0),
                     lowBytes ? perm(c32(tab[1][1]), c32(tab[1][0]), selHigh)
                              : c32(0)};
      for (int j = 0; j < 4 && w + j < src.size(); ++j)
        for (int nibble = 0; nibble < 2; ++nibble) {
          // bytes [lo_j, hi_j, 0, 0] (selector 12: a zero byte)
          Value h = perm(hi[nibble], lo[nibble],
                         c32(0x0C0C0000u | uint32_t(4 + j) << 8 | uint32_t(j)));
          values[w + j][nibble] = b.create<LLVM::TruncOp>(loc, i16, h);
        }
      continue;
    }
    // NVIDIA: prmt picks each result byte by a selector nibble from 8
    // table bytes, four lookups per instruction.
    auto prmt = [&](Value x, Value y, Value sel) -> Value {
      return inlinePtx(b, loc, i32, ValueRange{x, y, sel},
                       "prmt.b32 $0, $1, $2, $3;", "=r,r,r,r",
                       /*sideEffects=*/false)
          .getResult(0);
    };
    Value mag = b.create<LLVM::AndOp>(loc, word, c32(0x77777777));
    Value sgn = b.create<LLVM::LShrOp>(
        loc, b.create<LLVM::AndOp>(loc, word, c32(0x88888888)), c32(1));
    for (int half = 0; half < 2; ++half) { // bytes 0-1, 2-3
      Value sel = half ? b.create<LLVM::LShrOp>(loc, mag, c32(16)).getResult()
                       : mag;
      Value ssel = half ? b.create<LLVM::LShrOp>(loc, sgn, c32(16)).getResult()
                        : sgn;
      Value hi = b.create<LLVM::OrOp>(
          loc, prmt(c32(tab[0][0]), c32(tab[0][1]), sel),
          prmt(c32(0), c32(0x80808080), ssel));
      Value lo = lowBytes ? prmt(c32(tab[1][0]), c32(tab[1][1]), sel) : c32(0);
      // Elements (nibbles) 0, 1 and 2, 3 of these two bytes as words.
      for (int pair = 0; pair < 2; ++pair) {
        Value p = prmt(lo, hi, c32(pair ? 0x7362 : 0x5140));
        for (int e = 0; e < 2; ++e) {
          size_t reg = w + 2 * half + pair;
          if (reg >= src.size())
            continue;
          Value v = e ? b.create<LLVM::LShrOp>(loc, p, c32(16)).getResult() : p;
          values[reg][e] = b.create<LLVM::TruncOp>(loc, i16, v);
        }
      }
    }
  }
  return values;
}

/// gfx942: both nibbles of every byte of `src` as f32 values,
/// [source register][nibble] = (a pair of f32, the element), by
/// v_cvt_pk_f32_fp8 (a pair per instruction: nibbles of two bytes):
/// each nibble's magnitude becomes its E4M3FNUZ byte (v_perm_b32 from an
/// 8-byte table, four at a time), whose sign bit is set in every non-zero
/// entry and kept only where the nibble's is (an AND: -0 becomes 0, which
/// FNUZ must not encode as 0x80, its NaN). Empty where the target has no
/// such conversion.
using F32Pair = std::pair<Value, int>;
std::vector<std::array<F32Pair, 2>> fp4F32Values(OpBuilder &b, Location loc,
                                                 const TargetInfo &target,
                                                 ArrayRef<Value> src) {
  std::vector<std::array<F32Pair, 2>> values;
  if (target.target().name != "gfx942")
    return values;
  values.resize(src.size());
  Type i32 = b.getI32Type();
  auto c32 = [&](uint32_t v) { return lowering::i32(b, loc, int32_t(v)); };
  // E4M3FNUZ (bias 8) bytes of 0, 0.5, 1, 1.5, 2, 3, 4, 6, signs set.
  uint32_t tab[2] = {0, 0};
  for (int em = 1; em < 8; ++em) {
    int e = em < 2 ? 0 : (em >> 1), m = em < 2 ? 0 : (em & 1);
    uint32_t byte = 0x80u | uint32_t(e + 7) << 3 | uint32_t(m) << 2;
    tab[em / 4] |= byte << (8 * (em % 4));
  }
  auto perm = [&](Value s0, Value s1, Value sel) -> Value {
    return b.create<LLVM::CallIntrinsicOp>(loc, i32,
                                           b.getStringAttr("llvm.amdgcn.perm"),
                                           ValueRange{s0, s1, sel})
        .getResult(0);
  };
  Type pair = VectorType::get({2}, b.getF32Type());
  for (size_t w = 0; w < src.size(); w += 4) {
    Value word = byteWord(b, loc, src, w);
    Value sel[2] = {
        b.create<LLVM::AndOp>(loc, word, c32(0x07070707)),
        b.create<LLVM::AndOp>(loc, b.create<LLVM::LShrOp>(loc, word, c32(4)),
                              c32(0x07070707))};
    Value keep[2] = {
        b.create<LLVM::OrOp>(loc, b.create<LLVM::ShlOp>(loc, word, c32(4)),
                             c32(0x7F7F7F7F)),
        b.create<LLVM::OrOp>(loc, word, c32(0x7F7F7F7F))};
    for (int nibble = 0; nibble < 2; ++nibble) {
      Value bytes = b.create<LLVM::AndOp>(
          loc, perm(c32(tab[1]), c32(tab[0]), sel[nibble]), keep[nibble]);
      for (int half = 0; half < 2; ++half) {
        if (w + 2 * half >= src.size())
          continue;
        Value f = b.create<LLVM::CallIntrinsicOp>(
                       loc, pair, b.getStringAttr("llvm.amdgcn.cvt.pk.f32.fp8"),
                       ValueRange{bytes, b.create<LLVM::ConstantOp>(
                                             loc, b.getI1Type(),
                                             b.getBoolAttr(half == 1))})
                      .getResult(0);
        for (int e = 0; e < 2 && w + 2 * half + e < src.size(); ++e)
          values[w + 2 * half + e][nibble] = {f, e};
      }
    }
  }
  return values;
}

/// ll.fp4_to_fp: each result register takes the nibble of the byte that
/// holds it (found by coordinates at thread 0: the byte at the element's
/// coordinate with its `axis` index halved, the low nibble for even
/// indices); the thread parts of the layouts must agree (a lane / warp
/// basis moves the result's `axis` twice as far as the source's, the rest
/// alike). e2m1 (sign, 2 exponent bits with bias 1, 1 mantissa bit) is
/// exact in a float with `mant` mantissa bits and exponent bias `bias`:
///   em = nibble & 7:  0 -> 0;  1 -> 0.5 = (bias - 1) << mant;
///   em >= 2 -> (em << (mant - 1)) + ((bias - 1) << mant)
/// (the exponent field e + bias - 1 and the mantissa bit m at the top), the
/// sign at bit 15. The eight magnitudes are looked up with byte permutes,
/// eight nibbles -- four source bytes -- at a time: NVIDIA's `prmt` (a
/// selector nibble picks one of 8 table bytes: the high and the low bytes
/// of four values, the sign bytes 0x80 or 0, then the halves paired into
/// 32-bit words), AMD's `v_perm_b32` (a selector byte per result byte: the
/// low nibbles' and the high nibbles' bytes, the signs shifted to bit 7,
/// then each element's two bytes into a halfword).
struct Fp4ToFpLowering : TargetPattern<Fp4ToFpOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(Fp4ToFpOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto from = fp4Sources(op, op.getSrc().getType(), op.getType(),
                           int(op.getAxis()));
    if (failed(from))
      return failure();
    Type elt = getTypeConverter()->convertType(
        cast<RankedTensorType>(op.getType()).getElementType());
    bool bf16 = cast<RankedTensorType>(op.getType()).getElementType().isBF16();
    auto values =
        fp4Values(b, loc, target, registersOf(b, loc, adaptor.getSrc()), bf16);
    SmallVector<Value> out;
    for (auto [reg, nibble] : *from)
      out.push_back(b.create<LLVM::BitcastOp>(loc, elt, values[reg][nibble]));
    b.replaceOp(op, fromRegisters(b, loc,
                                  getTypeConverter()->convertType(op.getType()),
                                  out));
    return success();
  }
};

/// ll.upcast_mxfp: the values (ll.fp4_to_fp's, or the source's registers
/// where it is already converted) times their e8m0 scales. The scale
/// operand's layout is the result's with `axis` divided by 32 (so that
/// result register r's scale is the scale operand's register r): 2^(s -
/// 127) is the f32 with exponent field s. The f32 product's top half is the
/// bf16 result (Triton's AMD lowering truncates; a power of two times a
/// bf16 is exact but deep in the subnormals); f16 rounds. s = 0xFF is NaN
/// (a NaN factor: 0x7FFF in bf16, as Triton's) unless `fastMath`.
struct UpcastMxfpLowering : TargetPattern<UpcastMxfpOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(UpcastMxfpOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    int axis = int(op.getAxis());
    auto dt = cast<RankedTensorType>(op.getType());
    bool bf16 = dt.getElementType().isBF16();
    Type elt = getTypeConverter()->convertType(dt.getElementType());
    SmallVector<Value> xs;         // 16-bit values, or
    SmallVector<F32Pair> pairs;    // f32 pairs and elements
    if (isa<FloatType>(op.getSrc().getType().getElementType())) {
      xs = registersOf(b, loc, adaptor.getSrc());
    } else {
      auto from = fp4Sources(op, op.getSrc().getType(), op.getType(), axis);
      if (failed(from))
        return failure();
      SmallVector<Value> bytes = registersOf(b, loc, adaptor.getSrc());
      // (f32 pairs directly where the target converts fp8 pairs)
      auto f32s = fp4F32Values(b, loc, target, bytes);
      auto values = f32s.empty() ? fp4Values(b, loc, target, bytes, bf16)
                                 : std::vector<std::array<Value, 2>>();
      for (auto [reg, nibble] : *from) {
        if (f32s.empty())
          xs.push_back(b.create<LLVM::BitcastOp>(loc, elt, values[reg][nibble]));
        else
          pairs.push_back(f32s[reg][nibble]);
      }
    }
    SmallVector<Value> scales = registersOf(b, loc, adaptor.getScale());
    size_t n = pairs.empty() ? xs.size() : pairs.size();
    if (scales.size() != n)
      return op.emitOpError() << "cannot be lowered: " << scales.size()
                              << " scale registers for " << n << " results";
    Type f32 = b.getF32Type(), i32 = b.getI32Type(), i16 = b.getI16Type();
    // (one factor per scale register: the registers of a thread share few
    // scales; NaN 0x7FFFFFFF, whose top half is Triton's 0x7FFF, makes the
    // product NaN)
    Value nan = b.create<LLVM::BitcastOp>(
        loc, f32, lowering::i32(b, loc, 0x7FFFFFFF));
    DenseMap<Value, Value> factors;
    auto factor = [&](Value sc) {
      Value &f = factors[sc];
      if (f)
        return f;
      Value s = b.create<LLVM::ZExtOp>(loc, i32, sc);
      f = b.create<LLVM::BitcastOp>(
          loc, f32, b.create<LLVM::ShlOp>(loc, s, lowering::i32(b, loc, 23)));
      if (!op.getFastMath())
        f = b.create<LLVM::SelectOp>(
            loc,
            b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, s,
                                   lowering::i32(b, loc, 0xFF)),
            nan, f);
      return f;
    };
    // A pair whose two results share a scale is multiplied as a pair (one
    // v_pk_mul_f32).
    DenseMap<Value, Value> pairScale, pairProduct;
    for (auto [p, sc] : llvm::zip(pairs, scales)) {
      auto [it, fresh] = pairScale.try_emplace(p.first, sc);
      if (!fresh && it->second != sc)
        it->second = Value();
    }
    SmallVector<Value> out;
    for (size_t r = 0; r < n; ++r) {
      Value sc = scales[r], y;
      if (!pairs.empty() && pairScale[pairs[r].first]) {
        Value &prod = pairProduct[pairs[r].first];
        if (!prod) {
          Type vt = pairs[r].first.getType();
          Value f = factor(sc);
          Value splat = b.create<LLVM::InsertElementOp>(
              loc, b.create<LLVM::InsertElementOp>(
                       loc, b.create<LLVM::UndefOp>(loc, vt), f,
                       lowering::i32(b, loc, 0)),
              f, lowering::i32(b, loc, 1));
          prod = b.create<LLVM::FMulOp>(loc, pairs[r].first, splat);
        }
        y = b.create<LLVM::ExtractElementOp>(
            loc, prod, lowering::i32(b, loc, pairs[r].second));
      } else {
        Value x = !pairs.empty()
                      ? b.create<LLVM::ExtractElementOp>(
                            loc, pairs[r].first,
                            lowering::i32(b, loc, pairs[r].second))
                            .getResult()
                      : b.create<LLVM::FPExtOp>(loc, f32, xs[r]).getResult();
        y = b.create<LLVM::FMulOp>(loc, x, factor(sc));
      }
      if (bf16) {
        Value bits = b.create<LLVM::LShrOp>(
            loc, b.create<LLVM::BitcastOp>(loc, i32, y), lowering::i32(b, loc, 16));
        y = b.create<LLVM::BitcastOp>(loc, elt,
                                      b.create<LLVM::TruncOp>(loc, i16, bits));
      } else {
        y = b.create<LLVM::FPTruncOp>(loc, elt, y);
      }
      out.push_back(y);
    }
    b.replaceOp(op, fromRegisters(b, loc, getTypeConverter()->convertType(dt),
                                  out));
    return success();
  }
};

} // namespace

void mlir::ll::populateFpToFpOpToLLVMPatterns(LLTypeConverter &tc,
                                              RewritePatternSet &patterns,
                                              const TargetInfo &target) {
  patterns.add<FpToFpLowering>(tc, patterns.getContext(), target);
  patterns.add<Fp4ToFpLowering, UpcastMxfpLowering>(tc, patterns.getContext(),
                                                   target);
}
