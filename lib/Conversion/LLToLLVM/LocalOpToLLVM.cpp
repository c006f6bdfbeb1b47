//===- LocalOpToLLVM.cpp - ll.local_* ---------------------------------------===//
//
// A memdesc is a pointer into the CTA's shared memory: @global_smem plus the
// offset ll-allocate-shared gave its ll.local_alloc. A register's element
// lives at offset inverse(memory layout)(coordinates(register, lane, warp)):
// the distributed layout composed with the memory layout's inverse, a
// constant per register XOR the thread's part. Stores skip copies (free
// register bits; lanes and warps that hold a copy); every access but the
// function's first use of shared memory starts with a barrier (the buffer's
// previous accesses may be other warps'); ll.local_dealloc ends a lifetime
// and emits nothing.
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;
using ::ll::LinearLayout;

namespace {

/// (register, lane, warp) -> offset in the buffer of `mem` for the tensor
/// layout of `tensor`.
FailureOr<LinearLayout> addressLayout(Operation *op, RankedTensorType tensor,
                                      MemDescType mem) {
  if (isa<PaddedSharedAttr>(mem.getEncoding()))
    return op->emitOpError()
           << "cannot be lowered: padded shared layouts are not supported yet";
  auto dist = layoutOf(op, tensor);
  auto shared = layoutOf(op, mem);
  if (failed(dist) || failed(shared))
    return failure();
  auto inv = shared->invert();
  if (!inv)
    return op->emitOpError() << "cannot be lowered: the memory layout is not "
                                "invertible: "
                             << inv.error().message();
  auto addr = dist->compose(*inv);
  if (!addr)
    return op->emitOpError() << "cannot be lowered: " << addr.error().message();
  return *addr;
}

/// The registers `regs` of a tensor to the buffer at `base`.
LogicalResult storeTensor(OpBuilder &b, Operation *op, const TargetInfo &target,
                          RankedTensorType tensor, MemDescType mem, Value base,
                          ArrayRef<Value> regs) {
  Location loc = op->getLoc();
  auto addr = addressLayout(op, tensor, mem);
  auto dist = layoutOf(op, tensor);
  if (failed(addr) || failed(dist))
    return failure();
  if (!op->hasAttr(kFirstSharedUse))
    target.barrier(b, loc);
  ThreadIds ids = threadIds(b, loc, target);
  Value rt = runtimePart(b, loc, *addr, "offset",
                         {{"lane", ids.lane}, {"warp", ids.warp}});
  OpBuilder::InsertionGuard guard(b);
  if (Value first = firstCopy(b, loc, ids, freeMask(*dist, "lane"),
                              freeMask(*dist, "warp"))) {
    auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, first, false);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  }
  int32_t copies = freeMask(*dist, "register");
  for (auto [r, v] : llvm::enumerate(regs)) {
    if (int32_t(r) & copies)
      continue;
    Value off = b.create<LLVM::XOrOp>(
        loc, rt, i32(b, loc, constPart(*addr, "offset", {{"register", int32_t(r)}})));
    storeElement(b, loc, base, v, off);
  }
  return success();
}

struct LocalAllocLowering : TargetPattern<LocalAllocOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(LocalAllocOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    auto shared = sharedBase(b, op.getLoc(), op, memdescBytes(op.getType()));
    if (failed(shared))
      return failure();
    Value base = *shared;
    if (Value src = adaptor.getSrc())
      if (failed(storeTensor(b, op, target,
                             cast<RankedTensorType>(op.getSrc().getType()),
                             op.getType(), base, unpack(b, op.getLoc(), src))))
        return failure();
    b.replaceOp(op, base);
    return success();
  }
};

struct LocalStoreLowering : TargetPattern<LocalStoreOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(LocalStoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(storeTensor(b, op, target, op.getSrc().getType(),
                           op.getDst().getType(), adaptor.getDst(),
                           unpack(b, op.getLoc(), adaptor.getSrc()))))
      return failure();
    b.eraseOp(op);
    return success();
  }
};

struct LocalLoadLowering : TargetPattern<LocalLoadOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(LocalLoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto st = dyn_cast_or_null<LLVM::LLVMStructType>(
        getTypeConverter()->convertType(op.getType()));
    if (!st)
      return b.notifyMatchFailure(op, "no lowering of the result type");
    auto addr = addressLayout(op, op.getType(), op.getSrc().getType());
    auto dist = layoutOf(op, op.getType());
    if (failed(addr) || failed(dist))
      return failure();
    if (!op->hasAttr(kFirstSharedUse))
      target.barrier(b, loc);
    ThreadIds ids = threadIds(b, loc, target);
    Value rt = runtimePart(b, loc, *addr, "offset",
                           {{"lane", ids.lane}, {"warp", ids.warp}});
    Type elt = st.getBody()[0];
    int32_t copies = freeMask(*dist, "register");
    SmallVector<Value> out(st.getBody().size());
    for (size_t r = 0; r < out.size(); ++r) {
      if (int32_t(r) & copies)
        continue;
      Value off = b.create<LLVM::XOrOp>(
          loc, rt, i32(b, loc, constPart(*addr, "offset", {{"register", int32_t(r)}})));
      out[r] = loadElement(b, loc, adaptor.getSrc(), elt, off);
    }
    for (size_t r = 0; r < out.size(); ++r)
      if (!out[r])
        out[r] = out[r & ~size_t(copies)];
    b.replaceOp(op, pack(b, loc, st, out));
    return success();
  }
};

struct LocalDeallocLowering : OpConversionPattern<LocalDeallocOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LocalDeallocOp op, OpAdaptor,
                  ConversionPatternRewriter &b) const override {
    b.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::ll::populateLocalOpToLLVMPatterns(LLTypeConverter &tc,
                                             RewritePatternSet &patterns,
                                             const TargetInfo &target) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LocalAllocLowering, LocalStoreLowering, LocalLoadLowering>(
      tc, ctx, target);
  patterns.add<LocalDeallocLowering>(tc, ctx);
}
