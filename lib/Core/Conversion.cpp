//===- Conversion.cpp - Classifying layout conversions --------------------===//

#include "linear_layouts/Core/Conversion.h"

namespace ll {

const char *toString(ConversionKind k) {
  switch (k) {
  case ConversionKind::Noop:
    return "noop";
  case ConversionKind::Registers:
    return "registers";
  case ConversionKind::Shuffle:
    return "shuffle";
  case ConversionKind::Shared:
    return "shared";
  case ConversionKind::CrossCTA:
    return "cross_cta";
  }
  return "?";
}

int conversionCost(ConversionKind k) {
  switch (k) {
  case ConversionKind::Noop:
    return 0;
  case ConversionKind::Registers:
    return 1;
  case ConversionKind::Shuffle:
    return 4;
  case ConversionKind::Shared:
    return 16;
  case ConversionKind::CrossCTA:
    return 64;
  }
  return 64;
}

Expected<ConversionKind> classifyConversion(const LinearLayout &src,
                                            const LinearLayout &dst) {
  static const char *kDims[] = {"register", "lane", "warp", "block"};
  for (const LinearLayout *l : {&src, &dst})
    for (int i = 0; i < l->numInDims(); ++i) {
      bool known = false;
      for (const char *d : kDims)
        known |= l->inDimName(i) == d;
      LL_CHECK(known, InvalidArgument,
               "conversions are between distributed layouts (in dims "
               "register, lane, warp, block), got in dim '" +
                   l->inDimName(i) + "'");
    }
  if (src == dst)
    return ConversionKind::Noop;
  LL_TRY(cvt, dst.invertAndCompose(src));
  // Make every distributed dim present, so the quotients below are defined.
  LinearLayout full = cvt;
  for (const char *d : kDims)
    if (!full.hasInDim(d)) {
      LL_TRY(id, LinearLayout::identity1D(1, d, d));
      LL_TRY(p, full.product(id));
      full = std::move(p);
    }
  if (!full.isTrivialOver({"block"}))
    return ConversionKind::CrossCTA;
  if (!full.isTrivialOver({"block", "warp"}))
    return ConversionKind::Shared;
  if (!full.isTrivialOver({"block", "warp", "lane"}))
    return ConversionKind::Shuffle;
  return ConversionKind::Registers;
}

} // namespace ll
