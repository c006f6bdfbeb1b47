//===- LinearLayout.h - Tensor layouts as linear maps over F2 ---*- C++ -*-===//
//
// A LinearLayout is a linear map over F2 from the bits of a hardware location
// (named *input* dims, e.g. register, lane, warp, block) to the bits of a
// tensor coordinate (named *output* dims, dim0, dim1, ...). Linear means
//
//     L(a xor b) = L(a) xor L(b),
//
// so L is fully described by its *bases*: for every input dim `in` and every
// i < log2(size(in)), bases[in][i] = L(in = 2^i, every other input 0), one
// integer per output dim. Evaluating L XORs the bases of the set input bits.
//
// Example (the 16x16 blocked layout of the paper's Figure 1a):
//
//     register = [[0, 1], [1, 0]]
//     lane     = [[0, 2], [0, 4], [0, 8], [2, 0], [4, 0]]
//     warp     = [[8, 0]]
//     out dims: dim0 (size 16), dim1 (size 16)
//
//   L(register=3, lane=9, warp=1) = [0,1]^[1,0]^[0,2]^[2,0]^[8,0] = (11, 3).
//
// Input dims are ordered minor to major; all sizes are powers of two. Layouts
// are immutable values: every operation returns a new layout or an error.
// Dimension names are plain strings; out-dim sizes are stored as log2.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_LINEARLAYOUT_H
#define LINEAR_LAYOUTS_CORE_LINEARLAYOUT_H

#include "linear_layouts/Core/Error.h"
#include "linear_layouts/Core/F2.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ll {

/// One basis: the image of one input bit, one component per output dim.
using Basis = std::vector<int32_t>;
/// Bases of every input dim, in order.
using BasesList = std::vector<std::pair<std::string, std::vector<Basis>>>;
/// (name, size) pairs.
using DimSizes = std::vector<std::pair<std::string, int32_t>>;

bool isPowerOf2(int64_t x);
/// Every in and out dim holds at most 2^30 elements (sizes, bases and masks
/// are 32-bit values); larger layouts are an error, never a wrapped size.
constexpr int kMaxDimLog2 = 30;
int log2Floor(uint64_t x);

class LinearLayout {
public:
  /// The empty layout (no dims): the identity of `operator*`.
  LinearLayout() = default;

  //===--------------------------------------------------------------------===//
  // Construction
  //===--------------------------------------------------------------------===//

  /// From bases, with out-dim sizes inferred: per out dim, the smallest power
  /// of two strictly greater than every component (components 0 -> size 1).
  /// Fails on negative components, a basis of the wrong length, or (with
  /// `requireSurjective`) a layout that does not reach every output.
  static Expected<LinearLayout> create(BasesList bases,
                                       std::vector<std::string> outDimNames,
                                       bool requireSurjective = true);
  /// From bases and explicit out-dim sizes (powers of two, > every component).
  static Expected<LinearLayout> create(BasesList bases, DimSizes outDims,
                                       bool requireSurjective);

  /// identity1D(4, "i", "o"): i -> o, bases [[1], [2]]. size 0 gives empty.
  static Expected<LinearLayout> identity1D(int64_t size, std::string in,
                                           std::string out);
  /// zeros1D(4, "i", "o", outSize): every i maps to 0 (broadcast).
  static Expected<LinearLayout> zeros1D(int64_t size, std::string in,
                                        std::string out, int64_t outSize = 1);
  /// strided1D(4, 2, "i", "o"): i -> 2*i, bases [[2], [4]].
  static Expected<LinearLayout> strided1D(int64_t size, int64_t stride,
                                          std::string in, std::string out);
  /// Identity over several dims: prod_i identity1D(sizes[i], names[i], names[i]).
  static Expected<LinearLayout> identity(const DimSizes &dims);

  //===--------------------------------------------------------------------===//
  // Queries
  //===--------------------------------------------------------------------===//

