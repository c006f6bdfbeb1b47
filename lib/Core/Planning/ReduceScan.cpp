//===- ReduceScan.cpp - Planning reductions and scans ---------------------===//
//
// The linear algebra of include/linear_layouts/Core/ReduceScan.h on the
// f2 spans: echelon forms are f2::Span bases (fully reduced, highest pivot
// first), kernels and coordinates come from f2::PairedSpan.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Core/ReduceScan.h"
#include "linear_layouts/Core/F2.h"

#include <algorithm>
#include <string>

namespace ll {

namespace {

int highBit(uint64_t v) { return 63 - __builtin_clzll(v); }

/// The reduced echelon basis of span(vs), highest pivot first.
std::vector<uint64_t> echelon(const std::vector<uint64_t> &vs) {
  return f2::Span(vs).basis();
}

/// A basis of the combinations of the hardware bits whose images are zero.
std::vector<uint64_t> kernelOf(const std::vector<int64_t> &images) {
  f2::PairedSpan seen; // image -> the combination of bits giving it
  std::vector<uint64_t> ker;
  for (size_t i = 0; i < images.size(); ++i) {
    uint64_t rest = 0;
    if (!seen.insert(uint64_t(images[i]), uint64_t(1) << i, &rest))
      ker.push_back(rest); // bit i plus the bits giving the same image
  }
  return ker;
}

/// Per hardware bit i (of `bits`): the coordinates of unit vector i on the
/// vectors `picked` (indices into `basis`), `basis` being independent and
/// extended to all of the space by unit vectors (coordinate 0 on those).
std::vector<int64_t> coordinates(const std::vector<uint64_t> &basis, int bits,
                                 const std::vector<int> &picked) {
  f2::PairedSpan rows; // vector -> its combination of basis indices
  for (size_t i = 0; i < basis.size(); ++i)
    rows.insert(basis[i], uint64_t(1) << i);
  for (int i = 0; i < bits; ++i)
    rows.insert(uint64_t(1) << i, 0);
  std::vector<int64_t> out;
  for (int i = 0; i < bits; ++i) {
    uint64_t x = uint64_t(1) << i, tag = 0;
    rows.reduce(x, tag);
    int64_t c = 0;
    for (size_t q = 0; q < picked.size(); ++q)
      if ((tag >> picked[q]) & 1)
        c |= int64_t(1) << q;
    out.push_back(c);
  }
  return out;
}

/// The lane / warp bits of the pivots of `vectors` (echelon form) that are
/// not registers: the threads holding copies.
void copyBits(const std::vector<uint64_t> &vectors, const HardwareSpace &hw,
              int32_t &lanes, int32_t &warps) {
  for (uint64_t v : vectors) {
    int piv = highBit(v);
    if (piv >= hw.regBits + hw.laneBits)
      warps |= int32_t(1) << (piv - hw.regBits - hw.laneBits);
    else if (piv >= hw.regBits)
      lanes |= int32_t(1) << (piv - hw.regBits);
  }
}

} // namespace

Expected<HardwareSpace> HardwareSpace::get(const LinearLayout &l,
                                           const std::vector<int64_t> &shape,
                                           int axis) {
  int rank = int(shape.size());
  LL_CHECK(axis >= 0 && axis < rank, InvalidArgument,
           "axis " + std::to_string(axis) + " of a rank-" +
               std::to_string(rank) + " tensor");
  LL_CHECK(l.numOutDims() == rank, DimMismatch,
           "the layout has " + std::to_string(l.numOutDims()) +
               " dims, the tensor " + std::to_string(rank));
  HardwareSpace s;
  s.layout = l;
  std::vector<int64_t> stride(rank, 0);
  int64_t st = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (d == axis)
      continue;
    stride[d] = st;
    st *= shape[d];
  }
  auto log2 = [](int64_t v) {
    int b = 0;
    while ((int64_t(1) << b) < v)
      ++b;
    return b;
  };
  s.restBits = log2(st);
  s.axisBits = log2(shape[axis]);
  for (auto [name, n] : {std::pair<const char *, int *>{"register", &s.regBits},
                         {"lane", &s.laneBits},
                         {"warp", &s.warpBits}}) {
    int i = l.inDimIndex(name);
    if (i < 0)
      continue;
    *n = l.inDimSizeLog2(i);
    for (int b = 0; b < *n; ++b) {
      int64_t rest = 0;
      for (int d = 0; d < rank; ++d)
        if (d != axis)
          rest += int64_t(l.basis(i, b, d)) * stride[d];
      s.axisImg.push_back(l.basis(i, b, axis));
      s.restImg.push_back(rest);
    }
  }
  LL_CHECK(s.bits() <= 62, Unsupported,
           "too many hardware bits (" + std::to_string(s.bits()) + ")");
  return s;
}

int64_t HardwareSpace::image(uint64_t h, bool axis) const {
  int64_t v = 0;
  for (int i = 0; i < bits(); ++i)
    if ((h >> i) & 1)
      v ^= axis ? axisImg[i] : restImg[i];
  return v;
}

