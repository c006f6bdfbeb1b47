//===- Families.h - GPU layout families as linear layouts -------*- C++ -*-===//
//
// Every layout family GPU compilers use, each with Triton's parameters, and
// `toLinearLayout(shape)` returning exactly the LinearLayout Triton builds for
// that tensor shape:
//
//   distributed (in dims register, lane, warp, block; out dims dim0..):
//     BlockedEncoding, SliceEncoding, NvidiaMmaEncoding (v2 mma.sync,
//     v3 wgmma), DotOperandEncoding (parent mma / blocked / mfma / wmma),
//     AmdMfmaEncoding, AmdWmmaEncoding, LinearEncoding;
//   memory (in dims offset, block):
//     SwizzledSharedEncoding, NVMMASharedEncoding, SharedLinearEncoding,
//     PaddedSharedEncoding (its linear component).
//
// Example: BlockedEncoding{sizePerThread [2,2], threadsPerWarp [4,8],
// warpsPerCTA [2,1], order [1,0]} on 16x16 gives
//   register = [[0,1],[1,0]], lane = [[0,2],[0,4],[0,8],[2,0],[4,0]],
//   warp = [[8,0]], block = [].
//
// Bad parameters give an Error (never an abort): wrong ranks, non-powers of
// two, a warp size other than 32/64, unknown versions, shapes a family cannot
// cover, ...
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_FAMILIES_H
#define LINEAR_LAYOUTS_CORE_FAMILIES_H

#include "linear_layouts/Core/LinearLayout.h"

#include <memory>
#include <optional>

namespace ll {

using Shape = std::vector<int64_t>;
using UVec = std::vector<int32_t>;

/// How CTAs of a cluster (CGA) split a tensor: the legacy triple
/// (CTAsPerCGA, CTASplitNum, CTAOrder), or the block bases directly (the newer
/// `CGALayout = [[..], ..]` form of Triton >= 3.6, one basis per block bit;
/// zero bases are CTAs holding the same data).
///
/// Legacy CTAsPerCGA [2, 2], CTASplitNum [2, 1], CTAOrder [1, 0] is the same
/// as CGALayout [[0, 0], [1, 0]].
struct CGALayout {
  UVec ctasPerCGA, ctaSplitNum, ctaOrder;
  std::optional<std::vector<Basis>> blockBases;

