//===- Dot.cpp - Dots as layout divides -------------------------------------===//

#include "linear_layouts/Core/Dot.h"

#include <map>
#include <optional>
#include <string>

namespace ll {

namespace {

Error unsupported(const std::string &why) {
  return Error(ErrorKind::Unsupported, why);
}

/// `l` at register `r` (thread 0): its out coordinates.
std::vector<int32_t> atRegister(const LinearLayout &l, int32_t r) {
  std::vector<int32_t> ins(l.numInDims(), 0);
  if (int i = l.inDimIndex("register"); i >= 0)
    ins[i] = r;
  return l.apply(ins);
}

/// The thread parts of a dot's layouts agree: per basis of every in dim
/// but the registers (and `skip`), A moves (batch,) m as C does and never
/// k, B moves (batch,) n as C does and never k, and C moves whole tiles of
/// tileM x tileN. Out dims: (batch,) m, n / m, k / k, n.
std::optional<Error> threadPartsAgree(const LinearLayout &a,
                                      const LinearLayout &b,
                                      const LinearLayout &c, int tileM,
                                      int tileN, const std::string &skip) {
  int rank = c.numOutDims();
  int bat = rank - 3, m = rank - 2, n = rank - 1, ak = rank - 1, bk = rank - 2;
  for (const std::string &d : c.inDimNames()) {
    if (d == "register" || d == skip)
      continue;
    int ic = c.inDimIndex(d), ia = a.inDimIndex(d), ib = b.inDimIndex(d);
    if (ia < 0 || ib < 0 || a.inDimSizeLog2(ia) != c.inDimSizeLog2(ic) ||
        b.inDimSizeLog2(ib) != c.inDimSizeLog2(ic))
      return unsupported("operand layouts over other " + d + "s than the "
                         "result's");
    for (int bit = 0; bit < c.inDimSizeLog2(ic); ++bit) {
      bool batch = bat < 0 || (a.basis(ia, bit, bat) == c.basis(ic, bit, bat) &&
                               b.basis(ib, bit, bat) == c.basis(ic, bit, bat));
      if (!batch || a.basis(ia, bit, m) != c.basis(ic, bit, m) ||
          b.basis(ib, bit, n) != c.basis(ic, bit, n) || a.basis(ia, bit, ak) ||
          b.basis(ib, bit, bk) || c.basis(ic, bit, m) % tileM ||
          c.basis(ic, bit, n) % tileN)
        return unsupported(d + " bit " + std::to_string(bit) +
                           (tileM == 1 ? " moves k, or rows / columns unlike "
                                         "the result"
                                       : " does not move whole tiles alike in "
                                         "the operands and the result"));
    }
  }
  return std::nullopt;
}

/// `l`'s registers by their coordinates at thread 0.
std::map<std::vector<int32_t>, int32_t> registersByCoords(const LinearLayout &l) {
  std::map<std::vector<int32_t>, int32_t> at;
  int r = l.inDimIndex("register");
  for (int32_t i = 0; r >= 0 && i < int32_t(l.inDimSize(r)); ++i)
    at.emplace(atRegister(l, i), i);
  return at;
}

} // namespace

Expected<FmaDotPlan> planFmaDot(const LinearLayout &a, const LinearLayout &b,
                                const LinearLayout &c) {
  int rank = c.numOutDims();
  if ((rank != 2 && rank != 3) || a.numOutDims() != rank ||
      b.numOutDims() != rank)
    return unsupported("a dot of rank " + std::to_string(rank) +
                       " (2, or 3 with a batch)");
  int m = rank - 2, n = rank - 1;
  int ak = rank - 1, bk = rank - 2; // k in A (its last dim) and B
  int64_t K = a.outDimSize(ak);
  if (b.outDimSize(bk) != K || a.outDimSize(m) != c.outDimSize(m) ||
      b.outDimSize(n) != c.outDimSize(n))
    return unsupported("operand shapes that do not multiply");
  // The thread parts: per lane / warp / block basis, A moves (batch, m) as C
  // does and not k; B moves (batch, n) as C does and not k.
  if (auto e = threadPartsAgree(a, b, c, 1, 1, ""))
    return *e;
  auto aAt = registersByCoords(a), bAt = registersByCoords(b);
  FmaDotPlan plan;
  plan.k = K;
  int rc = c.inDimIndex("register");
  int64_t regs = rc < 0 ? 1 : c.inDimSize(rc);
  for (int32_t r = 0; r < regs; ++r) {
    std::vector<int32_t> at = rc < 0 ? std::vector<int32_t>(rank, 0)
                                     : atRegister(c, r);
    std::vector<int32_t> as, bs;
    for (int32_t k = 0; k < K; ++k) {
      std::vector<int32_t> ca(at), cb(at);
      ca[ak] = k;           // (batch, m, k)
      cb[bk] = k;           // (batch, k, n)
      auto ia = aAt.find(ca), ib = bAt.find(cb);
      if (ia == aAt.end() || ib == bAt.end())
        return unsupported("a thread does not hold element k = " +
                           std::to_string(k) + " of the operands of its "
                           "result register " + std::to_string(r));
      as.push_back(ia->second);
      bs.push_back(ib->second);
    }
    plan.aRegs.push_back(std::move(as));
    plan.bRegs.push_back(std::move(bs));
  }
  return plan;
}

static void mmaC(MatrixInstruction &I);

MatrixInstruction mmaM16N8K16() {
  // PTX ISA 9.7.14.5.8, m16n8k16 .f16 / .bf16: group g = lane / 4, t =
  // lane % 4. A: a_i at (g + 8 * (i / 2 % 2), 2 t + i % 2 + 8 * (i / 4));
  // B: b_i at (2 t + i % 2 + 8 * (i / 2), g); C: c_i at (g + 8 * (i / 2),
  // 2 t + i % 2).
  MatrixInstruction I;
  I.m = 16, I.n = 8, I.k = 16;
  for (int i = 0; i < 8; ++i)
    I.aRegs.push_back({8 * (i / 2 % 2), i % 2 + 8 * (i / 4)});
  for (int i = 0; i < 4; ++i)
    I.bRegs.push_back({i % 2 + 8 * (i / 2), 0});
  I.aLanes = {{0, 2}, {0, 4}, {1, 0}, {2, 0}, {4, 0}};
  I.bLanes = {{2, 0}, {4, 0}, {0, 1}, {0, 2}, {0, 4}};
  mmaC(I);
  return I;
}

/// C of every m16n8 mma.sync: c_i at (g + 8 (i / 2), 2 t + i % 2).
static void mmaC(MatrixInstruction &I) {
  for (int i = 0; i < 4; ++i)
    I.cRegs.push_back({8 * (i / 2), i % 2});
  I.cLanes = {{0, 2}, {0, 4}, {1, 0}, {2, 0}, {4, 0}};
}

MatrixInstruction mmaM16N8K8Tf32() {
  // a_i at (g + 8 (i % 2), t + 4 (i / 2)); b_i at (t + 4 i, g).
  MatrixInstruction I;
  I.m = 16, I.n = 8, I.k = 8;
  for (int i = 0; i < 4; ++i)
    I.aRegs.push_back({8 * (i % 2), 4 * (i / 2)});
  for (int i = 0; i < 2; ++i)
    I.bRegs.push_back({4 * i, 0});
  I.aLanes = {{0, 1}, {0, 2}, {1, 0}, {2, 0}, {4, 0}};
  I.bLanes = {{1, 0}, {2, 0}, {0, 1}, {0, 2}, {0, 4}};
  mmaC(I);
  return I;
}

MatrixInstruction mmaM16N8K32I8() {
  // a_i at (g + 8 (i / 4 % 2), 4 t + i % 4 + 16 (i / 8)); b_i at
  // (4 t + i % 4 + 16 (i / 4), g).
  MatrixInstruction I;
  I.m = 16, I.n = 8, I.k = 32;
  for (int i = 0; i < 16; ++i)
    I.aRegs.push_back({8 * (i / 4 % 2), i % 4 + 16 * (i / 8)});
  for (int i = 0; i < 8; ++i)
    I.bRegs.push_back({i % 4 + 16 * (i / 4), 0});
  I.aLanes = {{0, 4}, {0, 8}, {1, 0}, {2, 0}, {4, 0}};
  I.bLanes = {{4, 0}, {8, 0}, {0, 1}, {0, 2}, {0, 4}};
  mmaC(I);
  return I;
}

Expected<TiledDotPlan> planTiledDot(const LinearLayout &a,
                                    const LinearLayout &b,
                                    const LinearLayout &c,
                                    const MatrixInstruction &I) {
  int rank = c.numOutDims();
  if ((rank != 2 && rank != 3) || a.numOutDims() != rank ||
      b.numOutDims() != rank)
    return unsupported("a dot of rank " + std::to_string(rank));
  int bat = rank - 3, m = rank - 2, n = rank - 1;
  int ak = rank - 1, bk = rank - 2;
  int64_t K = a.outDimSize(ak);
  if (K % I.k || c.outDimSize(m) % I.m || c.outDimSize(n) % I.n)
    return unsupported("a " + std::to_string(c.outDimSize(m)) + "x" +
                       std::to_string(c.outDimSize(n)) + "x" +
                       std::to_string(K) + " dot is not whole " +
                       std::to_string(I.m) + "x" + std::to_string(I.n) + "x" +
                       std::to_string(I.k) + " tiles");
  // The lanes hold the fragments.
  auto lanesAre = [&](const LinearLayout &l, int r0, int r1,
                      const std::vector<std::array<int32_t, 2>> &want,
                      const char *what) -> std::optional<Error> {
    int il = l.inDimIndex("lane");
    if (il < 0 || l.inDimSizeLog2(il) != int(want.size()))
      return unsupported(std::string(what) + "'s lanes are not the "
                         "instruction's");
    for (int bit = 0; bit < int(want.size()); ++bit)
      if (l.basis(il, bit, r0) != want[bit][0] ||
          l.basis(il, bit, r1) != want[bit][1] ||
          (bat >= 0 && l.basis(il, bit, bat)))
        return unsupported(std::string(what) + "'s lane bit " +
                           std::to_string(bit) +
                           " is not the instruction's fragment");
    return std::nullopt;
  };
  if (auto e = lanesAre(a, m, ak, I.aLanes, "A"))
    return *e;
  if (auto e = lanesAre(b, bk, n, I.bLanes, "B"))
    return *e;
  if (auto e = lanesAre(c, m, n, I.cLanes, "C"))
    return *e;
  // Warps and blocks move whole tiles: A like C's rows, B like its columns.
  if (auto e = threadPartsAgree(a, b, c, I.m, I.n, "lane"))
    return *e;
  auto aAt = registersByCoords(a), bAt = registersByCoords(b),
       cAt = registersByCoords(c);
  auto point = [&](const std::vector<int32_t> &origin, int d0, int d1,
                   std::array<int32_t, 2> off) {
    std::vector<int32_t> p(origin);
    p[d0] += off[0];
    p[d1] += off[1];
    return p;
  };
  TiledDotPlan plan;
  std::map<std::vector<int32_t>, bool> seen;
  int rc = c.inDimIndex("register");
  int64_t regs = rc < 0 ? 1 : c.inDimSize(rc);
  std::vector<bool> covered(regs, false);
  for (int32_t r = 0; r < regs; ++r) {
    std::vector<int32_t> o = atRegister(c, r);
    o[m] -= o[m] % I.m;
    o[n] -= o[n] % I.n;
    if (!seen.emplace(o, true).second)
      continue;
    std::vector<int32_t> cs;
    for (auto off : I.cRegs) {
      auto it = cAt.find(point(o, m, n, off));
      if (it == cAt.end())
        return unsupported("the result's registers do not hold whole tiles");
      cs.push_back(it->second);
      covered[it->second] = true;
    }
    std::vector<std::vector<int32_t>> as, bs;
    for (int64_t k0 = 0; k0 < K; k0 += I.k) {
      std::vector<int32_t> ao(o), bo(o);
      ao[ak] = int32_t(k0);             // (batch, m0, k0)
      bo[bk] = int32_t(k0), bo[n] = o[n]; // (batch, k0, n0)
      std::vector<int32_t> ar, br;
      for (auto off : I.aRegs) {
        auto it = aAt.find(point(ao, m, ak, off));
        if (it == aAt.end())
          return unsupported("A's registers do not hold the tiles its "
                             "result tiles need");
        ar.push_back(it->second);
      }
      for (auto off : I.bRegs) {
        auto it = bAt.find(point(bo, bk, n, off));
        if (it == bAt.end())
          return unsupported("B's registers do not hold the tiles its "
                             "result tiles need");
        br.push_back(it->second);
      }
      as.push_back(std::move(ar));
      bs.push_back(std::move(br));
    }
    plan.cRegs.push_back(std::move(cs));
    plan.aRegs.push_back(std::move(as));
    plan.bRegs.push_back(std::move(bs));
  }
  for (int64_t r = 0; r < regs; ++r)
    if (!covered[r])
      return unsupported("result register " + std::to_string(r) +
                         " is in no tile");
  return plan;
}

} // namespace ll
