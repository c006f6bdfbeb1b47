//===- TMAOpToLLVM.cpp - Hopper's tensor memory accelerator ---------------===//
//
// Tensor maps, mbarriers and TMA tile copies (sm_90), as the PTX Triton
// emits for them: one thread of the CTA initializes mbarriers, arrives with
// the expected bytes and issues the copies; every thread waits on the
// mbarrier's phase; a warp builds a device-side tensor map in shared memory
// (tensormap.replace, field by field) and publishes it to global memory
// (tensormap.cp_fenceproxy).
//
// A tile wider than the swizzle span (e.g. 128 f16 columns with 128-byte
// swizzling) is several boxes: box k covers columns [k w, (k + 1) w) and
// lands k box sizes into the buffer, which is where the #ll.nvmma_shared
// layout puts those columns.
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;

namespace {

Value tidBelow(OpBuilder &b, Location loc, const TargetInfo &t, int64_t n) {
  Value tid = t.threadId(b, loc);
  return b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ult, tid,
                                i32(b, loc, n));
}

/// The TMA ops need sm_90's instructions.
LogicalResult requireTMA(Operation *op, const TargetInfo &t) {
  if (t.isAMD() || t.target().computeCapability < 90)
    return op->emitOpError() << "needs the tensor memory accelerator "
                                "(sm_90 or later), not "
                             << t.target().name;
  return success();
}

/// The boxes a tile is copied in: the box (innermost dim first) and the
/// number of boxes along the innermost dim.
struct Boxes {
  SmallVector<int64_t> box;
  int64_t count = 1, bytes = 0;
};

FailureOr<Boxes> boxesOf(Operation *op, TensorDescType desc) {
  auto enc = cast<NVMMASharedAttr>(desc.getEncoding());
  if (enc.getTransposed())
    return op->emitOpError() << "TMA copies of a transposed #ll.nvmma_shared "
                                "tile are not supported";
  unsigned bits = desc.getElementType().getIntOrFloatBitWidth();
  SmallVector<int64_t> box(llvm::reverse(desc.getShape()));
  Boxes r;
  if (unsigned sw = enc.getSwizzlingByteWidth(); sw && bits >= 8) {
    int64_t inner = std::min<int64_t>(box[0], sw * 8 / bits);
    r.count = box[0] / inner;
    box[0] = inner;
  }
  for (int64_t d : box)
    if (d > 256)
      return op->emitOpError() << "a TMA box dim is at most 256 elements; "
                                  "the tile "
                               << desc << " needs " << d;
  r.bytes = bits / 8;
  for (int64_t d : box)
    r.bytes *= d;
  r.box = box;
  return r;
}

/// The warps of the kernel (recorded on the copies before the conversion,
/// kTMAWarpsAttr; 1 without it).
constexpr const char *kTMAWarpsAttr = "ll.tma_warps";

/// Issue one copy per box, as Triton does: box k by lane 0 of warp
/// k mod W in round k div W (one instruction per round, not per box).
/// `emit(pred, k, innerCoord, bytes)` emits the copy of box k (a runtime
/// value) with its innermost coordinate and its byte offset in the tile.
void issueBoxes(OpBuilder &b, Location loc, Operation *op,
                const TargetInfo &t, const Boxes &boxes, Value coord0,
                Value pred,
                function_ref<void(Value, Value, Value)> emit) {
  int64_t warps = 1;
  if (auto w = op->getAttrOfType<IntegerAttr>(kTMAWarpsAttr))
    warps = std::max<int64_t>(1, w.getInt());
  auto eq = [&](Value a, int64_t v) {
    return b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, a,
                                  i32(b, loc, v));
  };
  auto andIf = [&](Value a, Value c) {
    return c ? b.create<LLVM::AndOp>(loc, a, c).getResult() : a;
  };
  // Warp-uniform operands (the warp id through a shuffle from lane 0, the
  // lane by elect.sync), as Triton's: ptxas wraps a TMA instruction whose
  // operands it cannot prove uniform in a loop over the warp's values.
  Value tid = t.threadId(b, loc);
  Value warp = t.shuffleIdx(
      b, loc,
      b.create<LLVM::LShrOp>(loc, tid,
                             i32(b, loc, llvm::Log2_32(t.warpSize()))),
      i32(b, loc, 0));
  Value elected = andIf(b.create<NVVM::ElectSyncOp>(loc, b.getI1Type(), Value()),
                        pred);
  if (boxes.count == 1 || warps == 1) {
    Value p = b.create<LLVM::AndOp>(loc, eq(warp, 0), elected);
    for (int64_t k = 0; k < boxes.count; ++k) {
      Value c = k ? b.create<LLVM::AddOp>(loc, coord0,
                                          i32(b, loc, k * boxes.box[0]))
                        .getResult()
                  : coord0;
      emit(p, c, i32(b, loc, k * boxes.bytes));
    }
    return;
  }
  for (int64_t r = 0; r * warps < boxes.count; ++r) {
    Value k = r ? b.create<LLVM::AddOp>(loc, warp, i32(b, loc, r * warps))
                      .getResult()
                : warp;
    Value p = elected;
    if ((r + 1) * warps > boxes.count)
      p = b.create<LLVM::AndOp>(
          loc, p,
          b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ult, k,
                                 i32(b, loc, boxes.count)));
    Value c = b.create<LLVM::AddOp>(
        loc, coord0,
        b.create<LLVM::MulOp>(loc, k, i32(b, loc, boxes.box[0])));
    emit(p, c, b.create<LLVM::MulOp>(loc, k, i32(b, loc, boxes.bytes)));
  }
}

