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
//      registers of each class within the thread;
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
//      use of the results is emitted here (reduceTakesOver).
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

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/bit.h"

#include <map>

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;
using ::ll::LinearLayout;

namespace {

int highBit(uint64_t v) { return 63 - llvm::countl_zero(v); }

/// Rows spanning the same space as `vs`, each with a distinct highest bit
/// (its pivot) that no other row has: reduced row echelon form.
SmallVector<uint64_t> echelon(ArrayRef<uint64_t> vs) {
  SmallVector<uint64_t> rows;
  for (uint64_t v : vs) {
    for (uint64_t r : rows)
      if (v & (uint64_t(1) << highBit(r)))
        v ^= r;
    if (!v)
      continue;
    for (uint64_t &r : rows)
      if (r & (uint64_t(1) << highBit(v)))
        r ^= v;
    rows.push_back(v);
    // Keep rows ordered by pivot, highest first (reduction order).
    llvm::sort(rows, [](uint64_t a, uint64_t b) { return a > b; });
  }
  return rows;
}

/// `v` with the pivots of the echelon `rows` cleared.
uint64_t reduceBy(uint64_t v, ArrayRef<uint64_t> rows) {
  for (uint64_t r : rows)
    if (v & (uint64_t(1) << highBit(r)))
      v ^= r;
  return v;
}

/// The combinations of the hardware bits whose images are zero.
SmallVector<uint64_t> kernelOf(ArrayRef<int64_t> images) {
  SmallVector<std::pair<int64_t, uint64_t>> pivots; // highest image bit first
  SmallVector<uint64_t> ker;
  for (auto [i, img] : llvm::enumerate(images)) {
    int64_t x = img;
    uint64_t combo = uint64_t(1) << i;
    for (auto &[pi, pc] : pivots)
      if (x & (int64_t(1) << highBit(uint64_t(pi)))) {
        x ^= pi;
        combo ^= pc;
      }
    if (!x) {
      ker.push_back(combo);
      continue;
    }
    pivots.push_back({x, combo});
    llvm::sort(pivots, [](auto &a, auto &b) { return a.first > b.first; });
  }
  return ker;
}

/// The hardware bits of a distributed layout and their images.
struct HwSpace {
  int regBits = 0, laneBits = 0, warpBits = 0, axisBits = 0, restBits = 0;
  SmallVector<int64_t> axisImg, restImg; // per hardware bit
  LinearLayout layout;

  int bits() const { return regBits + laneBits + warpBits; }
  uint64_t regMask() const { return (uint64_t(1) << regBits) - 1; }
  int32_t lanePart(uint64_t h) const {
    return int32_t((h >> regBits) & ((uint64_t(1) << laneBits) - 1));
  }
  int32_t warpPart(uint64_t h) const {
    return int32_t(h >> (regBits + laneBits));
  }
  int64_t image(uint64_t h, bool axis) const {
    int64_t v = 0;
    for (int i = 0; i < bits(); ++i)
      if ((h >> i) & 1)
        v ^= axis ? axisImg[i] : restImg[i];
    return v;
  }
  /// Element index: rest, then the axis position in the low bits.
  SmallVector<int64_t> fullImg() const {
    SmallVector<int64_t> f;
    for (int i = 0; i < bits(); ++i)
      f.push_back((restImg[i] << axisBits) | axisImg[i]);
    return f;
  }
  /// A layout from the hardware dims to one out dim "offset" whose bases
  /// are `img` (for constPart / runtimePart).
  LinearLayout offsetLayout(ArrayRef<int64_t> img, int outBits) const {
    ::ll::BasesList bl;
    int i = 0;
    for (auto [name, n] : {std::pair<const char *, int>{"register", regBits},
                           {"lane", laneBits},
                           {"warp", warpBits}}) {
      std::vector<::ll::Basis> bs;
      for (int k = 0; k < n; ++k)
        bs.push_back({int32_t(img[i++])});
      bl.push_back({name, std::move(bs)});
    }
    auto l = LinearLayout::create(
        std::move(bl), ::ll::DimSizes{{"offset", int32_t(1) << outBits}},
        /*requireSurjective=*/false);
    return *l;
  }
};

FailureOr<HwSpace> hwSpace(Operation *op, RankedTensorType type, int axis) {
  auto l = layoutOf(op, type);
  if (failed(l))
    return failure();
  HwSpace s;
  s.layout = *l;
  auto shape = type.getShape();
  int rank = int(shape.size());
  SmallVector<int64_t> stride(rank, 0);
  int64_t st = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (d == axis)
      continue;
    stride[d] = st;
    st *= shape[d];
  }
  s.restBits = llvm::Log2_64(uint64_t(st));
  s.axisBits = llvm::Log2_64(uint64_t(shape[axis]));
  for (auto [name, n] :
       {std::pair<const char *, int *>{"register", &s.regBits},
        {"lane", &s.laneBits},
        {"warp", &s.warpBits}}) {
    int i = l->inDimIndex(name);
    if (i < 0)
      continue;
    *n = l->inDimSizeLog2(i);
    for (int b = 0; b < *n; ++b) {
      int64_t rest = 0;
      for (int d = 0; d < rank; ++d)
        if (d != axis)
          rest += int64_t(l->basis(i, b, d)) * stride[d];
      s.axisImg.push_back(l->basis(i, b, axis));
      s.restImg.push_back(rest);
    }
  }
  if (s.bits() > 62)
    return op->emitOpError() << "cannot be lowered: too many hardware bits";
  return s;
}

