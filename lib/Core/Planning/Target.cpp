//===- Target.cpp - Targets and the cycle model ---------------------------===//

#include "Detail.h"

namespace ll {

Expected<Target> Target::get(const std::string &name) {
  Target t;
  t.name = name;
  if (name == "sm_80" || name == "sm_86" || name == "sm_89") {
    t.ldmatrix = true;
  } else if (name == "sm_90" || name == "sm_90a" || name == "sm_100") {
    t.ldmatrix = t.stmatrix = true;
  } else if (name == "gfx942" || name == "gfx90a") {
    t.warpSize = 64;
  } else if (name == "gfx950") {
    t.warpSize = 64;
    t.numBanks = 64;
  } else {
    return Error(ErrorKind::InvalidArgument,
                 "unknown target '" + name +
                     "' (known: sm_80, sm_86, sm_89, sm_90, sm_90a, sm_100, "
                     "gfx90a, gfx942, gfx950)");
  }
  if (t.warpSize == 64) {
    // wave64: ds_bpermute moves 256 bytes through the LDS (2 wavefronts of
    // 128 bytes); VALU instructions take 4 passes of a SIMD16.
    t.cycles.shuffle = 8;
    t.cycles.alu = 4;
  }
  return t;
}

int64_t estimateCycles(const PlanCost &c, const Target &t, int warps) {
  const Target::Cycles &k = t.cycles;
  int64_t instructions = c.sharedStores + c.sharedLoads + c.shuffles +
                         c.selects + c.registerMoves + c.barriers;
  return k.issue * instructions +
         k.wavefront * (c.storeWavefronts + c.loadWavefronts) +
         k.shuffle * c.shuffles + k.alu * (c.selects + c.registerMoves) +
         (warps > 1 ? k.barrier : k.warpBarrier) * c.barriers;
}

int Target::lanesPerWavefront(int bytes) const {
  int b = std::max(bytes, 1);
  return std::max(1, std::min(warpSize, wavefrontBytes() / b));
}

std::string Target::sharedInstruction(bool store, AccessKind access) const {
  if (name.rfind("gfx", 0) == 0)
    return store ? "ds_write" : "ds_read"; // no matrix accesses planned
  if (access == AccessKind::Plain)
    return store ? "st.shared" : "ld.shared";
  std::string base = store ? "stmatrix" : "ldmatrix";
  return access == AccessKind::MatrixTransposed ? base + ".trans" : base;
}

const char *toString(GatherPlan::Kind k) {
  return k == GatherPlan::Kind::Shuffle ? "shuffle" : "shared";
}

int Target::minWavefronts(int bytes) const {
  return std::max(1, warpSize / lanesPerWavefront(bytes));
}

} // namespace ll