struct TensormapCreateLowering : TargetPattern<TensormapCreateOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(TensormapCreateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(requireTMA(op, target)))
      return failure();
    Location loc = op.getLoc();
    auto smem = sharedBase(b, loc, op, 128);
    if (failed(smem))
      return failure();
    if (!op->hasAttr(kNoBarrierBefore))
      target.barrier(b, loc);
    Value tid = target.threadId(b, loc);
    Value warp0 = tidBelow(b, loc, target, 32);
    Value thread0 = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, tid,
                                           i32(b, loc, 0));
    // The template: 128 zero bytes, 4 per lane of warp 0.
    Value word = b.create<LLVM::GEPOp>(loc, (*smem).getType(), b.getI32Type(),
                                       *smem, ArrayRef<LLVM::GEPArg>{tid});
    inlinePtx(b, loc, Type(), {word, i32(b, loc, 0), warp0},
              "@$2 st.shared.b32 [$0], $1;", "r,r,b");
    b.create<NVVM::SyncWarpOp>(loc, i32(b, loc, -1));
    auto field = [&](StringRef name, Value v, int ordinal = -1) {
      bool wide = v.getType().isInteger(64) || isa<LLVM::LLVMPointerType>(v.getType());
      std::string text = ("@$2 tensormap.replace.tile." + name +
                          ".shared::cta.b1024.b" + (wide ? "64" : "32") + " [$0], ")
                             .str();
      if (ordinal >= 0)
        text += std::to_string(ordinal) + ", ";
      inlinePtx(b, loc, Type(), {*smem, v, thread0}, text + "$1;",
                wide ? "r,l,b" : "r,r,b");
    };
    // (ptxas takes the codes as immediates only)
    auto code = [&](StringRef name, int64_t v) {
      inlinePtx(b, loc, Type(), {*smem, thread0},
                ("@$1 tensormap.replace.tile." + name +
                 ".shared::cta.b1024.b32 [$0], " + Twine(v) + ";")
                    .str(),
                "r,b");
    };
    field("global_address", adaptor.getGlobalAddress());
    int rank = int(op.getBoxDim().size());
    code("rank", rank - 1);
    for (int i = 0; i < rank; ++i) {
      field("box_dim", adaptor.getBoxDim()[i], i);
      field("global_dim", adaptor.getGlobalDim()[i], i);
      field("element_stride", adaptor.getElementStride()[i], i);
    }
    for (int i = 0; i + 1 < rank; ++i)
      field("global_stride", adaptor.getGlobalStride()[i], i);
    code("elemtype", op.getElemType());
    code("interleave_layout", op.getInterleaveLayout());
    code("swizzle_mode", op.getSwizzleMode());
    code("fill_mode", op.getFillMode());
    b.create<NVVM::SyncWarpOp>(loc, i32(b, loc, -1));
    // Warp 0 publishes it (a warp-wide instruction).
    inlinePtx(b, loc, Type(), {adaptor.getDescPtr(), *smem, warp0},
              "@$2 tensormap.cp_fenceproxy.global.shared::cta.tensormap::"
              "generic.release.gpu.sync.aligned [$0], [$1], 128;",
              "l,r,b");
    b.eraseOp(op);
    return success();
  }
};

