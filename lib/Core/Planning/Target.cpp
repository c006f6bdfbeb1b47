//===- Target.cpp - Targets and the cycle model ---------------------------===//

#include "Detail.h"

#include <algorithm>

namespace ll {

const std::vector<std::string> &Target::names() {
  static const std::vector<std::string> known = {
      "sm_80", "sm_86", "sm_89", "sm_90", "sm_90a", "gfx90a", "gfx942", "gfx950"};
  return known;
}

Expected<Target> Target::get(const std::string &name) {
  auto known = [] {
    std::string s;
    for (const std::string &n : names())
      s += (s.empty() ? "" : ", ") + n;
    return "known targets: " + s;
  };
  auto starts = [&](const char *p) { return name.rfind(p, 0) == 0; };
  if (std::find(names().begin(), names().end(), name) == names().end()) {
    std::string why = "unknown target '" + name + "'";
    if (starts("gfx10") || starts("gfx11") || starts("gfx12"))
      why = "target '" + name +
            "' is not supported: RDNA GPUs run wave32 and have other LDS "
            "banks and cross-lane instructions than the CDNA (wave64) "
            "targets modelled";
    else if (starts("sm_1") && name.size() >= 6)
      why = "target '" + name +
            "' is not supported: Triton's code for it uses tensor memory and "
            "tcgen05 instructions this project does not lower";
    else if (starts("sm_") || starts("gfx"))
      why = "target '" + name + "' is not supported";
    return Error(ErrorKind::InvalidArgument, why + " (" + known() + ")");
  }
  Target t;
  t.name = name;
  if (starts("sm_")) {
    t.computeCapability = std::stoi(name.substr(3, 2));
    t.ldmatrix = t.warpReduce = true;
    t.stmatrix = t.computeCapability >= 90;
    t.fp8Conversions = t.computeCapability >= 89;
    t.sharedMemoryBytes = t.computeCapability == 80   ? 163 * 1024
                          : t.computeCapability < 90 ? 99 * 1024
                                                     : 227 * 1024;
    t.triple = "nvptx64-nvidia-cuda";
    // The PTX ISA each processor first appeared in; 8.4 on sm_89 / sm_90a
    // for mma.sync with fp8 operands, which sm_90a also needs for the vector
    // atomics (atom.add.noftz.v8.f16, atom.add.v4.f32: 8.1) and the
    // device-side tensor maps (tensormap.replace / cp_fenceproxy: 8.3).
    t.processor = t.computeCapability == 90 ? "sm_90a" : name;
    t.features = t.computeCapability == 80   ? "+ptx70"
                 : t.computeCapability == 86 ? "+ptx71"
                                             : "+ptx84";
  } else {
    t.vendor = Vendor::AMD;
    t.warpSize = 64;
    t.numBanks = name == "gfx950" ? 64 : 32;
    t.sharedMemoryBytes = name == "gfx950" ? 160 * 1024 : 64 * 1024;
    t.triple = "amdgcn-amd-amdhsa";
    t.processor = name;
    t.codeObjectVersion = 500;
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
  if (isAMD())
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
