//===- DebugOpToLLVM.cpp - ll.print and ll.assert -------------------------===//
//
// ll.print: per operand, per register, one printf of the line Triton
// prints (so the emulator's output and a GPU's read the same), the
// element's index from the layout:
//   pid (%u, %u, %u) idx (%1u, %2u)<prefix>[(operand k) ]<value>\n
// each index as wide as the dim's largest index; values as C varargs:
// floats as f64 (%f), integers below 32 bits widened to i32 (%i signed, %u
// unsigned), i64 as %lli / %llu, hex as 0x%0<digits>x, pointers %p.
//
// ll.assert: the thread's elements AND-ed; where any is false, the
// target's failure report (NVIDIA __assertfail; AMD a printf and a trap)
// with the op's file and line.
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;
using ::ll::LinearLayout;

namespace {

/// Digits of the largest index of a dim of `size`.
int indexWidth(int64_t size) {
  return int(std::to_string(std::max<int64_t>(size - 1, 0)).size());
}

/// The printf conversion of an element of type `t`, and the value as C
/// passes it.
std::pair<std::string, Value> formatOf(OpBuilder &b, Location loc, Type t,
                                       Value v, bool hex, bool isSigned) {
  if (isa<LLVM::LLVMPointerType>(v.getType()))
    return {"%p", v};
  if (isa<FloatType>(v.getType()))
    return {"%f", v.getType().isF64()
                      ? v
                      : b.create<LLVM::FPExtOp>(loc, b.getF64Type(), v).getResult()};
  unsigned bits = v.getType().getIntOrFloatBitWidth();
  if (hex)
    return {"0x%0" + std::to_string(std::max(1u, bits / 4)) +
                (bits == 64 ? "llx" : "x"),
            bits >= 32 ? v
                       : b.create<LLVM::ZExtOp>(loc, b.getI32Type(), v).getResult()};
  if (bits == 64)
    return {isSigned ? "%lli" : "%llu", v};
  if (bits < 32)
    v = isSigned && bits > 1
            ? b.create<LLVM::SExtOp>(loc, b.getI32Type(), v).getResult()
            : b.create<LLVM::ZExtOp>(loc, b.getI32Type(), v).getResult();
  return {isSigned ? "%i" : "%u", v};
}

struct PrintLowering : TargetPattern<PrintOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(PrintOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    SmallVector<Value> pid;
    for (int axis = 0; axis < 3; ++axis)
      pid.push_back(target.programId(b, loc, axis));
    size_t n = op.getArgs().size();
    for (auto [k, pair] : llvm::enumerate(llvm::zip(op.getArgs(), adaptor.getArgs()))) {
      auto [arg, value] = pair;
      bool isSigned = op.getIsSigned()[k] != 0;
      std::string idx = "idx (";
      SmallVector<Value> regs = registersOf(b, loc, value);
      SmallVector<SmallVector<Value>> coords(regs.size());
      if (auto t = dyn_cast<RankedTensorType>(arg.getType())) {
        auto l = layoutOf(op, t);
        if (failed(l))
          return failure();
        ThreadIds ids = threadIds(b, loc, target);
        for (int d = 0; d < t.getRank(); ++d) {
          idx += (d ? ", %" : "%") + std::to_string(indexWidth(t.getDimSize(d))) + "u";
          std::string dim = "dim" + std::to_string(d);
          Value rt = runtimePart(b, loc, *l, dim,
                                 {{"lane", ids.lane}, {"warp", ids.warp}});
          for (size_t r = 0; r < regs.size(); ++r) {
            int32_t c = constPart(*l, dim, {{"register", int32_t(r)}});
            coords[r].push_back(
                c ? b.create<LLVM::XOrOp>(loc, rt, i32(b, loc, c)).getResult() : rt);
          }
        }
      }
      idx += ")";
      std::string head = "pid (%u, %u, %u) " + idx + op.getPrefix().str() +
                         (n > 1 ? "(operand " + std::to_string(k) + ") " : "");
      for (size_t r = 0; r < regs.size(); ++r) {
        auto [spec, v] = formatOf(b, loc, getElementTypeOrSelf(arg.getType()),
                                  regs[r], op.getHex(), isSigned);
        SmallVector<Value> args(pid);
        args.append(coords[r]);
        args.push_back(v);
        target.printf(b, loc, head + spec + "\n", args);
      }
    }
    b.eraseOp(op);
    return success();
  }
};

struct AssertLowering : TargetPattern<AssertOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(AssertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value ok;
    for (Value c : registersOf(b, loc, adaptor.getCondition()))
      ok = ok ? b.create<LLVM::AndOp>(loc, ok, c).getResult() : c;
    Value bad = b.create<LLVM::XOrOp>(
        loc, ok, b.create<LLVM::ConstantOp>(loc, b.getI1Type(), b.getBoolAttr(true)));
    std::string file = "unknown";
    int line = 0;
    loc->walk([&](Location l) {
      if (auto f = dyn_cast<FileLineColLoc>(l)) {
        file = f.getFilename().str();
        line = int(f.getLine());
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, bad, false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      target.assertFail(b, loc, op.getMessage(), file, line, "unknown");
    }
    b.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::ll::populateDebugOpToLLVMPatterns(LLTypeConverter &tc,
                                             RewritePatternSet &patterns,
                                             const TargetInfo &target) {
  patterns.add<PrintLowering, AssertLowering>(tc, patterns.getContext(), target);
}
