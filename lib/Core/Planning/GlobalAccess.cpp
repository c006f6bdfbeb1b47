//===- GlobalAccess.cpp - Global-memory vector widths ---------------------===//

#include "Detail.h"

#include <algorithm>

namespace ll {
using namespace detail;

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

} // namespace ll
