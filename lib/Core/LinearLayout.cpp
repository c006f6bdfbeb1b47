//===- LinearLayout.cpp - Tensor layouts as linear maps over F2 -----------===//

#include "linear_layouts/Core/LinearLayout.h"

#include <algorithm>
#include <numeric>
#include <sstream>

namespace ll {

bool isPowerOf2(int64_t x) { return x > 0 && (x & (x - 1)) == 0; }

int log2Floor(uint64_t x) { return x ? 63 - __builtin_clzll(x) : -1; }

static std::string joinNames(const std::vector<std::string> &names) {
  std::string s = "[";
  for (size_t i = 0; i < names.size(); ++i)
    s += (i ? ", " : "") + names[i];
  return s + "]";
}

//===----------------------------------------------------------------------===//
// Construction
//===----------------------------------------------------------------------===//

Expected<LinearLayout> LinearLayout::build(std::vector<InDim> ins,
                                           std::vector<OutDim> outs,
                                           bool requireSurjective) {
  size_t nOut = outs.size();
  for (size_t i = 0; i < ins.size(); ++i)
    for (size_t j = i + 1; j < ins.size(); ++j)
      LL_CHECK(ins[i].name != ins[j].name, InvalidArgument,
               "duplicate in dim '" + ins[i].name + "'");
  for (const InDim &in : ins)
    LL_CHECK(in.log2 <= kMaxDimLog2, OutOfRange,
             "in dim '" + in.name + "' would have 2^" +
                 std::to_string(in.log2) + " elements (at most 2^" +
                 std::to_string(kMaxDimLog2) + " are supported)");
  for (size_t i = 0; i < nOut; ++i) {
    LL_CHECK(outs[i].log2 >= 0 && outs[i].log2 <= kMaxDimLog2, OutOfRange,
             "out dim '" + outs[i].name + "' would have 2^" +
                 std::to_string(outs[i].log2) + " elements (at most 2^" +
                 std::to_string(kMaxDimLog2) + " are supported)");
    for (size_t j = i + 1; j < nOut; ++j)
      LL_CHECK(outs[i].name != outs[j].name, InvalidArgument,
               "duplicate out dim '" + outs[i].name + "'");
  }
  for (const InDim &in : ins) {
    LL_CHECK(in.flat.size() == static_cast<size_t>(in.log2) * nOut,
             DimMismatch,
             "every basis of in dim '" + in.name + "' must have " +
                 std::to_string(nOut) + " components (one per out dim)");
    for (int b = 0; b < in.log2; ++b)
      for (size_t o = 0; o < nOut; ++o) {
        int32_t v = in.flat[b * nOut + o];
        LL_CHECK(v >= 0, OutOfRange,
                 "basis " + std::to_string(b) + " of in dim '" + in.name +
                     "' has a negative component " + std::to_string(v));
        LL_CHECK(v < (int64_t(1) << outs[o].log2), OutOfRange,
                 "basis " + std::to_string(b) + " of in dim '" + in.name +
                     "' has component " + std::to_string(v) +
                     " out of range for out dim '" + outs[o].name +
                     "' of size " + std::to_string(int64_t(1) << outs[o].log2));
      }
  }
  LinearLayout l;
  l.ins_ = std::move(ins);
  l.outs_ = std::move(outs);
  l.computeSurjective();
  if (requireSurjective && !l.surjective_)
    return Error(ErrorKind::InvalidArgument,
                 "layout is not surjective (some output is never reached):" +
                     l.toString());
  return l;
}

// Rank of the flattened columns when they fit in 64 bits, without allocating:
// an XOR basis indexed by leading bit. Returns -1 when they do not fit.
static int smallRank(const std::vector<std::pair<int, const int32_t *>> &dims,
                     const int *shift, size_t nOut, int outBits) {
  if (outBits > 64)
    return -1;
  uint64_t basis[64] = {};
  int rank = 0;
  for (auto &[log2, flat] : dims)
    for (int b = 0; b < log2; ++b) {
      uint64_t v = 0;
      for (size_t o = 0; o < nOut; ++o)
        v |= uint64_t(uint32_t(flat[b * nOut + o])) << shift[o];
      while (v) {
        int lead = 63 - __builtin_clzll(v);
        if (!basis[lead]) {
          basis[lead] = v;
          ++rank;
          break;
        }
        v ^= basis[lead];
      }
    }
  return rank;
}

void LinearLayout::computeSurjective() {
  int outBits = totalOutBits();
  if (outBits == 0) {
    surjective_ = true;
    return;
  }
  if (outBits <= 64 && outs_.size() <= 16) {
    int shift[16];
    shift[0] = 0;
    for (size_t o = 1; o < outs_.size(); ++o)
      shift[o] = shift[o - 1] + outs_[o - 1].log2;
    std::vector<std::pair<int, const int32_t *>> dims;
    dims.reserve(ins_.size());
    for (const InDim &d : ins_)
      dims.push_back({d.log2, d.flat.data()});
    surjective_ = smallRank(dims, shift, outs_.size(), outBits) == outBits;
    return;
  }
  surjective_ = matrix().rank() == outBits;
}

Expected<LinearLayout> LinearLayout::create(BasesList bases,
                                            std::vector<std::string> outNames,
                                            bool requireSurjective) {
  std::vector<OutDim> outs;
  for (auto &n : outNames)
    outs.push_back({n, 0});
  std::vector<InDim> ins;
  for (auto &[name, bs] : bases) {
    InDim in{name, static_cast<int>(bs.size()), {}};
    for (const Basis &b : bs) {
      LL_CHECK(b.size() == outs.size(), DimMismatch,
               "every basis of in dim '" + name + "' must have " +
                   std::to_string(outs.size()) +
                   " components (one per out dim)");
      for (size_t o = 0; o < b.size(); ++o) {
        LL_CHECK(b[o] >= 0, OutOfRange,
                 "in dim '" + name + "' has a negative basis component");
        // Smallest power of two strictly greater than the component.
        outs[o].log2 = std::max(outs[o].log2, log2Floor(uint64_t(b[o])) + 1);
        in.flat.push_back(b[o]);
      }
    }
    ins.push_back(std::move(in));
  }
  return build(std::move(ins), std::move(outs), requireSurjective);
}

Expected<LinearLayout> LinearLayout::create(BasesList bases, DimSizes outDims,
                                            bool requireSurjective) {
  std::vector<OutDim> outs;
  for (auto &[n, size] : outDims) {
    LL_CHECK(isPowerOf2(size), NotPowerOfTwo,
             "out dim '" + n + "' has size " + std::to_string(size) +
                 ", which is not a power of two");
    outs.push_back({n, log2Floor(size)});
  }
  std::vector<InDim> ins;
  for (auto &[name, bs] : bases) {
    InDim in{name, static_cast<int>(bs.size()), {}};
    for (const Basis &b : bs) {
      LL_CHECK(b.size() == outs.size(), DimMismatch,
               "every basis of in dim '" + name + "' must have " +
                   std::to_string(outs.size()) +
                   " components (one per out dim)");
      in.flat.insert(in.flat.end(), b.begin(), b.end());
    }
    ins.push_back(std::move(in));
  }
  return build(std::move(ins), std::move(outs), requireSurjective);
}

Expected<LinearLayout> LinearLayout::identity1D(int64_t size, std::string in,
                                                std::string out) {
  if (size == 0)
    return LinearLayout();
  return strided1D(size, 1, std::move(in), std::move(out));
}

Expected<LinearLayout> LinearLayout::strided1D(int64_t size, int64_t stride,
                                               std::string in,
                                               std::string out) {
  LL_CHECK(isPowerOf2(size), NotPowerOfTwo,
           "size " + std::to_string(size) + " is not a power of two");
  LL_CHECK(isPowerOf2(stride), NotPowerOfTwo,
           "stride " + std::to_string(stride) + " is not a power of two");
  int outLog2 = log2Floor(size) + log2Floor(stride);
  LL_CHECK(outLog2 <= kMaxDimLog2, OutOfRange,
           "size " + std::to_string(size) + " x stride " +
               std::to_string(stride) + " exceeds the 2^" +
               std::to_string(kMaxDimLog2) + " elements a dim can hold");
  InDim d{std::move(in), log2Floor(size), {}};
  for (int i = 0; i < d.log2; ++i)
    d.flat.push_back(static_cast<int32_t>(stride << i));
  return build({std::move(d)}, {{std::move(out), outLog2}},
               /*requireSurjective=*/false);
}

Expected<LinearLayout> LinearLayout::zeros1D(int64_t size, std::string in,
                                             std::string out,
                                             int64_t outSize) {
  if (size == 0)
    return LinearLayout();
  LL_CHECK(isPowerOf2(size), NotPowerOfTwo,
           "size " + std::to_string(size) + " is not a power of two");
  LL_CHECK(isPowerOf2(outSize), NotPowerOfTwo,
           "out size " + std::to_string(outSize) + " is not a power of two");
  InDim d{std::move(in), log2Floor(size), {}};
  d.flat.assign(d.log2, 0);
  return build({std::move(d)}, {{std::move(out), log2Floor(outSize)}},
               /*requireSurjective=*/false);
}

Expected<LinearLayout> LinearLayout::identity(const DimSizes &dims) {
  std::vector<InDim> ins;
  std::vector<OutDim> outs;
  size_t n = dims.size();
  for (size_t i = 0; i < n; ++i) {
    auto &[name, size] = dims[i];
    LL_CHECK(isPowerOf2(size), NotPowerOfTwo,
             "size " + std::to_string(size) + " of '" + name +
                 "' is not a power of two");
    outs.push_back({name, log2Floor(size)});
  }
  for (size_t i = 0; i < n; ++i) {
    InDim d{outs[i].name, outs[i].log2,
            std::vector<int32_t>(outs[i].log2 * n, 0)};
    for (int b = 0; b < d.log2; ++b)
      d.flat[b * n + i] = int32_t(1) << b;
    ins.push_back(std::move(d));
  }
  return build(std::move(ins), std::move(outs), /*requireSurjective=*/false);
}

//===----------------------------------------------------------------------===//
// Queries
//===----------------------------------------------------------------------===//

std::vector<std::string> LinearLayout::inDimNames() const {
  std::vector<std::string> r;
  for (auto &d : ins_)
    r.push_back(d.name);
  return r;
}
std::vector<std::string> LinearLayout::outDimNames() const {
  std::vector<std::string> r;
  for (auto &d : outs_)
    r.push_back(d.name);
  return r;
}
int LinearLayout::inDimIndex(const std::string &name) const {
  for (size_t i = 0; i < ins_.size(); ++i)
    if (ins_[i].name == name)
      return static_cast<int>(i);
  return -1;
}
int LinearLayout::outDimIndex(const std::string &name) const {
  for (size_t i = 0; i < outs_.size(); ++i)
    if (outs_[i].name == name)
      return static_cast<int>(i);
  return -1;
}
int LinearLayout::totalInBits() const {
  int n = 0;
  for (auto &d : ins_)
    n += d.log2;
  return n;
}
int LinearLayout::totalOutBits() const {
  int n = 0;
  for (auto &d : outs_)
    n += d.log2;
  return n;
}
DimSizes LinearLayout::inDims() const {
  DimSizes r;
  for (auto &d : ins_)
    r.push_back({d.name, int32_t(1) << d.log2});
  return r;
}
DimSizes LinearLayout::outDims() const {
  DimSizes r;
  for (auto &d : outs_)
    r.push_back({d.name, int32_t(1) << d.log2});
  return r;
}
std::vector<Basis> LinearLayout::bases(int in) const {
  std::vector<Basis> r;
  size_t n = outs_.size();
  for (int b = 0; b < ins_[in].log2; ++b)
    r.emplace_back(ins_[in].flat.begin() + b * n,
                   ins_[in].flat.begin() + (b + 1) * n);
  return r;
}
BasesList LinearLayout::bases() const {
  BasesList r;
  for (size_t i = 0; i < ins_.size(); ++i)
    r.push_back({ins_[i].name, bases(static_cast<int>(i))});
  return r;
}

std::vector<int32_t>
LinearLayout::apply(const std::vector<int32_t> &inVals) const {
  size_t n = outs_.size();
  std::vector<int32_t> out(n, 0);
  for (size_t i = 0; i < ins_.size() && i < inVals.size(); ++i) {
    uint32_t v = static_cast<uint32_t>(inVals[i]);
    const int32_t *f = ins_[i].flat.data();
    for (int b = 0; v && b < ins_[i].log2; ++b, v >>= 1)
      if (v & 1)
        for (size_t o = 0; o < n; ++o)
          out[o] ^= f[b * n + o];
  }
  return out;
}

Expected<std::vector<int32_t>> LinearLayout::applyNamed(
    const std::vector<std::pair<std::string, int32_t>> &named) const {
  std::vector<int32_t> vals(ins_.size(), 0);
  std::vector<bool> seen(ins_.size(), false);
  for (auto &[name, v] : named) {
    int i = inDimIndex(name);
    LL_CHECK(i >= 0, DimMismatch,
             "'" + name + "' is not an in dim of this layout (in dims: " +
                 joinNames(inDimNames()) + ")");
    LL_CHECK(!seen[i], DimMismatch, "in dim '" + name + "' given twice");
    LL_CHECK(v >= 0 && v < inDimSize(i), OutOfRange,
             "value " + std::to_string(v) + " is out of range for in dim '" +
                 name + "' of size " + std::to_string(inDimSize(i)));
    seen[i] = true;
    vals[i] = v;
  }
  for (size_t i = 0; i < ins_.size(); ++i)
    LL_CHECK(seen[i], DimMismatch,
             "missing a value for in dim '" + ins_[i].name + "'");
  return apply(vals);
}

std::vector<uint64_t> LinearLayout::flatColumns() const {
  size_t n = outs_.size();
  std::vector<int> shift(n, 0);
  for (size_t o = 1; o < n; ++o)
    shift[o] = shift[o - 1] + outs_[o - 1].log2;
  std::vector<uint64_t> cols;
  cols.reserve(totalInBits());
  for (const InDim &d : ins_)
    for (int b = 0; b < d.log2; ++b) {
      uint64_t c = 0;
      for (size_t o = 0; o < n; ++o)
        c |= uint64_t(uint32_t(d.flat[b * n + o])) << shift[o];
      cols.push_back(c);
    }
  return cols;
}

f2::Matrix LinearLayout::matrix() const {
  f2::Matrix m(totalOutBits(), totalInBits());
  size_t n = outs_.size();
  int c = 0;
  for (const InDim &d : ins_)
    for (int b = 0; b < d.log2; ++b, ++c) {
      int r = 0;
      for (size_t o = 0; o < n; ++o) {
        uint32_t v = uint32_t(d.flat[b * n + o]);
        for (int k = 0; k < outs_[o].log2; ++k)
          if ((v >> k) & 1)
            m.set(r + k, c);
        r += outs_[o].log2;
      }
    }
  return m;
}

bool LinearLayout::isInjective() const {
  int inBits = totalInBits();
  if (totalOutBits() <= 64)
    return f2::rank(flatColumns()) == inBits;
  return matrix().rank() == inBits;
}

std::vector<std::pair<std::string, int32_t>>
LinearLayout::freeVariableMasks() const {
  f2::Matrix m = matrix();
  std::vector<int> pivots = m.rref();
  std::vector<bool> isPivot(m.cols(), false);
  for (int p : pivots)
    isPivot[p] = true;
  std::vector<std::pair<std::string, int32_t>> r;
  int c = 0;
  for (const InDim &d : ins_) {
    int32_t mask = 0;
    for (int b = 0; b < d.log2; ++b, ++c)
      if (!isPivot[c])
        mask |= int32_t(1) << b;
    r.push_back({d.name, mask});
  }
  return r;
}

int32_t LinearLayout::numConsecutive() const {
  if (ins_.empty() || outs_.empty())
    return 1;
  size_t n = outs_.size();
  const InDim &first = ins_[0];
  int consec = 0;
  for (; consec < first.log2; ++consec) {
    const int32_t *b = &first.flat[consec * n];
    bool unit = b[0] == (int32_t(1) << consec);
    for (size_t o = 1; o < n && unit; ++o)
      unit = b[o] == 0;
    if (!unit)
      break;
  }
  int32_t other = 0;
  for (size_t i = 0; i < ins_.size(); ++i)
    for (int b = (i == 0 ? consec : 0); b < ins_[i].log2; ++b)
      other |= ins_[i].flat[b * n];
  int tz = other ? __builtin_ctz(uint32_t(other)) : 31;
  return int32_t(1) << std::min(consec, tz);
}

bool LinearLayout::operator==(const LinearLayout &o) const {
  if (ins_.size() != o.ins_.size() || outs_.size() != o.outs_.size())
    return false;
  for (size_t i = 0; i < outs_.size(); ++i)
    if (outs_[i].name != o.outs_[i].name || outs_[i].log2 != o.outs_[i].log2)
      return false;
  for (size_t i = 0; i < ins_.size(); ++i)
    if (ins_[i].name != o.ins_[i].name || ins_[i].log2 != o.ins_[i].log2 ||
        ins_[i].flat != o.ins_[i].flat)
      return false;
  return true;
}

bool LinearLayout::equalIgnoringDimOrder(const LinearLayout &o) const {
  if (ins_.size() != o.ins_.size() || outs_.size() != o.outs_.size())
    return false;
  auto t = o.transposeIns(inDimNames());
  if (!t)
    return false;
  auto u = t->transposeOuts(outDimNames());
  return u && *this == *u;
}

std::string LinearLayout::toString() const {
  std::ostringstream os;
  auto outsStr = [&] {
    std::string s = "[";
    for (size_t i = 0; i < outs_.size(); ++i)
      s += (i ? ", " : "") + outs_[i].name + " (size " +
           std::to_string(int64_t(1) << outs_[i].log2) + ")";
    return s + "]";
  };
  if (ins_.empty())
    return outs_.empty() ? "\n(empty layout)"
                         : "\n(empty layout with out-dims " + outsStr() + ")";
  os << "\n";
  size_t n = outs_.size();
  for (const InDim &d : ins_) {
    if (d.log2 == 0) {
      os << " - " << d.name << " is a size 1 dimension\n";
      continue;
    }
    for (int b = 0; b < d.log2; ++b) {
      os << (b == 0 ? " - " : "   ") << d.name << "=" << (int64_t(1) << b)
         << " -> (";
      for (size_t o = 0; o < n; ++o)
        os << (o ? ", " : "") << d.flat[b * n + o];
      os << ")\n";
    }
  }
  os << "where out dims are: " << outsStr();
  return os.str();
}

//===----------------------------------------------------------------------===//
// Algebra
//===----------------------------------------------------------------------===//

// The "supremum" of two name orders: a merge that keeps the relative order of
// both lists where they agree. When they disagree, the first occurrence that
// comes sooner in the other list wins (so [a, b] and [b, a] merge to [a, b]).
// Examples: [a, c] v [b, c] = [a, b, c]; [dim0, dim1] v [dim1, dim0] =
// [dim0, dim1].
static std::vector<std::string> supremum(const std::vector<std::string> &x,
                                         const std::vector<std::string> &y) {
  auto pos = [](const std::vector<std::string> &v, const std::string &s) {
    auto it = std::find(v.begin(), v.end(), s);
    return it == v.end() ? -1 : static_cast<int>(it - v.begin());
  };
  std::vector<std::string> r;
  auto taken = [&](const std::string &s) { return pos(r, s) >= 0; };
  const int INF = 1 << 30;
  size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    while (i < x.size() && taken(x[i]))
      ++i;
    while (j < y.size() && taken(y[j]))
      ++j;
    if (i >= x.size() && j >= y.size())
      break;
    if (i < x.size() && j < y.size() && x[i] == y[j]) {
      r.push_back(x[i]);
      ++i, ++j;
      continue;
    }
    int px = i < x.size() ? pos(y, x[i]) : -1;
    int py = j < y.size() ? pos(x, y[j]) : -1;
    int cx = px >= static_cast<int>(j) ? px : INF;
    int cy = py >= static_cast<int>(i) ? py : INF;
    if (i < x.size() && cx == INF) {
      r.push_back(x[i++]);
      continue;
    }
    if (j < y.size() && cy == INF) {
      r.push_back(y[j++]);
      continue;
    }
    if (cx <= cy)
      r.push_back(x[i++]);
    else
      r.push_back(y[j++]);
  }
  return r;
}

