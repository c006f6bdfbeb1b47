//===- Planning.cpp - Planning layout conversions -------------------------===//

#include "linear_layouts/Core/Planning.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

namespace ll {

//===----------------------------------------------------------------------===//
// Targets
//===----------------------------------------------------------------------===//

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

int Target::minWavefronts(int bytes) const {
  return std::max(1, warpSize / lanesPerWavefront(bytes));
}

//===----------------------------------------------------------------------===//
// Helpers on flattened layouts
//===----------------------------------------------------------------------===//

namespace {

const char *const kDist[] = {"register", "lane", "warp", "block"};

/// Columns (flattened images) of each in dim, by name.
std::map<std::string, std::vector<uint64_t>> columnsByDim(const LinearLayout &l) {
  std::vector<uint64_t> cols = l.flatColumns();
  std::map<std::string, std::vector<uint64_t>> r;
  size_t c = 0;
  for (int i = 0; i < l.numInDims(); ++i) {
    auto &v = r[l.inDimName(i)];
    for (int b = 0; b < l.inDimSizeLog2(i); ++b)
      v.push_back(cols[c++]);
  }
  for (const char *d : kDist)
    r[d];
  return r;
}

/// A flattened vector back to one component per out dim of `like`.
Basis unflatten(uint64_t v, const LinearLayout &like) {
  Basis b;
  for (int o = 0; o < like.numOutDims(); ++o) {
    int k = like.outDimSizeLog2(o);
    b.push_back(int32_t(v & ((uint64_t(1) << k) - 1)));
    v >>= k;
  }
  return b;
}

/// The layout over the distributed in dims (kDist order) whose flattened
/// columns are `cols`, with the out dims of `like`.
Expected<LinearLayout>
fromColumns(const std::map<std::string, std::vector<uint64_t>> &cols,
            const LinearLayout &like) {
  std::vector<std::pair<std::string, std::vector<Basis>>> ins;
  for (const char *d : kDist) {
    std::vector<Basis> b;
    if (auto it = cols.find(d); it != cols.end())
      for (uint64_t v : it->second)
        b.push_back(unflatten(v, like));
    ins.push_back({d, b});
  }
  return LinearLayout::create(ins, like.outDims(), false);
}

bool isUnit(uint64_t v) { return v && !(v & (v - 1)); }

/// The mask of in dim `dim` in a freeVariableMasks() result (0 if absent).
int32_t maskOf(const std::vector<std::pair<std::string, int32_t>> &masks,
               const char *dim) {
  for (auto &[d, m] : masks)
    if (d == dim)
      return m;
  return 0;
}

/// The nonzero vectors of `v` independent of those before them, in order.
std::vector<uint64_t> independentPrefix(const std::vector<uint64_t> &v) {
  std::vector<uint64_t> r;
  f2::Span span;
  for (uint64_t x : v)
    if (x && span.insert(x))
      r.push_back(x);
  return r;
}

/// The `rows` x cols.size() matrix whose column j is the bit vector cols[j].
f2::Matrix matrixOfColumns(const std::vector<uint64_t> &cols, int rows) {
  f2::Matrix m(rows, int(cols.size()));
  for (size_t j = 0; j < cols.size(); ++j)
    for (int i = 0; i < rows; ++i)
      if ((cols[j] >> i) & 1)
        m.set(i, int(j));
  return m;
}

Expected<bool> checkDistributed(const LinearLayout &l, const char *what) {
  for (int i = 0; i < l.numInDims(); ++i) {
    bool known = false;
    for (const char *d : kDist)
      known |= l.inDimName(i) == d;
    LL_CHECK(known, InvalidArgument,
             std::string(what) + " must be a distributed layout (in dims "
                                 "register, lane, warp, block), not '" +
                 l.inDimName(i) + "'");
  }
  LL_CHECK(l.totalOutBits() <= 62, Unsupported,
           std::string(what) + " covers more than 2^62 elements");
  return true;
}

int log2i(int64_t x) { return log2Floor(uint64_t(x)); }

/// The size of in dim `d` (1 where the layout has no such dim).
int64_t sizeOf(const LinearLayout &l, const char *d) {
  int i = l.inDimIndex(d);
  return i < 0 ? 1 : l.inDimSize(i);
}

/// Two layouts that exchange data run on the same threads: the same numbers
/// of lanes, warps and blocks, and warps of the target's size (a missing dim
/// counts as size 1; a layout without lanes runs on one lane).
Expected<bool> checkSameThreads(const LinearLayout &a, const char *aName,
                                const LinearLayout &b, const char *bName,
                                const Target &target) {
  for (const char *d : {"lane", "warp", "block"})
    LL_CHECK(sizeOf(a, d) == sizeOf(b, d), DimMismatch,
             std::string(aName) + " runs on " + std::to_string(sizeOf(a, d)) +
                 " " + d + "s but " + bName + " on " +
                 std::to_string(sizeOf(b, d)) +
                 ": a conversion cannot change the number of " + d + "s");
  int64_t lanes = sizeOf(a, "lane");
  LL_CHECK(lanes == 1 || lanes == target.warpSize, DimMismatch,
           "the layouts have " + std::to_string(lanes) + " lanes per warp but " +
               target.name + " has " + std::to_string(target.warpSize) +
               "-lane warps");
  return true;
}

} // namespace

//===----------------------------------------------------------------------===//
// Shared-memory access analysis (the bank model)
//===----------------------------------------------------------------------===//

namespace {

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

/// The per-thread offsets of `regLayout` through `sharedInv` (tensor ->
/// offset[, rep, block]): images of register and lane bits as offsets, and
/// the vector (register bits that are offset bits 0, 1, ...).
struct ThreadOffsets {
  std::vector<int64_t> reg, lane;
  std::vector<int> vectorRegs; ///< register bits forming the vector, in order
};

ThreadOffsets threadOffsets(const LinearLayout &addr, int bitwidth,
                            const Target &t, int32_t regSkip,
                            int maxVecBits = 64) {
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

} // namespace

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

//===----------------------------------------------------------------------===//
// Optimal swizzling
//===----------------------------------------------------------------------===//

namespace {

struct SharedDesign {
  std::vector<uint64_t> vec, bank, seg, reps, block; // flattened t vectors
  /// Source-only registers right after the vector, inside the bank word:
  /// stores pack them with the vector into (up to) 32-bit accesses, loads
  /// read the narrower vector.
  int storeExtension = 0;
  /// Likewise destination-only registers for loads (when stores have no
  /// extension, or `preferLoad`).
  int loadExtension = 0;
};

/// The lane bases one wavefront spans, for accesses of `vecElems` elements.
std::vector<uint64_t> tileLanes(const std::vector<uint64_t> &lanes,
                                int vecElems, int bitwidth, const Target &t) {
  int bytes = std::max(1, vecElems * bitwidth / 8);
  int k = log2i(t.lanesPerWavefront(bytes));
  std::vector<uint64_t> r;
  for (int j = 0; j < k && j < int(lanes.size()); ++j)
    if (lanes[j])
      r.push_back(lanes[j]);
  return r;
}

Expected<SharedDesign> designShared(const LinearLayout &src,
                                    const LinearLayout &dst, int bitwidth,
                                    const Target &t, int64_t maxScratch,
                                    bool preferLoad = false,
                                    const std::vector<uint64_t> &forcedVec = {},
                                    int widen = 0) {
  auto sc = columnsByDim(src), dc = columnsByDim(dst);
  LL_CHECK(sc["block"] == dc["block"], Unsupported,
           "data moves between CTAs: cross-CTA conversions are not supported");
  int n = src.totalOutBits();
  SharedDesign d;
  for (uint64_t b : sc["block"])
    if (b)
      d.block.push_back(b);
  f2::Span blockSpan(d.block);

  // Registers holding distinct data, in register order.
  std::vector<uint64_t> sRegs = independentPrefix(sc["register"]);
  std::vector<uint64_t> dRegs = independentPrefix(dc["register"]);
  std::set<uint64_t> dRegSet(dRegs.begin(), dRegs.end());

  // 1. The vector: register bases both sides share, widest first fitting in
  //    maxAccessBits.
  int maxVec = log2i(std::max(1, t.maxAccessBits / bitwidth));
  std::vector<uint64_t> common;
  for (uint64_t r : sRegs)
    if (dRegSet.count(r) && !blockSpan.contains(r))
      common.push_back(r);
  std::sort(common.begin(), common.end());
  if (!forcedVec.empty()) {
    // A matrix instruction's 16-byte row, in its order.
    for (uint64_t r : forcedVec)
      LL_CHECK(std::find(common.begin(), common.end(), r) != common.end(),
               Unsupported, "the matrix row is not in registers on both sides");
    d.vec = forcedVec;
  }
  for (uint64_t r : common)
    if (forcedVec.empty() && int(d.vec.size()) < maxVec)
      d.vec.push_back(r);
  // Every other basis of either side (lanes, warps, blocks, the other
  // registers) must be free of vector components, or a lane's vector would
  // start inside a vector (only possible with non-unit bases).
  // (A lane or a second register holding a vector element counts as
  // another basis: only one register per element and side is the vector.)
  auto others = [&](const std::vector<uint64_t> &vec) {
    std::vector<uint64_t> h;
    for (auto *cols : {&sc, &dc})
      for (const char *dim : kDist) {
        std::set<uint64_t> skip;
        if (std::string(dim) == "register")
          skip.insert(vec.begin(), vec.end());
        for (uint64_t b : (*cols)[dim])
          if (b && !skip.erase(b))
            h.push_back(b);
      }
    return h;
  };
  auto separable = [&](const std::vector<uint64_t> &vec) {
    f2::Span h(others(vec));
    int dimH = h.dim();
    for (uint64_t v : vec)
      h.insert(v);
    return h.dim() == dimH + int(vec.size());
  };
  while (!d.vec.empty() && !separable(d.vec)) {
    LL_CHECK(forcedVec.empty(), Unsupported,
             "the matrix row is not separable from the other bases");
    d.vec.pop_back();
  }

  // 2. Rounds: further common registers, as scratch allows.
  std::vector<uint64_t> repCands;
  for (uint64_t r : common)
    if (std::find(d.vec.begin(), d.vec.end(), r) == d.vec.end())
      repCands.push_back(r);
  int tileBits = n - int(d.block.size());
  int nReps = 0;
  int64_t elemBytes = std::max(1, bitwidth / 8);
  if (maxScratch < 0) {
    nReps = int(repCands.size());
  } else {
    while (nReps < int(repCands.size()) &&
           (int64_t(1) << (tileBits - nReps)) * elemBytes > maxScratch)
      ++nReps;
  }
  // Take the highest common registers as rounds (the lowest stay in rows).
  for (int i = 0; i < nReps; ++i)
    d.reps.push_back(repCands[repCands.size() - 1 - i]);
  // Rounds must be separable too: a lane in two rounds cannot take part in
  // one instruction.
  auto vecAndReps = [&] {
    std::vector<uint64_t> r = d.vec;
    r.insert(r.end(), d.reps.begin(), d.reps.end());
    return r;
  };
  while (!d.reps.empty() && !separable(vecAndReps()))
    d.reps.pop_back();
  nReps = int(d.reps.size());
  int m = tileBits - nReps; // bits of the tile in shared memory
  // From here on the vector and rounds are fixed.
  const std::vector<uint64_t> iterated = vecAndReps();
  const std::vector<uint64_t> otherBases = others(iterated);

  // The t-space of the tile: units outside blocks and rounds.
  f2::Span excluded(d.block);
  for (uint64_t r : d.reps)
    excluded.insert(r);
  std::vector<uint64_t> tileUnits;
  for (int i = 0; i < n; ++i) {
    uint64_t u = uint64_t(1) << i;
    if (!excluded.contains(u))
      tileUnits.push_back(u);
  }
  // The tile must hold the vector and every other basis of both sides
  // (lanes, warps, other registers): they address inside one round. With
  // unit bases (every distributed family) the units above do; otherwise
  // the tile is V + a complement C of V, rounds and CTAs holding them.
  std::vector<uint64_t> inTileNeeded = otherBases;
  inTileNeeded.insert(inTileNeeded.end(), d.vec.begin(), d.vec.end());
  bool unitsFit = int(tileUnits.size()) == m;
  if (unitsFit) {
    f2::Span t(tileUnits);
    for (uint64_t x : inTileNeeded)
      unitsFit &= blockSpan.contains(x) || t.contains(x);
  }
  if (!unitsFit) {
    f2::Span grown = excluded;
    tileUnits.clear();
    for (uint64_t x : inTileNeeded)
      if (grown.insert(x))
        tileUnits.push_back(x);
    for (int i = 0; i < n; ++i)
      if (grown.insert(uint64_t(1) << i))
        tileUnits.push_back(uint64_t(1) << i);
    LL_CHECK(int(tileUnits.size()) == m, Unsupported,
             "cannot separate the shared tile from CTAs and rounds");
  }

  // 3. Bank and segment sizes.
  int vecBits = int(d.vec.size());
  int slotBits = log2i(std::max<int64_t>(
      1, int64_t(t.wavefrontBytes()) * 8 / ((int64_t(1) << vecBits) * bitwidth)));
  int bankBits = std::min(slotBits, m - vecBits);
  int segBits = m - vecBits - bankBits;

  // 4. Segments: never shared by the lanes of one wavefront.
  int vecElems = 1 << vecBits;
  f2::Span tileSpan(tileUnits);
  int wordBits = 0;
  while ((int64_t(1) << (vecBits + wordBits)) * bitwidth < 32 &&
         wordBits < bankBits)
    ++wordBits;
  f2::Span withinWord(d.vec);
  std::vector<uint64_t> wordVecs;
  auto addWord = [&](uint64_t c) {
    if (int(wordVecs.size()) < wordBits && c && tileSpan.contains(c) &&
        withinWord.insert(c))
      wordVecs.push_back(c);
  };
  // When one wavefront's lanes outnumber the banks (wave64 with 32 banks),
  // sub-word accesses are conflict-free only if lanes share words: reserve
  // word bits for lanes of each side (common lanes serve both).
  int accBytes = std::max(1, vecElems * bitwidth / 8);
  int needLaneWords =
      std::max(0, log2i(t.lanesPerWavefront(accBytes)) - log2i(t.numBanks));
  {
    std::vector<uint64_t> dFull = tileLanes(dc["lane"], vecElems, bitwidth, t);
    std::vector<uint64_t> sFull = tileLanes(sc["lane"], vecElems, bitwidth, t);
    auto countIn = [&](const std::vector<uint64_t> &side) {
      int n = 0;
      for (uint64_t x : wordVecs)
        n += std::find(side.begin(), side.end(), x) != side.end();
      return n;
    };
    for (uint64_t x : dFull)
      if (std::find(sFull.begin(), sFull.end(), x) != sFull.end() &&
          countIn(dFull) < needLaneWords)
        addWord(x);
    for (uint64_t x : dFull)
      if (countIn(dFull) < needLaneWords)
        addWord(x);
    for (uint64_t x : sFull)
      if (countIn(sFull) < needLaneWords)
        addWord(x);
  }
  // Sub-word vectors: then fill the word with more registers of one side,
  // so its accesses become 32-bit wide (replicated registers are never
  // stored): source-only registers for stores, or destination-only ones
  // for loads (when preferred, or when stores have none).
  std::set<uint64_t> sAll(sc["register"].begin(), sc["register"].end());
  std::set<uint64_t> dAll(dc["register"].begin(), dc["register"].end());
  auto extend = [&](const std::vector<uint64_t> &regs,
                    const std::set<uint64_t> &other, int &extension) {
    bool contiguous = wordVecs.empty();
    for (uint64_t r : regs)
      if (!other.count(r)) {
        size_t before = wordVecs.size();
        addWord(r);
        if (wordVecs.size() > before && contiguous)
          ++extension;
      }
  };
  // (With non-unit bases a side's lanes could have components along an
  // extension, i.e. start inside its access vector: no extensions then.)
  bool unitBases = true;
  for (auto *cols : {&sc, &dc})
    for (const char *dim : kDist)
      for (uint64_t b : (*cols)[dim])
        unitBases &= !b || isUnit(b);
  if (unitBases && preferLoad)
    extend(dRegs, sAll, d.loadExtension);
  if (unitBases)
    extend(sRegs, dAll, d.storeExtension);
  if (unitBases && !preferLoad)
    extend(dRegs, sAll, d.loadExtension);
  // One-sided vectors: past the bank word, registers only one side holds
  // widen that side's accesses up to maxAccessBits, while the other side
  // accesses narrower pieces of the same vectors (from different lanes or
  // warps). A replicated destination (one value per thread on the source
  // side, many on the destination side) then loads 128 bits at a time
  // instead of one element; a source replicated across lanes is stored by
  // one lane in 128-bit pieces. At most |widen| registers past the word
  // (> 0: loads, < 0: stores; the caller tries each count: a register the
  // other side holds in another warp costs it a bank bit), the other side's
  // lanes first (their accesses stay in one wavefront).
  auto widenSide = [&](const std::vector<uint64_t> &regs,
                       const std::set<uint64_t> &otherRegs,
                       const std::vector<uint64_t> &otherLanes, int count,
                       int &extension) {
    std::vector<uint64_t> order;
    for (bool lanesFirst : {true, false})
      for (uint64_t r : regs)
        if (!otherRegs.count(r) &&
            lanesFirst == (std::find(otherLanes.begin(), otherLanes.end(),
                                     r) != otherLanes.end()))
          order.push_back(r);
    int past = 0;
    for (uint64_t r : order) {
      if (past >= count || vecBits + extension >= maxVec ||
          int(wordVecs.size()) >= bankBits)
        break;
      if (tileSpan.contains(r) && withinWord.insert(r)) {
        wordVecs.push_back(r);
        ++extension;
        ++past;
      }
    }
  };
  if (unitBases && widen > 0 && d.storeExtension == 0 &&
      d.loadExtension == int(wordVecs.size()))
    widenSide(dRegs, sAll, sc["lane"], widen, d.loadExtension);
  if (unitBases && widen < 0 && d.loadExtension == 0 &&
      d.storeExtension == int(wordVecs.size()))
    widenSide(sRegs, dAll, dc["lane"], -widen, d.storeExtension);
  int storeVecElems = vecElems << d.storeExtension;
  std::vector<uint64_t> sTile =
      tileLanes(sc["lane"], storeVecElems, bitwidth, t);
  std::vector<uint64_t> dTile =
      tileLanes(dc["lane"], vecElems << d.loadExtension, bitwidth, t);
  for (uint64_t x : sTile)
    if (std::find(dTile.begin(), dTile.end(), x) != dTile.end())
      addWord(x);
  for (uint64_t x : sTile)
    addWord(x);
  for (uint64_t x : dTile)
    addWord(x);
  for (uint64_t u : tileUnits)
    addWord(u);
  d.bank = wordVecs;
  f2::Span sSpan(d.vec), dSpan(d.vec), all(d.vec);
  for (uint64_t x : wordVecs) {
    sSpan.insert(x);
    dSpan.insert(x);
    all.insert(x);
  }
  for (uint64_t x : sTile)
    sSpan.insert(x);
  for (uint64_t x : dTile)
    dSpan.insert(x);
  auto inTile = [&](uint64_t v) { return tileSpan.contains(v); };
  auto tryAdd = [&](uint64_t c, bool needS, bool needD) {
    if (int(d.seg.size()) >= segBits || !c || !inTile(c) || all.contains(c))
      return;
    if (needS && sSpan.contains(c))
      return;
    if (needD && dSpan.contains(c))
      return;
    d.seg.push_back(c);
    all.insert(c);
    sSpan.insert(c);
    dSpan.insert(c);
  };
  //   a) units neither side's wavefront lanes touch: conflict-free; then
  //      (for non-unit bases) tile vectors reduced by both sides' spans;
  for (uint64_t u : tileUnits)
    tryAdd(u, true, true);
  {
    f2::Span both = sSpan;
    for (uint64_t x : dSpan.basis())
      both.insert(x);
    for (uint64_t u : tileUnits)
      tryAdd(both.reduce(u), true, true);
  }
  //   b) a_i xor b_i (store-only lane basis with load-only lane basis);
  std::vector<uint64_t> A, B;
  for (uint64_t x : sTile)
    if (std::find(dTile.begin(), dTile.end(), x) == dTile.end())
      A.push_back(x);
  for (uint64_t x : dTile)
    if (std::find(sTile.begin(), sTile.end(), x) == sTile.end())
      B.push_back(x);
  for (size_t i = 0; i < A.size(); ++i)
    for (size_t j = 0; j < B.size(); ++j)
      tryAdd(A[i] ^ B[j], true, true);
  //   c) forced conflicts: one side only, then anything.
  for (uint64_t u : tileUnits)
    tryAdd(u, false, true);
  for (uint64_t u : tileUnits)
    tryAdd(u, true, false);
  for (uint64_t u : tileUnits)
    tryAdd(u, false, false);
  LL_CHECK(int(d.seg.size()) == segBits, Unsupported,
           "could not complete the segment bases");
  // 5. Banks: complete V + seg to the tile space.
  for (uint64_t u : tileUnits)
    if (int(d.bank.size()) < bankBits && all.insert(u))
      d.bank.push_back(u);
  LL_CHECK(int(d.bank.size()) == bankBits, Unsupported,
           "could not complete the bank bases");
  // 6. Take the vector and round components out of the bank and segment
  //    bases along a complement C of V + rounds that holds every other
  //    basis of both sides, so those address whole vectors of one round.
  //    Conflicts depend on the bases modulo V only, rounds take no part in
  //    an access, and the bases already in C stay as they are.
  if (!iterated.empty()) {
    f2::Span c(otherBases);
    f2::Span grown(iterated);
    for (uint64_t x : c.basis())
      grown.insert(x);
    for (int i = 0; i < n; ++i)
      if (grown.insert(uint64_t(1) << i))
        c.insert(uint64_t(1) << i);
    std::vector<uint64_t> basis = iterated;
    basis.insert(basis.end(), c.basis().begin(), c.basis().end());
    f2::Matrix mat = matrixOfColumns(basis, n);
    for (auto *part : {&d.bank, &d.seg})
      for (uint64_t &b : *part) {
        auto x = mat.solve({b});
        LL_CHECK(x, Unsupported, "cannot separate the vector and rounds");
        for (size_t k = 0; k < iterated.size(); ++k)
          if (((*x)[0] >> k) & 1)
            b ^= iterated[k];
      }
  }
  return d;
}

/// offset -> tensor for the tile; with `full`, also rep and block in dims
/// (then invertible on the whole tensor).
Expected<LinearLayout> sharedLayout(const SharedDesign &d,
                                    const LinearLayout &like, bool full) {
  std::vector<Basis> off;
  for (auto *part : {&d.vec, &d.bank, &d.seg})
    for (uint64_t v : *part)
      off.push_back(unflatten(v, like));
  BasesList bl = {{"offset", off}};
  if (full) {
    std::vector<Basis> rep, blk;
    for (uint64_t v : d.reps)
      rep.push_back(unflatten(v, like));
    for (uint64_t v : d.block)
      blk.push_back(unflatten(v, like));
    bl.push_back({"rep", rep});
    bl.push_back({"block", blk});
  }
  return LinearLayout::create(std::move(bl), like.outDims(),
                              /*requireSurjective=*/full);
}

} // namespace

Expected<LinearLayout> optimalSwizzle(const LinearLayout &src,
                                      const LinearLayout &dst, int bitwidth,
                                      const Target &target) {
  LL_TRY(okS, checkDistributed(src, "the source layout"));
  LL_TRY(okD, checkDistributed(dst, "the destination layout"));
  (void)okS, (void)okD;
  LL_CHECK(src.outDims() == dst.outDims(), DimMismatch,
           "source and destination cover different tensors");
  LL_TRY(okT, checkSameThreads(src, "the source", dst, "the destination",
                               target));
  (void)okT;
  LL_TRY(d, designShared(src, dst, bitwidth, target, -1));
  return sharedLayout(d, src, /*full=*/false);
}

//===----------------------------------------------------------------------===//
// Plans
//===----------------------------------------------------------------------===//

namespace {

/// Shuffles: lane l needs, for destination register r, the value that
/// source lane C r + D l holds in register A r + B l (the maps of
/// cvt = dst^-1 o src restricted to registers and lanes). One shuffle
/// delivers one register per sending lane, chosen from the sender's lane id
/// s: with l = k + c (k in K = ker D, c in a complement), the sender offers
/// A r + E(s + C r) + B k, where E(D c) = B c. Lanes that differ only in K
/// read the same sender but want different registers, so each destination
/// register takes one sub-round per value of k's coordinates y = P(l).
/// sum_j x_j cols[j] over F2.
uint64_t applyLinear(const std::vector<uint64_t> &cols, uint64_t x) {
  uint64_t r = 0;
  for (size_t j = 0; j < cols.size(); ++j)
    if ((x >> j) & 1)
      r ^= cols[j];
  return r;
}

/// Shuffles for cvt: dst (register r, lane l) <- src (A r + B l, C r + D l).
/// Destination lanes differing by k in K (ker D, less what B also kills)
/// would read one sender that must offer different registers; in order of
/// preference they read different copies of the sender (source lanes in
/// `replicaLanes` hold the same data: lane l reads C r + D l + Phi(P l)),
/// fill their registers in different rounds (a rotated schedule), or take
/// 2^|K| sub-rounds.
Expected<bool> planShuffle(ConversionPlan &p, const LinearLayout &cvt,
                           int32_t freeRegs, uint64_t replicaLanes) {
  LL_TRY(A, cvt.sublayout({"register"}, {"register"}));
  LL_TRY(B, cvt.sublayout({"lane"}, {"register"}));
  LL_TRY(C, cvt.sublayout({"register"}, {"lane"}));
  LL_TRY(D, cvt.sublayout({"lane"}, {"lane"}));
  auto dc = D.flatColumns(), bc = B.flatColumns();
  int nl = int(dc.size());           // destination lane bits
  int srcLaneBits = D.totalOutBits(); // source lane bits
  // K = ker D (in destination-lane space), and a complement of units.
  f2::Matrix ns = matrixOfColumns(dc, srcLaneBits).nullspace();
  std::vector<uint64_t> kernel;
  for (int r = 0; r < ns.rows(); ++r)
    kernel.push_back(ns.row(r)[0]);
  // Split ker D = K0 + K: destination lanes differing by K0 read the same
  // sender *and* the same register (the destination is replicated across
  // them), so only K needs separate shuffles (or another schedule).
  std::vector<uint64_t> K0, K;
  {
    f2::PairedSpan kb; // B k -> k
    for (uint64_t k : kernel) {
      uint64_t bv = applyLinear(bc, k), k0 = k;
      if (!kb.insert(bv, k, &k0))
        K0.push_back(k0); // k plus the kb rows with the same B image
    }
    for (auto &[bv, k] : kb.rows())
      K.push_back(k);
  }
  std::vector<uint64_t> kernelBasis = K0;
  kernelBasis.insert(kernelBasis.end(), K.begin(), K.end());
  std::vector<uint64_t> comp = f2::complement(kernelBasis, nl);
  // Coordinates of each destination lane unit in the basis K + comp: P
  // takes the K part.
  std::vector<uint64_t> basis = kernelBasis;
  basis.insert(basis.end(), comp.begin(), comp.end());
  f2::Matrix bm = matrixOfColumns(basis, nl);
  const auto &applyLin = applyLinear;
  std::vector<Basis> pCols; // lane -> sub (K coordinates)
  for (int j = 0; j < nl; ++j) {
    auto x = bm.solve({uint64_t(1) << j});
    if (!x)
      return Error(ErrorKind::Unsupported, "shuffle planning: bad basis");
    uint64_t kCoords =
        ((*x)[0] >> K0.size()) & ((uint64_t(1) << K.size()) - 1);
    pCols.push_back({int32_t(kCoords)});
  }
  // E on the image of D: pairs (D c, B c) for c in the complement.
  std::vector<std::pair<uint64_t, uint64_t>> pairs;
  for (uint64_t c : comp)
    pairs.push_back({applyLin(dc, c), applyLin(bc, c)});

  f2::PairedSpan onImage; // D c -> B c
  for (auto [dv, bv] : pairs)
    if (!onImage.insert(dv, bv))
      return Error(ErrorKind::Unsupported, "shuffle planning: D not injective");
  std::vector<Basis> eCols; // source lane -> register (0 off image(D))
  for (int i = 0; i < srcLaneBits; ++i) {
    uint64_t dv = uint64_t(1) << i, bv = 0;
    onImage.reduce(dv, bv);
    eCols.push_back({int32_t(bv)});
  }
  DimSizes regDim = {{"register", int32_t(A.outDimSize(0))}};
  auto ac = A.flatColumns(), cc = C.flatColumns();
  int nr = int(ac.size());
  DimSizes laneDim = {{"lane", int32_t(1) << nl}};
  DimSizes dRegDim = {{"register", int32_t(1) << nr}};
  // Store the schedule: lane l fills register r + Q(l) in round r, reading
  // lane C r + D' l, whose sender offers (A + M C) r + M s.
  auto schedule = [&](const std::vector<uint64_t> &qp,
                      const std::vector<uint64_t> &dp) -> Expected<bool> {
    // M = (A Q + B) D'^{-1}: source lane -> sender register, defined on
    // the senders some lane reads (lanes reading one sender need one
    // register: a replicated destination) and 0 elsewhere. Fully reduced
    // echelon of the pairs (D' l, (A Q + B) l), so the map is linear.
    f2::PairedSpan M;
    for (int j = 0; j < nl; ++j) {
      uint64_t clash = 0;
      if (!M.insert(dp[j], bc[j] ^ applyLin(ac, qp[j]), &clash) && clash)
        return false; // one sender would owe two readers different values
    }
    std::vector<uint64_t> mc;
    for (int i = 0; i < nl; ++i) {
      uint64_t x = uint64_t(1) << i, y = 0;
      M.reduce(x, y);
      mc.push_back(y);
    }
    std::vector<Basis> sendRegCols, srcLaneCols, dstRegCols;
    for (int b = 0; b < nr; ++b) {
      sendRegCols.push_back({int32_t(ac[b] ^ applyLin(mc, cc[b]))});
      srcLaneCols.push_back({int32_t(cc[b])});
      dstRegCols.push_back({int32_t(1) << b});
    }
    std::vector<Basis> sendLane, srcLaneL, dstRegL, subL;
    for (int i = 0; i < nl; ++i) {
      sendLane.push_back({int32_t(mc[i])});
      srcLaneL.push_back({int32_t(dp[i])});
      dstRegL.push_back({int32_t(qp[i])});
      subL.push_back({0});
    }
    LL_TRY(send, LinearLayout::create(
                     {{"register", sendRegCols}, {"lane", sendLane}, {"sub", {}}},
                     regDim, false));
    LL_TRY(srcLane, LinearLayout::create(
                        {{"register", srcLaneCols}, {"lane", srcLaneL}},
                        laneDim, false));
    LL_TRY(dstReg, LinearLayout::create(
                       {{"register", dstRegCols}, {"lane", dstRegL}},
                       dRegDim, false));
    LL_TRY(sub, LinearLayout::create({{"lane", subL}}, DimSizes{{"sub", 1}},
                                     false));
    p.shuffleSendRegister = send;
    p.shuffleSrcLane = srcLane;
    p.shuffleDstRegister = dstReg;
    p.shuffleSubRound = sub;
    p.subRounds = 1;
    return true;
  };
  // Copies: source lanes that differ only in replica bits hold the same
  // values, so the lanes of one K class read different copies and each
  // copy offers the register its reader needs.
  if (!K.empty() && srcLaneBits == nl &&
      __builtin_popcountll(replicaLanes) >= int(K.size())) {
    std::vector<uint64_t> phi;
    for (int i = 0; i < srcLaneBits && phi.size() < K.size(); ++i)
      if ((replicaLanes >> i) & 1)
        phi.push_back(uint64_t(1) << i);
    std::vector<uint64_t> qp(nl, 0), dp(nl);
    for (int j = 0; j < nl; ++j)
      dp[j] = dc[j] ^ applyLin(phi, uint64_t(pCols[j][0]));
    LL_TRY(done, schedule(qp, dp));
    if (done)
      return true;
  }
  // Rotation: give each K direction k_i a destination register bit q_i
  // with C q_i independent of image(D) and of each other; lane l then fills
  // register r + Q P l in round r and reads lane C r + D' l with
  // D' = D + C Q P invertible, so every sender is read by one lane.
  {
    f2::Span span;
    for (uint64_t c : comp)
      span.insert(applyLin(dc, c));
    std::vector<int> q;
    for (size_t i = 0; i < K.size(); ++i)
      for (int b = 0; b < nr; ++b)
        if (!((freeRegs >> b) & 1) &&
            std::find(q.begin(), q.end(), b) == q.end() && cc[b] &&
            span.insert(cc[b])) {
          q.push_back(b);
          break;
        }
    if (q.size() == K.size() && srcLaneBits == nl) {
      // Columns of Q P (lane -> register) and D' (lane -> lane).
      std::vector<uint64_t> qp(nl), dp(nl);
      for (int j = 0; j < nl; ++j) {
        uint64_t y = uint64_t(pCols[j][0]), reg = 0;
        for (size_t i = 0; i < q.size(); ++i)
          if ((y >> i) & 1)
            reg ^= uint64_t(1) << q[i];
        qp[j] = reg;
        dp[j] = dc[j] ^ applyLin(cc, reg);
      }
      LL_TRY(done, schedule(qp, dp));
      if (done)
        return true;
    }
  }
  std::vector<Basis> jCols; // sub coordinate -> register: B(k_i)
  for (uint64_t k : K)
    jCols.push_back({int32_t(applyLin(bc, k))});
  LL_TRY(E, LinearLayout::create({{"lane", eCols}}, regDim, false));
  LL_TRY(J, LinearLayout::create({{"sub", jCols}}, regDim, false));
  LL_TRY(EC, C.compose(E));
  std::vector<Basis> regPart;
  auto ab = A.bases(0), ecb = EC.bases(0);
  for (size_t i = 0; i < ab.size(); ++i)
    regPart.push_back({ab[i][0] ^ ecb[i][0]});
  LL_TRY(R, LinearLayout::create({{"register", regPart}}, regDim, false));
  LL_TRY(RE, R.concatIns(E));
  LL_TRY(send, RE.concatIns(J));
  LL_TRY(srcLane, C.concatIns(D));
  DimSizes subDim = {{"sub", int32_t(1) << K.size()}};
  LL_TRY(sub, LinearLayout::create({{"lane", pCols}}, subDim, false));
  LL_TRY(dstReg, LinearLayout::identity1D(int32_t(1) << nr, "register",
                                          "register"));
  LL_TRY(noLane, LinearLayout::zeros1D(int32_t(1) << nl, "lane", "register"));
  LL_TRY(dstRegL, dstReg.product(noLane));
  p.shuffleSendRegister = send;
  p.shuffleSrcLane = srcLane;
  p.shuffleDstRegister = dstRegL;
  p.shuffleSubRound = sub;
  p.subRounds = 1 << K.size();
  return true;
}

} // namespace

namespace {

/// How one side accesses shared memory (see ConversionPlan::storeView,
/// storeRegister, loadRegister).
struct Access {
  LinearLayout view; ///< the layout the accesses see
  LinearLayout reg;  ///< the register map of the plan
  std::string instr;
  int selectBits = 0; ///< rotated stores: lane bits choosing the register
  int rowBits = 0;    ///< matrix instructions: view registers of one row
};

/// Fill the shared-memory part of `p` for the accesses `st` and `ld`;
/// false when they do not fit (a matrix row that is not the vector, or
/// row addresses that are not 16-byte aligned).
Expected<bool> planSharedWith(ConversionPlan &p, const Access &st,
                              const Access &ld, bool preferLoad,
                              const PlanOptions &options,
                              int widen = 0) {
  const LinearLayout &s = st.view, &t = ld.view;
  int bitwidth = p.bitwidth;
  const Target &target = p.target;
  int regs = int(t.inDimSize(0));
  std::vector<uint64_t> forced;
  for (const Access *a : {&ld, &st}) {
    if (!a->rowBits)
      continue;
    auto cols = columnsByDim(a->view)["register"];
    std::vector<uint64_t> row(cols.begin(), cols.begin() + a->rowBits);
    if (!forced.empty() && forced != row)
      return false;
    forced = row;
  }
  LL_TRY(design, designShared(s, t, bitwidth, target, options.maxScratchBytes,
                              preferLoad, forced, widen));
  LL_TRY(tile, sharedLayout(design, s, /*full=*/false));
  LL_TRY(full, sharedLayout(design, s, /*full=*/true));
  LL_TRY(inv, full.invert());
  LL_TRY(storeAddr, s.compose(inv));
  LL_TRY(loadAddr, t.compose(inv));
  p.shared = tile;
  p.storeAddress = storeAddr;
  p.loadAddress = loadAddr;
  p.storeView = s;
  p.loadView = t;
  p.storeRegister = st.reg;
  p.loadRegister = ld.reg;
  p.storeInstr = st.instr;
  p.loadInstr = ld.instr;
  p.repBits = int(design.reps.size());
  p.storeMasks = s.freeVariableMasks();
  int32_t sRegSkip = maskOf(p.storeMasks, "register");
  int32_t sLaneSkip = maskOf(p.storeMasks, "lane");
  int32_t dRegSkip = maskOf(t.freeVariableMasks(), "register");
  // Accesses are exactly as wide as the designed vector (stores may pack
  // source-only registers of the same bank word too).
  int vecBits = int(design.vec.size());
  ThreadOffsets so = threadOffsets(storeAddr, bitwidth, target, sRegSkip,
                                   vecBits + design.storeExtension);
  ThreadOffsets lo = threadOffsets(loadAddr, bitwidth, target, dRegSkip,
                                   vecBits + design.loadExtension);
  // A matrix instruction reads (writes) its rows whole: the row is the
  // vector, in order, and every other bit moves the address by rows. One
  // instruction serves 512 distinct elements of one round and one CTA: the
  // row and lane bits are independent, every lane takes part, and neither
  // moves the round or the block.
  auto fits = [&](const Access &a, const LinearLayout &addr,
                  const ThreadOffsets &o) {
    if (!a.rowBits)
      return true;
    if (int(o.vectorRegs.size()) != a.rowBits)
      return false;
    for (int k = 0; k < a.rowBits; ++k)
      if (o.vectorRegs[k] != k)
        return false;
    auto vc = columnsByDim(a.view);
    std::vector<uint64_t> instr(vc["register"].begin(),
                                vc["register"].begin() + a.rowBits);
    instr.insert(instr.end(), vc["lane"].begin(), vc["lane"].end());
    if (int(f2::Span(instr).basis().size()) != int(instr.size()) ||
        maskOf(a.view.freeVariableMasks(), "lane"))
      return false;
    int off = addr.outDimIndex("offset");
    int64_t low = (int64_t(1) << a.rowBits) - 1;
    for (int i = 0; i < addr.numInDims(); ++i)
      for (int b = 0; b < addr.inDimSizeLog2(i); ++b) {
        bool inInstr = (i == 0 && b < a.rowBits) || i == 1;
        for (int j = 0; j < addr.numOutDims(); ++j) {
          int64_t v = addr.basis(i, b, j);
          if (j == off ? !(i == 0 && b < a.rowBits) && (v & low)
                       : inInstr && v)
            return false;
        }
      }
    return true;
  };
  if (!fits(st, storeAddr, so) || !fits(ld, loadAddr, lo))
    return false;
  p.store = countWavefronts(so.lane, sLaneSkip, 1 << so.vectorRegs.size(),
                            bitwidth, target);
  p.load = countWavefronts(lo.lane, 0, 1 << lo.vectorRegs.size(), bitwidth,
                           target);
  int tileBits = int(design.vec.size() + design.bank.size() + design.seg.size());
  p.scratchBytes = (int64_t(1) << tileBits) * std::max(1, bitwidth / 8);
  int sDistinct = int(s.inDimSize(0)) >> __builtin_popcount(uint32_t(sRegSkip));
  int dDistinct = regs >> __builtin_popcount(uint32_t(dRegSkip));
  p.cost.sharedStores = sDistinct / p.store.vectorElems;
  p.cost.sharedLoads = dDistinct / p.load.vectorElems;
  p.cost.registerMoves =
      int64_t(sDistinct) * ((int64_t(1) << st.selectBits) - 1);
  p.cost.barriers = 2 * (int64_t(1) << p.repBits) - 1;
  p.cost.scratchBytes = p.scratchBytes;
  p.cost.storeWavefronts = p.cost.sharedStores * p.store.wavefronts;
  p.cost.loadWavefronts = p.cost.sharedLoads * p.load.wavefronts;
  return true;
}

/// The register map of a side: in dims register, [lane,] matrix, element.
/// `regCols` / `laneCols` / `matCols` / `elemCols` are register indices
/// (as bit masks) of the side.
Expected<LinearLayout> registerMap(int32_t regs, bool withLane,
                                   const std::vector<int32_t> &regCols,
                                   const std::vector<int32_t> &laneCols,
                                   const std::vector<int32_t> &matCols,
                                   const std::vector<int32_t> &elemCols) {
  auto wrap = [](const std::vector<int32_t> &c) {
    std::vector<Basis> b;
    for (int32_t v : c)
      b.push_back({v});
    return b;
  };
  BasesList bl = {{"register", wrap(regCols)}};
  if (withLane)
    bl.push_back({"lane", wrap(laneCols)});
  bl.push_back({"matrix", wrap(matCols)});
  bl.push_back({"element", wrap(elemCols)});
  return LinearLayout::create(std::move(bl), DimSizes{{"register", regs}},
                              false);
}

/// ld/st.shared of `side`, with store rotation `g` (pairs lane bit j,
/// register bit b: lane j stores register r ^ b; see storeRotations).
Expected<Access> plainAccess(const LinearLayout &side, bool store,
                             const std::vector<std::pair<int, int>> &g) {
  int regBits = log2i(side.inDimSize(0));
  int laneBits = log2i(side.inDimSize(1));
  std::vector<int32_t> regCols, laneCols(laneBits, 0);
  for (int b = 0; b < regBits; ++b)
    regCols.push_back(int32_t(1) << b);
  auto cols = columnsByDim(side);
  for (auto [j, b] : g) {
    laneCols[j] = int32_t(1) << b;
    cols["lane"][j] = cols["register"][b];
    cols["register"][b] = 0;
  }
  Access a;
  LL_TRY(view, fromColumns(cols, side));
  LL_TRY(reg, registerMap(int32_t(side.inDimSize(0)), store, regCols,
                          laneCols, {}, {}));
  a.view = std::move(view);
  a.reg = std::move(reg);
  a.instr = store ? "st.shared" : "ld.shared";
  a.selectBits = int(g.size());
  return a;
}

/// The register bits of `side` holding distinct data (the first of
/// repeated bases), ascending: `own` where `other` does not hold the same
/// basis in a register, `held` where it does.
struct RegisterSplit {
  std::vector<int> own, held;
};
RegisterSplit splitRegisters(const LinearLayout &side,
                             const LinearLayout &other) {
  auto rc = columnsByDim(side)["register"];
  auto oc = columnsByDim(other)["register"];
  std::vector<uint64_t> indep = independentPrefix(rc);
  std::set<uint64_t> distinct(indep.begin(), indep.end());
  std::set<uint64_t> otherRegs(oc.begin(), oc.end()), seen;
  RegisterSplit r;
  for (int b = 0; b < int(rc.size()); ++b)
    if (distinct.count(rc[b]) && seen.insert(rc[b]).second)
      (otherRegs.count(rc[b]) ? r.held : r.own).push_back(b);
  return r;
}

/// ldmatrix / stmatrix (x4, m8n8) for `side`, or nullopt when the side
/// does not fit one: 32 lanes all holding distinct data, 8-, 16- or 32-bit
/// elements (.trans: 16-bit), and enough distinct registers for the
/// elements of a 32-bit word and the 4 matrices. The matrix registers are
/// taken from the ones `other` does not hold in registers (which could not
/// be the vector or rounds anyway), lowest first; the element registers
/// from those `other` does hold when `elemShared` (so that the row can be
/// in registers on both sides), else like the matrix ones. The view:
///   non-trans: registers [element bits, lane 0, lane 1, other registers],
///              lanes [lane 2, lane 3, lane 4, matrix bits];
///   trans:     registers [lane 2, lane 3, lane 4, other registers],
///              lanes [element bit, lane 0, lane 1, matrix bits],
/// which is how the instruction distributes a matrix: thread t holds the
/// word t % 4 of row t / 4 (trans: rows 2 (t % 4) + e, column t / 4).
Expected<std::optional<Access>> matrixAccess(const LinearLayout &side,
                                             const LinearLayout &other,
                                             int bitwidth, bool trans,
                                             bool store, bool elemShared) {
  using Result = std::optional<Access>;
  if (side.inDimSize(1) != 32 || bitwidth > 32 || (trans && bitwidth != 16))
    return Result();
  auto cols = columnsByDim(side);
  auto &rc = cols["register"], &lc = cols["lane"];
  for (uint64_t l : lc)
    if (!l)
      return Result();
  auto [own, shared] = splitRegisters(side, other);
  int elemBits = log2i(32 / bitwidth);
  if (int(own.size() + shared.size()) < elemBits + 2 ||
      (elemShared && (elemBits == 0 || shared.empty())))
    return Result();
  std::vector<int> elem, mat;
  auto take = [&](std::vector<int> &into, int n, std::vector<int> order) {
    for (int b : order)
      if (int(into.size()) < n &&
          std::find(elem.begin(), elem.end(), b) == elem.end() &&
          std::find(mat.begin(), mat.end(), b) == mat.end())
        into.push_back(b);
  };
  std::vector<int> ownFirst = own;
  ownFirst.insert(ownFirst.end(), shared.rbegin(), shared.rend());
  std::vector<int> sharedFirst = shared;
  sharedFirst.insert(sharedFirst.end(), own.begin(), own.end());
  take(elem, elemBits, elemShared ? sharedFirst : ownFirst);
  take(mat, 2, ownFirst);
  std::vector<int> rest;
  for (int b = 0; b < int(rc.size()); ++b)
    if (std::find(elem.begin(), elem.end(), b) == elem.end() &&
        std::find(mat.begin(), mat.end(), b) == mat.end())
      rest.push_back(b);
  std::vector<uint64_t> vr, vl;
  auto addRegs = [&](std::vector<uint64_t> &v, const std::vector<int> &bits) {
    for (int b : bits)
      v.push_back(rc[b]);
  };
  if (!trans) {
    addRegs(vr, elem);
    vr.insert(vr.end(), {lc[0], lc[1]});
    vl = {lc[2], lc[3], lc[4]};
  } else {
    vr = {lc[2], lc[3], lc[4]};
    addRegs(vl, elem);
    vl.insert(vl.end(), {lc[0], lc[1]});
  }
  int rowBits = int(vr.size());
  addRegs(vr, rest);
  addRegs(vl, mat);
  cols["register"] = vr;
  cols["lane"] = vl;
  Access a;
  LL_TRY(view, fromColumns(cols, side));
  std::vector<int32_t> regCols(rowBits, 0), matCols, elemCols;
  for (int b : rest)
    regCols.push_back(int32_t(1) << b);
  for (int b : mat)
    matCols.push_back(int32_t(1) << b);
  for (int b : elem)
    elemCols.push_back(int32_t(1) << b);
  LL_TRY(reg, registerMap(int32_t(side.inDimSize(0)), store, regCols,
                          std::vector<int32_t>(5, 0), matCols, elemCols));
  a.view = std::move(view);
  a.reg = std::move(reg);
  a.instr = std::string(store ? "stmatrix" : "ldmatrix") + (trans ? ".trans" : "");
  a.rowBits = rowBits;
  return Result(std::move(a));
}

/// Rotated stores for a source replicated across lanes. Each choice pairs
/// free lane bits of `s` (lowest first: they share a wavefront) with
/// register bits holding distinct data that `t` does not hold in
/// registers (those are the vector and the rounds), in a few orders; the
/// caller keeps the cheapest. Pair (j, b): lane bit j takes register bit
/// b's basis, so lanes that held copies store different registers.
std::vector<std::vector<std::pair<int, int>>>
storeRotations(const LinearLayout &s, const LinearLayout &t) {
  auto sc = columnsByDim(s);
  std::vector<int> freeLanes;
  for (int j = 0; j < int(sc["lane"].size()); ++j)
    if (!sc["lane"][j])
      freeLanes.push_back(j);
  if (freeLanes.empty())
    return {};
  auto [own, held] = splitRegisters(s, t);
  std::vector<int> any = own; // register bits, ascending
  any.insert(any.end(), held.begin(), held.end());
  std::sort(any.begin(), any.end());
  std::vector<std::vector<int>> orders = {
      std::vector<int>(own.rbegin(), own.rend()), own,
      std::vector<int>(any.rbegin(), any.rend())};
  std::vector<std::vector<std::pair<int, int>>> out;
  for (auto &order : orders) {
    std::vector<std::pair<int, int>> g;
    for (size_t i = 0; i < freeLanes.size() && i < order.size(); ++i)
      g.push_back({freeLanes[i], order[i]});
    if (!g.empty() && std::find(out.begin(), out.end(), g) == out.end())
      out.push_back(std::move(g));
  }
  return out;
}

/// Shared-memory traffic of a plan in wavefront units per warp: one
/// shuffle moves a warp's worth of 32-bit words through the same crossbar.
int64_t weight(const ConversionPlan &p) {
  int64_t shuffleWf = std::max(1, p.target.warpSize * 4 / p.target.wavefrontBytes());
  int64_t w = p.cost.storeWavefronts + p.cost.loadWavefronts;
  return w + p.cost.shuffles * shuffleWf;
}

/// Fill the shared-memory part of `p` for storing layout `s` and loading
/// layout `t`. Candidates: ld/st.shared, rotated stores (storeRotations),
/// ldmatrix / stmatrix (+ .trans) where the target has them, and for
/// sub-word elements words filled from either side. The plain plan sets
/// the scratch budget; among the candidates within it the one with the
/// least traffic (weight) wins, then the least scratch, then the fewest
/// instructions.
Expected<bool> planShared(ConversionPlan &p, const LinearLayout &s,
                          const LinearLayout &t, const PlanOptions &options) {
  LL_TRY(plainSt, plainAccess(s, /*store=*/true, {}));
  LL_TRY(plainLd, plainAccess(t, /*store=*/false, {}));
  LL_TRY(ok, planSharedWith(p, plainSt, plainLd, false, options));
  if (!ok)
    return Error(ErrorKind::Unsupported, "no shared-memory plan");
  std::vector<Access> stores = {plainSt}, loads = {plainLd};
  for (auto &g : storeRotations(s, t)) {
    LL_TRY(a, plainAccess(s, true, g));
    stores.push_back(std::move(a));
  }
  for (bool trans : {false, true})
    for (bool elemShared : {false, true}) {
      if (p.target.stmatrix && options.matrixInstructions) {
        LL_TRY(a, matrixAccess(s, t, p.bitwidth, trans, true, elemShared));
        if (a)
          stores.push_back(std::move(*a));
      }
      if (p.target.ldmatrix && options.matrixInstructions) {
        LL_TRY(a, matrixAccess(t, s, p.bitwidth, trans, false, elemShared));
        if (a)
          loads.push_back(std::move(*a));
      }
    }
  // No bank conflicts where avoidable, then the least scratch, then the
  // fewest cycles (instructions, wavefronts, selects, barriers), then the
  // least traffic; given a scratch budget, the fewest cycles within it come
  // before the least scratch; with `trafficFirst`, the least traffic first
  // (the paper's objective).
  int warps = int(sizeOf(s, "warp"));
  bool budgeted = options.maxScratchBytes >= 0;
  // Bank conflicts are never traded: wavefronts over each access's minimum
  // come first (the paper's guarantee, conflict-free whenever its bound
  // allows, holds for whatever widths are chosen).
  auto conflictWavefronts = [](const ConversionPlan &x) {
    return x.cost.sharedStores * (x.store.wavefronts - x.store.minWavefronts) +
           x.cost.sharedLoads * (x.load.wavefronts - x.load.minWavefronts);
  };
  auto key = [&](const ConversionPlan &x) {
    int64_t cycles = estimateCycles(x.cost, x.target, warps);
    if (options.trafficFirst)
      return std::make_tuple(weight(x), x.scratchBytes, cycles, int64_t(0));
    return std::make_tuple(conflictWavefronts(x),
                           budgeted ? cycles : x.scratchBytes,
                           budgeted ? x.scratchBytes : cycles, weight(x));
  };
  // The budget: the caller's, else the plain plan's (the least scratch
  // of the paper's algorithm). A plain plan over the caller's budget gives
  // way to any candidate within it.
  int64_t budget = budgeted ? options.maxScratchBytes : p.scratchBytes;
  bool fits = p.scratchBytes <= budget;
  // Loads widen past a bank word by at most this many registers.
  int maxWide = std::max(0, log2i(std::max(1, p.target.maxAccessBits / 32)));
  for (size_t i = 0; i < stores.size(); ++i)
    for (size_t j = 0; j < loads.size(); ++j)
      for (int mode = 0; mode < 2 + 2 * maxWide; ++mode) {
        // mode 0: as designed; 1: sub-word words filled for the loads
        // (only below 32 bits); then loads widened by 1, 2, .. registers
        // only the destination holds (ld.shared loads only), then stores
        // by 1, 2, .. registers only the source holds (st.shared, not
        // rotated).
        bool pl = mode >= 1 && mode <= 1 + maxWide;
        int wide = mode < 2 ? 0 : mode <= 1 + maxWide ? mode - 1
                                                      : -(mode - 1 - maxWide);
        if ((i == 0 && j == 0 && mode == 0) ||
            (mode == 1 && p.bitwidth >= 32) || (wide > 0 && j != 0) ||
            (wide < 0 && i != 0))
          continue;
        ConversionPlan q = p;
        auto fit = planSharedWith(q, stores[i], loads[j], pl, options, wide);
        if (!fit || !*fit)
          continue;
        bool qFits = q.scratchBytes <= budget;
        if ((qFits && (!fits || key(q) < key(p))) ||
            (!qFits && !fits && q.scratchBytes < p.scratchBytes)) {
          p = std::move(q);
          fits = qFits;
        }
      }
  return true;
}

/// `side` with its register bases swapped for lane bases so that its
/// registers hold `want` (the other side's lowest distinct registers);
/// nullopt when some wanted basis is not a lane basis of `side`.
std::optional<LinearLayout>
swapIntoRegisters(const LinearLayout &side, const std::vector<uint64_t> &want) {
  std::set<uint64_t> keep(want.begin(), want.end());
  auto cols = columnsByDim(side);
  auto &regs = cols["register"];
  auto &lanes = cols["lane"];
  for (uint64_t v : want) {
    if (std::find(regs.begin(), regs.end(), v) != regs.end())
      continue;
    auto li = std::find(lanes.begin(), lanes.end(), v);
    if (li == lanes.end())
      return std::nullopt;
    // Give up the lowest register basis the wanted vector does not contain.
    auto ri = std::find_if(regs.begin(), regs.end(),
                           [&](uint64_t r) { return r && !keep.count(r); });
    if (ri == regs.end())
      return std::nullopt;
    std::swap(*ri, *li);
  }
  auto r = fromColumns(cols, side);
  if (!r)
    return std::nullopt;
  return *r;
}

/// The plan that goes through shared memory between `s` and an intermediate
/// layout sharing a bank word with `s` (before = false: the exchange runs
/// after the load) or with `t` (before = true: before the store).
Expected<std::optional<ConversionPlan>>
tryExchange(const ConversionPlan &base, const LinearLayout &s,
            const LinearLayout &t, bool before, const PlanOptions &options) {
  using Result = std::optional<ConversionPlan>;
  int wordElems = 32 / base.bitwidth;
  int wantBits = log2i(wordElems);
  const AccessInfo &narrow = before ? base.store : base.load;
  if (narrow.vectorElems >= wordElems)
    return Result();
  const LinearLayout &wide = before ? t : s;   // keeps its layout
  const LinearLayout &moved = before ? s : t; // gets an intermediate
  std::vector<uint64_t> want = independentPrefix(columnsByDim(wide)["register"]);
  if (int(want.size()) < wantBits)
    return Result();
  want.resize(wantBits);
  auto mid = swapIntoRegisters(moved, want);
  if (!mid)
    return Result();
  PlanOptions sub = options;
  sub.noExchange = true;
  sub.forceShared = false;
  auto ex = before ? planConversion(s, *mid, base.bitwidth, base.target, sub)
                   : planConversion(*mid, t, base.bitwidth, base.target, sub);
  if (!ex || (ex->kind != ConversionKind::Shuffle &&
              ex->kind != ConversionKind::Registers))
    return Result();
  ConversionPlan p;
  p.kind = ConversionKind::Shared;
  p.bitwidth = base.bitwidth;
  p.target = base.target;
  p.src = s;
  p.dst = t;
  LL_TRY(ok, before ? planShared(p, *mid, t, options)
                    : planShared(p, s, *mid, options));
  (void)ok;
  if (p.scratchBytes > base.scratchBytes)
    return Result();
  p.cost.shuffles += ex->cost.shuffles;
  p.cost.registerMoves += ex->cost.registerMoves;
  p.exchange = std::make_shared<const ConversionPlan>(std::move(*ex));
  p.exchangeBefore = before;
  return Result(std::move(p));
}

} // namespace

/// Selects of a thread-local plan: destination register r of a thread takes
/// source register sel(r, lane, warp, block) = A r xor B (lane, warp, block),
/// with k = rank(B) thread bits choosing. Sub-word values travel packed in
/// 32-bit words (the lowest w register bits index within a word, 2^w =
/// 32 / bitwidth): the kHigh thread bits that choose among words take a mux
/// tree per distinct destination register (2^kHigh - 1 word selects) or a
/// butterfly over the source words (kHigh stages, one select per word:
/// after stage j, word x holds word x ^ B_j where thread bit j is set); the
/// kLow bits that choose within a word take one shift / prmt per
/// destination register.
static int64_t selectCount(const LinearLayout &sel, int distinctDstRegs,
                           int srcRegs, int bitwidth) {
  std::vector<uint64_t> cols;
  for (const char *d : {"lane", "warp", "block"}) {
    auto part = sel.sublayout({d}, {"register"});
    if (part)
      for (uint64_t c : part->flatColumns())
        cols.push_back(c);
  }
  int k = f2::rank(cols);
  int w = log2i(std::max(1, 32 / bitwidth));
  std::vector<uint64_t> high;
  for (uint64_t c : cols)
    high.push_back(c >> w);
  int kHigh = f2::rank(high);
  int kLow = k - kHigh;
  int64_t srcWords = std::max<int64_t>(1, int64_t(srcRegs) >> w);
  int64_t tree = int64_t(distinctDstRegs) * ((int64_t(1) << kHigh) - 1);
  int64_t butterfly = int64_t(kHigh) * srcWords;
  return std::min(tree, butterfly) + (kLow ? distinctDstRegs : 0);
}

/// A shuffle plan computed from the register and lane parts of `cvt`
/// (dst (register, lane, warp, block) -> src (register, lane)) serves warp
/// 0 and CTA 0. Where the warp or block bits move the source location by
/// (dr, dl) (a source replicated across warps that the destination spreads
/// differently), lanes of that warp read lane srcLane ^ dl, and a sender
/// offers the register the plan's sender at lane s ^ dl would, xor dr:
/// both maps gain warp and block inputs.
static Expected<bool> addWarpOffsets(ConversionPlan &p,
                                     const LinearLayout &cvt) {
  for (const char *d : {"warp", "block"}) {
    int idx = cvt.inDimIndex(d);
    std::vector<Basis> laneBases, regBases;
    for (int b = 0; b < cvt.inDimSizeLog2(idx); ++b) {
      int32_t dr = cvt.basis(idx, b, cvt.outDimIndex("register"));
      int32_t dl = cvt.basis(idx, b, cvt.outDimIndex("lane"));
      std::vector<std::pair<std::string, int32_t>> at;
      for (int i = 0; i < p.shuffleSendRegister.numInDims(); ++i) {
        const std::string &n = p.shuffleSendRegister.inDimName(i);
        at.push_back({n, n == "lane" ? dl : 0});
      }
      LL_TRY(sent, p.shuffleSendRegister.applyNamed(at));
      laneBases.push_back({dl});
      regBases.push_back({sent[0] ^ dr});
    }
    LL_TRY(lanes, p.shuffleSrcLane.withInDimBases(d, laneBases));
    LL_TRY(sends, p.shuffleSendRegister.withInDimBases(d, regBases));
    p.shuffleSrcLane = std::move(lanes);
    p.shuffleSendRegister = std::move(sends);
  }
  return true;
}

/// planConversion without the final scratch-budget check.
static Expected<ConversionPlan>
planConversionUnbounded(const LinearLayout &src, const LinearLayout &dst,
                        int bitwidth, const Target &target,
                        const PlanOptions &options);

Expected<ConversionPlan> planConversion(const LinearLayout &src,
                                        const LinearLayout &dst, int bitwidth,
                                        const Target &target,
                                        const PlanOptions &options) {
  auto withCycles = [](ConversionPlan plan) {
    plan.cost.cycles =
        estimateCycles(plan.cost, plan.target, int(sizeOf(plan.src, "warp")));
    return plan;
  };
  LL_TRY(p0, planConversionUnbounded(src, dst, bitwidth, target, options));
  ConversionPlan p = withCycles(std::move(p0));
  // Given a scratch budget, shared memory competes with selects and
  // shuffles on cycles (a one-warp transpose may be cheaper through a
  // buffer than by shuffles).
  if (options.maxScratchBytes > 0 && !options.forceShared &&
      (p.kind == ConversionKind::Select ||
       p.kind == ConversionKind::Shuffle)) {
    PlanOptions viaShared = options;
    viaShared.forceShared = true;
    auto q = planConversionUnbounded(src, dst, bitwidth, target, viaShared);
    if (q && q->scratchBytes <= options.maxScratchBytes) {
      ConversionPlan shared = withCycles(std::move(*q));
      if (shared.cost.cycles < p.cost.cycles)
        p = std::move(shared);
    }
  }
  if (options.maxScratchBytes < 0 || p.scratchBytes <= options.maxScratchBytes)
    return p;
  // Never a silent excess over the caller's budget: the least-scratch plan
  // (the default) if it fits, else an error.
  PlanOptions least = options;
  least.maxScratchBytes = -1;
  LL_TRY(q, planConversionUnbounded(src, dst, bitwidth, target, least));
  LL_CHECK(q.scratchBytes <= options.maxScratchBytes, Unsupported,
           "the conversion needs " + std::to_string(q.scratchBytes) +
               " bytes of scratch (the least of its plans), more than the " +
               std::to_string(options.maxScratchBytes) + " allowed");
  return withCycles(std::move(q));
}

static Expected<ConversionPlan>
planConversionUnbounded(const LinearLayout &src, const LinearLayout &dst,
                        int bitwidth, const Target &target,
                        const PlanOptions &options) {
  LL_TRY(okS, checkDistributed(src, "the source layout"));
  LL_TRY(okD, checkDistributed(dst, "the destination layout"));
  (void)okS, (void)okD;
  LL_CHECK(bitwidth >= 8 && bitwidth <= 64 && isPowerOf2(bitwidth),
           InvalidArgument, "bitwidth must be 8, 16, 32 or 64");
  LL_CHECK(src.outDims() == dst.outDims(), DimMismatch,
           "source and destination cover different tensors");
  LL_TRY(okT, checkSameThreads(src, "the source", dst, "the destination",
                               target));
  (void)okT;
  // Every distributed in dim present, in order.
  LL_TRY(s, withDistributedDims(src));
  LL_TRY(t, withDistributedDims(dst));
  ConversionPlan p;
  p.bitwidth = bitwidth;
  p.target = target;
  p.src = s;
  p.dst = t;
  LL_TRY(kind, classifyConversion(s, t));
  LL_CHECK(kind != ConversionKind::CrossCTA, Unsupported,
           "data moves between CTAs: cross-CTA conversions are not supported");
  p.kind = kind;
  int regs = int(t.inDimSize(0));
  int32_t freeRegs = maskOf(t.freeVariableMasks(), "register");
  // Destination registers holding distinct data: the others are copies of
  // them (free variables of the destination), never moved twice.
  int distinctRegs = regs >> __builtin_popcount(uint32_t(freeRegs));
  if (kind == ConversionKind::Noop && !options.forceShared)
    return p;
  if ((kind == ConversionKind::Registers || kind == ConversionKind::Select) &&
      !options.forceShared) {
    LL_TRY(m, localSourceMap(s, t, 1));
    if (kind == ConversionKind::Registers) {
      LL_TRY(rm, m->sublayout({"register"}, {"register"}));
      p.registerMap = rm;
      p.cost.registerMoves = regs;
      return p;
    }
    p.selectMap = *m;
    p.cost.selects =
        selectCount(*m, distinctRegs, int(s.inDimSize(0)), bitwidth);
    return p;
  }
  if (kind == ConversionKind::Shuffle && !options.forceShared) {
    LL_TRY(cvt, localSourceMap(s, t, 2));
    // Source lanes that hold copies of other lanes' data (zero columns: the
    // local map never reads them).
    uint64_t replicaLanes = 0;
    auto laneCols = columnsByDim(s)["lane"];
    for (size_t i = 0; i < laneCols.size(); ++i)
      if (!laneCols[i])
        replicaLanes |= uint64_t(1) << i;
    LL_TRY(ok, planShuffle(p, *cvt, freeRegs, replicaLanes));
    if (ok) {
      LL_TRY(okW, addWarpOffsets(p, *cvt));
      (void)okW;
      // Pack sub-word values that come from one lane into 32-bit
      // shuffles: distinct destination register bits on which the source
      // lane does not depend.
      auto laneCols = p.shuffleSrcLane.sublayout({"register"}, {"lane"});
      int packBits = 0;
      if (laneCols) {
        auto cols = laneCols->flatColumns();
        for (int b = 0; b < int(cols.size()) &&
                        (bitwidth << (packBits + 1)) <= 32;
             ++b)
          if (!cols[b] && !((freeRegs >> b) & 1)) {
            p.packMask |= int32_t(1) << b;
            ++packBits;
          }
      }
      p.rounds = (distinctRegs >> packBits) * p.subRounds;
      // 64-bit values travel as two 32-bit shuffles.
      p.cost.shuffles = int64_t(p.rounds) * std::max(1, bitwidth / 32);
      // Lane-dependent register choices (sub-rounds or a rotated
      // schedule) cost a select per shuffle.
      // The same when the register a sender offers depends on its lane
      // (copies of replicated lanes offer different registers).
      bool rotated = false;
      for (auto part : {p.shuffleDstRegister.sublayout({"lane"}, {"register"}),
                        p.shuffleSendRegister.sublayout({"lane"}, {"register"})})
        if (part)
          for (uint64_t c : part->flatColumns())
            rotated |= c != 0;
      p.cost.registerMoves = p.subRounds > 1 || rotated ? p.rounds : 0;
      return p;
    }
  }
  // Through shared memory.
  p.kind = ConversionKind::Shared;
  LL_TRY(okShared, planShared(p, s, t, options));
  (void)okShared;
  if (bitwidth < 32 && !options.noExchange) {
    // A side narrower than a bank word: try exchanging sub-word values in
    // the warp (shuffles) so both sides access whole words. On equal
    // weight the exchange wins when it saves shared-memory wavefronts: a
    // shuffle needs no scratch and no barrier.
    ConversionPlan direct = p;
    int warps = int(sizeOf(s, "warp"));
    auto cycles = [&](const ConversionPlan &x) {
      return estimateCycles(x.cost, x.target, warps);
    };
    for (bool before : {false, true}) {
      LL_TRY(alt, tryExchange(direct, s, t, before, options));
      if (!alt)
        continue;
      // Kept when the cycle model says so (the shuffles cost less than the
      // narrow accesses they save), within the scratch of the direct plan.
      auto wavefronts = [](const ConversionPlan &x) {
        return x.cost.storeWavefronts + x.cost.loadWavefronts;
      };
      bool better =
          options.trafficFirst
              ? weight(*alt) < weight(p) ||
                    (weight(*alt) == weight(p) && wavefronts(*alt) < wavefronts(p))
              : cycles(*alt) < cycles(p);
      if (alt->scratchBytes <= direct.scratchBytes && better)
        p = std::move(*alt);
    }
  }
  return p;
}

Expected<int> globalVectorWidth(const LinearLayout &layout, int contiguousDim,
                                int bitwidth, int maxBits, int maxContiguous) {
  LL_TRY(ok, checkDistributed(layout, "the layout"));
  (void)ok;
  LL_CHECK(contiguousDim >= 0 && contiguousDim < layout.numOutDims(),
           OutOfRange, "contiguous dim is out of range");
  LL_CHECK(bitwidth >= 1 && isPowerOf2(bitwidth) && isPowerOf2(maxBits),
           InvalidArgument, "bitwidth and maxBits must be powers of two");
  // Move the contiguous dim first, drop replicated registers, count.
  std::vector<std::string> order = {layout.outDimName(contiguousDim)};
  for (int o = 0; o < layout.numOutDims(); ++o)
    if (o != contiguousDim)
      order.push_back(layout.outDimName(o));
  LL_TRY(t, layout.transposeOuts(order));
  LinearLayout l = t;
  if (l.hasInDim("register")) {
    LL_TRY(r, l.removeZeroBasesAlongDim("register"));
    l = std::move(r);
    // The register dim must come first for numConsecutive.
    std::vector<std::string> ins = {"register"};
    for (int i = 0; i < l.numInDims(); ++i)
      if (l.inDimName(i) != "register")
        ins.push_back(l.inDimName(i));
    LL_TRY(u, l.transposeIns(ins));
    l = std::move(u);
  } else {
    return 1;
  }
  int v = l.numConsecutive();
  v = std::min(v, std::max(1, maxBits / bitwidth));
  if (maxContiguous > 0)
    v = std::min(v, maxContiguous);
  return v;
}

Expected<GatherPlan> planGather(const LinearLayout &srcIn,
                                const LinearLayout &indexIn, int axis,
                                int bitwidth, const Target &target) {
  LL_TRY(okS, checkDistributed(srcIn, "the source layout"));
  LL_TRY(okI, checkDistributed(indexIn, "the index layout"));
  (void)okS, (void)okI;
  LL_CHECK(bitwidth >= 8 && bitwidth <= 64 && isPowerOf2(bitwidth),
           InvalidArgument, "bitwidth must be 8, 16, 32 or 64");
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
      p.kind = "shuffle";
      p.cost.shuffles = int64_t(dstRegs) * p.candidates.size();
      p.cost.registerMoves = p.cost.shuffles; // selects
      return p;
    }
  }
  // Through shared memory: the source stored once, unswizzled rounds-free.
  p.kind = "shared";
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

std::string ConversionPlan::toString() const {
  std::ostringstream os;
  os << "plan: " << ll::toString(kind) << " (" << bitwidth << "-bit, "
     << target.name << ")\n";
  switch (kind) {
  case ConversionKind::Noop:
    os << "  the layouts are equal: nothing to do\n";
    break;
  case ConversionKind::Registers:
    os << "  each thread permutes its registers: dst register -> src register"
       << registerMap.toString() << "\n";
    break;
  case ConversionKind::Select:
    os << "  each thread holds what it needs; dst register r of the thread at "
          "(lane, warp, block) takes src register"
       << selectMap.toString() << "\n";
    break;
  case ConversionKind::Shuffle:
    os << "  " << rounds << " shuffle round(s); round r, lane l reads lane"
       << shuffleSrcLane.toString() << "\n  the sender offers register"
       << shuffleSendRegister.toString() << "\n";
    if (packMask)
      os << "  each shuffle packs the registers differing in bits 0x"
         << std::hex << packMask << std::dec << " into one 32-bit word\n";
    break;
  default:
    os << "  shared memory: " << scratchBytes << " bytes, " << (1 << repBits)
       << " round(s)\n  store: " << storeInstr << ", " << store.vectorElems
       << " x " << bitwidth << "-bit per access, " << store.wavefronts
       << " wavefront(s) (" << store.conflicts() << " extra)\n  load:  "
       << loadInstr << ", " << load.vectorElems << " x " << bitwidth
       << "-bit per access, " << load.wavefronts
       << " wavefront(s) (" << load.conflicts() << " extra)\n"
       << "  shared layout (offset -> tensor):" << shared.toString() << "\n";
    if (exchange)
      os << "  sub-word exchange " << (exchangeBefore ? "before the store" : "after the load")
         << ":\n    " << [&] {
              std::string e = exchange->toString();
              for (size_t i = 0; (i = e.find('\n', i)) != std::string::npos; i += 5)
                e.replace(i, 1, "\n    ");
              return e;
            }() << "\n";
  }
  os << "  cost: " << cost.registerMoves << " register moves, "
     << cost.selects << " selects, " << cost.shuffles << " shuffles, " << cost.sharedStores << " stores, "
     << cost.sharedLoads << " loads, " << cost.barriers << " barriers";
  return os.str();
}

} // namespace ll