  /// One CTA, for a tensor of rank `rank`.
  static CGALayout single(int rank);
  /// Explicit block bases.
  static CGALayout fromBases(std::vector<Basis> bases);
  /// Number of CTAs in the CGA.
  int64_t numCTAs() const;
  /// block -> tensor layout (out dims dim0..dim{rank-1}, sizes inferred),
  /// not yet fitted to a shape. Fails on a malformed or non-surjective CGA.
  Expected<LinearLayout> toLinearLayout(int rank) const;
};

enum class EncodingKind {
  Blocked,
  Slice,
  NvidiaMma,
  DotOperand,
  AmdMfma,
  AmdWmma,
  Linear,
  SwizzledShared,
  NVMMAShared,
  SharedLinear,
  PaddedShared,
};

/// A layout attribute with its parameters.
struct Encoding {
  virtual ~Encoding() = default;
  virtual EncodingKind kind() const = 0;
  /// Tensor rank this encoding is for.
  virtual int rank() const = 0;
  /// The linear layout for a tensor of this shape.
  virtual Expected<LinearLayout> toLinearLayout(const Shape &shape) const = 0;
  bool isShared() const {
    return kind() == EncodingKind::SwizzledShared ||
           kind() == EncodingKind::NVMMAShared ||
           kind() == EncodingKind::SharedLinear ||
           kind() == EncodingKind::PaddedShared;
  }
};
using EncodingPtr = std::shared_ptr<const Encoding>;

struct BlockedEncoding final : Encoding {
  UVec sizePerThread, threadsPerWarp, warpsPerCTA, order;
  CGALayout cga;
  EncodingKind kind() const override { return EncodingKind::Blocked; }
  int rank() const override { return static_cast<int>(order.size()); }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
};

struct SliceEncoding final : Encoding {
  int dim = 0;
  EncodingPtr parent;
  EncodingKind kind() const override { return EncodingKind::Slice; }
  int rank() const override { return parent ? parent->rank() - 1 : 0; }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
};

/// NVIDIA mma: versionMajor 2 (mma.sync, instrShape [16, 8]) or 3 (wgmma,
/// instrShape [16, N, K]).
struct NvidiaMmaEncoding final : Encoding {
  int versionMajor = 2, versionMinor = 0;
  UVec warpsPerCTA, instrShape;
  CGALayout cga;
  EncodingKind kind() const override { return EncodingKind::NvidiaMma; }
  int rank() const override { return static_cast<int>(warpsPerCTA.size()); }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
};

/// Operand `opIdx` (0 = A, 1 = B) of a dot whose result has layout `parent`.
struct DotOperandEncoding final : Encoding {
  int opIdx = 0;
  EncodingPtr parent;
  int kWidth = 0;
  EncodingKind kind() const override { return EncodingKind::DotOperand; }
  int rank() const override { return parent ? parent->rank() : 0; }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
};

/// AMD MFMA (CDNA, wave64). instrShape [M, N] (16x16, 32x32, 4x4, ...).
struct AmdMfmaEncoding final : Encoding {
  int version = 3;
  UVec warpsPerCTA, instrShape;
  bool isTransposed = false;
  UVec tilesPerWarp;       // empty = all ones
  int elementBitWidth = 32; // 64 selects the f64 register pattern
  CGALayout cga;
  EncodingKind kind() const override { return EncodingKind::AmdMfma; }
  int rank() const override { return static_cast<int>(warpsPerCTA.size()); }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
};

/// AMD WMMA (RDNA): version 1 (wave32, duplicated lanes), 2, 3.
struct AmdWmmaEncoding final : Encoding {
  int version = 2;
  bool isTransposed = false;    // printed as `isTranspose` by Triton
  UVec warpsPerCTA, instrShape; // instrShape empty = [16, 16, 16]
  UVec tilesPerWarp;            // empty = all ones
  CGALayout cga;
  EncodingKind kind() const override { return EncodingKind::AmdWmma; }
  int rank() const override { return static_cast<int>(warpsPerCTA.size()); }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
};

/// `#ttg.linear`: a distributed linear layout given by its bases.
struct LinearEncoding final : Encoding {
  LinearLayout layout; // in dims register, lane, warp, block
  EncodingKind kind() const override { return EncodingKind::Linear; }
  int rank() const override { return layout.numOutDims(); }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
  /// The dims ordered by how fast they vary (as Triton's getOrder).
  UVec order() const;
};

/// Triton's #swizzled_shared: row r's vectors of `vec` elements XORed with
/// phase (r / perPhase) % maxPhase. With `rotating` (AMD's
/// #amd_rotating_shared), the phase is also XORed with the block of rows
/// (r / (perPhase maxPhase)) % maxPhase, so consecutive blocks of rows
/// rotate through the banks.
struct SwizzledSharedEncoding final : Encoding {
  int vec = 1, perPhase = 1, maxPhase = 1;
  bool rotating = false;
  UVec order;
  CGALayout cga;
  EncodingKind kind() const override { return EncodingKind::SwizzledShared; }
  int rank() const override { return static_cast<int>(order.size()); }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
};

struct NVMMASharedEncoding final : Encoding {
  int swizzlingByteWidth = 128;
  bool transposed = false;
  int elementBitWidth = 16;
  bool fp4Padded = false;
  CGALayout cga;
  int rank_ = 2;
  EncodingKind kind() const override { return EncodingKind::NVMMAShared; }
  int rank() const override { return rank_; }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
};

struct SharedLinearEncoding final : Encoding {
  LinearLayout layout; // in dims offset, block
  int alignment = 16;
  EncodingKind kind() const override { return EncodingKind::SharedLinear; }
  int rank() const override { return layout.numOutDims(); }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
};

/// Padded shared memory: `intervals[i]:+paddings[i]` plus a linear component
/// (offset -> tensor) that is the layout returned here. The component is given
/// by its bases (`{offset = .., block = ..}`) or as the identity over
/// `{order = .., shape = ..}`. Padding only changes addresses: after every
/// `interval` elements, `padding` elements are skipped.
struct PaddedSharedEncoding final : Encoding {
  UVec intervals, paddings;
  std::optional<LinearLayout> layout; // in dims offset, block
  UVec order;                         // short form
  Shape shape;                        // short form
  EncodingKind kind() const override { return EncodingKind::PaddedShared; }
  int rank() const override {
    return layout ? layout->numOutDims() : static_cast<int>(order.size());
  }
  Expected<LinearLayout> toLinearLayout(const Shape &shape) const override;
  /// The padded address of a linear offset.
  int64_t paddedOffset(int64_t offset) const;
};

//===----------------------------------------------------------------------===//
// Building blocks (shared with planning and the dialect)
//===----------------------------------------------------------------------===//

/// "dim0", "dim1", ...
std::vector<std::string> standardOutDimNames(int rank);
/// prod_i identity1D(shape[order[i]], in, dim{order[i]}); the out dims come in
/// `order` (fastest first).
Expected<LinearLayout> identityStandardND(const std::string &in,
                                          const UVec &shape, const UVec &order);
/// Zero the largest bases of each out dim that exceeds `shape` (replication);
/// with `broadcastRegisters` false, drop such register bases instead.
Expected<LinearLayout> ensureLayoutNotLargerThan(const LinearLayout &layout,
                                                 const DimSizes &shape,
                                                 bool broadcastRegisters = true);
/// Repeat along the first in dim (register / offset) where the layout covers
/// less than `shape`.
Expected<LinearLayout> ensureLayoutNotSmallerThan(const LinearLayout &layout,
                                                  const DimSizes &shape);
/// Fit a CTA layout to `shape` and multiply by the CGA (block) layout (out
/// dims dim0.., in dim block): the CGA is first shrunk to the whole shape, the
/// CTA layout is then grown and shrunk to shape / CGA size.
Expected<LinearLayout> combineCtaCgaWithShape(const LinearLayout &cta,
                                              const LinearLayout &cga,
                                              const Shape &shape);
Expected<LinearLayout> combineCtaCgaWithShape(const LinearLayout &cta,
                                              const CGALayout &cga,
                                              const Shape &shape);

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_FAMILIES_H
