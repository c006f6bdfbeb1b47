//===- LinearLayoutTest.cpp - Unit tests of the layout algebra ------------===//
//
// Expected values come from the header's documented examples, the paper and
// ALGORITHMS.md, not from running this code.
//
//===----------------------------------------------------------------------===//

#include "Test.h"
#include "linear_layouts/Core/LinearLayout.h"

using namespace ll;

namespace {
LinearLayout id1(int n, const char *i, const char *o) {
  return *LinearLayout::identity1D(n, i, o);
}
LinearLayout z1(int n, const char *i, const char *o) {
  return *LinearLayout::zeros1D(n, i, o);
}
LinearLayout fig1a() {
  return *LinearLayout::create(
      {{"register", {{0, 1}, {1, 0}}},
       {"lane", {{0, 2}, {0, 4}, {0, 8}, {2, 0}, {4, 0}}},
       {"warp", {{8, 0}}}},
      std::vector<std::string>{"dim0", "dim1"});
}
} // namespace

TEST(LinearLayout, ApplyFigure1a) {
  LinearLayout l = fig1a();
  EXPECT_EQ(l.outDimSize(0), 16);
  EXPECT_EQ(l.outDimSize(1), 16);
  EXPECT_TRUE(l.isSurjective());
  EXPECT_TRUE(l.isInjective());
  // Header example: register=3, lane=9, warp=1 -> (11, 3).
  EXPECT_EQ(l.apply({3, 9, 1}), (std::vector<int32_t>{11, 3}));
  auto named = l.applyNamed({{"warp", 1}, {"lane", 9}, {"register", 3}});
  ASSERT_OK(named);
  EXPECT_EQ(*named, (std::vector<int32_t>{11, 3}));
}

TEST(LinearLayout, InferredSizes) {
  // max component 4 -> size 8, 5 -> 8, 0 -> 1.
  auto l = LinearLayout::create({{"i", {{4, 0}, {5, 0}}}},
                                std::vector<std::string>{"a", "b"}, false);
  ASSERT_OK(l);
  EXPECT_EQ(l->outDimSize(0), 8);
  EXPECT_EQ(l->outDimSize(1), 1);
}

