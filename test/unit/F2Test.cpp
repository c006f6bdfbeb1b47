//===- F2Test.cpp - Unit tests of the F2 kernel ---------------------------===//

#include "Test.h"
#include "linear_layouts/Core/F2.h"

#include <random>

using namespace ll::f2;

// The example of F2.h: rows 0b011, 0b110 reduce to 0b101, 0b110.
TEST(F2, RrefExample) {
  Matrix m(2, 3);
  m.row(0)[0] = 0b011;
  m.row(1)[0] = 0b110;
  auto piv = m.rref();
  EXPECT_EQ(piv, (std::vector<int>{0, 1}));
  EXPECT_EQ(m.row(0)[0], 0b101u);
  EXPECT_EQ(m.row(1)[0], 0b110u);
  EXPECT_EQ(m.rank(), 2);
  Matrix ns = m.nullspace();
  EXPECT_EQ(ns.rows(), 1);
  EXPECT_EQ(ns.row(0)[0], 0b111u);
}

// Multi-word rows: pivots beyond column 64 are found.
TEST(F2, WideRows) {
  Matrix m(3, 130);
  m.set(0, 100);
  m.set(1, 100);
  m.set(1, 129);
  m.set(2, 5);
  auto piv = m.rref();
  EXPECT_EQ(piv, (std::vector<int>{5, 100, 129}));
  EXPECT_EQ(m.rank(), 3);
}

// Random systems: solve() returns x with M x = b whenever b is in the span,
// and x is supported on pivot columns only.
TEST(F2, SolveRandom) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 500; ++iter) {
    int rows = 1 + rng() % 12, cols = 1 + rng() % 12;
    Matrix m(rows, cols);
    for (int r = 0; r < rows; ++r)
      m.row(r)[0] = rng() & ((1ull << cols) - 1);
    uint64_t x0 = rng() & ((1ull << cols) - 1);
    std::vector<uint64_t> b(1, 0);
    for (int r = 0; r < rows; ++r)
      b[0] |= uint64_t(__builtin_popcountll(m.row(r)[0] & x0) & 1) << r;
    auto x = m.solve(b);
    EXPECT_TRUE(x.has_value());
    if (!x)
      continue;
    for (int r = 0; r < rows; ++r)
      EXPECT_EQ(uint64_t(__builtin_popcountll(m.row(r)[0] & (*x)[0]) & 1),
                (b[0] >> r) & 1);
    Matrix red = m;
    auto piv = red.rref();
    uint64_t pivMask = 0;
    for (int p : piv)
      pivMask |= 1ull << p;
    EXPECT_EQ((*x)[0] & ~pivMask, 0u);
    // Nullspace vectors are in the kernel and independent.
    Matrix ns = m.nullspace();
    EXPECT_EQ(ns.rows(), cols - m.rank());
    std::vector<uint64_t> vs;
    for (int k = 0; k < ns.rows(); ++k) {
      vs.push_back(ns.row(k)[0]);
      for (int r = 0; r < rows; ++r)
        EXPECT_EQ(__builtin_popcountll(m.row(r)[0] & ns.row(k)[0]) & 1, 0);
    }
    EXPECT_EQ(rank(vs), ns.rows());
  }
}

TEST(F2, Inconsistent) {
  Matrix m(2, 1);
  m.set(0, 0);
  m.set(1, 0);
  EXPECT_FALSE(m.solve({0b01}).has_value());
  EXPECT_TRUE(m.solve({0b11}).has_value());
}

TEST(F2, SpanIntersectionComplement) {
  // span{e0, e1} ∩ span{e1^e2, e2} = span{e1}.
  auto i = intersection({1, 2}, {6, 4});
  EXPECT_EQ(i.size(), 1u);
  EXPECT_TRUE(Span(i).contains(2));
  EXPECT_EQ(intersection({1}, {2}).size(), 0u);
  auto c = complement({3, 6}, 3);
  EXPECT_EQ(c, (std::vector<uint64_t>{1}));
  EXPECT_EQ(rank({3, 6, 5}), 2);
  std::mt19937_64 rng(3);
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<uint64_t> a, b;
    for (int k = rng() % 6; k > 0; --k)
      a.push_back(rng() & 0xff);
    for (int k = rng() % 6; k > 0; --k)
      b.push_back(rng() & 0xff);
    auto in = intersection(a, b);
    Span sa(a), sb(b);
    for (uint64_t v : in) {
      EXPECT_TRUE(sa.contains(v));
      EXPECT_TRUE(sb.contains(v));
    }
    // dim(a ∩ b) = dim a + dim b - dim(a + b)
    std::vector<uint64_t> ab = a;
    ab.insert(ab.end(), b.begin(), b.end());
    EXPECT_EQ(rank(in), sa.dim() + sb.dim() - rank(ab));
    auto comp = complement(a, 8);
    std::vector<uint64_t> all = a;
    all.insert(all.end(), comp.begin(), comp.end());
    EXPECT_EQ(rank(all), 8);
    EXPECT_EQ(static_cast<int>(comp.size()), 8 - sa.dim());
  }
}

TEST(F2, PairedSpanIsALinearMap) {
  // f(01) = 5, f(11) = 6, so f(10) = f(01 ^ 11) = 5 ^ 6.
  PairedSpan f;
  EXPECT_TRUE(f.insert(0b01, 5));
  EXPECT_TRUE(f.insert(0b11, 6));
  uint64_t x = 0b10, y = 0;
  f.reduce(x, y);
  EXPECT_EQ(x, 0u);
  EXPECT_EQ(y, uint64_t(5 ^ 6));
  // A dependent generator: consistent (clash 0) or not.
  uint64_t clash = 1;
  EXPECT_FALSE(f.insert(0b10, 5 ^ 6, &clash));
  EXPECT_EQ(clash, 0u);
  EXPECT_FALSE(f.insert(0b10, 7, &clash));
  EXPECT_EQ(clash, uint64_t(7 ^ 5 ^ 6));
  // Random maps: reducing any vector of the span applies f linearly.
  uint64_t seed = 42;
  auto next = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint64_t> xs, ys;
    PairedSpan g;
    for (int i = 0; i < 6; ++i) {
      xs.push_back(next() >> 56);
      ys.push_back(next() >> 40);
      uint64_t c = 0;
      if (!g.insert(xs.back(), ys.back(), &c)) {
        xs.pop_back(); // keep the generators independent
        ys.pop_back();
      }
    }
    for (uint64_t mask = 0; mask < (uint64_t(1) << xs.size()); ++mask) {
      uint64_t vx = 0, vy = 0;
      for (size_t i = 0; i < xs.size(); ++i)
        if ((mask >> i) & 1) {
          vx ^= xs[i];
          vy ^= ys[i];
        }
      uint64_t got = 0;
      g.reduce(vx, got);
      EXPECT_EQ(vx, 0u);
      EXPECT_EQ(got, vy);
    }
  }
}
