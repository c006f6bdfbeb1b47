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

//===----------------------------------------------------------------------===//
// makeEncoding: the one decoder of Triton's parameters
//===----------------------------------------------------------------------===//

#include "linear_layouts/Core/Encodings.h"

TEST(Encodings, BlockedFromParameters) {
  // The worked example above, as Triton prints it.
  ParamMap p = {{"sizePerThread", Param::ints({2, 2})},
                {"threadsPerWarp", Param::ints({4, 8})},
                {"warpsPerCTA", Param::ints({2, 1})},
                {"order", Param::ints({1, 0})}};
  auto e = makeEncoding("blocked", p);
  ASSERT_OK(e);
  auto l = (*e)->toLinearLayout({16, 16});
  ASSERT_OK(l);
  EXPECT_EQ(l->bases(0), (std::vector<Basis>{{0, 1}, {1, 0}}));
  EXPECT_EQ(l->bases(2), (std::vector<Basis>{{8, 0}}));
}

TEST(Encodings, LegacyCtaParametersMeanCgaBases) {
  // CTAsPerCGA [2, 2], CTASplitNum [2, 1], CTAOrder [1, 0] is CGALayout
  // [[0, 0], [1, 0]] (Families.h): the block bases of both forms agree.
  ParamMap p = {{"sizePerThread", Param::ints({1, 1})},
                {"threadsPerWarp", Param::ints({4, 8})},
                {"warpsPerCTA", Param::ints({1, 1})},
                {"order", Param::ints({1, 0})},
                {"CTAsPerCGA", Param::ints({2, 2})},
                {"CTASplitNum", Param::ints({2, 1})},
                {"CTAOrder", Param::ints({1, 0})}};
  auto legacy = makeEncoding("blocked", p);
  ASSERT_OK(legacy);
  p.erase("CTAsPerCGA");
  p.erase("CTASplitNum");
  p.erase("CTAOrder");
  p["CGALayout"] = Param::ofList({Param::ints({0, 0}), Param::ints({1, 0})});
  auto bases = makeEncoding("blocked", p);
  ASSERT_OK(bases);
  auto a = (*legacy)->toLinearLayout({64, 64}), b = (*bases)->toLinearLayout({64, 64});
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_EQ(a->bases(3), b->bases(3));
  EXPECT_EQ(a->bases(3), (std::vector<Basis>{{0, 0}, {32, 0}}));
}

TEST(Encodings, ParentsDefaultsAndErrors) {
  ParamMap mma = {{"versionMajor", Param::integer(2)},
                  {"warpsPerCTA", Param::ints({1, 1})},
                  {"instrShape", Param::ints({16, 8})}};
  auto parent = makeEncoding("nvidia_mma", mma); // versionMinor defaults to 0
  ASSERT_OK(parent);
  auto dot = makeEncoding("dot_op", {{"opIdx", Param::integer(0)},
                                     {"parent", Param::ofLayout(*parent)},
                                     {"kWidth", Param::integer(2)}});
  ASSERT_OK(dot);
  EXPECT_EQ((*dot)->rank(), 2);
  // Unknown and missing keys, wrong kinds, out-of-range values: errors
  // naming the family and the key.
  auto typo = makeEncoding("nvidia_mma", {{"versionMajor", Param::integer(2)},
                                          {"warpsPerCta", Param::ints({1, 1})}});
  EXPECT_TRUE(!typo && typo.error().message().find(
                           "unexpected key 'warpsPerCta'") != std::string::npos);
  auto missing = makeEncoding("slice", {{"dim", Param::integer(0)}});
  EXPECT_TRUE(!missing && missing.error().message() ==
                              "slice: missing parameter 'parent'");
  auto kind = makeEncoding("amd_mfma", {{"warpsPerCTA", Param::ints({1, 1})},
                                        {"instrShape", Param::ints({32, 32})},
                                        {"isTransposed", Param::integer(1)}});
  EXPECT_TRUE(!kind && kind.error().message().find("must be true or false") !=
                           std::string::npos);
  auto big = makeEncoding("swizzled_shared",
                          {{"vec", Param::integer(int64_t(1) << 31)}});
  EXPECT_TRUE(!big && big.error().message().find("out of range") !=
                          std::string::npos);
  EXPECT_TRUE(!makeEncoding("fancy", {}));
}

// AMD's rotating swizzle, as Triton defines it (sharedToLinearLayoutAMDRotating):
// row r's phase (r / perPhase) % maxPhase XORed with its block of rows
// (r / perPhase / maxPhase) % maxPhase. vec = 1, perPhase = 1, maxPhase =
// 4 over 16 x 4: rows 1, 2 take phases 1, 2; row 4 (block 1, phase 0) takes
// 1 -- where the plain swizzle takes 0 -- and row 8 (block 2) takes 2.
TEST(Families, AmdRotatingShared) {
  SwizzledSharedEncoding s;
  s.vec = 1, s.perPhase = 1, s.maxPhase = 4, s.order = {1, 0};
  s.rotating = true;
  s.cga = CGALayout::single(2);
  auto l = s.toLinearLayout({16, 4});
  ASSERT_OK(l);
  EXPECT_EQ(l->bases(0), (std::vector<Basis>{
                             {0, 1}, {0, 2}, {1, 1}, {2, 2}, {4, 1}, {8, 2}}));
  s.rotating = false;
  auto plain = s.toLinearLayout({16, 4});
  ASSERT_OK(plain);
  EXPECT_EQ(plain->bases(0), (std::vector<Basis>{
                                 {0, 1}, {0, 2}, {1, 1}, {2, 2}, {4, 0}, {8, 0}}));
}
