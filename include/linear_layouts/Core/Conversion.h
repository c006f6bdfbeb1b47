//===- Conversion.h - Classifying layout conversions ------------*- C++ -*-===//
//
// How a conversion between two distributed layouts of one tensor must move
// data: the smallest group of hardware dims within which every destination
// location finds its element in the source.
//
//   noop       src == dst;
//   registers  each thread permutes (or duplicates) its own registers, the
//              same way in every thread;
//   select     each thread already holds every element it needs, but which
//              register holds it depends on the thread (a source replicated
//              across the lanes / warps the destination spreads over): a
//              per-thread register selection, no communication;
//   shuffle    every element a warp needs is held by that warp: lanes
//              exchange registers (the warp bases of the two layouts may
//              differ, e.g. a source replicated across warps);
//   shared     data moves between warps of a CTA, through shared memory;
//   crossCTA   data moves between CTAs (unsupported by the planners).
//
// The test is linear algebra (S = source, D = destination, flattened to bit
// vectors): the data stays within the dims `local` iff every basis of D in a
// local dim lies in span(S's local bases), and for every basis i of a kept
// dim, D_i xor S_i does.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_CONVERSION_H
#define LINEAR_LAYOUTS_CORE_CONVERSION_H

#include "linear_layouts/Core/LinearLayout.h"

#include <optional>

namespace ll {

enum class ConversionKind { Noop, Registers, Select, Shuffle, Shared, CrossCTA };

const char *toString(ConversionKind k);

/// Classify src -> dst (both distributed: in dims register, lane, warp,
/// block, and the same out dims).
Expected<ConversionKind> classifyConversion(const LinearLayout &src,
                                            const LinearLayout &dst);

/// The in dims of distributed layouts, in order.
extern const char *const kDistributedDims[4];

/// `l` has only distributed in dims (register, lane, warp, block) and at
/// most 2^62 elements; errors name it `what` ("the source layout").
Expected<bool> checkDistributed(const LinearLayout &l, const char *what);

/// `l` with every distributed in dim (register, lane, warp, block) present,
/// in that order (missing ones of size 1); an error for other in dims.
Expected<LinearLayout> withDistributedDims(const LinearLayout &l);

/// For each destination location (register, lane, warp, block), a source
/// location holding the same element whose coordinates in the dims after
/// the first `numLocal` (1: register; 2: register, lane; 3: register, lane,
/// warp) are the destination's own: the map to the source's local dims, or
/// nullopt when some destination location needs an element held only
/// elsewhere. Thread-local (numLocal = 1) example: source register = [[1],
/// [2]] with zero lanes (every lane holds all 4 values), destination lane =
/// [[1], [2], [0], [0], [0]]: lane l takes source register l % 4.
Expected<std::optional<LinearLayout>>
localSourceMap(const LinearLayout &src, const LinearLayout &dst, int numLocal);

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_CONVERSION_H
