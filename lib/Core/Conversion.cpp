//===- Conversion.cpp - Classifying layout conversions --------------------===//

#include "linear_layouts/Core/Conversion.h"
#include "linear_layouts/Core/F2.h"

#include <algorithm>
#include <optional>

namespace ll {

const char *toString(ConversionKind k) {
  switch (k) {
  case ConversionKind::Noop:
    return "noop";
  case ConversionKind::Registers:
    return "registers";
  case ConversionKind::Select:
    return "select";
  case ConversionKind::Shuffle:
    return "shuffle";
  case ConversionKind::Shared:
    return "shared";
  case ConversionKind::CrossCTA:
    return "cross_cta";
  }
  return "?";
}

const char *const kDistributedDims[4] = {"register", "lane", "warp", "block"};

Expected<bool> checkDistributed(const LinearLayout &l, const char *what) {
  for (int i = 0; i < l.numInDims(); ++i) {
    bool known = false;
    for (const char *d : kDistributedDims)
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

Expected<LinearLayout> withDistributedDims(const LinearLayout &l) {
  LL_TRY(ok, checkDistributed(l, "a conversion's layout"));
  (void)ok;
  LinearLayout r = l;
  for (const char *d : kDistributedDims)
    if (!r.hasInDim(d)) {
      LL_TRY(z, LinearLayout::zeros1D(1, d, r.numOutDims() ? r.outDimName(0)
                                                             : "dim0"));
      LL_TRY(p, r.product(z));
      r = std::move(p);
    }
  return r.transposeIns({"register", "lane", "warp", "block"});
}


Expected<std::optional<LinearLayout>>
localSourceMap(const LinearLayout &srcIn, const LinearLayout &dstIn,
               int numLocal) {
  LL_CHECK(numLocal >= 1 && numLocal <= 4, InvalidArgument,
           "numLocal must be 1..4");
  LL_CHECK(srcIn.outDims() == dstIn.outDims(), DimMismatch,
           "source and destination cover different tensors");
  LL_TRY(src, withDistributedDims(srcIn));
  LL_TRY(dst, withDistributedDims(dstIn));
  for (int d = numLocal; d < 4; ++d)
    LL_CHECK(src.inDimSizeLog2(d) == dst.inDimSizeLog2(d), DimMismatch,
             std::string("the layouts have different numbers of ") + kDistributedDims[d] +
                 "s");
  // Generators: the source's columns of the local dims, in order.
  std::vector<uint64_t> sCols = src.flatColumns(), dCols = dst.flatColumns();
  int localBits = 0;
  for (int d = 0; d < numLocal; ++d)
    localBits += src.inDimSizeLog2(d);
  LL_CHECK(localBits <= 64, Unsupported, "too many local bits");
  f2::PairedSpan span; // column -> which generators make it up
  for (int j = 0; j < localBits; ++j)
    span.insert(sCols[j], uint64_t(1) << j);
  // Each destination basis, less the source's basis of a kept dim (the
  // destination thread sits at the same kept coordinates), must be reached
  // by the local dims.
  std::vector<std::pair<std::string, std::vector<Basis>>> bases;
  int dBit = 0, sBit = 0;
  for (int d = 0; d < 4; ++d) {
    std::vector<Basis> out;
    for (int b = 0; b < dst.inDimSizeLog2(d); ++b, ++dBit) {
      uint64_t v = dCols[dBit];
      if (d >= numLocal)
        v ^= sCols[sBit + b];
      uint64_t coords = 0;
      span.reduce(v, coords);
      if (v)
        return std::optional<LinearLayout>();
      Basis basis;
      int shift = 0;
      for (int l = 0; l < numLocal; ++l) {
        int n = src.inDimSizeLog2(l);
        basis.push_back(int32_t((coords >> shift) & ((uint64_t(1) << n) - 1)));
        shift += n;
      }
      out.push_back(std::move(basis));
    }
    sBit += src.inDimSizeLog2(d);
    bases.push_back({kDistributedDims[d], std::move(out)});
  }
  DimSizes outs;
  for (int l = 0; l < numLocal; ++l)
    outs.push_back({kDistributedDims[l], int32_t(src.inDimSize(l))});
  LL_TRY(m, LinearLayout::create(std::move(bases), outs,
                                 /*requireSurjective=*/false));
  return std::optional<LinearLayout>(std::move(m));
}

Expected<ConversionKind> classifyConversion(const LinearLayout &srcIn,
                                            const LinearLayout &dstIn) {
  LL_TRY(src, withDistributedDims(srcIn));
  LL_TRY(dst, withDistributedDims(dstIn));
  if (src == dst)
    return ConversionKind::Noop;
  // The smallest group of dims whose exchange suffices: each thread's own
  // registers, the warp's lanes, the CTA's warps.
  for (int local = 1; local <= 3; ++local) {
    LL_TRY(m, localSourceMap(src, dst, local));
    if (!m)
      continue;
    if (local > 1)
      return local == 2 ? ConversionKind::Shuffle : ConversionKind::Shared;
    // Thread-local: a register renaming, or a choice that depends on the
    // thread.
    auto moving = m->sublayout({"lane", "warp", "block"}, {"register"});
    bool threadDependent = false;
    if (moving)
      for (uint64_t c : moving->flatColumns())
        threadDependent |= c != 0;
    return threadDependent ? ConversionKind::Select : ConversionKind::Registers;
  }
  return ConversionKind::CrossCTA;
}

} // namespace ll
