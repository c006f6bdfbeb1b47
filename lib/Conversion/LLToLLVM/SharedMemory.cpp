//===- SharedMemory.cpp - ll-allocate-shared -------------------------------===//
//
// Every buffer in the CTA's shared memory gets a byte offset:
//   - an ll.local_alloc buffer (its memdesc's elements) lives from the
//     alloc to its last use (a use inside a loop or an if keeps it alive to
//     the end of that op);
//   - the scratch of an op that goes through shared memory (a conversion
//     planned through it, a reduction or scan over warps, a gather across
//     warps) lives during the op.
// Program points are the pre-order numbers of the ops of each function.
// Buffers are placed largest first at the lowest offset (128-byte
// aligned) that no buffer with an overlapping lifetime occupies, as
// Triton's allocation does; the module needs the largest end, which must
// fit the target's shared memory (else a diagnostic on the op past it).
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;

namespace {

constexpr int64_t kAlign = 128;

struct Buffer {
  Operation *op;
  int64_t bytes, start, end, offset = -1, align = kAlign;
};

} // namespace

int64_t lowering::bufferAlignment(MemDescType m) {
  auto n = dyn_cast<NVMMASharedAttr>(m.getEncoding());
  return n && n.getSwizzlingByteWidth() ? 1024 : kAlign;
}

SmallVector<Value> lowering::memdescViews(Value v) {
  SmallVector<Value> views;
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (isa<MemDescIndexOp, MemDescTransOp>(user))
      views.push_back(user->getResult(0));
    else if (isa<WarpGroupDotWaitOp>(user))
      views.push_back(user->getResult(use.getOperandNumber()));
  }
  return views;
}

FailureOr<int64_t> mlir::ll::allocateSharedMemory(ModuleOp module,
                                                  const TargetInfo &target,
                                                  const ConversionPlans &plans) {
  MLIRContext *ctx = module.getContext();
  int64_t total = 0;
  for (auto func : module.getOps<func::FuncOp>()) {
    // Program points: [pre-order number, last number inside].
    DenseMap<Operation *, std::pair<int64_t, int64_t>> span;
    int64_t n = 0;
    std::function<void(Operation *)> number = [&](Operation *op) {
      int64_t first = n++;
      for (Region &r : op->getRegions())
        for (Block &b : r)
          for (Operation &o : b)
            number(&o);
      span[op] = {first, n - 1};
    };
    number(func);
    SmallVector<Buffer> buffers;
    func.walk([&](Operation *op) {
      int64_t bytes = 0;
      if (auto a = dyn_cast<LocalAllocOp>(op)) {
        int64_t end = span[op].second;
        // Uses of the buffer and of its views (ll.memdesc_index /
        // memdesc_trans, passed through a warp_group_dot_wait).
        // A buffer a wgmma reads starts at a multiple of 1024 bytes (where
        // any swizzle's pattern starts); the dot records which of its
        // operands are so placed.
        SmallVector<Value> views = {a.getResult()};
        int64_t align = bufferAlignment(a.getType());
        while (!views.empty()) {
          Value v = views.pop_back_val();
          llvm::append_range(views, memdescViews(v));
          for (OpOperand &use : v.getUses()) {
            Operation *user = use.getOwner();
            if (auto dot = dyn_cast<WarpGroupDotOp>(user)) {
              align = std::max<int64_t>(align, kWgmmaAlign);
              SmallVector<int32_t> ops;
              if (auto old = dot->getAttrOfType<DenseI32ArrayAttr>(
                      kWgmmaAlignedAttr))
                llvm::append_range(ops, old.asArrayRef());
              ops.push_back(int32_t(use.getOperandNumber()));
              dot->setAttr(kWgmmaAlignedAttr,
                           DenseI32ArrayAttr::get(ctx, ops));
            }
            if (Operation *anc = a->getBlock()->findAncestorOpInBlock(*user))
              end = std::max(end, span[anc].second);
          }
        }
        buffers.push_back({op, memdescBytes(a.getType()), span[op].first, end,
                           -1, align});
        return;
      }
      if (auto it = plans.byOp.find(op); it != plans.byOp.end()) {
        if (it->second.as<::ll::SharedPlan>())
          bytes = it->second.scratchBytes();
      } else if (isa<ReduceOp, ScanOp>(op)) {
        bytes = reduceScanScratchBytes(op);
      } else if (auto g = dyn_cast<GatherOp>(op)) {
        bytes = gatherScratchBytes(g, target);
      } else if (auto h = dyn_cast<HistogramOp>(op)) {
        bytes = histogramScratchBytes(h);
      } else if (isa<AtomicRMWOp, AtomicCASOp>(op)) {
        bytes = atomicScratchBytes(op);
      } else if (isa<TensormapCreateOp>(op)) {
        bytes = 128; // (the tensor map's template)
      }
      if (bytes)
        buffers.push_back({op, bytes, span[op].first, span[op].second});
    });
    // Largest first, then earliest.
    SmallVector<Buffer *> order;
    for (Buffer &b : buffers)
      order.push_back(&b);
    llvm::stable_sort(order, [](Buffer *a, Buffer *b) {
      return a->bytes != b->bytes ? a->bytes > b->bytes : a->start < b->start;
    });
    SmallVector<Buffer *> placed;
    for (Buffer *b : order) {
      SmallVector<int64_t> candidates = {0};
      for (Buffer *p : placed)
        candidates.push_back(llvm::alignTo(p->offset + p->bytes, b->align));
      llvm::sort(candidates);
      for (int64_t c : candidates) {
        bool clash = llvm::any_of(placed, [&](Buffer *p) {
          bool live = p->start <= b->end && b->start <= p->end;
          bool bytes = p->offset < c + b->bytes && c < p->offset + p->bytes;
          return live && bytes;
        });
        if (!clash) {
          b->offset = c;
          break;
        }
      }
      placed.push_back(b);
      total = std::max(total, b->offset + b->bytes);
      // More than the target's shared memory: refused here, where the op
      // that overflows it is known (offsets past it would not even fit the
      // lowering's 32-bit address arithmetic).
      int64_t limit = target.sharedMemoryBytes();
      if (b->offset + b->bytes > limit) {
        b->op->emitOpError()
            << "needs shared memory up to byte " << b->offset + b->bytes
            << " (" << b->bytes << " bytes from offset " << b->offset
            << "), more than the " << limit << " bytes "
            << target.target().name << " gives a CTA";
        return failure();
      }
      b->op->setAttr(kSharedOffsetAttr,
                     IntegerAttr::get(IntegerType::get(ctx, 64), b->offset));
      b->op->setAttr(kSharedBytesAttr,
                     IntegerAttr::get(IntegerType::get(ctx, 64), b->bytes));
    }
    // Accesses that nothing before them (in program order, outside loops)
    // put shared memory to use need no leading barrier.
    bool used = false;
    func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      bool access = false;
      if (auto a = dyn_cast<LocalAllocOp>(op))
        access = bool(a.getSrc());
      else if (isa<LocalLoadOp, LocalStoreOp, AsyncCopyOp, InitBarrierOp,
                   AsyncTMACopyGlobalToLocalOp>(op))
        access = true;
      else
        access = op->hasAttr(kSharedOffsetAttr);
      if (!access)
        return;
      if (!used && !op->getParentOfType<LoopLikeOpInterface>())
        op->setAttr(kFirstSharedUse, UnitAttr::get(ctx));
      used = true;
    });
  }
  return total;
}
