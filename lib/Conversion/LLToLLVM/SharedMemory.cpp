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
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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
    unsigned n = use.getOperandNumber();
    if (isa<MemDescIndexOp, MemDescTransOp, MemDescSubsliceOp>(user)) {
      views.push_back(user->getResult(0));
    } else if (isa<WarpGroupDotWaitOp>(user)) {
      views.push_back(user->getResult(n));
    } else if (auto f = dyn_cast<scf::ForOp>(user)) {
      // (a software-pipelined loop carries a stage's buffer)
      if (BlockArgument arg = f.getTiedLoopRegionIterArg(&use)) {
        views.push_back(arg);
        views.push_back(f.getTiedLoopResult(&use));
      }
    } else if (isa<scf::YieldOp>(user)) {
      Operation *parent = user->getParentOp();
      if (n < parent->getNumResults())
        views.push_back(parent->getResult(n));
      if (auto f = dyn_cast<scf::ForOp>(parent))
        views.push_back(f.getRegionIterArgs()[n]);
    }
  }
  return views;
}

/// Every value that views the buffer `root` (itself, memdescViews of it,
/// transitively).
static SmallVector<Value> allViews(Value root) {
  SmallVector<Value> all = {root}, todo = {root};
  llvm::SmallPtrSet<void *, 8> seen = {root.getAsOpaquePointer()};
  while (!todo.empty())
    for (Value w : memdescViews(todo.pop_back_val()))
      if (seen.insert(w.getAsOpaquePointer()).second) {
        all.push_back(w);
        todo.push_back(w);
      }
  return all;
}

namespace {

//===----------------------------------------------------------------------===//
// Barrier analysis
//===----------------------------------------------------------------------===//
//
// Which shared-memory accesses need a CTA barrier before them, as Triton's
// membar analysis decides it: an access needs one when an access of another
// thread since the last barrier overlaps it in bytes, with a write on either
// side. Asynchronous accesses (cp.async writes, wgmma reads) stay in flight
// past barriers until their wait (ll.async_wait / ll.warp_group_dot_wait),
// which makes them pending. Ops the analysis does not model keep their
// barrier and leave everything pending. Loops iterate to a fixpoint (the
// back edge carries the body's pending accesses to its start); both arms of
// an scf.if start from the same state and join.

struct Access {
  int64_t lo, hi;
  bool write;
  bool operator<(const Access &o) const {
    return std::tie(lo, hi, write) < std::tie(o.lo, o.hi, o.write);
  }
  bool operator==(const Access &o) const {
    return lo == o.lo && hi == o.hi && write == o.write;
  }
};

struct BarrierState {
  bool top = false; ///< anything may be pending
  SmallVector<Access> pending, inflight;