struct TensormapFenceproxyAcquireLowering
    : TargetPattern<TensormapFenceproxyAcquireOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(TensormapFenceproxyAcquireOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(requireTMA(op, target)))
      return failure();
    Location loc = op.getLoc();
    Value warp0 = tidBelow(b, loc, target, 32);
    // (the bulk group waits for the published map, as Triton's does)
    inlinePtx(b, loc, Type(), {adaptor.getDescPtr(), warp0},
              "@$1 fence.proxy.tensormap::generic.acquire.gpu [$0], 128;\n\t"
              "@$1 cp.async.bulk.commit_group;\n\t"
              "@$1 cp.async.bulk.wait_group.read 0;",
              "l,b");
    target.barrier(b, loc);
    b.eraseOp(op);
    return success();
  }
};

struct ReinterpretTensorDescLowering
    : OpConversionPattern<ReinterpretTensorDescOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReinterpretTensorDescOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    // TMA instructions take the map's generic address.
    b.replaceOpWithNewOp<LLVM::AddrSpaceCastOp>(
        op, LLVM::LLVMPointerType::get(b.getContext()), adaptor.getRawDesc());
    return success();
  }
};

/// One thread (thread 0 of the CTA, where `pred` holds) runs `text` on the
/// barrier at `bar` ($1; $0 is the predicate).
void onBarrier(OpBuilder &b, Location loc, const TargetInfo &t, Value bar,
               StringRef text, Value pred = {}) {
  Value tid = t.threadId(b, loc);
  Value p = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, tid,
                                   i32(b, loc, 0));
  if (pred)
    p = b.create<LLVM::AndOp>(loc, p, pred);
  inlinePtx(b, loc, Type(), {p, bar}, text, "b,r");
}

struct InitBarrierLowering : TargetPattern<InitBarrierOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(InitBarrierOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(requireTMA(op, target)))
      return failure();
    Location loc = op.getLoc();
    if (!op->hasAttr(kNoBarrierBefore))
      target.barrier(b, loc);
    onBarrier(b, loc, target, adaptor.getAlloc(),
              ("@$0 mbarrier.init.shared::cta.b64 [$1], " +
               Twine(op.getCount()) + ";")
                  .str());
    target.barrier(b, loc); // (every thread sees it initialized)
    b.eraseOp(op);
    return success();
  }
};

struct InvalBarrierLowering : TargetPattern<InvalBarrierOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(InvalBarrierOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(requireTMA(op, target)))
      return failure();
    Location loc = op.getLoc();
    target.barrier(b, loc); // (every thread is done waiting on it)
    onBarrier(b, loc, target, adaptor.getAlloc(),
              "@$0 mbarrier.inval.shared::cta.b64 [$1];");
    b.eraseOp(op);
    return success();
  }
};

struct BarrierExpectLowering : TargetPattern<BarrierExpectOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(BarrierExpectOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(requireTMA(op, target)))
      return failure();
    onBarrier(b, op.getLoc(), target, adaptor.getAlloc(),
              ("@$0 mbarrier.arrive.expect_tx.shared::cta.b64 _, [$1], " +
               Twine(op.getSize()) + ";")
                  .str(),
              adaptor.getPred());
    b.eraseOp(op);
    return success();
  }
};

struct WaitBarrierLowering : TargetPattern<WaitBarrierOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(WaitBarrierOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(requireTMA(op, target)))
      return failure();
    Location loc = op.getLoc();
    OpBuilder::InsertionGuard guard(b);
    insideIf(b, loc, adaptor.getPred());
    // (the braces scope the label: one per wait in the function)
    inlinePtx(b, loc, Type(), {adaptor.getAlloc(), adaptor.getPhase()},
              "{\n\t.reg .pred done;\n\twait:\n\t"
              "mbarrier.try_wait.parity.shared::cta.b64 done, [$0], $1;\n\t"
              "@!done bra.uni wait;\n}",
              "r,r");
    b.eraseOp(op);
    return success();
  }
};

