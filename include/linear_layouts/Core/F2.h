//===- F2.h - Linear algebra over the two-element field ---------*- C++ -*-===//
//
// Dense matrices over F2 = {0, 1} (addition is XOR), stored as bit-packed rows
// of 64-bit words, and the few algorithms the layout algebra needs: reduced
// row echelon form, rank, pivots, nullspace, solving with free variables set to
// zero, and span operations on sets of vectors.
//
// Example: the matrix with rows 0b011 and 0b110 (columns are bits, column 0 is
// the lowest bit) has RREF rows 0b101, 0b110 (pivots at columns 0 and 1), rank
// 2, and nullspace spanned by 0b111.
//
// Vectors of at most 64 entries are plain `uint64_t` (bit i = entry i); the
// `Span` helpers work on those and are what the planning algorithms use.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_F2_H
#define LINEAR_LAYOUTS_CORE_F2_H

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace ll::f2 {

/// A rows x cols matrix over F2; row r is `words()` consecutive 64-bit words,
/// column c is bit (c % 64) of word (c / 64).
class Matrix {
public:
  Matrix() = default;
  Matrix(int rows, int cols)
      : rows_(rows), cols_(cols), words_((cols + 63) / 64),
        data_(static_cast<size_t>(rows) * words_, 0) {}

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  int words() const { return words_; }

  uint64_t *row(int r) { return data_.data() + static_cast<size_t>(r) * words_; }
  const uint64_t *row(int r) const {
    return data_.data() + static_cast<size_t>(r) * words_;
  }
  bool get(int r, int c) const { return (row(r)[c >> 6] >> (c & 63)) & 1; }
  void set(int r, int c, bool v = true) {
    uint64_t bit = uint64_t(1) << (c & 63);
    if (v)
      row(r)[c >> 6] |= bit;
    else
      row(r)[c >> 6] &= ~bit;
  }
  bool rowIsZero(int r) const;
  bool operator==(const Matrix &o) const {
    return rows_ == o.rows_ && cols_ == o.cols_ && data_ == o.data_;
  }

  /// Reduce in place to reduced row echelon form. Nonzero rows come first;
  /// returns the pivot column of each nonzero row, strictly increasing. A
  /// column is a pivot iff it is not in the span of the columns before it.
  std::vector<int> rref();

  /// The rank (does not modify this matrix).
  int rank() const;

  /// A basis of {x : M x = 0}, one vector of `cols()` entries per free column
  /// (as a 1 x cols matrix row each, packed into the returned matrix's rows).
  Matrix nullspace() const;

  /// The solution x of M x = b with every free variable 0 (the solution
  /// supported on pivot columns only), or nullopt when b is not in the column
  /// span. `b` has `rows()` entries packed like a row.
  std::optional<std::vector<uint64_t>>
  solve(const std::vector<uint64_t> &b) const;

private:
  int rows_ = 0, cols_ = 0, words_ = 0;
  std::vector<uint64_t> data_;
};

/// Echelon basis of a span of <=64-entry vectors, kept reduced by leading bit.
/// Supports membership, insertion and reduction in O(dim) word operations.
class Span {
public:
  Span() = default;
  explicit Span(const std::vector<uint64_t> &vectors) {
    for (uint64_t v : vectors)
      insert(v);
  }
  /// Reduce `v` by the basis (result is 0 iff v is in the span).
  uint64_t reduce(uint64_t v) const;
  bool contains(uint64_t v) const { return reduce(v) == 0; }
  /// Add `v`; returns true iff it was independent (the span grew).
  bool insert(uint64_t v);
  int dim() const { return static_cast<int>(basis_.size()); }
  const std::vector<uint64_t> &basis() const { return basis_; }

private:
  std::vector<uint64_t> basis_; // each with a distinct highest set bit
};

/// A linear map given on generators: pairs (x, y) meaning f(x) = y, kept in
/// fully reduced echelon form on x (every leading bit in one row only), so
/// that reducing a vector applies f to its component in span(x) linearly.
///
///   PairedSpan f;  f.insert(0b01, 5);  f.insert(0b11, 6);
///   uint64_t x = 0b10, y = 0;  f.reduce(x, y);   // x = 0, y = 5 ^ 6
class PairedSpan {
public:
  /// Reduce `x` by the rows, XOR-ing their values into `y`: afterwards `x`
  /// is 0 iff it was in the span, and `y` gained f(the part removed).
  void reduce(uint64_t &x, uint64_t &y) const;
  /// Add f(x) = y. Returns false (adding nothing) when x is already in the
  /// span; then `*clash` (if given) is y ^ f(x): 0 iff consistent.
  bool insert(uint64_t x, uint64_t y, uint64_t *clash = nullptr);
  int dim() const { return static_cast<int>(rows_.size()); }
  const std::vector<std::pair<uint64_t, uint64_t>> &rows() const {
    return rows_;
  }

private:
  std::vector<std::pair<uint64_t, uint64_t>> rows_;
};

/// Rank of a set of vectors.
int rank(const std::vector<uint64_t> &vectors);
/// A basis of span(a) ∩ span(b).
std::vector<uint64_t> intersection(const std::vector<uint64_t> &a,
                                   const std::vector<uint64_t> &b);
/// Unit vectors e_i (i < nbits) completing span(vectors) to all of F2^nbits,
/// chosen greedily from the lowest bit up.
std::vector<uint64_t> complement(const std::vector<uint64_t> &vectors,
                                 int nbits);

} // namespace ll::f2

#endif // LINEAR_LAYOUTS_CORE_F2_H
