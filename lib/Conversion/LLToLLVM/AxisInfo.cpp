//===- AxisInfo.cpp - Contiguity and divisibility of offsets --------------===//
//
// For the vector width of global loads and stores: per tensor dim, how many
// consecutive elements of an integer or pointer tensor are consecutive
// values (contiguity), how many are equal (constancy), and the largest
// power of two dividing the first of each such group (divisibility, in
// elements for pointers: a pointer argument's `ll.divisibility` is in
// bytes). Propagated through make_range, splat, constants, expand_dims,
// broadcast, row-major reshape from 1D, trans, convert_layout, addi, subi,
// muli, remsi / remui, addptr, and loop-carried values (scf.for iter_args: the initial
// value joined with the yield, to a fixpoint), as Triton's AxisInfo does;
// anything else is unknown (1, 1, 1).
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ll;

namespace {

constexpr int64_t kMaxDiv = int64_t(1) << 30;

int64_t pow2Divisor(int64_t v) {
  if (v == 0)
    return kMaxDiv;
  return std::min<int64_t>(kMaxDiv, v & -v);
}

int64_t elementBytes(Type t) {
  if (auto p = dyn_cast<PointerType>(t))
    t = p.getPointeeType();
  if (t.isIntOrFloat())
    return std::max<int64_t>(1, t.getIntOrFloatBitWidth() / 8);
  return 1;
}

} // namespace

AxisInfo AxisInfo::unknown(int rank) {
  AxisInfo a;
  a.contiguity.assign(std::max(rank, 1), 1);
  a.divisibility.assign(std::max(rank, 1), 1);
  a.constancy.assign(std::max(rank, 1), 1);
  return a;
}

AxisInfo AxisInfoAnalysis::get(Value v) {
  auto it = cache.find(v);
  if (it != cache.end())
    return it->second;
  AxisInfo info = compute(v);
  cache.try_emplace(v, info);
  return info;
}

AxisInfo AxisInfoAnalysis::loopCarried(BlockArgument arg, int rank) {
  auto loop = cast<scf::ForOp>(arg.getOwner()->getParentOp());
  unsigned i = arg.getArgNumber() - loop.getNumInductionVars();
  Value init = loop.getInitArgs()[i];
  Value yielded = loop.getBody()->getTerminator()->getOperand(i);
  auto join = [&](const AxisInfo &a, const AxisInfo &b) {
    AxisInfo r = AxisInfo::unknown(rank);
    for (size_t d = 0; d < r.contiguity.size(); ++d) {
      r.contiguity[d] = std::min(a.contiguity[d], b.contiguity[d]);
      r.divisibility[d] = std::min(a.divisibility[d], b.divisibility[d]);
      r.constancy[d] = std::min(a.constancy[d], b.constancy[d]);
    }
    return r;
  };
  // Optimistically the initial value's facts; the body's yield, computed
  // from them, may weaken them; recomputed (the values it depends on
  // dropped from the cache) until nothing changes. The facts only shrink:
  // a few rounds.
  AxisInfo cur = get(init);
  for (int round = 0; round < 4; ++round) {
    cache[arg] = cur;
    llvm::DenseMap<Value, AxisInfo> before = cache;
    AxisInfo next = join(cur, get(yielded));
    // (what the yield's evaluation cached depended on `cur`: forget it)
    for (auto it = cache.begin(); it != cache.end();)
      if (!before.count(it->first))
        cache.erase(it++);
      else
        ++it;
    if (next.contiguity == cur.contiguity &&
        next.divisibility == cur.divisibility &&
        next.constancy == cur.constancy)
      return cur;
    cur = next;
  }
  cache[arg] = AxisInfo::unknown(rank);
  return cache[arg];
}

