//===- Dot.cpp - Dots as layout divides -------------------------------------===//

#include "linear_layouts/Core/Dot.h"

#include <map>
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

} // namespace

Expected<FmaDotPlan> planFmaDot(const LinearLayout &a, const LinearLayout &b,
                                const LinearLayout &c) {
  int rank = c.numOutDims();
  if ((rank != 2 && rank != 3) || a.numOutDims() != rank ||
      b.numOutDims() != rank)
    return unsupported("a dot of rank " + std::to_string(rank) +
                       " (2, or 3 with a batch)");
  int bat = rank - 3; // the batch out dim (-1: none)
  int m = rank - 2, n = rank - 1;
  int ak = rank - 1, bk = rank - 2; // k in A (its last dim) and B
  int64_t K = a.outDimSize(ak);
  if (b.outDimSize(bk) != K || a.outDimSize(m) != c.outDimSize(m) ||
      b.outDimSize(n) != c.outDimSize(n))
    return unsupported("operand shapes that do not multiply");
  // The thread parts: per lane / warp / block basis, A moves (batch, m) as C
  // does and not k; B moves (batch, n) as C does and not k.
  for (const std::string &d : c.inDimNames()) {
    if (d == "register")
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
          b.basis(ib, bit, bk))
        return unsupported(d + " bit " + std::to_string(bit) +
                           " moves k, or rows / columns unlike the result");
    }
  }
  // Registers by coordinates (thread 0's; the thread parts agree).
  std::map<std::vector<int32_t>, int32_t> aAt, bAt;
  int ra = a.inDimIndex("register"), rb = b.inDimIndex("register");
  for (int32_t r = 0; ra >= 0 && r < int32_t(a.inDimSize(ra)); ++r)
    aAt.emplace(atRegister(a, r), r);
  for (int32_t r = 0; rb >= 0 && r < int32_t(b.inDimSize(rb)); ++r)
    bAt.emplace(atRegister(b, r), r);
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

} // namespace ll