/// Register classes: registers that differ by `rows` (register-only
/// echelon vectors) hold the same value; canon(r) is the class's
/// representative.
struct RegClasses {
  SmallVector<uint64_t> rows;
  uint64_t canon(uint64_t r) const { return reduceBy(r, rows); }
};

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

/// The decomposition of a reduction (see the file comment).
struct ReducePlan {
  HwSpace hw;
  SmallVector<uint64_t> cReg, cLane, cWarp;
  // Registers holding one partial after step 1; also those holding one
  // output element (a register-only vector of K is a sum of C's and Z's).
  RegClasses classes;
  // Step 3: the slot of a partial among its element's 2^m, slot(h) (linear,
  // zero on Z, Creg and Clane, e_i on Cwarp[i]), per hardware bit; and the
  // lane / warp bits of the threads that store (others hold copies).
  SmallVector<int64_t> slot;
  int32_t laneCopies = 0, warpCopies = 0;
  int m() const { return int(cWarp.size()); }
};

/// Per hardware bit i (of `bits`): the coordinates of unit vector i on the
/// vectors `picked` (indices into `basis`), `basis` being independent and
/// extended to all of the space by unit vectors.
SmallVector<int64_t> coordinates(ArrayRef<uint64_t> basis, int bits,
                                 ArrayRef<int> picked) {
  // Rows (vector, combination of basis indices), distinct highest bits.
  SmallVector<std::pair<uint64_t, uint64_t>> rows;
  auto reduce = [&](uint64_t v, uint64_t tag) {
    for (auto &[rv, rt] : rows)
      if (v & (uint64_t(1) << highBit(rv))) {
        v ^= rv;
        tag ^= rt;
      }
    return std::make_pair(v, tag);
  };
  auto insert = [&](uint64_t v, uint64_t tag) {
    auto [x, t] = reduce(v, tag);
    if (!x)
      return;
    rows.push_back({x, t});
    llvm::sort(rows, [](auto &a, auto &b) { return a.first > b.first; });
  };
  for (auto [i, v] : llvm::enumerate(basis))
    insert(v, uint64_t(1) << i);
  for (int i = 0; i < bits; ++i)
    insert(uint64_t(1) << i, 0); // extension: coordinate 0 on the picked
  SmallVector<int64_t> out;
  for (int i = 0; i < bits; ++i) {
    uint64_t tag = reduce(uint64_t(1) << i, 0).second;
    int64_t c = 0;
    for (auto [q, idx] : llvm::enumerate(picked))
      if ((tag >> idx) & 1)
        c |= int64_t(1) << q;
    out.push_back(c);
  }
  return out;
}

FailureOr<ReducePlan> planReduce(ReduceOp op) {
  auto type = cast<RankedTensorType>(op.getSrcs()[0].getType());
  auto hw = hwSpace(op, type, int(op.getAxis()));
  if (failed(hw))
    return failure();
  ReducePlan p;
  p.hw = std::move(*hw);
  SmallVector<int64_t> full = p.hw.fullImg();
  auto z = echelon(kernelOf(full));
  SmallVector<uint64_t> reduced;
  for (uint64_t k : kernelOf(p.hw.restImg))
    if (uint64_t v = reduceBy(k, z))
      reduced.push_back(v);
  auto c = echelon(reduced);
  uint64_t regMask = p.hw.regMask();
  uint64_t laneEnd = uint64_t(1) << (p.hw.regBits + p.hw.laneBits);
  for (uint64_t v : c) {
    uint64_t piv = uint64_t(1) << highBit(v);
    (piv <= regMask ? p.cReg : piv < laneEnd ? p.cLane : p.cWarp).push_back(v);
  }
  // Registers combine in ascending order (r0, r1, r2, ... for a run).
  llvm::sort(p.cReg);
  SmallVector<uint64_t> same(p.cReg);
  for (uint64_t v : z)
    if (v <= regMask)
      same.push_back(v);
  p.classes.rows = echelon(same);
  if (!p.cWarp.empty()) {
    SmallVector<uint64_t> basis(z);
    basis.append(p.cReg);
    basis.append(p.cLane);
    SmallVector<int> picked;
    for (uint64_t v : p.cWarp) {
      picked.push_back(int(basis.size()));
      basis.push_back(v);
    }
    if (basis.size() > 63)
      return op.emitOpError() << "cannot be lowered: too many hardware bits";
    p.slot = coordinates(basis, p.hw.bits(), picked);
    SmallVector<uint64_t> copies(z);
    copies.append(p.cLane);
    for (uint64_t v : echelon(copies)) {
      int piv = highBit(v);
      if (piv < p.hw.regBits)
        continue;
      if (piv < p.hw.regBits + p.hw.laneBits)
        p.laneCopies |= int32_t(1) << (piv - p.hw.regBits);
      else
        p.warpCopies |= int32_t(1) << (piv - p.hw.regBits - p.hw.laneBits);
    }
  }
  return p;
}