AxisInfo AxisInfoAnalysis::compute(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  int rank = t ? int(t.getRank()) : 0;
  ArrayRef<int64_t> shape = t ? t.getShape() : ArrayRef<int64_t>();
  AxisInfo res = AxisInfo::unknown(rank);
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    if (auto loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp()))
      if (arg.getArgNumber() >= loop.getNumInductionVars())
        return loopCarried(arg, rank);
    auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (func && arg.getOwner()->isEntryBlock())
      if (auto d = func.getArgAttrOfType<IntegerAttr>(arg.getArgNumber(),
                                                      "ll.divisibility")) {
        int64_t div = d.getInt();
        if (isa<PointerType>(v.getType()))
          div = std::max<int64_t>(1, div / elementBytes(v.getType()));
        res.divisibility[0] = pow2Divisor(div);
      }
    return res;
  }
  Operation *op = v.getDefiningOp();
  if (auto loop = dyn_cast<scf::ForOp>(op)) // (the initial value or a yield)
    return get(loop.getRegionIterArgs()[cast<OpResult>(v).getResultNumber()]);
  auto all = [&](int64_t c, int64_t d, int64_t k) {
    for (int i = 0; i < std::max(rank, 1); ++i) {
      res.contiguity[i] = c;
      res.divisibility[i] = d;
      res.constancy[i] = k ? k : (rank ? shape[i] : 1);
    }
  };
  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
      all(1, pow2Divisor(i.getInt()), 1);
    else if (auto d = dyn_cast<DenseIntElementsAttr>(c.getValue());
             d && d.isSplat())
      all(1, pow2Divisor(d.getSplatValue<APInt>().getSExtValue()), 0);
    return res;
  }
  if (auto r = dyn_cast<MakeRangeOp>(op)) {
    res.contiguity[0] = r.getEnd() - r.getStart();
    res.divisibility[0] = pow2Divisor(r.getStart());
    return res;
  }
  if (auto s = dyn_cast<SplatOp>(op)) {
    all(1, get(s.getSrc()).divisibility[0], 0);
    return res;
  }
  if (auto c = dyn_cast<ConvertLayoutOp>(op))
    return get(c.getSrc());
  if (auto e = dyn_cast<ExpandDimsOp>(op)) {
    AxisInfo a = get(e.getSrc());
    int axis = e.getAxis();
    res = a;
    res.contiguity.insert(res.contiguity.begin() + axis, 1);
    res.divisibility.insert(res.divisibility.begin() + axis, kMaxDiv);
    res.constancy.insert(res.constancy.begin() + axis, 1);
    return res;
  }
  if (auto b = dyn_cast<BroadcastOp>(op)) {
    AxisInfo a = get(b.getSrc());
    auto src = b.getSrc().getType().getShape();
    res = a;
    for (int i = 0; i < rank; ++i)
      if (src[i] == 1 && shape[i] != 1) {
        res.contiguity[i] = 1;
        res.constancy[i] = shape[i];
      }
    return res;
  }
  if (auto tr = dyn_cast<TransOp>(op)) {
    AxisInfo a = get(tr.getSrc());
    for (auto [d, o] : llvm::enumerate(tr.getOrder())) {
      res.contiguity[d] = a.contiguity[o];
      res.divisibility[d] = a.divisibility[o];
      res.constancy[d] = a.constancy[o];
    }
    return res;
  }
  if (auto rs = dyn_cast<ReshapeOp>(op)) {
    // A 1D range reshaped row-major: runs along the last dim.
    if (rs.getSrc().getType().getRank() != 1 || rank == 0)
      return res;
    AxisInfo a = get(rs.getSrc());
    int64_t last = shape[rank - 1];
    if (a.contiguity[0] >= last) {
      res.contiguity[rank - 1] = last;
      for (int i = 0; i < rank; ++i)
        res.divisibility[i] = std::min(a.divisibility[0], pow2Divisor(last));
    }
    return res;
  }
  auto binary = [&](Value x, Value y, bool add) {
    AxisInfo a = get(x), b = get(y);
    for (int i = 0; i < std::max(rank, 1); ++i) {
      res.constancy[i] = std::min(a.constancy[i], b.constancy[i]);
      if (add) {
        res.contiguity[i] = std::max(std::min(a.contiguity[i], b.constancy[i]),
                                     std::min(b.contiguity[i], a.constancy[i]));
        res.divisibility[i] = std::min(a.divisibility[i], b.divisibility[i]);
      } else {
        res.divisibility[i] =
            std::min(kMaxDiv, a.divisibility[i] * b.divisibility[i]);
      }
    }
  };
  if (auto a = dyn_cast<arith::AddIOp>(op)) {
    binary(a.getLhs(), a.getRhs(), true);
    return res;
  }
  if (auto m = dyn_cast<arith::MulIOp>(op)) {
    binary(m.getLhs(), m.getRhs(), false);
    return res;
  }
  if (isa<arith::RemSIOp, arith::RemUIOp>(op)) {
    // x % y, y constant over x's runs: a run wraps only at multiples of y,
    // so it stays consecutive for gcd(run, y's divisibility) elements
    // (Triton's rule).
    AxisInfo a = get(op->getOperand(0)), b = get(op->getOperand(1));
    for (int i = 0; i < std::max(rank, 1); ++i) {
      res.constancy[i] = std::min(a.constancy[i], b.constancy[i]);
      if (b.constancy[i] >= a.contiguity[i])
        res.contiguity[i] = std::min(a.contiguity[i], b.divisibility[i]);
      res.divisibility[i] = std::min(a.divisibility[i], b.divisibility[i]);
    }
    return res;
  }
  if (auto s = dyn_cast<arith::SubIOp>(op)) {
    // x - y: as divisible as both; consecutive where x is and y constant
    // (a decreasing run is not consecutive).
    AxisInfo a = get(s.getLhs()), b = get(s.getRhs());
    for (int i = 0; i < std::max(rank, 1); ++i) {
      res.constancy[i] = std::min(a.constancy[i], b.constancy[i]);
      res.contiguity[i] = std::min(a.contiguity[i], b.constancy[i]);
      res.divisibility[i] = std::min(a.divisibility[i], b.divisibility[i]);
    }
    return res;
  }
  if (auto p = dyn_cast<AddPtrOp>(op)) {
    binary(p.getPtr(), p.getOffset(), true);
    return res;
  }
  // Comparisons (masks): a run of consecutive values starting at a multiple
  // of g compared with a value constant over it that is a multiple of g
  // changes only at multiples of g (Triton's rule); otherwise the result is
  // as constant as both sides.
  if (auto c = dyn_cast<arith::CmpIOp>(op)) {
    AxisInfo a = get(c.getLhs()), b = get(c.getRhs());
    for (int i = 0; i < std::max(rank, 1); ++i) {
      int64_t k = std::min(a.constancy[i], b.constancy[i]);
      int64_t full = rank ? shape[i] : 1;
      auto run = [&](const AxisInfo &x, const AxisInfo &y) {
        if (y.constancy[i] < full || x.contiguity[i] <= 1)
          return int64_t(1);
        return std::min(x.contiguity[i],
                        std::min(x.divisibility[i], y.divisibility[i]));
      };
      res.constancy[i] = std::max({k, run(a, b), run(b, a)});
    }
    return res;
  }
  // Masks combined, values selected, widths changed: as constant as the
  // operands (and, for casts, as contiguous and divisible).
  if (isa<arith::AndIOp, arith::OrIOp, arith::SelectOp>(op)) {
    for (int i = 0; i < std::max(rank, 1); ++i) {
      res.constancy[i] = rank ? shape[i] : 1;
      for (Value x : op->getOperands()) {
        if (!isa<RankedTensorType>(x.getType()) && rank)
          continue; // a scalar condition is the same everywhere
        res.constancy[i] = std::min(res.constancy[i], get(x).constancy[i]);
      }
    }
    return res;
  }
  if (isa<arith::ExtSIOp, arith::ExtUIOp>(op))
    return get(op->getOperand(0));
  return res;
}

