//===- ReduceScanOpToLLVM.cpp - ll.reduce and ll.scan ---------------------===//
//
// Both work on the hardware bits of the operand layout L (registers, then
// lanes, then warps; h = one bit vector) and on what each bit does to the
// axis and to the other dims ("rest", a row-major index of the other dims).
//
// ll.reduce: the points h + K, K = ker(rest o L), hold one output element;
// the points h + Z, Z = ker(L) within K, hold the same input element. A
// complement C of Z in K (in echelon form, fully reduced, the highest bit of
// each vector its pivot, Z's pivots cleared so lanes and warps are avoided
// where registers do) enumerates each element of a line exactly once:
//   1. vectors of C with a register pivot (registers only): combine the
//      registers of each class within the thread, in the module's
//      ll.reduction_order (a balanced tree by default);
//   2. a lane pivot (lane bits lp, register bits rp): combine with
//      shfl.bfly(value of register r ^ rp, lp), a butterfly; when C's lane
//      vectors are all the lanes and no registers, and the region is one
//      integer add/and/or/xor/min/max of at most 32 bits, one warp
//      reduction instruction per partial instead (redux.sync on sm_80+);
//   3. a warp pivot (m of them): the 2^m partials of each output element go
//      to shared memory at [element][pivot bits of the warp id]; every
//      thread then combines the 2^m partials of each of its result
//      registers, in one order, or, when threads hold many results, the
//      threads share that: thread t combines entry t with its element's
//      other slots in the neighbouring lanes by butterflies, writes the
//      total over slot 0, and each result is one load after a barrier. The
//      results can be read in any layout: a conversion that is the only
//      use of the results is emitted here (getFusedConversions).
//
// ll.scan: for each bit k of the axis a vector h_k of K with axis image
// 2^k (the cheapest such: Z's pivots cleared). Bit by bit from the lowest,
// each point keeps its prefix P and the total T of its block of 2^k
// positions; the partner h ^ h_k holds the neighbouring block, reached in
// registers, by shfl.bfly, or through shared memory:
//   upper half (bit k of the position set):  P = T' (+) P, T = T' (+) T
//   lower half:                              T = T (+) T'
// (reverse scans swap the halves). The combining order keeps earlier
// positions first, as a non-commutative region needs.
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"
#include "linear_layouts/Core/ReduceScan.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/bit.h"

#include <map>
#include <set>

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;
using ::ll::LinearLayout;

