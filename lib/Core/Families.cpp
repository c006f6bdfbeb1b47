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

Error invalid(const std::string &what) {
  return Error(ErrorKind::InvalidArgument, what);
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

Expected<LinearLayout> cgaOf(const Encoding &e);

const CGALayout *cgaField(const Encoding &e) {
  switch (e.kind()) {
  case EncodingKind::Blocked:
    return &static_cast<const BlockedEncoding &>(e).cga;
  case EncodingKind::NvidiaMma:
    return &static_cast<const NvidiaMmaEncoding &>(e).cga;
  case EncodingKind::AmdMfma:
    return &static_cast<const AmdMfmaEncoding &>(e).cga;
  case EncodingKind::AmdWmma:
    return &static_cast<const AmdWmmaEncoding &>(e).cga;
  case EncodingKind::SwizzledShared:
    return &static_cast<const SwizzledSharedEncoding &>(e).cga;
  case EncodingKind::NVMMAShared:
    return &static_cast<const NVMMASharedEncoding &>(e).cga;
  case EncodingKind::DotOperand: {
    auto &d = static_cast<const DotOperandEncoding &>(e);
    return d.parent ? cgaField(*d.parent) : nullptr;
  }
  default:
    return nullptr;
  }
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
  int rank = static_cast<int>(shape.size());
  LL_CHECK(cta.numOutDims() == rank, DimMismatch,
           "layout rank differs from the shape's");
  LL_TRY(okCga, cga.validate(rank));
  (void)okCga;
  auto names = standardOutDimNames(rank);
  DimSizes labeled;
  for (int d = 0; d < rank; ++d)
    labeled.push_back({names[d], static_cast<int32_t>(shape[d])});
  LL_TRY(cga0, cga.toLinearLayout());
  LL_TRY(cga1, ensureLayoutNotLargerThan(cga0, labeled));
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

int CGALayout::rank() const {
  if (blockBases)
    return blockBases->empty() ? -1
                               : static_cast<int>(blockBases->front().size());
  return static_cast<int>(ctaOrder.size());
}

int64_t CGALayout::numCTAs() const {
  if (blockBases)
    return int64_t(1) << blockBases->size();
  int64_t n = 1;
  for (int32_t c : ctasPerCGA)
    n *= c;
  return n;
}

Expected<bool> CGALayout::validate(int r) const {
  if (blockBases) {
    for (const Basis &b : *blockBases)
      LL_CHECK(static_cast<int>(b.size()) == r, DimMismatch,
               "CGALayout bases must have " + std::to_string(r) +
                   " components (the tensor rank)");
    return true;
  }
  LL_TRY(a, checkRank(ctasPerCGA, r, "CTAsPerCGA"));
  LL_TRY(b, checkRank(ctaSplitNum, r, "CTASplitNum"));
  LL_TRY(c, checkPermutation(ctaOrder, r, "CTAOrder"));
  LL_TRY(d, checkPow2(ctasPerCGA, "CTAsPerCGA"));
  LL_TRY(e, checkPow2(ctaSplitNum, "CTASplitNum"));
  (void)a, (void)b, (void)c, (void)d, (void)e;
  for (int i = 0; i < r; ++i)
    LL_CHECK(ctasPerCGA[i] % ctaSplitNum[i] == 0, InvalidArgument,
             "CTASplitNum " + vecStr(ctaSplitNum) + " must divide CTAsPerCGA " +
                 vecStr(ctasPerCGA));
  return true;
}

UVec CGALayout::splitNum() const {
  if (!blockBases)
    return ctaSplitNum;
  auto l = toLinearLayout();
  UVec r;
  if (!l)
    return r;
  for (int o = 0; o < l->numOutDims(); ++o)
    r.push_back(static_cast<int32_t>(l->outDimSize(o)));
  return r;
}

Expected<LinearLayout> CGALayout::toLinearLayout() const {
  if (blockBases) {
    int r = rank();
    LL_CHECK(r >= 0, InvalidArgument,
             "an explicit CGALayout needs at least one basis or a rank");
    return LinearLayout::create({{"block", *blockBases}},
                                standardOutDimNames(r),
                                /*requireSurjective=*/false);
  }
  int r = static_cast<int>(ctaOrder.size());
  auto names = standardOutDimNames(r);
  LinearLayout l;
  for (int i = 0; i < r; ++i) {
    int d = ctaOrder[i];
    LL_TRY(a, id1(ctaSplitNum[d], "block", names[d]));
    LL_TRY(b, zeros1(ctasPerCGA[d] / ctaSplitNum[d], "block", names[d]));
    LL_TRY(ab, mul(a, b));
    LL_TRY(p, mul(l, ab));
    l = std::move(p);
  }
  if (l.numInDims() == 0) // rank 0
    return l;
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
    return combineCtaCgaWithShape(cta, mma.cga, shape);
  }
  case EncodingKind::Blocked: {
    auto &bl = static_cast<const BlockedEncoding &>(*parent);
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
    return combineCtaCgaWithShape(cta, bl.cga, shape);
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
  LL_TRY(c, cga.validate(r));
  (void)a, (void)b, (void)c;
  LL_CHECK(vec >= 1 && perPhase >= 1 && maxPhase >= 1, InvalidArgument,
           "swizzled_shared needs vec, perPhase and maxPhase >= 1");
  UVec split = cga.splitNum();
  Shape perCTA(r);
  for (int d = 0; d < r; ++d)
    perCTA[d] = std::max<int64_t>(1, shape[d] / split[d]);
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
  return combineCtaCgaWithShape(cta, cga, shape);
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
