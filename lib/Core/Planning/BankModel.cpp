//===- BankModel.cpp - The shared-memory bank model -----------------------===//

#include "Detail.h"

#include <algorithm>
#include <set>

namespace ll {
using namespace detail;

namespace detail {

/// Wavefronts of one warp-wide access in which lane bit j moves the element
/// offset by laneOff[j] (elements), each lane accessing `vecElems` elements
/// of `bitwidth` bits; lanes with (lane & skip) != 0 do not take part.
AccessInfo countWavefronts(const std::vector<int64_t> &laneOff, int32_t skip,
                           int vecElems, int bitwidth, const Target &t) {
  AccessInfo a;
  a.vectorElems = vecElems;
  int bytes = std::max(1, vecElems * bitwidth / 8);
  int lanesPW = t.lanesPerWavefront(bytes);
  int phases = std::max(1, t.warpSize / lanesPW);
  a.minWavefronts = phases;
  // XOR translations (other registers, warps, phases) permute banks and
  // rows alike, so phase 0 of one instruction tells the count.
  std::map<int64_t, std::set<int64_t>> wordsPerBank;
  for (int lane = 0; lane < lanesPW; ++lane) {
    if (lane & skip)
      continue;
    int64_t off = 0;
    for (size_t j = 0; j < laneOff.size(); ++j)
      if ((lane >> j) & 1)
        off ^= laneOff[j];
    int64_t startBit = off * bitwidth, endBit = startBit + int64_t(vecElems) * bitwidth;
    for (int64_t w = startBit / 32; w * 32 < endBit; ++w)
      wordsPerBank[w % t.numBanks].insert(w);
  }
  int perPhase = 1;
  for (auto &[bank, words] : wordsPerBank)
    perPhase = std::max<int>(perPhase, int(words.size()));
  // Phases whose lanes all sit out (replicated data) access nothing.
  int phaseBits = log2i(lanesPW);
  int idle = __builtin_popcount(uint32_t(skip) >> phaseBits &
                                uint32_t(phases - 1));
  int activePhases = phases >> idle;
  a.minWavefronts = activePhases;
  a.wavefronts = perPhase * activePhases;
  return a;
}

ThreadOffsets threadOffsets(const LinearLayout &addr, int bitwidth,
                            const Target &t, int32_t regSkip,
                            int maxVecBits) {
  // addr: (register, lane, ...) -> (offset, ...); only the offset matters
  // for banks.
  ThreadOffsets r;
  int off = addr.outDimIndex("offset");
  for (const char *d : {"register", "lane"}) {
    int i = addr.inDimIndex(d);
    auto &dst = std::string(d) == "register" ? r.reg : r.lane;
    if (i < 0)
      continue;
    for (int b = 0; b < addr.inDimSizeLog2(i); ++b)
      dst.push_back(off >= 0 ? addr.basis(i, b, off) : 0);
  }
  int maxVec = std::min(maxVecBits,
                        log2i(std::max(1, t.maxAccessBits / bitwidth)));
  for (int k = 0; k < maxVec; ++k) {
    int found = -1;
    for (size_t b = 0; b < r.reg.size(); ++b)
      if (r.reg[b] == (int64_t(1) << k) && !((regSkip >> b) & 1)) {
        found = int(b);
        break;
      }
    if (found < 0)
      break;
    r.vectorRegs.push_back(found);
  }
  return r;
}

} // namespace detail

/// A register layout and a shared layout of one tensor.
static Expected<bool> checkAccessPair(const LinearLayout &regLayout,
                                      const LinearLayout &shared) {
  LL_TRY(okReg, checkDistributed(regLayout, "the register layout"));
  (void)okReg;
  LL_CHECK(shared.hasInDim("offset"), InvalidArgument,
           "the shared layout needs an 'offset' in dim");
  LL_CHECK(shared.outDims() == regLayout.outDims(), DimMismatch,
           "the register and shared layouts cover different tensors");
  return true;
}

Expected<AccessInfo> analyzeSharedAccess(const LinearLayout &regLayout,
                                         const LinearLayout &shared,
                                         int bitwidth, const Target &target,
                                         int maxVectorElems) {
  LL_CHECK(bitwidth >= 8 && bitwidth <= 64 && isPowerOf2(bitwidth),
           InvalidArgument, "bitwidth must be 8, 16, 32 or 64");
  LL_TRY(okPair, checkAccessPair(regLayout, shared));
  (void)okPair;
  LL_TRY(inv, shared.invert());
  LL_TRY(addr, regLayout.compose(inv));
  int32_t laneSkip = maskOf(regLayout.freeVariableMasks(), "lane");
  int maxVecBits = maxVectorElems > 0 ? log2i(maxVectorElems) : 64;
  ThreadOffsets to = threadOffsets(addr, bitwidth, target, 0, maxVecBits);
  return countWavefronts(to.lane, laneSkip, 1 << to.vectorRegs.size(),
                         bitwidth, target);
}

Expected<int> gluonBankConflicts(const LinearLayout &regLayout,
                                 const LinearLayout &shared, int bitwidth) {
  LL_CHECK(bitwidth >= 1 && bitwidth <= 64 && isPowerOf2(bitwidth),
           InvalidArgument, "bitwidth must be a power of two <= 64");
  LL_TRY(okPair, checkAccessPair(regLayout, shared));
  (void)okPair;
  LinearLayout reg = regLayout;
  if (reg.hasInDim("register")) {
    LL_TRY(r, reg.removeZeroBasesAlongDim("register"));
    reg = std::move(r);
  }
  LL_TRY(inv, shared.invert());
  LL_TRY(addr, reg.compose(inv)); // -> (offset[, block]) flattened below
  auto cols = columnsByDim(addr);
  int offBits = shared.inDimSizeLog2(shared.inDimIndex("offset"));
  int totalBits = shared.totalInBits();
  uint64_t offMask = (uint64_t(1) << offBits) - 1;
  // 1. The widest vector: registers at offsets 1, 2, 4, ... (block 0), every
  //    other basis leaving the low offset bits alone.
  int lv = log2i(std::max(1, 128 / bitwidth));
  for (; lv > 0; --lv) {
    if (lv > offBits)
      continue;
    std::vector<bool> used(cols["register"].size(), false);
    bool ok = true;
    for (int k = 0; k < lv && ok; ++k) {
      ok = false;
      for (size_t b = 0; b < cols["register"].size(); ++b)
        if (!used[b] && cols["register"][b] == (uint64_t(1) << k)) {
          used[b] = ok = true;
          break;
        }
    }
    uint64_t low = (uint64_t(1) << lv) - 1;
    for (size_t b = 0; b < cols["register"].size() && ok; ++b)
      if (!used[b] && (cols["register"][b] & offMask & low))
        ok = false;
    for (const char *d : {"lane", "warp", "block"})
      for (uint64_t c : cols[d])
        if (c & offMask & low)
          ok = false;
    if (ok)
      break;
  }
  int v = 1 << lv;
  // 2. Rows: index bits from log2(v * slots) up, slots = v*b-bit vectors per
  //    128 bytes (at most the whole buffer).
  int slotBits = std::min(log2i(std::max(1, 1024 / (v * bitwidth))),
                          std::max(0, totalBits - lv));
  int rowStart = lv + slotBits;
  std::vector<uint64_t> sharedCols = shared.flatColumns(); // offset, block
  std::vector<uint64_t> rows(sharedCols.begin() + std::min(rowStart, totalBits),
                             sharedCols.end());
  // 3. The lanes of one wavefront: all but the last log2(v*b/32) lane bases.
  auto regCols = columnsByDim(reg);
  std::vector<uint64_t> lanes = regCols["lane"];
  int drop = log2i(std::max(1, v * bitwidth / 32));
  lanes.resize(std::max(0, int(lanes.size()) - drop));
  int k = int(f2::intersection(lanes, rows).size());
  return (1 << k) - 1;
}

} // namespace ll
