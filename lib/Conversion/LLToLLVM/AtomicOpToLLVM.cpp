//===- AtomicOpToLLVM.cpp - ll.atomic_rmw and ll.atomic_cas ---------------===//
//
// An atomic applies each element once: the layout's free variables say
// which threads and registers repeat an element, and only its first holder
// (lane and warp bits of the free masks zero, the register's free bits
// zero) issues the LLVM atomicrmw / cmpxchg. A scalar atomic is issued by
// thread 0. When the old values are used, every holder gets them:
//   - repeated registers copy the first one;
//   - lanes of one warp: a shuffle from the first holder's lane;
//   - other warps (or a scalar): through shared memory, the first holder
//     writing the element's row-major slot, a barrier, every holder reading
//     it.
// Masked-off elements issue nothing; their old value is 0.
//
//   %o = ll.atomic_rmw fadd, acq_rel, gpu, %p, %v : (tensor<128x!ll.ptr<f32>, #b>, ...)
//     -> per register r the thread's first holder of:
//        %o_r = llvm.atomicrmw fadd %p_r, %v_r syncscope("device") acq_rel
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;
using ::ll::LinearLayout;

namespace {

LLVM::AtomicOrdering ordering(MemSemantic s) {
  switch (s) {
  case MemSemantic::RELAXED:
    return LLVM::AtomicOrdering::monotonic;
  case MemSemantic::ACQUIRE:
    return LLVM::AtomicOrdering::acquire;
  case MemSemantic::RELEASE:
    return LLVM::AtomicOrdering::release;
  case MemSemantic::ACQ_REL:
    return LLVM::AtomicOrdering::acq_rel;
  }
  return LLVM::AtomicOrdering::acq_rel;
}

/// A failed compare-and-swap only reads: no release.
LLVM::AtomicOrdering failureOrdering(MemSemantic s) {
  return s == MemSemantic::RELAXED || s == MemSemantic::RELEASE
             ? LLVM::AtomicOrdering::monotonic
             : LLVM::AtomicOrdering::acquire;
}

LLVM::AtomicBinOp binOp(AtomicRMWKind k) {
  switch (k) {
  case AtomicRMWKind::AND:
    return LLVM::AtomicBinOp::_and;
  case AtomicRMWKind::OR:
    return LLVM::AtomicBinOp::_or;
  case AtomicRMWKind::XOR:
    return LLVM::AtomicBinOp::_xor;
  case AtomicRMWKind::ADD:
    return LLVM::AtomicBinOp::add;
  case AtomicRMWKind::FADD:
    return LLVM::AtomicBinOp::fadd;
  case AtomicRMWKind::MAX:
    return LLVM::AtomicBinOp::max;
  case AtomicRMWKind::MIN:
    return LLVM::AtomicBinOp::min;
  case AtomicRMWKind::UMAX:
    return LLVM::AtomicBinOp::umax;
  case AtomicRMWKind::UMIN:
    return LLVM::AtomicBinOp::umin;
  case AtomicRMWKind::XCHG:
    return LLVM::AtomicBinOp::xchg;
  }
  return LLVM::AtomicBinOp::xchg;
}

/// Who holds which element of an atomic's tensor (or its scalar).
struct Holders {
  std::optional<LinearLayout> layout; // none for a scalar
  int32_t regs = 0, lanes = 0, warps = 0;
  /// Old values cross warps (or leave thread 0): through shared memory.
  bool viaShared(bool used) const {
    return used && (!layout || warps != 0);
  }
};

FailureOr<Holders> holdersOf(Operation *op, Type ptrType) {
  Holders h;
  if (!isa<RankedTensorType>(ptrType))
    return h;
  auto l = getLinearLayout(ptrType);
  if (failed(l))
    return op->emitOpError() << "has no linear layout for " << ptrType;
  h.layout = *l;
  h.regs = freeMask(*l, "register");
  h.lanes = freeMask(*l, "lane");
  h.warps = freeMask(*l, "warp");
  return h;
}

Type elementOf(Operation *op) {
  return getElementTypeOrSelf(op->getResult(0).getType());
}

/// The elements' row-major index of each register (its shared slot).
SmallVector<Value> slots(OpBuilder &b, Location loc, const Holders &h,
                         Type tensorType, ThreadIds ids, int64_t regs) {
  if (!h.layout)
    return {i32(b, loc, 0)};
  auto t = cast<RankedTensorType>(tensorType);
  LinearLayout idx = indexLayout(*h.layout, rowMajorStrides(t.getShape()));
  Value rt = runtimePart(b, loc, idx, "offset",
                         {{"lane", ids.lane}, {"warp", ids.warp}});
  SmallVector<Value> out;
  for (int64_t r = 0; r < regs; ++r) {
    int32_t c = constPart(idx, "offset", {{"register", int32_t(r)}});
    out.push_back(c ? b.create<LLVM::XOrOp>(loc, rt, i32(b, loc, c)).getResult()
                    : rt);
  }
  return out;
}

/// Lowers an atomic given `issue`, the LLVM atomic of one register's
/// operands (its old value), and `kindOf`, its operation (none: a
/// compare-and-swap) for the target's predicated atomics.
template <typename OpT> struct AtomicLowering : TargetPattern<OpT> {
  using TargetPattern<OpT>::TargetPattern;
  using TargetPattern<OpT>::target;

  virtual Value issue(ConversionPatternRewriter &b, Location loc, OpT op,
                      ArrayRef<Value> vals, Value ptr) const = 0;
  virtual std::optional<AtomicRMWKind> kindOf(OpT op) const = 0;

  /// The registers issued together: runs of float adds as one vector
  /// atomic where the pointers run (ll.vector) and the target has the
  /// instruction (TargetInfo::atomicAddVector); single registers otherwise.
  SmallVector<SmallVector<int>> units(OpT op, Type elt, int regs) const {
    size_t most = kindOf(op) == AtomicRMWKind::FADD
                      ? size_t(target.atomicAddVector(elt))
                      : 1;
    SmallVector<SmallVector<int>> out;
    for (auto &g : accessGroups(op, op.getPtr().getType(), regs)) {
      size_t w = std::min(most, g.size());
      for (size_t j = 0; j < g.size(); j += w)
        out.push_back(SmallVector<int>(ArrayRef<int>(g).slice(j, w)));
    }
    return out;
  }

  LogicalResult lower(OpT op, Value ptrs, ArrayRef<Value> operands,
                      Value mask, ConversionPatternRewriter &b) const {
    Location loc = op.getLoc();
    Type rt = this->getTypeConverter()->convertType(op.getType());
    if (!rt)
      return b.notifyMatchFailure(op, "no lowering of the result type");
    Type elt = getElementTypeOrSelf(rt);
    if (auto st = dyn_cast<LLVM::LLVMStructType>(rt))
      elt = st.getBody()[0];
    auto h = holdersOf(op, op.getPtr().getType());
    if (failed(h))
      return failure();
    bool used = !op->use_empty();
    SmallVector<Value> ptrRegs = registersOf(b, loc, ptrs);
    SmallVector<SmallVector<Value>> regs;
    for (Value v : operands)
      regs.push_back(registersOf(b, loc, v));
    SmallVector<Value> masks;
    if (mask)
      masks = registersOf(b, loc, mask);
    int64_t n = int64_t(ptrRegs.size());
    ThreadIds ids = threadIds(b, loc, target);
    Value first =
        h->layout ? firstCopy(b, loc, ids, h->lanes, h->warps)
                  : b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq,
                                           target.threadId(b, loc),
                                           i32(b, loc, 0))
                        .getResult();
    bool shared = h->viaShared(used);
    Value base;
    SmallVector<Value> at;
    if (shared) {
      int64_t bytes = atomicScratchBytes(op);
      auto sb = sharedBase(b, loc, op, bytes);
      if (failed(sb))
        return failure();
      base = *sb;
      at = slots(b, loc, *h, op.getType(), ids, n);
      // The slots may still be read by an earlier use of the scratch.
      if (!op->hasAttr(kNoBarrierBefore))
        target.barrier(b, loc);
    }
    SmallVector<Value> old(n);
    for (auto &unit : units(op, elt, int(n))) {
      int64_t r = unit[0];
      if (r & h->regs)
        continue;
      Value cond = first;
      if (!masks.empty())
        cond = cond ? b.create<LLVM::AndOp>(loc, cond, masks[r]).getResult()
                    : masks[r];
      // The unit's operands: one register, or a pair packed in a vector.
      Type ut = unit.size() == 1 ? elt : VectorType::get({int64_t(unit.size())}, elt);
      SmallVector<Value> vals;
      for (auto &reg : regs) {
        if (unit.size() == 1) {
          vals.push_back(reg[r]);
          continue;
        }
        Value v = b.create<LLVM::UndefOp>(loc, ut);
        for (auto [j, x] : llvm::enumerate(unit))
          v = b.create<LLVM::InsertElementOp>(loc, v, reg[x], i32(b, loc, int64_t(j)));
        vals.push_back(v);
      }
      // (a vector atomic is an instruction of the target's: predicated on
      // true where nothing else predicates it)
      if (!cond && unit.size() > 1 && !target.isAMD())
        cond = b.create<LLVM::ConstantOp>(loc, b.getI1Type(), b.getBoolAttr(true));
      Value v;
      if (!cond) {
        v = issue(b, loc, op, vals, ptrRegs[r]);
      } else if (Value p = target.predicatedAtomic(
                     b, loc, kindOf(op), ptrRegs[r], vals, cond, op.getSem(),
                     op.getScope())) {
        v = p; // one predicated instruction, no branch
      } else {
        auto ifOp = b.create<scf::IfOp>(loc, used ? TypeRange{ut} : TypeRange{},
                                        cond, /*withElseRegion=*/used);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        Value x = issue(b, loc, op, vals, ptrRegs[r]);
        if (used) {
          b.create<scf::YieldOp>(loc, x);
          b.setInsertionPointToStart(&ifOp.getElseRegion().front());
          b.create<scf::YieldOp>(loc, b.create<LLVM::ZeroOp>(loc, ut).getResult());
          v = ifOp.getResult(0);
        }
      }
      if (!used)
        continue;
      for (auto [j, x] : llvm::enumerate(unit)) {
        old[x] = unit.size() == 1 ? v
                                  : b.create<LLVM::ExtractElementOp>(
                                        loc, v, i32(b, loc, int64_t(j)));
        // The first holder publishes the old value (0 where masked off:
        // every slot read below is written).
        if (shared)
          b.create<scf::IfOp>(loc, first, [&](OpBuilder &tb, Location l) {
            storeElement(tb, l, base, old[x], at[x]);
            tb.create<scf::YieldOp>(l);
          });
      }
    }
    if (!used) {
      b.eraseOp(op);
      return success();
    }
    if (shared) {
      target.barrier(b, loc);
      for (int64_t r = 0; r < n; ++r)
        if (!(r & h->regs))
          old[r] = loadElement(b, loc, base, elt, at[r]);
    } else if (h->lanes) {
      Value src = b.create<LLVM::AndOp>(loc, ids.lane, i32(b, loc, ~h->lanes));
      for (int64_t r = 0; r < n; ++r)
        if (!(r & h->regs))
          old[r] = shuffleIdx(b, loc, target, old[r], src);
    }
    for (int64_t r = 0; r < n; ++r)
      if (r & h->regs)
        old[r] = old[r & ~h->regs];
    b.replaceOp(op, fromRegisters(b, loc, rt, old));
    return success();
  }
};

