//===- Families.cpp - GPU layout families as linear layouts ---------------===//
//
// Each family builds a per-CTA layout from its parameters, fits it to the
// tensor shape (repeat in registers / offsets where the layout is smaller,
// broadcast where it is larger) and multiplies by the CGA (block) layout.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Core/Families.h"

#include <algorithm>
#include <numeric>

namespace ll {

namespace {

std::string vecStr(const UVec &v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

Expected<bool> checkPow2(const UVec &v, const char *name) {
  for (int32_t x : v)
    LL_CHECK(isPowerOf2(x), NotPowerOfTwo,
             std::string(name) + " = " + vecStr(v) +
                 " must hold powers of two");
  return true;
}

Expected<bool> checkRank(const UVec &v, int rank, const char *name) {
  LL_CHECK(static_cast<int>(v.size()) == rank, DimMismatch,
           std::string(name) + " = " + vecStr(v) + " must have " +
               std::to_string(rank) + " entries (the tensor rank)");
  return true;
}

Expected<bool> checkPermutation(const UVec &order, int rank,
                                const char *name) {
  LL_TRY(ok, checkRank(order, rank, name));
  (void)ok;
  std::vector<bool> seen(rank, false);
  for (int32_t d : order) {
    LL_CHECK(d >= 0 && d < rank && !seen[d], InvalidArgument,
             std::string(name) + " = " + vecStr(order) +
                 " must be a permutation of 0.." + std::to_string(rank - 1));
    seen[d] = true;
  }
  return true;
}

Expected<bool> checkShape(const Shape &shape, int rank) {
  LL_CHECK(static_cast<int>(shape.size()) == rank, DimMismatch,
           "the shape has rank " + std::to_string(shape.size()) +
               " but the layout has rank " + std::to_string(rank));
  for (int64_t s : shape)
    LL_CHECK(isPowerOf2(s) && s <= (int64_t(1) << 30), NotPowerOfTwo,
             "every tensor dim must be a power of two (got " +
                 std::to_string(s) + ")");
  return true;
}

UVec matrixOrder(int rank, bool rowMajor) {
  UVec order(rank);
  for (int i = 0; i < rank; ++i)
    order[i] = rank - 1 - i;
  if (!rowMajor && rank >= 2)
    std::swap(order[0], order[1]);
  return order;
}

/// [kDim, nonKDim, batch dims...] for dot operand `opIdx`.
UVec dotOperandOrder(int opIdx, int rank) {
  int kDim = opIdx == 0 ? rank - 1 : rank - 2;
  int nonK = opIdx == 0 ? rank - 2 : rank - 1;
  UVec order = {kDim, nonK};
  for (int d = rank - 3; d >= 0; --d)
    order.push_back(d);
  return order;
}

Expected<LinearLayout> mul(const LinearLayout &a, const LinearLayout &b) {
  return a.product(b);
}

Expected<LinearLayout> id1(int32_t size, const std::string &in,
                           const std::string &out) {
  return LinearLayout::identity1D(size, in, out);
}
Expected<LinearLayout> zeros1(int32_t size, const std::string &in,
                              const std::string &out) {
  return LinearLayout::zeros1D(size, in, out);
}

/// Along `order`, identity in every dim except `broadcastDim` (zeros).
Expected<LinearLayout> broadcastedDotOperandLayout(const UVec &shape,
                                                   const UVec &order,
                                                   int broadcastDim,
                                                   const std::string &in) {
  auto names = standardOutDimNames(static_cast<int>(shape.size()));
  LinearLayout l;
  for (int32_t d : order) {
    LL_TRY(f, d == broadcastDim ? zeros1(shape[d], in, names[d])
                                : id1(shape[d], in, names[d]));
    LL_TRY(p, mul(l, f));
    l = std::move(p);
  }
  return l;
}

/// The NVIDIA mma register/lane tile over `tileShape`: kWidth registers and
/// 4 lanes along the inner dim, 8 lanes along the outer one, then register
/// repeats along outer and inner. Out dims come in `repOrder`.
Expected<LinearLayout> nvidiaMmaTile(const UVec &tileShape, int kWidth,
                                     const UVec &order, const UVec &repOrder) {
  int rank = static_cast<int>(repOrder.size());
  auto names = standardOutDimNames(rank);
  LL_TRY(l0, identityStandardND("register", UVec(rank, 1), repOrder));
  int inner = order[0], outer = order[1];
  int m = tileShape[outer], n = tileShape[inner];
  LL_CHECK(m % 8 == 0 && n % (kWidth * 4) == 0, InvalidArgument,
           "mma tile " + vecStr(tileShape) + " is not a multiple of the "
           "8 x (4 * kWidth) thread tile (kWidth = " + std::to_string(kWidth) +
           ")");
  LinearLayout l = l0;
  struct Step {
    int32_t size;
    const char *in;
    int dim;
  } steps[] = {{kWidth, "register", inner},
               {4, "lane", inner},
               {8, "lane", outer},
               {m / 8, "register", outer},
               {n / (kWidth * 4), "register", inner}};
  for (auto &s : steps) {
    LL_TRY(f, id1(s.size, s.in, names[s.dim]));
    LL_TRY(p, mul(l, f));
    l = std::move(p);
  }
  return l;
}

/// The CGA of a dot operand: the parent's with the K components zeroed (the
/// operand is broadcast to the CTAs along K).
Expected<LinearLayout> operandCga(const CGALayout &parent, int rank,
                                  int kDim) {
  LL_TRY(l, parent.toLinearLayout(rank));
  BasesList bases = l.bases();
  for (auto &[name, bs] : bases)
    for (Basis &b : bs)
      b[kDim] = 0;
  return LinearLayout::create(std::move(bases), l.outDimNames(),
                              /*requireSurjective=*/true);
}

} // namespace

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

std::vector<std::string> standardOutDimNames(int rank) {
  std::vector<std::string> r;
  for (int i = 0; i < rank; ++i)
    r.push_back("dim" + std::to_string(i));
  return r;
}

Expected<LinearLayout> identityStandardND(const std::string &in,
                                          const UVec &shape,
                                          const UVec &order) {
  LL_CHECK(shape.size() == order.size(), DimMismatch,
           "shape and order ranks differ");
  auto names = standardOutDimNames(static_cast<int>(shape.size()));
  LinearLayout l;
  for (int32_t d : order) {
    LL_TRY(f, id1(shape[d], in, names[d]));
    LL_TRY(p, mul(l, f));
    l = std::move(p);
  }
  return l;
}

Expected<LinearLayout> ensureLayoutNotLargerThan(const LinearLayout &layout,
                                                 const DimSizes &shape,
                                                 bool broadcastRegisters) {
  if (shape.empty())
    return layout;
  BasesList bases = layout.bases();
  int regIdx = layout.inDimIndex("register");
  std::vector<int> droppedRegs;
  for (int o = 0; o < layout.numOutDims(); ++o) {
    const std::string &name = layout.outDimName(o);
    auto it = std::find_if(shape.begin(), shape.end(),
                           [&](auto &p) { return p.first == name; });
    LL_CHECK(it != shape.end(), DimMismatch,
             "no target size for out dim '" + name + "'");
    int64_t actual = layout.outDimSize(o), desired = it->second;
    if (actual <= desired)
      continue;
    struct Item {
      int in, b;
      int32_t v;
    };
    std::vector<Item> items;
    for (int i = 0; i < layout.numInDims(); ++i)
      for (int b = 0; b < layout.inDimSizeLog2(i); ++b) {
        int32_t v = bases[i].second[b][o];
        if (v != 0)
          items.push_back({i, b, v});
      }
    std::stable_sort(items.begin(), items.end(),
                     [](const Item &a, const Item &b) { return a.v > b.v; });
    for (const Item &it2 : items) {
      if (actual <= desired)
        break;
      if (!broadcastRegisters && it2.in == regIdx)
        droppedRegs.push_back(it2.b);
      else
        bases[it2.in].second[it2.b][o] = 0;
      actual >>= 1;
    }
  }
  if (!broadcastRegisters && regIdx >= 0 && !droppedRegs.empty()) {
    std::vector<Basis> kept;
    auto &regs = bases[regIdx].second;
    for (size_t b = 0; b < regs.size(); ++b)
      if (std::find(droppedRegs.begin(), droppedRegs.end(),
                    static_cast<int>(b)) == droppedRegs.end())
        kept.push_back(regs[b]);
    regs = std::move(kept);
  }
  return LinearLayout::create(std::move(bases), layout.outDimNames(),
                              /*requireSurjective=*/true);
}

Expected<LinearLayout> ensureLayoutNotSmallerThan(const LinearLayout &layout,
                                                  const DimSizes &shape) {
  if (shape.empty() || layout.numInDims() == 0)
    return layout;
  const std::string kDim = layout.inDimName(0);
  LinearLayout r = layout;
  for (int o = 0; o < layout.numOutDims(); ++o) {
    const std::string &name = layout.outDimName(o);
    auto it = std::find_if(shape.begin(), shape.end(),
                           [&](auto &p) { return p.first == name; });
    LL_CHECK(it != shape.end(), DimMismatch,
             "no target size for out dim '" + name + "'");
    int64_t actual = layout.outDimSize(o), desired = it->second;
    if (desired <= actual)
      continue;
    LL_CHECK(desired % actual == 0, DimMismatch,
             "tensor dim " + std::to_string(desired) +
                 " is not a multiple of the layout size " +
                 std::to_string(actual));
    LL_TRY(f, id1(static_cast<int32_t>(desired / actual), kDim, name));
    LL_TRY(p, mul(r, f));
    r = std::move(p);
  }
  return r;
}

Expected<LinearLayout> combineCtaCgaWithShape(const LinearLayout &cta,
                                              const CGALayout &cga,
                                              const Shape &shape) {
  LL_TRY(cgaL, cga.toLinearLayout(static_cast<int>(shape.size())));
  return combineCtaCgaWithShape(cta, cgaL, shape);
}

Expected<LinearLayout> combineCtaCgaWithShape(const LinearLayout &cta,
                                              const LinearLayout &cga,
                                              const Shape &shape) {
  int rank = static_cast<int>(shape.size());
  LL_CHECK(cta.numOutDims() == rank && cga.numOutDims() == rank, DimMismatch,
           "layout rank differs from the shape's");
  auto names = standardOutDimNames(rank);
  DimSizes labeled;
  for (int d = 0; d < rank; ++d)
    labeled.push_back({names[d], static_cast<int32_t>(shape[d])});
  LL_TRY(cga1, ensureLayoutNotLargerThan(cga, labeled));
  LL_TRY(cgaL, cga1.transposeOuts(cta.outDimNames()));
  DimSizes ctaShape;
  for (int o = 0; o < cta.numOutDims(); ++o) {
    const std::string &n = cta.outDimName(o);
    int d = std::stoi(n.substr(3));
    ctaShape.push_back(
        {n, static_cast<int32_t>(std::max<int64_t>(
                1, shape[d] / cgaL.outDimSize(cgaL.outDimIndex(n))))});
  }
  LL_TRY(c1, ensureLayoutNotSmallerThan(cta, ctaShape));
  LL_TRY(c2, ensureLayoutNotLargerThan(c1, ctaShape));
  LL_TRY(p, c2.product(cgaL));
  LL_TRY(r, p.transposeOuts(names));
  for (int d = 0; d < rank; ++d)
    LL_CHECK(r.outDimSize(d) == shape[d], DimMismatch,
             "the layout cannot be fitted to the shape (dim " +
                 std::to_string(d) + ")");
  return r;
}

//===----------------------------------------------------------------------===//
// CGA layout
//===----------------------------------------------------------------------===//

CGALayout CGALayout::single(int rank) {
  CGALayout c;
  c.ctasPerCGA.assign(rank, 1);
  c.ctaSplitNum.assign(rank, 1);
  for (int i = 0; i < rank; ++i)
    c.ctaOrder.push_back(rank - 1 - i);
  return c;
}

CGALayout CGALayout::fromBases(std::vector<Basis> bases) {
  CGALayout c;
  c.blockBases = std::move(bases);
  return c;
}

int64_t CGALayout::numCTAs() const {
  if (blockBases)
    return int64_t(1) << blockBases->size();
  int64_t n = 1;
  for (int32_t c : ctasPerCGA)
    n *= c;
  return n;
}

Expected<LinearLayout> CGALayout::toLinearLayout(int r) const {
  auto names = standardOutDimNames(r);
  if (blockBases) {
    for (const Basis &b : *blockBases)
      LL_CHECK(static_cast<int>(b.size()) == r, DimMismatch,
               "CGALayout bases must have " + std::to_string(r) +
                   " components (the tensor rank)");
    auto l = LinearLayout::create({{"block", *blockBases}}, names,
                                  /*requireSurjective=*/true);
    if (!l)
      return Error(l.error().kind(), "CGALayout: " + l.error().message());
    return l;
  }
  LL_TRY(a, checkRank(ctasPerCGA, r, "CTAsPerCGA"));
  LL_TRY(b, checkRank(ctaSplitNum, r, "CTASplitNum"));
  LL_TRY(c, checkPermutation(ctaOrder, r, "CTAOrder"));
  LL_TRY(d, checkPow2(ctasPerCGA, "CTAsPerCGA"));
  LL_TRY(e, checkPow2(ctaSplitNum, "CTASplitNum"));
  (void)a, (void)b, (void)c, (void)d, (void)e;
  for (int i = 0; i < r; ++i)
    LL_CHECK(ctasPerCGA[i] % ctaSplitNum[i] == 0, InvalidArgument,
             "CTASplitNum " + vecStr(ctaSplitNum) +
                 " must divide CTAsPerCGA " + vecStr(ctasPerCGA));
  LinearLayout l;
  for (int i = 0; i < r; ++i) {
    int d = ctaOrder[i];
    LL_TRY(x, id1(ctaSplitNum[d], "block", names[d]));
    LL_TRY(y, zeros1(ctasPerCGA[d] / ctaSplitNum[d], "block", names[d]));
    LL_TRY(xy, mul(x, y));
    LL_TRY(p, mul(l, xy));
    l = std::move(p);
  }
  return l.transposeOuts(names);
}

//===----------------------------------------------------------------------===//
// Distributed families
//===----------------------------------------------------------------------===//

Expected<LinearLayout> BlockedEncoding::toLinearLayout(const Shape &shape) const {
  int r = rank();
  LL_CHECK(r >= 1, InvalidArgument, "blocked layout of rank 0");
  LL_TRY(a, checkRank(sizePerThread, r, "sizePerThread"));
  LL_TRY(b, checkRank(threadsPerWarp, r, "threadsPerWarp"));
  LL_TRY(c, checkRank(warpsPerCTA, r, "warpsPerCTA"));
  LL_TRY(d, checkPermutation(order, r, "order"));
  LL_TRY(e, checkPow2(sizePerThread, "sizePerThread"));
  LL_TRY(f, checkPow2(threadsPerWarp, "threadsPerWarp"));
  LL_TRY(g, checkPow2(warpsPerCTA, "warpsPerCTA"));
  LL_TRY(h, checkShape(shape, r));
  (void)a, (void)b, (void)c, (void)d, (void)e, (void)f, (void)g, (void)h;
  LL_TRY(regs, identityStandardND("register", sizePerThread, order));
  LL_TRY(lanes, identityStandardND("lane", threadsPerWarp, order));
  LL_TRY(warps, identityStandardND("warp", warpsPerCTA, order));
  LL_TRY(rl, regs.product(lanes));
  LL_TRY(cta, rl.product(warps));
  return combineCtaCgaWithShape(cta, cga, shape);
}

Expected<LinearLayout> SliceEncoding::toLinearLayout(const Shape &shape) const {
  LL_CHECK(parent != nullptr, InvalidArgument, "slice layout without parent");
  LL_CHECK(!parent->isShared(), InvalidArgument,
           "the parent of a slice layout must be a distributed layout");
  int pr = parent->rank();
  LL_CHECK(pr >= 2, InvalidArgument,
           "the parent of a slice layout must have rank >= 2");
  LL_CHECK(dim >= 0 && dim < pr, OutOfRange,
           "slice dim " + std::to_string(dim) + " is out of range for a rank " +
               std::to_string(pr) + " parent");
  LL_CHECK(static_cast<int>(shape.size()) == pr - 1, DimMismatch,
           "the shape has rank " + std::to_string(shape.size()) +
               " but the slice layout has rank " + std::to_string(pr - 1));
  Shape parentShape = shape;
  parentShape.insert(parentShape.begin() + dim, 1);
  LL_TRY(p, parent->toLinearLayout(parentShape));
  // Drop out dim `dim` (it has size 1), rename the rest dim0.., and drop the
  // register bases that became zero.
  BasesList bases;
  for (int i = 0; i < p.numInDims(); ++i) {
    std::vector<Basis> bs;
    for (Basis b : p.bases(i)) {
      b.erase(b.begin() + dim);
      bool zero = std::all_of(b.begin(), b.end(), [](int32_t x) { return !x; });
      if (p.inDimName(i) == "register" && zero)
        continue;
      bs.push_back(std::move(b));
    }
    bases.push_back({p.inDimName(i), std::move(bs)});
  }
  return LinearLayout::create(std::move(bases), standardOutDimNames(pr - 1),
                              /*requireSurjective=*/true);
}

Expected<LinearLayout>
NvidiaMmaEncoding::toLinearLayout(const Shape &shape) const {
  int r = rank();
  LL_CHECK(versionMajor == 2 || versionMajor == 3, Unsupported,
           "nvidia_mma versionMajor " + std::to_string(versionMajor) +
               " is not supported (2 = mma.sync, 3 = wgmma)");
  LL_CHECK(r >= 2, InvalidArgument, "nvidia_mma needs rank >= 2");
  LL_TRY(a, checkPow2(warpsPerCTA, "warpsPerCTA"));
  LL_TRY(b, checkShape(shape, r));
  (void)a, (void)b;
  bool hopper = versionMajor == 3;
  UVec tile;
  if (hopper) {
    LL_CHECK(r == 2 && instrShape.size() == 3, InvalidArgument,
             "wgmma (versionMajor 3) needs rank 2 and instrShape [M, N, K]");
    tile = {instrShape[0], instrShape[1]};
  } else {
    LL_TRY(c, checkRank(instrShape, r, "instrShape"));
    (void)c;
    tile = instrShape;
  }
  LL_TRY(d, checkPow2(tile, "instrShape"));
  (void)d;
  UVec order = matrixOrder(r, true);
  LL_TRY(cta0, nvidiaMmaTile(tile, 2, order, matrixOrder(r, true)));
  LL_TRY(w0, identityStandardND("warp", warpsPerCTA, matrixOrder(r, !hopper)));
  LL_TRY(w, w0.transposeOuts(cta0.outDimNames()));
  LL_TRY(cta, cta0.product(w));
  return combineCtaCgaWithShape(cta, cga, shape);
}

Expected<LinearLayout>
DotOperandEncoding::toLinearLayout(const Shape &shape) const {
  LL_CHECK(parent != nullptr, InvalidArgument, "dot_op layout without parent");
  LL_CHECK(opIdx == 0 || opIdx == 1, InvalidArgument,
           "dot_op opIdx must be 0 or 1 (got " + std::to_string(opIdx) + ")");
  int r = rank();
  LL_TRY(okShape, checkShape(shape, r));
  (void)okShape;
  int kDim = opIdx == 0 ? r - 1 : r - 2;
  switch (parent->kind()) {
  case EncodingKind::NvidiaMma: {
    auto &mma = static_cast<const NvidiaMmaEncoding &>(*parent);
    bool hopper = mma.versionMajor == 3;
    LL_CHECK(!(hopper && opIdx == 1), Unsupported,
             "the B operand of wgmma (nvidia_mma v3) lives in shared memory; "
             "it has no distributed dot_op layout");
    LL_CHECK(kWidth > 0 && isPowerOf2(kWidth), InvalidArgument,
             "dot_op with an nvidia_mma parent needs a power-of-two kWidth");
    LL_TRY(okW, checkPow2(mma.warpsPerCTA, "warpsPerCTA"));
    (void)okW;
    UVec tile(r, 1);
    if (opIdx == 0) {
      tile[r - 2] = 16;
      tile[r - 1] = kWidth * 8;
    } else {
      tile[r - 2] = kWidth * 8;
      tile[r - 1] = 8;
    }
    UVec order = dotOperandOrder(opIdx, r);
    LL_TRY(cta0, nvidiaMmaTile(tile, kWidth, order, order));
    LL_TRY(w0, broadcastedDotOperandLayout(mma.warpsPerCTA,
                                           matrixOrder(r, !hopper), kDim,
                                           "warp"));
    LL_TRY(w, w0.transposeOuts(cta0.outDimNames()));
    LL_TRY(cta, cta0.product(w));
    LL_TRY(cgaL, operandCga(mma.cga, r, kDim));
    return combineCtaCgaWithShape(cta, cgaL, shape);
  }
  case EncodingKind::Blocked: {
    auto &bl = static_cast<const BlockedEncoding &>(*parent);
    LL_CHECK(kWidth == 0, InvalidArgument,
             "kWidth is not supported when the dot_op parent is a blocked "
             "layout");
    LL_TRY(okP, bl.toLinearLayout(Shape(r, 1))); // validates the parent
    (void)okP;
    UVec threadSize = bl.sizePerThread;
    threadSize[kDim] = static_cast<int32_t>(shape[kDim]);
    auto names = standardOutDimNames(r);
    std::vector<std::string> repNames;
    for (int32_t d : bl.order)
      repNames.push_back(names[d]);
    LL_TRY(regs0, identityStandardND("register", threadSize, bl.order));
    LL_TRY(lanes0, broadcastedDotOperandLayout(bl.threadsPerWarp, bl.order,
                                               kDim, "lane"));
    LL_TRY(warps0, broadcastedDotOperandLayout(bl.warpsPerCTA, bl.order, kDim,
                                               "warp"));
    LL_TRY(regs, regs0.transposeOuts(repNames));
    LL_TRY(lanes, lanes0.transposeOuts(repNames));
    LL_TRY(warps, warps0.transposeOuts(repNames));
    LL_TRY(rl, regs.product(lanes));
    LL_TRY(cta, rl.product(warps));
    LL_TRY(cgaL, operandCga(bl.cga, r, kDim));
    return combineCtaCgaWithShape(cta, cgaL, shape);
  }
  default:
    return Error(ErrorKind::Unsupported,
                 "dot_op parent must be nvidia_mma, blocked, amd_mfma or "
                 "amd_wmma");
  }
}

Expected<LinearLayout> AmdMfmaEncoding::toLinearLayout(const Shape &) const {
  return Error(ErrorKind::Unsupported, "amd_mfma: not implemented yet");
}

Expected<LinearLayout> AmdWmmaEncoding::toLinearLayout(const Shape &) const {
  return Error(ErrorKind::Unsupported, "amd_wmma: not implemented yet");
}

UVec LinearEncoding::order() const {
  int r = rank();
  UVec order;
  int reg = layout.inDimIndex("register");
  if (reg >= 0)
    for (int b = 0; b < layout.inDimSizeLog2(reg); ++b)
      for (int o = 0; o < r; ++o)
        if (layout.basis(reg, b, o) != 0) {
          if (std::find(order.begin(), order.end(), o) == order.end())
            order.push_back(o);
          break;
        }
  for (int d = r - 1; d >= 0; --d)
    if (std::find(order.begin(), order.end(), d) == order.end())
      order.push_back(d);
  return order;
}

Expected<LinearLayout>
LinearEncoding::toLinearLayout(const Shape &shape) const {
  int r = rank();
  LL_TRY(okShape, checkShape(shape, r));
  (void)okShape;
  static const char *kDims[] = {"register", "lane", "warp", "block"};
  LL_CHECK(layout.numInDims() == 4, InvalidArgument,
           "a linear layout needs the in dims register, lane, warp, block");
  for (int i = 0; i < 4; ++i)
    LL_CHECK(layout.inDimName(i) == kDims[i], InvalidArgument,
             "a linear layout needs the in dims register, lane, warp, block "
             "(in this order)");
  for (int i = 0; i < 4; ++i)
    for (int b = 0; b < layout.inDimSizeLog2(i); ++b) {
      int nonzero = 0;
      for (int o = 0; o < r; ++o)
        nonzero += layout.basis(i, b, o) != 0;
      LL_CHECK(nonzero <= 1, InvalidArgument,
               "in a distributed layout, each basis must move in at most one "
               "dimension (basis " +
                   std::to_string(b) + " of '" + kDims[i] + "')");
    }
  auto names = layout.outDimNames();
  std::vector<std::string> permuted;
  DimSizes named;
  for (int32_t d : order()) {
    permuted.push_back(names[d]);
    named.push_back({names[d], static_cast<int32_t>(shape[d])});
  }
  LL_TRY(l0, layout.transposeOuts(permuted));
  LL_TRY(l1, ensureLayoutNotSmallerThan(l0, named));
  LL_TRY(l2, ensureLayoutNotLargerThan(l1, named,
                                       /*broadcastRegisters=*/false));
  return l2.transposeOuts(names);
}

//===----------------------------------------------------------------------===//
// Shared-memory families
//===----------------------------------------------------------------------===//

Expected<LinearLayout>
SwizzledSharedEncoding::toLinearLayout(const Shape &shape) const {
  int r = rank();
  LL_CHECK(r >= 1, InvalidArgument, "swizzled_shared layout of rank 0");
  LL_TRY(a, checkPermutation(order, r, "order"));
  LL_TRY(b, checkShape(shape, r));
  LL_TRY(cgaL, cga.toLinearLayout(r));
  (void)a, (void)b;
  LL_CHECK(vec >= 1 && perPhase >= 1 && maxPhase >= 1, InvalidArgument,
           "swizzled_shared needs vec, perPhase and maxPhase >= 1");
  Shape perCTA(r);
  for (int d = 0; d < r; ++d)
    perCTA[d] = std::max<int64_t>(1, shape[d] / cgaL.outDimSize(d));
  auto names = standardOutDimNames(r);
  LinearLayout cta;
  if (r == 1) {
    LL_TRY(l, id1(static_cast<int32_t>(perCTA[0]), "offset", names[0]));
    cta = std::move(l);
  } else {
    int colDim = order[0], rowDim = order[1];
    int64_t numCols = perCTA[colDim], numRows = perCTA[rowDim];
    std::vector<Basis> bases;
    for (int64_t col = 1; col < numCols; col *= 2)
      bases.push_back({0, static_cast<int32_t>(col)});
    for (int64_t row = 1; row < numRows; row *= 2)
      bases.push_back(
          {static_cast<int32_t>(row),
           static_cast<int32_t>((vec * ((row / perPhase) % maxPhase)) %
                                numCols)});
    LL_TRY(l, LinearLayout::create({{"offset", bases}},
                                   {names[rowDim], names[colDim]}));
    cta = std::move(l);
    for (int i = 2; i < r; ++i) {
      int d = order[i];
      LL_TRY(f, id1(static_cast<int32_t>(perCTA[d]), "offset", names[d]));
      LL_TRY(p, cta.product(f));
      cta = std::move(p);
    }
  }
  return combineCtaCgaWithShape(cta, cgaL, shape);
}

Expected<LinearLayout> NVMMASharedEncoding::toLinearLayout(const Shape &) const {
  return Error(ErrorKind::Unsupported, "nvmma_shared: not implemented yet");
}

Expected<LinearLayout>
SharedLinearEncoding::toLinearLayout(const Shape &shape) const {
  return Error(ErrorKind::Unsupported, "shared_linear: not implemented yet");
}

Expected<LinearLayout>
PaddedSharedEncoding::toLinearLayout(const Shape &shape) const {
  return Error(ErrorKind::Unsupported, "padded_shared: not implemented yet");
}

} // namespace ll
