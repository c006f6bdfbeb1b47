//===- ReduceScan.h - Planning reductions and scans -------------*- C++ -*-===//
//
// How the threads of a distributed layout reduce or scan a tensor along one
// axis, as linear algebra on the layout's hardware bits (registers, then
// lanes, then warps; one bit vector h per point). Each bit maps to the
// axis and to the "rest" (the row-major index of the other dims); the plans
// are data a lowering translates mechanically and the SIMT simulator of the
// tests replays (test/python/test_reduce_scan.py).
//
// Reduction. The points h + K, K = ker(rest o L), hold one output element;
// the points h + Z, Z = ker(L) within K, hold copies of one input element. A
// complement C of Z in K (reduced echelon form, the highest bit of each
// vector its pivot, Z's pivots cleared so registers are preferred to lanes
// and lanes to warps) enumerates each element of a line exactly once:
// combining the value at h with the value at h ^ c for every c in C, in
// order, leaves at every point the combination of its line. C splits by
// pivot into register, lane (a butterfly shuffle) and warp vectors (the
// 2^m partials of an element go through shared memory, at the slot
// slot(h) of the element).
//
//   16 x 4, reduce axis 1, one warp, lanes [[1,0],[2,0],[4,0],[0,1],[0,2]],
//   registers [[8,0]]: C = {lane bit 3, lane bit 4} (two butterflies), no
//   register or warp vector.
//
// Scan. For each axis bit k a vector h_k of K whose axis image is 2^k (Z's
// pivots cleared: the cheapest); bit by bit from the lowest, each point
// combines its block of 2^k positions with the neighbouring block at
// h ^ h_k, in registers, by a butterfly shuffle, or through shared memory.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_REDUCESCAN_H
#define LINEAR_LAYOUTS_CORE_REDUCESCAN_H

#include "linear_layouts/Core/Error.h"
#include "linear_layouts/Core/LinearLayout.h"

#include <cstdint>
#include <vector>

namespace ll {

/// The hardware bits of a distributed layout (register, lane, warp) and
/// their images on a reduction / scan axis and on the other dims.
struct HardwareSpace {
  int regBits = 0, laneBits = 0, warpBits = 0, axisBits = 0, restBits = 0;
  /// Per hardware bit: its axis position and its row-major index of the
  /// other dims.
  std::vector<int64_t> axisImg, restImg;
  LinearLayout layout;

  /// `layout` (of a tensor of `shape`) along `axis`; InvalidArgument for a
  /// bad axis, Unsupported past 62 hardware bits.
  static Expected<HardwareSpace> get(const LinearLayout &layout,
                                     const std::vector<int64_t> &shape,
                                     int axis);
  int bits() const { return regBits + laneBits + warpBits; }
  uint64_t regMask() const { return (uint64_t(1) << regBits) - 1; }
  int32_t lanePart(uint64_t h) const {
    return int32_t((h >> regBits) & ((uint64_t(1) << laneBits) - 1));
  }
  int32_t warpPart(uint64_t h) const {
    return int32_t(h >> (regBits + laneBits));
  }
  /// The axis position (axis) or rest index of the point h.
  int64_t image(uint64_t h, bool axis) const;
  /// Per hardware bit: the element index (rest, then the axis position in
  /// the low axisBits bits).
  std::vector<int64_t> fullImg() const;
  /// The layout from (register, lane, warp) to one out dim "offset" of
  /// 2^outBits whose bases are `img`, one per hardware bit.
  LinearLayout offsetLayout(const std::vector<int64_t> &img,
                            int outBits) const;
};

/// Registers that differ by a vector of `rows` (register-only, reduced
/// echelon form) hold the same value; canon(r) is the class's
/// representative (the lowest register of the class).
struct RegisterClasses {
  std::vector<uint64_t> rows;
  uint64_t canon(uint64_t r) const;
};

/// A reduction along an axis (see the file comment).
struct ReducePlan {
  HardwareSpace hw;
  /// C by the hardware of its pivot: registers (ascending: r0, r1, ... for
  /// a run), lanes, warps (highest pivot first).
  std::vector<uint64_t> cReg, cLane, cWarp;
  /// Registers holding one partial after the register step (and one output
  /// element).
  RegisterClasses classes;
  /// Over warps: per hardware bit the slot of a partial among its
  /// element's 2^m (linear; zero on Z and the register and lane vectors of
  /// C, e_i on cWarp[i]), and the lane / warp bits of the threads that
  /// hold copies (they do not store).
  std::vector<int64_t> slot;
  int32_t laneCopies = 0, warpCopies = 0;
  int m() const { return int(cWarp.size()); }
  /// Entries of the shared-memory buffer over warps: 2^m partials per
  /// output element (0: no warp vector, no buffer).
  int64_t sharedEntries() const;
};

/// The plan reducing a tensor of `shape` in `layout` along `axis`.
Expected<ReducePlan> planReduce(const LinearLayout &layout,
                                const std::vector<int64_t> &shape, int axis);

/// A scan along an axis (see the file comment).
struct ScanPlan {
  HardwareSpace hw;
  /// h_k per axis bit k, lowest first.
  std::vector<uint64_t> steps;
  /// Registers holding one element.
  RegisterClasses copies;
  /// Lane / warp bits of the threads that hold copies (do not store).
  int32_t laneCopies = 0, warpCopies = 0;
  /// Whether a step crosses warps (through shared memory).
  bool usesShared() const;
  /// Entries of the shared-memory buffer (0 when usesShared() is false).
  int64_t sharedEntries() const;
};

/// The plan scanning a tensor of `shape` in `layout` along `axis`;
/// Unsupported when the layout does not reach every axis position.
Expected<ScanPlan> planScan(const LinearLayout &layout,
                            const std::vector<int64_t> &shape, int axis);

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_REDUCESCAN_H
