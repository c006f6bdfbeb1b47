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

/// Every entry a power of two, and their product (a count of registers,
/// lanes, warps, tiles, ...) at most 2^30, so no size derived from them wraps.
Expected<bool> checkPow2(const UVec &v, const char *name) {
  int totalLog2 = 0;
  for (int32_t x : v) {
    LL_CHECK(isPowerOf2(x), NotPowerOfTwo,
             std::string(name) + " = " + vecStr(v) +
                 " must hold powers of two");
    totalLog2 += log2Floor(x);
  }
  LL_CHECK(totalLog2 <= kMaxDimLog2, OutOfRange,
           std::string(name) + " = " + vecStr(v) + " is too large (its "
           "product must be at most 2^" + std::to_string(kMaxDimLog2) + ")");
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
  int totalLog2 = 0;
  for (int64_t s : shape) {
    LL_CHECK(isPowerOf2(s), NotPowerOfTwo,
             "every tensor dim must be a power of two (got " +
                 std::to_string(s) + ")");
    totalLog2 += log2Floor(s);
  }
  // Triton's sizes are 32-bit: a tensor holds at most 2^30 elements.
  LL_CHECK(totalLog2 <= kMaxDimLog2, OutOfRange,
           "a tensor of 2^" +
               std::to_string(totalLog2) + " elements is too large (at most "
               "2^" + std::to_string(kMaxDimLog2) + ")");
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

Expected<LinearLayout> id1(int64_t size, const std::string &in,
                           const std::string &out) {
  return LinearLayout::identity1D(size, in, out);
}
Expected<LinearLayout> zeros1(int64_t size, const std::string &in,
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

Expected<LinearLayout> mfmaDotOperand(const AmdMfmaEncoding &mfma, int opIdx,
                                      int kWidth, const Shape &shape);
Expected<LinearLayout> wmmaDotOperand(const AmdWmmaEncoding &wmma, int opIdx,
                                      int kWidth, const Shape &shape);

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

/// The size `shape` gives an out dim.
Expected<int64_t> targetSize(const DimSizes &shape, const std::string &name) {
  for (auto &[n, size] : shape)
    if (n == name)
      return int64_t(size);
  return Error(ErrorKind::DimMismatch,
               "no target size for out dim '" + name + "'");
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
    LL_TRY(desired, targetSize(shape, layout.outDimName(o)));
    int64_t actual = layout.outDimSize(o);
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
    // A layout that repeats a basis keeps a component past the new size.
    for (const Item &it2 : items)
      LL_CHECK(bases[it2.in].second[it2.b][o] < desired ||
                   (!broadcastRegisters && it2.in == regIdx &&
                    std::count(droppedRegs.begin(), droppedRegs.end(), it2.b)),
               InvalidArgument,
               "cannot shrink the layout to " + std::to_string(desired) +
                   " elements along " + layout.outDimName(o) + ": basis " +
                   std::to_string(it2.b) + " of '" +
                   layout.inDimName(it2.in) + "' repeats another basis");
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
    LL_TRY(desired, targetSize(shape, layout.outDimName(o)));
    int64_t actual = layout.outDimSize(o);
    if (desired <= actual)
      continue;
    LL_CHECK(desired % actual == 0, DimMismatch,
             "tensor dim " + std::to_string(desired) +
                 " is not a multiple of the layout size " +
                 std::to_string(actual));
    LL_TRY(f, id1(static_cast<int32_t>(desired / actual), kDim, layout.outDimName(o)));
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
    for (const Basis &b : *blockBases) {
      LL_CHECK(static_cast<int>(b.size()) == r, DimMismatch,
               "CGALayout bases must have " + std::to_string(r) +
                   " components (the tensor rank)");
      LL_CHECK(std::count_if(b.begin(), b.end(), [](int32_t x) { return x; }) <=
                   1,
               InvalidArgument,
               "each CGALayout basis must move at most one dim");
      for (int32_t x : b)
        LL_CHECK(x == 0 || isPowerOf2(x), InvalidArgument,
                 "each CGALayout basis component must be 0 or a power of two "
                 "(got " + std::to_string(x) + ")");
    }
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
  if (parent->kind() == EncodingKind::Linear) {
    // Triton slices a linear parent through its CTA tiling: every block
    // basis must lie above the parent's other bases of its dim.
    const LinearLayout &pl = static_cast<const LinearEncoding &>(*parent).layout;
    int blk = pl.inDimIndex("block");
    for (int o = 0; blk >= 0 && o < pr; ++o) {
      int32_t top = 0;
      for (int i = 0; i < pl.numInDims(); ++i)
        for (int b = 0; b < pl.inDimSizeLog2(i); ++b) {
          int32_t v = pl.basis(i, b, o);
          LL_CHECK(i != blk || v == 0 || v > top, Unsupported,
                   "slicing a linear layout whose block bases are not the "
                   "highest bases of their dim (CTA tiles) is not supported "
                   "(as in Triton); dim " + std::to_string(o));
          top = std::max(top, v);
        }
    }
  }
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
    LL_CHECK(mma.versionMajor == 2 || mma.versionMajor == 3, Unsupported,
             "dot_op parent: nvidia_mma versionMajor " +
                 std::to_string(mma.versionMajor) +
                 " is not supported (2 = mma.sync, 3 = wgmma)");
    bool hopper = mma.versionMajor == 3;
    LL_CHECK(!(hopper && opIdx == 1), Unsupported,
             "the B operand of wgmma (nvidia_mma v3) lives in shared memory; "
             "it has no distributed dot_op layout");
    LL_CHECK(kWidth > 0 && isPowerOf2(kWidth) &&
                 kWidth <= (1 << (kMaxDimLog2 - 3)),
             InvalidArgument,
             "dot_op with an nvidia_mma parent needs a power-of-two kWidth "
             "(at most 2^" + std::to_string(kMaxDimLog2 - 3) + ", got " +
                 std::to_string(kWidth) + ")");
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
  case EncodingKind::AmdMfma:
    return mfmaDotOperand(static_cast<const AmdMfmaEncoding &>(*parent), opIdx,
                          kWidth, shape);
  case EncodingKind::AmdWmma:
    return wmmaDotOperand(static_cast<const AmdWmmaEncoding &>(*parent), opIdx,
                          kWidth, shape);
  default:
    return Error(ErrorKind::InvalidArgument,
                 "dot_op parent must be nvidia_mma, blocked, amd_mfma or "
                 "amd_wmma");
  }
}

namespace {

/// Chain of products; stops at the first error.
struct Builder {
  LinearLayout l;
  std::optional<Error> err;
  Builder &mul(Expected<LinearLayout> f) {
    if (err)
      return *this;
    if (!f) {
      err = f.error();
      return *this;
    }
    auto p = l.product(*f);
    if (!p)
      err = p.error();
    else
      l = std::move(*p);
    return *this;
  }
  Builder &id(int64_t size, const char *in, const std::string &out) {
    return mul(LinearLayout::identity1D(size, in, out));
  }
  Builder &zeros(int64_t size, const char *in, const std::string &out) {
    return mul(LinearLayout::zeros1D(size, in, out));
  }
  Expected<LinearLayout> get() const {
    if (err)
      return *err;
    return l;
  }
};

UVec onesIfEmpty(const UVec &v, int rank) {
  return v.empty() ? UVec(rank, 1) : v;
}

/// The MFMA / WMMA repetition scheme shared by both: N tiles, N warps, all
/// remaining N repetitions (of the global N), M tiles, M warps, batch warps.
Expected<LinearLayout> amdRepeat(LinearLayout tile, const UVec &warps,
                                 const UVec &tiles, const Shape &shape,
                                 int64_t instrN) {
  int r = static_cast<int>(warps.size());
  auto names = standardOutDimNames(r);
  const std::string &dM = names[r - 2], &dN = names[r - 1];
  int mI = r - 2, nI = r - 1;
  Builder b{std::move(tile), {}};
  b.id(tiles[nI], "register", dN).id(warps[nI], "warp", dN);
  b.id(shape[nI] / instrN / warps[nI] / tiles[nI], "register", dN);
  b.id(tiles[mI], "register", dM).id(warps[mI], "warp", dM);
  if (r == 3)
    b.id(1, "register", names[0]).id(1, "lane", names[0]).id(warps[0], "warp",
                                                             names[0]);
  return b.get();
}

Expected<bool> checkAmdCommon(const UVec &warps, const UVec &tiles,
                              const Shape &shape, const char *family) {
  int r = static_cast<int>(warps.size());
  LL_CHECK(r == 2 || r == 3, InvalidArgument,
           std::string(family) + " needs rank 2 or 3 (warpsPerCTA = " +
               vecStr(warps) + ")");
  LL_TRY(a, checkPow2(warps, "warpsPerCTA"));
  LL_TRY(b, checkRank(tiles, r, "tilesPerWarp"));
  LL_TRY(c, checkPow2(tiles, "tilesPerWarp"));
  LL_TRY(d, checkShape(shape, r));
  (void)a, (void)b, (void)c, (void)d;
  return true;
}

} // namespace

Expected<LinearLayout> AmdMfmaEncoding::toLinearLayout(const Shape &shape) const {
  int r = rank();
  UVec tiles = onesIfEmpty(tilesPerWarp, r);
  LL_TRY(ok, checkAmdCommon(warpsPerCTA, tiles, shape, "amd_mfma"));
  (void)ok;
  LL_CHECK(version >= 0 && version <= 4, InvalidArgument,
           "amd_mfma version must be in the [0, 4] range (got " +
               std::to_string(version) + ")");
  LL_CHECK(instrShape.size() == 2 || instrShape.size() == 3, InvalidArgument,
           "amd_mfma instrShape must be [M, N] or [M, N, K]");
  int M = instrShape[0], N = instrShape[1];
  bool okMN = (M == 32 && N == 32) || (M == 16 && N == 16) ||
              (M == 64 && N == 4) || (M == 4 && N == 64);
  LL_CHECK(okMN, InvalidArgument,
           "invalid amd_mfma (mDim, nDim) combination: (" + std::to_string(M) +
               ", " + std::to_string(N) + ")");
  LL_CHECK(elementBitWidth == 32 || elementBitWidth == 64, InvalidArgument,
           "amd_mfma elementBitWidth must be 32 or 64");
  LL_CHECK(!(M == 64 && N == 4) || isTransposed, InvalidArgument,
           "a 64x4 amd_mfma must be transposed");
  auto names = standardOutDimNames(r);
  const std::string &dM = names[r - 2], &dN = names[r - 1];
  const int W = 64;
  int height = elementBitWidth == 64 ? 1 : 4;
  int ntiles = (M * N) / (W * height);
  // Registers run along M (N when transposed), lanes first along the other
  // dim (its instruction size), then along the register dim.
  const std::string &regDim = isTransposed ? dN : dM;
  const std::string &laneDim = isTransposed ? dM : dN;
  int laneSize = isTransposed ? M : N;
  Builder b;
  b.id(height, "register", regDim);
  Builder lanes;
  lanes.id(laneSize, "lane", laneDim).id(W / laneSize, "lane", regDim);
  b.mul(lanes.get());
  if (ntiles > 0)
    b.id(ntiles, "register", regDim);
  LL_TRY(t0, b.get());
  LL_TRY(t1, t0.transposeOuts({dN, dM}));
  LL_TRY(cta, amdRepeat(std::move(t1), warpsPerCTA, tiles, shape, N));
  return combineCtaCgaWithShape(cta, cga, shape);
}

Expected<LinearLayout> AmdWmmaEncoding::toLinearLayout(const Shape &shape) const {
  int r = rank();
  UVec tiles = onesIfEmpty(tilesPerWarp, r);
  LL_TRY(ok, checkAmdCommon(warpsPerCTA, tiles, shape, "amd_wmma"));
  (void)ok;
  LL_CHECK(version >= 1 && version <= 3, InvalidArgument,
           "amd_wmma version must be in the [1, 3] range (got " +
               std::to_string(version) + ")");
  UVec instr = instrShape.empty() ? UVec{16, 16, 16} : instrShape;
  LL_CHECK(instr.size() == 3 && instr[0] == 16 && instr[1] == 16,
           InvalidArgument, "invalid amd_wmma instrShape " + vecStr(instr));
  int k = instr[2];
  bool okK = version == 1   ? k == 16
             : version == 2 ? (k == 16 || k == 32)
                            : (k == 4 || k == 32 || k == 64 || k == 128);
  LL_CHECK(okK, InvalidArgument,
           "invalid amd_wmma v" + std::to_string(version) +
               " instruction shape " + vecStr(instr));
  for (int d : {r - 2, r - 1})
    LL_CHECK(shape[d] == 1 || shape[d] >= 16, Unsupported,
             "amd_wmma needs tensor dims M and N to be 1 or >= 16 (got " +
                 std::to_string(shape[d]) + ")");
  auto names = standardOutDimNames(r);
  const std::string &dM = names[r - 2], &dN = names[r - 1];
  // A 16x16 tile over (fast, slow) = (N, M), or (M, N) when transposed.
  std::vector<Basis> regs, lanes;
  if (version == 1) {
    regs = {{0, 2}, {0, 4}, {0, 8}};
    lanes = {{1, 0}, {2, 0}, {4, 0}, {8, 0}, {0, 1}};
  } else {
    regs = {{0, 1}, {0, 2}, {0, 4}};
    lanes = {{1, 0}, {2, 0}, {4, 0}, {8, 0}, {0, 8}};
  }
  std::string fast = isTransposed ? dM : dN, slow = isTransposed ? dN : dM;
  LL_TRY(t0, LinearLayout::create({{"register", regs}, {"lane", lanes}},
                                  std::vector<std::string>{fast, slow}));
  LL_TRY(t1, t0.transposeOuts({dN, dM}));
  LL_TRY(cta, amdRepeat(std::move(t1), warpsPerCTA, tiles, shape, instr[1]));
  return combineCtaCgaWithShape(cta, cga, shape);
}

namespace {

/// Dot operand of an AMD MFMA parent.
Expected<LinearLayout> mfmaDotOperand(const AmdMfmaEncoding &mfma, int opIdx,
                                      int kWidth, const Shape &shape) {
  int r = mfma.rank();
  UVec tiles = onesIfEmpty(mfma.tilesPerWarp, r);
  LL_TRY(okParent, mfma.toLinearLayout(Shape(r, 64))); // validates the parent
  (void)okParent;
  LL_CHECK(kWidth > 0, InvalidArgument,
           "dot_op kWidth is mandatory for an amd_mfma parent");
  LL_CHECK(isPowerOf2(kWidth), NotPowerOfTwo,
           "dot_op kWidth must be a power of two");
  auto names = standardOutDimNames(r);
  int kI = opIdx == 0 ? r - 1 : r - 2, nkI = opIdx == 0 ? r - 2 : r - 1;
  const std::string &dK = names[kI], &dNK = names[nkI];
  int M = mfma.instrShape[0], N = mfma.instrShape[1];
  int nonK = opIdx == 0 ? M : N;
  const int W = 64;
  Builder b;
  b.id(kWidth, "register", dK);
  Builder lanes;
  lanes.id(nonK, "lane", dNK).id(W / nonK, "lane", dK);
  b.mul(lanes.get());
  int64_t kTile = int64_t(W / nonK) * kWidth;
  if ((M == 64 && N == 4 && opIdx == 0) || (M == 4 && N == 64 && opIdx == 1)) {
    b.id(16, "register", dK);
    kTile *= 16;
  }
  if (shape[kI] > kTile)
    b.id(shape[kI] / kTile, "register", dK);
  b.id(tiles[nkI], "register", dNK);
  LL_TRY(t0, b.get());
  LL_TRY(t1, t0.transposeOuts({dK, dNK}));
  Builder c{std::move(t1), {}};
  if (r == 3)
    c.id(1, "register", names[0]).id(1, "lane", names[0]);
  UVec warpOrder = matrixOrder(r, true);
  c.mul(identityStandardND("warp", mfma.warpsPerCTA, warpOrder));
  LL_TRY(cta, c.get());
  LL_TRY(res, combineCtaCgaWithShape(cta, mfma.cga, shape));
  return res.transposeOuts(names);
}

/// Dot operand of an AMD WMMA parent.
Expected<LinearLayout> wmmaDotOperand(const AmdWmmaEncoding &wmma, int opIdx,
                                      int kWidth, const Shape &shape) {
  int r = wmma.rank();
  UVec tiles = onesIfEmpty(wmma.tilesPerWarp, r);
  LL_TRY(okParent, wmma.toLinearLayout(Shape(r, 16))); // validates the parent
  (void)okParent;
  static const std::vector<int> allowed[] = {{8, 16}, {4, 8, 16}, {2, 8, 16}};
  const auto &ok = allowed[wmma.version - 1];
  LL_CHECK(std::find(ok.begin(), ok.end(), kWidth) != ok.end(), InvalidArgument,
           "dot_op kWidth must be one of " +
               vecStr(UVec(ok.begin(), ok.end())) + " for amd_wmma v" +
               std::to_string(wmma.version) + " (got " +
               std::to_string(kWidth) + ")");
  auto names = standardOutDimNames(r);
  int kI = opIdx == 0 ? r - 1 : r - 2, nkI = opIdx == 0 ? r - 2 : r - 1;
  const std::string &dK = names[kI], &dNK = names[nkI];
  UVec instr = wmma.instrShape.empty() ? UVec{16, 16, 16} : wmma.instrShape;
  int kDim = instr[2];
  const int depth = 2; // 32 lanes / 16 rows
  Builder b;
  b.id(kWidth, "register", dK).id(16, "lane", dNK);
  if (wmma.version == 1)
    b.zeros(depth, "lane", dK); // lanes 16..31 duplicate lanes 0..15
  else
    b.id(depth, "lane", dK);
  b.id(kDim / (depth * kWidth), "register", dK);
  if (tiles[nkI] > 1) {
    int64_t kTile = std::max(kDim, depth * kWidth);
    if (shape[kI] > kTile)
      b.id(shape[kI] / kTile, "register", dK);
    b.id(tiles[nkI], "register", dNK);
  }
  LL_TRY(t0, b.get());
  LL_TRY(t1, t0.transposeOuts({dK, dNK}));
  Builder c{std::move(t1), {}};
  if (r == 3)
    c.id(1, "register", names[0]).id(1, "lane", names[0]);
  for (int d = r - 1; d >= 0; --d) {
    if (d == kI)
      c.zeros(wmma.warpsPerCTA[d], "warp", names[d]);
    else
      c.id(wmma.warpsPerCTA[d], "warp", names[d]);
  }
  LL_TRY(cta, c.get());
  LL_TRY(res, combineCtaCgaWithShape(cta, wmma.cga, shape));
  return res.transposeOuts(names);
}

} // namespace

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
      for (int o = 0; o < r; ++o) {
        int32_t v = layout.basis(i, b, o);
        LL_CHECK(v == 0 || isPowerOf2(v), InvalidArgument,
                 "in a distributed layout, each basis component must be 0 or "
                 "a power of two (basis " +
                     std::to_string(b) + " of '" + kDims[i] + "' has " +
                     std::to_string(v) + ")");
      }
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
  // Triton computes vec * phase in 32 bits.
  LL_CHECK(int64_t(vec) * (maxPhase - 1) <= INT32_MAX, OutOfRange,
           "swizzled_shared vec * (maxPhase - 1) = " +
               std::to_string(int64_t(vec) * (maxPhase - 1)) +
               " does not fit in 32 bits");
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
    for (int64_t row = 1; row < numRows; row *= 2) {
      int64_t phase = (row / perPhase) % maxPhase;
      if (rotating)
        phase ^= row / perPhase / maxPhase % maxPhase;
      bases.push_back({static_cast<int32_t>(row),
                       static_cast<int32_t>((vec * phase) % numCols)});
    }
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

namespace {

/// Reshape the out dims row-major (the last dim fastest), as tensor reshapes
/// do: each basis is flattened and split again over `newShape`.
Expected<LinearLayout> reshapeRowMajor(const LinearLayout &l,
                                       const Shape &newShape) {
  auto rev = l.outDimNames();
  std::reverse(rev.begin(), rev.end());
  LL_TRY(t, l.transposeOuts(rev));
  int r = static_cast<int>(newShape.size());
  auto names = standardOutDimNames(r);
  DimSizes outs;
  for (int d = r - 1; d >= 0; --d)
    outs.push_back({names[d], static_cast<int32_t>(newShape[d])});
  LL_TRY(u, t.reshapeOuts(outs));
  return u.transposeOuts(names);
}

Shape shapePerCTA(const LinearLayout &cga, const Shape &shape) {
  Shape s(shape.size());
  for (size_t d = 0; d < shape.size(); ++d)
    s[d] = std::max<int64_t>(1, shape[d] / cga.outDimSize(static_cast<int>(d)));
  return s;
}

DimSizes namedShape(const Shape &shape) {
  auto names = standardOutDimNames(static_cast<int>(shape.size()));
  DimSizes r;
  for (size_t d = 0; d < shape.size(); ++d)
    r.push_back({names[d], static_cast<int32_t>(shape[d])});
  return r;
}

/// A memory layout given by its bases must denote exactly the tensor shape.
Expected<LinearLayout> checkSharedBases(const LinearLayout &l,
                                        const Shape &shape, const char *family) {
  int r = l.numOutDims();
  LL_TRY(ok, checkShape(shape, r));
  (void)ok;
  LL_CHECK(l.numInDims() == 2 && l.inDimName(0) == "offset" &&
               l.inDimName(1) == "block",
           InvalidArgument,
           std::string(family) + " needs the in dims offset, block");
  for (int d = 0; d < r; ++d)
    LL_CHECK(l.outDimSize(d) == shape[d], DimMismatch,
             std::string(family) + " covers " +
                 std::to_string(l.outDimSize(d)) + " elements along dim " +
                 std::to_string(d) + " but the tensor has " +
                 std::to_string(shape[d]));
  return l;
}

} // namespace

Expected<LinearLayout>
NVMMASharedEncoding::toLinearLayout(const Shape &shape) const {
  int r = rank();
  LL_CHECK(static_cast<int>(shape.size()) == r, DimMismatch,
           "the shape has rank " + std::to_string(shape.size()) +
               " but nvmma_shared has rank " + std::to_string(r));
  LL_TRY(okShape, checkShape(shape, r));
  (void)okShape;
  int swz = swizzlingByteWidth, ebw = elementBitWidth;
  LL_CHECK(swz == 0 || swz == 16 || swz == 32 || swz == 64 || swz == 128,
           InvalidArgument,
           "nvmma_shared swizzlingByteWidth must be 0, 32, 64 or 128 (got " +
               std::to_string(swz) + ")");
  LL_CHECK(ebw == 4 || ebw == 8 || ebw == 16 || ebw == 32 || ebw == 64,
           InvalidArgument,
           "nvmma_shared elementBitWidth must be 8, 16, 32 or 64 (got " +
               std::to_string(ebw) + ")");
  LL_TRY(cgaL, cga.toLinearLayout(r));
  Shape spc = shapePerCTA(cgaL, shape);
  auto names = standardOutDimNames(r);
  // The TMA block shape: the contiguous dim shrinks to the swizzle width.
  Shape tma = spc;
  int cd = transposed ? 0 : r - 1;
  if (fp4Padded)
    tma[cd] *= 2;
  for (auto &x : tma)
    x = std::min<int64_t>(x, 256);
  if (swz != 0) {
    int64_t need = int64_t(8) * swz / ebw;
    LL_CHECK(tma[cd] >= need, InvalidArgument,
             "nvmma_shared: block shape is too small for the swizzle byte "
             "size (the contiguous dim needs >= " +
                 std::to_string(need) + " elements per CTA)");
    tma[cd] = need;
  }
  if (fp4Padded)
    tma[cd] /= 2;
  if (swz == 0) {
    Builder b;
    for (int d = r - 1; d >= 0; --d)
      b.id(tma[d], "offset", names[d]);
    LL_TRY(t, b.get());
    LL_TRY(g, ensureLayoutNotSmallerThan(t, namedShape(spc)));
    return combineCtaCgaWithShape(g, cgaL, shape);
  }
  LL_CHECK(r >= 2, InvalidArgument,
           "a swizzled nvmma_shared layout needs rank >= 2");
  int64_t lead = 1;
  for (int d = 0; d < r - 1; ++d)
    lead *= tma[d];
  Shape coll = {lead, tma[r - 1]};
  if (transposed)
    std::swap(coll[0], coll[1]);
  int vec = 128 / ebw, perPhase = 128 / swz, maxPhase = swz / 16;
  int tileRows = 8, tileCols = 8 * std::max(16, swz) / ebw;
  auto pack = [&](int c) { return fp4Padded ? (c / 16) * 8 + c % 8 : c; };
  std::vector<Basis> bases;
  for (int c = 1; c < tileCols; c *= 2)
    bases.push_back({0, pack(c)});
  for (int row = 1; row < tileRows; row *= 2)
    bases.push_back({row, pack(vec * ((row / perPhase) % maxPhase))});
  LL_TRY(tile, LinearLayout::create({{"offset", bases}},
                                    std::vector<std::string>{"dim0", "dim1"}));
  LL_CHECK(coll[1] * (fp4Padded ? 2 : 1) >= tile.outDimSize(1) &&
               coll[0] >= tile.outDimSize(0),
           InvalidArgument,
           "nvmma_shared: illegal shared layout; the collapsed shape per CTA "
           "must be at least [8, " +
               std::to_string(tile.outDimSize(1)) + "]");
  LL_TRY(grown, ensureLayoutNotSmallerThan(
                    tile, {{"dim0", static_cast<int32_t>(coll[0])},
                           {"dim1", static_cast<int32_t>(coll[1])}}));
  Shape mt = tma;
  if (transposed)
    std::rotate(mt.begin(), mt.begin() + 1, mt.end());
  LL_TRY(l, reshapeRowMajor(grown, mt));
  if (transposed) {
    // The contiguous coordinate moves to dim0: b -> [b[r-1], b[0..r-2]].
    BasesList bl = l.bases();
    for (auto &[n, bs] : bl)
      for (Basis &b : bs)
        std::rotate(b.begin(), b.end() - 1, b.end());
    DimSizes outs;
    for (int k = 0; k < r; ++k)
      outs.push_back({names[k], static_cast<int32_t>(
                                    l.outDimSize(k == 0 ? r - 1 : k - 1))});
    LL_TRY(t, LinearLayout::create(std::move(bl), outs, false));
    l = std::move(t);
  }
  LL_TRY(g, ensureLayoutNotSmallerThan(l, namedShape(spc)));
  return combineCtaCgaWithShape(g, cgaL, shape);
}

Expected<LinearLayout>
SharedLinearEncoding::toLinearLayout(const Shape &shape) const {
  LL_CHECK(alignment > 0 && isPowerOf2(alignment), InvalidArgument,
           "shared_linear alignment must be a positive power of two");
  LL_TRY(l, checkSharedBases(layout, shape, "shared_linear"));
  // After removing the zero (broadcast) bases the layout must be bijective.
  LL_TRY(a, l.removeZeroBasesAlongDim("offset"));
  LL_TRY(b, a.removeZeroBasesAlongDim("block"));
  LL_CHECK(b.isInvertible(), InvalidArgument,
           "shared_linear: after removing the zero bases the layout must be "
           "bijective");
  return l;
}

int64_t PaddedSharedEncoding::paddedOffset(int64_t offset) const {
  int64_t pad = 0;
  for (size_t i = 0; i < intervals.size() && i < paddings.size(); ++i)
    pad += (offset / intervals[i]) * paddings[i];
  return offset + pad;
}

Expected<LinearLayout>
PaddedSharedEncoding::toLinearLayout(const Shape &shape) const {
  LL_CHECK(!intervals.empty() && intervals.size() == paddings.size(),
           InvalidArgument,
           "padded_shared must have at least one interval-padding pair");
  for (size_t i = 0; i < intervals.size(); ++i) {
    LL_CHECK(isPowerOf2(intervals[i]), NotPowerOfTwo,
             "padded_shared interval values must all be powers of two");
    LL_CHECK(isPowerOf2(paddings[i]), NotPowerOfTwo,
             "padded_shared padding values must all be powers of two");
    for (size_t j = 0; j < i; ++j)
      LL_CHECK(intervals[i] != intervals[j], InvalidArgument,
               "padded_shared interval values cannot have duplicates");
  }
  LinearLayout l;
  if (layout) {
    l = *layout;
  } else {
    int r = static_cast<int>(order.size());
    LL_TRY(a, checkPermutation(order, r, "order"));
    LL_TRY(b, checkShape(this->shape, r));
    (void)a, (void)b;
    UVec s32(this->shape.begin(), this->shape.end());
    LL_TRY(t, identityStandardND("offset", s32, order));
    LL_TRY(c, combineCtaCgaWithShape(t, CGALayout::fromBases({}), this->shape));
    l = std::move(c);
  }
  LL_TRY(ok, checkSharedBases(l, shape, "padded_shared"));
  (void)ok;
  for (int i = 0; i < l.numInDims(); ++i)
    for (int b = 0; b < l.inDimSizeLog2(i); ++b) {
      int nonzero = 0;
      for (int o = 0; o < l.numOutDims(); ++o) {
        int32_t v = l.basis(i, b, o);
        LL_CHECK(v == 0 || isPowerOf2(v), InvalidArgument,
                 "padded_shared: each offset basis must be 0 or a power of two");
        nonzero += v != 0;
      }
      LL_CHECK(nonzero <= 1, InvalidArgument,
               "padded_shared: each offset basis must move in at most one "
               "dimension");
    }
  LL_CHECK(l.isInvertible(), InvalidArgument,
           "padded_shared: broadcasting is not supported (the linear "
           "component must be invertible)");
  return l;
}

} // namespace ll