/// The conversions (one per result, null for an unused one) a reduction
/// over warps produces its results in directly: its partials are in shared
/// memory, so reading them in the conversions' layout costs no more than in
/// its own when that has no more registers, and the conversions disappear.
/// Every result must have no use or one, an ll.convert_layout, all to one
/// layout within one CTA; empty when not.
SmallVector<ConvertLayoutOp> fusedConversions(ReduceOp op,
                                              const ReducePlan &plan) {
  SmallVector<ConvertLayoutOp> cvts;
  RankedTensorType dst;
  for (Value r : op.getResult()) {
    if (!isa<RankedTensorType>(r.getType()))
      return {};
    if (r.use_empty()) {
      cvts.push_back(nullptr);
      continue;
    }
    auto cvt = r.hasOneUse() ? dyn_cast<ConvertLayoutOp>(*r.getUsers().begin())
                             : ConvertLayoutOp();
    if (!cvt)
      return {};
    auto ct = cast<RankedTensorType>(cvt.getResult().getType());
    if (dst && ct.getEncoding() != dst.getEncoding())
      return {};
    dst = ct;
    cvts.push_back(cvt);
  }
  if (!dst)
    return {};
  if (plan.m() == 0)
    return {};
  auto from = getLinearLayout(cast<RankedTensorType>(op.getResult()[0].getType()));
  auto to = getLinearLayout(dst);
  if (failed(from) || failed(to) || !to->hasInDim("register") ||
      to->inDimSize(to->inDimIndex("register")) >
          from->inDimSize(from->inDimIndex("register")) ||
      (to->hasInDim("block") && to->inDimSize(to->inDimIndex("block")) > 1))
    return {};
  return cvts;
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
    const HwSpace &hw = plan->hw;
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
    // 1. Within the thread.
    std::map<uint64_t, SmallVector<Value>> part;
    int nc = int(plan->cReg.size());
    for (uint64_t r = 0; r < (uint64_t(1) << hw.regBits); ++r) {
      if (plan->classes.canon(r) != r)
        continue;
      SmallVector<Value> acc;
      for (size_t k = 0; k < n; ++k)
        acc.push_back(vals[k][r]);
      for (uint64_t j = 1; j < (uint64_t(1) << nc); ++j) {
        uint64_t other = r;
        for (int i = 0; i < nc; ++i)
          if ((j >> i) & 1)
            other ^= plan->cReg[i];
        SmallVector<Value> cur;
        for (size_t k = 0; k < n; ++k)
          cur.push_back(vals[k][other]);
        acc = combine(b, region, acc, cur);
      }
      part[r] = std::move(acc);
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
    SmallVector<ConvertLayoutOp> fused = fusedConversions(op, *plan);
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
      if (!op->hasAttr(kFirstSharedUse))
        target.barrier(b, loc);
      OpBuilder::InsertionGuard guard(b);
      if (storer) {
        auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, storer, false);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      }
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

struct ScanPlan {
  HwSpace hw;
  SmallVector<uint64_t> steps; // h_k per axis bit
  RegClasses copies;           // registers holding one element
  int32_t laneCopies = 0, warpCopies = 0; // threads that do not store
  bool usesShared() const {
    for (uint64_t h : steps)
      if (hw.warpPart(h))
        return true;
    return false;
  }
};

FailureOr<ScanPlan> planScan(ScanOp op) {
  auto type = cast<RankedTensorType>(op.getSrcs()[0].getType());
  auto hw = hwSpace(op, type, int(op.getAxis()));
  if (failed(hw))
    return failure();
  ScanPlan p;
  p.hw = std::move(*hw);
  auto z = echelon(kernelOf(p.hw.fullImg()));
  SmallVector<uint64_t> zReg;
  for (uint64_t v : z)
    if (v <= p.hw.regMask())
      zReg.push_back(v);
  p.copies.rows = echelon(zReg);
  for (uint64_t v : z) {
    int piv = highBit(v);
    if (piv >= p.hw.regBits + p.hw.laneBits)
      p.warpCopies |= int32_t(1) << (piv - p.hw.regBits - p.hw.laneBits);
    else if (piv >= p.hw.regBits)
      p.laneCopies |= int32_t(1) << (piv - p.hw.regBits);
  }
  // Rows of K with their axis images, in echelon form on the images.
  SmallVector<std::pair<int64_t, uint64_t>> rows;
  for (uint64_t v : kernelOf(p.hw.restImg)) {
    int64_t img = p.hw.image(v, /*axis=*/true);
    for (auto &[ri, rv] : rows)
      if (img & (int64_t(1) << highBit(uint64_t(ri)))) {
        img ^= ri;
        v ^= rv;
      }
    if (!img)
      continue;
    rows.push_back({img, v});
    llvm::sort(rows, [](auto &a, auto &b) { return a.first > b.first; });
  }
  for (int k = 0; k < p.hw.axisBits; ++k) {
    int64_t t = int64_t(1) << k;
    uint64_t v = 0;
    for (auto &[ri, rv] : rows)
      if (t & (int64_t(1) << highBit(uint64_t(ri)))) {
        t ^= ri;
        v ^= rv;
      }
    if (t)
      return op.emitOpError() << "cannot be lowered: the layout does not "
                                 "cover every position of the axis";
    p.steps.push_back(reduceBy(v, z));
  }
  return p;
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
    const HwSpace &hw = plan->hw;
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
    SmallVector<int64_t> full = hw.fullImg();
    LinearLayout fullL = hw.offsetLayout(full, hw.axisBits + hw.restBits);
    Value fullRt;
    int64_t entries = int64_t(1) << (hw.axisBits + hw.restBits);
    int64_t base = 0;
    if (llvm::any_of(plan->steps, [&](uint64_t h) { return hw.warpPart(h); })) {
      auto off = sharedOffset(op, Scratch(elemTypes, entries).bytes);
      if (failed(off))
        return failure();
      base = *off;
    }
    Scratch s(elemTypes, entries, base);
    bool usedShared = op->hasAttr(kFirstSharedUse) ? false : true;
    for (int k = 0; k < int(plan->steps.size()); ++k) {
      uint64_t h = plan->steps[k];
      bool last = k + 1 == int(plan->steps.size());
      uint64_t rp = h & hw.regMask();
      int32_t lp = hw.lanePart(h), wp = hw.warpPart(h);
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
          if (storer) {
            auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, storer, false);
            b.setInsertionPointToStart(&ifOp.getThenRegion().front());
          }
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
          for (Value x : src)
            v.push_back(shuffleXor(b, loc, target, x, ids.lane, lp));
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
        if (regBit)
          up = b.create<LLVM::XOrOp>(loc, up,
                                     b.create<LLVM::ConstantOp>(
                                         loc, b.getI1Type(), b.getBoolAttr(true)));
        Vals a = comb(o, p), pv;
        for (size_t q = 0; q < n; ++q)
          pv.push_back(b.create<LLVM::SelectOp>(loc, up, a[q], p[q]));
        nextP[r] = pv;
        if (!last) {
          Vals tu = comb(o, t), td = comb(t, o), tv;
          for (size_t q = 0; q < n; ++q)
            tv.push_back(b.create<LLVM::SelectOp>(loc, up, tu[q], td[q]));
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

bool mlir::ll::reduceTakesOver(Operation *op) {
  auto cvt = dyn_cast_or_null<ConvertLayoutOp>(op);
  auto r = cvt ? cvt.getSrc().getDefiningOp<ReduceOp>() : ReduceOp();
  if (!r)
    return false;
  auto plan = planReduce(r);
  return succeeded(plan) && llvm::is_contained(fusedConversions(r, *plan), cvt);
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
    return Scratch(elementTypes(s.getSrcs()),
                   int64_t(1) << (p->hw.axisBits + p->hw.restBits))
        .bytes;
  }
  return 0;
}

void mlir::ll::populateReduceScanOpToLLVMPatterns(LLTypeConverter &tc,
                                                  RewritePatternSet &patterns,
                                                  const TargetInfo &target) {
  patterns.add<ReduceLowering, ScanLowering>(tc, patterns.getContext(), target);
}