  void normalize() {
    for (auto *v : {&pending, &inflight}) {
      llvm::sort(*v);
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
  }
  void join(const BarrierState &o) {
    top |= o.top;
    llvm::append_range(pending, o.pending);
    llvm::append_range(inflight, o.inflight);
    normalize();
  }
  bool operator==(const BarrierState &o) const {
    return top == o.top && pending == o.pending && inflight == o.inflight;
  }
  bool conflicts(ArrayRef<Access> acc) const {
    if (top)
      return true;
    for (const Access &a : acc)
      for (const Access &p : pending)
        if ((a.write || p.write) && a.lo < p.hi && p.lo < a.hi)
          return true;
    return false;
  }
  void barrier() {
    top = false;
    pending.clear();
  }
};

/// The bytes of the buffers a memdesc may view (its ll.local_alloc, through
/// memdesc_index / memdesc_trans / memdesc_subslice / warp_group_dot_wait,
/// and scf.for's iter_args and results: every value that may flow there),
/// as one range; none where one is unknown (a function argument).
std::optional<std::pair<int64_t, int64_t>> bufferBytes(Value root) {
  std::optional<std::pair<int64_t, int64_t>> range;
  SmallVector<Value> todo = {root};
  llvm::SmallPtrSet<void *, 8> seen = {root.getAsOpaquePointer()};
  auto from = [&](Value w) {
    if (seen.insert(w.getAsOpaquePointer()).second)
      todo.push_back(w);
  };
  while (!todo.empty()) {
    Value v = todo.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      auto f = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
      if (!f || arg.getArgNumber() == 0)
        return std::nullopt;
      unsigned i = arg.getArgNumber() - 1;
      from(f.getInitArgs()[i]);
      from(f.getYieldedValues()[i]);
      continue;
    }
    Operation *def = v.getDefiningOp();
    auto res = cast<OpResult>(v);
    if (isa<LocalAllocOp>(def)) {
      auto off = def->getAttrOfType<IntegerAttr>(kSharedOffsetAttr);
      auto size = def->getAttrOfType<IntegerAttr>(kSharedBytesAttr);
      if (!off || !size)
        return std::nullopt;
      int64_t lo = off.getInt(), hi = lo + size.getInt();
      range = range ? std::make_pair(std::min(range->first, lo),
                                     std::max(range->second, hi))
                    : std::make_pair(lo, hi);
    } else if (isa<MemDescIndexOp, MemDescTransOp, MemDescSubsliceOp>(def)) {
      from(def->getOperand(0));
    } else if (isa<WarpGroupDotWaitOp>(def)) {
      from(def->getOperand(res.getResultNumber()));
    } else if (auto f = dyn_cast<scf::ForOp>(def)) {
      from(f.getInitArgs()[res.getResultNumber()]);
      from(f.getYieldedValues()[res.getResultNumber()]);
    } else if (auto f = dyn_cast<scf::IfOp>(def)) {
      from(f.thenYield().getOperand(res.getResultNumber()));
      if (!f.getElseRegion().empty())
        from(f.elseYield().getOperand(res.getResultNumber()));
    } else {
      return std::nullopt;
    }
  }
  return range;
}

struct BarrierAnalysis {
  bool record = false;

  /// An op's own scratch, as written.
  static std::optional<Access> scratch(Operation *op) {
    auto off = op->getAttrOfType<IntegerAttr>(kSharedOffsetAttr);
    auto size = op->getAttrOfType<IntegerAttr>(kSharedBytesAttr);
    if (!off || !size)
      return std::nullopt;
    return Access{off.getInt(), off.getInt() + size.getInt(), true};
  }

  /// `op` needs (or not) the barrier before it.
  void decide(Operation *op, bool needed) {
    if (!record)
      return;
    if (needed)
      op->removeAttr(kNoBarrierBefore);
    else
      op->setAttr(kNoBarrierBefore, UnitAttr::get(op->getContext()));
  }

  /// A synchronous access at `op` of the buffers `acc` (a barrier first when
  /// it conflicts), which then is pending.
  void access(Operation *op, BarrierState &s, ArrayRef<Access> acc) {
    bool needed = s.conflicts(acc);
    decide(op, needed);
    if (needed)
      s.barrier();
    llvm::append_range(s.pending, acc);
    s.normalize();
  }

  /// An op the analysis does not model: its own barrier unless nothing is
  /// pending, then anything.
  void opaque(Operation *op, BarrierState &s) {
    decide(op, s.top || !s.pending.empty());
    s.top = true;
  }

  /// The accesses of a memdesc operand, or none when its buffer is unknown.
  std::optional<Access> of(Value mem, bool write) {
    auto b = bufferBytes(mem);
    if (!b)
      return std::nullopt;
    return Access{b->first, b->second, write};
  }