/// The copies of a tile between the tensor map `desc` and the shared
/// buffer `smem` at `coord` (outermost first), one per box: a load
/// completing on `barrier` where `pred` holds, or a store in the bulk group.
LogicalResult copyTile(OpBuilder &b, Operation *op, const TargetInfo &target,
                       TensorDescType type, Value desc, ValueRange coord,
                       Value smem, Value barrier, Value pred) {
  if (failed(requireTMA(op, target)))
    return failure();
  auto boxes = boxesOf(op, type);
  if (failed(boxes))
    return failure();
  Location loc = op->getLoc();
  bool load = bool(barrier);
  // A load: the threads that read the buffer before are done (unless
  // nothing did). A store: every thread's writes to the tile (fenced for
  // the async proxy) are done.
  if (!load || !op->hasAttr(kNoBarrierBefore))
    target.barrier(b, loc);
  int rank = int(boxes->box.size());
  std::string text =
      load ? "@$0 cp.async.bulk.tensor." + std::to_string(rank) +
                 "d.shared::cluster.global.mbarrier::complete_tx::bytes "
                 "[$1], [$2, " +
                 ptxRegs(3, rank) + "], [$" + std::to_string(3 + rank) + "];"
           : "@$0 cp.async.bulk.tensor." + std::to_string(rank) +
                 "d.global.shared::cta.bulk_group [$2, " + ptxRegs(3, rank) +
                 "], [$1];";
  std::string cons = "b,r,l"; // (predicate, shared address, map, ...)
  for (int i = 0; i < rank + int(load); ++i)
    cons += ",r";
  SmallVector<Value> coords(llvm::reverse(coord));
  issueBoxes(b, loc, op, target, *boxes, coords[0], pred,
             [&](Value p, Value c0, Value bytes) {
               Value at = b.create<LLVM::GEPOp>(loc, smem.getType(),
                                                b.getI8Type(), smem,
                                                ArrayRef<LLVM::GEPArg>{bytes});
               SmallVector<Value> ops = {p, at, desc, c0};
               ops.append(coords.begin() + 1, coords.end());
               if (load)
                 ops.push_back(barrier);
               inlinePtx(b, loc, Type(), ops, text, cons);
             });
  return success();
}

struct TMALoadLowering : TargetPattern<AsyncTMACopyGlobalToLocalOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(AsyncTMACopyGlobalToLocalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(copyTile(b, op, target, op.getDesc().getType(),
                        adaptor.getDesc(), adaptor.getCoord(),
                        adaptor.getResult(), adaptor.getBarrier(),
                        adaptor.getPred())))
      return failure();
    b.eraseOp(op);
    return success();
  }
};

struct TMAStoreLowering : TargetPattern<AsyncTMACopyLocalToGlobalOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(AsyncTMACopyLocalToGlobalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(copyTile(b, op, target, op.getDesc().getType(),
                        adaptor.getDesc(), adaptor.getCoord(), adaptor.getSrc(),
                        Value(), Value())))
      return failure();
    // Every thread closes its bulk group (empty but in the issuers), as
    // Triton's code: no branch around it.
    inlinePtx(b, op.getLoc(), Type(), {}, "cp.async.bulk.commit_group;", "");
    b.eraseOp(op);
    return success();
  }
};

struct TMAStoreWaitLowering : TargetPattern<TMAStoreWaitOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(TMAStoreWaitOp op, OpAdaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(requireTMA(op, target)))
      return failure();
    Location loc = op.getLoc();
    inlinePtx(b, loc, Type(), {},
              ("cp.async.bulk.wait_group.read " + Twine(op.getPendings()) + ";")
                  .str(),
              "");
    target.barrier(b, loc); // (the tile's memory may be reused)
    b.eraseOp(op);
    return success();
  }
};

struct FenceAsyncSharedLowering : TargetPattern<FenceAsyncSharedOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(FenceAsyncSharedOp op, OpAdaptor,
                  ConversionPatternRewriter &b) const override {
    if (target.isAMD())
      return op.emitOpError() << "is an NVIDIA fence (sm_90 async proxy), not "
                                 "one of "
                              << target.target().name;
    inlinePtx(b, op.getLoc(), Type(), {},
              op.getBCluster() ? "fence.proxy.async.shared::cluster;"
                               : "fence.proxy.async.shared::cta;",
              "");
    b.eraseOp(op);
    return success();
  }
};

} // namespace

LogicalResult mlir::ll::checkTMATarget(ModuleOp module,
                                       const TargetInfo &target) {
  // The copies' boxes go to the kernel's warps (issueBoxes).
  module.walk([&](Operation *op) {
    if (!isa<AsyncTMACopyGlobalToLocalOp, AsyncTMACopyLocalToGlobalOp>(op))
      return;
    if (auto f = op->getParentOfType<func::FuncOp>())
      if (auto w = f->getAttrOfType<IntegerAttr>("ll.num_warps"))
        op->setAttr(kTMAWarpsAttr, w);
  });
  WalkResult r = module.walk([&](Operation *op) {
    if (!isa<TensormapCreateOp, TensormapFenceproxyAcquireOp, InitBarrierOp,
             InvalBarrierOp, BarrierExpectOp, WaitBarrierOp,
             AsyncTMACopyGlobalToLocalOp, AsyncTMACopyLocalToGlobalOp,
             TMAStoreWaitOp, FenceAsyncSharedOp>(op))
      return WalkResult::advance();
    return failed(requireTMA(op, target)) ? WalkResult::interrupt()
                                          : WalkResult::advance();
  });
  return failure(r.wasInterrupted());
}