Expected<LinearLayout> LinearLayout::product(const LinearLayout &outer) const {
  const LinearLayout &inner = *this;
  std::vector<std::string> inNames =
      supremum(inner.inDimNames(), outer.inDimNames());
  std::vector<std::string> outNames =
      supremum(inner.outDimNames(), outer.outDimNames());
  size_t n = outNames.size();
  std::vector<OutDim> outs(n);
  std::vector<int> innerOut(n), outerOut(n);
  for (size_t o = 0; o < n; ++o) {
    innerOut[o] = inner.outDimIndex(outNames[o]);
    outerOut[o] = outer.outDimIndex(outNames[o]);
    outs[o].name = outNames[o];
    outs[o].log2 = (innerOut[o] >= 0 ? inner.outs_[innerOut[o]].log2 : 0) +
                   (outerOut[o] >= 0 ? outer.outs_[outerOut[o]].log2 : 0);
    // Checked before the shifts below, which would overflow.
    LL_CHECK(outs[o].log2 <= kMaxDimLog2, OutOfRange,
             "out dim '" + outs[o].name + "' would have 2^" +
                 std::to_string(outs[o].log2) + " elements (at most 2^" +
                 std::to_string(kMaxDimLog2) + " are supported)");
  }
  std::vector<InDim> ins;
  for (const std::string &name : inNames) {
    int ii = inner.inDimIndex(name), oi = outer.inDimIndex(name);
    int ni = ii >= 0 ? inner.ins_[ii].log2 : 0;
    int no = oi >= 0 ? outer.ins_[oi].log2 : 0;
    InDim d{name, ni + no, std::vector<int32_t>((ni + no) * n, 0)};
    for (size_t o = 0; o < n; ++o) {
      if (ii >= 0 && innerOut[o] >= 0)
        for (int b = 0; b < ni; ++b)
          d.flat[b * n + o] = inner.basis(ii, b, innerOut[o]);
      if (oi >= 0 && outerOut[o] >= 0) {
        int shift = innerOut[o] >= 0 ? inner.outs_[innerOut[o]].log2 : 0;
        for (int b = 0; b < no; ++b)
          d.flat[(ni + b) * n + o] = outer.basis(oi, b, outerOut[o]) << shift;
      }
    }
    ins.push_back(std::move(d));
  }
  return build(std::move(ins), std::move(outs), /*requireSurjective=*/false);
}

