//===- FamiliesTest.cpp - Worked examples of the layout families ----------===//
//
// Expected bases are the worked examples of the paper and ALGORITHMS.md; the
// exhaustive comparison against Triton is in test/python/test_oracle_triton.py.
//
//===----------------------------------------------------------------------===//

#include "Test.h"
#include "linear_layouts/Core/Families.h"

using namespace ll;

TEST(Families, BlockedFigure1a) {
  BlockedEncoding b;
  b.sizePerThread = {2, 2};
  b.threadsPerWarp = {4, 8};
  b.warpsPerCTA = {2, 1};
  b.order = {1, 0};
  b.cga = CGALayout::single(2);
  auto l = b.toLinearLayout({16, 16});
  ASSERT_OK(l);
  EXPECT_EQ(l->bases(0), (std::vector<Basis>{{0, 1}, {1, 0}}));
  EXPECT_EQ(l->bases(1),
            (std::vector<Basis>{{0, 2}, {0, 4}, {0, 8}, {2, 0}, {4, 0}}));
  EXPECT_EQ(l->bases(2), (std::vector<Basis>{{8, 0}}));
  EXPECT_EQ(l->inDimName(3), "block");
  EXPECT_EQ(l->inDimSizeLog2(3), 0);
}

TEST(Families, MmaV2) {
  NvidiaMmaEncoding m;
  m.versionMajor = 2;
  m.warpsPerCTA = {1, 1};
  m.instrShape = {16, 8};
  m.cga = CGALayout::single(2);
  auto l = m.toLinearLayout({32, 32});
  ASSERT_OK(l);
  EXPECT_EQ(l->bases(0), (std::vector<Basis>{
                             {0, 1}, {8, 0}, {0, 8}, {0, 16}, {16, 0}}));
  EXPECT_EQ(l->bases(1), (std::vector<Basis>{
                             {0, 2}, {0, 4}, {1, 0}, {2, 0}, {4, 0}}));
}

TEST(Families, MmaV3) {
  NvidiaMmaEncoding m;
  m.versionMajor = 3;
  m.warpsPerCTA = {4, 1};
  m.instrShape = {16, 16, 16};
  m.cga = CGALayout::single(2);
  auto l = m.toLinearLayout({64, 16});
  ASSERT_OK(l);
  EXPECT_EQ(l->bases(0), (std::vector<Basis>{{0, 1}, {8, 0}, {0, 8}}));
  EXPECT_EQ(l->bases(2), (std::vector<Basis>{{16, 0}, {32, 0}}));
}

TEST(Families, SwizzledShared) {
  SwizzledSharedEncoding s;
  s.vec = 1;
  s.perPhase = 1;
  s.maxPhase = 4;
  s.order = {1, 0};
  s.cga = CGALayout::single(2);
  auto l = s.toLinearLayout({32, 32});
  ASSERT_OK(l);
  EXPECT_EQ(l->bases(0),
            (std::vector<Basis>{{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16},
                                {1, 1}, {2, 2}, {4, 0}, {8, 0}, {16, 0}}));
}

TEST(Families, BadParameters) {
  BlockedEncoding b;
  b.sizePerThread = {3, 2};
  b.threadsPerWarp = {4, 8};
  b.warpsPerCTA = {2, 1};
  b.order = {1, 0};
  b.cga = CGALayout::single(2);
  EXPECT_FALSE(b.toLinearLayout({16, 16}).ok());
  b.sizePerThread = {2, 2};
  b.order = {1, 1};
  EXPECT_FALSE(b.toLinearLayout({16, 16}).ok());
  b.order = {1, 0};
  EXPECT_FALSE(b.toLinearLayout({16, 12}).ok());
  EXPECT_FALSE(b.toLinearLayout({16}).ok());
  NvidiaMmaEncoding m;
  m.versionMajor = 7;
  m.warpsPerCTA = {1, 1};
  m.instrShape = {16, 8};
  m.cga = CGALayout::single(2);
  EXPECT_FALSE(m.toLinearLayout({16, 16}).ok());
}
