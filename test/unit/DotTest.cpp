//===- DotTest.cpp - Dots as layout divides -------------------------------===//
//
// Expected wgmma descriptors are the ones Triton's own PTX carries for the
// same buffers (tutorial 03 on sm_90a: `or.b64 %rd, %rd, <fields>` before
// each wgmma.mma_async, and the start address it adds per k step): an
// oracle independent of planWgmmaOperand. The whole dots are compared with
// Triton's code in the emulator (test/python/test_triton_code.py).
//
//===----------------------------------------------------------------------===//

#include "Test.h"
#include "linear_layouts/Core/Dot.h"
#include "linear_layouts/Core/Families.h"

using namespace ll;

namespace {

LinearLayout nvmma(int swizzle, bool transposed, Shape shape) {
  NVMMASharedEncoding e;
  e.swizzlingByteWidth = swizzle;
  e.transposed = transposed;
  e.elementBitWidth = 16;
  e.cga = CGALayout::single(2);
  auto l = e.toLinearLayout(shape);
  EXPECT_TRUE(bool(l));
  return *l;
}

} // namespace

// A: 64 x 32 f16, 64-byte swizzle, K-major. Triton: fields
// 0x8000002000000000 (64-byte mode, SBO 512), k step 1 starts 32 bytes on.
TEST(Dot, WgmmaDescriptorOfTutorial03A) {
  auto p = planWgmmaOperand(nvmma(64, false, {64, 32}), /*mnDim=*/0, 64, 16,
                            16, true, {{0, 0}, {0, 16}}, {});
  ASSERT_OK(p);
  EXPECT_FALSE(p->desc.mnMajor);
  EXPECT_EQ(p->desc.fields(), 0x8000002000000000ull);
  EXPECT_EQ(p->starts, (std::vector<int64_t>{0, 32}));
}

// B: 32 x 64 f16 (k x n), 128-byte swizzle, n contiguous: MN-major
// (imm-trans-b 1). Triton: fields 0x4000004000000000 (128-byte mode, SBO
// 1024), k step 1 starts 2048 bytes on (16 rows of 128 bytes).
TEST(Dot, WgmmaDescriptorOfTutorial03B) {
  auto p = planWgmmaOperand(nvmma(128, false, {32, 64}), /*mnDim=*/1, 64, 16,
                            16, true, {{0, 0}, {0, 16}}, {});
  ASSERT_OK(p);
  EXPECT_TRUE(p->desc.mnMajor);
  EXPECT_EQ(p->desc.fields(), 0x4000004000000000ull);
  EXPECT_EQ(p->starts, (std::vector<int64_t>{0, 2048}));
}

// The same B tile stored K-major (a transposed nvmma buffer) needs a
// K-major descriptor; forbidding MN-major (tf32, 8-bit types) leaves the
// MN-major buffer without one, and the reason names each mode tried.
TEST(Dot, WgmmaDescriptorMajorness) {
  auto k = planWgmmaOperand(nvmma(128, true, {64, 64}), 1, 64, 16, 16, false,
                            {{0, 0}}, {});
  ASSERT_OK(k);
  EXPECT_FALSE(k->desc.mnMajor);
  EXPECT_EQ(k->desc.swizzleBytes, 128);
  auto mn = planWgmmaOperand(nvmma(128, false, {64, 64}), 1, 64, 16, 16,
                             false, {{0, 0}}, {});
  EXPECT_FALSE(bool(mn));
  if (mn)
    return;
  EXPECT_TRUE(mn.error().message().find("K-major 128-byte swizzle: element") !=
              std::string::npos);
  EXPECT_EQ(mn.error().message().find("MN-major"), std::string::npos);
}

// Two warpgroups along m (8 warps): the second's A tile starts 64 rows on,
// 64 x 64 bytes later in a 64-byte-swizzled buffer of 128 rows.
TEST(Dot, WgmmaDescriptorPerWarpgroup) {
  auto p = planWgmmaOperand(nvmma(64, false, {128, 32}), 0, 64, 16, 16, true,
                            {{0, 0}}, {64});
  ASSERT_OK(p);
  EXPECT_EQ(p->groupStarts, (std::vector<int64_t>{64 * 64}));
}

// wgmma's result fragment divides Triton's #mma v3 accumulator: 32
// registers per thread in the PTX ISA's order for m64n64.
TEST(Dot, WgmmaDividesTheAccumulator) {
  NvidiaMmaEncoding m;
  m.versionMajor = 3;
  m.warpsPerCTA = {4, 1};
  m.instrShape = {16, 64, 16};
  m.cga = CGALayout::single(2);
  auto c = m.toLinearLayout({64, 64});
  ASSERT_OK(c);
  auto p = planTiledDot(nullptr, nullptr, *c, wgmma(64, 16), 32);
  ASSERT_OK(p);
  EXPECT_EQ(p->cRegs.size(), size_t(1));
  if (p->cRegs.size() != 1)
    return;
  std::vector<int32_t> want;
  for (int i = 0; i < 32; ++i)
    want.push_back(i); // Triton's register order is the fragment's
  EXPECT_EQ(p->cRegs[0], want);
  // N = 128 does not divide a 64-column result.
  EXPECT_FALSE(bool(planTiledDot(nullptr, nullptr, *c, wgmma(128, 16), 32)));
}