Expected<LinearLayout> LinearLayout::compose(const LinearLayout &outer) const {
  LL_CHECK(numOutDims() == outer.numInDims(), DimMismatch,
           "compose: the out dims " + joinNames(outDimNames()) +
               " must be the in dims of the outer layout " +
               joinNames(outer.inDimNames()));
  std::vector<int> map(outs_.size());
  for (size_t o = 0; o < outs_.size(); ++o) {
    map[o] = outer.inDimIndex(outs_[o].name);
    LL_CHECK(map[o] >= 0, DimMismatch,
             "compose: out dim '" + outs_[o].name +
                 "' is not an in dim of the outer layout " +
                 joinNames(outer.inDimNames()));
    LL_CHECK(outs_[o].log2 <= outer.ins_[map[o]].log2, DimMismatch,
             "compose: out dim '" + outs_[o].name + "' (size " +
                 std::to_string(outDimSize(o)) +
                 ") is larger than the outer layout's in dim");
  }
  size_t n = outs_.size(), m = outer.outs_.size();
  std::vector<InDim> ins;
  ins.reserve(ins_.size());
  for (const InDim &d : ins_) {
    InDim nd{d.name, d.log2, std::vector<int32_t>(d.log2 * m, 0)};
    for (int b = 0; b < d.log2; ++b) {
      int32_t *dst = &nd.flat[b * m];
      // outer(basis): XOR outer's bases for every set bit of every component.
      for (size_t o = 0; o < n; ++o) {
        const InDim &od = outer.ins_[map[o]];
        uint32_t v = uint32_t(d.flat[b * n + o]);
        while (v) {
          int k = __builtin_ctz(v);
          v &= v - 1;
          const int32_t *src = &od.flat[k * m];
          for (size_t j = 0; j < m; ++j)
            dst[j] ^= src[j];
        }
      }
    }
    ins.push_back(std::move(nd));
  }
  return build(std::move(ins), outer.outs_, /*requireSurjective=*/false);
}