  int numInDims() const { return static_cast<int>(ins_.size()); }
  int numOutDims() const { return static_cast<int>(outs_.size()); }
  const std::string &inDimName(int i) const { return ins_[i].name; }
  const std::string &outDimName(int i) const { return outs_[i].name; }
  std::vector<std::string> inDimNames() const;
  std::vector<std::string> outDimNames() const;
  /// Index of a dim, or -1.
  int inDimIndex(const std::string &name) const;
  int outDimIndex(const std::string &name) const;
  bool hasInDim(const std::string &n) const { return inDimIndex(n) >= 0; }
  bool hasOutDim(const std::string &n) const { return outDimIndex(n) >= 0; }

  int inDimSizeLog2(int i) const { return ins_[i].log2; }
  int outDimSizeLog2(int i) const { return outs_[i].log2; }
  int64_t inDimSize(int i) const { return int64_t(1) << ins_[i].log2; }
  int64_t outDimSize(int i) const { return int64_t(1) << outs_[i].log2; }
  int totalInBits() const;
  int totalOutBits() const;
  DimSizes inDims() const;
  DimSizes outDims() const;

  /// Component `out` of basis `b` of in dim `in`.
  int32_t basis(int in, int b, int out) const {
    return ins_[in].flat[static_cast<size_t>(b) * outs_.size() + out];
  }
  std::vector<Basis> bases(int in) const;
  BasesList bases() const;

  bool isSurjective() const { return surjective_; }
  bool isInjective() const;
  bool isInvertible() const { return surjective_ && isInjective(); }

  /// Evaluate at one point; `ins` gives a value per in dim, in in-dim order.
  /// Returns one value per out dim.
  std::vector<int32_t> apply(const std::vector<int32_t> &ins) const;
  /// Evaluate with named inputs (every in dim must be given once).
  Expected<std::vector<int32_t>>
  applyNamed(const std::vector<std::pair<std::string, int32_t>> &ins) const;

  /// Flattened form: bit i of column j is output bit i of input bit j, where
  /// input bits are ordered (in dims in order, low bit first) and output bits
  /// likewise. Only for layouts with <= 64 output bits.
  std::vector<uint64_t> flatColumns() const;
  /// The matrix view: rows = output bits, columns = input bits.
  f2::Matrix matrix() const;

  /// Per in dim, the bits whose value never changes the output (the free,
  /// non-pivot columns of the row-reduced matrix): replication / broadcast.
  std::vector<std::pair<std::string, int32_t>> freeVariableMasks() const;

  /// The number of consecutive elements along the first out dim held at
  /// consecutive positions of the first in dim: 2^min(k, t), where k counts
  /// the leading bases of the first in dim equal to (1,0..), (2,0..), ..., and
  /// t is the lowest set bit of the first-out-dim component of every other
  /// basis (31 if none). Example: register=[[1,0],[2,0],[0,1]] -> 4.
  int32_t numConsecutive() const;

  /// Structural equality: same in dims (names, order, bases) and same out
  /// dims (names, order, sizes).
  bool operator==(const LinearLayout &o) const;
  bool operator!=(const LinearLayout &o) const { return !(*this == o); }
  /// Equality as maps up to the order of in and out dims.
  bool equalIgnoringDimOrder(const LinearLayout &o) const;

  std::string toString() const;

  //===--------------------------------------------------------------------===//
  // Algebra
  //===--------------------------------------------------------------------===//

  /// Product ("tiling"): in dims and out dims are the order-preserving merges
  /// of both layouts' dims (this layout's order wins where the two disagree:
  /// [a, c] * [b, c] -> [a, b, c]; [x, y] * [y, x] -> [x, y]). Per in dim, this
  /// layout's bases come first, then `outer`'s; in an out dim present in
  /// both, `outer`'s components are shifted by this layout's out size.
  ///   identity1D(4) * identity1D(2)      => identity1D(8)
  ///   identity1D(4) * zeros1D(2)         => x mod 4
  ///   zeros1D(2) * identity1D(4)         => x / 2
  ///   identity1D(4,i,o1) * identity1D(8,i,o2) => (x mod 4, x / 4)
  Expected<LinearLayout> product(const LinearLayout &outer) const;

  /// outer o this: this's out dims must be outer's in dims (any order) with
  /// sizes <= outer's in sizes. Result: this's in dims, outer's out dims.
  Expected<LinearLayout> compose(const LinearLayout &outer) const;