  void visit(Operation *op, BarrierState &s) {
    if (auto f = dyn_cast<scf::IfOp>(op)) {
      BarrierState t = s, e = s;
      walk(f.getThenRegion(), t);
      walk(f.getElseRegion(), e);
      t.join(e);
      s = t;
      return;
    }
    if (op->getNumRegions() && !isa<ReduceOp, ScanOp>(op)) {
      // A loop (or any region op): the body from the entry state joined
      // with what its end carries back, to a fixpoint.
      BarrierState in = s, cur = s;
      bool saved = record;
      record = false;
      for (int i = 0; i < 16; ++i) {
        BarrierState end = cur;
        for (Region &r : op->getRegions())
          walk(r, end);
        BarrierState next = in;
        next.join(end);
        if (next == cur)
          break;
        cur = next;
      }
      record = saved;
      BarrierState end = cur;
      for (Region &r : op->getRegions())
        walk(r, end);
      s = in;
      s.join(end);
      return;
    }
    if (isa<gpu::BarrierOp>(op)) {
      s.barrier();
      return;
    }
    if (isa<func::CallOp>(op)) {
      s.top = true;
      return;
    }
    auto one = [&](std::optional<Access> a) -> bool {
      if (!a) {
        opaque(op, s);
        return false;
      }
      access(op, s, {*a});
      return true;
    };
    if (auto a = dyn_cast<LocalAllocOp>(op)) {
      if (a.getSrc())
        one(of(a.getResult(), true));
      return;
    }
    if (auto l = dyn_cast<LocalLoadOp>(op))
      return (void)one(of(l.getSrc(), false));
    if (auto st = dyn_cast<LocalStoreOp>(op))
      return (void)one(of(st.getDst(), true));
    if (auto c = dyn_cast<AsyncCopyOp>(op)) {
      // Issued after a barrier where the buffer conflicts (earlier reads of
      // other threads); the write lands by the async_wait.
      auto a = of(c.getDst(), true);
      if (!a)
        return opaque(op, s);
      bool needed = s.conflicts({*a});
      decide(op, needed);
      if (needed)
        s.barrier();
      s.inflight.push_back(*a);
      s.normalize();
      return;
    }
    if (isa<AsyncWaitOp, WarpGroupDotWaitOp>(op)) {
      // (conservatively every access in flight lands here)
      llvm::append_range(s.pending, s.inflight);
      s.inflight.clear();
      s.normalize();
      return;
    }
    if (auto d = dyn_cast<WarpGroupDotOp>(op)) {
      SmallVector<Access> reads;
      for (Value v : {d.getA(), Value(d.getB())}) {
        if (!isa<MemDescType>(v.getType()))
          continue;
        auto a = of(v, false);
        if (!a)
          return opaque(op, s);
        reads.push_back(*a);
      }
      bool needed = s.conflicts(reads);
      decide(op, needed);
      if (needed)
        s.barrier();
      // In flight until a wait (its own when synchronous).
      llvm::append_range(d.getIsAsync() ? s.inflight : s.pending, reads);
      s.normalize();
      return;
    }
    if (isa<ConvertLayoutOp>(op)) {
      // Through shared memory (it has scratch): stores, a barrier, loads.
      auto sc = scratch(op);
      if (!sc)
        return;
      bool needed = s.conflicts({*sc});
      decide(op, needed);
      s.barrier();
      s.pending.push_back(Access{sc->lo, sc->hi, false});
      return;
    }
    if (isa<ReduceOp, ScanOp, GatherOp, AtomicRMWOp, AtomicCASOp>(op)) {
      // Their scratch only (when they have one), written first; what stays
      // pending after their internal barriers is within it.
      if (auto sc = scratch(op)) {
        bool needed = s.conflicts({*sc});
        decide(op, needed);
        if (needed)
          s.barrier();
        s.pending.push_back(*sc);
        s.normalize();
      }
      return;
    }
    if (op->hasAttr(kSharedOffsetAttr) ||
        isa<InitBarrierOp, InvalBarrierOp, BarrierExpectOp, WaitBarrierOp,
            AsyncTMACopyGlobalToLocalOp, AsyncTMACopyLocalToGlobalOp,
            TensormapCreateOp, HistogramOp>(op))
      return opaque(op, s);
  }

  void walk(Region &r, BarrierState &s) {
    for (Block &b : r)
      for (Operation &op : b)
        visit(&op, s);
  }
};

/// Records kNoBarrierBefore on the accesses of `func` that need no barrier.
void analyzeBarriers(func::FuncOp func) {
  BarrierAnalysis a;
  a.record = true;
  BarrierState s;
  a.walk(func.getBody(), s);
}

} // namespace

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
        // memdesc_trans / memdesc_subslice, passed through a
        // warp_group_dot_wait, carried by loops: allViews).
        // A buffer a wgmma reads starts at a multiple of 1024 bytes (where
        // any swizzle's pattern starts); the dot records which of its
        // operands are so placed.
        int64_t align = bufferAlignment(a.getType());
        for (Value v : allViews(a.getResult())) {
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
    analyzeBarriers(func);
  }
  return total;
}