Expected<LinearLayout>
LinearLayout::invertAndCompose(const LinearLayout &outer) const {
  // Notation: B = *this, A = outer; find C with B(x) = A(C(x)).
  const LinearLayout &B = *this;
  LL_CHECK(B.numOutDims() == outer.numOutDims(), DimMismatch,
           "invertAndCompose: out dims differ: " + joinNames(outDimNames()) +
               " vs " + joinNames(outer.outDimNames()));
  LL_TRY(A, outer.transposeOuts(B.outDimNames()));
  for (int o = 0; o < B.numOutDims(); ++o)
    LL_CHECK(B.outs_[o].log2 <= A.outs_[o].log2, DimMismatch,
             "invertAndCompose: out dim '" + B.outs_[o].name +
                 "' is larger in this layout than in the outer one");
  LL_CHECK(A.isSurjective(), NotInvertible,
           "invertAndCompose: the outer layout must be surjective");

  // Dims present in both with identical bases are mapped by the identity
  // (the broadcasting heuristic: "nothing to move" along such dims).
  size_t nA = A.ins_.size(), nB = B.ins_.size();
  std::vector<bool> identA(nA, false), identB(nB, false);
  for (size_t i = 0; i < nA; ++i) {
    int j = B.inDimIndex(A.ins_[i].name);
    if (j >= 0 && A.ins_[i].log2 == B.ins_[j].log2 &&
        A.ins_[i].flat == B.ins_[j].flat)
      identA[i] = identB[j] = true;
  }

  // Solve [A' | B'] with A', B' the non-identity columns, rows = out bits.
  auto solve = [&](const std::vector<bool> &skipA,
                   const std::vector<bool> &skipB)
      -> std::optional<std::vector<uint64_t>> {
    // Returns, per B' column, the A' column bits of its solution.
    std::vector<int> colA, colB; // (dim, bit) flattened indices
    int rows = B.totalOutBits();
    std::vector<int> rowShift(B.outs_.size(), 0);
    for (size_t o = 1; o < B.outs_.size(); ++o)
      rowShift[o] = rowShift[o - 1] + B.outs_[o - 1].log2;
    int numColsA = 0, numColsB = 0;
    for (size_t i = 0; i < nA; ++i)
      if (!skipA[i])
        numColsA += A.ins_[i].log2;
    for (size_t i = 0; i < nB; ++i)
      if (!skipB[i])
        numColsB += B.ins_[i].log2;
    f2::Matrix m(rows, numColsA + numColsB);
    size_t n = B.outs_.size();
    auto fill = [&](const LinearLayout &L, const std::vector<bool> &skip,
                    int c) {
      for (size_t i = 0; i < L.ins_.size(); ++i) {
        if (skip[i])
          continue;
        for (int b = 0; b < L.ins_[i].log2; ++b, ++c)
          for (size_t o = 0; o < n; ++o) {
            uint32_t v = uint32_t(L.ins_[i].flat[b * n + o]);
            while (v) {
              int k = __builtin_ctz(v);
              v &= v - 1;
              m.set(rowShift[o] + k, c);
            }
          }
      }
    };
    fill(A, skipA, 0);
    fill(B, skipB, numColsA);
    std::vector<int> pivots = m.rref();
    std::vector<uint64_t> sol(numColsB, 0);
    for (size_t r = 0; r < pivots.size(); ++r) {
      if (pivots[r] >= numColsA)
        return std::nullopt; // B's image is not inside A's
      for (int c = 0; c < numColsB; ++c)
        if (m.get(static_cast<int>(r), numColsA + c))
          sol[c] |= uint64_t(1) << pivots[r];
    }
    return sol;
  };

  std::optional<std::vector<uint64_t>> sol = solve(identA, identB);
  if (!sol) {
    // The identity heuristic removed columns that the rest needs; solve the
    // whole system instead (still the least solution).
    std::fill(identA.begin(), identA.end(), false);
    std::fill(identB.begin(), identB.end(), false);
    sol = solve(identA, identB);
  }
  LL_CHECK(sol.has_value(), NotInvertible,
           "invertAndCompose: the image of this layout is not contained in "
           "the image of the outer layout");

  // Result: in dims = B's in dims; out dims = A's in dims (with sizes).
  std::vector<OutDim> outs;
  std::vector<int> aBitStart(nA, -1); // first solution bit of each A' dim
  int bit = 0;
  for (size_t i = 0; i < nA; ++i) {
    outs.push_back({A.ins_[i].name, A.ins_[i].log2});
    if (!identA[i]) {
      aBitStart[i] = bit;
      bit += A.ins_[i].log2;
    }
  }
  size_t m = nA;
  std::vector<InDim> ins;
  int solCol = 0;
  for (size_t j = 0; j < nB; ++j) {
    InDim d{B.ins_[j].name, B.ins_[j].log2,
            std::vector<int32_t>(B.ins_[j].log2 * m, 0)};
    if (identB[j]) {
      int o = A.inDimIndex(d.name);
      for (int b = 0; b < d.log2; ++b)
        d.flat[b * m + o] = int32_t(1) << b;
    } else {
      for (int b = 0; b < d.log2; ++b, ++solCol) {
        uint64_t s = (*sol)[solCol];
        for (size_t i = 0; i < nA; ++i)
          if (aBitStart[i] >= 0)
            d.flat[b * m + i] = int32_t(
                (s >> aBitStart[i]) & ((uint64_t(1) << A.ins_[i].log2) - 1));
      }
    }
    ins.push_back(std::move(d));
  }
  return build(std::move(ins), std::move(outs), /*requireSurjective=*/false);
}