SmallVector<int32_t> mlir::ll::globalVectorBits(const ::ll::LinearLayout &l,
                                                int dim, int width) {
  SmallVector<int32_t> bits;
  int reg = l.inDimIndex("register");
  for (int j = 0; reg >= 0 && (1 << (j + 1)) <= width; ++j) {
    int found = -1;
    for (int b = 0; b < l.inDimSizeLog2(reg) && found < 0; ++b) {
      bool ok = true;
      for (int o = 0; o < l.numOutDims(); ++o)
        ok &= l.basis(reg, b, o) == (o == dim ? (1 << j) : 0);
      if (ok)
        found = b;
    }
    if (found < 0)
      break;
    bits.push_back(int32_t(1) << found);
  }
  return bits;
}

void mlir::ll::annotateGlobalVectors(Operation *root) {
  AxisInfoAnalysis axes;
  root->walk([&](Operation *op) {
    Value ptr, mask;
    if (auto ld = dyn_cast<LoadOp>(op)) {
      ptr = ld.getPtr();
      mask = ld.getMask();
    } else if (auto st = dyn_cast<StoreOp>(op)) {
      ptr = st.getPtr();
      mask = st.getMask();
    } else if (auto c = dyn_cast<AsyncCopyOp>(op)) {
      ptr = c.getPtr();
      mask = c.getMask();
    } else if (auto a = dyn_cast<AtomicRMWOp>(op)) {
      // (vector float adds: the lowering takes what the target has)
      Type e = getElementTypeOrSelf(a.getVal().getType());
      if (a.getKind() != AtomicRMWKind::FADD || !isa<FloatType>(e))
        return;
      ptr = a.getPtr();
      mask = a.getMask();
    } else {
      return;
    }
    auto t = dyn_cast<RankedTensorType>(ptr.getType());
    if (!t)
      return;
    auto l = getLinearLayout(t);
    if (failed(l))
      return;
    AxisInfo a = axes.get(ptr);
    int dim = 0;
    for (int d = 1; d < t.getRank(); ++d)
      if (a.contiguity[d] > a.contiguity[dim])
        dim = d;
    // Triton's pipeliner records on its async copies the run of contiguous,
    // aligned elements its analysis proved along the layout's fastest dim
    // (`contiguity`): a fact like tt.divisibility, through the loop-carried
    // pointers our analysis does not follow.
    if (auto c = op->getAttrOfType<IntegerAttr>("contiguity");
        c && isa<AsyncCopyOp>(op)) {
      int reg = l->inDimIndex("register");
      if (reg >= 0 && l->inDimSizeLog2(reg) > 0)
        for (int d = 0; d < t.getRank(); ++d)
          if (l->basis(reg, 0, d) == 1) {
            dim = d;
            a.contiguity[d] = std::max(a.contiguity[d], c.getInt());
            a.divisibility[d] = std::max(a.divisibility[d], c.getInt());
          }
    }
    int bits = int(std::max<int64_t>(8, elementBytes(t.getElementType()) * 8));
    int64_t width = std::min<int64_t>({128 / bits, a.contiguity[dim],
                                       a.divisibility[dim]});
    if (mask)
      width = std::min(width, axes.get(mask).constancy[dim]);
    auto vbits = globalVectorBits(*l, dim, int(width));
    // Every other basis must keep the vector's first register first and
    // aligned: a multiple of the width along the dim (a repeated basis such
    // as lane = [1] beside register = [1] starts odd lanes' runs at 1).
    auto aligned = [&](int64_t v) {
      int reg = l->inDimIndex("register");
      for (int i = 0; i < l->numInDims(); ++i)
        for (int b = 0; b < l->inDimSizeLog2(i); ++b) {
          bool vecBit = i == reg && llvm::is_contained(vbits, int32_t(1) << b) &&
                        (int64_t(1) << llvm::find(vbits, int32_t(1) << b) - vbits.begin()) < v;
          if (!vecBit && l->basis(i, b, dim) % v)
            return false;
        }
      return true;
    };
    while (!vbits.empty() && !aligned(int64_t(1) << vbits.size()))
      vbits.pop_back();
    int v = 1 << vbits.size();
    if (v > 1)
      op->setAttr(kVectorAttr, DenseI64ArrayAttr::get(op->getContext(),
                                                      {int64_t(dim), v}));
  });
}
