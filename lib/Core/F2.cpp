//===- F2.cpp - Linear algebra over the two-element field -----------------===//

#include "linear_layouts/Core/F2.h"

#include <algorithm>

namespace ll::f2 {

bool Matrix::rowIsZero(int r) const {
  const uint64_t *p = row(r);
  for (int w = 0; w < words_; ++w)
    if (p[w])
      return false;
  return true;
}

std::vector<int> Matrix::rref() {
  std::vector<int> pivots;
  int pivotRow = 0;
  for (int c = 0; c < cols_ && pivotRow < rows_; ++c) {
    int w = c >> 6;
    uint64_t bit = uint64_t(1) << (c & 63);
    int found = -1;
    for (int r = pivotRow; r < rows_; ++r)
      if (row(r)[w] & bit) {
        found = r;
        break;
      }
    if (found < 0)
      continue;
    if (found != pivotRow)
      std::swap_ranges(row(found), row(found) + words_, row(pivotRow));
    const uint64_t *p = row(pivotRow);
    for (int r = 0; r < rows_; ++r) {
      if (r == pivotRow || !(row(r)[w] & bit))
        continue;
      uint64_t *q = row(r);
      // Columns before c are already reduced in the pivot row's lower words.
      for (int k = w; k < words_; ++k)
        q[k] ^= p[k];
    }
    pivots.push_back(c);
    ++pivotRow;
  }
  return pivots;
}

int Matrix::rank() const {
  Matrix copy = *this;
  return static_cast<int>(copy.rref().size());
}

Matrix Matrix::nullspace() const {
  Matrix red = *this;
  std::vector<int> pivots = red.rref();
  std::vector<bool> isPivot(cols_, false);
  for (int p : pivots)
    isPivot[p] = true;
  Matrix ns(cols_ - static_cast<int>(pivots.size()), cols_);
  int out = 0;
  for (int f = 0; f < cols_; ++f) {
    if (isPivot[f])
      continue;
    // x_f = 1, x_pivot(r) = red[r][f], others 0.
    ns.set(out, f);
    for (size_t r = 0; r < pivots.size(); ++r)
      if (red.get(static_cast<int>(r), f))
        ns.set(out, pivots[r]);
    ++out;
  }
  return ns;
}

std::optional<std::vector<uint64_t>>
Matrix::solve(const std::vector<uint64_t> &b) const {
  // Augment with b as the last column.
  Matrix aug(rows_, cols_ + 1);
  for (int r = 0; r < rows_; ++r) {
    for (int c = 0; c < cols_; ++c)
      if (get(r, c))
        aug.set(r, c);
    if ((b[r >> 6] >> (r & 63)) & 1)
      aug.set(r, cols_);
  }
  std::vector<int> pivots = aug.rref();
  std::vector<uint64_t> x((cols_ + 63) / 64, 0);
  for (size_t r = 0; r < pivots.size(); ++r) {
    if (pivots[r] == cols_)
      return std::nullopt; // inconsistent: 0 = 1
    if (aug.get(static_cast<int>(r), cols_))
      x[pivots[r] >> 6] |= uint64_t(1) << (pivots[r] & 63);
  }
  return x;
}

uint64_t Span::reduce(uint64_t v) const {
  for (uint64_t b : basis_) {
    uint64_t lead = uint64_t(1) << (63 - __builtin_clzll(b));
    if (v & lead)
      v ^= b;
  }
  return v;
}

bool Span::insert(uint64_t v) {
  v = reduce(v);
  if (!v)
    return false;
  // Keep the basis sorted by decreasing leading bit, fully reduced.
  uint64_t lead = uint64_t(1) << (63 - __builtin_clzll(v));
  for (uint64_t &b : basis_)
    if (b & lead)
      b ^= v;
  auto pos = std::find_if(basis_.begin(), basis_.end(),
                          [&](uint64_t b) { return b < v; });
  basis_.insert(pos, v);
  return true;
}

void PairedSpan::reduce(uint64_t &x, uint64_t &y) const {
  for (const auto &[rx, ry] : rows_)
    if (x & (uint64_t(1) << (63 - __builtin_clzll(rx)))) {
      x ^= rx;
      y ^= ry;
    }
}

bool PairedSpan::insert(uint64_t x, uint64_t y, uint64_t *clash) {
  reduce(x, y);
  if (!x) {
    if (clash)
      *clash = y;
    return false;
  }
  uint64_t lead = uint64_t(1) << (63 - __builtin_clzll(x));
  for (auto &[rx, ry] : rows_)
    if (rx & lead) {
      rx ^= x;
      ry ^= y;
    }
  rows_.push_back({x, y});
  return true;
}

int rank(const std::vector<uint64_t> &vectors) {
  return Span(vectors).dim();
}

std::vector<uint64_t> intersection(const std::vector<uint64_t> &a,
                                   const std::vector<uint64_t> &b) {
  // Zassenhaus: reduce pairs (a, a) and (b, 0); rows whose left half vanishes
  // carry intersection vectors in their right half. Vectors are <= 64 bits,
  // so each pair is two words, handled as a 2-word Matrix.
  Span sa(a), sb(b);
  int na = sa.dim(), nb = sb.dim();
  Matrix m(na + nb, 128);
  for (int i = 0; i < na; ++i) {
    m.row(i)[1] = sa.basis()[i];
    m.row(i)[0] = sa.basis()[i];
  }
  for (int i = 0; i < nb; ++i)
    m.row(na + i)[1] = sb.basis()[i];
  // Eliminate on the high word (the "sum" half) first: put it in columns
  // 0..63 by swapping words, so rref pivots on it before the other half.
  for (int r = 0; r < m.rows(); ++r)
    std::swap(m.row(r)[0], m.row(r)[1]);
  m.rref();
  std::vector<uint64_t> out;
  for (int r = 0; r < m.rows(); ++r)
    if (m.row(r)[0] == 0 && m.row(r)[1] != 0)
      out.push_back(m.row(r)[1]);
  return out;
}

std::vector<uint64_t> complement(const std::vector<uint64_t> &vectors,
                                 int nbits) {
  Span s(vectors);
  std::vector<uint64_t> out;
  for (int i = 0; i < nbits; ++i)
    if (s.insert(uint64_t(1) << i))
      out.push_back(uint64_t(1) << i);
  return out;
}

} // namespace ll::f2
