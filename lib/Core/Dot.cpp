//===- Dot.cpp - Dots as layout divides -------------------------------------===//

#include "linear_layouts/Core/Dot.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace ll {

std::vector<int32_t> atRegister(const LinearLayout &l, int32_t r) {
  std::vector<int32_t> ins(l.numInDims(), 0);
  if (int i = l.inDimIndex("register"); i >= 0)
    ins[i] = r;
  return l.apply(ins);
}

std::map<std::vector<int32_t>, int32_t>
registersByCoords(const LinearLayout &l) {
  std::map<std::vector<int32_t>, int32_t> at;
  int r = l.inDimIndex("register");
  for (int32_t i = 0; r >= 0 && i < int32_t(l.inDimSize(r)); ++i)
    at.emplace(atRegister(l, i), i);
  return at;
}

namespace {

Error unsupported(const std::string &why) {
  return Error(ErrorKind::Unsupported, why);
}


/// The thread parts of a dot's layouts agree: per basis of every in dim
/// but the registers (and `skip`, and the low `skipWarpBits` warp bits), A
/// moves (batch,) m as C does and never k, B moves (batch,) n as C does and
/// never k, and C moves whole tiles of tileM x tileN. Out dims: (batch,) m,
/// n / m, k / k, n. A null operand (read from shared memory) is not
/// checked.
std::optional<Error> threadPartsAgree(const LinearLayout *a,
                                      const LinearLayout *b,
                                      const LinearLayout &c, int tileM,
                                      int tileN, const std::string &skip,
                                      int skipWarpBits = 0) {
  int rank = c.numOutDims();
  int bat = rank - 3, m = rank - 2, n = rank - 1, ak = rank - 1, bk = rank - 2;
  for (const std::string &d : c.inDimNames()) {
    if (d == "register" || d == skip)
      continue;
    int ic = c.inDimIndex(d);
    int ia = a ? a->inDimIndex(d) : 0, ib = b ? b->inDimIndex(d) : 0;
    if ((a && (ia < 0 || a->inDimSizeLog2(ia) != c.inDimSizeLog2(ic))) ||
        (b && (ib < 0 || b->inDimSizeLog2(ib) != c.inDimSizeLog2(ic))))
      return unsupported("operand layouts over other " + d + "s than the "
                         "result's");
    for (int bit = d == "warp" ? skipWarpBits : 0; bit < c.inDimSizeLog2(ic);
         ++bit) {
      bool batch = bat < 0 ||
                   ((!a || a->basis(ia, bit, bat) == c.basis(ic, bit, bat)) &&
                    (!b || b->basis(ib, bit, bat) == c.basis(ic, bit, bat)));
      bool aOk = !a || (a->basis(ia, bit, m) == c.basis(ic, bit, m) &&
                        !a->basis(ia, bit, ak));
      bool bOk = !b || (b->basis(ib, bit, n) == c.basis(ic, bit, n) &&
                        !b->basis(ib, bit, bk));
      if (!batch || !aOk || !bOk || c.basis(ic, bit, m) % tileM ||
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
  if (auto e = threadPartsAgree(&a, &b, c, 1, 1, ""))
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

MatrixInstruction wgmma(int n, int elemBits) {
  // A per warp as mma.sync's A of the same K (PTX ISA 9.7.15.5.1: the
  // wgmma A fragment of warp w is the m16 fragment of rows 16 w..).
  MatrixInstruction I = elemBits == 32   ? mmaM16N8K8Tf32()
                        : elemBits == 8 ? mmaM16N8K32I8()
                                        : mmaM16N8K16();
  I.m = 64, I.n = n;
  I.bRegs.clear(), I.bLanes.clear(), I.cRegs.clear();
  for (int i = 0; i < n / 2; ++i)
    I.cRegs.push_back({8 * (i / 2 % 2), i % 2 + 8 * (i / 4)});
  I.aWarps = I.cWarps = {{16, 0}, {32, 0}};
  return I;
}

MatrixInstruction mfma(int m, int k, bool transposed) {
  MatrixInstruction I;
  I.m = I.n = m, I.k = k;
  int kp = k * m / 64, rowBits = m == 32 ? 5 : 4;
  for (int i = 0; i < kp; ++i) {
    I.aRegs.push_back({0, i});
    I.bRegs.push_back({i, 0});
  }
  for (int b = 0; b < 6; ++b) {
    int32_t rowOrK = b < rowBits ? 1 << b : kp << (b - rowBits);
    I.aLanes.push_back(b < rowBits ? std::array<int32_t, 2>{rowOrK, 0}
                                   : std::array<int32_t, 2>{0, rowOrK});
    I.bLanes.push_back(b < rowBits ? std::array<int32_t, 2>{0, rowOrK}
                                   : std::array<int32_t, 2>{rowOrK, 0});
    // D: lanes walk the columns, then rows 4 (and 8) apart.
    I.cLanes.push_back(b < rowBits ? std::array<int32_t, 2>{0, 1 << b}
                                   : std::array<int32_t, 2>{4 << (b - rowBits), 0});
  }
  for (int j = 0; j < m * m / 64; ++j)
    I.cRegs.push_back({m == 32 ? 8 * (j / 4) + j % 4 : j, 0});
  if (transposed) {
    for (auto &r : I.cRegs)
      std::swap(r[0], r[1]);
    for (auto &l : I.cLanes)
      std::swap(l[0], l[1]);
  }
  return I;
}

namespace {

Expected<TiledDotPlan> planTiledDotExact(const LinearLayout *a,
                                         const LinearLayout *b,
                                         const LinearLayout &c,
                                         const MatrixInstruction &I,
                                         int64_t sharedK) {
  int rank = c.numOutDims();
  if ((rank != 2 && rank != 3) || (a && a->numOutDims() != rank) ||
      (b && b->numOutDims() != rank))
    return unsupported("a dot of rank " + std::to_string(rank));
  int bat = rank - 3, m = rank - 2, n = rank - 1;
  int ak = rank - 1, bk = rank - 2;
  int64_t K = a ? a->outDimSize(ak) : b ? b->outDimSize(bk) : sharedK;
  if (K % I.k || c.outDimSize(m) % I.m || c.outDimSize(n) % I.n)
    return unsupported("a " + std::to_string(c.outDimSize(m)) + "x" +
                       std::to_string(c.outDimSize(n)) + "x" +
                       std::to_string(K) + " dot is not whole " +
                       std::to_string(I.m) + "x" + std::to_string(I.n) + "x" +
                       std::to_string(I.k) + " tiles");
  // The lanes (and the instruction's warps) hold the fragments.
  auto lanesAre = [&](const LinearLayout *l, int r0, int r1,
                      const std::vector<std::array<int32_t, 2>> &lanes,
                      const std::vector<std::array<int32_t, 2>> &warps,
                      const char *what) -> std::optional<Error> {
    if (!l)
      return std::nullopt;
    for (auto [dim, want] : {std::pair{"lane", &lanes}, {"warp", &warps}}) {
      int il = l->inDimIndex(dim);
      bool whole = std::string(dim) == "lane";
      if (want->empty() && !whole)
        continue;
      if (il < 0 || (whole ? l->inDimSizeLog2(il) != int(want->size())
                           : l->inDimSizeLog2(il) < int(want->size())))
        return unsupported(std::string(what) + "'s " + dim +
                           "s are not the instruction's");
      for (int bit = 0; bit < int(want->size()); ++bit)
        if (l->basis(il, bit, r0) != (*want)[bit][0] ||
            l->basis(il, bit, r1) != (*want)[bit][1] ||
            (bat >= 0 && l->basis(il, bit, bat)))
          return unsupported(std::string(what) + "'s " + dim + " bit " +
                             std::to_string(bit) +
                             " is not the instruction's fragment");
    }
    return std::nullopt;
  };
  if (auto e = lanesAre(a, m, ak, I.aLanes, I.aWarps, "A"))
    return *e;
  if (auto e = lanesAre(b, bk, n, I.bLanes, {}, "B"))
    return *e;
  if (auto e = lanesAre(&c, m, n, I.cLanes, I.cWarps, "C"))
    return *e;
  // Further warps and blocks move whole tiles: A like C's rows, B like its
  // columns.
  if (auto e = threadPartsAgree(a, b, c, I.m, I.n, "lane", int(I.cWarps.size())))
    return *e;
  std::map<std::vector<int32_t>, int32_t> aAt, bAt,
      cAt = registersByCoords(c);
  if (a)
    aAt = registersByCoords(*a);
  if (b)
    bAt = registersByCoords(*b);
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
    plan.origins.push_back(o);
    for (int64_t k0 = 0; k0 < K; k0 += I.k) {
      std::vector<int32_t> ao(o), bo(o);
      ao[ak] = int32_t(k0);             // (batch, m0, k0)
      bo[bk] = int32_t(k0), bo[n] = o[n]; // (batch, k0, n0)
      std::vector<int32_t> ar, br;
      for (auto off : a ? I.aRegs : decltype(I.aRegs){}) {
        auto it = aAt.find(point(ao, m, ak, off));
        if (it == aAt.end())
          return unsupported("A's registers do not hold the tiles its "
                             "result tiles need");
        ar.push_back(it->second);
      }
      for (auto off : b ? I.bRegs : decltype(I.bRegs){}) {
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

/// `l` with the bits of out dim `k` permuted: bit i of k becomes bit
/// perm[i].
Expected<LinearLayout> permuteK(const LinearLayout &l, int k,
                                const std::vector<int> &perm) {
  BasesList bl = l.bases();
  for (auto &[name, bases] : bl)
    for (Basis &v : bases) {
      int32_t x = v[k], y = 0;
      for (int i = 0; i < int(perm.size()); ++i)
        if (x >> i & 1)
          y |= int32_t(1) << perm[i];
      v[k] = y;
    }
  return LinearLayout::create(std::move(bl), l.outDims(),
                              /*requireSurjective=*/false);
}

/// The permutation of k's bits that makes A's fragment the instruction's:
/// A's lane bits moving k take the instruction's lane k bits, then A's
/// registers moving only k take the instruction's register k bits (lowest
/// first), then the rest in order. Empty when A's k components are not
/// single bits.
std::vector<int> kRelabeling(const LinearLayout &a, const MatrixInstruction &I,
                             int m, int k) {
  int kBits = a.outDimSizeLog2(k);
  std::vector<int> perm(kBits, -1);
  std::vector<bool> used(kBits, false);
  auto assign = [&](int32_t from, int32_t to) {
    if (!from || (from & (from - 1)) || !to || (to & (to - 1)))
      return false;
    int f = __builtin_ctz(uint32_t(from)), t = __builtin_ctz(uint32_t(to));
    if (f >= kBits || t >= kBits || perm[f] >= 0 || used[t])
      return false;
    perm[f] = t, used[t] = true;
    return true;
  };
  int il = a.inDimIndex("lane");
  for (int bit = 0; il >= 0 && bit < int(I.aLanes.size()) &&
                    bit < a.inDimSizeLog2(il);
       ++bit)
    if (I.aLanes[bit][1] && !assign(a.basis(il, bit, k), I.aLanes[bit][1]))
      return {};
  // The instruction's register k bits, lowest first.
  std::vector<int32_t> regK;
  for (auto off : I.aRegs)
    for (int t = 0; t < kBits; ++t)
      if ((off[1] >> t & 1) &&
          std::find(regK.begin(), regK.end(), 1 << t) == regK.end())
        regK.push_back(1 << t);
  std::sort(regK.begin(), regK.end());
  int ir = a.inDimIndex("register");
  size_t next = 0;
  for (int bit = 0; ir >= 0 && bit < a.inDimSizeLog2(ir) && next < regK.size();
       ++bit) {
    int32_t v = a.basis(ir, bit, k);
    if (!v || a.basis(ir, bit, m))
      continue;
    if (v & (v - 1) || perm[__builtin_ctz(uint32_t(v))] >= 0)
      continue;
    if (!assign(v, regK[next]))
      return {};
    ++next;
  }
  if (next != regK.size())
    return {};
  // The rest (k steps) in order.
  for (int f = 0, t = 0; f < kBits; ++f) {
    if (perm[f] >= 0)
      continue;
    while (used[t])
      ++t;
    perm[f] = t, used[t] = true;
  }
  return perm;
}

} // namespace

Expected<TiledDotPlan> planTiledDot(const LinearLayout *a,
                                    const LinearLayout *b,
                                    const LinearLayout &c,
                                    const MatrixInstruction &I,
                                    int64_t sharedK) {
  auto exact = planTiledDotExact(a, b, c, I, sharedK);
  if (exact || !a || !b)
    return exact;
  // A dot's sum over k may run in any order both operands agree on
  // (Triton's kWidth > the instruction's: a thread holds longer runs of k
  // that several instructions share): relabel k's bits so that A holds the
  // instruction's fragment, the same for B.
  int rank = c.numOutDims();
  int m = rank - 2, ak = rank - 1, bk = rank - 2;
  std::vector<int> perm = kRelabeling(*a, I, m, ak);
  bool identity = true;
  for (int i = 0; i < int(perm.size()); ++i)
    identity &= perm[i] == i;
  if (perm.empty() || identity)
    return exact;
  auto pa = permuteK(*a, ak, perm);
  auto pb = permuteK(*b, bk, perm);
  if (!pa || !pb)
    return exact;
  auto relabeled = planTiledDotExact(&*pa, &*pb, c, I, sharedK);
  return relabeled ? relabeled : exact;
}

uint64_t MatrixDescriptor::fields() const {
  uint64_t mode = swizzleBytes == 128  ? 1
                  : swizzleBytes == 64 ? 2
                  : swizzleBytes == 32 ? 3
                                       : 0;
  return (uint64_t(lbo >> 4) & 0x3FFF) << 16 |
         (uint64_t(sbo >> 4) & 0x3FFF) << 32 | mode << 62;
}

int64_t MatrixDescriptor::address(int64_t start, int32_t mn, int32_t k,
                                  int eb) const {
  int64_t W = swizzleBytes, e16 = 16 / eb, eW = W / eb, off;
  if (!mnMajor)
    off = W ? (mn % 8) * W + (mn / 8) * sbo + int64_t(k) * eb
            : (mn % 8) * 16 + (mn / 8) * sbo + (k % e16) * eb + (k / e16) * lbo;
  else
    off = W ? (mn % eW) * eb + (mn / eW) * lbo + (k % 8) * W + (k / 8) * sbo
            : (mn % e16) * eb + (mn / e16) * sbo + (k % 8) * 16 + (k / 8) * lbo;
  int64_t addr = start + off;
  if (W)
    addr ^= ((addr >> 7) & (W / 16 - 1)) << 4;
  return addr;
}

Expected<WgmmaOperandPlan>
planWgmmaOperand(const LinearLayout &shared, int mnDim, int tileMN, int tileK,
                 int elemBits, bool allowMnMajor,
                 const std::vector<std::array<int32_t, 2>> &origins,
                 const std::vector<int32_t> &groupMN) {
  if (shared.numOutDims() != 2 || !shared.hasInDim("offset"))
    return unsupported("a wgmma operand is a 2-D buffer");
  auto inv = shared.invert();
  if (!inv)
    return unsupported("the buffer's layout is not a bijection of offsets "
                       "and elements");
  int eb = elemBits / 8;
  int off = inv->outDimIndex("offset");
  // The byte offset of element (mn, k) in the buffer.
  auto bytes = [&](int32_t mn, int32_t k) {
    std::vector<int32_t> c(2);
    c[mnDim] = mn, c[1 - mnDim] = k;
    return int64_t(inv->apply(c)[off]) * eb;
  };
  int64_t extentMN = shared.outDimSize(mnDim);
  int64_t extentK = shared.outDimSize(1 - mnDim);
  std::vector<std::string> tried;
  for (bool mnMajor : {false, true}) {
    if (mnMajor && !allowMnMajor)
      continue;
    for (int W : {128, 64, 32, 0}) {
      MatrixDescriptor d;
      d.mnMajor = mnMajor, d.swizzleBytes = W;
      int e16 = 16 / eb, eW = W / eb;
      auto at = [&](int32_t mn, int32_t k) {
        return mn < extentMN && k < extentK ? bytes(mn, k) : 0;
      };
      if (!mnMajor && W) {
        if (tileK * eb > W)
          continue;
        d.sbo = tileMN > 8 ? at(8, 0) : 0;
      } else if (!mnMajor) {
        d.lbo = tileK > e16 ? at(0, e16) : 0;
        d.sbo = tileMN > 8 ? at(8, 0) : 0;
      } else if (W) {
        d.lbo = tileMN > eW ? at(eW, 0) : 0;
        d.sbo = tileK > 8 ? at(0, 8) : 0;
      } else {
        d.sbo = tileMN > e16 ? at(e16, 0) : 0;
        d.lbo = tileK > 8 ? at(0, 8) : 0;
      }
      std::string name = std::string(mnMajor ? "MN" : "K") + "-major " +
                         (W ? std::to_string(W) + "-byte swizzle" : "no swizzle");
      if (d.lbo % 16 || d.sbo % 16 || d.lbo >= (1 << 18) || d.sbo >= (1 << 18)) {
        tried.push_back(name + ": strides " + std::to_string(d.lbo) + " / " +
                        std::to_string(d.sbo) + " bytes");
        continue;
      }
      WgmmaOperandPlan plan;
      plan.desc = d;
      for (auto o : origins)
        plan.starts.push_back(bytes(o[0], o[1]));
      for (int32_t g : groupMN)
        plan.groupStarts.push_back(bytes(g, 0));
      // Every element of every tile, for every warpgroup.
      std::optional<std::string> bad;
      for (size_t t = 0; t < origins.size() && !bad; ++t)
        for (int32_t wg = 0; wg < (1 << groupMN.size()) && !bad; ++wg) {
          int32_t mn0 = origins[t][0];
          int64_t start = plan.starts[t];
          for (size_t j = 0; j < groupMN.size(); ++j)
            if (wg >> j & 1)
              mn0 ^= groupMN[j], start ^= plan.groupStarts[j];
          if (start % 16) {
            bad = "a tile starts at byte " + std::to_string(start);
            break;
          }
          for (int32_t mn = 0; mn < tileMN && !bad; ++mn)
            for (int32_t k = 0; k < tileK && !bad; ++k) {
              int64_t want = bytes(mn0 ^ mn, origins[t][1] ^ k),
                      got = d.address(start, mn, k, eb);
              if (got != want)
                bad = "element (" + std::to_string(mn0 ^ mn) + ", " +
                      std::to_string(origins[t][1] ^ k) + ") is at byte " +
                      std::to_string(want) + ", the descriptor reads byte " +
                      std::to_string(got);
            }
        }
      if (!bad)
        return plan;
      tried.push_back(name + ": " + *bad);
    }
  }
  std::string why = "no wgmma descriptor reads the buffer's layout (";
  for (size_t i = 0; i < tried.size(); ++i)
    why += (i ? "; " : "") + tried[i];
  return unsupported(why + ")");
}

} // namespace ll