namespace {

using ::ll::HardwareSpace;
using ::ll::ReducePlan;
using ::ll::ScanPlan;

/// A tensor type's shape as the core takes it.
std::vector<int64_t> shapeOf(RankedTensorType t) {
  return std::vector<int64_t>(t.getShape().begin(), t.getShape().end());
}

/// Applies the combining region of `op` to (acc, cur), cloning its ops.
SmallVector<Value> combine(OpBuilder &b, Region &region, ArrayRef<Value> acc,
                           ArrayRef<Value> cur) {
  Block &blk = region.front();
  IRMapping map;
  size_t n = acc.size();
  for (size_t i = 0; i < n; ++i) {
    map.map(blk.getArgument(i), acc[i]);
    map.map(blk.getArgument(n + i), cur[i]);
  }
  for (Operation &o : blk.without_terminator())
    b.clone(o, map);
  SmallVector<Value> out;
  for (Value v : blk.getTerminator()->getOperands())
    out.push_back(map.lookupOrDefault(v));
  return out;
}

/// The module's ll.reduction_order for `op` (packed only where the region
/// is one f32 / f16 add or multiply: the other combines are exact or not
/// packed).
ReductionOrder reductionOrder(Operation *op, const TargetInfo &target) {
  Region &region = op->getRegion(0);
  Block &blk = region.front();
  bool packable = false;
  if (llvm::hasSingleElement(blk.without_terminator())) {
    Operation &o = blk.front();
    Type t = o.getNumResults() ? o.getResult(0).getType() : Type();
    packable = isa<arith::AddFOp, arith::MulFOp>(o) && t &&
               (t.isF32() || t.isF16());
  }
  ReductionOrder dflt = target.isAMD() && packable ? ReductionOrder::Packed
                                                   : ReductionOrder::Tree;
  auto attr = op->getParentOfType<ModuleOp>()->getAttrOfType<StringAttr>(
      kReductionOrderAttr);
  if (!attr)
    return dflt;
  if (attr.getValue() == "sequential")
    return ReductionOrder::Sequential;
  if (attr.getValue() == "packed" && packable)
    return ReductionOrder::Packed;
  return ReductionOrder::Tree;
}

/// A thread's values of one output element combined in `order`:
///   sequential  ((v0 + v1) + v2) + ...          (Triton 3.6 / 3.7);
///   tree        (v0 + v1) + (v2 + v3), ... a balanced tree, log2 deep
///               (Triton 3.8+ on NVIDIA);
///   packed      tree(v0, v2, v4, ...) + tree(v1, v3, ...): the tree over
///               pairs (v2i, v2i+1) as 2-vectors, then the two halves
///               (Triton 3.9 on AMD, whose packed f32 / f16 adds take a
///               pair per instruction).
SmallVector<Value> combineList(OpBuilder &b, Region &region,
                               ArrayRef<SmallVector<Value>> list,
                               ReductionOrder order) {
  auto tree = [&](ArrayRef<SmallVector<Value>> l) {
    SmallVector<SmallVector<Value>> level(l.begin(), l.end());
    while (level.size() > 1) {
      SmallVector<SmallVector<Value>> next;
      for (size_t i = 0; i + 1 < level.size(); i += 2)
        next.push_back(combine(b, region, level[i], level[i + 1]));
      if (level.size() % 2)
        next.push_back(level.back());
      level = std::move(next);
    }
    return level[0];
  };
  if (order == ReductionOrder::Sequential) {
    SmallVector<Value> acc = list[0];
    for (const auto &v : list.drop_front())
      acc = combine(b, region, acc, v);
    return acc;
  }
  if (order == ReductionOrder::Packed && list.size() >= 4 &&
      list.size() % 2 == 0) {
    SmallVector<SmallVector<Value>> even, odd;
    for (auto [i, v] : llvm::enumerate(list))
      (i % 2 ? odd : even).push_back(v);
    return combine(b, region, tree(even), tree(odd));
  }
  return tree(list);
}

/// Element types the combining region can be applied to.
LogicalResult checkElementTypes(Operation *op, ValueRange srcs) {
  for (Value v : srcs) {
    Type t = cast<RankedTensorType>(v.getType()).getElementType();
    if (!t.isIntOrFloat() || t.getIntOrFloatBitWidth() > 64)
      return op->emitOpError() << "cannot be lowered: elements of type " << t
                               << " (integers and floats up to 64 bits are)";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ll.reduce
//===----------------------------------------------------------------------===//

/// The region as one warp-reduction kind: a single integer add, and, or,
/// xor, min or max of its two arguments (in either order) that the
/// terminator returns.
std::optional<TargetInfo::WarpReduceKind> warpReduceKind(Region &region) {
  using K = TargetInfo::WarpReduceKind;
  Block &blk = region.front();
  if (blk.getNumArguments() != 2 || !llvm::hasSingleElement(blk.without_terminator()))
    return std::nullopt;
  Operation &op = blk.front();
  Operation *ret = blk.getTerminator();
  if (op.getNumOperands() != 2 || op.getNumResults() != 1 ||
      ret->getNumOperands() != 1 || ret->getOperand(0) != op.getResult(0) ||
      !isa<IntegerType>(op.getResult(0).getType()))
    return std::nullopt;
  Value x = blk.getArgument(0), y = blk.getArgument(1);
  if (!((op.getOperand(0) == x && op.getOperand(1) == y) ||
        (op.getOperand(0) == y && op.getOperand(1) == x)))
    return std::nullopt;
  return llvm::StringSwitch<std::optional<K>>(op.getName().getStringRef())
      .Cases("arith.addi", "llvm.add", K::Add)
      .Cases("arith.andi", "llvm.and", K::And)
      .Cases("arith.ori", "llvm.or", K::Or)
      .Cases("arith.xori", "llvm.xor", K::Xor)
      .Cases("arith.minsi", "llvm.intr.smin", K::Min)
      .Cases("arith.minui", "llvm.intr.umin", K::UMin)
      .Cases("arith.maxsi", "llvm.intr.smax", K::Max)
      .Cases("arith.maxui", "llvm.intr.umax", K::UMax)
      .Default(std::nullopt);
}

/// The core's plan for `op` (lib/Core/Planning/ReduceScan.cpp); a
/// diagnostic when there is none.
FailureOr<ReducePlan> planReduce(ReduceOp op) {
  auto type = cast<RankedTensorType>(op.getSrcs()[0].getType());
  auto l = layoutOf(op, type);
  if (failed(l))
    return failure();
  auto p = ::ll::planReduce(*l, shapeOf(type), int(op.getAxis()));
  if (!p)
    return op.emitOpError() << "cannot be lowered: " << p.error().message();
  return std::move(*p);
}

/// Whether the threads should share the final combine of a reduction over
/// warps (combineAcrossThreads) rather than each combine the 2^m partials
/// of each of its `outRegs` result registers: when that is fewer
/// instructions, counting a shuffle twice and the extra barrier as 8.
bool shareFinalCombine(const ReducePlan &p, int64_t outRegs,
                       ArrayRef<Type> elemTypes) {
  int m = p.m();
  int64_t slots = int64_t(1) << m, n = int64_t(elemTypes.size());
  if (slots > (int64_t(1) << p.hw.laneBits))
    return false;
  int64_t entries = (int64_t(1) << p.hw.restBits) << m;
  int64_t threads = int64_t(1) << (p.hw.laneBits + p.hw.warpBits);
  int64_t rounds = (entries + threads - 1) / threads;
  int64_t runLoads = 0;
  for (Type t : elemTypes)
    runLoads += (slots * storageBytes(t) + 15) / 16;
  int64_t own = outRegs * ((slots - 1) + runLoads);
  int64_t shared = rounds * (2 * n + m * (2 * n + 1)) + outRegs * n + 8;
  return shared < own;
}

/// The final combine shared by the threads: thread t reads entry t (then
/// t + T, ...) of the partials ([element][slot], 2^m slots), combines it
/// with the other slots of its element, held by the neighbouring 2^m
/// lanes, by butterflies, and the lane of slot 0 writes the total over
/// that slot (an entry only its reader writes); then a barrier.
void combineAcrossThreads(OpBuilder &b, Location loc, const TargetInfo &target,
                          const ReducePlan &p, const Scratch &s,
                          ArrayRef<Type> elemTypes, Region &region,
                          ThreadIds ids) {
  int m = p.m();
  int64_t entries = (int64_t(1) << p.hw.restBits) << m;
  int64_t threads = int64_t(1) << (p.hw.laneBits + p.hw.warpBits);
  Value tid = b.create<LLVM::OrOp>(
      loc, b.create<LLVM::ShlOp>(loc, ids.warp, i32(b, loc, p.hw.laneBits)),
      ids.lane);
  for (int64_t c = 0; c * threads < entries; ++c) {
    OpBuilder::InsertionGuard guard(b);
    Value j = b.create<LLVM::AddOp>(loc, tid, i32(b, loc, int32_t(c * threads)));
    Value jc = j;
    if (entries < threads) {
      // Fewer entries than threads: whole warps past the last entry skip
      // (a uniform branch); in the last warp with entries, lanes past them
      // read one of its own entries, take part in the shuffles and write
      // nothing.
      int64_t lanes = int64_t(1) << p.hw.laneBits;
      Value busy = b.create<LLVM::ICmpOp>(
          loc, LLVM::ICmpPredicate::ult, ids.warp,
          i32(b, loc, int32_t((entries + lanes - 1) / lanes)));
      auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, busy, false);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      jc = b.create<LLVM::AndOp>(loc, j, i32(b, loc, int32_t(entries - 1)));
    }
    SmallVector<Value> acc;
    for (auto [k, t] : llvm::enumerate(elemTypes))
      acc.push_back(loadShared(b, loc, s, int(k), t, jc));
    for (int bit = 0; bit < m; ++bit) {
      SmallVector<Value> other;
      for (Value v : acc)
        other.push_back(shuffleXor(b, loc, target, v, ids.lane, 1 << bit));
      acc = combine(b, region, acc, other);
    }
    Value first = b.create<LLVM::ICmpOp>(
        loc, LLVM::ICmpPredicate::eq,
        b.create<LLVM::AndOp>(loc, j, i32(b, loc, (1 << m) - 1)), i32(b, loc, 0));
    if (entries < threads)
      first = b.create<LLVM::AndOp>(
          loc, first,
          b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::ult, j,
                                 i32(b, loc, int32_t(entries))));
    auto store = b.create<scf::IfOp>(loc, TypeRange{}, first, false);
    b.setInsertionPointToStart(&store.getThenRegion().front());
    for (auto [k, v] : llvm::enumerate(acc))
      storeShared(b, loc, s, int(k), v, jc);
  }
  target.barrier(b, loc);
}

struct ReduceLowering : TargetPattern<ReduceOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    if (failed(checkElementTypes(op, op.getSrcs())))
      return failure();
    auto plan = planReduce(op);
    if (failed(plan))
      return failure();
    const HardwareSpace &hw = plan->hw;
    size_t n = op.getSrcs().size();
    Region &region = op.getCombineOp();
    // vals[k][r]: register r of operand k.
    SmallVector<SmallVector<Value>> vals;
    for (Value v : adaptor.getSrcs())
      vals.push_back(unpack(b, loc, v));
    auto at = [&](const std::map<uint64_t, SmallVector<Value>> &m,
                  uint64_t r) -> const SmallVector<Value> & {
      return m.find(plan->classes.canon(r))->second;
    };
    // 1. Within the thread: the registers of each class in order, combined
    // by reductionOrder (a balanced tree by default).
    ReductionOrder order = reductionOrder(op, target);
    std::map<uint64_t, SmallVector<Value>> part;
    int nc = int(plan->cReg.size());
    for (uint64_t r = 0; r < (uint64_t(1) << hw.regBits); ++r) {
      if (plan->classes.canon(r) != r)
        continue;
      SmallVector<SmallVector<Value>> list;
      for (uint64_t j = 0; j < (uint64_t(1) << nc); ++j) {
        uint64_t other = r;
        for (int i = 0; i < nc; ++i)
          if ((j >> i) & 1)
            other ^= plan->cReg[i];
        SmallVector<Value> cur;
        for (size_t k = 0; k < n; ++k)
          cur.push_back(vals[k][other]);
        list.push_back(std::move(cur));
      }
      part[r] = combineList(b, region, list, order);
    }
    // 2. Over lanes: in one instruction where every lane is combined and
    // the target has one, else by butterflies.
    ThreadIds ids = threadIds(b, loc, target);
    bool wholeWarp =
        n == 1 && int(plan->cLane.size()) == hw.laneBits && hw.laneBits > 0 &&
        llvm::all_of(plan->cLane,
                     [&](uint64_t c) { return (c & hw.regMask()) == 0; });
    std::optional<TargetInfo::WarpReduceKind> kind;
    if (wholeWarp)
      kind = warpReduceKind(region);
    // (All partials have one type: the target takes all of them or none.)
    bool oneInstruction = kind.has_value();
    for (auto &[r, acc] : part) {
      Value v = oneInstruction ? target.warpReduce(b, loc, acc[0], *kind) : Value();
      if (!(oneInstruction = bool(v)))
        break;
      acc[0] = v;
    }
    for (uint64_t c : oneInstruction ? ArrayRef<uint64_t>() : ArrayRef<uint64_t>(plan->cLane)) {
      int32_t lp = hw.lanePart(c);
      uint64_t rp = c & hw.regMask();
      std::map<uint64_t, SmallVector<Value>> next;
      for (auto &[r, acc] : part) {
        SmallVector<Value> other;
        for (Value v : at(part, r ^ rp))
          other.push_back(shuffleXor(b, loc, target, v, ids.lane, lp));
        next[r] = combine(b, region, acc, other);
      }
      part = std::move(next);
    }
    // The results' registers: in the layout of the conversions the
    // reduction takes over, if any, else in its own.
    SmallVector<ConvertLayoutOp> fused = getFusedConversions(op);
    SmallVector<Type> outTypes(op.getResultTypes());
    if (!fused.empty()) {
      Attribute enc = cast<RankedTensorType>(
          llvm::find_if(fused, [](ConvertLayoutOp c) { return bool(c); })
              ->getResult().getType()).getEncoding();
      for (Type &t : outTypes) {
        auto rt = cast<RankedTensorType>(t);
        t = RankedTensorType::get(rt.getShape(), rt.getElementType(), enc);
      }
    }
    SmallVector<Type> resultTypes;
    for (Type t : outTypes)
      resultTypes.push_back(getTypeConverter()->convertType(t));
    bool scalar = !isa<RankedTensorType>(outTypes[0]);
    auto rl = scalar ? FailureOr<LinearLayout>(LinearLayout())
                     : layoutOf(op, outTypes[0]);
    if (failed(rl))
      return failure();
    int64_t outRegs = scalar ? 1
                             : rl->inDimSize(rl->inDimIndex("register"));
    // The output element of result register i: its rest index (register
    // part; lanes and warps agree with the operand's).
    auto restOfResult = [&](int64_t i) -> int64_t {
      if (scalar)
        return 0;
      auto rt = cast<RankedTensorType>(op.getResult()[0].getType());
      int64_t idx = 0, st = 1;
      for (int d = rt.getRank() - 1; d >= 0; --d) {
        idx += int64_t(constPart(*rl, "dim" + std::to_string(d),
                                 {{"register", int32_t(i)}})) *
               st;
        st *= rt.getDimSize(d);
      }
      return idx;
    };
    DenseMap<int64_t, uint64_t> regOfRest;
    for (uint64_t r = (uint64_t(1) << hw.regBits); r-- > 0;)
      regOfRest[hw.image(r, /*axis=*/false)] = r;
    SmallVector<SmallVector<Value>> out(n, SmallVector<Value>(outRegs));
    if (plan->m() == 0) {
      for (int64_t i = 0; i < outRegs; ++i) {
        auto it = regOfRest.find(restOfResult(i));
        if (it == regOfRest.end())
          return op.emitOpError() << "cannot be lowered: internal error, a "
                                     "result register no operand register "
                                     "reduces to";
        for (size_t k = 0; k < n; ++k)
          out[k][i] = at(part, it->second)[k];
      }
    } else {
      // 3. Over warps, through shared memory.
      int m = plan->m();
      int64_t numOut = int64_t(1) << hw.restBits;
      SmallVector<Type> elemTypes;
      for (Value v : adaptor.getSrcs())
        elemTypes.push_back(
            cast<LLVM::LLVMStructType>(v.getType()).getBody()[0]);
      auto base = sharedOffset(op, Scratch(elemTypes, numOut << m).bytes);
      if (failed(base))
        return failure();
      Scratch s(elemTypes, numOut << m, *base);
      LinearLayout rest = hw.offsetLayout(hw.restImg, hw.restBits);
      SmallVector<std::pair<StringRef, Value>> vars = {{"lane", ids.lane},
                                                       {"warp", ids.warp}};
      Value restRt = runtimePart(b, loc, rest, "offset", vars);
      LinearLayout slotL = hw.offsetLayout(plan->slot, m);
      Value slotRt = runtimePart(b, loc, slotL, "offset", vars);
      Value storer = firstCopy(b, loc, ids, plan->laneCopies, plan->warpCopies);
      if (!op->hasAttr(kNoBarrierBefore))
        target.barrier(b, loc);
      OpBuilder::InsertionGuard guard(b);
      insideIf(b, loc, storer);
      for (auto &[r, acc] : part) {
        int32_t rc = int32_t(r);
        Value e = b.create<LLVM::XOrOp>(
            loc, restRt, i32(b, loc, constPart(rest, "offset", {{"register", rc}})));
        Value j = b.create<LLVM::XOrOp>(
            loc, slotRt, i32(b, loc, constPart(slotL, "offset", {{"register", rc}})));
        Value idx = b.create<LLVM::OrOp>(
            loc, b.create<LLVM::ShlOp>(loc, e, i32(b, loc, m)), j);
        for (size_t k = 0; k < n; ++k)
          storeShared(b, loc, s, int(k), acc[k], idx);
      }
      if (storer)
        b.setInsertionPointAfter(b.getInsertionBlock()->getParentOp());
      target.barrier(b, loc);
      // Each result register's element from the results' layout (any
      // layout of the result shape reads the partials at the same cost).
      LinearLayout outIdx =
          scalar ? LinearLayout()
                 : indexLayout(*rl, rowMajorStrides(cast<RankedTensorType>(outTypes[0]).getShape()));
      Value outRt = scalar ? i32(b, loc, 0) : runtimePart(b, loc, outIdx, "offset", vars);
      auto elementOf = [&](int64_t i) -> Value {
        return scalar ? outRt
                      : b.create<LLVM::XOrOp>(
                            loc, outRt,
                            i32(b, loc,
                                constPart(outIdx, "offset",
                                          {{"register", int32_t(i)}})));
      };
      if (shareFinalCombine(*plan, outRegs, elemTypes)) {
        combineAcrossThreads(b, loc, target, *plan, s, elemTypes, region, ids);
        // Each result register reads its element's total (slot 0).
        for (int64_t i = 0; i < outRegs; ++i) {
          Value row = b.create<LLVM::ShlOp>(loc, elementOf(i), i32(b, loc, m));
          for (size_t k = 0; k < n; ++k)
            out[k][i] = loadShared(b, loc, s, int(k), elemTypes[k], row);
        }
      } else for (int64_t i = 0; i < outRegs; ++i) {
        Value e = elementOf(i);
        Value row = b.create<LLVM::ShlOp>(loc, e, i32(b, loc, m));
        SmallVector<SmallVector<Value>> parts(n);
        for (size_t k = 0; k < n; ++k)
          parts[k] = loadSharedRun(b, loc, s, int(k), elemTypes[k], row,
                                   int64_t(1) << m);
        SmallVector<Value> acc;
        for (int64_t q = 0; q < (int64_t(1) << m); ++q) {
          SmallVector<Value> cur;
          for (size_t k = 0; k < n; ++k)
            cur.push_back(parts[k][q]);
          acc = q ? combine(b, region, acc, cur) : cur;
        }
        for (size_t k = 0; k < n; ++k)
          out[k][i] = acc[k];
      }
    }
    SmallVector<Value> results;
    for (size_t k = 0; k < n; ++k)
      results.push_back(scalar ? out[k][0]
                               : pack(b, loc, resultTypes[k], out[k]));
    if (fused.empty()) {
      b.replaceOp(op, results);
      return success();
    }
    for (auto [cvt, v] : llvm::zip(fused, results))
      if (cvt)
        b.replaceOp(cvt, v);
    b.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// ll.scan
//===----------------------------------------------------------------------===//

FailureOr<ScanPlan> planScan(ScanOp op) {
  auto type = cast<RankedTensorType>(op.getSrcs()[0].getType());
  auto l = layoutOf(op, type);
  if (failed(l))
    return failure();
  auto p = ::ll::planScan(*l, shapeOf(type), int(op.getAxis()));
  if (!p)
    return op.emitOpError() << "cannot be lowered: " << p.error().message();
  return std::move(*p);
}

/// Whether scan step `h` is moved by warps alone (the compact scheme).
bool pureWarpStep(const HardwareSpace &hw, uint64_t h) {
  return hw.warpPart(h) && !(h & hw.regMask()) && !hw.lanePart(h);
}

/// The scratch entries a scan needs: with every warp step pure, one per
/// block of the first warp step (block totals, stored compactly); else one
/// per element (the per-step exchange of every position's total).
int64_t scanScratchEntries(const ScanPlan &p) {
  const HardwareSpace &hw = p.hw;
  int first = -1;
  for (int k = 0; k < int(p.steps.size()); ++k) {
    if (!hw.warpPart(p.steps[k]))
      continue;
    if (!pureWarpStep(hw, p.steps[k]))
      return int64_t(1) << (hw.axisBits + hw.restBits);
    if (first < 0)
      first = k;
  }
  return int64_t(1) << (hw.axisBits + hw.restBits - std::max(first, 0));
}

struct ScanLowering : TargetPattern<ScanOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(ScanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    if (failed(checkElementTypes(op, op.getSrcs())))
      return failure();
    auto plan = planScan(op);
    if (failed(plan))
      return failure();
    const HardwareSpace &hw = plan->hw;
    size_t n = op.getSrcs().size();
    Region &region = op.getCombineOp();
    bool reverse = op.getReverse();
    SmallVector<SmallVector<Value>> vals;
    SmallVector<Type> elemTypes, structTypes;
    for (Value v : adaptor.getSrcs()) {
      vals.push_back(unpack(b, loc, v));
      structTypes.push_back(v.getType());
      elemTypes.push_back(cast<LLVM::LLVMStructType>(v.getType()).getBody()[0]);
    }
    uint64_t numRegs = uint64_t(1) << hw.regBits;
    // P and T per register class, per operand.
    using Vals = SmallVector<Value>;
    std::map<uint64_t, Vals> pre, tot;
    for (uint64_t r = 0; r < numRegs; ++r)
      if (plan->copies.canon(r) == r) {
        Vals v;
        for (size_t k = 0; k < n; ++k)
          v.push_back(vals[k][r]);
        pre[r] = v;
        tot[r] = v;
      }
    // One combine per distinct pair of value lists.
    std::map<std::pair<SmallVector<void *>, SmallVector<void *>>, Vals> memo;
    auto comb = [&](const Vals &a, const Vals &c) -> Vals {
      SmallVector<void *> ka, kc;
      for (Value v : a)
        ka.push_back(v.getAsOpaquePointer());
      for (Value v : c)
        kc.push_back(v.getAsOpaquePointer());
      auto key = std::make_pair(ka, kc);
      auto it = memo.find(key);
      if (it != memo.end())
        return it->second;
      Vals r = combine(b, region, a, c);
      memo[key] = r;
      return r;
    };
    ThreadIds ids = threadIds(b, loc, target);
    SmallVector<std::pair<StringRef, Value>> vars = {{"lane", ids.lane},
                                                     {"warp", ids.warp}};
    LinearLayout axisL = hw.offsetLayout(hw.axisImg, hw.axisBits);
    Value axisRt;
    std::vector<int64_t> full = hw.fullImg();
    LinearLayout fullL = hw.offsetLayout(full, hw.axisBits + hw.restBits);
    Value fullRt;
    int64_t entries = scanScratchEntries(*plan);
    int64_t base = 0;
    if (llvm::any_of(plan->steps, [&](uint64_t h) { return hw.warpPart(h); })) {
      auto off = sharedOffset(op, Scratch(elemTypes, entries).bytes);
      if (failed(off))
        return failure();
      base = *off;
    }
    Scratch s(elemTypes, entries, base);
    bool usedShared = op->hasAttr(kNoBarrierBefore) ? false : true;
    std::map<std::pair<void *, int32_t>, Value> shuffled;
    std::map<std::tuple<void *, void *, void *>, Value> selected;
    auto select = [&](Value c, Value x, Value y) -> Value {
      Value &v = selected[{c.getAsOpaquePointer(), x.getAsOpaquePointer(),
                           y.getAsOpaquePointer()}];
      if (!v)
        v = b.create<LLVM::SelectOp>(loc, c, x, y);
      return v;
    };
    auto pureWarp = [&](uint64_t h) { return pureWarpStep(hw, h); };
    for (int k = 0; k < int(plan->steps.size()); ++k) {
      uint64_t h = plan->steps[k];
      bool last = k + 1 == int(plan->steps.size());
      uint64_t rp = h & hw.regMask();
      int32_t lp = hw.lanePart(h), wp = hw.warpPart(h);
      if (pureWarp(h)) {
        // Axis bits k0 .. k0 + m - 1 all moved by warps: every block of
        // 2^k0 positions writes its total once, one barrier, and each
        // position combines the totals of the blocks before it (after it,
        // reversed) in order: one barrier instead of two per bit.
        int k0 = k, k1 = k + 1;
        while (k1 < int(plan->steps.size()) && pureWarp(plan->steps[k1]))
          ++k1;
        int m = k1 - k0;
        bool lastRun = k1 == int(plan->steps.size());
        if (!fullRt)
          fullRt = runtimePart(b, loc, fullL, "offset", vars);
        if (!axisRt)
          axisRt = runtimePart(b, loc, axisL, "offset", vars);
        if (usedShared)
          target.barrier(b, loc);
        usedShared = true;
        // The blocks' totals stored compactly: the element index without
        // its bits below k0 (one block) and with bits k0.. k0 + m - 1 (the
        // block within its run) lowest, so a run's totals are consecutive
        // (vector loads). A bit permutation: it commutes with XOR.
        auto compactConst = [&](int32_t i) {
          return ((i >> (k0 + m)) << m) | ((i >> k0) & ((1 << m) - 1));
        };
        auto slot = [&](uint64_t r) {
          return compactConst(
              constPart(fullL, "offset", {{"register", int32_t(r)}}));
        };
        Value blockRt = b.create<LLVM::OrOp>(
            loc,
            b.create<LLVM::ShlOp>(
                loc, b.create<LLVM::LShrOp>(loc, fullRt, i32(b, loc, k0 + m)),
                i32(b, loc, m)),
            b.create<LLVM::AndOp>(
                loc, b.create<LLVM::LShrOp>(loc, fullRt, i32(b, loc, k0)),
                i32(b, loc, (1 << m) - 1)));
        {
          Value storer =
              firstCopy(b, loc, ids, plan->laneCopies, plan->warpCopies);
          OpBuilder::InsertionGuard guard(b);
          insideIf(b, loc, storer);
          std::set<int32_t> stored; // registers of one block write once
          for (auto &[r, t] : tot) {
            int32_t c = slot(r);
            if (!stored.insert(c).second)
              continue;
            Value at = b.create<LLVM::XOrOp>(loc, blockRt, i32(b, loc, c));
            for (size_t q = 0; q < n; ++q)
              storeShared(b, loc, s, int(q), t[q], at);
          }
        }
        target.barrier(b, loc);
        Value runRt = b.create<LLVM::AndOp>(loc, blockRt, i32(b, loc, ~((1 << m) - 1)));
        std::map<int32_t, SmallVector<Vals>> loaded;
        std::map<uint64_t, Vals> nextP, nextT;
        for (auto &[r, t] : tot) {
          int32_t c = slot(r) & ~((1 << m) - 1);
          auto &blocks = loaded[c];
          if (blocks.empty()) {
            Value at = b.create<LLVM::XOrOp>(loc, runRt, i32(b, loc, c));
            blocks.assign(1 << m, Vals());
            for (size_t q = 0; q < n; ++q) {
              auto run = loadSharedRun(b, loc, s, int(q), elemTypes[q], at, 1 << m);
              for (int32_t j = 0; j < (1 << m); ++j)
                blocks[j].push_back(run[j]);
            }
          }
          // This register's block, in combining order.
          Value pos = b.create<LLVM::XOrOp>(
              loc, axisRt, i32(b, loc, int32_t(hw.image(r, /*axis=*/true))));
          Value j = b.create<LLVM::AndOp>(
              loc, b.create<LLVM::LShrOp>(loc, pos, i32(b, loc, k0)),
              i32(b, loc, (1 << m) - 1));
          if (reverse)
            j = b.create<LLVM::XOrOp>(loc, j, i32(b, loc, (1 << m) - 1));
          auto inOrder = [&](int32_t i) -> const Vals & {
            return blocks[reverse ? (1 << m) - 1 - i : i];
          };
          const Vals &p = pre[r];
          Vals acc = inOrder(0), pv = p;
          for (int32_t i = 1; i < (1 << m); ++i) {
            Vals cand = comb(acc, p);
            Value here = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq,
                                                j, i32(b, loc, i));
            for (size_t q = 0; q < n; ++q)
              pv[q] = select(here, cand[q], pv[q]);
            acc = comb(acc, inOrder(i));
          }
          nextP[r] = pv;
          if (!lastRun)
            nextT[r] = acc;
        }
        pre = std::move(nextP);
        if (!lastRun)
          tot = std::move(nextT);
        k = k1 - 1;
        continue;
      }
      // The partner's totals.
      std::map<uint64_t, Vals> other;
      if (wp) {
        if (!fullRt)
          fullRt = runtimePart(b, loc, fullL, "offset", vars);
        if (usedShared)
          target.barrier(b, loc);
        usedShared = true;
        {
          // Threads holding copies of others' elements do not store.
          Value storer =
              firstCopy(b, loc, ids, plan->laneCopies, plan->warpCopies);
          OpBuilder::InsertionGuard guard(b);
          insideIf(b, loc, storer);
          for (auto &[r, t] : tot) {
            Value idx = b.create<LLVM::XOrOp>(
                loc, fullRt,
                i32(b, loc,
                    constPart(fullL, "offset", {{"register", int32_t(r)}})));
            for (size_t q = 0; q < n; ++q)
              storeShared(b, loc, s, int(q), t[q], idx);
          }
        }
        target.barrier(b, loc);
        for (auto &[r, t] : tot) {
          Value idx = b.create<LLVM::XOrOp>(
              loc, fullRt,
              i32(b, loc,
                  constPart(fullL, "offset", {{"register", int32_t(r)}}) ^
                      int32_t(1) << k));
          Vals v;
          for (size_t q = 0; q < n; ++q)
            v.push_back(loadShared(b, loc, s, int(q), elemTypes[q], idx));
          other[r] = v;
        }
      } else {
        for (auto &[r, t] : tot) {
          const Vals &src = tot.find(plan->copies.canon(r ^ rp))->second;
          if (!lp) {
            other[r] = src;
            continue;
          }
          Vals v;
          for (Value x : src) {
            // Registers with one total (after the register steps, every
            // register of a block) shuffle it once.
            Value &sh = shuffled[{x.getAsOpaquePointer(), lp}];
            if (!sh)
              sh = shuffleXor(b, loc, target, x, ids.lane, lp);
            v.push_back(sh);
          }
          other[r] = v;
        }
      }
      // Which half: bit k of the position (runtime where lanes or warps
      // move it).
      int32_t laneK = 0, warpK = 0;
      for (int i = 0; i < hw.laneBits; ++i)
        if ((hw.axisImg[hw.regBits + i] >> k) & 1)
          laneK |= 1 << i;
      for (int i = 0; i < hw.warpBits; ++i)
        if ((hw.axisImg[hw.regBits + hw.laneBits + i] >> k) & 1)
          warpK |= 1 << i;
      Value upRt;
      if (laneK || warpK) {
        if (!axisRt)
          axisRt = runtimePart(b, loc, axisL, "offset", vars);
        Value bit = b.create<LLVM::AndOp>(loc, axisRt, i32(b, loc, 1 << k));
        upRt = b.create<LLVM::ICmpOp>(
            loc, reverse ? LLVM::ICmpPredicate::eq : LLVM::ICmpPredicate::ne,
            bit, i32(b, loc, 0));
      }
      std::map<uint64_t, Vals> nextP, nextT;
      Value upFlipped;
      for (auto &[r, t] : tot) {
        const Vals &p = pre[r], &o = other[r];
        int64_t regBit = (hw.image(r, /*axis=*/true) >> k) & 1;
        if (!upRt) {
          bool up = bool(regBit) != reverse;
          nextP[r] = up ? comb(o, p) : p;
          if (!last)
            nextT[r] = up ? comb(o, t) : comb(t, o);
          continue;
        }
        // up = upRt XOR regBit.
        Value up = upRt;
        if (regBit) {
          if (!upFlipped)
            upFlipped = b.create<LLVM::XOrOp>(
                loc, upRt,
                b.create<LLVM::ConstantOp>(loc, b.getI1Type(),
                                           b.getBoolAttr(true)));
          up = upFlipped;
        }
        Vals a = comb(o, p), pv;
        for (size_t q = 0; q < n; ++q)
          pv.push_back(select(up, a[q], p[q]));
        nextP[r] = pv;
        if (!last) {
          Vals tu = comb(o, t), td = comb(t, o), tv;
          for (size_t q = 0; q < n; ++q)
            tv.push_back(select(up, tu[q], td[q]));
          nextT[r] = tv;
        }
      }
      pre = std::move(nextP);
      if (!last)
        tot = std::move(nextT);
    }
    SmallVector<Value> results;
    for (size_t q = 0; q < n; ++q) {
      SmallVector<Value> regs;
      for (uint64_t r = 0; r < numRegs; ++r)
        regs.push_back(pre.find(plan->copies.canon(r))->second[q]);
      results.push_back(pack(b, loc, structTypes[q], regs));
    }
    b.replaceOp(op, results);
    return success();
  }
};

} // namespace

/// The element types of the operands of a reduction or scan.
static SmallVector<Type> elementTypes(ValueRange srcs) {
  SmallVector<Type> ts;
  for (Value v : srcs)
    ts.push_back(cast<RankedTensorType>(v.getType()).getElementType());
  return ts;
}

int64_t mlir::ll::reduceScanScratchBytes(Operation *op) {
  if (auto r = dyn_cast<ReduceOp>(op)) {
    auto p = planReduce(r);
    if (failed(p) || p->m() == 0)
      return 0;
    return Scratch(elementTypes(r.getSrcs()), int64_t(1)
                                                  << (p->hw.restBits + p->m()))
        .bytes;
  }
  if (auto s = dyn_cast<ScanOp>(op)) {
    auto p = planScan(s);
    if (failed(p) || !p->usesShared())
      return 0;
    return Scratch(elementTypes(s.getSrcs()), scanScratchEntries(*p)).bytes;
  }
  return 0;
}

void mlir::ll::populateReduceScanOpToLLVMPatterns(LLTypeConverter &tc,
                                                  RewritePatternSet &patterns,
                                                  const TargetInfo &target) {
  patterns.add<ReduceLowering, ScanLowering>(tc, patterns.getContext(), target);
}
