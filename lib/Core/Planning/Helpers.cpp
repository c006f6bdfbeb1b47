//===- Helpers.cpp - Helpers on flattened layouts -------------------------===//

#include "Detail.h"

#include <algorithm>

namespace ll {
using namespace detail;

namespace detail {

/// Columns (flattened images) of each in dim, by name.
std::map<std::string, std::vector<uint64_t>> columnsByDim(const LinearLayout &l) {
  std::vector<uint64_t> cols = l.flatColumns();
  std::map<std::string, std::vector<uint64_t>> r;
  size_t c = 0;
  for (int i = 0; i < l.numInDims(); ++i) {
    auto &v = r[l.inDimName(i)];
    for (int b = 0; b < l.inDimSizeLog2(i); ++b)
      v.push_back(cols[c++]);
  }
  for (const char *d : kDistributedDims)
    r[d];
  return r;
}

/// A flattened vector back to one component per out dim of `like`.
Basis unflatten(uint64_t v, const LinearLayout &like) {
  Basis b;
  for (int o = 0; o < like.numOutDims(); ++o) {
    int k = like.outDimSizeLog2(o);
    b.push_back(int32_t(v & ((uint64_t(1) << k) - 1)));
    v >>= k;
  }
  return b;
}

/// The layout over the distributed in dims (kDistributedDims order) whose flattened
/// columns are `cols`, with the out dims of `like`.
Expected<LinearLayout>
fromColumns(const std::map<std::string, std::vector<uint64_t>> &cols,
            const LinearLayout &like) {
  std::vector<std::pair<std::string, std::vector<Basis>>> ins;
  for (const char *d : kDistributedDims) {
    std::vector<Basis> b;
    if (auto it = cols.find(d); it != cols.end())
      for (uint64_t v : it->second)
        b.push_back(unflatten(v, like));
    ins.push_back({d, b});
  }
  return LinearLayout::create(ins, like.outDims(), false);
}

bool isUnit(uint64_t v) { return v && !(v & (v - 1)); }

/// The mask of in dim `dim` in a freeVariableMasks() result (0 if absent).
int32_t maskOf(const std::vector<std::pair<std::string, int32_t>> &masks,
               const char *dim) {
  for (auto &[d, m] : masks)
    if (d == dim)
      return m;
  return 0;
}

/// The nonzero vectors of `v` independent of those before them, in order.
std::vector<uint64_t> independentPrefix(const std::vector<uint64_t> &v) {
  std::vector<uint64_t> r;
  f2::Span span;
  for (uint64_t x : v)
    if (x && span.insert(x))
      r.push_back(x);
  return r;
}

/// The `rows` x cols.size() matrix whose column j is the bit vector cols[j].
f2::Matrix matrixOfColumns(const std::vector<uint64_t> &cols, int rows) {
  f2::Matrix m(rows, int(cols.size()));
  for (size_t j = 0; j < cols.size(); ++j)
    for (int i = 0; i < rows; ++i)
      if ((cols[j] >> i) & 1)
        m.set(i, int(j));
  return m;
}

int log2i(int64_t x) { return log2Floor(uint64_t(x)); }

/// The size of in dim `d` (1 where the layout has no such dim).
int64_t sizeOf(const LinearLayout &l, const char *d) {
  int i = l.inDimIndex(d);
  return i < 0 ? 1 : l.inDimSize(i);
}

Expected<bool> checkPlanInputs(const LinearLayout &a, const char *aName,
                               const LinearLayout &b, const char *bName,
                               int bitwidth) {
  LL_TRY(okA, checkDistributed(a, (std::string(aName) + " layout").c_str()));
  LL_TRY(okB, checkDistributed(b, (std::string(bName) + " layout").c_str()));
  (void)okA, (void)okB;
  LL_CHECK(bitwidth >= 8 && bitwidth <= 64 && isPowerOf2(bitwidth),
           InvalidArgument, "bitwidth must be 8, 16, 32 or 64");
  return true;
}

/// Two layouts that exchange data run on the same threads: the same numbers
/// of lanes, warps and blocks, and warps of the target's size (a missing dim
/// counts as size 1; a layout without lanes runs on one lane).
Expected<bool> checkSameThreads(const LinearLayout &a, const char *aName,
                                const LinearLayout &b, const char *bName,
                                const Target &target) {
  for (const char *d : {"lane", "warp", "block"})
    LL_CHECK(sizeOf(a, d) == sizeOf(b, d), DimMismatch,
             std::string(aName) + " runs on " + std::to_string(sizeOf(a, d)) +
                 " " + d + "s but " + bName + " on " +
                 std::to_string(sizeOf(b, d)) +
                 ": a conversion cannot change the number of " + d + "s");
  int64_t lanes = sizeOf(a, "lane");
  LL_CHECK(lanes == 1 || lanes == target.warpSize, DimMismatch,
           "the layouts have " + std::to_string(lanes) + " lanes per warp but " +
               target.name + " has " + std::to_string(target.warpSize) +
               "-lane warps");
  return true;
}

Expected<bool> checkConversion(const LinearLayout &src, const LinearLayout &dst,
                               int bitwidth, const Target &target) {
  LL_TRY(okIn, checkPlanInputs(src, "the source", dst, "the destination",
                                bitwidth));
  (void)okIn;
  LL_CHECK(src.outDims() == dst.outDims(), DimMismatch,
           "source and destination cover different tensors");
  return checkSameThreads(src, "the source", dst, "the destination", target);
}

} // namespace detail

} // namespace ll
