//===- Shuffles.cpp - Intra-warp plans: shuffles, selects -----------------===//

#include "Detail.h"

#include <algorithm>

namespace ll {
using namespace detail;

namespace detail {

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
/// 2^|K| sub-rounds. Always succeeds (true) unless the maps are malformed.
Expected<bool> planShuffle(ShufflePlan &p, const LinearLayout &cvt,
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
    p.sendRegister = send;
    p.srcLane = srcLane;
    p.dstRegister = dstReg;
    p.subRound = sub;
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
  p.sendRegister = send;
  p.srcLane = srcLane;
  p.dstRegister = dstRegL;
  p.subRound = sub;
  p.subRounds = 1 << K.size();
  return true;
}

} // namespace detail

namespace detail {

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
int64_t pickCost(const LinearLayout &l, const char *out,
                 const std::vector<const char *> &ins, int64_t nBases,
                 int64_t nVals) {
  int o = l.outDimIndex(out);
  if (o < 0)
    return 0;
  std::vector<uint64_t> cols;
  int64_t stages = 0;
  for (const char *d : ins) {
    int i = l.inDimIndex(d);
    for (int b = 0; i >= 0 && b < l.inDimSizeLog2(i); ++b)
      if (int32_t v = l.basis(i, b, o)) {
        cols.push_back(uint64_t(uint32_t(v)));
        ++stages;
      }
  }
  int k = f2::rank(cols);
  if (!k)
    return 0;
  int64_t chain = nBases * ((int64_t(1) << k) - 1);
  return std::min(chain, nVals * stages);
}

int64_t selectCount(const LinearLayout &sel, int distinctDstRegs,
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
Expected<bool> addWarpOffsets(ShufflePlan &p,
                                     const LinearLayout &cvt) {
  for (const char *d : {"warp", "block"}) {
    int idx = cvt.inDimIndex(d);
    std::vector<Basis> laneBases, regBases;
    for (int b = 0; b < cvt.inDimSizeLog2(idx); ++b) {
      int32_t dr = cvt.basis(idx, b, cvt.outDimIndex("register"));
      int32_t dl = cvt.basis(idx, b, cvt.outDimIndex("lane"));
      std::vector<std::pair<std::string, int32_t>> at;
      for (int i = 0; i < p.sendRegister.numInDims(); ++i) {
        const std::string &n = p.sendRegister.inDimName(i);
        at.push_back({n, n == "lane" ? dl : 0});
      }
      LL_TRY(sent, p.sendRegister.applyNamed(at));
      laneBases.push_back({dl});
      regBases.push_back({sent[0] ^ dr});
    }
    LL_TRY(lanes, p.srcLane.withInDimBases(d, laneBases));
    LL_TRY(sends, p.sendRegister.withInDimBases(d, regBases));
    p.srcLane = std::move(lanes);
    p.sendRegister = std::move(sends);
  }
  return true;
}

} // namespace detail

} // namespace ll