  /// C such that this(x) = outer(C(x)) for every x (C: this's in dims ->
  /// outer's in dims). Requires the same out dims (any order), `outer`
  /// surjective and outer's out sizes >= this's. Among all solutions picks
  /// the least one (free variables 0), except that an in dim present in both
  /// layouts with identical bases is mapped by the identity.
  ///   A = register->[1],[2]; B = register->[2],[1]: C = register->[2],[1].
  Expected<LinearLayout> invertAndCompose(const LinearLayout &outer) const;

  /// P with this(P(y)) = y; requires surjective. Least solution per output.
  Expected<LinearLayout> pseudoinvert() const;
  /// The inverse; requires invertible.
  Expected<LinearLayout> invert() const;

  /// C with this == divisor * C, if it exists (the divisor's bases must be
  /// this layout's leading bases per in dim; the rest must be multiples of the
  /// divisor's out sizes). C keeps this layout's dims, with sizes divided.
  Expected<LinearLayout> divideLeft(const LinearLayout &divisor) const;
  /// C with this == C * divisor, if it exists.
  Expected<LinearLayout> divideRight(const LinearLayout &divisor) const;

  /// True iff the layout is the identity on `dims` (each an in and out dim of
  /// the same size) and does not mix them with the other dims.
  bool isTrivialOver(const std::vector<std::string> &dims) const;
  /// The layout on the remaining dims, when isTrivialOver(dims).
  Expected<LinearLayout> quotient(const std::vector<std::string> &dims) const;

  /// Restrict to some in dims and out dims (kept in this layout's order).
  Expected<LinearLayout> sublayout(const std::vector<std::string> &ins,
                                   const std::vector<std::string> &outs) const;
  /// Reorder in dims / out dims (a permutation of the existing names).
  Expected<LinearLayout>
  transposeIns(const std::vector<std::string> &order) const;
  Expected<LinearLayout>
  transposeOuts(const std::vector<std::string> &order) const;
  /// Re-split the in (out) bits, minor to major, into new dims with the same
  /// total size.
  Expected<LinearLayout> reshapeIns(const DimSizes &newIns) const;
  Expected<LinearLayout> reshapeOuts(const DimSizes &newOuts) const;
  /// One in (out) dim named after the first one, holding all bits.
  LinearLayout flattenIns() const;
  LinearLayout flattenOuts() const;
  /// Append the in dims of `other` (which must share this layout's out dims
  /// and have disjoint in dims): (x, y) -> this(x) xor other(y).
  Expected<LinearLayout> concatIns(const LinearLayout &other) const;
  /// Stack the out dims of `other` (same in dims, disjoint out dims):
  /// x -> (this(x), other(x)).
  Expected<LinearLayout> concatOuts(const LinearLayout &other) const;
  /// Drop the zero bases of an in dim (shrinking it).
  Expected<LinearLayout> removeZeroBasesAlongDim(const std::string &in) const;
  /// Set out-dim sizes (must be >= every component; powers of two).
  Expected<LinearLayout> withOutDimSizes(const DimSizes &outs) const;
  /// Replace the bases of one in dim (adding the dim at the end if missing).
  Expected<LinearLayout> withInDimBases(const std::string &in,
                                        std::vector<Basis> bases) const;

private:
  struct InDim {
    std::string name;
    int log2 = 0;
    std::vector<int32_t> flat; // log2 bases x numOutDims components
  };
  struct OutDim {
    std::string name;
    int log2 = 0;
  };

  // Builds after validation; computes surjectivity.
  static Expected<LinearLayout> build(std::vector<InDim> ins,
                                      std::vector<OutDim> outs,
                                      bool requireSurjective);
  void computeSurjective();
  // For divideLeft/Right: out index of each of this layout's out dims in the
  // divisor (-1 if absent); sets the quotient's out dims.
  Expected<std::vector<int>>
  divisorOutMap(const LinearLayout &divisor, const char *op,
                std::vector<OutDim> &quotientOuts) const;
  // divideLeft (left) or divideRight (!left).
  Expected<LinearLayout> divide(const LinearLayout &divisor, bool left) const;

  std::vector<InDim> ins_;
  std::vector<OutDim> outs_;
  bool surjective_ = true;
};

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_LINEARLAYOUT_H