Expected<LinearLayout> LinearLayout::pseudoinvert() const {
  LL_CHECK(isSurjective(), NotInvertible,
           "pseudoinvert: the layout must be surjective:" + toString());
  LL_TRY(id, identity(outDims()));
  return id.invertAndCompose(*this);
}

Expected<LinearLayout> LinearLayout::invert() const {
  LL_CHECK(isInvertible(), NotInvertible,
           "invert: the layout is not invertible (it must be surjective and "
           "injective):" +
               toString());
  return pseudoinvert();
}

Expected<std::vector<int>>
LinearLayout::divisorOutMap(const LinearLayout &D, const char *op,
                            std::vector<OutDim> &quotientOuts) const {
  std::vector<int> dOut(outs_.size(), -1);
  for (size_t o = 0; o < D.outs_.size(); ++o) {
    int k = outDimIndex(D.outs_[o].name);
    LL_CHECK(k >= 0, DimMismatch,
             std::string(op) + ": out dim '" + D.outs_[o].name + "' is missing");
    LL_CHECK(D.outs_[o].log2 <= outs_[k].log2, DimMismatch,
             std::string(op) + ": divisor's out dim '" + D.outs_[o].name +
                 "' is larger");
    dOut[k] = static_cast<int>(o);
  }
  quotientOuts.clear();
  for (size_t o = 0; o < outs_.size(); ++o)
    quotientOuts.push_back(
        {outs_[o].name,
         outs_[o].log2 - (dOut[o] >= 0 ? D.outs_[dOut[o]].log2 : 0)});
  for (const InDim &di : D.ins_)
    LL_CHECK(hasInDim(di.name), DimMismatch,
             std::string(op) + ": in dim '" + di.name + "' is missing");
  return dOut;
}