TEST(LinearLayout, ProductExamples) {
  // identity1D(4) * identity1D(2) => identity1D(8)
  EXPECT_EQ(*id1(4, "i", "o").product(id1(2, "i", "o")), id1(8, "i", "o"));
  // identity1D(4) * zeros1D(2) => x mod 4
  auto m = *id1(4, "i", "o").product(z1(2, "i", "o"));
  for (int x = 0; x < 8; ++x)
    EXPECT_EQ(m.apply({x})[0], x % 4);
  // zeros1D(2) * identity1D(4) => x / 2
  auto d = *z1(2, "i", "o").product(id1(4, "i", "o"));
  for (int x = 0; x < 8; ++x)
    EXPECT_EQ(d.apply({x})[0], x / 2);
  // identity1D(4, i, o1) * identity1D(8, i, o2) => (x mod 4, x / 4)
  auto t = *id1(4, "i", "o1").product(id1(8, "i", "o2"));
  for (int x = 0; x < 32; ++x)
    EXPECT_EQ(t.apply({x}), (std::vector<int32_t>{x % 4, x / 4}));
  // Empty is the identity of the product.
  EXPECT_EQ(*LinearLayout().product(fig1a()), fig1a());
  // Dim orders merge; where they disagree the inner layout's order wins.
  auto ab = *id1(2, "a", "x").product(id1(2, "b", "x"));
  auto ba = *id1(2, "b", "x").product(id1(2, "a", "x"));
  EXPECT_EQ(ab.product(ba)->inDimNames(), (std::vector<std::string>{"a", "b"}));
  auto ac = *id1(2, "a", "x").product(id1(2, "c", "x"));
  auto bc = *id1(2, "b", "x").product(id1(2, "c", "x"));
  EXPECT_EQ(ac.product(bc)->inDimNames(),
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST(LinearLayout, InvertAndComposeTransposeExample) {
  // Header example: A = register->[1],[2]; B = register->[2],[1].
  auto A = *LinearLayout::create({{"register", {{1}, {2}}}},
                                 std::vector<std::string>{"o"});
  auto B = *LinearLayout::create({{"register", {{2}, {1}}}},
                                 std::vector<std::string>{"o"});
  auto C = A.invertAndCompose(B);
  ASSERT_OK(C);
  EXPECT_EQ(C->bases(0), (std::vector<Basis>{{2}, {1}}));
  for (int x = 0; x < 4; ++x)
    EXPECT_EQ(A.apply({x}), B.apply(C->apply({x})));
}

TEST(LinearLayout, InvertAndComposeBroadcastIdentity) {
  // Both broadcast warps identically: warps are mapped by the identity.
  auto A = *LinearLayout::create({{"register", {{1}, {2}}}, {"warp", {{0}}}},
                                 std::vector<std::string>{"o"});
  auto B = *LinearLayout::create({{"register", {{2}, {1}}}, {"warp", {{0}}}},
                                 std::vector<std::string>{"o"});
  auto C = A.invertAndCompose(B);
  ASSERT_OK(C);
  EXPECT_EQ(C->apply({0, 1}), (std::vector<int32_t>{0, 1}));
  // Without the shared dim, the least solution maps the warp bit to 0.
  auto B2 = *LinearLayout::create({{"register", {{2}, {1}}}, {"warp", {{1}}}},
                                  std::vector<std::string>{"o"});
  auto C2 = A.invertAndCompose(B2);
  ASSERT_OK(C2);
  EXPECT_EQ(C2->apply({0, 1}), (std::vector<int32_t>{0, 0}));
}

TEST(LinearLayout, PseudoinvertAndInvert) {
  LinearLayout l = fig1a();
  auto inv = l.invert();
  ASSERT_OK(inv);
  for (int r = 0; r < 4; ++r)
    for (int ln = 0; ln < 32; ++ln)
      for (int w = 0; w < 2; ++w) {
        auto y = l.apply({r, ln, w});
        EXPECT_EQ(inv->apply(y), (std::vector<int32_t>{r, ln, w}));
      }
  // Non-injective: pseudoinverse is a right inverse picking the least point.
  auto b = *LinearLayout::create({{"lane", {{1}, {0}, {2}}}},
                                 std::vector<std::string>{"o"});
  EXPECT_FALSE(b.invert().ok());
  auto p = b.pseudoinvert();
  ASSERT_OK(p);
  for (int y = 0; y < 4; ++y)
    EXPECT_EQ(b.apply(p->apply({y}))[0], y);
  EXPECT_EQ(p->apply({2})[0], 4); // lane bit 2 (not bit 1, a free variable)
  // Not surjective: error.
  auto ns = *LinearLayout::create({{"lane", {{2}}}}, DimSizes{{"o", 4}}, false);
  EXPECT_FALSE(ns.pseudoinvert().ok());
}

TEST(LinearLayout, FreeVariablesAndConsecutive) {
  auto b = *LinearLayout::create(
      {{"register", {{1, 0}, {2, 0}, {0, 1}}}, {"lane", {{0, 0}, {4, 0}}}},
      std::vector<std::string>{"dim0", "dim1"});
  auto masks = b.freeVariableMasks();
  EXPECT_EQ(masks[0].second, 0);
  EXPECT_EQ(masks[1].second, 1);
  // Header example: register=[[1,0],[2,0],[0,1]] -> 4.
  EXPECT_EQ(b.numConsecutive(), 4);
  // A later basis with dim0 component 2 caps it at 2.
  auto c = *LinearLayout::create({{"register", {{1}, {2}, {4}}},
                                  {"lane", {{2}}}},
                                 std::vector<std::string>{"dim0"}, false);
  EXPECT_EQ(c.numConsecutive(), 2);
}

TEST(LinearLayout, ComposeAndQuotient) {
  LinearLayout l = fig1a();
  auto tr = *LinearLayout::create({{"dim0", {{0, 1}, {0, 2}, {0, 4}, {0, 8}}},
                                   {"dim1", {{1, 0}, {2, 0}, {4, 0}, {8, 0}}}},
                                  std::vector<std::string>{"dim0", "dim1"});
  auto t = l.compose(tr);
  ASSERT_OK(t);
  auto v = l.apply({3, 9, 1});
  EXPECT_EQ(t->apply({3, 9, 1}), (std::vector<int32_t>{v[1], v[0]}));
  // A layout that is the identity on "block" quotients to the rest.
  auto withBlock = *l.product(id1(2, "block", "block"));
  EXPECT_TRUE(withBlock.isTrivialOver({"block"}));
  EXPECT_EQ(*withBlock.quotient({"block"}), l);
  EXPECT_FALSE(l.isTrivialOver({"warp"}));
}

TEST(LinearLayout, DivideAndReshape) {
  auto tile = *id1(4, "register", "dim0").product(id1(2, "lane", "dim0"));
  auto rest = *id1(2, "register", "dim0").product(id1(4, "warp", "dim0"));
  auto whole = *tile.product(rest);
  auto c = whole.divideLeft(tile);
  ASSERT_OK(c);
  EXPECT_TRUE(tile.product(*c)->equalIgnoringDimOrder(whole));
  auto d = whole.divideRight(rest);
  ASSERT_OK(d);
  EXPECT_TRUE(d->product(rest)->equalIgnoringDimOrder(whole));
  // rest's warp bases are not whole's leading warp bases.
  EXPECT_FALSE(whole.divideLeft(rest).ok());
  auto r = fig1a().reshapeIns({{"x", 8}, {"y", 32}});
  ASSERT_OK(r);
  auto back = r->reshapeIns({{"register", 4}, {"lane", 32}, {"warp", 2}});
  EXPECT_EQ(*back, fig1a());
  auto f = fig1a().flattenOuts();
  EXPECT_EQ(f.numOutDims(), 1);
  EXPECT_EQ(*f.reshapeOuts({{"dim0", 16}, {"dim1", 16}}), fig1a());
}

TEST(LinearLayout, Errors) {
  EXPECT_FALSE(LinearLayout::identity1D(3, "i", "o").ok());
  EXPECT_FALSE(LinearLayout::create({{"i", {{-1}}}},
                                    std::vector<std::string>{"o"})
                   .ok());
  EXPECT_FALSE(
      LinearLayout::create({{"i", {{4}}}}, DimSizes{{"o", 4}}, false).ok());
  EXPECT_FALSE(
      LinearLayout::create({{"i", {{1}}}}, DimSizes{{"o", 3}}, false).ok());
  EXPECT_FALSE(LinearLayout::create({{"i", {{1, 0}}}},
                                    std::vector<std::string>{"o"})
                   .ok());
  // Not surjective when required.
  EXPECT_FALSE(
      LinearLayout::create({{"i", {{2}}}}, DimSizes{{"o", 4}}, true).ok());
  // compose with mismatched dims.
  EXPECT_FALSE(fig1a().compose(id1(4, "x", "y")).ok());
  EXPECT_FALSE(fig1a().invertAndCompose(id1(4, "x", "y")).ok());
}
