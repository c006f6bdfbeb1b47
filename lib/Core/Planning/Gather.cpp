//===- Gather.cpp - Gather plans ------------------------------------------===//

#include "Detail.h"

#include <algorithm>
#include <limits>
#include <set>

namespace ll {
using namespace detail;

Expected<GatherPlan> planGather(const LinearLayout &srcIn,
                                const LinearLayout &indexIn, int axis,
                                int bitwidth, const Target &target) {
  LL_TRY(okIn, checkPlanInputs(srcIn, "the source", indexIn, "the index",
                                bitwidth));
  (void)okIn;
  LL_CHECK(srcIn.numOutDims() == indexIn.numOutDims(), DimMismatch,
           "source and index must have the same rank");
  LL_CHECK(axis >= 0 && axis < srcIn.numOutDims(), OutOfRange,
           "gather axis " + std::to_string(axis) + " is out of range");
  for (int d = 0; d < srcIn.numOutDims(); ++d)
    LL_CHECK(d == axis || srcIn.outDimSize(d) == indexIn.outDimSize(d),
             DimMismatch,
             "source and index differ in dim " + std::to_string(d) +
                 ", which is not the gather axis");
  LL_TRY(okT, checkSameThreads(srcIn, "the source", indexIn, "the index",
                               target));
  (void)okT;
  GatherPlan p;
  p.axis = axis;
  p.bitwidth = bitwidth;
  p.target = target;
  p.src = srcIn;
  p.index = indexIn;
  LL_TRY(coordToSrc, srcIn.pseudoinvert());
  p.coordToSrc = coordToSrc;
  // Warp-local: every element a thread needs (its index coordinate, any
  // value along the axis) sits in the source in the thread's own warp and
  // CTA: coordToSrc maps the index layout's non-axis coordinate to the same
  // warp and block, and the axis never changes warp or block.
  bool warpLocal = true;
  {
    int n = indexIn.numOutDims();
    auto hwOf = [&](std::vector<int32_t> c) { return coordToSrc.apply(c); };
    int wOut = coordToSrc.outDimIndex("warp"), bOut = coordToSrc.outDimIndex("block");
    for (int i = 0; i < indexIn.numInDims() && warpLocal; ++i) {
      const std::string &dim = indexIn.inDimName(i);
      for (int b = 0; b < indexIn.inDimSizeLog2(i) && warpLocal; ++b) {
        std::vector<int32_t> c(n);
        for (int o = 0; o < n; ++o)
          c[o] = o == axis ? 0 : indexIn.basis(i, b, o);
        std::vector<int32_t> hw = hwOf(c);
        int32_t wantW = dim == "warp" ? (int32_t(1) << b) : 0;
        int32_t wantB = dim == "block" ? (int32_t(1) << b) : 0;
        if ((wOut >= 0 && hw[wOut] != wantW) || (bOut >= 0 && hw[bOut] != wantB))
          warpLocal = false;
      }
    }
    for (int b = 0; (int64_t(1) << b) < srcIn.outDimSize(axis) && warpLocal; ++b) {
      std::vector<int32_t> c(n, 0);
      c[axis] = int32_t(1) << b;
      std::vector<int32_t> hw = hwOf(c);
      if ((wOut >= 0 && hw[wOut]) || (bOut >= 0 && hw[bOut]))
        warpLocal = false;
    }
  }
  int regDim = coordToSrc.outDimIndex("register");
  // Index registers that are free variables hold copies of other index
  // registers (the same index, so the same result): copies, never a second
  // shuffle or load. Likewise replicated source registers are stored once.
  int dstRegs = int(indexIn.inDimSize(0)) >>
                __builtin_popcount(uint32_t(
                    maskOf(indexIn.freeVariableMasks(), "register")));
  int srcDistinct = int(srcIn.inDimSize(0)) >>
                    __builtin_popcount(uint32_t(
                        maskOf(srcIn.freeVariableMasks(), "register")));
  if (warpLocal) {
    // Candidate source registers: those holding some element along the axis
    // of a row a result register needs.
    std::set<int> cands;
    int lanes = int(sizeOf(indexIn, "lane"));
    int laneIdx = indexIn.inDimIndex("lane");
    int64_t axisSize = srcIn.outDimSize(axis);
    int allRegs = int(indexIn.inDimSize(0));
    if (int64_t(allRegs) * lanes * axisSize <= (int64_t(1) << 20)) {
      std::vector<int32_t> in(indexIn.numInDims(), 0);
      for (int r = 0; r < allRegs; ++r)
        for (int l = 0; l < lanes; ++l) {
          in[0] = r;
          if (laneIdx >= 0)
            in[laneIdx] = l;
          std::vector<int32_t> c = indexIn.apply(in);
          for (int64_t a = 0; a < axisSize; ++a) {
            c[axis] = int32_t(a);
            cands.insert(coordToSrc.apply(c)[regDim]);
          }
        }
      p.candidates.assign(cands.begin(), cands.end());
      p.kind = GatherPlan::Kind::Shuffle;
      p.cost.shuffles = int64_t(dstRegs) * p.candidates.size();
      p.cost.registerMoves = p.cost.shuffles; // selects
      return p;
    }
  }
  // Through shared memory: the source stored once, unswizzled rounds-free.
  p.kind = GatherPlan::Kind::Shared;
  LL_TRY(design, designShared(srcIn, srcIn, bitwidth, target,
                              std::numeric_limits<int64_t>::max()));
  LL_TRY(tile, sharedLayout(design, srcIn, /*full=*/false));
  LL_TRY(full, sharedLayout(design, srcIn, /*full=*/true));
  LL_TRY(inv, full.invert());
  LL_TRY(storeAddr, srcIn.compose(inv));
  p.shared = tile;
  p.storeAddress = storeAddr;
  p.tensorToOffset = inv;
  p.storeMasks = srcIn.freeVariableMasks();
  int tileBits = int(design.vec.size() + design.bank.size() + design.seg.size());
  p.scratchBytes = (int64_t(1) << tileBits) * std::max(1, bitwidth / 8);
  p.cost.scratchBytes = p.scratchBytes;
  p.cost.sharedStores = srcDistinct;
  p.cost.sharedLoads = dstRegs;
  p.cost.barriers = 1;
  return p;
}

} // namespace ll