Expected<LinearLayout>
LinearLayout::divideLeft(const LinearLayout &divisor) const {
  return divide(divisor, /*left=*/true);
}

Expected<LinearLayout>
LinearLayout::divideRight(const LinearLayout &divisor) const {
  return divide(divisor, /*left=*/false);
}

Expected<LinearLayout> LinearLayout::divide(const LinearLayout &divisor,
                                            bool left) const {
  // Left: this == divisor * C; per in dim the divisor's bases lead, and per
  // out dim its bits are the low ones (C's values sit above them).
  // Right: this == C * divisor; per in dim the divisor's bases trail and sit
  // above C's out bits in every shared out dim.
  const LinearLayout &D = divisor;
  const char *op = left ? "divideLeft" : "divideRight";
  size_t n = outs_.size();
  std::vector<OutDim> cOuts;
  LL_TRY(dOut, divisorOutMap(D, op, cOuts));
  Error notDivisible(ErrorKind::InvalidArgument,
                     std::string(op) + ": the layout is not " +
                         (left ? "divisor * C" : "C * divisor") +
                         " for any C");
  std::vector<InDim> cIns;
  for (const InDim &d : ins_) {
    int di = D.inDimIndex(d.name);
    int k = di >= 0 ? D.ins_[di].log2 : 0;
    if (k > d.log2)
      return notDivisible;
    int keep = d.log2 - k;
    int dFirst = left ? 0 : keep, cFirst = left ? k : 0;
    for (int b = 0; b < k; ++b)
      for (size_t o = 0; o < n; ++o) {
        int32_t want = dOut[o] >= 0 ? D.basis(di, b, dOut[o]) : 0;
        if (!left)
          want <<= cOuts[o].log2;
        if (d.flat[(dFirst + b) * n + o] != want)
          return notDivisible;
      }
    InDim c{d.name, keep, {}};
    for (int b = 0; b < keep; ++b)
      for (size_t o = 0; o < n; ++o) {
        int shift = left && dOut[o] >= 0 ? D.outs_[dOut[o]].log2 : 0;
        int32_t v = d.flat[(cFirst + b) * n + o];
        int32_t cv = v >> shift;
        if ((cv << shift) != v || cv >= (int32_t(1) << cOuts[o].log2))
          return notDivisible;
        c.flat.push_back(cv);
      }
    cIns.push_back(std::move(c));
  }
  return build(std::move(cIns), std::move(cOuts), /*requireSurjective=*/false);
}

bool LinearLayout::isTrivialOver(const std::vector<std::string> &dims) const {
  for (auto &d : dims) {
    int i = inDimIndex(d), o = outDimIndex(d);
    if (i < 0 || o < 0 || ins_[i].log2 != outs_[o].log2)
      return false;
  }
  auto in = [&](const std::string &s) {
    return std::find(dims.begin(), dims.end(), s) != dims.end();
  };
  // Bits of the `dims` out dims, in this layout's out-dim order.
  size_t n = outs_.size();
  // Expected image of the k-th bit of the flattened `dims` inputs: the k-th
  // bit of the flattened `dims` outputs, nothing in the other outputs.
  std::vector<int> outOrder; // out indices of dims, in out order
  for (size_t o = 0; o < n; ++o)
    if (in(outs_[o].name))
      outOrder.push_back(static_cast<int>(o));
  int k = 0;
  for (const InDim &d : ins_) {
    bool isDim = in(d.name);
    for (int b = 0; b < d.log2; ++b) {
      if (isDim) {
        // Locate output bit k among outOrder.
        int rem = k++, target = -1, tb = 0;
        for (int o : outOrder) {
          if (rem < outs_[o].log2) {
            target = o;
            tb = rem;
            break;
          }
          rem -= outs_[o].log2;
        }
        for (size_t o = 0; o < n; ++o) {
          int32_t want = static_cast<int>(o) == target ? (int32_t(1) << tb) : 0;
          if (d.flat[b * n + o] != want)
            return false;
        }
      } else {
        for (int o : outOrder)
          if (d.flat[b * n + o] != 0)
            return false;
      }
    }
  }
  return true;
}

