//===- Swizzle.cpp - Optimal swizzling ------------------------------------===//

#include "Detail.h"

#include <algorithm>
#include <set>

namespace ll {
using namespace detail;

namespace detail {

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
                                    bool preferLoad,
                                    const std::vector<uint64_t> &forcedVec,
                                    int widen) {
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
  //    maxAccessBits, in the source's register order (a vector of
  //    consecutive source registers: an mma accumulator's quads store as
  //    they are, without register moves).
  int maxVec = log2i(std::max(1, t.maxAccessBits / bitwidth));
  std::vector<uint64_t> common;
  for (uint64_t r : sRegs)
    if (dRegSet.count(r) && !blockSpan.contains(r))
      common.push_back(r);
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
      for (const char *dim : kDistributedDims) {
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
    for (const char *dim : kDistributedDims)
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

} // namespace detail

Expected<LinearLayout> optimalSwizzle(const LinearLayout &src,
                                      const LinearLayout &dst, int bitwidth,
                                      const Target &target) {
  LL_TRY(okIn, checkConversion(src, dst, bitwidth, target));
  (void)okIn;
  LL_TRY(d, designShared(src, dst, bitwidth, target, -1));
  return sharedLayout(d, src, /*full=*/false);
}

} // namespace ll