struct AtomicRMWLowering : AtomicLowering<AtomicRMWOp> {
  using AtomicLowering::AtomicLowering;
  Value issue(ConversionPatternRewriter &b, Location loc, AtomicRMWOp op,
              ArrayRef<Value> vals, Value ptr) const override {
    return b.create<LLVM::AtomicRMWOp>(loc, binOp(op.getKind()), ptr, vals[0],
                                       ordering(op.getSem()),
                                       target.syncScope(op.getScope()));
  }
  std::optional<AtomicRMWKind> kindOf(AtomicRMWOp op) const override {
    return op.getKind();
  }
  LogicalResult
  matchAndRewrite(AtomicRMWOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    return lower(op, adaptor.getPtr(), {adaptor.getVal()}, adaptor.getMask(),
                 b);
  }
};

/// LLVM's cmpxchg takes integers: floats compare and swap as their bits.
struct AtomicCASLowering : AtomicLowering<AtomicCASOp> {
  using AtomicLowering::AtomicLowering;
  Value issue(ConversionPatternRewriter &b, Location loc, AtomicCASOp op,
              ArrayRef<Value> vals, Value ptr) const override {
    Value cmp = vals[0], val = vals[1];
    Type t = val.getType();
    Type it = t.isInteger() ? t : b.getIntegerType(t.getIntOrFloatBitWidth());
    if (it != t) {
      cmp = b.create<LLVM::BitcastOp>(loc, it, cmp);
      val = b.create<LLVM::BitcastOp>(loc, it, val);
    }
    auto x = b.create<LLVM::AtomicCmpXchgOp>(
        loc, ptr, cmp, val, ordering(op.getSem()), failureOrdering(op.getSem()),
        target.syncScope(op.getScope()));
    Value old = b.create<LLVM::ExtractValueOp>(loc, x, 0);
    return it != t ? b.create<LLVM::BitcastOp>(loc, t, old).getResult() : old;
  }
  std::optional<AtomicRMWKind> kindOf(AtomicCASOp) const override {
    return std::nullopt;
  }
  LogicalResult
  matchAndRewrite(AtomicCASOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    return lower(op, adaptor.getPtr(), {adaptor.getCmp(), adaptor.getVal()},
                 Value(), b);
  }
};

} // namespace

int64_t mlir::ll::atomicScratchBytes(Operation *op) {
  if (!isa<AtomicRMWOp, AtomicCASOp>(op) || op->use_empty())
    return 0;
  Type ptrType = op->getOperand(0).getType();
  auto h = holdersOf(op, ptrType);
  if (failed(h) || !h->viaShared(true))
    return 0;
  int64_t count = 1;
  if (auto t = dyn_cast<RankedTensorType>(ptrType))
    count = t.getNumElements();
  return Scratch({elementOf(op)}, count).bytes;
}

void mlir::ll::populateAtomicOpToLLVMPatterns(LLTypeConverter &tc,
                                              RewritePatternSet &patterns,
                                              const TargetInfo &target) {
  patterns.add<AtomicRMWLowering, AtomicCASLowering>(tc, patterns.getContext(),
                                                     target);
}