Expected<LinearLayout>
LinearLayout::quotient(const std::vector<std::string> &dims) const {
  LL_CHECK(isTrivialOver(dims), InvalidArgument,
           "quotient: the layout is not trivial over " + joinNames(dims));
  std::vector<std::string> ins, outs;
  for (auto &d : ins_)
    if (std::find(dims.begin(), dims.end(), d.name) == dims.end())
      ins.push_back(d.name);
  for (auto &d : outs_)
    if (std::find(dims.begin(), dims.end(), d.name) == dims.end())
      outs.push_back(d.name);
  return sublayout(ins, outs);
}

Expected<LinearLayout>
LinearLayout::sublayout(const std::vector<std::string> &inNames,
                        const std::vector<std::string> &outNames) const {
  for (auto &s : inNames)
    LL_CHECK(hasInDim(s), DimMismatch, "sublayout: no in dim '" + s + "'");
  for (auto &s : outNames)
    LL_CHECK(hasOutDim(s), DimMismatch, "sublayout: no out dim '" + s + "'");
  auto has = [](const std::vector<std::string> &v, const std::string &s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  std::vector<int> keep;
  std::vector<OutDim> outs;
  for (size_t o = 0; o < outs_.size(); ++o)
    if (has(outNames, outs_[o].name)) {
      keep.push_back(static_cast<int>(o));
      outs.push_back(outs_[o]);
    }
  size_t n = outs_.size();
  std::vector<InDim> ins;
  for (const InDim &d : ins_) {
    if (!has(inNames, d.name))
      continue;
    InDim nd{d.name, d.log2, {}};
    for (int b = 0; b < d.log2; ++b)
      for (int o : keep)
        nd.flat.push_back(d.flat[b * n + o]);
    ins.push_back(std::move(nd));
  }
  return build(std::move(ins), std::move(outs), /*requireSurjective=*/false);
}

Expected<LinearLayout>
LinearLayout::transposeIns(const std::vector<std::string> &order) const {
  LL_CHECK(order.size() == ins_.size(), DimMismatch,
           "transposeIns: " + joinNames(order) +
               " is not a permutation of " + joinNames(inDimNames()));
  std::vector<InDim> ins;
  for (auto &name : order) {
    int i = inDimIndex(name);
    LL_CHECK(i >= 0, DimMismatch,
             "transposeIns: " + joinNames(order) +
                 " is not a permutation of " + joinNames(inDimNames()));
    ins.push_back(ins_[i]);
  }
  LinearLayout r = *this;
  r.ins_ = std::move(ins);
  // Duplicates are impossible: sizes match and every name was found.
  for (size_t i = 0; i < order.size(); ++i)
    for (size_t j = i + 1; j < order.size(); ++j)
      LL_CHECK(order[i] != order[j], DimMismatch,
               "transposeIns: duplicate dim '" + order[i] + "'");
  return r;
}

Expected<LinearLayout>
LinearLayout::transposeOuts(const std::vector<std::string> &order) const {
  LL_CHECK(order.size() == outs_.size(), DimMismatch,
           "transposeOuts: " + joinNames(order) +
               " is not a permutation of " + joinNames(outDimNames()));
  std::vector<int> perm;
  std::vector<OutDim> outs;
  for (auto &name : order) {
    int o = outDimIndex(name);
    LL_CHECK(o >= 0, DimMismatch,
             "transposeOuts: " + joinNames(order) +
                 " is not a permutation of " + joinNames(outDimNames()));
    LL_CHECK(std::find(perm.begin(), perm.end(), o) == perm.end(), DimMismatch,
             "transposeOuts: duplicate dim '" + name + "'");
    perm.push_back(o);
    outs.push_back(outs_[o]);
  }
  bool identityPerm = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identityPerm &= perm[i] == static_cast<int>(i);
  if (identityPerm)
    return *this;
  LinearLayout r = *this;
  size_t n = outs_.size();
  for (InDim &d : r.ins_)
    for (int b = 0; b < d.log2; ++b)
      for (size_t o = 0; o < n; ++o)
        d.flat[b * n + o] = ins_[r.inDimIndex(d.name)].flat[b * n + perm[o]];
  r.outs_ = std::move(outs);
  return r;
}

Expected<LinearLayout> LinearLayout::reshapeIns(const DimSizes &newIns) const {
  int total = 0;
  for (auto &[name, size] : newIns) {
    LL_CHECK(isPowerOf2(size), NotPowerOfTwo,
             "reshapeIns: size of '" + name + "' is not a power of two");
    total += log2Floor(size);
  }
  LL_CHECK(total == totalInBits(), DimMismatch,
           "reshapeIns: total in size changes (2^" + std::to_string(total) +
               " vs 2^" + std::to_string(totalInBits()) + ")");
  std::vector<int32_t> all;
  for (auto &d : ins_)
    all.insert(all.end(), d.flat.begin(), d.flat.end());
  size_t n = outs_.size();
  std::vector<InDim> ins;
  size_t pos = 0;
  for (auto &[name, size] : newIns) {
    int k = log2Floor(size);
    InDim d{name, k, std::vector<int32_t>(all.begin() + pos * n,
                                          all.begin() + (pos + k) * n)};
    pos += k;
    ins.push_back(std::move(d));
  }
  return build(std::move(ins), outs_, /*requireSurjective=*/false);
}

Expected<LinearLayout>
LinearLayout::reshapeOuts(const DimSizes &newOuts) const {
  int total = 0;
  std::vector<OutDim> outs;
  for (auto &[name, size] : newOuts) {
    LL_CHECK(isPowerOf2(size), NotPowerOfTwo,
             "reshapeOuts: size of '" + name + "' is not a power of two");
    outs.push_back({name, log2Floor(size)});
    total += outs.back().log2;
  }
  LL_CHECK(total == totalOutBits(), DimMismatch,
           "reshapeOuts: total out size changes (2^" + std::to_string(total) +
               " vs 2^" + std::to_string(totalOutBits()) + ")");
  LL_CHECK(total <= 62, Unsupported, "reshapeOuts: more than 62 out bits");
  std::vector<uint64_t> cols = flatColumns();
  std::vector<InDim> ins;
  size_t c = 0;
  for (const InDim &d : ins_) {
    InDim nd{d.name, d.log2, {}};
    for (int b = 0; b < d.log2; ++b, ++c) {
      uint64_t v = cols[c];
      for (auto &o : outs) {
        nd.flat.push_back(int32_t(v & ((uint64_t(1) << o.log2) - 1)));
        v >>= o.log2;
      }
    }
    ins.push_back(std::move(nd));
  }
  return build(std::move(ins), std::move(outs), /*requireSurjective=*/false);
}

LinearLayout LinearLayout::flattenIns() const {
  if (ins_.empty())
    return *this;
  auto r = reshapeIns({{ins_[0].name, int32_t(1) << totalInBits()}});
  return r ? *r : *this;
}

LinearLayout LinearLayout::flattenOuts() const {
  if (outs_.empty())
    return *this;
  auto r = reshapeOuts({{outs_[0].name, int32_t(1) << totalOutBits()}});
  return r ? *r : *this;
}

Expected<LinearLayout>
LinearLayout::concatIns(const LinearLayout &other) const {
  LL_CHECK(outDimNames() == other.outDimNames(), DimMismatch,
           "concatIns: out dims differ: " + joinNames(outDimNames()) +
               " vs " + joinNames(other.outDimNames()));
  for (auto &d : other.ins_)
    LL_CHECK(!hasInDim(d.name), DimMismatch,
             "concatIns: in dim '" + d.name + "' is in both layouts");
  std::vector<OutDim> outs = outs_;
  for (size_t o = 0; o < outs.size(); ++o)
    outs[o].log2 = std::max(outs[o].log2, other.outs_[o].log2);
  std::vector<InDim> ins = ins_;
  ins.insert(ins.end(), other.ins_.begin(), other.ins_.end());
  return build(std::move(ins), std::move(outs), /*requireSurjective=*/false);
}

Expected<LinearLayout>
LinearLayout::concatOuts(const LinearLayout &other) const {
  LL_CHECK(inDims() == other.inDims(), DimMismatch,
           "concatOuts: in dims differ: " + joinNames(inDimNames()) + " vs " +
               joinNames(other.inDimNames()));
  for (auto &d : other.outs_)
    LL_CHECK(!hasOutDim(d.name), DimMismatch,
             "concatOuts: out dim '" + d.name + "' is in both layouts");
  size_t n = outs_.size(), m = other.outs_.size();
  std::vector<OutDim> outs = outs_;
  outs.insert(outs.end(), other.outs_.begin(), other.outs_.end());
  std::vector<InDim> ins;
  for (size_t i = 0; i < ins_.size(); ++i) {
    InDim d{ins_[i].name, ins_[i].log2, {}};
    for (int b = 0; b < d.log2; ++b) {
      d.flat.insert(d.flat.end(), ins_[i].flat.begin() + b * n,
                    ins_[i].flat.begin() + (b + 1) * n);
      d.flat.insert(d.flat.end(), other.ins_[i].flat.begin() + b * m,
                    other.ins_[i].flat.begin() + (b + 1) * m);
    }
    ins.push_back(std::move(d));
  }
  return build(std::move(ins), std::move(outs), /*requireSurjective=*/false);
}

Expected<LinearLayout>
LinearLayout::removeZeroBasesAlongDim(const std::string &in) const {
  int i = inDimIndex(in);
  LL_CHECK(i >= 0, DimMismatch, "no in dim '" + in + "'");
  size_t n = outs_.size();
  LinearLayout r = *this;
  InDim &d = r.ins_[i];
  std::vector<int32_t> flat;
  int kept = 0;
  for (int b = 0; b < d.log2; ++b) {
    bool zero = true;
    for (size_t o = 0; o < n; ++o)
      zero &= d.flat[b * n + o] == 0;
    if (!zero) {
      flat.insert(flat.end(), d.flat.begin() + b * n,
                  d.flat.begin() + (b + 1) * n);
      ++kept;
    }
  }
  d.flat = std::move(flat);
  d.log2 = kept;
  return r;
}

Expected<LinearLayout>
LinearLayout::withOutDimSizes(const DimSizes &outs) const {
  LL_CHECK(outs.size() == outs_.size(), DimMismatch,
           "withOutDimSizes: wrong number of out dims");
  std::vector<OutDim> no;
  for (size_t o = 0; o < outs.size(); ++o) {
    LL_CHECK(outs[o].first == outs_[o].name, DimMismatch,
             "withOutDimSizes: out dim names differ");
    LL_CHECK(isPowerOf2(outs[o].second), NotPowerOfTwo,
             "withOutDimSizes: size of '" + outs[o].first +
                 "' is not a power of two");
    no.push_back({outs[o].first, log2Floor(outs[o].second)});
  }
  return build(ins_, std::move(no), /*requireSurjective=*/false);
}

Expected<LinearLayout>
LinearLayout::withInDimBases(const std::string &in,
                             std::vector<Basis> bases) const {
  std::vector<InDim> ins = ins_;
  int i = inDimIndex(in);
  if (i < 0) {
    ins.push_back({in, 0, {}});
    i = static_cast<int>(ins.size()) - 1;
  }
  InDim &d = ins[i];
  d.log2 = static_cast<int>(bases.size());
  d.flat.clear();
  for (const Basis &b : bases) {
    LL_CHECK(b.size() == outs_.size(), DimMismatch,
             "every basis of in dim '" + in + "' must have " +
                 std::to_string(outs_.size()) + " components");
    d.flat.insert(d.flat.end(), b.begin(), b.end());
  }
  return build(std::move(ins), outs_, /*requireSurjective=*/false);
}

} // namespace ll