LogicalResult mlir::ll::materializeGlobalScratch(ModuleOp module) {
  int64_t most = 0, align = 1;
  for (auto func : module.getOps<func::FuncOp>()) {
    SmallVector<GlobalScratchAllocOp> allocs;
    func.walk([&](GlobalScratchAllocOp a) { allocs.push_back(a); });
    if (allocs.empty())
      continue;
    if (!func->hasAttr(kScratchArgsAttr) || func.getNumArguments() < 2)
      return allocs.front().emitOpError()
             << "needs the kernel's global scratch pointer (Triton's ABI: "
                "convert-triton-to-ll with scratch-args=true)";
    // Offsets in this program's part: each aligned, in program order.
    int64_t size = 0, fnAlign = 1;
    SmallVector<int64_t> offsets;
    for (auto a : allocs) {
      int64_t al = a.getAlignment();
      size = llvm::alignTo(size, al);
      offsets.push_back(size);
      size += a.getNbytes();
      fnAlign = std::max(fnAlign, al);
    }
    size = llvm::alignTo(size, fnAlign);
    // The program's part: (z * ny + y) * nx + x parts of `size` bytes.
    OpBuilder b(func.getBody());
    Location loc = func.getLoc();
    auto pid = [&](int axis) {
      return b.create<ProgramIdOp>(loc, b.getI32Type(), b.getI32IntegerAttr(axis));
    };
    auto num = [&](int axis) {
      return b.create<NumProgramsOp>(loc, b.getI32Type(), b.getI32IntegerAttr(axis));
    };
    Value linear = b.create<arith::AddIOp>(
        loc, b.create<arith::MulIOp>(loc, pid(2), num(1)), pid(1));
    linear = b.create<arith::AddIOp>(
        loc, b.create<arith::MulIOp>(loc, linear, num(0)), pid(0));
    Value part = b.create<arith::MulIOp>(
        loc, b.create<arith::ExtSIOp>(loc, b.getI64Type(), linear),
        b.create<arith::ConstantIntOp>(loc, b.getI64Type(), size));
    Value base = func.getArgument(func.getNumArguments() - 2);
    for (auto [a, off] : llvm::zip(allocs, offsets)) {
      b.setInsertionPoint(a);
      Value at = b.create<arith::AddIOp>(
          loc, part, b.create<arith::ConstantIntOp>(loc, b.getI64Type(), off));
      Value p = base;
      if (p.getType() != a.getType())
        return a.emitOpError() << "gives " << a.getType()
                               << ", but the scratch pointer is "
                               << p.getType();
      a.replaceAllUsesWith(
          b.create<AddPtrOp>(a.getLoc(), a.getType(), p, at).getResult());
      a.erase();
    }
    most = std::max(most, size);
    align = std::max(align, fnAlign);
  }
  if (most) {
    auto i64 = IntegerType::get(module.getContext(), 64);
    module->setAttr(kGlobalScratchSizeAttr, IntegerAttr::get(i64, most));
    module->setAttr(kGlobalScratchAlignAttr, IntegerAttr::get(i64, align));
  }
  return success();
}

void mlir::ll::markTensorMapArguments(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func->hasAttr("ll.kernel"))
      continue;
    MLIRContext *ctx = func.getContext();
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      if (!isa<TensorDescType>(func.getArgument(i).getType()))
        continue;
      // A host tensor map: a 128-byte parameter the kernel reads in place
      // (CUDA's __grid_constant__ CUtensorMap), as Triton passes it.
      func.setArgAttr(i, "llvm.byval",
                      TypeAttr::get(LLVM::LLVMArrayType::get(
                          IntegerType::get(ctx, 8), 128)));
      func.setArgAttr(i, "llvm.align",
                      IntegerAttr::get(IntegerType::get(ctx, 64), 64));
      func.setArgAttr(i, "nvvm.grid_constant", UnitAttr::get(ctx));
    }
  }
}

void mlir::ll::populateTMAOpToLLVMPatterns(LLTypeConverter &tc,
                                           RewritePatternSet &patterns,
                                           const TargetInfo &target) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<TensormapCreateLowering, TensormapFenceproxyAcquireLowering,
               InitBarrierLowering, InvalBarrierLowering, BarrierExpectLowering,
               WaitBarrierLowering, TMALoadLowering, TMAStoreLowering,
               TMAStoreWaitLowering, FenceAsyncSharedLowering>(tc, ctx, target);
  patterns.add<ReinterpretTensorDescLowering>(tc, ctx);
}
