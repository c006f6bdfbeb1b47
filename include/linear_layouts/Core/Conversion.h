//===- Conversion.h - Classifying layout conversions ------------*- C++ -*-===//
//
// How a conversion between two distributed layouts of one tensor must move
// data. With cvt = dst.invertAndCompose(src) (for each destination hardware
// location, the source location holding the same element):
//
//   noop       src == dst;
//   registers  cvt is the identity on block, warp and lane: each thread only
//              permutes (or duplicates) its own registers;
//   shuffle    identity on block and warp: data moves between lanes of a warp;
//   shared     identity on block only: data moves between warps, through
//              shared memory;
//   crossCTA   data moves between CTAs (unsupported by the planners).
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_CONVERSION_H
#define LINEAR_LAYOUTS_CORE_CONVERSION_H

#include "linear_layouts/Core/LinearLayout.h"

namespace ll {

enum class ConversionKind { Noop, Registers, Shuffle, Shared, CrossCTA };

const char *toString(ConversionKind k);

/// Classify src -> dst (both distributed: in dims register, lane, warp,
/// block, and the same out dims).
Expected<ConversionKind> classifyConversion(const LinearLayout &src,
                                            const LinearLayout &dst);

/// A relative cost for choosing which conversions to remove: registers 1,
/// shuffle 4, shared 16, crossCTA 64, noop 0.
int conversionCost(ConversionKind k);

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_CONVERSION_H
