//===- TargetInfo.cpp - NVVM and ROCDL targets ----------------------------===//

#include "linear_layouts/Conversion/LLToLLVM/TargetInfo.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"

using namespace mlir;
using namespace mlir::ll;

namespace {

Value i32Const(OpBuilder &b, Location loc, int32_t v) {
  return b.create<LLVM::ConstantOp>(loc, b.getI32Type(), b.getI32IntegerAttr(v));
}

class NVVMTargetInfo : public TargetInfo {
public:
  explicit NVVMTargetInfo(::ll::Target t) : TargetInfo(std::move(t)) {}

  /// 80 for sm_80, 90 for sm_90a, ...
  int smVersion() const {
    int v = 0;
    for (char c : StringRef(desc.name).drop_front(3).take_while(llvm::isDigit))
      v = v * 10 + (c - '0');
    return v;
  }

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
    if (!type || type.getWidth() > 32 || smVersion() < 80)
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
    if (smVersion() < 89 || !isa<Float8E4M3FNType, Float8E5M2Type>(fp8))
      return nullptr;
    return b.create<NVVM::ConvertF32x2ToF8x2Op>(
        loc, b.getI16Type(), hi, lo, NVVM::FPRoundingMode::RN,
        NVVM::SaturationMode::SATFINITE, /*relu=*/false, fp8);
  }
  Value fp8x2ToF16x2(OpBuilder &b, Location loc, Value lo, Value hi,
                     Type fp8) const override {
    if (smVersion() < 89 || !isa<Float8E4M3FNType, Float8E5M2Type>(fp8))
      return nullptr;
    auto v2i8 = VectorType::get({2}, b.getI8Type());
    Value pair = b.create<LLVM::UndefOp>(loc, v2i8);
    pair = b.create<LLVM::InsertElementOp>(loc, pair, lo, i32Const(b, loc, 0));
    pair = b.create<LLVM::InsertElementOp>(loc, pair, hi, i32Const(b, loc, 1));
    return b.create<NVVM::ConvertF8x2ToF16x2Op>(
        loc, VectorType::get({2}, b.getF16Type()), pair, /*relu=*/false, fp8);
  }
  void barrier(OpBuilder &b, Location loc) const override {
    b.create<NVVM::Barrier0Op>(loc);
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
  Value numPrograms(OpBuilder &b, Location loc, int axis) const override {
    Type i32 = b.getI32Type();
    if (axis == 0)
      return b.create<ROCDL::GridDimXOp>(loc, i32);
    if (axis == 1)
      return b.create<ROCDL::GridDimYOp>(loc, i32);
    return b.create<ROCDL::GridDimZOp>(loc, i32);
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
  void markKernel(LLVM::LLVMFuncOp func, int threads) const override {
    OpBuilder b(func);
    func->setAttr("rocdl.kernel", b.getUnitAttr());
    func->setAttr("rocdl.flat_work_group_size",
                  b.getStringAttr("1," + std::to_string(threads)));
  }
};

} // namespace

std::unique_ptr<TargetInfo> TargetInfo::get(StringRef name,
                                            std::string &error) {
  auto t = ::ll::Target::get(name.str());
  if (!t) {
    error = t.error().message();
    return nullptr;
  }
  if (name.starts_with("gfx"))
    return std::make_unique<ROCDLTargetInfo>(std::move(*t));
  return std::make_unique<NVVMTargetInfo>(std::move(*t));
}
