//===- PlanningTest.cpp - Unit tests of conversion planning ----------------===//
//
// The core's planner without Python: the paper's §5.4 transpose, a
// lane-replicated source (rotated stores), matrix instructions as an option,
// and errors as values. Expected counts follow from the paper and the bank
// model (128-byte wavefronts), not from running this code.
//
//===----------------------------------------------------------------------===//

#include "Test.h"
#include "linear_layouts/Core/Planning.h"

using namespace ll;

namespace {
/// The paper's 16x32 f32 tile held by one warp: stored by rows (lanes
/// along columns), read by columns.
LinearLayout rows() {
  return *LinearLayout::create(
      {{"register", {{1, 0}, {2, 0}, {4, 0}, {8, 0}}},
       {"lane", {{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}}}},
      std::vector<std::string>{"dim0", "dim1"});
}
LinearLayout cols() {
  return *LinearLayout::create(
      {{"register", {{0, 2}, {0, 4}, {0, 8}, {0, 16}}},
       {"lane", {{1, 0}, {2, 0}, {4, 0}, {8, 0}, {0, 1}}}},
      std::vector<std::string>{"dim0", "dim1"});
}
} // namespace

TEST(Planning, PaperTransposeIsConflictFree) {
  Target t = *Target::get("sm_90");
  PlanOptions o;
  o.forceShared = true;
  o.matrixInstructions = false;
  auto p = planConversion(rows(), cols(), 32, t, o);
  EXPECT_TRUE(p.ok());
  EXPECT_TRUE(p->kind == ConversionKind::Shared);
  // 2 KB each way: 16 scalar accesses of 32 lanes x 4 bytes, one wavefront
  // each, in one round through a 2 KB buffer.
  EXPECT_EQ(p->store.wavefronts, 1);
  EXPECT_EQ(p->load.wavefronts, 1);
  EXPECT_EQ(p->cost.storeWavefronts, 16);
  EXPECT_EQ(p->cost.loadWavefronts, 16);
  EXPECT_EQ(p->scratchBytes, 2048);
  EXPECT_EQ(p->storeInstr, std::string("st.shared"));
}

TEST(Planning, MatrixInstructionsKeepTheTraffic) {
  Target t = *Target::get("sm_90");
  PlanOptions o;
  o.forceShared = true;
  auto p = planConversion(rows(), cols(), 32, t, o);
  EXPECT_TRUE(p.ok());
  // Whatever the instructions, 2 KB each way is 16 wavefronts at best.
  EXPECT_EQ(p->cost.storeWavefronts, 16);
  EXPECT_EQ(p->cost.loadWavefronts, 16);
  EXPECT_TRUE(p->scratchBytes <= 2048);
}

TEST(Planning, ReplicatedLanesStoreDifferentRegisters) {
  // 128 elements: 32 registers, all 32 lanes hold the same values, warps
  // 1 and 2 pick rows, warp 4 is a copy (a row-sum slice); read back
  // one element per thread.
  std::vector<Basis> regs, zeros(5, Basis{0});
  for (int i = 2; i < 7; ++i)
    regs.push_back({1 << i});
  auto src = *LinearLayout::create(
      {{"register", regs}, {"lane", zeros}, {"warp", {{0}, {1}, {2}}}},
      std::vector<std::string>{"dim0"});
  auto dst = *LinearLayout::create(
      {{"register", {}},
       {"lane", {{1}, {2}, {4}, {8}, {16}}},
       {"warp", {{32}, {64}, {0}}}},
      std::vector<std::string>{"dim0"});
  auto p = planConversion(src, dst, 32, *Target::get("sm_80"));
  EXPECT_TRUE(p.ok());
  EXPECT_TRUE(p->kind == ConversionKind::Shared);
  // Lane l stores register l: one 128-byte store per warp, not 32.
  EXPECT_EQ(p->cost.sharedStores, 1);
  EXPECT_EQ(p->cost.storeWavefronts, 1);
  EXPECT_EQ(p->cost.registerMoves, 31); // a 32-way select
}

TEST(Planning, ErrorsAreValues) {
  Target t = *Target::get("sm_90");
  EXPECT_FALSE(Target::get("sm_10").ok());
  EXPECT_FALSE(planConversion(rows(), cols(), 12, t).ok());
  auto twoCtas = *LinearLayout::create(
      {{"register", {{1}}}, {"block", {{2}}}}, std::vector<std::string>{"dim0"});
  auto swapped = *LinearLayout::create(
      {{"register", {{2}}}, {"block", {{1}}}}, std::vector<std::string>{"dim0"});
  auto p = planConversion(twoCtas, swapped, 32, t);
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.error().kind() == ErrorKind::Unsupported);
}