std::vector<int64_t> HardwareSpace::fullImg() const {
  std::vector<int64_t> f;
  for (int i = 0; i < bits(); ++i)
    f.push_back((restImg[i] << axisBits) | axisImg[i]);
  return f;
}

LinearLayout HardwareSpace::offsetLayout(const std::vector<int64_t> &img,
                                         int outBits) const {
  BasesList bl;
  int i = 0;
  for (auto [name, n] : {std::pair<const char *, int>{"register", regBits},
                         {"lane", laneBits},
                         {"warp", warpBits}}) {
    std::vector<Basis> bs;
    for (int k = 0; k < n; ++k)
      bs.push_back({int32_t(img[i++])});
    bl.push_back({name, std::move(bs)});
  }
  return *LinearLayout::create(std::move(bl),
                               DimSizes{{"offset", int32_t(1) << outBits}},
                               /*requireSurjective=*/false);
}

uint64_t RegisterClasses::canon(uint64_t r) const {
  for (uint64_t row : rows)
    if (r & (uint64_t(1) << highBit(row)))
      r ^= row;
  return r;
}

int64_t ReducePlan::sharedEntries() const {
  return m() ? (int64_t(1) << hw.restBits) << m() : 0;
}

Expected<ReducePlan> planReduce(const LinearLayout &layout,
                                const std::vector<int64_t> &shape, int axis) {
  LL_TRY(hw, HardwareSpace::get(layout, shape, axis));
  ReducePlan p;
  p.hw = std::move(hw);
  // Z: the points holding one input element; C: a complement of Z in K.
  std::vector<uint64_t> z = echelon(kernelOf(p.hw.fullImg()));
  f2::Span zs(z);
  std::vector<uint64_t> reduced;
  for (uint64_t k : kernelOf(p.hw.restImg))
    if (uint64_t v = zs.reduce(k))
      reduced.push_back(v);
  uint64_t regMask = p.hw.regMask();
  uint64_t laneEnd = uint64_t(1) << (p.hw.regBits + p.hw.laneBits);
  for (uint64_t v : echelon(reduced)) {
    uint64_t piv = uint64_t(1) << highBit(v);
    (piv <= regMask ? p.cReg : piv < laneEnd ? p.cLane : p.cWarp).push_back(v);
  }
  std::sort(p.cReg.begin(), p.cReg.end());
  std::vector<uint64_t> same(p.cReg);
  for (uint64_t v : z)
    if (v <= regMask)
      same.push_back(v);
  p.classes.rows = echelon(same);
  if (!p.cWarp.empty()) {
    std::vector<uint64_t> basis(z);
    basis.insert(basis.end(), p.cReg.begin(), p.cReg.end());
    basis.insert(basis.end(), p.cLane.begin(), p.cLane.end());
    std::vector<int> picked;
    for (uint64_t v : p.cWarp) {
      picked.push_back(int(basis.size()));
      basis.push_back(v);
    }
    LL_CHECK(basis.size() <= 63, Unsupported, "too many hardware bits");
    p.slot = coordinates(basis, p.hw.bits(), picked);
    std::vector<uint64_t> copies(z);
    copies.insert(copies.end(), p.cLane.begin(), p.cLane.end());
    copyBits(echelon(copies), p.hw, p.laneCopies, p.warpCopies);
  }
  return p;
}

bool ScanPlan::usesShared() const {
  for (uint64_t h : steps)
    if (hw.warpPart(h))
      return true;
  return false;
}

int64_t ScanPlan::sharedEntries() const {
  return usesShared() ? int64_t(1) << (hw.axisBits + hw.restBits) : 0;
}

Expected<ScanPlan> planScan(const LinearLayout &layout,
                            const std::vector<int64_t> &shape, int axis) {
  LL_TRY(hw, HardwareSpace::get(layout, shape, axis));
  ScanPlan p;
  p.hw = std::move(hw);
  std::vector<uint64_t> z = echelon(kernelOf(p.hw.fullImg()));
  f2::Span zs(z);
  std::vector<uint64_t> zReg;
  for (uint64_t v : z)
    if (v <= p.hw.regMask())
      zReg.push_back(v);
  p.copies.rows = echelon(zReg);
  copyBits(z, p.hw, p.laneCopies, p.warpCopies);
  // The points of K by their axis images: axis position -> a point of K.
  f2::PairedSpan byImage;
  for (uint64_t v : kernelOf(p.hw.restImg))
    byImage.insert(uint64_t(p.hw.image(v, /*axis=*/true)), v);
  for (int k = 0; k < p.hw.axisBits; ++k) {
    uint64_t t = uint64_t(1) << k, v = 0;
    byImage.reduce(t, v);
    LL_CHECK(t == 0, Unsupported,
             "the layout does not cover every position of the axis");
    p.steps.push_back(zs.reduce(v));
  }
  return p;
}

} // namespace ll
