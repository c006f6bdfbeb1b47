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
  EXPECT_TRUE(p->kind() == ConversionKind::Shared);
  // 2 KB each way in one round through a 2 KB buffer: 16 scalar stores of
  // 32 lanes x 4 bytes (one wavefront each); the loads take the 4 column
  // elements a thread holds in consecutive registers as one 16-byte vector
  // (one-sided: the rows side holds them in 4 lanes): 4 loads of 512 bytes,
  // 4 wavefronts each — the same 16 wavefronts, a quarter of the loads.
  EXPECT_EQ(p->as<SharedPlan>()->store.wavefronts, 1);
  EXPECT_EQ(p->as<SharedPlan>()->load.wavefronts, 4);
  EXPECT_EQ(p->as<SharedPlan>()->load.vectorElems, 4);
  EXPECT_EQ(p->cost.sharedStores, 16);
  EXPECT_EQ(p->cost.sharedLoads, 4);
  EXPECT_EQ(p->cost.storeWavefronts, 16);
  EXPECT_EQ(p->cost.loadWavefronts, 16);
  EXPECT_EQ(p->scratchBytes(), 2048);
  EXPECT_TRUE(p->as<SharedPlan>()->storeAccess == AccessKind::Plain);
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
  EXPECT_TRUE(p->scratchBytes() <= 2048);
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
  EXPECT_TRUE(p->kind() == ConversionKind::Shared);
  // Not 32 scalar stores from one lane. Two plans move it in few
  // instructions: lane l stores register l (1 store, 1 wavefront, but a
  // 32-way select per lane: 31 selects), or one lane stores the 32 values
  // as 8 128-bit vectors (8 stores of one wavefront, no selects). The cycle
  // model (issue 1, wavefront 4, select 2 + issue) prices them at
  // 1 + 4 + 31 * 3 = 98 and 8 * (1 + 4) = 40: the vectors win.
  EXPECT_EQ(p->cost.sharedStores, 8);
  EXPECT_EQ(p->as<SharedPlan>()->store.vectorElems, 4);
  EXPECT_EQ(p->cost.storeWavefronts, 8);
  EXPECT_EQ(p->cost.registerMoves, 0);
  // Without 128-bit stores the rotated plan is the cheaper one.
  Target narrow = *Target::get("sm_80");
  narrow.maxAccessBits = 32;
  auto q = planConversion(src, dst, 32, narrow);
  EXPECT_TRUE(q.ok());
  EXPECT_EQ(q->cost.sharedStores, 1);
  EXPECT_EQ(q->cost.storeWavefronts, 1);
  EXPECT_EQ(q->cost.registerMoves, 31); // a 32-way select
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

TEST(Planning, ThreadLocalConversionsSelect) {
  // Every lane holds the 4 values (register bases 1, 2; lanes zero); the
  // destination spreads them over lanes 0-3: lane l takes its own register
  // l % 4, i.e. sel(lane = 1) = 1, sel(lane = 2) = 2, higher lanes 0.
  Target t = *Target::get("sm_90");
  auto rep = *LinearLayout::create(
      {{"register", {{1}, {2}}}, {"lane", {{0}, {0}, {0}, {0}, {0}}}},
      std::vector<std::string>{"dim0"});
  auto spread = *LinearLayout::create(
      {{"register", {}}, {"lane", {{1}, {2}, {0}, {0}, {0}}}},
      std::vector<std::string>{"dim0"});
  auto kind = classifyConversion(rep, spread);
  EXPECT_TRUE(kind.ok() && *kind == ConversionKind::Select);
  auto p = planConversion(rep, spread, 32, t);
  EXPECT_TRUE(p.ok());
  EXPECT_TRUE(p->kind() == ConversionKind::Select);
  EXPECT_EQ(p->as<SelectPlan>()->map.basis(1, 0, 0), 1);
  EXPECT_EQ(p->as<SelectPlan>()->map.basis(1, 1, 0), 2);
  EXPECT_EQ(p->as<SelectPlan>()->map.basis(1, 2, 0), 0);
  // One destination register chosen among 4 by two lane bits: a mux tree
  // of 3 selects (a butterfly over the 4 source registers would take 8).
  EXPECT_EQ(p->cost.selects, 3);
  EXPECT_EQ(p->cost.shuffles + p->cost.sharedStores + p->cost.barriers, 0);
  // The other way round the data must travel between lanes.
  auto back = classifyConversion(spread, rep);
  EXPECT_TRUE(back.ok() && *back == ConversionKind::Shuffle);
}

TEST(Planning, WarpLocalWhenWarpsDiffer) {
  // The source is replicated across 2 warps (both hold all 64 values); the
  // destination's warp 1 holds the upper half: every warp finds what it
  // needs in its own lanes, so shuffles do (no shared memory).
  auto src = *LinearLayout::create(
      {{"register", {{32}}},
       {"lane", {{1}, {2}, {4}, {8}, {16}}},
       {"warp", {{0}}}},
      std::vector<std::string>{"dim0"});
  auto dst = *LinearLayout::create(
      {{"register", {}},
       {"lane", {{2}, {4}, {8}, {16}, {1}}},
       {"warp", {{32}}}},
      std::vector<std::string>{"dim0"});
  auto kind = classifyConversion(src, dst);
  EXPECT_TRUE(kind.ok() && *kind == ConversionKind::Shuffle);
  auto m = localSourceMap(src, dst, 2);
  EXPECT_TRUE(m.ok() && m->has_value());
  // Warp 1 reads source register 1 (value 32 + x), from the same lanes.
  EXPECT_EQ((*m)->basis(2, 0, 0), 1);
  EXPECT_EQ((*m)->basis(2, 0, 1), 0);
}
